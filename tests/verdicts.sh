#!/usr/bin/env bash
# verdicts.sh BUILD - `bench-stats verdicts` on synthetic results folders whose answers are
# known by construction: a model 10% slower than another (slower, its interval above 1),
# two equal up to noise (tie), a 1% difference with tiny noise (a tie by the 2% threshold
# although its interval excludes 1; slower with --tie 0.005), efficiency that holds at
# p = 2 and drops at p = 4 (oversubscribed), a side with 5 samples (no-ci). Also the
# Bonferroni level against m, the efficiency against summary.csv's, determinism, a folder
# without bench-seq, the committed results read (written elsewhere), and the refusals (exit
# 2, one line, nothing written). No timing: the inputs are written here. A few seconds;
# KEEP=1 keeps the working folder.
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tests/lib.sh"
S=$build/bench/bench-stats
work=$(mktemp -d -t cb-verdicts.XXXXXX)
io=$(mktemp -d -t cb-verdicts-io.XXXXXX) # a refused command's output, outside $work
trap '[ -n "${KEEP:-}" ] || rm -rf "$work" "$io"' EXIT
cd "$work" || exit 1
[ -x "$S" ] || { fail "no $S"; finish verdicts; exit 1; }

HDR='kind,kernel,size,workers,series,model,rank,median_s,ci_low_s,ci_high_s,ratio,ratio_lo,ratio_hi,verdict,detail'

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

# gen FILE MODEL KERNEL P BASE AMP SALT N [WARN]: N raw rows of one configuration whose wall
# times are BASE * (1 + AMP * u), u a fixed pattern in [-1, 1] that SALT shifts (no random
# generator: the same bytes on every machine and awk), and its summary row with WARN. The
# header first when FILE is new.
gen() {
    local f=$1
    [ -s "$f" ] || echo 'row,model,kernel,size,workers,bind,schedule,chunk,start,channel,reps,warmup,rep,wall_s,util,verified,seed,warnings' >"$f"
    awk -v m="$2" -v k="$3" -v p="$4" -v base="$5" -v amp="$6" -v salt="$7" -v n="$8" -v w="${9:-}" 'BEGIN {
        for (i = 1; i <= n; i++) {
            u = ((i * 7919 + salt * 104729) % 201 - 100) / 100
            printf "raw,%s,%s,1000,%d,none,static,,,,%d,1,%d,%.9f,1,yes,42,\n", m, k, p, n, i, base * (1 + amp * u)
        }
        printf "summary,%s,%s,1000,%d,none,static,,,,%d,1,,,,yes,42,%s\n", m, k, p, n, w
    }' >>"$f"
}

# field CSV KIND KERNEL WORKERS SERIES COLUMN: one field of verdicts.csv
field() {
    awk -F, -v kind="$2" -v k="$3" -v p="$4" -v s="$5" -v col="$6" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $1 == kind && $2 == k && $4 == p && $5 == s { print $c[col] }' "$1"
}

# a run of two rounds (files r1 and r2, 5 samples each) on a 2-PU machine: primes with ±1%
# noise, randsum with ±0.01%
mkdir -p run/raw
for r in 1 2; do
    gen run/raw/seq-primes-r$r.csv seq primes 1 1.0 0.01 $((r + 10)) 5
    for p in 1 2 4; do
        warn=; [ $p -gt 2 ] && warn=oversubscribed
        # threads: T_seq / p until the PUs run out, E = 1 / (2 * 0.52) = 0.96 at p = 2
        t=$(awk -v p=$p 'BEGIN { print p == 1 ? 1.0 : p == 2 ? 0.52 : 0.5 }')
        gen run/raw/threads-primes-r$r.csv threads primes $p "$t" 0.01 $((r * 3 + p)) 5 $warn
        # threadpool: the same times, other noise
        gen run/raw/threadpool-primes-r$r.csv threadpool primes $p "$t" 0.01 $((r * 5 + p + 40)) 5 $warn
        # procs: 10% slower than threads everywhere
        gen run/raw/procs-primes-r$r.csv procs primes $p "$(awk -v t="$t" 'BEGIN { print 1.1 * t }')" 0.01 $((r * 7 + p + 80)) 5 $warn
    done
    gen run/raw/seq-randsum-r$r.csv seq randsum 1 2.0 0.0001 $((r + 20)) 5
    for p in 1 2; do
        gen run/raw/threads-randsum-r$r.csv threads randsum $p "$(awk -v p=$p 'BEGIN { print 2.0 / p }')" 0.0001 $((r + p + 30)) 5
        # procpool: 1% slower than threads, with tiny noise
        gen run/raw/procpool-randsum-r$r.csv procpool randsum $p "$(awk -v p=$p 'BEGIN { print 2.02 / p }')" 0.0001 $((r + p + 60)) 5
    done
    gen run/raw/seq-matmul-r$r.csv seq matmul 1 1.0 0.01 $((r + 90)) 5
