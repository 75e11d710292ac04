#!/usr/bin/env bash
# schedules.sh BUILD_DIR MODEL - bench-MODEL (a model with a choice of schedule: threadpool,
# openmp) gives verified results equal to bench-seq's for every kernel, under every
# schedule with a chunk of 1, a middle value and one larger than the whole range (and the
# default), at every worker count from 1 to twice the PUs, from one pool sized for the
# largest (so most passes use fewer workers than the pool has).
. "$(dirname "$0")/lib.sh"
B=$1/bench
model=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sizes="--size primes=200003 --size randsum=3000001 --size matmul=97 --size empty=1000"
kernels=primes,randsum,matmul,empty
"$B/bench-seq" -q -k $kernels $sizes --reps 1 -o "$work/seq.csv"
expect_eq "bench-seq exit status" $? 0

# seq_sum KERNEL: bench-seq's checksum for that kernel
seq_sum() { paste -d, <(csv_col "$work/seq.csv" kernel) <(csv_col "$work/seq.csv" checksum) | awk -F, -v k="$1" '$1 == k { print $2 }'; }

pus=$("$B/bench-$model" -q -k empty --workers all --reps 1 | awk -F, 'NR == 2 { print $5 }')
counts=$(seq 1 $((2 * pus)) | tr '\n' ' ')

for s in static cyclic dynamic guided; do
    chunks="default 1 7 100000000"
    [ $s = static ] && chunks=default
    for c in $chunks; do
        opt=""
        [ $c = default ] || opt="--chunk $c"
        label="$model $s chunk $c"
        "$B/bench-$model" -q -k $kernels $sizes --workers 1-2xall --reps 1 --schedule $s $opt \
            -o "$work/s.csv"
        expect_eq "$label: exit status" $? 0
        expect_eq "$label: verified" "$(csv_col "$work/s.csv" verified | sort -u)" "yes"
        expect_eq "$label: schedule column" "$(csv_col "$work/s.csv" schedule | sort -u)" "$s"
        expect_eq "$label: model column" "$(csv_col "$work/s.csv" model | sort -u)" "$model"
        for k in primes randsum matmul empty; do
            rows=$(awk -F, -v k="$k" '$3 == k' "$work/s.csv")
            expect_eq "$label: $k worker counts" \
                "$(echo "$rows" | cut -d, -f5 | sort -n | tr '\n' ' ')" "$counts"
            sums=$(paste -d, <(csv_col "$work/s.csv" kernel) <(csv_col "$work/s.csv" checksum) |
                   awk -F, -v k="$k" '$1 == k { print $2 }' | sort -u)
            expect_eq "$label: $k checksum equals bench-seq's" "$sums" "$(seq_sum "$k")"
        done
        if [ $c != default ] && [ $s != static ]; then
            expect_eq "$label: chunk column" "$(csv_col "$work/s.csv" chunk | sort -u)" "$c"
        fi
    done
done

# the pool is created once per kernel, reported apart, and not counted in the repetitions
pc=$(paste -d, <(csv_col "$work/s.csv" kernel) <(csv_col "$work/s.csv" pool_create_s) | sort -u | wc -l)
expect_eq "$model: one pool_create_s per kernel" "$pc" 4
bad=$(csv_col "$work/s.csv" pool_create_s | awk '!($1 > 0)' | wc -l)
expect_eq "$model: pool_create_s positive" "$bad" 0

# kernel sizes at the edges: nothing to do, and fewer indices than workers
"$B/bench-$model" -q -k primes,randsum,matmul,empty --size 0 --workers 1-2xall --reps 1 \
    --schedule dynamic -o "$work/zero.csv"
expect_eq "$model size 0: exit status" $? 0
expect_eq "$model size 0: verified" "$(csv_col "$work/zero.csv" verified | sort -u)" "yes"
for s in static cyclic guided; do
    "$B/bench-$model" -q -k matmul,empty --size 1 --workers 1-2xall --reps 1 --schedule $s \
        -o "$work/one.csv"
    expect_eq "$model size 1 $s: exit status" $? 0
    expect_eq "$model size 1 $s: verified" "$(csv_col "$work/one.csv" verified | sort -u)" "yes"
done
finish "schedules-$model"
