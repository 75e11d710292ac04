#!/usr/bin/env bash
# stats-tool.sh BUILD - bench-stats, every subcommand on small fixtures made by the real
# binaries: its output's format, its values recomputed here independently (awk on the raw
# CSVs), its determinism (the same input and seed give the same bytes), and its refusals
# (exit 2, one line naming the file, nothing written). Also the CSV's last columns:
# bench-mpi's rows carry their world's start-up (world_start_s, when mpirun works here), the
# pools' their wait policy and polling CPU (wait, wait_cpu_s), other models' rows leave them
# empty. About 10-20 s on 2 cores.
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tests/lib.sh"
B=$build/bench
S=$B/bench-stats
work=$(mktemp -d -t cb-stats-tool.XXXXXX)
io=$(mktemp -d -t cb-stats-tool-io.XXXXXX) # a refused command's output, outside $work
trap 'rm -rf "$work" "$io"' EXIT
cd "$work" || exit 1
[ -x "$S" ] || { fail "no $S"; finish stats-tool; exit 1; }

# refused WHAT WORD CMD...: exit 2, one line on stderr naming WORD, nothing on stdout,
# nothing in the working folder created, changed or removed
refused() {
    local what=$1 word=$2 before after rc
    shift 2
    before=$(find "$work" -printf '%p %s %T@\n' | sort)
    "$@" >"$io/out" 2>"$io/err"
    rc=$?
    expect_eq "$what: exit status" "$rc" 2
    expect_eq "$what: lines on stderr" "$(wc -l <"$io/err")" 1
    expect_eq "$what: bytes on stdout" "$(wc -c <"$io/out")" 0
    grep -qF -- "$word" "$io/err" && ok || fail "$what: the message does not name '$word': $(cat "$io/err")"
    after=$(find "$work" -printf '%p %s %T@\n' | sort)
    [ "$before" = "$after" ] && ok || fail "$what: files changed: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -3 | tr '\n' ';')"
}

