#!/usr/bin/env bash
# mpi.sh BUILD_DIR - bench-mpi on loopback: 1, 2 and 4 ranks (4 oversubscribed on a small
# machine), started by bench-mpi itself and by mpirun directly, every kernel verified with
# bench-seq's checksum; the CSV's hosts column; a rank that crashes, exits or hangs past
# --timeout, and SIGINT/SIGTERM to bench-mpi, each failing cleanly (exit 4, the rank named,
# no process or Open MPI session directory left, no result file); bad invocations refused
# with exit 2 and one line.
. "$(dirname "$0")/lib.sh"
B=$(cd "$1" && pwd)/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# lib.sh lets mpirun run as root; Open MPI's own leaks would trip LeakSanitizer in the
# AddressSanitizer build (the last setting of an option wins)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
mpirun=$(command -v mpirun) || { echo "mpi: no mpirun"; exit 1; }

sizes="--size primes=200003 --size randsum=3000001 --size matmul=97 --size empty=1000"
kernels=primes,randsum,matmul,empty
"$B/bench-seq" -q -k $kernels $sizes --reps 1 -o "$work/seq.csv" || fail "bench-seq failed"

# leftovers: a live process started by this test (tagged through its environment, which
# mpirun hands on to its ranks), an orphaned zombie, or an Open MPI session directory
# (bench-mpi gives each launch a private folder, /dev/shm/cb-mpi-PID-*, and removes it)
tag_processes mpi
leftover_names='bench-.*|mpirun|orted|prted'
sessions() { ls -d "${TMPDIR:-/tmp}"/ompi.*/pid.* "${TMPDIR:-/tmp}"/cb-mpi-* /dev/shm/cb-mpi-* 2>/dev/null | sort; }

# --- every kernel at 1, 2 and 4 ranks, one world each ------------------------------------
"$B/bench-mpi" -q -k $kernels $sizes --workers 1,2,4 --reps 2 --raw -o "$work/m.csv" 2>"$work/m.err"
expect_eq "bench-mpi 1,2,4: exit status" $? 0
# (after a first launch, which removes what killed launchers of earlier runs left)
sessions_before=$(sessions)
shm_before=$(ls -A /dev/shm)
[ -s "$work/m.err" ] && fail "bench-mpi 1,2,4 -q said something: $(cat "$work/m.err")"
same_as_seq "$work/m.csv" "bench-mpi 1,2,4"
expect_eq "worker counts" "$(csv_col "$work/m.csv" workers | uniq | tr '\n' ' ')" "1 2 4 "
expect_eq "model column" "$(csv_col "$work/m.csv" model | sort -u)" mpi
host=$(uname -n)
# the hosts column: one host per rank, in summary and raw rows
want_hosts=$(for p in 1 2 4; do for k in 1 2 3 4; do yes "$host" | head -$p | paste -sd';'; done; done)
expect_eq "hosts column (summary)" "$(csv_col "$work/m.csv" hosts)" "$want_hosts"
expect_eq "hosts column (raw rows)" "$(csv_col "$work/m.csv" hosts raw | awk -F';' '{ print NF }' | sort -u | tr '\n' ' ')" "1 2 4 "
expect_eq "raw rows" "$(csv_col "$work/m.csv" rep raw | wc -l)" 24
# phases: distribution (setup), compute, collection add up to each repetition's wall time
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["row"] == "raw" { d = $c["setup_s"] + $c["compute_s"] + $c["collect_s"] - $c["wall_s"];
      if (d < 0) d = -d; if (d > 1e-6 || $c["compute_s"] < 0) bad++ } END { exit bad > 0 }' "$work/m.csv"
expect_eq "setup + compute + collect = wall" $? 0
pus=$("$B/bench-threads" -q -k empty --workers all --reps 1 | awk -F, 'NR == 2 { print $5 }')
if [ "$pus" -lt 4 ]; then
    over=$(paste -d, <(csv_col "$work/m.csv" workers) <(csv_col "$work/m.csv" warnings) | awk -F, '$1 == 4 && $2 ~ /oversubscribed/' | wc -l)
    expect_eq "p=4 on $pus PUs flagged oversubscribed" "$over" 4
fi
bound=$(paste -d, <(csv_col "$work/m.csv" workers) <(csv_col "$work/m.csv" binding) | awk -F, '$1 <= '"$pus"' && $2 != "held"' | wc -l)
expect_eq "ranks held their PUs (--bind cores, p <= PUs)" "$bound" 0

