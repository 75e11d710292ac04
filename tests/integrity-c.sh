#!/usr/bin/env bash
# integrity-c.sh BUILD_DIR - a run's integrity (issue 16), the binaries' side:
#  - every temporary file a binary creates beside its result is DIR/.NAME.RANDOM.tmp, the
#    pattern of the driver's own (`.*.tmp`, which its clean-up removes);
#  - a write to standard output that fails is an error: every binary, whatever it prints
#    (--help, --version, --plan, --plan --json, --model-info, a run's CSV, bench-info,
#    bench-summary -o -, bench-stats, the micro-benchmarks), with stdout on /dev/full
#    exits 1 with the one line "NAME: cannot write to standard output: No space left on
#    device" and writes no file;
#  - the queue channel under a message-queue limit (ulimit -q): exit 1, one line naming
#    RLIMIT_MSGQUEUE and mq_open's own error, no queue left in /dev/mqueue, no file.
# A few seconds.
. "$(dirname "$0")/lib.sh"
B=$(cd "$1" && pwd)/bench
work=$(mktemp -d)
io=$(mktemp -d) # stderr of the runs, outside $work
trap 'rm -rf "$work" "$io"' EXIT
cd "$work" || exit 1

models="seq threads threadpool procs procpool"
for m in openmp openblas mpi; do [ -x "$B/bench-$m" ] && models="$models $m"; done
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" # Open MPI's own leaks
tag_processes integrity
leftover_names='bench-.*|mpirun|prted|orted'

# --- temporary names ----------------------------------------------------------------------
# The result file is reserved (its temporary file created) before any work: a run held by a
# hung worker shows it; SIGTERM then removes it.
mkdir "$work/t"
CB_FAULT=hang:1 "$B/bench-procs" -q -k empty --size 1000 --workers 2 --reps 1 --timeout 30 \
    -o "$work/t/out.csv" 2>/dev/null &
pid=$!
for ((i = 0; i < 100; i++)); do
    name=$(ls -A "$work/t")
    [ -n "$name" ] && break
    sleep 0.05
done
kill -TERM $pid
wait $pid
[[ $name =~ ^\.out\.csv\.[A-Za-z0-9]{6}\.tmp$ ]] && ok ||
    fail "bench-procs -o out.csv: temporary file '$name', expected .out.csv.XXXXXX.tmp"
expect_eq "bench-procs SIGTERM: files left" "$(ls -A "$work/t")" ""
# the tools that write a whole file at once (bench-summary, bench-stats yardstick) share
# cb_output_write_atomic; its names are seen through strace where it is installed
mkdir -p "$work/res/raw"
"$B/bench-info" --name fixture >"$work/res/context.json" || fail "bench-info: no fixture"
"$B/bench-seq" -q -k empty --size 1000 --reps 6 --raw -o "$work/res/raw/seq-empty-r1.csv" ||
    fail "bench-seq: no fixture CSV"
if command -v strace >/dev/null; then
    strace -f -e trace=rename -o "$work/strace.txt" "$B/bench-summary" -q "$work/res" ||
        fail "bench-summary under strace"
    got=$(grep -o 'rename("[^"]*"' "$work/strace.txt" | sed 's|.*/||; s|"$||')
    [[ $got =~ ^\.summary\.csv\.[A-Za-z0-9]{6}\.tmp$ ]] && ok ||
        fail "bench-summary: temporary file '$got', expected .summary.csv.XXXXXX.tmp"
    rm -f "$work/strace.txt"
else
    "$B/bench-summary" -q "$work/res" || fail "bench-summary: no fixture summary"
    echo "note: no strace here: the whole-file writer's temporary names are not checked"
fi

# --- a failed write to standard output ----------------------------------------------------
# full WHAT CMD...: run with stdout on /dev/full: exit 1, the one line, no file changed
full() {
    local what=$1 before after name
    shift
    name=$(basename "$1")
    before=$(find "$work" -printf '%p %s %T@\n' | sort)
    "$@" >/dev/full 2>"$io/err"
    expect_eq "$what >/dev/full: exit status" $? 1
    expect_eq "$what >/dev/full: stderr" "$(cat "$io/err")" \
        "$name: cannot write to standard output: No space left on device"
    rm -f "$io/err"
    after=$(find "$work" -printf '%p %s %T@\n' | sort)
    expect_eq "$what >/dev/full: files" "$after" "$before"
}
for b in "$B"/bench-*; do
    [ -f "$b" ] && [ -x "$b" ] || continue
    full "$(basename "$b") --help" "$b" --help
    full "$(basename "$b") --version" "$b" --version