# the median of numbers on stdin, as the gawk scripts took it (the middle one, or the mean
# of the two middle ones)
med() { sort -g | awk '{ v[NR] = $1 } END { printf "%.17g\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# walls KIND FILE... [P]: wall_s of the raw rows (at P workers, if given)
walls_at() { local p=$1; shift; for f in "$@"; do paste -d, <(csv_col "$f" wall_s raw) <(csv_col "$f" workers raw); done | awk -F, -v p="$p" 'p == "" || $2 == p { print $1 }'; }

# --- the command line ------------------------------------------------------------------------
"$S" --help >out.txt 2>&1
expect_eq "--help: exit status" $? 0
for sub in engines overlap agree breakeven yardstick median ratio; do
    grep -q "^  $sub " out.txt && ok || fail "--help does not describe $sub"
done
"$S" --version >out.txt 2>&1
expect_eq "--version: exit status" $? 0
grep -q commit out.txt && ok || fail "--version does not name the commit"
rm -f out.txt
refused "no subcommand" "no subcommand" "$S"
refused "unknown subcommand" "unknown subcommand" "$S" nosuch
refused "--model-info" "unknown option" "$S" --model-info
refused "unknown option" "unknown option" "$S" median --bogus
refused "option of another subcommand" "takes no option --seed" "$S" median --seed 3
refused "--resamples" "resamples" "$S" ratio a b --resamples 5
refused "--seed" "seed" "$S" engines . --seed -1
refused "missing value" "needs a value" "$S" engines . --seed

# --- median: known values --------------------------------------------------------------------
printf '%s\n' 5 3 1 4 2 10 9 8 7 6 >ten.txt
expect_eq "median of 1..10" "$("$S" median ten.txt)" "n,median,ci_low,ci_high,min,max
10,5.5,1,10,1,10"
# 20 values: the CI by order statistics, ranks 5 and 16 (stats.h)
seq 101 120 | shuf --random-source=<(yes) >twenty.txt
expect_eq "median of 101..120" "$("$S" median twenty.txt | tail -1)" "20,110.5,105,116,101,120"
expect_eq "median from stdin" "$("$S" median <ten.txt)" "$("$S" median ten.txt)"
expect_eq "median from -" "$("$S" median - <ten.txt)" "$("$S" median ten.txt)"
printf ' 0.25\n\n1e-3 \r\n-2\n' >few.txt
expect_eq "median of 3, no CI (n <= 5), blanks allowed" "$("$S" median few.txt | tail -1)" "3,0.001,,,-2,0.25"
printf '1\n2\nabc\n' >bad.txt
refused "median: not a number" "bad.txt:3" "$S" median bad.txt
printf '1\n0x10\n' >hex.txt
refused "median: hexadecimal" "hex.txt:2" "$S" median hex.txt
printf '1\nnan\n' >nan.txt
refused "median: nan" "nan.txt:2" "$S" median nan.txt
: >empty.txt
refused "median: no numbers" "no numbers" "$S" median empty.txt
refused "median: a folder" "folder" "$S" median "$work"
refused "median: missing file" "nosuch.txt" "$S" median nosuch.txt
refused "median: two files" "at most one" "$S" median ten.txt ten.txt
rm -f ten.txt twenty.txt few.txt bad.txt hex.txt nan.txt empty.txt

# --- world_start_s: bench-mpi's rows carry it, the others leave it empty ----------------------
"$B/bench-seq" -q -k empty --reps 2 --raw -o seq.csv || fail "bench-seq failed"
# (schema 2 appends quota_cpus, schema and context after them: tests/context-env.sh; schema
# 3 the nine noise columns: tests/noise.sh)
expect_eq "the last columns" "$(head -1 seq.csv | awk -F, '{ print $(NF - 14), $(NF - 13), $(NF - 12) }')" \
    "world_start_s wait wait_cpu_s"
expect_eq "bench-seq: world_start_s, wait and wait_cpu_s empty" \
    "$(awk -F, 'NR == 1 { n = NF; next } NF == n && $(NF - 14) $(NF - 13) $(NF - 12) == "" { e++ } END { print e, NR - 1 }' seq.csv)" "3 3"
# the pools: their wait policy and the CPU seconds they polled, in every row
"$B/bench-threadpool" -q -k empty --reps 2 --raw -w 1,2 --wait spin -o pool.csv || fail "bench-threadpool failed"
expect_eq "bench-threadpool: wait and wait_cpu_s in every row" \
    "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                $c["wait"] == "spin" && $c["wait_cpu_s"] ~ /^[0-9]+\.[0-9]+$/ { n++ } END { print n, NR - 1 }' pool.csv)" "6 6"
rm -f pool.csv
if [ -x "$B/bench-mpi" ] && "$B/bench-mpi" -q -k empty --size 1 --reps 1 -w 1 >/dev/null 2>&1; then
    "$B/bench-mpi" -q -k empty --reps 2 --raw -w 1,2 -o mpi.csv || fail "bench-mpi failed"
    # one world per worker count: its start-up in each of its rows, a positive number
    expect_eq "bench-mpi: world_start_s in every row" \
        "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["world_start_s"] > 0 { n++ } END { print n, NR - 1 }' mpi.csv)" "6 6"
    expect_eq "bench-mpi: one start-up per world" \
        "$(paste -d, <(csv_col mpi.csv workers raw) <(csv_col mpi.csv world_start_s raw) | sort -u | cut -d, -f1 | tr '\n' ' ')" "1 2 "
    # the start-ups, one per line, through bench-stats median
    csv_col mpi.csv world_start_s >starts.txt
    want=$(sort -g starts.txt | awk '{ v[NR] = $1 } END { printf "2,%.6g,,,%.6g,%.6g", (v[1] + v[2]) / 2, v[1], v[2] }')
    expect_eq "median of the world start-ups" "$("$S" median starts.txt | tail -1)" "$want"
    rm -f mpi.csv starts.txt
else
    echo "note: bench-mpi not built or mpirun does not work here: its world_start_s not checked"
fi
rm -f seq.csv

# --- ratio -----------------------------------------------------------------------------------
"$B/bench-seq" -q -k primes,empty --size primes=20000 --reps 6 --raw -o num.csv &&
"$B/bench-threads" -q -k primes,empty --size primes=20000 -w 1,2 --reps 6 --raw -o den.csv ||
    fail "no ratio fixtures"
"$S" ratio num.csv den.csv >r1.csv 2>err.txt
expect_eq "ratio: exit status" $? 0
expect_eq "ratio: stderr" "$(cat err.txt)" ""
expect_eq "ratio: header" "$(head -1 r1.csv)" "kernel,size,workers_num,workers_den,n_num,n_den,median_num_s,median_den_s,ratio,ci_low,ci_high"
# den's points in its order, each against bench-seq's only worker count (the baseline)
expect_eq "ratio: points" "$(tail -n +2 r1.csv | cut -d, -f1-6 | tr '\n' ' ')" \
    "primes,20000,1,1,6,6 primes,20000,1,2,6,6 empty,1000,1,1,6,6 empty,1000,1,2,6,6 "
for k in primes empty; do
    for p in 1 2; do
        sub() { awk -F, -v k=$k 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next } $c["kernel"] == k' "$1"; }
        sub num.csv >n1.csv
        sub den.csv >d1.csv
        mn=$(walls_at "" n1.csv | med)
        md=$(walls_at $p d1.csv | med)
        want=$(awk -v a="$mn" -v b="$md" 'BEGIN { printf "%.6g,%.6g,%.6g", a, b, a / b }')
        row=$(awk -F, -v k=$k -v p=$p '$1 == k && $4 == p' r1.csv)
        # (within 1e-5 relative: the shell's medians pass through text, the tool's do not, so
        # the sixth digit of a median of two samples may round the other way)
        awk -F, -v got="$(echo "$row" | cut -d, -f7-9)" -v want="$want" 'BEGIN {
            n = split(got, g, ","); split(want, w, ",")
            for (i = 1; i <= 3; i++) if (n != 3 || g[i] - w[i] > 1e-5 * w[i] || w[i] - g[i] > 1e-5 * w[i]) exit 1
        }' && ok || fail "ratio $k p=$p: medians and ratio: got '$(echo "$row" | cut -d, -f7-9)', expected '$want'"
        echo "$row" | awk -F, '{ exit !($10 > 0 && $10 <= $9 && $9 <= $11) }' && ok ||
            fail "ratio $k p=$p: the ratio is not inside its interval: $row"
    done
