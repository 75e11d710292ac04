#!/usr/bin/env bash
# integrity.sh BUILD_DIR - a run's integrity (issue 16), tried as a careful user with faults
# and odd environments on purpose; the driver (scripts/cbench.sh sweep) must never end 0
# with wrong or mixed data:
#   - SIGKILL to the driver at random moments (alone, or its whole group): nothing of the
#     run keeps running, and a --resume removes what the killed run left half-written,
#     keeps what it finished, byte for byte, and ends with every configuration;
#   - two runs into one folder: the second is refused, naming the first one's PID; a --run
#     folder that holds a run is neither resumed nor started over unless asked;
#   - --resume of a run with another CPU set (taskset) or seed: refused, the difference named;
#   - HWLOC_XMLFILE (another machine's topology): refused; inherited OMP_PROC_BIND: removed
#     with a note, and bench-openmp's team still placed by the plan;
#   - a full disk (a tiny tmpfs, as root): exit 1, one line, and no cut file kept;
#   - a binary that hangs (OpenBLAS under a memory limit): stopped at its time limit,
#     reported, and the sweep goes on to the end (exit 4);
#   - unclear input: a file where the results folder should be, a relative --out from
#     another folder, an --out value that starts with '-', TMPDIR that does not exist.
# The random moments come from a seed, printed first; CB_INTEGRITY_SEED=N repeats the plan.
. "$(dirname "$0")/lib.sh"
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
B=$build/bench
cbench=$src/scripts/cbench.sh
work=$(mktemp -d)
trap 'umount "$work/full" 2>/dev/null; rm -rf "$work"' EXIT
export PYTHONDONTWRITEBYTECODE=1
tag_processes integrity
leftover_names='bench-.*|python3|cbench.*|gnuplot.*|lstopo.*|mpirun|prterun|prted'
seed=${CB_INTEGRITY_SEED:-$(($(date +%s%N) / 1000 % 1000000))}
echo "integrity: seed $seed (CB_INTEGRITY_SEED=$seed repeats this plan)"
RANDOM=$seed

res=$work/results/x
# base: every run's; args: the sweep that most cases use, in one folder named exactly (--run:
# a run there is continued with --resume, started over with --replace)
base=(--no-build --build "$build" --out "$work/results" --plots "$work/plots" --workers 1,2)
args=("${base[@]}" --run "$res" --models threads,procs --kernels primes,randsum --size primes=30000
      --size randsum=400000 --reps 2 --rounds 2)
sweep() { "$cbench" sweep "${args[@]}" "$@"; }
# one_line WHAT FILE WORD: FILE holds exactly one line, and it names WORD
one_line() {
    expect_eq "$1: lines on stderr ($(head -c 300 "$2"))" "$(grep -c '' "$2")" 1
    grep -q -- "$3" "$2" && ok || fail "$1: the line does not say '$3': $(cat "$2")"
}
sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r md5sum); }
temporaries() { find "$work/results" "$work/plots" -name '.*' 2>/dev/null | tr '\n' ' '; }

# --- SIGKILL at random moments ------------------------------------------------------------
t0=$(date +%s%N)
sweep >/dev/null 2>"$work/err"
rc=$?  # (before the message's $(...), which sets $? again)
expect_eq "an uninterrupted sweep: exit status ($(tail -1 "$work/err"))" "$rc" 0
span=$((($(date +%s%N) - t0) / 1000000))
planned=$(($(wc -l <"$res/plan.csv") - 1))
echo "integrity: an uninterrupted sweep took $span ms, $planned configurations"
for ((n = 0; n < 8; n++)); do
    # (the first third of the span is mostly the driver's start: the binaries' --plan)
    group=$((RANDOM % 2)) ms=$((span / 3 + (RANDOM * 32768 + RANDOM) % (span * 2 / 3)))
    what="SIGKILL #$n to the $([ $group = 1 ] && echo group || echo driver) after $ms ms"
    r=(--replace); [ $((n % 2)) = 0 ] && r=(--resume)
    setsid "$cbench" sweep "${args[@]}" ${r[@]+"${r[@]}"} >/dev/null 2>&1 &
    pid=$!
    sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
    if [ $group = 1 ]; then kill -KILL -- "-$pid" 2>/dev/null; else kill -KILL "$pid" 2>/dev/null; fi
    wait "$pid" 2>/dev/null
    expect_eq "$what: processes left" "$(leftovers)" 0
    kept=$(cd "$res/raw" 2>/dev/null && md5sum -- *.csv 2>/dev/null)
    sweep --resume >/dev/null 2>"$work/err"
    rc=$?  # (before the message's $(...), which sets $? again)
    expect_eq "$what: the resumed sweep's exit status ($(tail -1 "$work/err"))" "$rc" 0
    expect_eq "$what: then every configuration" "$(ls "$res/raw" | wc -l)" "$planned"
    expect_eq "$what: then temporary files" "$(temporaries)" ""
    [ -z "$kept" ] || expect_eq "$what: finished configurations changed by the resume" \
        "$(comm -23 <(echo "$kept" | sort) <(cd "$res/raw" && md5sum -- *.csv | sort) | wc -l)" 0
    "$B/bench-summary" -q -o "$work/check.csv" "$res" 2>"$work/err"
    cmp -s "$work/check.csv" "$res/summary.csv" && ok ||
        fail "$what: summary.csv is not what the raw CSVs give ($(head -1 "$work/err"))"
