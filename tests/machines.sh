#!/usr/bin/env bash
# machines.sh BUILD - bench-stats machines (issue 18, "Machines compared in numbers") on
# synthetic results folders whose raw rows are written here, so every ratio is known:
# B exactly 2x faster with small noise (time ratio 0.5, b-faster, speedup ratios 1 and
# scales-same), a model that scales better on B (b-scales-better, named), identical
# folders (same everywhere), folders with one kernel at another size (only the common
# points compared), determinism for a seed, and its refusals of bad input (exit 2, one
# line naming the problem, nothing written). No benchmark runs: about a second.
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tests/lib.sh"
S=$build/bench/bench-stats
work=$(mktemp -d -t cb-machines.XXXXXX)
io=$(mktemp -d -t cb-machines-io.XXXXXX) # a refused command's output, outside $work
trap 'rm -rf "$work" "$io"' EXIT
cd "$work" || exit 1
[ -x "$S" ] || { fail "no $S"; finish machines; exit 1; }

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
    [ "$before" = "$after" ] && ok || fail "$what: files changed"
}

HEADER=row,model,kernel,size,workers,bind,schedule,chunk,start,channel,wall_s,verified,warnings
# points DIR ROTATION SCALE LINE...: DIR/raw/r1.csv and r2.csv (two rounds, 6 + 5 raw rows
# per point), each LINE "model kernel size workers seconds" measured 11 times at seconds
# * SCALE * (1 + k/1000), k = -5..5 in an order rotated by ROTATION: the median is exactly
# seconds * SCALE, the noise 0.5% at most
points() {
    local dir=$1 rot=$2 scale=$3
    shift 3
    mkdir -p "$dir/raw"
    printf '%s\n' "$@" | awk -v rot="$rot" -v scale="$scale" -v dir="$dir" -v hdr="$HEADER" '
        BEGIN { print hdr > (dir "/raw/r1.csv"); print hdr > (dir "/raw/r2.csv") }
        { for (i = 0; i < 11; i++) {
              k = (i * 7 + rot) % 11 - 5
              f = dir "/raw/" (i < 6 ? "r1.csv" : "r2.csv")
              printf "raw,%s,%s,%s,%s,cores,static,,,,%.9f,yes,\n", $1, $2, $3, $4,
                     $5 * scale * (1 + k / 1000) > f
          } }'
}
# What both machines ran: randsum splits evenly on both; primes's model "better" scales
# to S(2) = 1.43 on A but 2 on B.
common=("seq randsum 1000 1 1.0" "threads randsum 1000 1 1.0" "threads randsum 1000 2 0.5"
        "procs randsum 1000 1 1.02" "procs randsum 1000 2 0.55" "seq primes 500 1 2.0"
        "threads primes 500 1 2.0" "threads primes 500 2 1.25")
points A 0 1 "${common[@]}" "better primes 500 1 2.0" "better primes 500 2 1.4"
points B 3 0.5 "${common[@]}" "better primes 500 1 2.0" "better primes 500 2 1.0"
cp -r A same

# --- the format ------------------------------------------------------------------------------
"$S" machines A B >ab.csv 2>ab.err
expect_eq "A vs B: exit status" $? 0
expect_eq "A vs B: nothing on stderr" "$(cat ab.err)" ""
expect_eq "A vs B: header" "$(head -1 ab.csv)" \
    "kernel,size,series,model,workers,a_median_s,b_median_s,time_ratio,time_ratio_lo,time_ratio_hi,a_speedup,b_speedup,speedup_ratio,speedup_ratio_lo,speedup_ratio_hi,verdict"
points_of() { sed -n '2,/^$/p' "$1" | sed '/^$/d'; }
kernels_of() { sed -n '/^$/,$p' "$1" | sed '1,2d'; }
expect_eq "A vs B: a blank line, then the kernels' header" "$(sed -n '/^$/{n;p}' ab.csv)" \
    "kernel,size,models_p1,geomean_time_ratio_p1,geomean_lo,geomean_hi,time_verdict,scaling,b_scales_better,a_scales_better"