done
rm -f n1.csv d1.csv
"$S" ratio num.csv den.csv --seed 42 --resamples 2000 >r2.csv
cmp -s r1.csv r2.csv && ok || fail "ratio: the defaults are not seed 42 and 2000 resamples"
"$S" ratio den.csv num.csv --seed 7 >/dev/null
"$S" ratio num.csv den.csv >r2.csv
cmp -s r1.csv r2.csv && ok || fail "ratio: the same input and seed gave other bytes"
"$S" ratio den.csv den.csv >r3.csv
expect_eq "ratio: a file against itself" "$(tail -n +2 r3.csv | cut -d, -f3,4,9 | sort -u | tr '\n' ' ')" "1,1,1 2,2,1 "
# without raw rows: the summary rows' medians, no interval
"$B/bench-seq" -q -k empty --reps 6 -o noraw.csv
"$S" ratio noraw.csv den.csv >r4.csv
expect_eq "ratio without raw rows: n and CI empty" \
    "$(tail -n +2 r4.csv | awk -F, '{ print $5 "," $10 "," $11 }' | sort -u)" "0,,"
expect_eq "ratio without raw rows: the summary's median" "$(sed -n 2p r4.csv | cut -d, -f7)" \
    "$(csv_col noraw.csv median_s | awk '{ printf "%.6g", $1 }')"
head -1 den.csv >header-only.csv
refused "ratio: no summary rows" "header-only.csv: no summary rows" "$S" ratio num.csv header-only.csv
printf 'a,b\n1,2\n' >foreign.csv
refused "ratio: a foreign CSV" "foreign.csv: not a benchmark CSV" "$S" ratio foreign.csv den.csv
refused "ratio: one file" "expected two" "$S" ratio num.csv
rm -f num.csv den.csv r1.csv r2.csv r3.csv r4.csv noraw.csv header-only.csv foreign.csv err.txt

# --- overlap ---------------------------------------------------------------------------------
for r in a b; do
    mkdir -p "res-$r/raw"
    "$B/bench-seq" -q -k primes,empty --size primes=20000 --reps 6 --raw -o "res-$r/raw/seq.csv"
    "$B/bench-threads" -q -k primes,empty --size primes=20000 -w 1,2 --reps 6 --raw -o "res-$r/raw/threads.csv"
    "$B/bench-summary" -q "res-$r" || fail "bench-summary res-$r"
done
# recomputed: points with a CI in both, those whose CIs share a point
want=$(awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["ci_low_s"] != "" && $c["ci_high_s"] != "" {
        k = $c["kernel"] SUBSEP $c["size"] SUBSEP $c["series"] SUBSEP $c["workers"]
        if (FILENAME ~ /res-a/) { alo[k] = $c["ci_low_s"]; ahi[k] = $c["ci_high_s"] }
        else if (k in alo) { n++; if (alo[k] + 0 <= $c["ci_high_s"] + 0 && $c["ci_low_s"] + 0 <= ahi[k] + 0) o++ } }
    END { printf "%d,%d,", n, o; if (n) printf "%.1f", 100 * o / n; print "" }' res-a/summary.csv res-b/summary.csv)
expect_eq "overlap: recomputed" "$("$S" overlap res-a/summary.csv res-b/summary.csv)" "common,overlap,percent
$want"
expect_eq "overlap: a file with itself" "$("$S" overlap res-a/summary.csv res-a/summary.csv | tail -1)" "6,6,100.0"
# no common point with a CI: percent empty
awk -F, 'BEGIN { OFS = "," } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next } { $c["ci_low_s"] = ""; print }' res-b/summary.csv >noci.csv
expect_eq "overlap: no common point" "$("$S" overlap res-a/summary.csv noci.csv | tail -1)" "0,0,"
head -1 res-a/summary.csv >header.csv
refused "overlap: no rows" "header.csv: no rows" "$S" overlap res-a/summary.csv header.csv
refused "overlap: not a summary" "threads.csv: not a summary.csv (no column 'series')" "$S" overlap res-a/raw/threads.csv res-a/summary.csv
refused "overlap: missing file" "nosuch.csv" "$S" overlap res-a/summary.csv nosuch.csv

# --- agree (the same two runs) -----------------------------------------------------------------
"$S" agree res-a/summary.csv res-b/summary.csv >ag.txt
expect_eq "agree: exit status" $? 0
sed '/^$/,$d' ag.txt >ag-points.csv
sed '1,/^$/d' ag.txt >ag-totals.csv
expect_eq "agree: header" "$(head -1 ag-points.csv)" "row,kernel,size,model,series,bind,schedule,chunk,start,channel,workers,a_median_s,a_ci_low_s,a_ci_high_s,b_median_s,b_ci_low_s,b_ci_high_s,overlap,rel_diff,largest"
expect_eq "agree: totals header" "$(head -1 ag-totals.csv)" "points,compared,overlap,overlap_percent,no_ci,only_a,only_b,median_rel_diff,max_rel_diff,target_overlap_percent,target_median_rel_diff,overlap_ok,median_ok,verdict,shift,shift_same_direction,median_rel_diff_after_shift,max_rel_diff_after_shift"
# recomputed: per point with a CI in both, key,overlap,rel_diff; then the totals' figures
agree_awk='FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { k = $c["kernel"]; split("size model series bind schedule chunk start channel workers", f, " ")
      for (i = 1; i <= 9; i++) k = k "," $c[f[i]]
      ci = $c["ci_low_s"] != "" && $c["ci_high_s"] != "" }
    FILENAME ~ /res-a/ { am[k] = $c["median_s"]; aci[k] = ci; alo[k] = $c["ci_low_s"]; ahi[k] = $c["ci_high_s"]; next }
    (k in am) && ci && aci[k] { d = $c["median_s"] - am[k]; if (d < 0) d = -d
      o = alo[k] + 0 <= $c["ci_high_s"] + 0 && $c["ci_low_s"] + 0 <= ahi[k] + 0
      printf "%s,%s,%.6g\n", k, o ? "yes" : "no", d / am[k] }'
