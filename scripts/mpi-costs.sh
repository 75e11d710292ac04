#!/usr/bin/env bash
# mpi-costs.sh [--reps N] [--quick] [--lock FILE] - what MPI costs against fork + shared
# memory on this one machine, measured in one run and printed as Markdown tables (the
# README's MPI figures come from it):
#   1. every kernel at p = 1 and 2: bench-procs (--start fork --channel shm) beside
#      bench-mpi, median wall time with its 95% CI, the ratio of the medians, and the
#      median phases (setup = fork or distribution, compute, collect);
#   2. the start-up of an MPI world (mpirun + MPI_Init), which bench-mpi keeps out of its
#      repetitions, over 10 worlds of p = 1 and 2.
# --lock FILE holds FILE (flock) around each timed binary, so that nothing else that takes
# the same lock runs beside it. Raw CSVs go to a temporary folder whose name is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=20 quick=0 lock=""
while [ $# -gt 0 ]; do
    case $1 in
        --reps) [ $# -ge 2 ] || { echo "mpi-costs.sh: --reps needs a value" >&2; exit 2; }
                reps=$2; shift
                [[ $reps =~ ^[1-9][0-9]{0,4}$ ]] || { echo "mpi-costs.sh: --reps '$reps': not a positive count" >&2; exit 2; } ;;
        --quick) quick=1; reps=6 ;;
        --lock) [ $# -ge 2 ] || { echo "mpi-costs.sh: --lock needs a file" >&2; exit 2; }
                lock=$2; shift ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "mpi-costs.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
B=build/bench
[ -x $B/bench-mpi ] && [ -x $B/bench-procs ] ||
    { echo "mpi-costs.sh: build first, with Open MPI installed (scripts/setup.sh; meson compile -C build)" >&2; exit 2; }
out=$(mktemp -d /tmp/mpi-costs.XXXXXX)
echo "mpi-costs.sh: raw CSVs in $out" >&2
sizes=()
[ $quick = 1 ] && sizes=(--size primes=300000 --size randsum=20000000 --size matmul=256)
timed() { if [ -n "$lock" ]; then flock "$lock" "$@"; else "$@"; fi; }

col() { # col FILE COLUMN KERNEL P: the summary row's value
    awk -F, -v col="$2" -v k="$3" -v p="$4" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["row"] == "summary" && $c["kernel"] == k && $c["workers"] == p { print $c[col] }' "$1"
}

kernels=primes,randsum,matmul,empty
common=(-q --reps "$reps" -k $kernels -w 1,2 ${sizes[@]+"${sizes[@]}"})
timed $B/bench-seq -q --reps "$reps" -k $kernels ${sizes[@]+"${sizes[@]}"} -o "$out/seq.csv"
timed $B/bench-procs "${common[@]}" --start fork --channel shm -o "$out/procs.csv"
timed $B/bench-mpi "${common[@]}" -o "$out/mpi.csv"

ci() { [ -n "$2" ] && printf '[%.4f, %.4f]' "$1" "$2" || printf '[n/a: reps <= 5]'; }
echo "| kernel | size | p | fork+shm median (s) [95% CI] | MPI median (s) [95% CI] | MPI / fork+shm | fork+shm setup / compute / collect (s) | MPI setup / compute / collect (s) |"
echo "|---|---|---|---|---|---|---|---|"
for k in ${kernels//,/ }; do
    for p in 1 2; do
        row="| $k | $(col "$out/mpi.csv" size $k $p) | $p"
        for m in procs mpi; do
            f=$out/$m.csv
            row+=" | $(printf '%.6f' "$(col "$f" median_s $k $p)") $(ci "$(col "$f" ci_low_s $k $p)" "$(col "$f" ci_high_s $k $p)")"
        done
        row+=" | $(awk -v a="$(col "$out/mpi.csv" median_s $k $p)" -v b="$(col "$out/procs.csv" median_s $k $p)" 'BEGIN { printf "%.2f", a / b }')"
        for m in procs mpi; do
            f=$out/$m.csv
            row+=" | $(printf '%.6f / %.6f / %.6f' "$(col "$f" setup_s $k $p)" "$(col "$f" compute_s $k $p)" "$(col "$f" collect_s $k $p)")"
        done
        echo "$row |"
    done
done
echo
echo "T_seq (bench-seq, median s): $(for k in ${kernels//,/ }; do printf '%s %.4f  ' $k "$(col "$out/seq.csv" median_s $k 1)"; done)"
echo

# the world's start-up, which no repetition contains: rank 0 prints it on stderr
echo "| MPI world | start-up (mpirun + MPI_Init), median of 10 (s) | min | max |"
echo "|---|---|---|---|"
for p in 1 2; do
    for i in $(seq 1 10); do
        timed $B/bench-mpi -k empty --size 1 --reps 1 -w $p 2>&1 >/dev/null |
            sed -n 's/.*started in \([0-9.]*\) s.*/\1/p'
    done | sort -g >"$out/start-$p.txt"
    awk -v p=$p '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                   printf "| p = %d | %.3f | %.3f | %.3f |\n", p, m, v[1], v[NR] }' "$out/start-$p.txt"
done
