#!/usr/bin/env bash
# interrupt.sh BUILD_DIR - interrupted runs: SIGINT or SIGTERM at a random moment, many
# times, to the benchmark binaries and to the driver (python3 scripts/cbench.py sweep, and
# its main job, cbench.py run, that runs the sweep), sent either
# to the process alone (kill PID) or to its whole process group (as Ctrl-C in a terminal).
# After every interruption:
#   - the exit status is 128 + the signal's number;
#   - no process of the run is left alive (every process the test starts carries
#     CB_TEST_TAG in its environment) and no zombie of these binaries is left;
#   - no message queue of the run is left in /dev/mqueue, no shared-memory file in
#     /dev/shm (the shm channel's, Open MPI's segments);
#   - no temporary file anywhere (results, charts, TMPDIR), and every file is complete:
#     a binary's CSV is absent; a sweep's raw CSVs have their header and whole rows and
#     bench-summary reads them, plan.csv has every planned row, context.json parses;
#   - a sweep resumed with --resume keeps every configuration finished before, byte for
#     byte; a sweep started over holds no file of the run before it.
# Finally a resumed sweep runs to the end: every planned configuration, and its summary.
#
# The plan (which program, signal, target and moment) comes from a seed, printed first;
# CB_INTERRUPT_SEED=N repeats that plan (the moments fall on other instructions, as the
# machine's timing differs from run to run).
. "$(dirname "$0")/lib.sh"
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
B=$build/bench
command -v gawk >/dev/null 2>&1 || { echo "interrupt: gawk not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR" "$work/bin"
tag="interrupt-$$-$(date +%s%N)"
export CB_TEST_TAG=$tag
seed=${CB_INTERRUPT_SEED:-$(($(date +%s%N) / 1000 % 1000000))}
echo "interrupt: seed $seed (CB_INTERRUPT_SEED=$seed repeats this plan)"
RANDOM=$seed
# start CMD...: run CMD in the background, in a process group of its own (setsid), with
# SIGINT at its default (bash starts background commands with SIGINT ignored, and a script
# started so could never trap it); its pid (which is its group's id) in pid
start() {
    setsid env --default-signal=INT "$@" &
    pid=$!
    # the moments count from the program's start: until setsid and env have exec'd it,
    # the child is a copy of this shell that ignores SIGINT (a signal then would be lost)
    local i args
    for ((i = 0; i < 5000; i++)); do
        mapfile -d '' -t args 2>/dev/null </proc/$pid/cmdline
        # (past setsid and env, no longer this shell; a script may exec again, as
        # scripts/cbench.sh execs python3)
        [[ -n ${args[0]:-} && ${args[0]} != setsid && ${args[0]} != env &&
           ${args[1]:-} != "$0" ]] && return
        sleep 0.001
    done
}

# rand N: 0..N-1
rand() { echo $(((RANDOM * 32768 + RANDOM) % $1)); }
# pause MS: sleep MS milliseconds
pause() { sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }

# tagged: the processes alive now that this test started (its own shell excepted: bash
# does not rewrite its environ), as "pid comm" lines; read with builtins only, so the
# check does not find itself
tagged() {
    local f env pid
    for f in /proc/[0-9]*/environ; do
        pid=${f#/proc/}; pid=${pid%/environ}
        [ "$pid" = $$ ] && continue
        mapfile -d "" -t env 2>/dev/null <"$f" || continue
        local IFS=$'\n'
        [[ $'\n'"${env[*]}"$'\n' == *$'\n'"CB_TEST_TAG=$tag"$'\n'* ]] || continue
        read -r comm 2>/dev/null <"/proc/$pid/comm" && echo "$pid $comm"
    done
    true
}
# left: the tagged processes on one line
left() { local l; l=$(tagged); echo ${l//$'\n'/, }; }
# zombies SID: the zombies of the run whose session is SID (start gives every run a
# session of its own), once init had two seconds to reap the orphans among them
zombies() {
    local i z
    for ((i = 0; i < 20; i++)); do
        z=$(ps -eo stat=,sid=,pid=,comm= | awk -v sid="$1" '$1 ~ /^Z/ && $2 == sid { printf "%s %s, ", $3, $4 }')
        [ -z "$z" ] && break
        sleep 0.1
    done
    echo "$z"
}

# stop PID SIG GROUP: send SIG to PID (GROUP=1: to its process group), wait for it to
# end (at most 30 s, then it is killed and the test fails); its exit status in rc
stop() {
    local pid=$1 sig=$2 group=$3 i state
    if [ "$group" = 1 ]; then kill -s "$sig" -- "-$pid" 2>/dev/null; else kill -s "$sig" "$pid" 2>/dev/null; fi
    for ((i = 0; i < 600; i++)); do
        read -r _ _ state _ 2>/dev/null <"/proc/$pid/stat" || break
        [ "$state" = Z ] && break
        sleep 0.05
    done
    if [ "$i" -ge 600 ]; then
        fail "pid $pid did not stop within 30 s of SIG$sig"
        kill -KILL -- "-$pid" 2>/dev/null
    fi
    wait "$pid"
    rc=$?
}

# csv_complete FILE: a header starting with "row,", rows with as many fields, at least
# one summary row, and a final newline
csv_complete() {
    [ -s "$1" ] && [ -z "$(tail -c 1 "$1")" ] &&
        awk -F, 'NR == 1 { n = NF; bad = $1 != "row"; next }
                 NF != n { bad = 1 } $1 == "summary" { s++ }
                 END { exit bad || s == 0 }' "$1"
}

interrupted=0 finished=0 bin_runs=0 sweep_runs=0
declare -A outcome=()

# --- the binaries --------------------------------------------------------------------------
# Each command line runs far longer than the moment of its signal (up to 400 ms; half of
# the moments in the first 20 ms: start-up, the output file reserved, the first workers).
runs=(
    "bench-seq -k randsum --size 2000000"
    "bench-threads -k primes --size 200000 -w 1,2"
    "bench-threads -k matmul --size 96 -w 2 --schedule dynamic"
    "bench-threadpool -k randsum --size 2000000 -w 1,2 --schedule guided"
    "bench-procs -k randsum --size 2000000 -w 2 --start fork --channel pipe"
    "bench-procs -k matmul --size 96 -w 2 --start fork --channel queue"
    "bench-procs -k primes --size 200000 -w 2 --start spawn --channel socket"
    "bench-procs -k matmul --size 96 -w 1,2 --start spawn --channel shm"
    "bench-procpool -k primes --size 200000 -w 2 --schedule dynamic"
    "bench-procpool -k matmul --size 96 -w 1,2"
    "bench-openmp -k randsum --size 2000000 -w 2 --schedule dynamic"
    "bench-openblas -k matmul --size 128 -w 1,2"
    "bench-mpi -k randsum --size 2000000 -w 1,2"
    "bench-mpi -k matmul --size 96 -w 2"
    "bench-overhead --only fork,spawn,spawn-self,procpool,thread -w 1,2"
    "bench-ipc --only pipe,mqueue,socket,shm --between processes"
    "bench-sync --only mutex,sem,barrier --between processes -w 2"
    "bench-memory --only fork,spawn --sizes 64 -w 2"
)
mkdir -p "$work/b"
shm_before=$(ls -A /dev/shm 2>/dev/null | sort | tr '\n' ' ')
for ((n = 0; n < 36; n++)); do
    read -ra cmd <<<"${runs[$(rand ${#runs[@]})]}"
    bin=${cmd[0]}
    [ -x "$B/$bin" ] || { outcome["$bin not built"]=1; continue; }
    sig=$([ $(rand 2) = 0 ] && echo INT || echo TERM)
    group=$(rand 2)
    ms=$([ "$(rand 2)" = 0 ] && rand 20 || rand 400) # half of them at start-up
    what="${cmd[*]}: SIG$sig to the $([ "$group" = 1 ] && echo group || echo process) after $ms ms"
    start "$B/$bin" "${cmd[@]:1}" --reps 100000 -q --raw -o "$work/b/out.csv" >/dev/null 2>"$work/b.err"
    pause "$ms"
    stop "$pid" "$sig" "$group"
    bin_runs=$((bin_runs + 1))
    if [ "$rc" = 0 ]; then
        finished=$((finished + 1))
        csv_complete "$work/b/out.csv" && ok || fail "$what: finished, but its CSV is not complete"
        rm -f "$work/b/out.csv"
    else
        interrupted=$((interrupted + 1))
        expect_eq "$what: exit status" "$rc" $((128 + $(kill -l "$sig")))
        expect_eq "$what: files left in the output folder" "$(ls -A "$work/b" | tr '\n' ' ')" ""
    fi
    expect_eq "$what: processes left" "$(left)" ""
    expect_eq "$what: zombies" "$(zombies "$pid")" ""
    expect_eq "$what: message queues left" "$(ls -A /dev/mqueue 2>/dev/null | grep -c -- "-$pid-")" 0
    expect_eq "$what: /dev/shm" "$(ls -A /dev/shm 2>/dev/null | sort | tr '\n' ' ')" "$shm_before"
    rm -rf "$work/b"/* "$work/b"/.[!.]*
done

# --- the sweep -----------------------------------------------------------------------------
# A small sweep (4 models and the baseline, 2 kernels, 2 rounds: 20 configurations) into
# the same folder every time (--run), alternately resumed (--resume) and started over
# (--replace).
res=$work/results/int plots=$work/plots/int
sweep_args=(--no-build --build "$build" --run "$res" --plots "$work/plots"
            --models threads,procs,procpool,threadpool --kernels primes,randsum
            --size primes=20000 --size randsum=300000 --reps 2 --rounds 2 --workers 1,2)
cbench=$src/scripts/cbench.sh
export PYTHONDONTWRITEBYTECODE=1
sweep() { "$cbench" sweep "${sweep_args[@]}" "$@"; }

# one whole run first: its duration sets the range of the moments, its plan the reference
t0=$(date +%s%N)
sweep >/dev/null 2>"$work/sweep.err"
expect_eq "an uninterrupted sweep: exit status" $? 0
span=$((($(date +%s%N) - t0) / 1000000))
planned=$(($(wc -l <"$res/plan.csv") - 1))
echo "interrupt: an uninterrupted sweep took $span ms, $planned configurations"

# cbench.py run (the main job: setup, then the sweep) is the driver of a quarter of the
# runs, when setup.sh finds everything installed (it installs nothing then)
run_ok=0
bash "$src/scripts/setup.sh" >/dev/null 2>&1 && run_ok=1 ||
    echo "interrupt: note: setup.sh would install packages here: run.sh is not tried"

# sums FOLDER: "checksum name" of every raw CSV
sums() { (cd "$1/raw" 2>/dev/null && md5sum -- *.csv 2>/dev/null); true; }

# until 20 runs were interrupted (a run may finish before its moment comes), at most 40
swept=0
for ((n = 0; n < 40 && swept < 20; n++)); do
    resume=$(rand 2)
    driver=sweep
    [ $run_ok = 1 ] && [ "$(rand 4)" = 0 ] && driver=run
    sig=$([ $(rand 2) = 0 ] && echo INT || echo TERM)
    group=$(rand 2)
    ms=$(rand "$span")
    what="$driver$([ "$resume" = 1 ] && echo " --resume") #$n: SIG$sig to the $([ "$group" = 1 ] && echo group || echo process) after $ms ms"
    kept=$(sums "$res")
    touch "$work/stamp"
    sleep 0.01 # files written from here on are newer than the stamp
    r=(--replace); [ "$resume" = 0 ] || r=(--resume)
    [ $driver = sweep ] || r+=(--no-micro)
    start "$cbench" "$driver" "${sweep_args[@]}" ${r[@]+"${r[@]}"} >/dev/null 2>"$work/sweep.err"
    pause "$ms"
    stop "$pid" "$sig" "$group"
    sweep_runs=$((sweep_runs + 1))
    if [ "$rc" = 0 ]; then
        finished=$((finished + 1))
        expect_eq "$what: finished: every configuration" "$(ls "$res/raw" | wc -l)" "$planned"
        [ -s "$res/summary.csv" ] && ok || fail "$what: finished without summary.csv"
    else
        interrupted=$((interrupted + 1)) swept=$((swept + 1))
        expect_eq "$what: exit status" "$rc" $((128 + $(kill -l "$sig")))
    fi
    expect_eq "$what: processes left" "$(left)" ""
    expect_eq "$what: zombies" "$(zombies "$pid")" ""
    expect_eq "$what: temporary files" "$(find "$work/results" "$work/plots" "$TMPDIR" -name '.*' -o -name 'tmp.*' 2>/dev/null | tr '\n' ' ')" ""
    expect_eq "$what: TMPDIR" "$(ls -A "$TMPDIR" | tr '\n' ' ')" ""
    # every file that is there is complete
    bad=""
    for f in "$res"/raw/*.csv; do
        [ -e "$f" ] || continue
        csv_complete "$f" || bad+="${f##*/} "
    done
    expect_eq "$what: incomplete raw CSVs" "$bad" ""
    if ls "$res"/raw/*.csv >/dev/null 2>&1; then
        "$B/bench-summary" -q -o "$work/check.csv" "$res" 2>"$work/check.err"
        rc=$?  # (before the message's $(...), which sets $? again)
        expect_eq "$what: bench-summary reads the raw CSVs ($(head -1 "$work/check.err"))" "$rc" 0
        # a summary that is there describes the raw CSVs that are there
        if [ -e "$res/summary.csv" ]; then
            cmp -s "$work/check.csv" "$res/summary.csv" && ok ||
                fail "$what: summary.csv does not match the raw CSVs beside it"
        fi
    fi
    if [ -e "$res/plan.csv" ]; then
        expect_eq "$what: plan.csv rows" "$(($(wc -l <"$res/plan.csv") - 1))" "$planned"
    fi
    if [ -e "$res/context.json" ]; then
        python3 -m json.tool "$res/context.json" >/dev/null 2>&1 && ok ||
            fail "$what: context.json does not parse"
    fi
    # resumed: what was finished before is still there, unchanged; started over: nothing
    # of the run before it
    if [ "$resume" = 1 ] && [ -n "$kept" ]; then
        lost=$(comm -23 <(echo "$kept" | sort) <(sums "$res" | sort) | awk '{ print $2 }' | tr '\n' ' ')
        expect_eq "$what: finished configurations lost or changed" "$lost" ""
    elif [ "$resume" = 0 ] && [ -d "$res" ]; then
        # either untouched (stopped before it began) or all new: never old and new mixed
        old=$(find "$res" -type f ! -newer "$work/stamp" | sed "s|^$res/||" | tr '\n' ' ')
        new=$(find "$res" -type f -newer "$work/stamp" | wc -l)
        [ -z "$old" ] || [ "$new" = 0 ] && ok ||
            fail "$what: $new new files mixed with files of the run before it: $old"
    fi
    outcome["$driver exit $rc"]=$((${outcome["$driver exit $rc"]:-0} + 1))
done

# the last word: a resumed sweep runs to the end
kept=$(sums "$res")
sweep --resume >/dev/null 2>"$work/sweep.err"
expect_eq "the final resumed sweep: exit status" $? 0
expect_eq "the final resumed sweep: every configuration" "$(ls "$res/raw" | wc -l)" "$planned"
[ -z "$kept" ] || expect_eq "the final resumed sweep: kept configurations unchanged" \
    "$(comm -23 <(echo "$kept" | sort) <(sums "$res" | sort) | wc -l)" 0
"$B/bench-summary" -q -o "$work/final.csv" "$res"
expect_eq "the final summary: bench-summary reads every raw CSV" $? 0
cmp -s "$work/final.csv" "$res/summary.csv" && ok ||
    fail "the sweep's summary.csv is not what its raw CSVs give"
expect_eq "the final sweep: temporary files" "$(find "$work/results" "$work/plots" -name '.*' | wc -l)" 0

for k in "${!outcome[@]}"; do echo "interrupt: $k: ${outcome[$k]}"; done | sort
echo "interrupt: $((bin_runs + sweep_runs)) runs signalled ($bin_runs binaries, $sweep_runs sweeps):" \
     "$interrupted interrupted, $finished had finished first"
[ "$interrupted" -ge 50 ] && ok || fail "only $interrupted runs were interrupted (50 wanted)"
finish interrupt