want=$(awk -F, "$agree_awk" res-a/summary.csv res-b/summary.csv | sort)
got=$(awk -F, 'NR > 1 && $1 == "both" { print }' ag-points.csv | cut -d, -f2-11,18,19 | sort)
expect_eq "agree: per point, recomputed" "$got" "$want"
n=$(echo "$want" | wc -l)
o=$(echo "$want" | grep -c ',yes,')
mr=$(awk -F, "$(echo "$agree_awk" | sed 's/%.6g/%.17g/')" res-a/summary.csv res-b/summary.csv | awk -F, '{ print $NF }' | med)
xr=$(awk -F, "$(echo "$agree_awk" | sed 's/%.6g/%.17g/')" res-a/summary.csv res-b/summary.csv | awk -F, '{ print $NF }' | sort -g | tail -1)
expect_eq "agree: totals, recomputed" "$(tail -1 ag-totals.csv | cut -d, -f1-9)" \
    "$(awk -v n="$n" -v o="$o" -v m="$mr" -v x="$xr" 'BEGIN { printf "%d,%d,%d,%.1f,0,0,0,%.6g,%.6g", n, n, o, 100 * o / n, m, x }')"
expect_eq "agree: one row is the largest" "$(grep -c ',yes$' ag-points.csv)" 1
expect_eq "agree: the largest's rel_diff is max_rel_diff" "$(grep ',yes$' ag-points.csv | cut -d, -f19)" \
    "$(tail -1 ag-totals.csv | cut -d, -f9)"
"$S" agree res-a/summary.csv res-a/summary.csv >ag2.txt
expect_eq "agree: a file with itself" "$(tail -1 ag2.txt)" "6,6,6,100.0,0,0,0,0,0,90,0.02,yes,yes,agree,0,0,0,0"
# the machine's shift: B is A with every median and bound 1.25 times as long: a shift of
# 0.25 on every point, nothing left once it is divided out
# (CONVFMT keeps every digit: at awk's default %.6g a ratio could read 1.249999)
awk -F, 'BEGIN { OFS = ","; CONVFMT = "%.17g" } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
    { $c["median_s"] *= 1.25; $c["ci_low_s"] *= 1.25; $c["ci_high_s"] *= 1.25; print }' \
    res-a/summary.csv >slower.csv
"$S" agree res-a/summary.csv slower.csv >ag4.txt
expect_eq "agree: a uniform shift" "$(tail -1 ag4.txt | cut -d, -f8,15,16)" "0.25,0.25,6"
# (what is left: only the rounding of the scaled figures, far below any real difference)
awk -F, '{ exit !($17 < 1e-5 && $18 < 1e-5) }' <<<"$(tail -1 ag4.txt)" && ok ||
    fail "agree: a uniform shift leaves $(tail -1 ag4.txt | cut -d, -f17,18) once divided out"
"$S" agree res-a/summary.csv res-b/summary.csv >ag2.txt
cmp -s ag.txt ag2.txt && ok || fail "agree: the same input gave other bytes"
# a point without a CI in B, one only in A, one whose workers differ (only in A, only in B)
awk -F, 'BEGIN { OFS = "," } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
    NR == 2 { $c["ci_low_s"] = ""; $c["ci_high_s"] = "" } NR == 3 { next }
    NR == 4 { $c["workers"] = 99 } { print }' res-b/summary.csv >partial.csv
"$S" agree res-a/summary.csv partial.csv >ag3.txt
expect_eq "agree: no-ci, only-a, only-b rows" "$(cut -d, -f1 ag3.txt | sort | uniq -c | awk '$2 != "row" && $2 != "points" && $2 ~ /^[a-z]/ { printf "%s=%s ", $2, $1 }')" \
    "both=3 no-ci=1 only-a=2 only-b=1 "