# the points in summary.csv's order: kernel (primes, randsum as in the kernel table), size,
# bench-seq first, series by name, workers
expect_eq "A vs B: the points, in order" "$(points_of ab.csv | cut -d, -f1-5 | tr '\n' ' ')" \
    "primes,500,seq,seq,1 primes,500,better,better,1 primes,500,better,better,2 primes,500,threads,threads,1 primes,500,threads,threads,2 randsum,1000,seq,seq,1 randsum,1000,procs,procs,1 randsum,1000,procs,procs,2 randsum,1000,threads,threads,1 randsum,1000,threads,threads,2 "
# B is exactly 2x faster: every time ratio 0.5 (but better's at p = 2, 1.0 / 2.8), its
# interval below 1, b-faster
expect_eq "A vs B: time ratios" "$(points_of ab.csv | grep -v ',better,better,2,' | cut -d, -f8 | sort -u)" "0.500000"
expect_eq "A vs B: better p=2's time ratio" "$(points_of ab.csv | awk -F, '$3 == "better" && $5 == 2 { print $8 }')" "0.357143"
expect_eq "A vs B: verdicts" "$(points_of ab.csv | cut -d, -f16 | sort -u)" "b-faster"
bad=$(points_of ab.csv | grep -v ',better,better,2,' | awk -F, '!($9 > 0.49 && $9 < 0.5 && $10 > 0.5 && $10 < 0.51)')
expect_eq "A vs B: the time ratio's intervals hold 0.5, within the 0.5% noise" "$bad" ""
expect_eq "A vs B: medians" "$(points_of ab.csv | awk -F, '$3 == "procs" && $5 == 2 { print $6, $7 }')" \
    "0.550000000 0.275000000"
# the speedups: as on A except the model that scales better on B
expect_eq "A vs B: speedups of procs p=2" "$(points_of ab.csv | awk -F, '$3 == "procs" && $5 == 2 { print $11, $12, $13 }')" \
    "1.818182 1.818182 1.000000"
expect_eq "A vs B: bench-seq's speedup ratio is 1 exactly" "$(points_of ab.csv | awk -F, '$4 == "seq" { print $11 $12 $13 $14 $15 }' | sort -u)" \
    "1.0000001.0000001.0000001.0000001.000000"
bad=$(points_of ab.csv | awk -F, '$3 != "better" && $4 != "seq" && !($14 < 1 && $15 > 1)')
expect_eq "A vs B: the other speedup-ratio intervals hold 1" "$bad" ""
expect_eq "A vs B: better p=2 scales better on B" \
    "$(points_of ab.csv | awk -F, '$3 == "better" && $5 == 2 { print $11, $12, $13, ($14 > 1) }')" \
    "1.428571 2.000000 1.400000 1"
expect_eq "A vs B: the kernels" "$(kernels_of ab.csv)" \
"primes,500,3,0.500000,$(kernels_of ab.csv | awk -F, 'NR == 1 { print $5 "," $6 }'),b-faster,b-scales-better,better p=2,
randsum,1000,3,0.500000,$(kernels_of ab.csv | awk -F, 'NR == 2 { print $5 "," $6 }'),b-faster,scales-same,,"
bad=$(kernels_of ab.csv | awk -F, '!($5 > 0.49 && $5 < 0.5 && $6 > 0.5 && $6 < 0.51)')
expect_eq "A vs B: the geometric means' intervals hold 0.5" "$bad" ""
# the other way round: A is 2x slower and scales worse on primes
"$S" machines B A >ba.csv
expect_eq "B vs A: the kernels" "$(kernels_of ba.csv | cut -d, -f1,2,4,7-)" \
"primes,500,2.000000,a-faster,a-scales-better,,better p=2
randsum,1000,2.000000,a-faster,scales-same,,"