done

# what a killed binary leaves (its temporary output, .NAME.RANDOM.tmp) is removed by the next run
: >"$res/raw/.procs-primes-r1.csv.Ab12Cd.tmp"
sweep --resume >/dev/null 2>"$work/err"
expect_eq "a resume after a killed binary: exit status" $? 0
expect_eq "a resume after a killed binary: temporary files" "$(temporaries)" ""

# --- two runs at once ----------------------------------------------------------------------
"$cbench" sweep "${args[@]}" --reps 12 --rounds 2 --replace >/dev/null 2>"$work/err1" &
first=$! # (cbench.sh execs python3: the driver keeps the PID)
# (it holds the folder from before its first configuration)
for ((i = 0; i < 400; i++)); do grep -q '\[1/' "$work/err1" && break; sleep 0.05; done
sweep --reps 12 --rounds 2 --replace >/dev/null 2>"$work/err2"
expect_eq "a second run into a held folder: exit status" $? 2
one_line "a second run into a held folder" "$work/err2" "in use by another run (PID $first)"
wait "$first"
rc=$?  # (before the message's $(...), which sets $? again)
expect_eq "the first run, beside the refused one: exit status ($(tail -1 "$work/err1"))" "$rc" 0
expect_eq "the first run: every configuration" "$(ls "$res/raw" | wc -l)" "$planned"

# --- resume only the same run --------------------------------------------------------------
# (the settings of the run above, --reps 12, but for what each case changes)
before=$(sums "$res")
if [ "$(nproc)" -ge 2 ]; then
    taskset -c 0 "$cbench" sweep "${args[@]}" --reps 12 --rounds 2 --resume >/dev/null 2>"$work/err"
    expect_eq "--resume under taskset -c 0: exit status" $? 2
    one_line "--resume under taskset -c 0" "$work/err" 'allowed_cpuset "0-[0-9]*" -> "0"'
fi
sweep --reps 12 --rounds 2 --resume --seed 7 >/dev/null 2>"$work/err"
expect_eq "--resume with another seed: exit status" $? 2
one_line "--resume with another seed" "$work/err" "seed 42 -> 7"
expect_eq "refused resumes: the folder unchanged" "$(sums "$res")" "$before"

# --- the environment -----------------------------------------------------------------------
HWLOC_XMLFILE=$src/tests/data/twokind.xml "$cbench" sweep "${base[@]}" --run "$work/results/foreign" >/dev/null 2>"$work/err"
expect_eq "HWLOC_XMLFILE: exit status" $? 2
one_line "HWLOC_XMLFILE" "$work/err" "HWLOC_XMLFILE is set"
expect_eq "HWLOC_XMLFILE: nothing written" "$(ls "$work/results")" "x"
if [ -x "$B/bench-openmp" ]; then
    OMP_PROC_BIND=true OMP_PLACES=cores "$cbench" sweep "${base[@]}" --run "$work/results/omp" --models openmp \
        --kernels randsum --size randsum=400000 --reps 1 --rounds 1 >/dev/null 2>"$work/err"
    rc=$?  # (before the message's $(...), which sets $? again)
    expect_eq "inherited OMP_PROC_BIND: exit status ($(tail -1 "$work/err"))" "$rc" 0
    grep -q "OMP_PROC_BIND=true, OMP_PLACES=cores removed" "$work/err" && ok ||
        fail "inherited OMP_PROC_BIND: no note that it was removed: $(head -3 "$work/err")"
    expect_eq "inherited OMP_PROC_BIND: bench-openmp's team placed as planned" \
        "$(csv_col "$work/results/omp/raw/openmp-randsum-r1.csv" binding | sort -u | tr '\n' ' ')" "held "
    expect_eq "inherited OMP_PROC_BIND: p = 2 on 2 PUs" \
        "$(csv_col "$work/results/omp/raw/openmp-randsum-r1.csv" pu_map raw | tail -1 | tr ';' '\n' | sort -u | wc -l)" 2
fi

