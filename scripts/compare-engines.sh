#!/usr/bin/env bash
# compare-engines.sh [OPTION]... - our thread pool against the reference engines, side by
# side in one run: bench-seq, bench-threadpool and bench-openmp on the same kernels, sizes,
# schedules and worker counts, and our matmul kernel on one thread against OpenBLAS's.
# The binaries alternate in rounds (ABBA: the order flips every round, so a machine that
# drifts cannot favour one), one run per kernel and schedule so that a disturbance lasting
# seconds hits both engines alike, each run keeping its raw samples; then one summary: medians
# with their 95% CI, efficiency E = T_seq / (p T_p) per schedule, the time ratio
# threadpool/openmp (of the pooled medians, and paired: the median over rounds of each
# round's ratio, which drift between rounds cannot move), and GFLOP/s ours/OpenBLAS, the
# ratios with 95% bootstrap CIs (fixed seed).
#   --rounds R        rounds (default 4); each binary runs --reps per round
#   --reps N          measured repetitions per configuration per round (default 5)
#   --kernels LIST    default primes,randsum,matmul
#   --size K=N        a kernel's size, as the binaries take it (repeatable)
#   --schedules LIST  default static,cyclic,dynamic,guided
#   --workers LIST    default 1-all
#   --blas-n N        the matmul order of the one-thread GFLOP/s comparison (default 1024)
#   --lock FILE       run each timed binary under `flock FILE` (share the CPU with others)
#   --out DIR         keep the raw CSVs and the summary there (default a new /tmp folder)
#   --seed N          inputs, run order and bootstrap (default 42)
#   --summary DIR     only summarise the raw CSVs already in DIR/raw
#   --build DIR       the build folder whose bench/ binaries run (default build)
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=4 reps=5 kernels=primes,randsum,matmul schedules=static,cyclic,dynamic,guided
workers=1-all blas_n=1024 lock="" out="" seed=42 summary="" build=build
sizes=()
die() { echo "compare-engines.sh: $*" >&2; exit 2; }
count() { [[ $2 =~ ^[1-9][0-9]{0,4}$ ]] || die "$1 '$2': not a count from 1 to 99999"; }
while [ $# -gt 0 ]; do
    case $1 in
        --rounds|--reps|--kernels|--size|--schedules|--workers|--blas-n|--lock|--out|--seed|--summary|--build)
            [ $# -ge 2 ] || die "$1 needs a value" ;;
    esac
    case $1 in
        --rounds) count "$1" "$2"; rounds=$2 ;;
        --reps) count "$1" "$2"; reps=$2 ;;
        --kernels) kernels=$2 ;;
        --size) [[ $2 == *=* ]] || die "--size '$2': give KERNEL=N"; sizes+=("$2") ;;
        --schedules) schedules=$2 ;;
        --workers) workers=$2 ;;
        --blas-n) count "$1" "$2"; blas_n=$2 ;;
        --lock) lock=$2 ;;
        --out) out=$2 ;;
        --seed) [[ $2 =~ ^[0-9]{1,18}$ ]] || die "--seed '$2': not an unsigned integer"; seed=$2 ;;
        --summary) summary=$2 ;;
        --build) build=$2 ;;
        -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift 2
done

# size_of KERNEL: the --size argument for that kernel, if one was given
size_of() {
    local a
    for a in "${sizes[@]}"; do
        [ "${a%%=*}" = "$1" ] && echo "--size=$a"
    done
    return 0
}

# list_ok NAME VALUE: a comma-separated list of names, no empty item
list_ok() { [[ $2 =~ ^[a-z0-9_]+(,[a-z0-9_]+)*$ ]] || die "$1 '$2': expected NAME,NAME,..."; }
list_ok --kernels "$kernels"
list_ok --schedules "$schedules"
[ -z "$lock" ] || [ -d "$(dirname "$lock")" ] || die "--lock '$lock': no folder $(dirname "$lock")"
# probe BINARY ARGS...: the binary checks its command line (--plan runs nothing); its
# refusal is ours
probe() {
    local msg
    msg=$("$B/$1" --plan "${@:2}" 2>&1 >/dev/null) || die "$(printf '%s\n' "$msg" | tail -1)"
}