expect_eq "agree: no-ci, only-a, only-b counted" "$(tail -1 ag3.txt | cut -d, -f1,2,5,6,7)" "4,3,1,2,1"
awk -F, 'BEGIN { OFS = "," } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
    { $c["ci_low_s"] = ""; $c["ci_high_s"] = ""; print }' res-b/summary.csv >noci2.csv
"$S" agree res-a/summary.csv noci2.csv >ag3.txt
expect_eq "agree: no point compared" "$(tail -1 ag3.txt)" "6,0,0,,6,0,0,,,90,0.02,no,no,disagree,,,,"
{ cat res-a/summary.csv; tail -1 res-a/summary.csv; } >twice.csv
refused "agree: a point twice" "twice.csv:8: a second row of the point on line 7" "$S" agree res-a/summary.csv twice.csv
awk -F, 'BEGIN { OFS = "," } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
    NR == 2 { $c["ci_low_s"] = "" } { print }' res-b/summary.csv >halfci.csv
refused "agree: one bound of a CI" "halfci.csv:2: one bound" "$S" agree res-a/summary.csv halfci.csv
refused "agree: no rows" "header.csv: no rows" "$S" agree res-a/summary.csv header.csv
refused "agree: not a summary" "threads.csv: not a summary.csv (no column 'series')" "$S" agree res-a/raw/threads.csv res-a/summary.csv
refused "agree: a folder" "res-b: a folder" "$S" agree res-a/summary.csv res-b
refused "agree: one file" "expected two" "$S" agree res-a/summary.csv
rm -rf res-a res-b noci.csv header.csv ag.txt ag2.txt ag3.txt ag-points.csv ag-totals.csv \
    partial.csv twice.csv halfci.csv noci2.csv ag4.txt slower.csv

# --- yardstick -------------------------------------------------------------------------------
mkdir ys
"$build/tests/minimal-costs" 3 6 >ys/minimal.csv || fail "minimal-costs failed"
"$B/bench-overhead" -q --quick --only thread,fork,spawn -w 1,2 -o ys/overhead.csv || fail "bench-overhead failed"
"$S" yardstick ys >ys1.csv
expect_eq "yardstick: exit status" $? 0
expect_eq "yardstick: header" "$(head -1 ys1.csv)" "op,minimal_median_us,minimal_ci_low_us,minimal_ci_high_us,minimal_batches,bench_median_us,bench_ci_low_us,bench_ci_high_us,factor,within_2x"
expect_eq "yardstick: ops" "$(tail -n +2 ys1.csv | cut -d, -f1,5 | tr '\n' ' ')" "thread,6 fork,6 spawn,6 "
for op in thread fork spawn; do
    mm=$(awk -F, -v op=$op '$1 == op { print $4 }' ys/minimal.csv | med)
    # 6 batches: the CI's ranks are 1 and 6 (stats.h): the smallest and the largest
    lo=$(awk -F, -v op=$op '$1 == op { print $4 }' ys/minimal.csv | sort -g | head -1)
    hi=$(awk -F, -v op=$op '$1 == op { print $4 }' ys/minimal.csv | sort -g | tail -1)
    bench=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["row"] == "summary" && $c["workers"] == 1 && $c["construct"] == "'$op'" { print $c["median"] "," $c["ci_low"] "," $c["ci_high"] }' ys/overhead.csv)
    want=$(awk -v m="$mm" -v lo="$lo" -v hi="$hi" -v b="$bench" 'BEGIN { split(b, x, ","); f = x[1] / m
        printf "%s,%.3f,%.3f,%.3f,6,%s,%.3f,%s", "'$op'", m, lo, hi, b, f, (f >= 0.5 && f <= 2) ? "yes" : "no" }')
    expect_eq "yardstick $op: recomputed" "$(grep "^$op," ys1.csv)" "$want"
done
"$S" yardstick ys -o ys2.csv
cmp -s ys1.csv ys2.csv && ok || fail "yardstick -o: not what it prints"
mkdir ys-half && cp ys/minimal.csv ys-half/
refused "yardstick: no overhead.csv" "no overhead.csv" "$S" yardstick ys-half
printf 'x,y\n1,2\n' >ys-half/overhead.csv
refused "yardstick: foreign overhead.csv" "overhead.csv: not a bench-overhead CSV (no column 'row')" "$S" yardstick ys-half
refused "yardstick: -o a folder" "folder" "$S" yardstick ys -o ys-half
rm -rf ys ys-half ys1.csv ys2.csv

# --- breakeven -------------------------------------------------------------------------------
mkdir -p be/breakeven
for n in 2000 8000; do
    "$B/bench-seq" -q -k primes --size primes=$n --reps 6 -o be/breakeven/seq-primes-$n.csv
    "$B/bench-threads" -q -k primes --size primes=$n -w 2 --reps 6 -o be/breakeven/threads-primes-$n.csv
    "$B/bench-procs" -q -k primes --size primes=$n -w 2 --reps 6 --start spawn -o be/breakeven/procs-spawn-primes-$n.csv
    "$B/bench-procpool" -q -k primes --size primes=$n -w 2 --reps 6 -o be/breakeven/procpool-primes-$n.csv