done
# matmul: threads 5% slower than seq, measured in one round only: 5 samples, no interval
for p in 1 2; do
    gen run/raw/threads-matmul-r1.csv threads matmul $p "$(awk -v p=$p 'BEGIN { print 1.05 / p }')" 0.01 $((p + 95)) 5
done

# --- the format -------------------------------------------------------------------------------
"$S" verdicts run -q 2>err.txt
expect_eq "run: exit status" $? 0
expect_eq "run: nothing on stderr with -q" "$(cat err.txt)" ""
[ -s run/verdicts.csv ] && ok || fail "run: no run/verdicts.csv"
expect_eq "header" "$(head -1 run/verdicts.csv)" "$HDR"
expect_eq "15 fields in every row" "$(awk -F, '{ print NF }' run/verdicts.csv | sort -u)" 15
expect_eq "kinds" "$(tail -n +2 run/verdicts.csv | cut -d, -f1 | sort -u | tr '\n' ' ')" "rank scaling scaling-summary "
# every rank set: one fastest, ranks 1..k by median
bad=$(awk -F, '$1 == "rank" { key = $2 "/" $3 "/" $4
        if (key != last) { if ($7 != 1 || $14 != "fastest" || $11 != 1 || $12 != 1 || $13 != 1) print "first of " key; last = key; prev = $8; r = 1; next }
        if ($7 != ++r || $8 + 0 < prev + 0 || $14 == "fastest") print "row " NR; prev = $8 }' run/verdicts.csv)
expect_eq "rank sets: rank 1 fastest with ratio 1, then by median" "$bad" ""
expect_eq "seq ranked at p = 1 only" "$(awk -F, '$1 == "rank" && $6 == "seq" { print $4 }' run/verdicts.csv | sort -u)" 1
expect_eq "primes at p = 1: 4 series" "$(awk -F, '$1 == "rank" && $2 == "primes" && $4 == 1' run/verdicts.csv | wc -l)" 4

# --- rank verdicts ----------------------------------------------------------------------------
for p in 1 2 4; do
    v=$(field run/verdicts.csv rank primes $p procs verdict)
    expect_eq "primes p=$p: procs 10% slower" "$v" slower
    awk -v r="$(field run/verdicts.csv rank primes $p procs ratio)" -v lo="$(field run/verdicts.csv rank primes $p procs ratio_lo)" \
        'BEGIN { exit !(r > 1.07 && r < 1.13 && lo > 1) }' && ok || fail "primes p=$p: procs ratio or interval not 1.1 excluding 1"
    # threads and threadpool: one fastest, the other a tie
    got=$(printf '%s %s' "$(field run/verdicts.csv rank primes $p threads verdict)" "$(field run/verdicts.csv rank primes $p threadpool verdict)")
    case "$got" in "fastest tie" | "tie fastest") ok ;; *) fail "primes p=$p: threads and threadpool: $got, expected a fastest and a tie" ;; esac
done
expect_eq "primes p=1: seq equal to threads: not slower" "$(field run/verdicts.csv rank primes 1 seq verdict | sed 's/fastest/tie/')" tie
expect_eq "randsum p=1: threads equal to seq: not slower" "$(field run/verdicts.csv rank randsum 1 threads verdict | sed 's/fastest/tie/')" tie
for p in 1 2; do
    r=$(field run/verdicts.csv rank randsum $p procpool ratio)
    lo=$(field run/verdicts.csv rank randsum $p procpool ratio_lo)
    awk -v r="$r" -v lo="$lo" 'BEGIN { exit !(r > 1.009 && r < 1.011 && lo > 1) }' && ok ||
        fail "randsum p=$p: procpool ratio $r, lo $lo: expected 1.01 with an interval above 1"
    expect_eq "randsum p=$p: 1% is a tie (threshold 2%)" "$(field run/verdicts.csv rank randsum $p procpool verdict)" tie
