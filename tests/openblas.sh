#!/usr/bin/env bash
# openblas.sh BUILD_DIR - bench-openblas multiplies the matmul kernel's own matrices: at
# every thread count from 1 to twice the PUs its output agrees with the kernel's, element
# by element, within the kernel's tolerance (the harness checks; `verified` says so), and
# at sizes at the edges too. It runs matmul only: any other kernel is a usage error.
. "$(dirname "$0")/lib.sh"
B=$1/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pus=$("$B/bench-openblas" -q -k matmul --size 8 --workers all --reps 1 | awk -F, 'NR == 2 { print $5 }')
counts=$(seq 1 $((2 * pus)) | tr '\n' ' ')

for n in 97 256; do
    "$B/bench-openblas" -q -k matmul --size $n --workers 1-2xall --reps 2 -o "$work/b.csv"
    expect_eq "openblas n=$n: exit status" $? 0
    expect_eq "openblas n=$n: verified" "$(csv_col "$work/b.csv" verified | sort -u)" "yes"
    expect_eq "openblas n=$n: worker counts" "$(csv_col "$work/b.csv" workers | tr '\n' ' ')" "$counts"
    bad=$(csv_col "$work/b.csv" gflops | awk '!($1 > 0)' | wc -l)
    expect_eq "openblas n=$n: GFLOP/s reported" "$bad" 0
done

# the default kernel list holds matmul only
"$B/bench-openblas" -q --size 64 --workers 1 --reps 1 -o "$work/d.csv"
expect_eq "openblas default kernels: exit status" $? 0
expect_eq "openblas default kernels" "$(csv_col "$work/d.csv" kernel | tr '\n' ' ')" "matmul "

# sizes at the edges
for n in 0 1 7; do
    "$B/bench-openblas" -q -k matmul --size $n --workers 1-2xall --reps 1 -o "$work/e.csv"
    expect_eq "openblas n=$n: exit status" $? 0
    expect_eq "openblas n=$n: verified" "$(csv_col "$work/e.csv" verified | sort -u)" "yes"
done

# other kernels: exit status 2, one line naming the kernel, nothing on stdout
for k in primes randsum empty; do
    "$B/bench-openblas" -k $k --reps 1 >"$work/out" 2>"$work/err"
    expect_eq "openblas -k $k: exit status" $? 2
    expect_eq "openblas -k $k: stderr lines" "$(wc -l <"$work/err")" 1
    expect_eq "openblas -k $k: stdout bytes" "$(wc -c <"$work/out")" 0
    grep -q "$k" "$work/err" || fail "openblas -k $k: message does not name the kernel: $(cat "$work/err")"
done
finish openblas