done
# a model run where bench-seq did not: no point of the sweep
"$B/bench-threads" -q -k primes --size primes=4000 -w 2 --reps 6 -o be/breakeven/threads-primes-4000.csv
"$S" breakeven be 2>err.txt
expect_eq "breakeven: exit status" $? 0
expect_eq "breakeven: its line" "$(cat err.txt)" "bench-stats: be/breakeven.csv, be/breakeven-times.csv (raw runs in be/breakeven/)"
t=be/breakeven-times.csv
expect_eq "breakeven-times: header" "$(head -1 $t)" "kernel,series,size,workers,median_s,ci_low_s,ci_high_s,seq_median_s,seq_ci_low_s,seq_ci_high_s,speedup,speedup_lo,speedup_hi"
expect_eq "breakeven-times: 13 fields a row" "$(awk -F, 'NF != 13' $t | wc -l)" 0
# seq first at each size, then the series by name (procpool's start is fixed: no suffix)
expect_eq "breakeven-times: rows" "$(tail -n +2 $t | cut -d, -f1-4 | tr '\n' ' ')" \
    "primes,seq,2000,1 primes,procpool,2000,2 primes,procs-spawn,2000,2 primes,threads,2000,2 primes,seq,8000,1 primes,procpool,8000,2 primes,procs-spawn,8000,2 primes,threads,8000,2 "
