#!/usr/bin/env bash
# charts.sh BUILD_DIR - the main job end to end in quick mode, inside the build directory
# (never the repository's results/): the sweep, its summary and charts; every kernel x
# model x p summarised and verified; valid PNG and SVG files; a model the scripts never
# heard of charted all the same; an interrupted sweep that keeps what it finished and
# resumes; the comparison overlaying two folders; and bad input refused by bench-summary
# and the driver's sweep, plot and compare (exit 2, one line, nothing written).
. "$(dirname "$0")/lib.sh"
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
B=$build/bench
command -v gnuplot >/dev/null 2>&1 || { echo "charts: gnuplot not installed: skipped"; exit 77; }
command -v gawk >/dev/null 2>&1 || { echo "charts: gawk not installed: skipped"; exit 77; }
export PYTHONDONTWRITEBYTECODE=1
cbench() { "$src/scripts/cbench.sh" "$@"; }
work=$build/charts-test
rm -rf "$work"
mkdir -p "$work"
sweep() { cbench sweep --quick --no-build --build "$build" "$@"; }

# expect_refusal WHAT STATUS ERRFILE: exit 2 with exactly one line on stderr
expect_refusal() {
    expect_eq "$1: exit status" "$2" 2
    expect_eq "$1: one line on stderr" "$(wc -l <"$3")" 1
}
# no_temporaries DIR: nothing hidden (a temporary file) left anywhere under DIR
no_temporaries() {
    expect_eq "no temporary files under $1" "$(find "$1" -name '.*' | wc -l)" 0
}
# valid_png FILE / valid_svg FILE
valid_png() {
    expect_eq "$1: PNG signature" "$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a
}
valid_svg() {
    if grep -q '<svg' "$1" 2>/dev/null; then ok; else fail "$1: no <svg root"; fi
}

# --- the quick sweep ---------------------------------------------------------------------
res=$work/results/quick plots=$work/plots/quick
t0=$(date +%s%N)
sweep --run "$res" 2>"$work/sweep.err"
rc=$?
t1=$(date +%s%N)
echo "charts: the quick sweep took $(( (t1 - t0) / 1000000 )) ms"
expect_eq "quick sweep exit status" $rc 0
[ $rc -eq 0 ] || tail -5 "$work/sweep.err" >&2
for f in context.json plan.csv settings.txt summary.csv sweep.json; do
    [ -s "$res/$f" ] && ok || fail "$res/$f missing"
done
grep -q '^cbench sweep: \[1/[0-9]*\] round 1/2: .*elapsed.*' "$work/sweep.err" && ok ||
    fail "no progress line 'configuration k of K, elapsed, time left'"
planned=$(($(wc -l <"$res/plan.csv") - 1))
expect_eq "one raw CSV per planned configuration" "$(ls "$res/raw" | wc -l)" "$planned"
no_temporaries "$work/results"
no_temporaries "$work/plots"

