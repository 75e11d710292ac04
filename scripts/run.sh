#!/usr/bin/env bash
# run.sh [--quick] [--label NAME] [--reps N] - the README's main command: set up, build,
# record this machine's context, and run every kernel under every model at 1..all PUs,
# writing results/<label>/ (context.json and one CSV per model).
#   --quick      small sizes and 3 repetitions: a smoke run of a few seconds
#   --label NAME name the results folder (default: bench-info --label, e.g. amd-epyc-2c2t)
#   --reps N     measured repetitions per configuration (default 10)
#   --out DIR    parent folder of the results (default results)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0 label="" reps=10 outdir=results
die() { echo "run.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1; reps=3 ;;
        --label) [ $# -ge 2 ] || die "--label needs a value"; label=$2; shift ;;
        --reps) [ $# -ge 2 ] || die "--reps needs a value"; reps=$2; shift
                [[ $reps =~ ^[1-9][0-9]*$ ]] || die "--reps '$reps': not a positive count" ;;
        --out) [ $# -ge 2 ] || die "--out needs a value"; outdir=$2; shift ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
done

bash scripts/setup.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build >/dev/null

B=build/bench
label=$("$B/bench-info" --label ${label:+--name "$label"}) || exit 2
dest=$outdir/$label
mkdir -p "$dest"
"$B/bench-info" --name "$label" >"$dest/.context.json.tmp" && mv "$dest/.context.json.tmp" "$dest/context.json"

sizes=()
if [ $quick = 1 ]; then
    sizes=(--size primes=300000 --size randsum=20000000 --size matmul=256)
fi
status=0
for model in seq threads; do
    echo "run.sh: $model -> $dest/$model.csv" >&2
    args=(--kernel primes,randsum,matmul "${sizes[@]}" --reps "$reps" --output "$dest/$model.csv")
    [ $model = seq ] || args+=(--workers 1-all)
    "$B/bench-$model" "${args[@]}" || status=$?
done
echo "run.sh: results in $dest" >&2
exit $status