# --- a full disk ---------------------------------------------------------------------------
mkdir "$work/full"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=160k tmpfs "$work/full" 2>/dev/null; then
    "$cbench" sweep "${args[@]}" --run "$work/full/x" --plots "$work/full/plots" >/dev/null 2>"$work/err"
    rc=$?
    expect_eq "a full disk: exit status ($(tail -1 "$work/err"))" $rc 1
    grep -q "No space left on device" "$work/err" && ok || fail "a full disk: not said: $(tail -2 "$work/err")"
    cut=$(cd "$src/scripts" && find "$work/full" -type f -print0 |
          /usr/bin/python3 -c 'import sys; from pathlib import Path; from cbench.common import whole
for f in sys.stdin.read().split("\0"):
    if f and whole(Path(f)): print(f, whole(Path(f)))')
    expect_eq "a full disk: cut files kept" "$cut" ""
    expect_eq "a full disk: temporary files" "$(find "$work/full" -name '.*' | tr '\n' ' ')" ""
    umount "$work/full"
else
    echo "integrity: note: not root or no tmpfs: the full-disk case is skipped"
fi

# --- a hang --------------------------------------------------------------------------------
# OpenBLAS's threads do not start under this address-space limit and the library waits
# for them forever (seen on Debian 12's 0.3.21): the sweep's time limit stops it
if [ -x "$B/bench-openblas" ]; then
    (ulimit -v 300000; exec "$cbench" sweep "${base[@]}" --run "$work/results/hang" --models openblas \
        --kernels matmul --size matmul=256 --reps 1 --rounds 1 --time-limit 5) >/dev/null 2>"$work/err"
    rc=$?
    if grep -q "ran past its time limit" "$work/err"; then
        expect_eq "a hung binary: exit status" $rc 4
        [ -s "$work/results/hang/raw/seq-matmul-r1.csv" ] && ok ||
            fail "a hung binary: the sweep did not go on to the next configuration"
        [ -s "$work/results/hang/summary.csv" ] && ok || fail "a hung binary: no summary"
        expect_eq "a hung binary: processes left" "$(leftovers)" 0
    else
        expect_eq "bench-openblas under ulimit -v did not hang: exit status ($(tail -1 "$work/err"))" $rc 0
    fi
fi

# --- unclear input -------------------------------------------------------------------------
mkdir -p "$work/f" && : >"$work/f/x"
sweep --run "$work/f/x" >/dev/null 2>"$work/err"
expect_eq "a file where the results folder should be: exit status" $? 2
one_line "a file where the results folder should be" "$work/err" "a file is where the results folder should be"
"$cbench" sweep "${base[@]}" --out "$work/f" --label x --models threads --kernels primes \
    --size primes=30000 --reps 2 >/dev/null 2>"$work/err"
expect_eq "a file where the label's folder should be: exit status" $? 2
one_line "a file where the label's folder should be" "$work/err" "a file is where the results folder should be"
# a run folder named exactly that holds a run: neither resumed nor started over unasked
before=$(sums "$res")
sweep >/dev/null 2>"$work/err"
expect_eq "--run into a finished run, without --resume or --replace: exit status" $? 2
one_line "--run into a finished run" "$work/err" "holds an earlier run: --resume continues it, --replace starts it over"
expect_eq "--run into a finished run: the folder unchanged" "$(sums "$res")" "$before"
mkdir -p "$work/elsewhere"
(cd "$work/elsewhere" && "$cbench" sweep "${base[@]}" --models threads --kernels primes \
    --size primes=30000 --reps 2 --out rel --plots relplots --label rel >/dev/null 2>"$work/err")
expect_eq "a relative --out from another folder: exit status" $? 0
[ -s "$work/elsewhere/rel/rel/latest/summary.csv" ] && ok || fail "a relative --out: not where it was asked"
[ -s "$work/elsewhere/relplots/rel/latest/speedup-primes.svg" ] && ok || fail "a relative --plots: not where it was asked"
(cd "$work/elsewhere" && "$cbench" sweep "${args[@]}" --run relrun --plots relplots >/dev/null 2>"$work/err")
expect_eq "a relative --run from another folder: exit status" $? 0
[ -s "$work/elsewhere/relrun/summary.csv" ] && ok || fail "a relative --run: not where it was asked"
[ -e "$src/results/rel" ] && fail "a relative --out: written into the repository" || ok
"$cbench" sweep --out -dash --check 2>"$work/err"
expect_eq "--out -dash: exit status" $? 2
one_line "--out -dash" "$work/err" "--out=-VALUE"
TMPDIR=$work/nonexistent "$cbench" sweep --help >/dev/null 2>"$work/err"
rc=$?  # (before the message's $(...), which sets $? again)
expect_eq "TMPDIR that does not exist: --help's exit status ($(cat "$work/err"))" "$rc" 0

expect_eq "at the end: processes left" "$(leftovers)" 0
finish integrity
