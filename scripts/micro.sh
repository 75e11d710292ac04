#!/usr/bin/env bash
# micro.sh [--quick] [--out RESULTS_DIR] [--plots PLOTS_DIR] - issue 7: the costs the course
# talks about, measured on this machine, and charted. Sets up and builds if needed, then:
#   1. the yardstick: build/tests/minimal-costs (plain C loops of thread create+join,
#      fork+wait, spawn+wait), before and after bench-overhead
#   2. bench-overhead (creation and dispatch), bench-ipc (channels), bench-sync
#      (synchronisation), bench-memory (RSS and PSS of the workers)
#   3. scripts/breakeven.sh (the smallest size at which each model beats bench-seq)
#   4. the charts (scripts/micro-plot.sh) and the tables (scripts/micro-tables.sh)
#   --quick        short samples and small sizes: a smoke run of about a minute
#   --out DIR      results (default results/<label>/micro, label from bench-info --label)
#   --plots DIR    charts (default plots/<label>)
# Every CSV keeps its raw samples (row=raw); context.json records the machine beside them.
# Run it alone on the machine: it measures time. Exit 0, 1 (a step failed), 2 (usage).
set -uo pipefail
cd "$(dirname "$0")/.."
die() { echo "micro.sh: $*" >&2; exit 2; }

quick=0 out="" plots=""
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --out) [ $# -ge 2 ] || die "--out needs a value"; out=$2; shift ;;
        --plots) [ $# -ge 2 ] || die "--plots needs a value"; plots=$2; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
done

# creatable DIR: DIR is a folder, or can be made: its nearest existing parent is a folder
# that we may write in (checked before anything is installed, built or run)
creatable() {
    local d=$1
    while [ ! -e "$d" ] && [ "$d" != / ] && [ "$d" != . ]; do d=$(dirname "$d"); done
    [ -d "$d" ] && [ -w "$d" ]
}
[ -z "$out" ] || creatable "$out" || die "--out '$out': cannot create a folder there"
[ -z "$plots" ] || creatable "$plots" || die "--plots '$plots': cannot create a folder there"

bash scripts/setup.sh || exit 1
if [ ! -f build/build.ninja ]; then
    meson setup build >/dev/null || { echo "micro.sh: meson setup failed" >&2; exit 1; }
fi
meson compile -C build >/dev/null || { echo "micro.sh: the build failed" >&2; exit 1; }

B=build/bench
label=$("$B/bench-info" --label) || exit 1
out=${out:-results/$label/micro}
plots=${plots:-plots/$label}
mkdir -p "$out" "$plots" || exit 1
"$B/bench-info" >"$out/.context.json.tmp" && mv "$out/.context.json.tmp" "$out/context.json" ||
    { echo "micro.sh: bench-info failed" >&2; exit 1; }

q=() minimal=(200 11)
if [ $quick = 1 ]; then
    q=(--quick)
    minimal=(50 7)
fi
status=0
# step NAME OUTPUT COMMAND...: run, its CSV moved into place only when it succeeded
step() {
    name=$1 file=$2
    shift 2
    echo "micro.sh: $name -> $file" >&2
    if "$@"; then
        return 0
    fi
    echo "micro.sh: $name failed" >&2
    status=1
    return 1
}

{
    build/tests/minimal-costs "${minimal[@]}" >"$out/.minimal-1.csv" &&
    step overhead "$out/overhead.csv" "$B/bench-overhead" "${q[@]}" --raw -o "$out/overhead.csv" &&
    build/tests/minimal-costs "${minimal[@]}" >"$out/.minimal-2.csv" &&
    { cat "$out/.minimal-1.csv"; tail -n +2 "$out/.minimal-2.csv"; } >"$out/minimal.csv"
} || { echo "micro.sh: the creation costs failed" >&2; status=1; }
rm -f "$out/.minimal-1.csv" "$out/.minimal-2.csv"
step ipc "$out/ipc.csv" "$B/bench-ipc" "${q[@]}" --raw -o "$out/ipc.csv"
step sync "$out/sync.csv" "$B/bench-sync" "${q[@]}" --raw -o "$out/sync.csv"
step memory "$out/memory.csv" "$B/bench-memory" "${q[@]}" --raw -o "$out/memory.csv"
step breakeven "$out/breakeven.csv" bash scripts/breakeven.sh "${q[@]}" --out "$out"

bash scripts/micro-plot.sh "$out" --out "$plots" || status=1
bash scripts/micro-tables.sh "$out" --factor >"$out/.factor.csv.tmp" && mv "$out/.factor.csv.tmp" "$out/factor.csv" ||
    { rm -f "$out/.factor.csv.tmp"; status=1; }
bash scripts/micro-tables.sh "$out" >"$out/.tables.md.tmp" && mv "$out/.tables.md.tmp" "$out/tables.md" ||
    { rm -f "$out/.tables.md.tmp"; status=1; }
echo "micro.sh: results in $out, charts in $plots, tables in $out/tables.md" >&2
exit $status
