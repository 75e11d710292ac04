#!/usr/bin/env bash
# run.sh [--quick] [--label NAME] [--reps N] [--out DIR] - the README's main command: set up,
# then scripts/sweep.sh: build, record this machine's context, run every kernel under every
# model at 1..all PUs and 2x, summarise and chart: results/<label>/ and plots/<label>/.
#   --quick      small sizes and 6 repetitions: a smoke run of a few seconds
#   --label NAME name the results folder (default: bench-info --label, e.g. amd-epyc-2c2t)
#   --reps N     measured repetitions per configuration (default 10)
#   --out DIR    parent folder of the results (default results)
# Other options go to scripts/sweep.sh (see its --help).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0 label="" reps="" outdir=results extra=()
die() { echo "run.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --label) [ $# -ge 2 ] || die "--label needs a value"; label=$2; shift ;;
        --reps) [ $# -ge 2 ] || die "--reps needs a value"; reps=$2; shift
                [[ $reps =~ ^[1-9][0-9]*$ ]] || die "--reps '$reps': not a positive count" ;;
        --out) [ $# -ge 2 ] || die "--out needs a value"; outdir=$2; shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) extra+=("$1") ;;
    esac
    shift
done

bash scripts/setup.sh
args=(--out "$outdir")
[ $quick = 0 ] || args+=(--quick)
[ -z "$label" ] || args+=(--label "$label")
[ -z "$reps" ] || args+=(--reps "$reps")
exec bash scripts/sweep.sh "${args[@]}" ${extra[@]+"${extra[@]}"}