# every figure as the files give it, the interval seq ci_low / model ci_high ..
for f in be/breakeven/*-primes-2000.csv be/breakeven/*-primes-8000.csv; do
    name=${f##*/}; series=${name%-primes-*}; size=${name##*-}; size=${size%.csv}
    [ "$series" = seq ] && continue
    s=be/breakeven/seq-primes-$size.csv
    want=$(paste -d, <(csv_col "$f" median_s) <(csv_col "$f" ci_low_s) <(csv_col "$f" ci_high_s) \
                     <(csv_col "$s" median_s) <(csv_col "$s" ci_low_s) <(csv_col "$s" ci_high_s) |
           awk -F, '{ printf "%s,%s,%s,%s,%s,%s,%.6g,%.6g,%.6g", $1, $2, $3, $4, $5, $6, $4 / $1, $5 / $3, $6 / $2 }')
    expect_eq "breakeven-times $series $size" "$(awk -F, -v s="$series" -v n=$size '$2 == s && $3 == n' $t | cut -d, -f5-)" "$want"
done
expect_eq "breakeven.csv: header" "$(head -1 be/breakeven.csv)" "kernel,series,workers,breakeven_size,smallest_size,largest_size,seq_median_s,median_s,speedup,speedup_lo,speedup_hi,verdict,method"
expect_eq "breakeven.csv: one row per series" "$(tail -n +2 be/breakeven.csv | cut -d, -f1-3,5,6 | tr '\n' ' ')" \
    "primes,procpool,2,2000,8000 primes,procs-spawn,2,2000,8000 primes,threads,2,2000,8000 "
cp be/breakeven.csv be1.csv
cp $t times1.csv
"$S" breakeven -q be
cmp -s be/breakeven.csv be1.csv && cmp -s $t times1.csv && ok || fail "breakeven: the same input gave other bytes"
rm -f be1.csv times1.csv err.txt

# the method on figures whose verdicts are known: the lower bound (seq ci_low / model
# ci_high) set per size through the model's ci_high
mkdir -p known/breakeven
verdict() { # SERIES LOWER-BOUNDS...: the model's files with these lower bounds at 1000, 2000, ...
    local series=$1 n=1000 b
    shift
    for b in "$@"; do
        awk -F, -v b="$b" -v s="$series" 'BEGIN { OFS = "," } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
            $c["row"] == "summary" { $c["model"] = s; $c["workers"] = 2; $c["median_s"] = 0.5; $c["ci_low_s"] = 0.4; $c["ci_high_s"] = 1 / b; print }' \
            known/breakeven/seq-primes-$n.csv >known/breakeven/$series-primes-$n.csv
        n=$((n * 2))
    done
}
for n in 1000 2000 4000 8000; do # bench-seq's ci_low 1: the lower bound is 1 / model ci_high
    awk -F, 'BEGIN { OFS = "," } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
        $c["row"] == "summary" { $c["size"] = '$n'; $c["median_s"] = 1; $c["ci_low_s"] = 1; $c["ci_high_s"] = 1; print }' \
        be/breakeven/seq-primes-2000.csv >known/breakeven/seq-primes-$n.csv
done
verdict aaa 0.5 1.5 0.9 1.2   # above 1 from 8000 on only (4000 breaks the run)
verdict bbb 1.1 1.2 1.3 1.4   # above 1 everywhere
verdict ccc 0.5 0.6 0.7 1     # never above 1 (1 is not above 1)
"$S" breakeven -q known
m="speedup lower bound = seq ci_low / model ci_high > 1 here and at every larger size"
expect_eq "breakeven: known verdicts" "$(tail -n +2 known/breakeven.csv)" "primes,aaa,2,8000,1000,8000,1,0.5,2,1.2,2.5,break-even,$m
primes,bbb,2,1000,1000,8000,1,0.5,2,1.1,2.5,at or below the smallest size swept,$m
primes,ccc,2,,1000,8000,,,,,,not reached up to 8000,$m"
rm -rf known

refused "breakeven: no breakeven/ folder" "no breakeven/ folder" "$S" breakeven "$work"
mkdir -p empty/breakeven
refused "breakeven: no CSV" "empty/breakeven: no CSV" "$S" breakeven empty
cp be/breakeven/threads-primes-2000.csv be/breakeven/threads-again-2000.csv
refused "breakeven: a point twice" "measured again" "$S" breakeven be
rm -f be/breakeven/threads-again-2000.csv
printf 'row,model,kernel\0\001\n' >be/breakeven/binary.csv
refused "breakeven: a binary file" "binary.csv: not a benchmark CSV" "$S" breakeven be
rm -rf be empty

# --- engines ---------------------------------------------------------------------------------
mkdir -p ce/raw
# OpenMP and OpenBLAS when built, except under ThreadSanitizer: their threads are not
# instrumented, and it reports races that are not there (see tests/meson.build)
tsan=0
"$B/bench-seq" --version | grep -q 'sanitize=thread' && tsan=1
engines=(threadpool)
[ -x "$B/bench-openmp" ] && [ $tsan = 0 ] && engines+=(openmp)
blas=0
[ -x "$B/bench-openblas" ] && [ $tsan = 0 ] && blas=1
for r in 1 2 3; do
    "$B/bench-seq" -q --reps 3 --raw -k primes --size primes=20000 -o ce/raw/r$r-seq-primes.csv
    for m in "${engines[@]}"; do
        "$B/bench-$m" -q --reps 3 --raw -k primes --size primes=20000 -w 1-2 -s dynamic -o ce/raw/r$r-$m-dynamic-primes.csv
    done
    if [ $blas = 1 ]; then
        "$B/bench-seq" -q --reps 3 --raw -k matmul -n 48 -o ce/raw/r$r-blas-seq.csv
        "$B/bench-openblas" -q --reps 3 --raw -k matmul -n 48 -w 1 -o ce/raw/r$r-blas-openblas.csv
    fi
done
"$S" engines ce >out.txt 2>err.txt
expect_eq "engines: exit status" $? 0
expect_eq "engines: stderr" "$(cat err.txt)" ""
cmp -s out.txt ce/summary.txt && ok || fail "engines: what it prints is not DIR/summary.txt"
s=ce/summary.txt
# section SECTION-PREFIX: the data rows of one section (as tests/engines-compare.sh reads them)
section() { awk -v h="$1" 'index($0, h) == 1 { on = 1; getline; next } on && /^$/ { exit } on' "$s"; }
# the headings of the engines report (as the bash compare-engines.sh printed them), in order
{
    echo "== medians of wall time, s (95% CI of the median by order statistics)"
    echo "== efficiency E = T_seq / (p T_p), T_seq = bench-seq in this run [95% bootstrap CI]"
    echo "== threadpool / openmp: ratio of median times, same kernel, size, schedule, chunk, p [95% bootstrap CI]"
    echo "== threadpool / openmp, paired: in each round, the ratio of the medians of the two engines (their runs adjacent), then the median of those ratios over the rounds [95% bootstrap CI over rounds]"
    [ $blas = 1 ] && echo "== matmul n=48 on one thread: our kernel (bench-seq) against OpenBLAS (bench-openblas -w 1)"
} >headings.txt
expect_eq "engines: headings" "$(grep '^== ' $s)" "$(cat headings.txt)"
rm -f headings.txt
for h in efficiency "threadpool / openmp: ratio" "threadpool / openmp, paired"; do
    want=$(case $h in
        efficiency) printf '%-10s %-7s %-7s %3s %10s %10s %6s %17s' model kernel sched p T_seq T_p E CI ;;
        *ratio) printf '%-7s %-9s %-7s %3s %12s %12s %7s %17s' kernel size sched p threadpool openmp ratio CI ;;
        *) printf '%-7s %-9s %-7s %3s %6s %7s %17s' kernel size sched p rounds ratio CI ;;
    esac)
    expect_eq "engines: $h columns" "$(grep -A1 "^== $h" $s | tail -1)" "$want"
done
expect_eq "engines: median columns" "$(grep -A1 '^== medians' $s | tail -1)" \
    "$(printf '%-10s %-7s %-9s %-7s %-8s %3s %4s %10s %10s %10s' model kernel size sched chunk p n median ci_low ci_high)"
