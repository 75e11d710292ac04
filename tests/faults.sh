#!/usr/bin/env bash
# faults.sh BUILD_DIR - faults in the models whose workers are threads (threads,
# threadpool, and openmp and openblas when built), which procs.sh does not cover, plus the
# kinds procs.sh does not try on the process models. Through the CB_FAULT hook a worker
# crashes (SIGSEGV), overflows its stack, leaves its thread early (pthread_exit) or hangs
# past --timeout, at several worker numbers. Each must give exit status 4 and one line on
# stderr naming the worker and the cause, leave no result file and no temporary file, and
# leave nothing running (a thread cannot be stopped alone: the process itself ends). The
# refusals: CB_FAULT=exit in OpenMP, any CB_FAULT in OpenBLAS. Ends with the number of
# fault scenarios tried.
. "$(dirname "$0")/lib.sh"
B=$(cd "$1" && pwd)/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# leftovers: a live process started by this test (tagged through its environment, so other
# test runs on the machine do not count), or an orphaned zombie of these binaries
tag_processes faults
ipc_state() { ls -A /dev/shm; [ -d /dev/mqueue ] && ls -A /dev/mqueue; true; }
ipc_before=$(ipc_state)
scenarios=0

# fault BINARY FAULT WANT_RC WORDS ARGS...: run with CB_FAULT, check the outcome; WORDS is
# a grep pattern the one line must match (it names the worker and the cause)
fault() {
    bin=$1 f=$2 want=$3 words=$4
    shift 4
    scenarios=$((scenarios + 1))
    CB_FAULT=$f timeout 60 "$B/$bin" -q -k randsum --size 3000000 --reps 2 -o "$work/f.csv" "$@" 2>"$work/f.err"
    rc=$?
    expect_eq "$bin $f $* exit status" $rc "$want"
    expect_eq "$bin $f $* stderr lines" "$(wc -l <"$work/f.err")" 1
    grep -q -- "$words" "$work/f.err" || fail "$bin $f $*: no '$words' in: $(cat "$work/f.err")"
    expect_eq "$bin $f $* files left in the output folder" "$(ls -A "$work" | grep -v '^f.err$')" ""
    expect_eq "$bin $f $* leftover processes" "$(leftovers)" 0
    expect_eq "$bin $f $* IPC objects" "$(ipc_state)" "$ipc_before"
    rm -f "$work/f.csv" "$work/f.err"
}

# OpenMP is left out of the ThreadSanitizer build, as in tests/meson.build: libgomp is not
# instrumented, and every hand-over inside it reads as a race there
omp=0
[ -x "$B/bench-openmp" ] && ! "$B/bench-openmp" --version | grep -q 'sanitize=thread' && omp=1
models="threads threadpool"
[ $omp = 1 ] && models="$models openmp"
for m in $models; do
    for w in 0 1; do
        fault bench-$m crash:$w 4 "worker $w of 2 (a thread) was killed by signal 11" --workers 2
        fault bench-$m stack:$w 4 "worker $w of 2 (a thread) was killed by signal 11" --workers 2
        fault bench-$m hang:$w 4 "timed out after 0.5 s: worker $w of 2 had not finished" \
            --workers 2 --timeout 0.5
        if [ $m != openmp ]; then
            fault bench-$m exit:$w 4 "worker $w of 2 ended its thread before finishing" --workers 2
        fi
    done
    # a worker that exists only in the larger configuration, under every schedule's claims
    fault bench-$m crash:3 4 "worker 3 of 4 (a thread) was killed by signal 11" --workers 1,4 --schedule dynamic
    fault bench-$m hang:2 4 "worker 2 of 4 had not finished" --workers 4,2 --timeout 0.5 --schedule cyclic
    [ $m != openmp ] && fault bench-$m exit:3 4 "worker 3 of 4 ended its thread" --workers 4 --schedule guided
    # two faults at once: one line still, naming one of them
    fault bench-$m crash:0,crash:1 4 "worker [01] of 2 (a thread) was killed by signal 11" --workers 2
done

# refusals: what cannot be injected is said, not ignored
refused() {
    bin=$1 f=$2 words=$3
    shift 3
    CB_FAULT=$f "$B/$bin" -q -o "$work/r.csv" "$@" 2>"$work/r.err"
    expect_eq "$bin CB_FAULT=$f exit status" $? 2
    expect_eq "$bin CB_FAULT=$f stderr lines" "$(wc -l <"$work/r.err")" 1
    grep -q -- "$words" "$work/r.err" || fail "$bin CB_FAULT=$f: no '$words' in: $(cat "$work/r.err")"
    expect_eq "$bin CB_FAULT=$f files left" "$(ls -A "$work" | grep -v '^r.err$')" ""
    rm -f "$work/r.err"
}
[ $omp = 1 ] && refused bench-openmp exit:1 "undefined in OpenMP" -k randsum --size 1000 --workers 2
[ -x "$B/bench-openblas" ] && refused bench-openblas crash:0 "no code of ours" -k matmul --size 64 --workers 2

# --timeout is offered by every model with workers (--model-info says so)
for bin in bench-threads bench-threadpool bench-procs bench-procpool bench-openmp bench-openblas; do
    [ -x "$B/$bin" ] || continue
    "$B/$bin" --model-info | grep -q ' timeout=1 ' || fail "$bin --model-info: no timeout=1"
    "$B/$bin" --help | grep -q -- '--timeout' || fail "$bin --help does not offer --timeout"
    ok
done

# the process models: the kinds procs.sh does not try
for start in fork spawn; do
    fault bench-procs stack:1 4 "worker 1 of 2 (pid [0-9]*) was killed by signal 11" --workers 2 --start $start
done
fault bench-procpool stack:0 4 "pool worker 0 of 2 (pid [0-9]*) was killed by signal 11" --workers 2
fault bench-procpool hang:1 4 "timed out after 0.5 s: 1 of 2 pool workers had not finished (worker 1)" \
    --workers 2 --timeout 0.5

# a thread model's healthy run with --timeout: the watchdog never fires, results are whole
"$B/bench-threads" -q -k randsum,matmul --size randsum=3000000 --size matmul=97 --workers 1-2 --reps 3 --timeout 30 -o "$work/ok.csv"
expect_eq "bench-threads --timeout 30, no fault: exit status" $? 0
expect_eq "bench-threads --timeout 30, no fault: verified" "$(csv_col "$work/ok.csv" verified | sort -u)" yes
rm -f "$work/ok.csv"

echo "faults: $scenarios fault scenarios tried"
finish faults