done
full "bench-info" "$B/bench-info"
full "bench-info --label" "$B/bench-info" --label
for m in $models; do
    k=empty w=1,2
    [ $m = openblas ] && k=matmul
    [ $m = seq ] && w=1
    full "bench-$m --plan" "$B/bench-$m" --plan -k $k -w $w
    full "bench-$m --plan --json" "$B/bench-$m" --plan --json -k $k -w $w
    full "bench-$m --model-info" "$B/bench-$m" --model-info
    full "bench-$m run" "$B/bench-$m" -q -k $k --size 16 -w 1 --reps 1
done
full "bench-summary -o -" "$B/bench-summary" -q -o - "$work/res"
full "bench-stats median" "$B/bench-stats" median <(seq 1 10)
full "bench-stats overlap" "$B/bench-stats" overlap "$work/res/summary.csv" "$work/res/summary.csv"
full "bench-stats ratio" "$B/bench-stats" ratio "$work/res/raw/seq-empty-r1.csv" "$work/res/raw/seq-empty-r1.csv"
quick=(-q --quick --reps 3 --min-time 0.0005)
full "bench-overhead run" "$B/bench-overhead" "${quick[@]}" --workers 1 --only thread
full "bench-ipc run" "$B/bench-ipc" "${quick[@]}" --only pipe --sizes 8
full "bench-sync run" "$B/bench-sync" "${quick[@]}" --workers 1 --only mutex
full "bench-memory run" "$B/bench-memory" "${quick[@]}" --workers 1 --only threads --sizes 64

# --- the queue channel under RLIMIT_MSGQUEUE ----------------------------------------------
mq_checked=0
if [ -d /dev/mqueue ] && mountpoint -q /dev/mqueue; then
    mq_checked=1
else
    echo "note: /dev/mqueue is not mounted here; message-queue leaks are not checked"
fi
for start in fork spawn; do
    prlimit --msgqueue=0 "$B/bench-procs" -q -k randsum --size 100000 -w 2 --channel queue \
        --start $start --reps 1 -o "$work/q.csv" 2>"$io/err" &
    pid=$!
    wait $pid
    expect_eq "procs queue, $start, ulimit -q 0: exit status" $? 1
    expect_eq "procs queue, $start, ulimit -q 0: stderr lines" "$(wc -l <"$io/err")" 1
    grep -q "cannot create the queue channel: the message queue limit RLIMIT_MSGQUEUE (ulimit -q) is 0 bytes.*: Too many open files" "$io/err" ||
        fail "procs queue, $start, ulimit -q 0: $(cat "$io/err")"
    grep -q "No such file" "$io/err" && fail "procs queue, $start: ENOENT reported"
    rm -f "$io/err"
    expect_eq "procs queue, $start: result file" "$(ls -A "$work" | grep -c 'q\.csv')" 0
    [ $mq_checked = 1 ] &&
        expect_eq "procs queue, $start: queues left" "$(ls -A /dev/mqueue | grep -c -- "^cb-$pid-")" 0
done
prlimit --msgqueue=0 "$B/bench-ipc" -q --quick --reps 3 --only mqueue --sizes 8 -o "$work/q.csv" 2>"$io/err"
expect_eq "bench-ipc mqueue, ulimit -q 0: exit status" $? 1
expect_eq "bench-ipc mqueue, ulimit -q 0: stderr lines" "$(wc -l <"$io/err")" 1
grep -q "RLIMIT_MSGQUEUE (ulimit -q) is 0 bytes" "$io/err" || fail "bench-ipc mqueue: $(cat "$io/err")"
rm -f "$io/err"
expect_eq "bench-ipc mqueue: result file" "$(ls -A "$work" | grep -c 'q\.csv')" 0

expect_eq "leftover processes" "$(leftovers)" 0
finish integrity-c
