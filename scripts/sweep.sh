#!/usr/bin/env bash
# sweep.sh [OPTION]... - the main job end to end: build if needed, record the machine,
# run every kernel under every model binary that exists (build/bench/bench-* answering
# --model-info) and the sequential baseline, in interleaved rounds; then summarise
# (bench-summary) and draw the charts (plot.sh).
#   --quick           small sizes, 6 repetitions in 2 rounds: a smoke run for tests
#   --label NAME      name of the results folder (default: bench-info --label)
#   --reps N          measured repetitions per configuration, over all rounds (default 10)
#   --rounds R        split the repetitions into R rounds (default 2)
#   --workers LIST    worker counts of the parallel models (default 1-all,2xall)
#   --models LIST     only these models, comma-separated (default: every model found)
#   --kernels LIST    kernels, comma-separated (default primes,randsum,matmul)
#   --size K=N        size of kernel K (repeatable; default: the binaries' defaults)
#   --seed N          seed of the inputs (default 42); --order-seed N: of the run order (42)
#   --out DIR         parent folder of the results (default results)
#   --plots DIR       parent folder of the charts (default: plots beside --out's folder)
#   --resume          keep the configurations a previous, interrupted run of the same
#                     settings finished, and run only the rest (default: start over)
#   --build DIR       build folder (default build); --no-build: use it as it is
#   --check           only check the command line's form, then exit (0 or 2): nothing is
#                     built or run (scripts/run.sh asks this before installing anything)
#   -- ARGS...        pass ARGS to every benchmark binary (e.g. -- --bind cores)
# Writes OUT/<label>/: context.json, lstopo.{png,svg,xml}, plan.csv, raw/ (one CSV per
# model, kernel and round), summary.csv, sweep.json; and PLOTS/<label>/*.{png,svg}.
# Exit status: 0; 2 bad command line; otherwise the first failing binary's status (3 a
# result failed verification, 4 a worker failed), after every configuration ran; 128+N
# when stopped by signal N (the running binary is stopped and reaped first; finished
# configurations stay in raw/, complete, and --resume runs only the rest).
# The whole script is one function, parsed before anything runs, so that a signal finds
# bash executing it, never reading the next lines.
main() {
# interrupted (SIGINT, SIGTERM or SIGHUP, to this process or its group): the guard
# (scripts/guard.bash) stops the worker and everything it started, waits for them to end,
# then runs this clean-up and ends by the same signal. Every file in raw/ is complete (the
# binaries write through a temporary file and rename it), so --resume can go on from there.
cb_guard_cleanup() {
    local dest
    cb_guard_get dest dest
    if [ -n "$dest" ]; then
        rm -f "$dest"/.*.tmp
        if [ -d "$dest/raw" ]; then
            echo "sweep.sh: interrupted; finished configurations are kept in $dest/raw (--resume continues)" >&2
        else
            echo "sweep.sh: interrupted" >&2
        fi
    else
        echo "sweep.sh: interrupted before anything was written" >&2
    fi
}
. "$(dirname "$0")/guard.bash"
cb_guard "$@"
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "sweep.sh: $*" >&2; exit 2; }
quick=0 label="" reps=10 rounds=2 workers=1-all,2xall models="" kernels=primes,randsum,matmul
seed=42 order_seed=42 outdir=results plotdir="" resume=0 build=build do_build=1 check=0
reps_given=0
passthru=()
declare -A size=()
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --label) [ $# -ge 2 ] || die "--label needs a value"; label=$2; shift ;;
        --reps) [ $# -ge 2 ] || die "--reps needs a value"; reps=$2; reps_given=1; shift
                [[ $reps =~ ^[1-9][0-9]{0,4}$ ]] || die "--reps '$reps': not a positive count" ;;
        --rounds) [ $# -ge 2 ] || die "--rounds needs a value"; rounds=$2; shift
                  [[ $rounds =~ ^[1-9][0-9]{0,2}$ ]] || die "--rounds '$rounds': not a positive count" ;;
        --workers) [ $# -ge 2 ] || die "--workers needs a value"; workers=$2; shift ;;
        --models) [ $# -ge 2 ] || die "--models needs a value"; models=$2; shift ;;
        --kernels) [ $# -ge 2 ] || die "--kernels needs a value"; kernels=$2; shift ;;
        --size) [ $# -ge 2 ] || die "--size needs a value"
                [[ $2 =~ ^([a-z0-9_]+)=([0-9][0-9.eEkMG]*)$ ]] || die "--size '$2': expected KERNEL=N"
                size[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}; shift ;;
        --seed) [ $# -ge 2 ] || die "--seed needs a value"; seed=$2; shift
                [[ $seed =~ ^[0-9]{1,18}$ ]] || die "--seed '$seed': not an unsigned integer" ;;
        --order-seed) [ $# -ge 2 ] || die "--order-seed needs a value"; order_seed=$2; shift
                [[ $order_seed =~ ^[0-9]{1,9}$ ]] || die "--order-seed '$order_seed': not an unsigned integer" ;;
        --out) [ $# -ge 2 ] || die "--out needs a value"; outdir=$2; shift ;;
        --plots) [ $# -ge 2 ] || die "--plots needs a value"; plotdir=$2; shift ;;
        --resume) resume=1 ;;
        --build) [ $# -ge 2 ] || die "--build needs a value"; build=$2; shift ;;
        --no-build) do_build=0 ;;
        --check) check=1 ;;
        --) shift; passthru=("$@"); break ;;
        -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
