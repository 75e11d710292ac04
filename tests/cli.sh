#!/usr/bin/env bash
# cli.sh BUILD_DIR - bad command lines: each gives exit status 2, exactly one line on
# stderr that names the problem, nothing on stdout, and no file written or changed.
. "$(dirname "$0")/lib.sh"
B=$(cd "$1" && pwd)/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/adir"
echo "precious" > "$work/keep.csv"

# bad BINARY EXPECTED_WORD ARGS...: EXPECTED_WORD must appear in the one line
bad() {
    bin=$1 word=$2
    shift 2
    before=$(ls -A "$work" | sort | tr '\n' ' ')
    (cd "$work" && "$B/$bin" "$@" >"$work/.out" 2>"$work/.err")
    rc=$?
    lines=$(wc -l <"$work/.err")
    expect_eq "$bin $* (exit status)" "$rc" 2
    expect_eq "$bin $* (stderr lines)" "$lines" 1
    expect_eq "$bin $* (stdout bytes)" "$(wc -c <"$work/.out")" 0
    grep -q -- "$word" "$work/.err" || fail "$bin $*: message does not name '$word': $(cat "$work/.err")"
    rm -f "$work/.out" "$work/.err"
    after=$(ls -A "$work" | sort | tr '\n' ' ')
    expect_eq "$bin $* (files in the directory)" "$after" "$before"
    expect_eq "$bin $* (existing output untouched)" "$(cat "$work/keep.csv")" "precious"
}

bad bench-threads "kernel" --kernel nosuch
bad bench-threads "kernel" --kernel ""
bad bench-threads "workers" --workers 0
bad bench-threads "reversed" --workers 4-1
bad bench-threads "empty" --workers ""
bad bench-threads "workers" --workers 1,,2
bad bench-threads "at most" --workers 5000
bad bench-threads "workers" --workers many
bad bench-threads "reps" --reps 0
bad bench-threads "reps" --reps abc
bad bench-threads "warmup" --warmup 0
bad bench-threads "size" --size -5
bad bench-threads "size" --size 99999999999999999999999
bad bench-threads "size" --kernel primes --size 1e30
bad bench-threads "out of range" --kernel primes --size 5000000000
bad bench-threads "GiB" --kernel matmul --size 200000
bad bench-threads "not selected" --kernel primes --size matmul=10
bad bench-threads "unknown kernel" --size nosuch=10
bad bench-threads "unknown option" --bogus
bad bench-threads "unknown option" -Z
bad bench-threads "needs a value" --reps
bad bench-threads "schedule" --schedule fastest
bad bench-threads "chunk" --schedule dynamic --chunk 0
bad bench-threads "chunk" --chunk 5
bad bench-threads "seed" --seed -1
bad bench-threads "timeout" --timeout 0
bad bench-threads "unexpected argument" primes
bad bench-threads "cannot write" --kernel empty --output "$work/missing/dir/out.csv"
bad bench-threads "directory" --kernel empty --output "$work/adir"
bad bench-threads "reps" --output "$work/keep.csv" --reps x
bad bench-procs "start" --start vfork
bad bench-procs "channel" --channel carrier-pigeon
bad bench-procs "timeout" --timeout -1
bad bench-procs "timeout" --timeout soon
bad bench-procs "schedule" --schedule dynamic
bad bench-procs "workers" --workers 0
bad bench-procpool "static" --schedule static --chunk 4
bad bench-procpool "channel" --channel pipe
bad bench-procpool "start" --start spawn
bad bench-threads "channel" --channel pipe
bad bench-threads "start" --start fork
bad bench-seq "one worker" --workers 2
bad bench-seq "schedule" --schedule dynamic

# good invocations of the same binaries exit 0
for bin in bench-seq bench-threads bench-procs bench-procpool; do
    "$B/$bin" --help >/dev/null 2>&1
    expect_eq "$bin --help" $? 0
    "$B/$bin" --version >"$work/.v" 2>&1
    expect_eq "$bin --version" $? 0
    grep -q "commit" "$work/.v" || fail "$bin --version does not name the commit"
done
finish cli