done
"$S" verdicts run -q --tie 0.005 -o tie.csv
expect_eq "--tie 0.005: 1% is slower" "$(field tie.csv rank randsum 1 procpool verdict)" slower
"$S" verdicts run -q --tie 0 -o tie0.csv
expect_eq "--tie 0: 1% is slower" "$(field tie0.csv rank randsum 2 procpool verdict)" slower
"$S" verdicts run -q --tie 0.2 -o tie20.csv
expect_eq "--tie 0.2: 10% is a tie" "$(field tie20.csv rank primes 1 procs verdict)" tie
# matmul: threads has 5 samples
expect_eq "matmul p=1: a side of 5 samples: no-ci" "$(field run/verdicts.csv rank matmul 1 threads verdict),$(field run/verdicts.csv rank matmul 1 threads ratio_lo),$(field run/verdicts.csv rank matmul 1 threads detail | cut -d';' -f1)" "tie,,no-ci"
[ -n "$(field run/verdicts.csv rank matmul 1 threads ratio)" ] && ok || fail "matmul p=1: no-ci keeps the ratio of the medians"
expect_eq "matmul p=1: 5 samples: no CI of the median" "$(field run/verdicts.csv rank matmul 1 threads ci_low_s)" ""

# --- Bonferroni: m and the level ---------------------------------------------------------------
m=$(awk -F, '$1 == "rank" && $14 != "fastest"' run/verdicts.csv | wc -l)
want=$(awk -v m="$m" 'BEGIN { printf "m=%d;level=%.6g", m, 1 - 0.05 / m }')
expect_eq "rank detail: m and level" "$(awk -F, '$1 == "rank" { sub(/^no-ci;/, "", $15); print $15 }' run/verdicts.csv | sort -u)" "$want"
# fewer models: fewer comparisons, a lower level, narrower intervals from the same draws
mkdir -p few/raw
cp run/raw/seq-primes-r*.csv run/raw/threads-primes-r*.csv run/raw/procs-primes-r*.csv few/raw/
"$S" verdicts few -q
m2=$(awk -F, '$1 == "rank" && $14 != "fastest"' few/verdicts.csv | wc -l)
[ "$m2" -lt "$m" ] && [ "$m2" -gt 0 ] && ok || fail "few: m=$m2, expected fewer than $m"
expect_eq "few: m and level" "$(awk -F, '$1 == "rank" { print $15 }' few/verdicts.csv | sort -u)" "$(awk -v m="$m2" 'BEGIN { printf "m=%d;level=%.6g", m, 1 - 0.05 / m }')"
[ "$(awk -F, '$1 == "rank" { print $15 }' few/verdicts.csv | sort -u)" != "$want" ] && ok || fail "the level does not change with m"
for p in 1 2 4; do
    f=$(field run/verdicts.csv rank primes $p threads verdict)
    [ "$f" = fastest ] || continue # the same comparison (procs against threads) in both
    awk -v a="$(field few/verdicts.csv rank primes $p procs ratio_lo)" -v b="$(field run/verdicts.csv rank primes $p procs ratio_lo)" \
        -v c="$(field few/verdicts.csv rank primes $p procs ratio_hi)" -v d="$(field run/verdicts.csv rank primes $p procs ratio_hi)" \
        'BEGIN { exit !(b <= a && a <= c && c <= d && (b < a || c < d)) }' && ok ||
        fail "primes p=$p: the interval at m=$m does not contain the one at m=$m2"
done