# --- identical folders: same everywhere ------------------------------------------------------
"$S" machines A same >same.csv
expect_eq "identical: exit status" $? 0
expect_eq "identical: verdicts" "$(points_of same.csv | cut -d, -f16 | sort -u)" "same"
expect_eq "identical: time ratios" "$(points_of same.csv | cut -d, -f8 | sort -u)" "1.000000"
expect_eq "identical: speedup ratios" "$(points_of same.csv | cut -d, -f13 | sort -u)" "1.000000"
expect_eq "identical: the kernels" "$(kernels_of same.csv | cut -d, -f1-4,7-)" \
"primes,500,3,1.000000,same,scales-same,,
randsum,1000,3,1.000000,same,scales-same,,"
"$S" machines A A >self.csv
expect_eq "a folder against itself: as a copy" "$(cat self.csv)" "$(cat same.csv)"

# --- determinism ------------------------------------------------------------------------------
"$S" machines A B >ab2.csv
cmp -s ab.csv ab2.csv && ok || fail "the same folders and seed gave other bytes"
"$S" machines A B --seed 42 --resamples 2000 >ab3.csv
cmp -s ab.csv ab3.csv && ok || fail "--seed 42 --resamples 2000 are not the defaults"
"$S" machines A B --seed 7 >ab7.csv
expect_eq "another seed: the same point estimates" "$(points_of ab7.csv | cut -d, -f1-8,11-13,16)" \
    "$(points_of ab.csv | cut -d, -f1-8,11-13,16)"
cmp -s ab.csv ab7.csv && fail "another seed gave the same intervals" || ok
# a point's interval depends on the point, not on what else the folders hold
mkdir -p A1/raw B1/raw
for d in A B; do
    for r in r1 r2; do grep -v ',primes,' "$d/raw/$r.csv" >"${d}1/raw/$r.csv"; done
done
"$S" machines A1 B1 >ab1.csv
expect_eq "without primes: randsum's rows unchanged" "$(points_of ab1.csv)" "$(points_of ab.csv | grep '^randsum,')"

# --- other sizes: only the common points -------------------------------------------------------
points C 5 0.5 "seq randsum 2000 1 1.0" "threads randsum 2000 1 1.0" "threads randsum 2000 2 0.5" \
    "seq primes 500 1 2.0" "threads primes 500 1 2.0" "threads primes 500 2 1.25"
"$S" machines A C >ac.csv
expect_eq "another randsum size: exit status" $? 0
expect_eq "another randsum size: primes only" "$(points_of ac.csv | cut -d, -f1-5 | tr '\n' ' ')" \
    "primes,500,seq,seq,1 primes,500,threads,threads,1 primes,500,threads,threads,2 "
expect_eq "another randsum size: one kernel row" "$(kernels_of ac.csv | cut -d, -f1-4,7-8)" \
    "primes,500,2,0.500000,b-faster,scales-same"

# --- refusals ---------------------------------------------------------------------------------
refused "one folder" "expected two results folders" "$S" machines A
refused "three folders" "expected two results folders" "$S" machines A B C
refused "a missing folder" "nowhere: no such results folder" "$S" machines A nowhere
refused "a file" "ab.csv: a file, not a results folder" "$S" machines ab.csv A
mkdir -p noraw
refused "no raw/" "noraw: no raw/ folder" "$S" machines noraw A
mkdir -p empty/raw
refused "no CSV in raw/" "no CSV files" "$S" machines A empty
mkdir -p broken
cp -r A/raw broken/
printf 'raw,threads,randsum,1000,1,cores,static,,,,abc,yes,\n' >>broken/raw/r2.csv
refused "a bad wall time" "broken/raw/r2.csv:$(wc -l <broken/raw/r2.csv): wall_s 'abc'" "$S" machines A broken
points D 0 1 "threads matmul 64 1 0.1"
refused "no point in common" "no point (kernel, size, series, workers) in common" "$S" machines A D
refused "--resamples" "--resamples" "$S" machines A B --resamples 5
refused "another option" "takes no option --output" "$S" machines A B -o x.csv
"$S" --help | grep -q '^  machines A_DIR B_DIR' && ok || fail "--help does not describe machines"

finish machines
