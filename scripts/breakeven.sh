#!/usr/bin/env bash
# breakeven.sh [--quick] [--out DIR] [--reps N] [--kernels LIST] [--build DIR] - for each
# kernel and each parallel model at p = all CPUs, the smallest problem size at which the
# model beats the sequential run: a sweep over sizes in x2 steps from tiny up to the
# kernel's default size, with bench-seq at every size for T_seq.
#   --quick        sizes up to default/16 in x4 steps, 6 repetitions: a smoke run
#   --out DIR      where the CSVs go (default results/<label>/micro); raw CSVs in DIR/breakeven/
#   --reps N       repetitions per point (default 10, at least 6: the CI needs n > 5)
#   --kernels LIST primes,randsum,matmul by default
#   --build DIR    the build folder (default build)
# Models are found, not named: every build/bench/bench-* that answers --model-info, bench-seq
# being the baseline; a model with a start method runs as fork and as spawn. Their defaults
# are kept (bind cores, default schedule and channel); pools create their workers once per
# run, outside the timed repetitions (pool_create_s), as the models do.
#
# The speedup's interval is the conservative one from the binaries' own medians and 95% CIs
# (no bootstrap): S = median_seq / median_p in [ci_low_seq / ci_high_p, ci_high_seq /
# ci_low_p]. The break-even size is the smallest swept size from which on, at every larger
# swept size too, the lower bound is above 1. Writes DIR/breakeven-times.csv (every point)
# and DIR/breakeven.csv (one row per kernel and model). Exit 0, 1 (a run failed), 2 (usage).
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "breakeven.sh: $*" >&2; exit 2; }

