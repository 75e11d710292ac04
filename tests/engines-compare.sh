# engines-compare.sh BUILD - `cbench.py engines` on small sizes: every binary runs in every
# round, the summary holds every section with one row per configuration, its ratios are the
# ones the raw CSVs give (recomputed here independently), and re-summarising the same raw
# CSVs gives the same summary, printed and kept (the bootstrap's seed is fixed).
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tests/lib.sh"
work=$(mktemp -d -t cb-engines-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 "$src/scripts/cbench.py" engines --build "$build" --rounds 3 --reps 3 \
    --kernels primes,randsum --size primes=30000 --size randsum=300000 \
    --schedules static,dynamic --workers 1-2 --blas-n 96 --out "$work/ce" \
    >"$work/out.txt" 2>"$work/err.txt"
expect_eq "cbench engines: exit status" $? 0
s=$work/ce/summary.txt
[ -s "$s" ] && ok || fail "no summary.txt"
cmp -s "$s" "$work/out.txt" && ok || fail "the summary printed is not the one kept"

# 3 rounds x (bench-seq on 2 kernels, 2 engines x 2 schedules x 2 kernels, seq and openblas)
expect_eq "raw CSVs" "$(ls "$work/ce/raw" | wc -l)" $((3 * (2 + 8 + 2)))
expect_eq "rounds announced" "$(grep -c '^cbench engines: round [1-3] of 3' "$work/err.txt")" 3
expect_eq "the folder named at the end" "$(tail -1 "$work/err.txt")" "cbench engines: raw CSVs and summary.txt in $work/ce"

# section SECTION-PREFIX: the data rows of one section of the summary
section() {
    awk -v h="$1" 'index($0, h) == 1 { on = 1; getline; next } on && /^$/ { exit } on' "$s"
}
expect_eq "median rows" "$(section '== medians' | wc -l)" $((2 + 16 + 2))
expect_eq "efficiency rows" "$(section '== efficiency' | wc -l)" 16
expect_eq "ratio rows" "$(section '== threadpool / openmp: ratio' | wc -l)" 8
expect_eq "paired rows" "$(section '== threadpool / openmp, paired' | wc -l)" 8
expect_eq "paired rows over 3 rounds" "$(section '== threadpool / openmp, paired' | awk '$5 == 3' | wc -l)" 8
grep -q '^ours / openblas = [0-9.]* \[[0-9.]*, [0-9.]*\]$' "$s" && ok || fail "no ours/OpenBLAS ratio"

# every ratio and interval is a positive number, the ratio inside its interval
section '== threadpool / openmp' | awk '
    { r = $7; lo = $8; hi = $9; gsub(/[\[\],]/, "", lo); gsub(/[\[\],]/, "", hi); r += 0; lo += 0; hi += 0
      if (!(r > 0 && lo > 0 && lo <= r && r <= hi)) { print "bad ratio row: " $0; bad = 1 } }
    END { exit bad }' && ok || fail "a ratio row is not a ratio inside its interval"
section '== threadpool / openmp, paired' | awk '
    { r = $6; lo = $7; hi = $8; gsub(/[\[\],]/, "", lo); gsub(/[\[\],]/, "", hi); r += 0; lo += 0; hi += 0
      if (!(r > 0 && lo > 0 && lo <= r && r <= hi)) { print "bad paired row: " $0; bad = 1 } }
    END { exit bad }' && ok || fail "a paired row is not a ratio inside its interval"

# recompute from the raw CSVs: medians of wall_s, pooled and per round
med() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# walls_at P FILE...: wall_s of the raw rows at P workers
walls_at() { local p=$1; shift; for f in "$@"; do paste -d, <(csv_col "$f" wall_s raw) <(csv_col "$f" workers raw); done | awk -F, -v p="$p" '$2 == p { print $1 }'; }
ratio() { awk -v a="$1" -v b="$2" -v fmt="$3" 'BEGIN { printf fmt, a / b }'; }
raw=$work/ce/raw
for sched in static dynamic; do
    for p in 1 2; do
        tp=$(walls_at $p "$raw"/r*-threadpool-$sched-primes.csv | med)
        om=$(walls_at $p "$raw"/r*-openmp-$sched-primes.csv | med)
        got=$(section '== threadpool / openmp: ratio' | awk -v s=$sched -v p=$p '$1 == "primes" && $3 == s && $4 == p { print $7 }')
        expect_eq "primes $sched p=$p: ratio of medians" "$got" "$(ratio "$tp" "$om" %.3f)"
        want=$(for r in 1 2 3; do
                   ratio "$(walls_at $p "$raw/r$r-threadpool-$sched-primes.csv" | med)" \
                         "$(walls_at $p "$raw/r$r-openmp-$sched-primes.csv" | med)" '%.17g\n'
               done | med | awk '{ printf "%.3f", $1 }')
        got=$(section '== threadpool / openmp, paired' | awk -v s=$sched -v p=$p '$1 == "primes" && $3 == s && $4 == p { print $6 }')
        expect_eq "primes $sched p=$p: paired ratio" "$got" "$want"
    done
done

# the same raw CSVs summarised again: the same summary, byte for byte
cp "$s" "$work/first.txt"
python3 "$src/scripts/cbench.py" engines --build "$build" --summary "$work/ce" >"$work/again.txt" 2>/dev/null
expect_eq "--summary: exit status" $? 0
cmp -s "$work/again.txt" "$work/first.txt" && ok || fail "--summary printed another summary than it kept"
cmp -s "$s" "$work/first.txt" && ok || fail "--summary on the same raw CSVs gave another summary"

finish engines-compare
