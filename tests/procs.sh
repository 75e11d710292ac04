#!/usr/bin/env bash
# procs.sh BUILD_DIR - the process models: every channel x start method x kernel verified
# at p = 1..2 x PUs against bench-seq; the pool at several schedules and chunk sizes; and
# the fault cases (a worker that crashes, exits non-zero or hangs past --timeout, SIGINT and
# SIGTERM to the parent), each detected with exit status 4 (130/143 for the signals), with
# no process left behind, no IPC object leaked and no result file written.
. "$(dirname "$0")/lib.sh"
B=$(cd "$1" && pwd)/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sizes="--size primes=200003 --size randsum=3000001 --size matmul=97 --size empty=1000"
kernels=primes,randsum,matmul,empty
"$B/bench-seq" -q -k $kernels $sizes --reps 1 -o "$work/seq.csv" || fail "bench-seq failed"

for start in fork spawn; do
    for ch in pipe queue socket shm; do
        "$B/bench-procs" -q -k $kernels $sizes --workers 1-2xall --reps 1 --start $start --channel $ch -o "$work/p.csv"
        expect_eq "procs $start $ch exit status" $? 0
        same_as_seq "$work/p.csv" "procs $start $ch"
        expect_eq "procs $start $ch columns" "$(csv_col "$work/p.csv" start | sort -u),$(csv_col "$work/p.csv" channel | sort -u)" "$start,$ch"
    done
done

for s in static cyclic dynamic guided; do
    for c in 1 7 100000000; do
        [ $s = static ] && [ $c != 1 ] && continue
        opt="--chunk $c"
        [ $s = static ] && opt=""
        "$B/bench-procpool" -q -k $kernels $sizes --workers 1-2xall --reps 2 --schedule $s $opt -o "$work/pool.csv"
        expect_eq "procpool $s $c exit status" $? 0
        same_as_seq "$work/pool.csv" "procpool $s chunk $c"
        created=$(csv_col "$work/pool.csv" pool_create_s | awk '$1 > 0' | wc -l)
        expect_eq "procpool $s: pool creation reported on every row" "$created" "$(csv_col "$work/pool.csv" model | wc -l)"
    done
done

# --- faults ----------------------------------------------------------------------------
mq_checked=0
if [ -d /dev/mqueue ] && mountpoint -q /dev/mqueue; then
    mq_checked=1
elif [ "$(id -u)" = 0 ] && mkdir -p /dev/mqueue 2>/dev/null && mount -t mqueue none /dev/mqueue 2>/dev/null; then
    mq_checked=1
else
    echo "note: /dev/mqueue cannot be mounted here; message-queue leaks are not checked"
fi
ipc_state() { ls -A /dev/shm; [ $mq_checked = 1 ] && ls -A /dev/mqueue; true; }
# leftovers: a live process started by this test (tagged through its environment, so other
# test runs on the machine do not count), or an orphaned zombie of these binaries
tag_processes procs
ipc_before=$(ipc_state)

# fault BINARY FAULT WANT_RC WORD ARGS...: run with CB_FAULT, check the outcome
fault() {
    bin=$1 f=$2 want=$3 word=$4
    shift 4
    CB_FAULT=$f timeout 60 "$B/$bin" -q -k randsum --size 3000000 --workers 2 --reps 2 -o "$work/f.csv" "$@" 2>"$work/f.err"
    rc=$?
    expect_eq "$bin $f $* exit status" $rc "$want"
    grep -q -- "$word" "$work/f.err" || fail "$bin $f $*: no '$word' in: $(cat "$work/f.err")"
    grep -q "worker" "$work/f.err" || fail "$bin $f $*: the worker is not named: $(cat "$work/f.err")"
    [ ! -e "$work/f.csv" ] || fail "$bin $f $*: a result file was written"
    expect_eq "$bin $f $* leftover processes" "$(leftovers)" 0
    expect_eq "$bin $f $* IPC objects" "$(ipc_state)" "$ipc_before"
    rm -f "$work/f.csv"
}
for start in fork spawn; do
    for ch in pipe queue socket shm; do
        fault bench-procs crash:1 4 "signal 11" --start $start --channel $ch
    done
    fault bench-procs exit:0 4 "exited with status 3" --start $start --channel queue
    fault bench-procs exit:1 4 "exited with status 3" --start $start --channel shm
    fault bench-procs hang:1 4 "timed out" --start $start --channel pipe --timeout 1
    fault bench-procs hang:0 4 "timed out" --start $start --channel queue --timeout 1
done
fault bench-procpool crash:0 4 "signal 11"
fault bench-procpool exit:1 4 "exited with status 3"
fault bench-procpool hang:1 4 "timed out" --timeout 1
expect_eq "no temporary files left in the output folder" "$(ls -A "$work" | grep -c '^\.')" 0

# --- signals to the parent at several moments ---------------------------------------------
for sig in INT TERM; do
    want=$((128 + $(kill -l $sig)))
    for args in "bench-procs --start fork --channel pipe" "bench-procs --start spawn --channel queue" \
                "bench-procs --start fork --channel shm" "bench-procpool"; do
        for delay in 0.05 0.3 0.7; do
            set -- $args
            bin=$1
            shift
            # far more repetitions than any machine finishes in 0.7 s: the signal lands
            # inside the run however fast the host is
            rm -f "$work/s.csv"
            "$B/$bin" -q -k matmul,randsum --size matmul=400 --size randsum=50000000 --workers 2 --reps 2000 -o "$work/s.csv" "$@" 2>/dev/null &
            pid=$!
            sleep $delay
            kill -$sig $pid
            wait $pid
            rc=$?
            expect_eq "$args SIG$sig after ${delay}s: exit status" $rc $want
            expect_eq "$args SIG$sig after ${delay}s: leftover processes" "$(leftovers)" 0
            expect_eq "$args SIG$sig after ${delay}s: IPC objects" "$(ipc_state)" "$ipc_before"
            expect_eq "$args SIG$sig after ${delay}s: files" "$(ls -A "$work" | grep -c 's.csv')" 0
        done
    done
done
finish procs
