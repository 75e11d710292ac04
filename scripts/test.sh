#!/usr/bin/env bash
# test.sh [--sanitizers] - the README's test command: set up, build, run every test suite
# (Valgrind's in build-valgrind/, compiled without -march=native).
# With --sanitizers, also build with AddressSanitizer+UndefinedBehaviorSanitizer and with
# ThreadSanitizer (in build-asan/ and build-tsan/) and run the fast suites there, any
# sanitizer report failing the run. Ends with one line: "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

sanitizers=0
for a in "$@"; do
    case $a in
        --sanitizers) sanitizers=1 ;;
        -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "test.sh: unknown argument '$a' (use --sanitizers)" >&2; exit 2 ;;
    esac
done

bash scripts/setup.sh || exit 1

passed=0 failed=0
# run_suite DIR SETUP-ARGS... : configure DIR if needed, build, test; add up the counts
run_suite() {
    dir=$1; shift
    local setup_args=("$@") test_args=()
    case $dir in
        build) ;;
        build-valgrind) test_args=(--suite valgrind) ;;
        *) test_args=(--suite fast --setup sanitize) ;;
    esac
    # the OpenMP engine's test: AddressSanitizer only (libgomp misleads ThreadSanitizer;
    # see tests/meson.build)
    if [ "$dir" = build-asan ]; then
        test_args+=(--suite engines)
    fi
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "${setup_args[@]}" >"$dir.setup.log" 2>&1 ||
            { cat "$dir.setup.log"; failed=$((failed + 1)); return; }
        rm -f "$dir.setup.log"
    fi
    if ! meson compile -C "$dir" >/dev/null; then
        meson compile -C "$dir" 2>&1 | tail -30
        failed=$((failed + 1))
        return
    fi
    echo "== meson test -C $dir ${test_args[*]}"
    meson test -C "$dir" --print-errorlogs "${test_args[@]}" | tee "$dir/test-output.txt"
    ok=$(awk '/^Ok:/ { print $2 }' "$dir/test-output.txt")
    bad=$(awk '/^(Fail|Timeout|Unexpected Pass):/ { s += $NF } END { print s + 0 }' "$dir/test-output.txt")
    passed=$((passed + ${ok:-0}))
    failed=$((failed + ${bad:-0}))
    [ -n "$ok" ] || failed=$((failed + 1))
}

run_suite build
# Valgrind's suite, in a build without -march=native: Valgrind cannot decode AVX-512
# (tests/meson.build). The engines are left out of that build: the suite does not use them.
run_suite build-valgrind -Dbuildtype=release -Dnative=false -Dopenmp=disabled \
    -Dopenblas=disabled -Dmpi=disabled
if [ $sanitizers = 1 ]; then
    run_suite build-asan -Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
        -Db_lundef=false -Dc_args=-fno-sanitize-recover=all
    run_suite build-tsan -Dbuildtype=debugoptimized -Db_sanitize=thread -Db_lundef=false
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