# --bind none: nothing pinned, still verified
"$B/bench-mpi" -q -k randsum,matmul --size randsum=3000001 --size matmul=97 --workers 2 --reps 1 --bind none -o "$work/n.csv"
expect_eq "bench-mpi --bind none: exit status" $? 0
expect_eq "bench-mpi --bind none: binding" "$(csv_col "$work/n.csv" binding | sort -u)" unbound

# the caller's cpuset reaches every rank: under taskset -c 1 all of them run on PU 1
if command -v taskset >/dev/null && taskset -c 1 true 2>/dev/null; then
    taskset -c 1 "$B/bench-mpi" -q -k randsum --size 1000000 --workers 1,3 --reps 2 --raw -o "$work/t.csv"
    expect_eq "bench-mpi under taskset -c 1: exit status" $? 0
    expect_eq "bench-mpi under taskset -c 1: ranks on PU 1" "$(csv_col "$work/t.csv" pu_map raw | tr ';' '\n' | sort -u)" 1
fi

# --- started by mpirun directly: p is the world's size ------------------------------------
"$mpirun" -np 2 --bind-to none "$B/bench-mpi" -q -k $kernels $sizes --reps 2 -o "$work/d.csv" 2>"$work/d.err"
expect_eq "mpirun -np 2 bench-mpi: exit status" $? 0
same_as_seq "$work/d.csv" "mpirun -np 2 bench-mpi"
expect_eq "mpirun -np 2: workers" "$(csv_col "$work/d.csv" workers | sort -u)" 2
"$mpirun" -np 2 --bind-to none "$B/bench-mpi" -q -k empty --workers 1,2 -o "$work/x.csv" 2>"$work/x.err"
expect_eq "mpirun -np 2 bench-mpi --workers 1,2: exit status" $? 2
grep -q "world's 2 ranks" "$work/x.err" || fail "--workers under mpirun: not explained: $(cat "$work/x.err")"
"$mpirun" -np 2 --bind-to core "$B/bench-mpi" -q -k empty -o "$work/x.csv" 2>"$work/x.err"
expect_eq "mpirun --bind-to core bench-mpi: exit status" $? 2
grep -q "bind-to none" "$work/x.err" || fail "Open MPI's binding: not explained: $(cat "$work/x.err")"
[ ! -e "$work/x.csv" ] || fail "a refused run under mpirun wrote its file"

# --- a rank that fails ---------------------------------------------------------------------
# fault FAULT WORDS ARGS...: exit 4, every word of WORDS in the message, nothing left
fault() {
    f=$1 words=$2
    shift 2
    CB_FAULT=$f timeout 120 "$B/bench-mpi" -q -k randsum,matmul --size randsum=3000000 --size matmul=97 --workers 2 --reps 2 -o "$work/f.csv" "$@" 2>"$work/f.err"
    expect_eq "fault $f $*: exit status" $? 4
    for w in $words; do
        grep -q -- "$w" "$work/f.err" || fail "fault $f $*: no '$w' in: $(cat "$work/f.err")"
    done
    [ ! -e "$work/f.csv" ] || fail "fault $f $*: a result file was written"
    expect_eq "fault $f $*: leftover processes" "$(leftovers)" 0
    expect_eq "fault $f $*: Open MPI session directories" "$(sessions)" "$sessions_before"
    expect_eq "fault $f $*: /dev/shm" "$(ls -A /dev/shm)" "$shm_before"
    rm -f "$work/f.csv"
}
fault crash:1 "rank 1 signal"
fault exit:1 "rank 1 status"
fault crash:0 "rank 0 signal"
fault hang:1 "rank 1 timed out" --timeout 1
expect_eq "no temporary files left in the output folder" "$(ls -A "$work" | grep -c '^\.')" 0

# --- signals to bench-mpi while a world runs ----------------------------------------------
for sig in INT TERM; do
    want=$((128 + $(kill -l $sig)))
    for delay in 0.3 1.5; do
        # far more repetitions than any machine finishes in 1.5 s: the signal always lands
        # inside the run (50 did not on a fast host: the run ended first and wrote s.csv)
        rm -f "$work/s.csv"
        "$B/bench-mpi" -q -k matmul,randsum --size matmul=400 --size randsum=50000000 --workers 2 --reps 2000 -o "$work/s.csv" 2>/dev/null &
        pid=$!
        sleep $delay
        kill -$sig $pid
        wait $pid
        expect_eq "SIG$sig after ${delay}s: exit status" $? $want
        expect_eq "SIG$sig after ${delay}s: leftover processes" "$(leftovers)" 0
        expect_eq "SIG$sig after ${delay}s: Open MPI session directories" "$(sessions)" "$sessions_before"
        expect_eq "SIG$sig after ${delay}s: files" "$(ls -A "$work" | grep -c 's.csv')" 0
    done
