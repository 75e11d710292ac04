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
# the same lock runs beside it. Raw CSVs go to a temporary folder whose name is printed;
# --from DIR prints the tables again from such a folder, measuring nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=20 quick=0 lock="" from=""
while [ $# -gt 0 ]; do
    case $1 in
        --reps) [ $# -ge 2 ] || { echo "mpi-costs.sh: --reps needs a value" >&2; exit 2; }
                reps=$2; shift
                [[ $reps =~ ^[1-9][0-9]{0,4}$ ]] || { echo "mpi-costs.sh: --reps '$reps': not a positive count" >&2; exit 2; } ;;
        --quick) quick=1; reps=6 ;;
        --lock) [ $# -ge 2 ] || { echo "mpi-costs.sh: --lock needs a file" >&2; exit 2; }
                lock=$2; shift ;;
        --from) [ $# -ge 2 ] && [ -f "$2/mpi.csv" ] || { echo "mpi-costs.sh: --from needs a folder of an earlier run" >&2; exit 2; }
                from=$2; shift ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "mpi-costs.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
B=build/bench
[ -x $B/bench-mpi ] && [ -x $B/bench-procs ] ||
    { echo "mpi-costs.sh: build first, with Open MPI installed (scripts/setup.sh; meson compile -C build)" >&2; exit 2; }
if [ -n "$from" ]; then
    out=$from
else
    out=$(mktemp -d /tmp/mpi-costs.XXXXXX)
    echo "mpi-costs.sh: raw CSVs in $out" >&2
fi
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
if [ -z "$from" ]; then
    # before minutes of measurement: does mpirun work here (as root it needs two variables)
    $B/bench-mpi -q -k empty --size 1 --reps 1 -w 1 >/dev/null || exit
    timed $B/bench-seq -q --reps "$reps" -k $kernels ${sizes[@]+"${sizes[@]}"} -o "$out/seq.csv"
    timed $B/bench-procs "${common[@]}" --start fork --channel shm -o "$out/procs.csv"
    timed $B/bench-mpi "${common[@]}" -o "$out/mpi.csv"
    # the world's start-up, which no repetition contains: rank 0 prints it on stderr
    for p in 1 2; do
        for i in $(seq 1 10); do
            timed $B/bench-mpi -k empty --size 1 --reps 1 -w $p 2>&1 >/dev/null |
                sed -n 's/.*started in \([0-9.]*\) s.*/\1/p'
        done | sort -g >"$out/start-$p.txt"
    done
fi

# t KERNEL SECONDS...: the values in the kernel's unit (s, or microseconds for empty)
t() {
    local k=$1
    shift
    awk -v k="$k" 'BEGIN { for (i = 1; i < ARGC; i++) {
        v = ARGV[i]; s = k == "empty" ? sprintf("%.1f", v * 1e6) : sprintf("%.4f", v)
        printf "%s%s", (i > 1 ? " / " : ""), s } }' "$@"
}
unit() { [ "$1" = empty ] && echo "us" || echo "s"; }
# phases KERNEL SECONDS...: in microseconds for empty, milliseconds otherwise
phases() {
    local k=$1
    shift
    awk -v k="$k" 'BEGIN { for (i = 1; i < ARGC; i++)
        printf "%s%.*f", (i > 1 ? " / " : ""), k == "empty" ? 1 : 2, ARGV[i] * (k == "empty" ? 1e6 : 1e3)
        print k == "empty" ? " us" : " ms" }' "$@"
}
ci() { # ci KERNEL LOW HIGH
    [ -n "$2" ] && echo "[$(t "$1" "$2" | sed 's/ \/ /, /'), $(t "$1" "$3")]" || echo "[n/a: reps <= 5]"
}
echo "| kernel | size | p | fork+shm median [95% CI] | MPI median [95% CI] | MPI / fork+shm | fork+shm setup / compute / collect | MPI setup / compute / collect |"
echo "|---|---|---|---|---|---|---|---|"
for k in ${kernels//,/ }; do
    for p in 1 2; do
        u=$(unit $k)
        row="| $k | $(col "$out/mpi.csv" size $k $p) | $p"
        for m in procs mpi; do
            f=$out/$m.csv
            row+=" | $(t $k "$(col "$f" median_s $k $p)") $u $(ci $k "$(col "$f" ci_low_s $k $p)" "$(col "$f" ci_high_s $k $p)")"
        done
        row+=" | $(awk -v a="$(col "$out/mpi.csv" median_s $k $p)" -v b="$(col "$out/procs.csv" median_s $k $p)" 'BEGIN { printf "%.3g", a / b }')"
        for m in procs mpi; do
            f=$out/$m.csv
            row+=" | $(phases $k "$(col "$f" setup_s $k $p)" "$(col "$f" compute_s $k $p)" "$(col "$f" collect_s $k $p)")"
        done
        echo "$row |"
    done
done
echo
echo "T_seq (bench-seq, median): $(for k in ${kernels//,/ }; do printf '%s %s %s; ' $k "$(t $k "$(col "$out/seq.csv" median_s $k 1)")" "$(unit $k)"; done)"
echo
echo "| MPI world | start-up (mpirun + MPI_Init), median of 10 (s) | min | max |"
echo "|---|---|---|---|"
for p in 1 2; do
    awk -v p=$p '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                   printf "| p = %d | %.3f | %.3f | %.3f |\n", p, m, v[1], v[NR] }' "$out/start-$p.txt"
done