want_rows=$((1 + 2 * ${#engines[@]}))
[ $blas = 1 ] && want_rows=$((want_rows + 2))
expect_eq "engines: median rows" "$(section '== medians' | wc -l)" $want_rows
# the medians and their CIs recomputed: 9 samples a key, the CI's ranks as stats.h has them
for m in seq "${engines[@]}"; do
    for p in 1 2; do
        [ $m = seq ] && [ $p = 2 ] && continue
        files=(ce/raw/r*-$m-*primes.csv)
        [ $m = seq ] && files=(ce/raw/r*-seq-primes.csv)
        sorted=$(walls_at $p "${files[@]}" | sort -g)
        want=$(echo "$sorted" | awk '{ v[NR] = $1 } END { n = NR; r = 1.96 * sqrt(n)
            lo = int((n - r) / 2); if (lo < 1) lo = 1; hi = 1 + (n + r) / 2; hi = hi == int(hi) ? hi : int(hi) + 1; if (hi > n) hi = n
            printf "%4d %10.4f %10.4f %10.4f", n, n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2, v[lo], v[hi] }')
        got=$(section '== medians' | awk -v m=$m -v p=$p '$1 == m && $2 == "primes" && $6 == p' | cut -c51-)
        expect_eq "engines: $m p=$p median and CI" "$got" "$want"
    done
done
expect_eq "engines: efficiency rows" "$(section '== efficiency' | wc -l)" $((2 * ${#engines[@]}))
if [ ${#engines[@]} = 2 ]; then
    for p in 1 2; do
        tp=$(walls_at $p ce/raw/r*-threadpool-dynamic-primes.csv | med)
        om=$(walls_at $p ce/raw/r*-openmp-dynamic-primes.csv | med)
        got=$(section '== threadpool / openmp: ratio' | awk -v p=$p '$4 == p { print $7 }')
        expect_eq "engines p=$p: ratio of medians" "$got" "$(awk -v a="$tp" -v b="$om" 'BEGIN { printf "%.3f", a / b }')"
        want=$(for r in 1 2 3; do
                   awk -v a="$(walls_at $p ce/raw/r$r-threadpool-dynamic-primes.csv | med)" \
                       -v b="$(walls_at $p ce/raw/r$r-openmp-dynamic-primes.csv | med)" 'BEGIN { printf "%.17g\n", a / b }'
               done | med | awk '{ printf "%.3f", $1 }')
        got=$(section '== threadpool / openmp, paired' | awk -v p=$p '$4 == p { print $5 " " $6 }')
        expect_eq "engines p=$p: paired ratio over 3 rounds" "$got" "3 $want"
    done
    { section '== threadpool / openmp: ratio' | awk '{ print $7, $8, $9 }'
      section '== threadpool / openmp, paired' | awk '{ print $6, $7, $8 }'; } | awk '
        { r = $1 + 0; lo = $2; hi = $3; gsub(/[\[\],]/, "", lo); gsub(/[\[\],]/, "", hi)
          lo += 0; hi += 0 # numbers, not strings
          if (!(r > 0 && lo > 0 && lo <= r && r <= hi)) { print "bad row: " $0; bad = 1 } }
        END { exit bad }' && ok || fail "engines: a ratio is not inside its interval"
else
    echo "note: bench-openmp not built (or a ThreadSanitizer build): the ratio sections are checked empty only"
    expect_eq "engines: no ratio rows" "$(section '== threadpool / openmp: ratio' | wc -l)" 0
fi
if [ $blas = 1 ]; then
    grep -q '^ours / openblas = [0-9.]* \[[0-9.]*, [0-9.]*\]$' $s && ok || fail "engines: no ours/OpenBLAS ratio"
    expect_eq "engines: BLAS samples" "$(grep -c '^ours .* n 9)$\|^openblas .* n 9)$' $s)" 2
fi
# determinism, and the seed reaches only the intervals
cp $s first.txt
"$S" engines ce --seed 42 --resamples 2000 >/dev/null
cmp -s $s first.txt && ok || fail "engines: the same input and seed gave other bytes"
"$S" engines ce --seed 9 >/dev/null
expect_eq "engines: another seed, the same medians" "$(section '== medians')" "$(s=first.txt section '== medians')"
rm -f first.txt out.txt err.txt
refused "engines: no raw/ folder" "no raw/ folder" "$S" engines "$work/ce/raw"
mkdir -p noraw/raw
refused "engines: no CSV" "noraw/raw: no CSV" "$S" engines noraw
printf 'a,b,c\n1,2,3\n' >noraw/raw/r1-x.csv
refused "engines: a foreign CSV" "r1-x.csv: not a benchmark CSV (no header row,model,kernel,...)" "$S" engines noraw
printf 'row,model\0\001\002\n' >noraw/raw/r1-x.csv
refused "engines: a binary file" "r1-x.csv: not a benchmark CSV (no header row,model,kernel,...)" "$S" engines noraw
refused "engines: no folder" "nosuch: no such folder" "$S" engines nosuch
refused "engines: two folders" "expected one folder" "$S" engines ce ce
rm -rf noraw ce

expect_eq "nothing left behind" "$(ls -A | tr '\n' ' ')" ""
finish stats-tool