done

# --- what a launcher killed outright left (SIGKILL: no handler runs) -----------------------
# the next launch removes the folders of owners that are gone, and keeps a live one's
sleep 0 &
dead=$!
wait $dead
stale=/dev/shm/cb-mpi-$dead-AbC123
live=/dev/shm/cb-mpi-$$-XyZ789
mkdir -p "$stale/sub" "$live"
echo data >"$stale/sub/file"
echo data >"$live/file"
"$B/bench-mpi" -q -k empty --size 1000 --workers 1 --reps 1 -o "$work/k.csv"
expect_eq "after a launch: exit status" $? 0
[ -e "$stale" ] && fail "the folder of a dead PID ($stale) was not removed"
[ -e "$live/file" ] || fail "the folder of a live PID ($live) was removed"
rm -rf "$live" "$work/k.csv"
# a real one: bench-mpi killed by SIGKILL while a world runs leaves its folder
"$B/bench-mpi" -q -k randsum --size randsum=50000000 --workers 2 --reps 2000 -o "$work/s.csv" 2>/dev/null &
pid=$!
for ((i = 0; i < 100; i++)); do
    left=$(ls -d /dev/shm/cb-mpi-$pid-* "${TMPDIR:-/tmp}"/cb-mpi-$pid-* 2>/dev/null)
    [ -n "$left" ] && break
    sleep 0.05
done
sleep 0.5
kill -KILL $pid
wait $pid 2>/dev/null
[ -n "$left" ] || fail "bench-mpi made no cb-mpi-$pid-* folder"
# mpirun (SIGTERM on its parent's death) and its ranks go; the folder stays
expect_eq "after SIGKILL: leftover processes" "$(leftovers)" 0
[ -e "$left" ] || fail "after SIGKILL the folder is gone already: the test proves nothing"
"$B/bench-mpi" -q -k empty --size 1000 --workers 1 --reps 1 -o "$work/k.csv"
expect_eq "after a SIGKILL, a launch: exit status" $? 0
[ -e "$left" ] && fail "the folder bench-mpi left when killed ($left) was not removed"
expect_eq "after a SIGKILL and a launch: Open MPI session directories" "$(sessions)" "$sessions_before"
rm -f "$work/k.csv" "$work/s.csv"

# --- bad invocations: exit 2, one line, nothing written ----------------------------------
echo precious >"$work/keep.csv"
bad() {
    word=$1
    shift
    before=$(ls -A "$work" | sort | tr '\n' ' ')
    "$@" >"$work/.out" 2>"$work/.err"
    expect_eq "$* (exit status)" $? 2
    expect_eq "$* (stderr lines)" "$(wc -l <"$work/.err")" 1
    expect_eq "$* (stdout bytes)" "$(wc -c <"$work/.out")" 0
    grep -q -- "$word" "$work/.err" || fail "$*: message does not name '$word': $(cat "$work/.err")"
    rm -f "$work/.out" "$work/.err"
    expect_eq "$* (files)" "$(ls -A "$work" | sort | tr '\n' ' ')" "$before"
    expect_eq "$* (existing output untouched)" "$(cat "$work/keep.csv")" precious
}
bad "static only" "$B/bench-mpi" --schedule dynamic -o "$work/keep.csv"
bad "static only" "$B/bench-mpi" --schedule cyclic --chunk 4
bad "workers" "$B/bench-mpi" --workers 0
bad "unknown kernel" "$B/bench-mpi" --kernel nosuch
bad "start" "$B/bench-mpi" --start fork
bad "channel" "$B/bench-mpi" --channel shm
bad "timeout" "$B/bench-mpi" --timeout -1
bad "directory" "$B/bench-mpi" -k empty -o "$work"
if [ "$(id -u)" = 0 ]; then
    bad "OMPI_ALLOW_RUN_AS_ROOT" env -u OMPI_ALLOW_RUN_AS_ROOT "$B/bench-mpi" -k empty -o "$work/keep.csv"
fi
"$B/bench-mpi" --help >/dev/null
expect_eq "bench-mpi --help" $? 0
expect_eq "bench-mpi --model-info" "$("$B/bench-mpi" --model-info | cut -d' ' -f1)" model=mpi
expect_eq "leftover processes at the end" "$(leftovers)" 0
finish mpi
