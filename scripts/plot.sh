#!/usr/bin/env bash
# plot.sh RESULTS_DIR [--out DIR] - draw a results folder's charts with gnuplot, as PNG and
# SVG: per kernel, speedup over bench-seq, efficiency and median time (log scale) against
# the worker count, for every model in RESULTS_DIR/summary.csv. The machine comes from
# RESULTS_DIR/context.json.
#   --out DIR    where the charts go (default plots/<label>, label from context.json)
# Charts are drawn to temporary names and renamed into place only when gnuplot succeeded.
# Exit status: 0, 1 (gnuplot missing or failed), 2 (bad input: one line on stderr).
# interrupted (SIGINT, SIGTERM or SIGHUP; scripts/sweep.sh stops it with SIGTERM): the
# guard (guard.bash) stops gnuplot and the rest, waits for them to end, so that none can
# write a chart after the clean-up, then removes the temporary charts and ends by the
# same signal
# (and a failed run's: the guard runs cb_guard_failed; the worker holds no trap, not even
# on EXIT: see guard.bash; this script never changes folder, so the paths hold for both)
cb_guard_cleanup() { [ ! -d "$cb_guard_dir/plot" ] || cleanup_tmp "$cb_guard_dir/plot"; }
cb_guard_failed() { cb_guard_cleanup; }
# cleanup_tmp DIR: the temporary charts listed in DIR/outputs (never left beside the real
# ones), then DIR
cleanup_tmp() {
    [ -s "$1/outputs" ] && cut -f1 "$1/outputs" | while IFS= read -r f; do rm -f "$f"; done
    rm -rf "$1"
}
. "$(dirname "$0")/guard.bash"
cb_guard "$@"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "plot.sh: $*" >&2; exit 2; }

dir="" out=""
while [ $# -gt 0 ]; do
    case $1 in
        --out) [ $# -ge 2 ] || die "--out needs a value"; out=$2; shift ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *) [ -z "$dir" ] || die "unexpected argument '$1': one results folder only"; dir=$1 ;;
    esac
    shift
done
[ -n "$dir" ] || die "no results folder given (see --help)"
[ -d "$dir" ] || die "$dir: no such results folder"
[ -s "$dir/summary.csv" ] || die "$dir: no summary.csv (build/bench/bench-summary $dir writes it)"
[ -s "$dir/context.json" ] || die "$dir: no context.json"
command -v gnuplot >/dev/null 2>&1 ||
    { echo "plot.sh: gnuplot not found (scripts/setup.sh installs gnuplot-nox): no charts" >&2; exit 1; }

ctx=$(LC_ALL=C gawk -f "$here/json.awk" "$dir/context.json" 2>&1) || die "$dir/context.json: not valid JSON"
get() { awk -F'\t' -v k="$1" '$1 == k && !done { print $2; done = 1 }' <<<"$ctx"; } # no pipe: an early exit would SIGPIPE the writer under pipefail
label=$(get run.label) brand=$(get cpu.brand) cores=$(get topology.cores) pus=$(get topology.pus)
[[ $cores =~ ^[1-9][0-9]*$ && $pus =~ ^[1-9][0-9]*$ ]] ||
    die "$dir/context.json: no topology.cores and topology.pus"
out=${out:-plots/${label:-unlabelled}}

# the temporary folder in the guard's, which the guard removes whatever happens
tmp=$cb_guard_dir/plot
mkdir "$tmp"
: >"$tmp/outputs"

gawk -v tmp="$tmp" -v outdir="$out" -v outputs="$tmp/outputs" -v label="$label" \
     -v brand="${brand:-unknown CPU}" -v cores="$cores" -v pus="$pus" -v date="$(get run.date)" \
     -f "$here/plotlib.awk" -f "$here/plot.awk" "$dir/summary.csv" 2>"$tmp/awk.err" ||
    die "cannot chart $(tail -1 "$tmp/awk.err")"
cat "$tmp/awk.err" >&2 # its warnings
# the output folder only once the input is known to be good
mkdir -p "$out" 2>/dev/null || die "--out '$out': cannot create the folder"
if ! gnuplot "$tmp/charts.gp" 2>"$tmp/gnuplot.err"; then
    echo "plot.sh: gnuplot failed: $(grep -m1 -v '^ *$' "$tmp/gnuplot.err")" >&2
    exit 1
fi
# gnuplot's warnings (not errors) are worth seeing
[ -s "$tmp/gnuplot.err" ] && sed 's/^/plot.sh: gnuplot: /' "$tmp/gnuplot.err" >&2
n=0
while IFS=$'\t' read -r from to; do
    mv -f "$from" "$to"
    n=$((n + 1))
done <"$tmp/outputs"
: >"$tmp/outputs"
echo "plot.sh: $n charts in $out" >&2
