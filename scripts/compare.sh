#!/usr/bin/env bash
# compare.sh [--out DIR] [--x workers|cores] RESULTS_DIR RESULTS_DIR... - compare machines:
# per kernel, every model's speedup and median time on every machine in one chart (PNG and
# SVG), machines named from their context.json. Also prints, for each folder after the
# first, how many points' median 95% CIs overlap with the first folder's (a re-run on the
# same machine should overlap almost everywhere).
#   --out DIR        where the charts go (default plots/compare)
#   --x cores        x axis as workers / physical cores of each machine (default: workers)
# Refuses folders of different schema versions (exit 2); warns when kernels or sizes
# differ. Each folder needs context.json and summary.csv (scripts/sweep.sh writes both).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "compare.sh: $*" >&2; exit 2; }

out=plots/compare xmode=workers dirs=()
while [ $# -gt 0 ]; do
    case $1 in
        --out) [ $# -ge 2 ] || die "--out needs a value"; out=$2; shift ;;
        --x) [ $# -ge 2 ] || die "--x needs a value (workers or cores)"; xmode=$2; shift
             [[ $xmode == workers || $xmode == cores ]] || die "--x '$xmode': use workers or cores" ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *) dirs+=("${1%/}") ;;
    esac
    shift
done
[ ${#dirs[@]} -ge 2 ] || die "give two or more results folders (see --help)"

names=() descs=() cores=() pus=() schema="" schema_dir=""
for d in "${dirs[@]}"; do
    [ -d "$d" ] || die "$d: no such results folder"
    [ -s "$d/context.json" ] || die "$d: no context.json: not a results folder"
    [ -s "$d/summary.csv" ] || die "$d: no summary.csv (build/bench/bench-summary $d writes it)"
    ctx=$(LC_ALL=C gawk -f "$here/json.awk" "$d/context.json" 2>/dev/null) || die "$d/context.json: not valid JSON"
    get() { awk -F'\t' -v k="$1" '$1 == k && !done { print $2; done = 1 }' <<<"$ctx"; } # no pipe: an early exit would SIGPIPE the writer under pipefail
    sv=$(get schema_version)
    [ -n "$sv" ] || die "$d/context.json: no schema_version"
    if [ -z "$schema" ]; then
        schema=$sv schema_dir=$d
    elif [ "$sv" != "$schema" ]; then
        die "$d has schema version $sv but $schema_dir has $schema: results of different schema versions are not merged"
    fi
    c=$(get topology.cores) p=$(get topology.pus)
    [[ $c =~ ^[1-9][0-9]*$ && $p =~ ^[1-9][0-9]*$ ]] || die "$d/context.json: no topology.cores and topology.pus"
    name=$(get run.label)
    names+=("${name:-$(basename "$d")}")
    descs+=("$(get cpu.brand), $c cores, $p PUs")
    cores+=("$c") pus+=("$p")
done
# Machines with the same label (a re-run, a copy) are told apart by the name of the folder
# that holds their results folder (results, rerun, ...), or else by their position.
labels=("${names[@]}")
for pass in 1 2; do
    dups=()
    for i in "${!names[@]}"; do
        for j in "${!names[@]}"; do
            [ "$i" != "$j" ] && [ "${names[$i]}" = "${names[$j]}" ] && { dups+=("$i"); break; }
        done
    done
    for i in ${dups[@]+"${dups[@]}"}; do
        if [ $pass = 1 ]; then
            names[i]="${labels[$i]}@$(basename "$(dirname "$(cd "${dirs[$i]}" && pwd)")")"
        else
            names[i]="${names[$i]}#$((i + 1))"
        fi
    done
done
command -v gnuplot >/dev/null 2>&1 ||
    { echo "compare.sh: gnuplot not found (scripts/setup.sh installs gnuplot-nox): no charts" >&2; exit 1; }

tmp=$(mktemp -d)
cleanup() {
    [ -s "$tmp/outputs" ] && cut -f1 "$tmp/outputs" | while IFS= read -r f; do rm -f "$f"; done
    rm -rf "$tmp"
}
trap cleanup EXIT
: >"$tmp/outputs"

summaries=()
for d in "${dirs[@]}"; do summaries+=("$d/summary.csv"); done
join_tab() { local IFS=$'\t'; echo "$*"; }
gawk -v tmp="$tmp" -v outdir="$out" -v outputs="$tmp/outputs" -v xmode="$xmode" \
     -v names="$(join_tab "${names[@]}")" -v descs="$(join_tab "${descs[@]}")" \
     -v cores="${cores[*]}" -v pus="${pus[*]}" \
     -f "$here/plotlib.awk" -f "$here/compare.awk" "${summaries[@]}" 2>"$tmp/awk.err" ||
    die "the summaries cannot be compared: $(tail -1 "$tmp/awk.err")"
cat "$tmp/awk.err" >&2 # its warnings
# the output folder only once the input is known to be good
mkdir -p "$out" 2>/dev/null || die "--out '$out': cannot create the folder"
if ! gnuplot "$tmp/charts.gp" 2>"$tmp/gnuplot.err"; then
    echo "compare.sh: gnuplot failed: $(grep -m1 -v '^ *$' "$tmp/gnuplot.err")" >&2
    exit 1
fi
[ -s "$tmp/gnuplot.err" ] && sed 's/^/compare.sh: gnuplot: /' "$tmp/gnuplot.err" >&2
n=0
while IFS=$'\t' read -r from to; do
    mv -f "$from" "$to"
    n=$((n + 1))
done <"$tmp/outputs"
: >"$tmp/outputs"
cp "$tmp/overlap.txt" "$out/.overlap.txt.tmp" && mv -f "$out/.overlap.txt.tmp" "$out/overlap.txt"
sed 's/^/compare.sh: /' "$tmp/overlap.txt"
echo "compare.sh: $n charts in $out" >&2