# --- scaling ----------------------------------------------------------------------------------
for s in threads threadpool; do
    expect_eq "primes $s p=2: efficiency holds" "$(field run/verdicts.csv scaling primes 2 $s verdict)" holds
    expect_eq "primes $s p=4: efficiency drops" "$(field run/verdicts.csv scaling primes 4 $s verdict)" drops
    expect_eq "primes $s p=4: oversubscribed" "$(field run/verdicts.csv scaling primes 4 $s detail)" oversubscribed
    expect_eq "primes $s p=2: not oversubscribed" "$(field run/verdicts.csv scaling primes 2 $s detail)" ""
    expect_eq "primes $s: summary" "$(field run/verdicts.csv scaling-summary primes 2 $s verdict)" drops-beyond-p
    field run/verdicts.csv scaling-summary primes 2 $s detail | grep -q 'stays >= 0.9 up to 2 workers and drops below it at 4 (oversubscribed)' && ok ||
        fail "primes $s: summary detail: $(field run/verdicts.csv scaling-summary primes 2 $s detail)"
done
expect_eq "primes procs p=2: E 0.87 drops" "$(field run/verdicts.csv scaling primes 2 procs verdict)" drops
expect_eq "primes procs: holds nowhere: workers 0" "$(field run/verdicts.csv scaling-summary primes 0 procs verdict)" drops-beyond-p
field run/verdicts.csv scaling-summary primes 0 procs detail | grep -q 'drops below 0.9 beyond 1 worker' && ok || fail "primes procs: summary detail"
expect_eq "randsum threads: holds to 2" "$(field run/verdicts.csv scaling-summary randsum 2 threads verdict)" holds-to-p
expect_eq "randsum threads: summary detail" "$(field run/verdicts.csv scaling-summary randsum 2 threads detail)" "efficiency stays >= 0.9 up to 2 workers"
expect_eq "matmul threads p=2: 5 samples: unclear, no-ci" "$(field run/verdicts.csv scaling matmul 2 threads verdict) $(field run/verdicts.csv scaling matmul 2 threads detail)" "unclear no-ci"
expect_eq "no scaling rows of seq or at p = 1" "$(awk -F, '$1 == "scaling" && ($6 == "seq" || $4 == 1)' run/verdicts.csv | wc -l)" 0
expect_eq "scaling: rank empty" "$(awk -F, 'NR > 1 && $1 != "rank" { print $7 }' run/verdicts.csv | sort -u)" ""
expect_eq "one scaling-summary per series" "$(awk -F, '$1 == "scaling-summary" { print $2, $5 }' run/verdicts.csv | sort | uniq -d)" ""
expect_eq "scaling-summary rows" "$(awk -F, '$1 == "scaling-summary"' run/verdicts.csv | wc -l)" 6
# the efficiency and its interval are summary.csv's
"$build/bench/bench-summary" -q run -o summary.csv
bad=$(awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
    FILENAME == "summary.csv" { k = $c[FILENAME, "kernel"] "/" $c[FILENAME, "series"] "/" $c[FILENAME, "workers"]
        e[k] = $c[FILENAME, "efficiency"] " " $c[FILENAME, "efficiency_lo"] " " $c[FILENAME, "efficiency_hi"]; next }
    $1 == "scaling" && $15 !~ /no-ci/ { k = $2 "/" $5 "/" $4; split(e[k], s, " ")
        if (!(k in e)) { print "no summary row " k; next }
        for (j = 1; j <= 3; j++) { v = $(10 + j); d = v - s[j]; if (d < 0) d = -d; if (d > 1e-6 + 1e-5 * v) print k ": " v " vs " s[j] } }' \
    summary.csv run/verdicts.csv)
expect_eq "scaling: efficiency and interval as summary.csv's" "$bad" ""

# --- determinism, output, seeds ----------------------------------------------------------------
"$S" verdicts run -q -o again.csv
cmp -s run/verdicts.csv again.csv && ok || fail "the same seed gives other bytes"
"$S" verdicts run -q -o - >stdout.csv
cmp -s run/verdicts.csv stdout.csv && ok || fail "-o - differs from the file"
"$S" verdicts run -q --seed 7 -o seed7.csv
cmp -s run/verdicts.csv seed7.csv && fail "another seed gives the same intervals" || ok
expect_eq "another seed: the same verdicts" "$(cut -d, -f1-7,14 seed7.csv)" "$(cut -d, -f1-7,14 run/verdicts.csv)"
"$S" verdicts run -q --seed 7 -o seed7b.csv
cmp -s seed7.csv seed7b.csv && ok || fail "--seed 7 twice: other bytes"
"$S" verdicts run -q --resamples 500 -o r500.csv
expect_eq "--resamples: the same medians" "$(cut -d, -f1-10 r500.csv)" "$(cut -d, -f1-10 run/verdicts.csv)"
"$S" verdicts run 2>err.txt -o closing.csv
expect_eq "closing line" "$(wc -l <err.txt)" 1
grep -q "rank rows (.*comparisons.*slower.*ties), .*scaling rows (.*holds.*) of .* series -> closing.csv" err.txt && ok || fail "closing line: $(cat err.txt)"
"$S" verdicts --help | grep -q 'level' && ok || fail "verdicts --help"
"$S" --help | grep -q '^  verdicts DIR' && ok || fail "--help does not describe verdicts"

# --- a folder without bench-seq -----------------------------------------------------------------
mkdir -p noseq/raw
cp run/raw/threads-*.csv run/raw/procs-*.csv noseq/raw/
"$S" verdicts noseq -q 2>err.txt
expect_eq "no seq: exit status" $? 0
expect_eq "no seq: one note" "$(wc -l <err.txt)" 1
grep -q 'no bench-seq' err.txt && ok || fail "no seq: the note: $(cat err.txt)"
expect_eq "no seq: no scaling rows" "$(grep -c '^scaling' noseq/verdicts.csv)" 0
[ "$(grep -c '^rank' noseq/verdicts.csv)" -gt 0 ] && ok || fail "no seq: no rank rows"

# --- the committed results, read only, written here ----------------------------------------------
for d in "$src"/results/*/*/raw "$src"/results/*/raw; do
    [ -d "$d" ] || continue
    run_dir=${d%/raw}
    name=$(echo "${run_dir#"$src"/results/}" | tr / _)
    # (a sweep keeps its own verdicts.csv beside its report: it must stay as it was)
    before=$(md5sum "$run_dir/verdicts.csv" 2>/dev/null || echo none)
    "$S" verdicts "$run_dir" -q -o "real-$name.csv" 2>err.txt
    expect_eq "$name: exit status" $? 0
    expect_eq "$name: the run's own verdicts.csv (or its absence) unchanged" \
        "$(md5sum "$run_dir/verdicts.csv" 2>/dev/null || echo none)" "$before"
    expect_eq "$name: header" "$(head -1 "real-$name.csv")" "$HDR"
    expect_eq "$name: one fastest per rank set" "$(awk -F, '$1 == "rank" { n[$2 "/" $3 "/" $4] += $14 == "fastest" } END { for (k in n) if (n[k] != 1) print k }' "real-$name.csv")" ""
    # a verdict of slower has its interval above 1 and its ratio at least 1.02
    expect_eq "$name: slower rows" "$(awk -F, '$14 == "slower" && !($12 > 1 && $11 >= 1.02)' "real-$name.csv")" ""
done

# --- refusals ----------------------------------------------------------------------------------
mkdir -p emptyraw/raw corrupt/raw notdir
cp run/raw/seq-primes-r1.csv corrupt/raw/
printf 'row,model\0\001\n' >corrupt/raw/x.csv
head -c -30 run/raw/threads-primes-r1.csv >corrupt/raw/y.csv
: >notdir/raw
refused "no folder" "verdicts: expected one results folder" "$S" verdicts
refused "two folders" "expected one results folder" "$S" verdicts run run
refused "missing folder" "nosuch: no such results folder" "$S" verdicts nosuch
refused "no raw/" "no raw/ folder" "$S" verdicts notdir
refused "empty raw/" "no CSV" "$S" verdicts emptyraw
refused "corrupt CSV" "x.csv" "$S" verdicts corrupt
rm corrupt/raw/x.csv
refused "truncated CSV" "y.csv" "$S" verdicts corrupt
for t in 1 2 -0.1 abc '' 0x1 nan 0.02x; do
    refused "--tie '$t'" "--tie" "$S" verdicts run --tie "$t"
done
refused "--resamples 5" "resamples" "$S" verdicts run --resamples 5
refused "--seed -1" "seed" "$S" verdicts run --seed -1
refused "unknown option" "unknown option" "$S" verdicts run --bogus
refused "missing value" "needs a value" "$S" verdicts run --tie
refused "output a folder" "is a folder" "$S" verdicts run -o emptyraw
refused "empty output" "empty file name" "$S" verdicts run -o ''

finish verdicts
