#!/usr/bin/env bash
# models.sh BUILD_DIR - every model binary gives verified results equal to bench-seq's, at
# every worker count from 1 to twice the PUs, for every kernel; the CSV has the promised
# columns; --raw and --output behave.
. "$(dirname "$0")/lib.sh"
B=$(cd "$1" && pwd)/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sizes="--size primes=200003 --size randsum=3000001 --size matmul=97 --size empty=1000"
kernels=primes,randsum,matmul,empty
"$B/bench-seq" -q -k $kernels $sizes --reps 3 -o "$work/seq.csv"
expect_eq "bench-seq exit status" $? 0

# the required columns, by name
header=$(head -1 "$work/seq.csv")
for col in model kernel size workers bind schedule reps median_s min_s max_s mean_s \
           stddev_s cv ci_low_s ci_high_s checksum verified imbalance start channel \
           setup_s compute_s collect_s user_s sys_s; do
    case ",$header," in
        *",$col,"*) ok ;;
        *) fail "column $col missing from the CSV header" ;;
    esac
done

# a row per kernel, verified, and the known prime count
expect_eq "bench-seq rows" "$(csv_col "$work/seq.csv" kernel | tr '\n' ' ')" "primes randsum matmul empty "
expect_eq "bench-seq verified" "$(csv_col "$work/seq.csv" verified | sort -u)" "yes"
expect_eq "primes below 200003" "$(csv_col "$work/seq.csv" checksum | head -1)" "17984"

# seq_sum KERNEL: bench-seq's checksum for that kernel
seq_sum() { paste -d, <(csv_col "$work/seq.csv" kernel) <(csv_col "$work/seq.csv" checksum) | awk -F, -v k="$1" '$1 == k { print $2 }'; }

check_model() { # check_model FILE LABEL: every row verified and equal to bench-seq
    file=$1 label=$2
    expect_eq "$label: verified" "$(csv_col "$file" verified | sort -u)" "yes"
    for k in primes randsum matmul empty; do
        sums=$(paste -d, <(csv_col "$file" kernel) <(csv_col "$file" checksum) | awk -F, -v k="$k" '$1 == k { print $2 }' | sort -u)
        expect_eq "$label: $k checksum equals bench-seq's" "$sums" "$(seq_sum "$k")"
    done
}

# threads at 1 .. 2 x PUs
"$B/bench-threads" -q -k $kernels $sizes --workers 1-2xall --reps 2 -o "$work/thr.csv"
expect_eq "bench-threads exit status" $? 0
check_model "$work/thr.csv" "threads 1-2xall"
pus=$("$B/bench-threads" -q -k empty --workers all --reps 1 | awk -F, 'NR == 2 { print $5 }')
expect_eq "threads worker counts" "$(csv_col "$work/thr.csv" workers | sort -n | uniq | tr '\n' ' ')" \
    "$(seq 1 $((2 * pus)) | tr '\n' ' ')"

# every schedule with small, middle and larger-than-the-range chunks
for s in static cyclic dynamic guided; do
    chunks="1 7 100000000"
    [ $s = static ] && chunks=none
    for c in $chunks; do
        opt=""
        [ $c = none ] || opt="--chunk $c"
        "$B/bench-threads" -q -k $kernels $sizes --workers 1-2xall --reps 1 --schedule $s $opt -o "$work/s.csv"
        expect_eq "threads $s $c exit status" $? 0
        check_model "$work/s.csv" "threads $s chunk $c"
        expect_eq "threads $s schedule column" "$(csv_col "$work/s.csv" schedule | sort -u)" "$s"
    done
done

# --raw: one raw row per repetition, with the per-repetition columns filled
"$B/bench-threads" -q -k randsum --size 100000 --workers 1,2 --reps 4 --raw -o "$work/raw.csv"
expect_eq "raw rows" "$(csv_col "$work/raw.csv" rep raw | wc -l)" 8
expect_eq "summary rows with --raw" "$(csv_col "$work/raw.csv" model | wc -l)" 2
bad_wall=$(csv_col "$work/raw.csv" wall_s raw | awk '!($1 > 0)' | wc -l)
expect_eq "raw wall times positive" "$bad_wall" 0

# --output leaves exactly the file, no temporary beside it; an existing file is replaced
echo old > "$work/out.csv"
"$B/bench-seq" -q -k empty --reps 2 -o "$work/out.csv"
expect_eq "output replaced" "$(head -c 3 "$work/out.csv")" "row"
expect_eq "no temporary files left" "$(ls -A "$work" | grep -c '^\.')" 0

# the phases add up to the wall time (median of each is close to it for a single config)
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["row"] == "raw" { s = $c["setup_s"] + $c["compute_s"] + $c["collect_s"]; d = s - $c["wall_s"];
      if (d < 0) d = -d; if (d > 1e-6) bad++ } END { exit bad > 0 }' "$work/raw.csv"
expect_eq "setup + compute + collect = wall" $? 0

# the issue's acceptance: primes below 10^7 is 664579, verified
"$B/bench-seq" -q -k primes --size 10000000 --reps 1 -o "$work/p7.csv"
expect_eq "primes below 10^7" "$(csv_col "$work/p7.csv" checksum)" 664579
expect_eq "primes below 10^7 verified" "$(csv_col "$work/p7.csv" verified)" yes
finish models