B=$build/bench
if [ -n "$summary" ]; then
    dir=$summary rounds=0
    [ -d "$dir/raw" ] || die "--summary '$dir': no raw/ folder there"
    n=0
    for f in "$dir"/raw/*.csv; do
        [ -f "$f" ] || continue
        hdr=$(head -1 "$f" | tr -d '\0')
        [[ $hdr == row,model,kernel,* ]] || die "$f: not a benchmark CSV (no header row,model,kernel,...)"
        n=$((n + 1))
    done
    [ $n -gt 0 ] || die "--summary '$dir': no CSV in $dir/raw"
else
    [ -x $B/bench-seq ] && [ -x $B/bench-threadpool ] || die "build first: no $B/bench-seq or bench-threadpool (meson compile -C $build)"
    engines=(threadpool) notes=()
    if [ -x $B/bench-openmp ]; then
        engines+=(openmp)
    else
        notes+=("bench-openmp not built, skipped")
    fi
    blas=0
    if [ -x $B/bench-openblas ]; then
        blas=1
    else
        notes+=("bench-openblas not built, skipped")
    fi
    # every kernel, size, schedule and worker list, checked by the binaries before any run
    size_args=()
    for a in ${sizes[@]+"${sizes[@]}"}; do size_args+=(--size "$a"); done
    probe bench-seq -k "$kernels" ${size_args[@]+"${size_args[@]}"}
    for m in "${engines[@]}"; do
        for s in ${schedules//,/ }; do
            probe "bench-$m" -k "$kernels" ${size_args[@]+"${size_args[@]}"} -w "$workers" -s "$s"
        done
    done
    [ $blas = 0 ] || probe bench-seq -k matmul -n "$blas_n"
    for n in ${notes[@]+"${notes[@]}"}; do echo "compare-engines.sh: $n" >&2; done
    if [ -n "$out" ]; then
        mkdir -p "$out/raw" 2>/dev/null || die "--out '$out': cannot create the folder"
        dir=$out
    else
        dir=$(mktemp -d -t cb-compare.XXXXXX)
        mkdir -p "$dir/raw"
    fi
fi

# timed CMD...: one binary's run, under the shared lock if asked
timed() {
    if [ -n "$lock" ]; then flock "$lock" "$@"; else "$@"; fi
}

common=(-q --reps "$reps" --raw --seed "$seed")
for r in $(seq 1 "$rounds"); do
    order=("${engines[@]}")
    if [ $((r % 2)) = 0 ]; then
        order=()
        for ((i = ${#engines[@]} - 1; i >= 0; i--)); do order+=("${engines[$i]}"); done
    fi
    echo "compare-engines.sh: round $r of $rounds (${order[*]})" >&2
    for k in ${kernels//,/ }; do
        timed $B/bench-seq "${common[@]}" -k "$k" $(size_of "$k") -o "$dir/raw/r$r-seq-$k.csv"
    done
    for s in ${schedules//,/ }; do
        for k in ${kernels//,/ }; do
            for m in "${order[@]}"; do
                timed $B/bench-$m "${common[@]}" -k "$k" $(size_of "$k") -w "$workers" -s "$s" \
                    -o "$dir/raw/r$r-$m-$s-$k.csv"
            done
        done
    done
    if [ $blas = 1 ]; then
        pair=(seq openblas)
        [ $((r % 2)) = 0 ] && pair=(openblas seq)
        for m in "${pair[@]}"; do
            w=()
            [ $m = seq ] || w=(-w 1)
            timed $B/bench-$m "${common[@]}" -k matmul -n "$blas_n" "${w[@]}" -o "$dir/raw/r$r-blas-$m.csv"
        done
    fi
done

gawk -F, -v seed="$seed" -v blas_n="$blas_n" '
function sorted(key, out,   i, m) { delete out; m = n[key]; for (i = 1; i <= m; i++) out[i] = v[key, i]; asort(out); return m }
function med(a, m) { return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
function median_of(key,   a, m) { m = sorted(key, a); return med(a, m) }
# the median of a resample of key
function resample_median(key,   a, i, m) { m = n[key]; for (i = 1; i <= m; i++) a[i] = v[key, 1 + int(rand() * m)]; asort(a); return med(a, m) }
# a 95% percentile bootstrap CI of f(median(num), median(den)) = scale * num / den, in lo_hi
function boot_ratio(num, den, scale,   b, r, i) {
    for (b = 1; b <= 2000; b++) r[b] = scale * resample_median(num) / resample_median(den)
    asort(r); lo_hi[1] = r[50]; lo_hi[2] = r[1951]
}
# the median of round r of key
function round_median(key, r,   a, i, m) { delete a; m = rn[key, r]; for (i = 1; i <= m; i++) a[i] = rv[key SUBSEP r, i]; asort(a); return med(a, m) }
# the median of the np values pr[1..np], and a 95% bootstrap CI over them in lo_hi
function paired_median(np,   a, b, i, r) {
    for (b = 1; b <= 2000; b++) { for (i = 1; i <= np; i++) a[i] = pr[1 + int(rand() * np)]; asort(a); r[b] = med(a, np) }
    asort(r); lo_hi[1] = r[50]; lo_hi[2] = r[1951]
    delete a; for (i = 1; i <= np; i++) a[i] = pr[i]; asort(a); return med(a, np)
}
function key_of(model, kernel, size, sched, p) { return model SUBSEP kernel SUBSEP size SUBSEP sched SUBSEP p }
BEGIN { srand(seed) }
FNR == 1 { delete col; for (i = 1; i <= NF; i++) col[$i] = i; next }
$col["row"] == "raw" {
    sched = $col["model"] == "seq" || $col["model"] == "openblas" ? "-" : $col["schedule"]
    k = key_of($col["model"], $col["kernel"], $col["size"], sched, $col["workers"])
    if (!(k in n)) { keys[++nkeys] = k; chunk[k] = $col["chunk"] }
    v[k, ++n[k]] = $col["wall_s"] + 0
    # the one-thread BLAS comparison: its order is the one its files hold (--summary
    # reads a run made with any --blas-n)
    if (FILENAME ~ /(^|\/)r[0-9]+-blas-[^\/]*$/) blas_n = $col["size"] + 0
    # the round, from the file name rR-...: the paired ratios below compare within a round
    if (match(FILENAME, /(^|\/)r([0-9]+)-[^\/]*$/, mm)) {
        rk = k SUBSEP mm[2]
        if (!(rk in rn)) rounds_of[k] = rounds_of[k] " " mm[2]
        rv[rk, ++rn[rk]] = $col["wall_s"] + 0
    }
}
END {
    printf "== medians of wall time, s (95%% CI of the median by order statistics)\n"
    printf "%-10s %-7s %-9s %-7s %-8s %3s %4s %10s %10s %10s\n", "model", "kernel", "size", "sched", "chunk", "p", "n", "median", "ci_low", "ci_high"
    for (i = 1; i <= nkeys; i++) {
        k = keys[i]; split(k, f, SUBSEP); m = sorted(k, a)
        r = 1.96 * sqrt(m); lo = int((m - r) / 2); hi = 1 + (m + r) / 2; hi = hi == int(hi) ? hi : int(hi) + 1
        if (lo < 1) lo = 1; if (hi > m) hi = m
        printf "%-10s %-7s %-9s %-7s %-8s %3s %4d %10.4f %10.4f %10.4f\n", f[1], f[2], f[3], f[4], chunk[k] == "" ? "-" : chunk[k], f[5], m, med(a, m), a[lo], a[hi]
    }

    printf "\n== efficiency E = T_seq / (p T_p), T_seq = bench-seq in this run [95%% bootstrap CI]\n"
    printf "%-10s %-7s %-7s %3s %10s %10s %6s %17s\n", "model", "kernel", "sched", "p", "T_seq", "T_p", "E", "CI"
    for (i = 1; i <= nkeys; i++) {
        k = keys[i]; split(k, f, SUBSEP)
        if (f[1] != "threadpool" && f[1] != "openmp") continue
        s = key_of("seq", f[2], f[3], "-", 1)
        if (!(s in n)) continue
        ts = median_of(s); tp = median_of(k); boot_ratio(s, k, 1 / f[5])
        printf "%-10s %-7s %-7s %3s %10.4f %10.4f %6.3f   [%.3f, %.3f]\n", f[1], f[2], f[4], f[5], ts, tp, ts / (f[5] * tp), lo_hi[1], lo_hi[2]
    }

    printf "\n== threadpool / openmp: ratio of median times, same kernel, size, schedule, chunk, p [95%% bootstrap CI]\n"
    printf "%-7s %-9s %-7s %3s %12s %12s %7s %17s\n", "kernel", "size", "sched", "p", "threadpool", "openmp", "ratio", "CI"
    for (i = 1; i <= nkeys; i++) {
        k = keys[i]; split(k, f, SUBSEP)
        if (f[1] != "threadpool") continue
        o = key_of("openmp", f[2], f[3], f[4], f[5])
        if (!(o in n)) continue
        t = median_of(k); u = median_of(o); boot_ratio(k, o, 1)
        printf "%-7s %-9s %-7s %3s %12.4f %12.4f %7.3f   [%.3f, %.3f]\n", f[2], f[3], f[4], f[5], t, u, t / u, lo_hi[1], lo_hi[2]
    }

    printf "\n== threadpool / openmp, paired: in each round, the ratio of the medians of the two engines (their runs adjacent), then the median of those ratios over the rounds [95%% bootstrap CI over rounds]\n"
    printf "%-7s %-9s %-7s %3s %6s %7s %17s\n", "kernel", "size", "sched", "p", "rounds", "ratio", "CI"
    for (i = 1; i <= nkeys; i++) {
        k = keys[i]; split(k, f, SUBSEP)
        if (f[1] != "threadpool") continue
        o = key_of("openmp", f[2], f[3], f[4], f[5])
        if (!(o in n)) continue
        delete pr; np = 0; nr = split(rounds_of[k], rs, " ")
        for (j = 1; j <= nr; j++)
            if ((o SUBSEP rs[j]) in rn) pr[++np] = round_median(k, rs[j]) / round_median(o, rs[j])
        if (np < 2) continue
        r = paired_median(np)
        printf "%-7s %-9s %-7s %3s %6d %7.3f   [%.3f, %.3f]\n", f[2], f[3], f[4], f[5], np, r, lo_hi[1], lo_hi[2]
    }

    s = key_of("seq", "matmul", blas_n, "-", 1); o = key_of("openblas", "matmul", blas_n, "-", 1)
    if ((s in n) && (o in n)) {
        fl = 2 * blas_n * blas_n * blas_n / 1e9
        ts = median_of(s); tb = median_of(o); boot_ratio(o, s, 1)
        printf "\n== matmul n=%d on one thread: our kernel (bench-seq) against OpenBLAS (bench-openblas -w 1)\n", blas_n
        printf "ours      %8.2f GFLOP/s (median %.4g s, n %d)\n", fl / ts, ts, n[s]
        printf "openblas  %8.2f GFLOP/s (median %.4g s, n %d)\n", fl / tb, tb, n[o]
        printf "ours / openblas = %.3f [%.3f, %.3f]\n", tb / ts, lo_hi[1], lo_hi[2]
    }
}' "$dir"/raw/*.csv | tee "$dir/summary.txt"
echo "compare-engines.sh: raw CSVs and summary.txt in $dir" >&2