# every kernel x model x p in the summary, verified, with a speedup inside its interval
pus=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["topology"]["pus"])' "$res/context.json")
missing=0 bad_ci=0
col() { head -1 "$res/summary.csv" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
for bin in "$B"/bench-*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    info=$("$bin" --model-info 2>/dev/null) || continue
    model=${info#model=}; model=${model%% *}
    if [ "$model" = mpi ] && grep -q "bench-mpi skipped" "$work/sweep.err"; then
        echo "note: the sweep skipped MPI: $(grep "bench-mpi skipped" "$work/sweep.err")"
        continue
    fi
    mk=${info##*kernels=}
    ps=$(seq 1 "$pus"; echo $((2 * pus)))
    [[ $info == *" serial=1"* ]] && ps=1
    for k in primes randsum matmul; do
        [[ ,$mk, == *,$k,* ]] || continue
        for p in $ps; do
            row=$(awk -F, -v m="$model" -v k="$k" -v p="$p" -v mc="$(col model)" -v kc="$(col kernel)" \
                      -v pc="$(col workers)" -v vc="$(col verified)" \
                      'NR > 1 && $mc == m && $kc == k && $pc == p { print $vc }' "$res/summary.csv")
            [ "$row" = yes ] || { missing=$((missing + 1)); echo "no verified row: $model $k p=$p ('$row')" >&2; }
        done
    done
done
expect_eq "summary rows (kernel x model x p) missing or unverified" $missing 0
bad_ci=$(awk -F, -v s="$(col speedup)" -v lo="$(col speedup_lo)" -v hi="$(col speedup_hi)" \
             'NR > 1 && !($lo <= $s && $s <= $hi && $s > 0)' "$res/summary.csv" | wc -l)
expect_eq "speedups inside their bootstrap intervals" "$bad_ci" 0

# the charts: three kinds per kernel, PNG and SVG, every model of the summary in them
for k in primes randsum matmul; do
    for kind in speedup efficiency time; do
        valid_png "$plots/$kind-$k.png"
        valid_svg "$plots/$kind-$k.svg"
    done
done
for m in $(awk -F, -v c="$(col series)" 'NR > 1 && $c != "seq" { print $c }' "$res/summary.csv" | sort -u); do
    grep -q ">$m<\|> *$m *<" "$plots/speedup-matmul.svg" "$plots/speedup-primes.svg" && ok ||
        fail "model $m is in no speedup chart"
done
grep -q 'physical cores' "$plots/speedup-primes.svg" && ok || fail "no physical-cores mark"

# a model the scripts never heard of is charted from the data alone
mkdir -p "$work/newmodel"
cp "$res/context.json" "$work/newmodel/"
sed 's/,threads,threads,/,zz-new-model,zz-new-model,/' "$res/summary.csv" >"$work/newmodel/summary.csv"
cbench plot "$work/newmodel" --out "$work/newmodel-plots" 2>/dev/null
expect_eq "plot on a new model: exit status" $? 0
grep -q 'zz-new-model' "$work/newmodel-plots/speedup-primes.svg" && ok || fail "a new model is not charted"

# --- interrupted, then resumed -------------------------------------------------------------
ires=$work/int/results/quick
# (started from another folder, with a relative --run: relative to where it started)
(cd "$work" && exec "$src/scripts/cbench.sh" sweep --quick --no-build --build "$build" \
    --run int/results/quick 2>"$work/int.err") &
pid=$!
for _ in $(seq 1 600); do
    [ "$(ls "$ires/raw" 2>/dev/null | wc -l)" -ge 3 ] && break
    sleep 0.05
done
kill -TERM $pid
wait $pid
rc=$?
expect_eq "interrupted sweep: exit status" $rc 143
expect_eq "interrupted sweep: what it says" "$(tail -1 "$work/int.err")" \
    "cbench sweep: interrupted; finished configurations are kept in $work/int/results/quick/raw (--resume continues)"
kept=$(ls "$ires/raw" | wc -l)
[ "$kept" -ge 3 ] && [ "$kept" -lt "$planned" ] && ok || fail "interrupted sweep kept $kept of $planned configurations"
no_temporaries "$work/int/results"
expect_eq "interrupted sweep: no summary yet" "$(ls "$ires/summary.csv" 2>/dev/null | wc -l)" 0
"$B/bench-summary" -q -o "$work/int/partial.csv" "$ires"
expect_eq "the kept files are complete (bench-summary reads them)" $? 0
sweep --run "$work/int/results/quick" --resume 2>"$work/resume.err"
expect_eq "resumed sweep: exit status" $? 0
grep -q "$kept configurations kept" "$work/resume.err" && ok || fail "resume did not keep the $kept finished configurations"
expect_eq "resumed sweep: every configuration" "$(ls "$ires/raw" | wc -l)" "$planned"
sweep --run "$work/int/results/quick" --resume --reps 4 2>"$work/resume2.err"
expect_refusal "resume with other settings" $? "$work/resume2.err"

# --- compare ---------------------------------------------------------------------------------
other=$work/other/other
mkdir -p "$other"
cp -r "$ires/." "$other/"
sed -i 's/"label": "quick"/"label": "other"/; s/"pus": [0-9]*/"pus": 16/; s/"cores": [0-9]*/"cores": 8/' "$other/context.json"
cbench compare --build "$build" --out "$work/cmp" "$res" "$other" >"$work/cmp.out" 2>"$work/cmp.err"
expect_eq "compare: exit status" $? 0
for k in primes randsum matmul; do
    for kind in speedup time; do
        valid_png "$work/cmp/compare-$kind-$k.png"
        valid_svg "$work/cmp/compare-$kind-$k.svg"
    done
done
grep -q 'other' "$work/cmp/compare-speedup-primes.svg" && ok || fail "machine 'other' is not named in the chart"
grep -q 'CIs overlap for [0-9]* of [0-9]* common points' "$work/cmp.out" && ok || fail "no CI-overlap line"
cbench compare --build "$build" --x cores --out "$work/cmpx" "$res" "$other" >/dev/null 2>&1
expect_eq "compare --x cores: exit status" $? 0
valid_png "$work/cmpx/compare-speedup-randsum.png"
# an identical copy overlaps everywhere
cbench compare --build "$build" --out "$work/cmpsame" "$ires" "$other" >"$work/same.out" 2>/dev/null
grep -q '(100.0%)' "$work/same.out" && ok || fail "a copy does not overlap 100%: $(cat "$work/same.out")"
# machines compared in numbers (issue 18): a table and a verdict line per kernel
expect_eq "a copy: one machines table" "$(ls "$work"/cmpsame/machines-*.md 2>/dev/null | wc -l)" 1
expect_eq "a copy: one verdict line per kernel, the same time" \
    "$(grep -c 'runs .* as fast as .* at p = 1 within the interval' "$work/same.out")" 3
# differing sizes: refused, nothing drawn; with --allow-different a warning, still charted
sed -i 's/^primes,300000,/primes,300001,/' "$other/summary.csv"
cbench compare --build "$build" --out "$work/cmp-sizes" "$res" "$other" >/dev/null 2>"$work/sizes.err"
expect_refusal "compare with differing sizes" $? "$work/sizes.err"
grep -q 'size of primes 300000 -> 300001' "$work/sizes.err" && ok || fail "the refusal does not name the sizes"
[ ! -e "$work/cmp-sizes" ] && ok || fail "compare wrote charts for differing sizes"
cbench compare --build "$build" --allow-different --out "$work/cmpw" "$res" "$other" >"$work/warn.out" 2>"$work/warn.err"
expect_eq "compare --allow-different with differing sizes: exit status" $? 0
grep -q 'warning: kernel primes has size' "$work/warn.err" && ok || fail "no warning for differing sizes"
grep -q 'compared although they differ (--allow-different): size of primes' "$work/warn.out" && ok || fail "--allow-different does not list the sizes"
# a different schema version: refused, nothing drawn
sed -i 's/"schema_version": [0-9]*/"schema_version": 999/' "$other/context.json"
cbench compare --build "$build" --out "$work/cmp-schema" "$res" "$other" >/dev/null 2>"$work/schema.err"
expect_refusal "compare with two schema versions" $? "$work/schema.err"
grep -q 'schema version' "$work/schema.err" && ok || fail "the refusal does not name the schema version"
[ ! -e "$work/cmp-schema" ] && ok || fail "compare wrote charts for mixed schema versions"
cbench compare --build "$build" --out "$work/cmp-one" "$res" >/dev/null 2>"$work/one.err"
expect_refusal "compare with one folder" $? "$work/one.err"
cbench compare --build "$build" --out "$work/cmp-none" "$res" "$work/nowhere" >/dev/null 2>"$work/none.err"
expect_refusal "compare with a missing folder" $? "$work/none.err"
[ ! -e "$work/cmp-none" ] && ok || fail "compare wrote charts for a missing folder"

# --- bad input to bench-summary: exit 2, one line, nothing written -------------------------------
bad=$work/bad
summary_refuses() { # summary_refuses WHAT DIR
    "$B/bench-summary" "$2" >"$work/s.out" 2>"$work/s.err"
    expect_refusal "bench-summary, $1" $? "$work/s.err"
    expect_eq "bench-summary, $1: nothing on stdout" "$(wc -c <"$work/s.out")" 0
    [ ! -e "$2/summary.csv" ] && ok || fail "bench-summary, $1: wrote summary.csv"
    [ ! -d "$2" ] || no_temporaries "$2"
}
summary_refuses "a missing folder" "$bad/missing"
mkdir -p "$bad/noraw" "$bad/emptyraw/raw" "$bad/emptycsv/raw" "$bad/corrupt/raw" "$bad/binary/raw" "$bad/noraws/raw"
summary_refuses "a folder without raw/" "$bad/noraw"
summary_refuses "an empty raw/" "$bad/emptyraw"
: >"$bad/emptycsv/raw/seq-primes-r1.csv"
summary_refuses "an empty CSV" "$bad/emptycsv"
first=$(ls "$res/raw" | head -1)
cp "$res/raw/$first" "$bad/corrupt/raw/"
head -c -20 "$res/raw/$first" >"$bad/corrupt/raw/$first" # the last line cut short
summary_refuses "a truncated CSV" "$bad/corrupt"
grep -q "$first:[0-9]*:" "$work/s.err" && ok || fail "the message does not name the file and line: $(cat "$work/s.err")"
printf 'row,model\0\001\002\n' >"$bad/binary/raw/x.csv"
summary_refuses "binary data" "$bad/binary"
grep -v '^raw,' "$res/raw/$first" >"$bad/noraws/raw/$first"
summary_refuses "a CSV without raw rows" "$bad/noraws"
"$B/bench-summary" --model-info >"$work/s.out" 2>"$work/s.err"
expect_refusal "bench-summary --model-info (it is not a model)" $? "$work/s.err"
grep -q '^model=' "$work/s.out" && fail "bench-summary answers --model-info" || ok

# --- bad input to the driver's plot and sweep ----------------------------------------------------
cbench plot "$bad/noraw" --out "$work/p-bad" >/dev/null 2>"$work/p.err"
expect_refusal "plot without a summary" $? "$work/p.err"
[ ! -e "$work/p-bad" ] && ok || fail "plot made a folder for bad input"
for args in "--reps 0" "--rounds 3 --reps 2" "--models nosuch" "--kernels nosuch" "--size primes" \
            "--workers 0" "--bogus"; do
    # shellcheck disable=SC2086
    sweep --out "$work/bad-sweep" $args >/dev/null 2>"$work/sw.err"
    expect_refusal "sweep $args" $? "$work/sw.err"
done
[ ! -e "$work/bad-sweep" ] && ok || fail "sweep wrote results for a bad command line"
finish charts