quick=0 out="" reps="" kernels=primes,randsum,matmul build=build
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --out) [ $# -ge 2 ] || die "--out needs a value"; out=$2; shift ;;
        --reps) [ $# -ge 2 ] || die "--reps needs a value"; reps=$2; shift
                [[ $reps =~ ^[0-9]{1,5}$ ]] && [ "$reps" -ge 6 ] || die "--reps '$reps': a count from 6 to 99999" ;;
        --kernels) [ $# -ge 2 ] || die "--kernels needs a value"; kernels=$2; shift
                   [[ $kernels =~ ^[a-z0-9_]+(,[a-z0-9_]+)*$ ]] || die "--kernels '$kernels': expected NAME,NAME,..." ;;
        --build) [ $# -ge 2 ] || die "--build needs a value"; build=$2; shift ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
done
B=$build/bench
[ -x "$B/bench-seq" ] || die "$B/bench-seq: not built (meson compile -C $build)"
[ -n "$reps" ] || reps=$([ $quick = 1 ] && echo 6 || echo 10)
if [ -z "$out" ]; then
    label=$("$B/bench-info" --label) || die "bench-info --label failed"
    out=results/$label/micro
fi

# --- the default size of each kernel, from bench-seq --help ---------------------------------
declare -A defsize=()
while read -r name size; do
    defsize[$name]=$size
done < <("$B/bench-seq" --help | awk '/^Kernels/ { on = 1; next }
    on && /^  [a-z]/ && match($0, /\[[0-9]+\]$/) { print $1, substr($0, RSTART + 1, RLENGTH - 2) }')
# the smallest size of the sweep: a few microseconds of work
declare -A tiny=([primes]=1000 [randsum]=1000 [matmul]=16)
for k in ${kernels//,/ }; do
    [ -n "${defsize[$k]:-}" ] && [ -n "${tiny[$k]:-}" ] || die "--kernels: '$k' is not one of primes, randsum, matmul"
done

# --- the models -------------------------------------------------------------------------------
declare -A mkernels=()
series=()   # name:binary:extra-args
for bin in "$B"/bench-*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    info=$(timeout 20 "$bin" --model-info 2>/dev/null) || continue
    [[ $info == model=* ]] || continue
    name=${info#model=}; name=${name%% *}
    [ "$bin" = "$B/bench-$name" ] || continue
    [[ $info == *" serial=1"* ]] && continue
    mk=${info##*kernels=}; mk=${mk%% *}
    start=${info#* start=}; start=${start%% *}
    if [ -n "$start" ]; then
        series+=("$name-fork:$name:--start fork" "$name-spawn:$name:--start spawn")
        mkernels[$name-fork]=$mk mkernels[$name-spawn]=$mk
    else
        series+=("$name:$name:")
        mkernels[$name]=$mk
    fi
done
[ ${#series[@]} -gt 0 ] || die "no parallel model in $B answers --model-info"

# sizes of a kernel: default >> j for j = J..0, from tiny up (quick: up to default/16, x4)
sizes_of() {
    awk -v d="${defsize[$1]}" -v t="${tiny[$1]}" -v q=$quick 'BEGIN {
        n = 0; s = d; while (s / 2 >= t) { s = int(s / 2); n++ }
        m = 0; for (j = q ? 4 : 0; j <= n; j += q ? 2 : 1) v[++m] = int(d / 2 ^ j)
        for (i = m; i >= 1; i--) printf "%d ", v[i] }'
}

# the summary row of a result file: median ci_low ci_high
summary_of() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["row"] == "summary" { print $c["median_s"], $c["ci_low_s"], $c["ci_high_s"]; exit }' "$1"
}

# the output folder only once the command line is known to be good
mkdir -p "$out/breakeven" 2>/dev/null || die "--out '$out': cannot create the folder"
times=$out/.breakeven-times.csv.tmp
echo "kernel,series,size,workers,median_s,ci_low_s,ci_high_s,seq_median_s,seq_ci_low_s,seq_ci_high_s,speedup,speedup_lo,speedup_hi" >"$times"
status=0
for k in ${kernels//,/ }; do
    for size in $(sizes_of $k); do
        f=$out/breakeven/seq-$k-$size.csv
        if ! "$B/bench-seq" -q -k $k --size $k=$size --reps "$reps" -o "$f"; then
            echo "breakeven.sh: bench-seq $k $size failed" >&2
            status=1
            continue
        fi
        read -r sm sl sh < <(summary_of "$f")
        echo "$k,seq,$size,1,$sm,$sl,$sh,$sm,$sl,$sh,1,,," >>"$times"
        for s in "${series[@]}"; do
            IFS=: read -r sname bin extra <<<"$s"
            [[ ,${mkernels[$sname]}, == *,$k,* ]] || continue
            f=$out/breakeven/$sname-$k-$size.csv
            # shellcheck disable=SC2086
            if ! "$B/bench-$bin" -q -k $k --size $k=$size --workers all --reps "$reps" $extra -o "$f"; then
                echo "breakeven.sh: $sname $k $size failed" >&2
                status=1
                continue
            fi
            read -r m l h < <(summary_of "$f")
            p=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["row"] == "summary" { print $c["workers"]; exit }' "$f")
            awk -v k=$k -v s=$sname -v n=$size -v p=$p -v m=$m -v l=$l -v h=$h -v sm=$sm -v sl=$sl -v sh=$sh 'BEGIN {
                printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%.6g,%.6g,%.6g\n", k, s, n, p, m, l, h, sm, sl, sh,
                    sm / m, (sl != "" && h != "" && h > 0) ? sl / h : 0, (sh != "" && l != "" && l > 0) ? sh / l : 0 }' >>"$times"
        done
    done
done
mv "$times" "$out/breakeven-times.csv"

# --- the break-even size of each kernel and model ---------------------------------------------
awk -F, 'NR == 1 { next } $2 != "seq" {
        key = $1 SUBSEP $2
        if (!(key in n)) { order[++nk] = key; n[key] = 0 }
        i = ++n[key]; size[key, i] = $3; lo[key, i] = $12; sp[key, i] = $11
        hi[key, i] = $13; tp[key, i] = $5; ts[key, i] = $8; p[key] = $4
    }
    END {
        print "kernel,series,workers,breakeven_size,smallest_size,largest_size,seq_median_s,median_s,speedup,speedup_lo,speedup_hi,verdict,method"
        for (j = 1; j <= nk; j++) {
            key = order[j]; split(key, a, SUBSEP)
            # from the largest size down: the last run of sizes whose lower bound is above 1
            be = 0
            for (i = n[key]; i >= 1 && lo[key, i] > 1; i--) be = i
            method = "speedup lower bound = seq ci_low / model ci_high > 1 here and at every larger size"
            if (be == 0)
                printf "%s,%s,%s,,%s,%s,,,,,,not reached up to %s,%s\n", a[1], a[2], p[key], size[key, 1], size[key, n[key]], size[key, n[key]], method
            else
                printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", a[1], a[2], p[key], size[key, be], size[key, 1], size[key, n[key]],
                    ts[key, be], tp[key, be], sp[key, be], lo[key, be], hi[key, be],
                    be == 1 ? "at or below the smallest size swept" : "break-even", method
        }
    }' "$out/breakeven-times.csv" >"$out/.breakeven.csv.tmp"
mv "$out/.breakeven.csv.tmp" "$out/breakeven.csv"
echo "breakeven.sh: $out/breakeven.csv, $out/breakeven-times.csv (raw runs in $out/breakeven/)" >&2
exit $status
