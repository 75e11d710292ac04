#!/usr/bin/env bash
# limits.sh BUILD_DIR - resource limits, in every model. Refused before anything is
# allocated or started, with exit status 2 and one line that gives the figure: a size whose
# memory exceeds 80% of this machine's (the model's own copies counted: spawned workers'
# inputs, channel buffers, the reference copy), records that would not fit, a worker count
# above 4096 or at or above RLIMIT_NPROC. And an allocation that fails anyway, under an
# address-space limit (ulimit -v), ends in exit status 1 with one clear line, never a crash
# or a hang (sanitizer builds skip that part: their runtimes reserve terabytes of address
# space). Nothing is written in any case.
. "$(dirname "$0")/lib.sh"
B=$(cd "$1" && pwd)/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

models="threads threadpool procs procpool"
for m in openmp openblas; do [ -x "$B/bench-$m" ] && models="$models $m"; done
# bench-mpi: the refusals only (the runs under limits would be mpirun's)
checked=$models
[ -x "$B/bench-mpi" ] && checked="$checked mpi"
mem_kib=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)

# refused WORD COMMAND ARGS...: exit 2, one line matching WORD, nothing written; COMMAND
# is a binary of the build (bench-*) or a wrapper (prlimit) given the binary's path
refused() {
    word=$1 bin=$2
    shift 2
    cmd=$bin
    [ -x "$B/$bin" ] && cmd=$B/$bin
    "$cmd" "$@" -q -o "$work/out.csv" >"$work/.out" 2>"$work/.err"
    rc=$?
    expect_eq "$bin $* exit status" $rc 2
    expect_eq "$bin $* stderr lines" "$(wc -l <"$work/.err")" 1
    grep -q -- "$word" "$work/.err" || fail "$bin $*: no '$word' in: $(cat "$work/.err")"
    rm -f "$work/.out" "$work/.err"
    expect_eq "$bin $* files written" "$(ls -A "$work")" ""
}

# --- memory: every model, matmul far beyond any machine (a million squared doubles, 3x) --
for m in seq $checked; do
    w=2
    [ $m = seq ] && w=1
    refused "needs [0-9.]* GiB (inputs and output [0-9.]* GiB.*more than 80% of this machine's [0-9.]* GiB" \
        bench-$m -k matmul --size 1000000 --workers $w
done
for start in fork spawn; do
    for ch in pipe queue socket shm; do
        refused "needs [0-9.]* GiB" bench-procs -k matmul --size 1000000 --workers 2 --start $start --channel $ch
    done
done
# a size whose job alone fits (40% of the memory) but not with 4 spawned workers, each
# rebuilding the inputs: the model's share is named
n=$(awk -v kib="$mem_kib" 'BEGIN { printf "%d", sqrt(0.4 * kib * 1024 / 24) }')
refused "procs with 4 workers [0-9.]* GiB more" bench-procs -k matmul --size $n --workers 4 --start spawn
# every MPI rank on this host prepares its own copy of the job
[ -x "$B/bench-mpi" ] && refused "mpi with 4 workers [0-9.]* GiB more" bench-mpi -k matmul --size $n --workers 2,4
# the harness's own records: every repetition of every worker count, raw rows in the CSV
refused "records need [0-9.]* GiB" bench-threads -k empty --reps 100000 --workers 1-4096 --raw

# --- workers: above the bound, and at or above RLIMIT_NPROC ------------------------------
for m in $checked; do
    refused "at most" bench-$m -k matmul --size 64 --workers 4097
    refused "RLIMIT_NPROC, ulimit -u, is 8 processes and threads" prlimit --nproc=8 "$B/bench-$m" -k matmul --size 64 --workers 8
    refused "RLIMIT_NPROC" prlimit --nproc=8 "$B/bench-$m" -k matmul --size 64 --workers 2-64:x2
done
if [ "$(id -u)" = 0 ]; then
    # below the limit the run goes ahead (as root, whom the kernel exempts from the limit,
    # so the user's other processes cannot make it fail here); not OpenMP under
    # ThreadSanitizer, which misreads libgomp's uninstrumented hand-overs (tests/meson.build)
    for m in $models; do
        [ $m = openmp ] && "$B/bench-openmp" --version | grep -q 'sanitize=thread' && continue
        prlimit --nproc=8 "$B/bench-$m" -q -k matmul --size 64 --workers 7 --reps 1 -o "$work/ok.csv" 2>"$work/.err"
        expect_eq "bench-$m --workers 7 under RLIMIT_NPROC 8: exit status" $? 0
        rm -f "$work/ok.csv" "$work/.err"
    done
fi

# --- an allocation that fails: exit 1, one line, nothing written, never a crash or hang --
if "$B/bench-threads" --version | grep -q 'sanitize=none'; then
    # matmul 6000 needs 824 MiB; 400 MiB of address space holds the program, not the job
    for m in seq $models; do
        w=2
        [ $m = seq ] && w=1
        (ulimit -v 409600; exec timeout 60 "$B/bench-$m" -q -k matmul --size 6000 --workers $w --reps 1 -o "$work/out.csv") 2>"$work/.err"
        expect_eq "bench-$m under ulimit -v: exit status" $? 1
        expect_eq "bench-$m under ulimit -v: stderr lines" "$(wc -l <"$work/.err")" 1
        grep -q "cannot prepare matmul of size 6000: Cannot allocate memory" "$work/.err" ||
            fail "bench-$m under ulimit -v: $(cat "$work/.err")"
        rm -f "$work/.err"
        expect_eq "bench-$m under ulimit -v: files written" "$(ls -A "$work")" ""
    done
    # the job fits, the workers' stacks or a library's buffers do not: a clear failure
    # (1), or for OpenBLAS, whose allocator retries forever, the --timeout watchdog (4)
    for m in $models; do
        (ulimit -v 150000; exec timeout 60 "$B/bench-$m" -q -k matmul --size 300 --workers 16 --reps 1 --timeout 2 -o "$work/out.csv") 2>"$work/.err"
        rc=$?
        case $rc in
            0) ok ;;
            1 | 4) expect_eq "bench-$m, 16 workers under ulimit -v: stderr lines" "$(grep -cv '^$' "$work/.err")" 1 ;;
            *) fail "bench-$m, 16 workers under ulimit -v: exit status $rc: $(cat "$work/.err")" ;;
        esac
        rm -f "$work/out.csv" "$work/.err"
        expect_eq "bench-$m, 16 workers under ulimit -v: files left" "$(ls -A "$work")" ""
    done
else
    echo "note: a sanitizer build: the ulimit -v cases are skipped"
fi
finish limits
