#!/usr/bin/env bash
# run.sh [--quick] [--label NAME] [--reps N] [--out DIR] [--no-micro] - the README's main
# command: set up, then scripts/sweep.sh: build, record this machine's context, run every
# kernel under every model at 1..all PUs and 2x, summarise and chart: results/<label>/ and
# plots/<label>/; then scripts/micro.sh: the micro-benchmarks and break-even sizes, into
# results/<label>/micro/ and the same plots folder.
#   --quick      small sizes and 6 repetitions: a smoke run of a few seconds
#   --label NAME name the results folder (default: bench-info --label, e.g. amd-epyc-2c2t)
#   --reps N     measured repetitions per configuration (default 10)
#   --out DIR    parent folder of the results (default results)
#   --no-micro   the sweep only (the micro-benchmarks take about 6 more minutes)
# Other options go to scripts/sweep.sh (see its --help).
. "$(dirname "$0")/guard.bash"
# interrupted (SIGINT, SIGTERM or SIGHUP): the guard stops the running step and all it
# started (the sweep keeps what it finished: sweep.sh --resume), waits for them to end,
# and run.sh ends by the same signal
cb_guard "$@"
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0 label="" reps="" outdir=results extra=() micro=1
die() { echo "run.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --no-micro) micro=0 ;;
        --label) [ $# -ge 2 ] || die "--label needs a value"; label=$2; shift ;;
        --reps) [ $# -ge 2 ] || die "--reps needs a value"; reps=$2; shift
                [[ $reps =~ ^[1-9][0-9]*$ ]] || die "--reps '$reps': not a positive count" ;;
        --out) [ $# -ge 2 ] || die "--out needs a value"; outdir=$2; shift ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) extra+=("$1") ;;
    esac
    shift
done

args=(--out "$outdir")
[ $quick = 0 ] || args+=(--quick)
[ -z "$label" ] || args+=(--label "$label")
[ -z "$reps" ] || args+=(--reps "$reps")

# the sweep's options are checked before anything is installed or built
bash scripts/sweep.sh --check "${args[@]}" ${extra[@]+"${extra[@]}"} || exit 2
bash scripts/setup.sh
status=0
bash scripts/sweep.sh "${args[@]}" ${extra[@]+"${extra[@]}"} || status=$?
[ $status = 2 ] && exit 2 # a bad command line: nothing was run
[ $status -lt 128 ] || exit $status # the sweep was stopped by a signal: so is the job
if [ $micro = 1 ]; then
    # the same folders as the sweep: results/<label>/micro and plots/<label> beside them
    lab=${label:-$(build/bench/bench-info --label)}
    margs=(--out "$outdir/$lab/micro" --plots "$(dirname "$outdir")/plots/$lab")
    [ $quick = 0 ] || margs+=(--quick)
    bash scripts/micro.sh "${margs[@]}" || { s=$?; [ $status != 0 ] || status=$s; }
fi
exit $status