done
if [ $quick = 1 ]; then
    [ $reps_given = 1 ] || reps=6
    for kv in primes=300000 randsum=20000000 matmul=256; do
        [ -n "${size[${kv%%=*}]:-}" ] || size[${kv%%=*}]=${kv#*=}
    done
fi
[ "$reps" -ge "$rounds" ] || die "--reps $reps is fewer than --rounds $rounds: every round needs a repetition"
[[ $kernels =~ ^[a-z0-9_]+(,[a-z0-9_]+)*$ ]] || die "--kernels '$kernels': expected NAME,NAME,..."
[ -z "$models" ] || [[ $models =~ ^[a-z0-9_]+(,[a-z0-9_]+)*$ ]] || die "--models '$models': expected NAME,NAME,..."
[ -z "$label" ] || [[ $label =~ ^[a-z0-9_-][a-z0-9_.-]*$ ]] ||
    die "--label '$label': use letters a-z, digits, '-', '_', '.'"
[[ $workers =~ ^[0-9a-z:-]+(,[0-9a-z:-]+)*$ ]] || die "--workers '$workers': not a worker list (e.g. 1,2,4 or 1-all)"
parent=$(dirname "$outdir")
[ "$parent" != . ] || parent=""
plotdir=${plotdir:-${parent:+$parent/}plots}
# creatable DIR: DIR is a folder, or its nearest existing parent is one we may write in
creatable() {
    local d=$1
    while [ ! -e "$d" ] && [ "$d" != / ] && [ "$d" != . ]; do d=$(dirname "$d"); done
    [ -d "$d" ] && [ -w "$d" ]
}
creatable "$outdir" || die "--out '$outdir': cannot create a folder there"
creatable "$plotdir" || die "--plots '$plotdir': cannot create a folder there"
[ $check = 0 ] || exit 0

if [ $do_build = 1 ]; then
    [ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
    meson compile -C "$build" >/dev/null
fi
B=$build/bench
[ -x "$B/bench-seq" ] || die "$B/bench-seq: not built (run meson compile -C $build)"

# --- the models: every executable bench-* that answers --model-info ------------------------
declare -A mkernels=() mserial=()
found=()
for bin in "$B"/bench-*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    info=$(timeout --foreground 20 "$bin" --model-info 2>/dev/null) || continue
    [[ $info == model=* ]] || continue
    name=${info#model=}; name=${name%% *}
    [ "$bin" = "$B/bench-$name" ] || continue
    mk=${info##*kernels=}; mk=${mk%% *}
    mkernels[$name]=$mk
    mserial[$name]=$([[ $info == *" serial=1"* ]] && echo 1 || echo 0)
    found+=("$name")
done
[ -n "${mkernels[seq]:-}" ] || die "$B/bench-seq does not answer --model-info: no sequential baseline"
if [ -n "$models" ]; then
    for m in ${models//,/ }; do
        [ -n "${mkernels[$m]:-}" ] || die "--models: no model '$m' in $B (found: ${found[*]})"
    done
    [[ ,$models, == *,seq,* ]] || models="seq,$models" # the baseline always runs
    IFS=, read -ra sel <<<"$models"
else
    sel=("${found[@]}")
fi
for k in ${kernels//,/ }; do
    [[ ,${mkernels[seq]}, == *,$k,* ]] || die "--kernels: unknown kernel '$k' (bench-seq has ${mkernels[seq]})"
done
for k in "${!size[@]}"; do
    [[ ,$kernels, == *,$k,* ]] || die "--size $k=${size[$k]}: kernel $k is not in --kernels $kernels"
done

# the sizes, checked by bench-seq (--plan runs nothing): a size out of range or too large
# for this machine's memory is refused here, not by every run of the sweep
size_args=()
for k in "${!size[@]}"; do size_args+=(--size "$k=${size[$k]}"); done
msg=$("$B/bench-seq" --plan --kernel "$kernels" ${size_args[@]+"${size_args[@]}"} 2>&1 >/dev/null) ||
    die "$(printf '%s\n' "$msg" | tail -1)"
# How many worker counts the list gives here, and whether the binaries accept it.
par=""
# (a parallel model with the empty kernel, if any, makes the probe cost nothing)
# (MPI last: it starts one world per count)
for m in $(printf '%s\n' "${sel[@]}" | grep -vx mpi) $(printf '%s\n' "${sel[@]}" | grep -x mpi); do
    [ "${mserial[$m]}" = 1 ] && continue
    [ -n "$par" ] || par=$m
    [[ ,${mkernels[$m]}, == *,empty,* ]] && { par=$m; break; }
done
nworkers=1
if [ -n "$par" ]; then
    pk=${mkernels[$par]%%,*}
    [[ ,${mkernels[$par]}, == *,empty,* ]] && pk=empty
    perr=$cb_guard_dir/probe.err # (the guard removes its folder, whatever happens)
    pargs=(-q --kernel "$pk" --size 1000 --workers "$workers" --reps 1 ${passthru[@]+"${passthru[@]}"})
    probe=$("$B/bench-$par" "${pargs[@]}" 2>"$perr") || die "$(tail -1 "$perr")"
    nworkers=$(printf '%s\n' "$probe" | awk -F, '$1 == "summary"' | wc -l)
fi

# MPI only where mpirun works (a world of one rank, no work), asked once the rest of the
# command line is checked: as root Open MPI also needs OMPI_ALLOW_RUN_AS_ROOT=1 and
# OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 (README). Asked for by name, it must work; found, it is
# skipped with a note.
if [[ " ${sel[*]} " == *" mpi "* ]]; then
    rc=0
    why=$(timeout --foreground 60 "$B/bench-mpi" -q -k empty --size 1 --workers 1 --reps 1 2>&1 >/dev/null) || rc=$?
    if [ $rc != 0 ]; then
        why=${why##*$'\n'}
        [[ ,$models, == *,mpi,* ]] && die "--models mpi: mpirun does not work here ($why)"
        echo "sweep.sh: bench-mpi skipped: mpirun does not work here ($why)" >&2
        mapfile -t sel < <(printf '%s\n' "${sel[@]}" | grep -vx mpi)
    fi
fi

label=$("$B/bench-info" --label ${label:+--name "$label"}) || exit 2
dest=$outdir/$label
cb_guard_note dest "$([[ $dest == /* ]] && echo "$dest" || echo "$PWD/$dest")" # (the guard did not cd)
plots=$plotdir/$label

# The settings a resumed run must share with the run it continues.
sizes_txt=""
for k in ${kernels//,/ }; do sizes_txt+="$k=${size[$k]:-default} "; done
settings="reps=$reps rounds=$rounds workers=$workers models=${sel[*]} kernels=$kernels sizes=${sizes_txt% } seed=$seed order_seed=$order_seed binary_args=${passthru[*]+${passthru[*]}}"

if [ $resume = 1 ] && [ -f "$dest/settings.txt" ]; then
    [ "$(cat "$dest/settings.txt")" = "$settings" ] ||
        die "--resume: $dest was started with other settings ($(cat "$dest/settings.txt")); drop --resume to start over"
    echo "sweep.sh: resuming in $dest" >&2
else
    # start over: remove what an earlier sweep wrote here, nothing else
    rm -rf "$dest/raw"
    rm -f "$dest"/{summary.csv,sweep.json,plan.csv,settings.txt,context.json,lstopo.png,lstopo.svg,lstopo.xml}
fi
mkdir -p "$dest/raw"

# put SRC DEST: move a finished temporary file into place
put() { mv -f "$1" "$2"; }
printf '%s\n' "$settings" >"$dest/.settings.txt.tmp" && put "$dest/.settings.txt.tmp" "$dest/settings.txt"

# --- the machine ---------------------------------------------------------------------------
if [ ! -s "$dest/context.json" ]; then
    "$B/bench-info" --name "$label" >"$dest/.context.json.tmp"
    put "$dest/.context.json.tmp" "$dest/context.json"
fi
if command -v lstopo >/dev/null 2>&1; then
    for fmt in png svg xml; do
        [ -s "$dest/lstopo.$fmt" ] && continue
        if lstopo --of $fmt "$dest/.lstopo.$fmt.tmp" >/dev/null 2>&1; then
            put "$dest/.lstopo.$fmt.tmp" "$dest/lstopo.$fmt"
        else
            rm -f "$dest/.lstopo.$fmt.tmp"
            echo "sweep.sh: lstopo cannot draw $fmt here; skipped" >&2
        fi
    done
fi

# --- the plan: every (model, kernel) once per round, shuffled per round -----------------------
pairs=()
for m in "${sel[@]}"; do
    for k in ${kernels//,/ }; do
        [[ ,${mkernels[$m]}, == *,$k,* ]] && pairs+=("$m $k")
    done
done
plan=$dest/.plan.csv.tmp
echo "position,round,model,kernel,size,reps,workers,file" >"$plan"
pos=0
for ((r = 1; r <= rounds; r++)); do
    # this round's share of the repetitions: the first (reps % rounds) rounds take one more
    rr=$((reps / rounds + (r <= reps % rounds ? 1 : 0)))
    while read -r m k; do
        pos=$((pos + 1))
        w=${workers//,/;}; [ "${mserial[$m]}" = 1 ] && w=1 # ";" for "," in a CSV field
        echo "$pos,$r,$m,$k,${size[$k]:-},$rr,$w,raw/$m-$k-r$r.csv"
    done < <(printf '%s\n' "${pairs[@]}" |
             gawk -v seed=$((order_seed * 1000 + r)) 'BEGIN { srand(seed) } { print rand() "\t" $0 }' |
             sort -t "$(printf '\t')" -k1,1g | cut -f2-) >>"$plan"
done
put "$plan" "$dest/plan.csv"

# --- run ---------------------------------------------------------------------------------
total=$(($(wc -l <"$dest/plan.csv") - 1))
# cost of a configuration in "runs": reference + warm-up + repetitions, per worker count
units_total=0
while IFS=, read -r _ _ m _ _ rr _ _; do
    nw=$nworkers; [ "${mserial[$m]}" = 1 ] && nw=1
    units_total=$((units_total + (rr + 1) * nw + 1))
done < <(tail -n +2 "$dest/plan.csv")

fmt_time() { local s=${1%.*}; printf '%dm%02ds' $((s / 60)) $((s % 60)); }

started=$(date +%s)
status=0 k=0 units_done=0 units_timed=0 ms_timed=0 skipped=0
while IFS=, read -r pos r m kern sz rr w file; do
    k=$((k + 1))
    nw=$nworkers; [ "${mserial[$m]}" = 1 ] && nw=1
    u=$(((rr + 1) * nw + 1))
    if [ $resume = 1 ] && [ -s "$dest/$file" ]; then
        skipped=$((skipped + 1)) units_done=$((units_done + u))
        continue
    fi
    now=$(date +%s)
    el=$((now - started))
    if [ $units_timed -gt 0 ]; then
        left="about $(fmt_time $((ms_timed * (units_total - units_done) / units_timed / 1000))) left"
    else
        left="estimating time left"
    fi
    echo "sweep.sh: [$k/$total] round $r/$rounds: $m $kern${sz:+ size $sz}, $rr reps" \
         "(elapsed $(fmt_time $el), $left)" >&2
    args=(-q --kernel "$kern" --reps "$rr" --seed "$seed" --raw --output "$dest/$file")
    [ -n "$sz" ] && args+=(--size "$kern=$sz")
    [ "${mserial[$m]}" = 1 ] || args+=(--workers "${w//;/,}")
    args+=(${passthru[@]+"${passthru[@]}"})
    t0=$(date +%s%N)
    rc=0
    "$B/bench-$m" "${args[@]}" || rc=$?
    t1=$(date +%s%N)
    if [ $rc -ne 0 ]; then
        echo "sweep.sh: bench-$m --kernel $kern failed with status $rc" >&2
        [ $status -ne 0 ] || status=$rc
    fi
    units_done=$((units_done + u))
    units_timed=$((units_timed + u))
    ms_timed=$((ms_timed + (t1 - t0) / 1000000))
done < <(tail -n +2 "$dest/plan.csv")
finished=$(date +%s)
[ $skipped -eq 0 ] || echo "sweep.sh: $skipped configurations kept from the interrupted run" >&2

# --- summary, record, charts ---------------------------------------------------------------
"$B/bench-summary" "$dest" || { rc=$?; echo "sweep.sh: no summary" >&2; exit $rc; }
{
    printf '{\n  "settings": "%s",\n' "$settings"
    printf '  "quick": %d,\n  "reps": %d,\n  "rounds": %d,\n  "workers": "%s",\n' $quick "$reps" "$rounds" "$workers"
    printf '  "worker_counts": %d,\n  "input_seed": %s,\n  "order_seed": %s,\n' "$nworkers" "$seed" "$order_seed"
    printf '  "order": "each round runs every (model, kernel) once, shuffled with srand(order_seed * 1000 + round) in gawk; plan.csv lists the order",\n'
    printf '  "models": "%s",\n  "kernels": "%s",\n  "configurations": %d,\n' "${sel[*]}" "$kernels" "$total"
    printf '  "resumed_configurations": %d,\n' "$skipped"
    printf '  "started": "%s",\n  "finished": "%s",\n  "duration_s": %d,\n' \
        "$(date -u -d @"$started" +%FT%TZ)" "$(date -u -d @"$finished" +%FT%TZ)" $((finished - started))
    printf '  "status": %d\n}\n' $status
} >"$dest/.sweep.json.tmp"
put "$dest/.sweep.json.tmp" "$dest/sweep.json"
if command -v gnuplot >/dev/null 2>&1; then
    bash scripts/plot.sh "$dest" --out "$plots" || { [ $status -ne 0 ] || status=1; }
else
    echo "sweep.sh: gnuplot not found (scripts/setup.sh installs gnuplot-nox): no charts" >&2
fi
echo "sweep.sh: $total configurations in $(fmt_time $((finished - started))); results in $dest, charts in $plots" >&2
exit $status
}
main "$@"
