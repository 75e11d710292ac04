#!/usr/bin/env bash
# process-costs.sh [--reps N] [--quick] - what processes cost on this machine, measured in
# one run and printed as Markdown tables (the README's process section comes from it):
#   1. efficiency at p = 2 of bench-procs (fork, shm) and bench-procpool (dynamic) against
#      bench-seq, on randsum (even work) and primes (uneven work);
#   2. for matmul at n = 1024 and p = 2, the collect time of every start method x channel:
#      the cost of bringing 8 MiB of result rows home;
#   3. for the empty kernel, the per-repetition cost of fork start, spawn start and threads.
# Raw CSVs go to a temporary folder whose name is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "process-costs.sh: $*" >&2; exit 2; }
reps=20 quick=0
while [ $# -gt 0 ]; do
    case $1 in
        --reps) [ $# -ge 2 ] || die "--reps needs a value"; reps=$2; shift
                [[ $reps =~ ^[1-9][0-9]{0,4}$ ]] || die "--reps '$reps': not a count from 1 to 99999" ;;
        --quick) quick=1; reps=3 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
done
B=build/bench
[ -x $B/bench-procs ] || die "build first (meson compile -C build)"
out=$(mktemp -d -t process-costs.XXXXXX)
sizes=()
mm=1024
[ $quick = 1 ] && sizes=(--size primes=300000 --size randsum=20000000) && mm=200

col() { # col FILE COLUMN [FILTER-COLUMN VALUE]...
    awk -F, -v col="$2" -v f1="${3:-}" -v v1="${4:-}" -v f2="${5:-}" -v v2="${6:-}" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["row"] == "summary" && (f1 == "" || $c[f1] == v1) && (f2 == "" || $c[f2] == v2) { print $c[col] }' "$1"
}

common=(-q --reps "$reps" "${sizes[@]}")
$B/bench-seq "${common[@]}" -k randsum,primes -o "$out/seq.csv"
$B/bench-procs "${common[@]}" -k randsum,primes -w 2 --start fork --channel shm -o "$out/procs.csv"
$B/bench-procpool "${common[@]}" -k randsum,primes -w 2 -o "$out/pool.csv"
$B/bench-threads "${common[@]}" -k randsum,primes -w 2 -o "$out/threads.csv"

echo "| model (p = 2) | kernel | T_seq median (s) | T_2 median (s) [95% CI] | speedup | efficiency | imbalance |"
echo "|---|---|---|---|---|---|---|"
for k in randsum primes; do
    ts=$(col "$out/seq.csv" median_s kernel $k)
    for m in threads:threads procs:"procs (fork, shm)" pool:"procpool (dynamic)"; do
        f=${m%%:*} name=${m#*:}
        t=$(col "$out/$f.csv" median_s kernel $k)
        lo=$(col "$out/$f.csv" ci_low_s kernel $k)
        hi=$(col "$out/$f.csv" ci_high_s kernel $k)
        imb=$(col "$out/$f.csv" imbalance kernel $k)
        awk -v n="$name" -v k=$k -v ts="$ts" -v t="$t" -v lo="$lo" -v hi="$hi" -v imb="$imb" \
            'BEGIN { ci = lo == "" ? "[n/a: reps <= 5]" : sprintf("[%.4f, %.4f]", lo, hi)
                     printf "| %s | %s | %.4f | %.4f %s | %.3f | %.3f | %.2f |\n", n, k, ts, t, ci, ts / t, ts / t / 2, imb }'
    done
done
echo

echo "| matmul n = $mm, p = 2 | median wall (s) | median compute (s) | median collect (s) |"
echo "|---|---|---|---|"
$B/bench-threads -q --reps "$reps" -k matmul --size $mm -w 2 -o "$out/mm-threads.csv"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["row"] == "summary" {
    printf "| threads (rows in place) | %.4f | %.4f | %.6f |\n", $c["median_s"], $c["compute_s"], $c["collect_s"] }' "$out/mm-threads.csv"
for start in fork spawn; do
    for ch in shm pipe socket queue; do
        $B/bench-procs -q --reps "$reps" -k matmul --size $mm -w 2 --start $start --channel $ch -o "$out/mm-$start-$ch.csv"
        awk -F, -v s=$start -v ch=$ch 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["row"] == "summary" {
            printf "| procs %s %s | %.4f | %.4f | %.6f |\n", s, ch, $c["median_s"], $c["compute_s"], $c["collect_s"] }' "$out/mm-$start-$ch.csv"
    done
done
echo

echo "| empty kernel: one repetition | p = 1 median (s) | p = 2 median (s) | setup at p = 2 (s) |"
echo "|---|---|---|---|"
row() { awk -F, -v n="$1" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["row"] == "summary" {
    t[$c["workers"]] = $c["median_s"]; s[$c["workers"]] = $c["setup_s"] }
    END { printf "| %s | %.6f | %.6f | %.6f |\n", n, t[1], t[2], s[2] }' "$2"; }
$B/bench-seq -q --reps 50 -k empty -o "$out/e-seq.csv"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["row"] == "summary" {
    printf "| seq (the harness alone) | %.6f | | |\n", $c["median_s"] }' "$out/e-seq.csv"
$B/bench-threads -q --reps 50 -k empty -w 1,2 -o "$out/e-threads.csv"; row threads "$out/e-threads.csv"
$B/bench-procs -q --reps 50 -k empty -w 1,2 --start fork -o "$out/e-fork.csv"; row "procs fork (shm)" "$out/e-fork.csv"
$B/bench-procs -q --reps 50 -k empty -w 1,2 --start spawn -o "$out/e-spawn.csv"; row "procs spawn (shm)" "$out/e-spawn.csv"
$B/bench-procpool -q --reps 50 -k empty -w 1,2 -o "$out/e-pool.csv"; row "procpool (created once)" "$out/e-pool.csv"
echo
echo "raw CSVs: $out" >&2
