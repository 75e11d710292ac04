#!/usr/bin/env bash
# valgrind.sh BUILD_DIR - Valgrind's thread checkers on the build as it is (no sanitizer
# instrumentation, the optimised code that is measured): the thread pool's stress test
# (tests/test-pool.c) under Helgrind and under DRD, and short runs of bench-threads and
# bench-threadpool (start gate, pool passes, the --timeout watchdog, the fault module's
# per-thread set-up) under Helgrind. Any report fails. Suppressions, with their reasons,
# would go in tests/valgrind.supp (none is needed now). The pool hands over through futexes
# and atomics and tells both tools about the edges they make (src/pool.c); DRD keeps
# --report-signal-unlocked=no, though the pool no longer signals a condition variable after
# unlocking its mutex. About two minutes,
# so in suite `valgrind` only. Skipped (77) where Valgrind is not installed.
. "$(dirname "$0")/lib.sh"
root=$(cd "$1" && pwd)
supp=$(cd "$(dirname "$0")" && pwd)/valgrind.supp
command -v valgrind >/dev/null || { echo "valgrind is not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# vg TOOL LABEL COMMAND...: no error reported, the command's own status 0
vg() {
    tool=$1 label=$2
    shift 2
    valgrind --tool=$tool --error-exitcode=99 --suppressions="$supp" "$@" >"$work/out" 2>"$work/err"
    rc=$?
    expect_eq "$label under $tool: exit status" $rc 0
    # every process's summary: the parent's and any child's (test-pool forks for the
    # process-shared wake-up test), added up
    errors=$(awk '/ERROR SUMMARY:/ { n++; s += $4 } END { print n ? s : "none" }' "$work/err")
    expect_eq "$label under $tool: errors reported" "$errors" 0
    [ $rc = 0 ] && [ "$errors" = 0 ] || sed -n '1,60p' "$work/err" >&2
}

vg helgrind test-pool "$root/tests/test-pool"
vg drd test-pool --report-signal-unlocked=no "$root/tests/test-pool"
for m in threads threadpool; do
    for s in static dynamic; do
        vg helgrind "bench-$m $s" "$root/bench/bench-$m" -q -k randsum,matmul --size randsum=200000 \
            --size matmul=64 --workers 1-3 --reps 2 --schedule $s --timeout 60 -o "$work/r.csv"
    done
done
finish valgrind
