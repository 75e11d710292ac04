#!/usr/bin/env bash
# fuzz.sh [--time S] [--targets LIST] [--build DIR] - bounded fuzzing of the suite's parsers
# (issue 8): builds the fuzz targets of fuzz/ with clang's libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer in their own build folder, then runs each target for S seconds
# from the corpus in fuzz/corpus/TARGET, and reports per target its executions, coverage
# (libFuzzer's cov and ft), corpus size and findings.
#   --time S       seconds per target (default 60)
#   --targets LIST comma-separated (default: every fuzz/fuzz-*.c)
#   --build DIR    the build folder (default build-fuzz); new corpus entries are kept in
#                  DIR/fuzz-corpus/TARGET, findings (crash-*, leak-*, timeout-*, oom-*) in
#                  DIR/fuzz-findings/TARGET
# Installs clang (Debian's clang and libclang-rt-14-dev) when missing. Not part of the test
# suites: the corpus replays there (fuzz/meson.build). Exit 0 when nothing was found, 1 when
# a target found something or failed to build, 2 usage.
set -uo pipefail
cd "$(dirname "$0")/.."
die() { echo "fuzz.sh: $*" >&2; exit 2; }

seconds=60 targets="" build=build-fuzz
while [ $# -gt 0 ]; do
    case $1 in
        --time) [ $# -ge 2 ] || die "--time needs a value"; seconds=$2; shift ;;
        --targets) [ $# -ge 2 ] || die "--targets needs a value"; targets=$2; shift ;;
        --build) [ $# -ge 2 ] || die "--build needs a value"; build=$2; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
done
[[ $seconds =~ ^[1-9][0-9]{0,5}$ ]] || die "--time '$seconds': not a number of seconds from 1 to 999999"
all=$(ls fuzz/fuzz-*.c 2>/dev/null | sed 's|fuzz/fuzz-||; s|\.c$||' | tr '\n' ' ')
[ -n "$targets" ] || targets=$all
for t in ${targets//,/ }; do
    [ -f "fuzz/fuzz-$t.c" ] || die "--targets: no target '$t' (have: $all)"
done

if ! command -v clang >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    echo "fuzz.sh: installing clang and libFuzzer" >&2
    run=()
    [ "$(id -u)" -eq 0 ] || run=(sudo -n)
    "${run[@]}" apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -qq --no-install-recommends \
        clang libclang-rt-14-dev >/dev/null || { echo "fuzz.sh: cannot install clang" >&2; exit 1; }
fi
bash scripts/setup.sh || exit 1
if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" -Dfuzz=true -Dbuildtype=debugoptimized \
        -Db_sanitize=address,undefined -Db_lundef=false -Dopenmp=disabled -Dopenblas=disabled \
        "-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" >"$build.setup.log" 2>&1 ||
        { cat "$build.setup.log" >&2; exit 1; }
    rm -f "$build.setup.log"
fi
meson compile -C "$build" >/dev/null || { meson compile -C "$build" 2>&1 | tail -20; exit 1; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
found=0
printf '%-15s %7s %11s %6s %7s %7s %9s\n' target seconds executions cov ft corpus findings
for t in ${targets//,/ }; do
    corpus=$build/fuzz-corpus/$t findings=$build/fuzz-findings/$t log=$build/fuzz-$t.log
    mkdir -p "$corpus" "$findings"
    before=$(ls "$findings" | wc -l)
    dict=()
    [ -f "fuzz/dict/$t.dict" ] && dict=(-dict="fuzz/dict/$t.dict")
    # -fork=1 with -ignore_*: a finding is kept and fuzzing goes on to the end of the time
    "$build/fuzz/fuzz-$t" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
        -max_len=16384 -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -artifact_prefix="$findings/" "${dict[@]}" "$corpus" "fuzz/corpus/$t" >"$log" 2>&1
    # the last status line: "#N: cov: C ft: F corp: K exec/s E oom/timeout/crash: a/b/c ..."
    last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1)
    execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
    cov=$(sed -E 's/.* cov: ([0-9]+).*/\1/' <<<"$last")
    ft=$(sed -E 's/.* ft: ([0-9]+).*/\1/' <<<"$last")
    corp=$(sed -E 's/.* corp: ([0-9]+).*/\1/' <<<"$last")
    new=$(( $(ls "$findings" | wc -l) - before ))
    [ "$new" -eq 0 ] || found=1
    [ -n "$last" ] || { found=1; echo "fuzz.sh: $t: no status line, see $log" >&2; }
    printf '%-15s %7s %11s %6s %7s %7s %9s\n' "$t" "$seconds" "${execs:-?}" "${cov:-?}" \
        "${ft:-?}" "${corp:-?}" "$new"
done
if [ $found = 1 ]; then
    echo "fuzz.sh: findings in $build/fuzz-findings (replay one: $build/fuzz/replay-TARGET FILE)" >&2
    exit 1
fi
