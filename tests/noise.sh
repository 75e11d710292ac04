#!/usr/bin/env bash
# noise.sh BUILD - the foreign load, measured (issue 17, noise.h): a run beside a busy loop
# pinned to its worker's PU marks its configuration `loaded` and records the loop's CPU
# time as foreign; the same runs alone mark none, whatever the model (threads, processes
# reaped each repetition, pool processes never reaped, OpenMP's team, MPI's ranks: each
# model's own CPU time must not count as foreign); every row carries the noise columns;
# bench-summary recomputes `loaded` from the pooled raw rows. Run alone (is_parallel:
# false): another test's work is foreign load too. About 15 s on 2 cores.
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tests/lib.sh"
B=$build/bench
work=$(mktemp -d -t cb-noise.XXXXXX)
busy=
trap '[ -z "$busy" ] || kill "$busy" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
args=(-k primes -n 1500000 --reps 5 --raw -q)

# has_loaded FILE: the summary rows whose warnings say loaded
has_loaded() { csv_col "$1" warnings | grep -c 'loaded'; }

models=(threads procs procpool)
[ -x "$B/bench-openmp" ] && models+=(openmp)
if [ -x "$B/bench-mpi" ] && "$B/bench-mpi" -k primes -n 1000 -w 1 --reps 1 -q >/dev/null 2>&1; then
    models+=(mpi)
else
    echo "note: bench-mpi missing or mpirun unusable here: MPI not tried"
fi
mkdir raw
for m in "${models[@]}"; do
    "$B/bench-$m" "${args[@]}" -w 1,2 -o "raw/$m.csv" || fail "$m alone: exit status $?"
    expect_eq "$m alone: configurations marked loaded" "$(has_loaded "raw/$m.csv")" 0
    # every row has the measured columns: foreign CPU seconds and share, switches, faults
    n=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["foreign_cpu_s"] ~ /^[0-9]+\.[0-9]+$/ && $c["foreign_pu"] ~ /^[0-9]+\.[0-9]+$/ &&
        $c["vcsw"] ~ /^[0-9]+$/ && $c["ivcsw"] ~ /^[0-9]+$/ && $c["minflt"] ~ /^[0-9]+$/ &&
        $c["majflt"] ~ /^[0-9]+$/ { n++ } END { print n + 0 }' "raw/$m.csv")
    expect_eq "$m alone: rows with the noise columns" "$n" 12
    share=$(csv_col "raw/$m.csv" foreign_pu | sort -g | tail -1)
    awk -v s="$share" 'BEGIN { exit !(s < 0.2) }' && ok ||
        fail "$m alone: foreign share $share of a PU (at least 0.2 is loaded)"
done

# beside a busy loop on the PU of worker 0
pu=$(csv_col raw/threads.csv pu_plan | head -1)
case $pu in ''|*[!0-9]*) fail "no PU in the plan: '$pu'"; pu=0 ;; esac
taskset -c "$pu" bash -c 'while :; do :; done' &
busy=$!
sleep 0.3
"$B/bench-threads" "${args[@]}" -w 1 -o loaded.csv || fail "threads beside the loop: exit status $?"
kill "$busy"
wait "$busy" 2>/dev/null
busy=
expect_eq "beside a busy loop: configuration marked loaded" "$(has_loaded loaded.csv)" 1
share=$(csv_col loaded.csv foreign_pu)
# the loop shares the worker's PU: about half of it, never less than the rule's fifth
awk -v s="$share" 'BEGIN { exit !(s >= 0.3 && s <= 1.5) }' && ok ||
    fail "beside a busy loop: foreign share $share of a PU (expected about 0.5)"
secs=$(csv_col loaded.csv foreign_cpu_s raw | awk '{ t += $1 } END { print t + 0 }')
awk -v s="$secs" 'BEGIN { exit !(s >= 0.05) }' && ok ||
    fail "beside a busy loop: foreign CPU time $secs s over the repetitions"

# bench-summary recomputes `loaded` from the raw rows (the binary's own mark is not kept)
mkdir -p quiet/raw loud/raw
cp raw/threads.csv quiet/raw/
cp loaded.csv loud/raw/
"$B/bench-summary" quiet >/dev/null 2>&1 || fail "bench-summary quiet: status $?"
"$B/bench-summary" loud >/dev/null 2>&1 || fail "bench-summary loud: status $?"
expect_eq "summary.csv alone: loaded points" "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["warnings"] ~ /loaded/' quiet/summary.csv | wc -l)" 0
expect_eq "summary.csv beside the loop: loaded points" "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["warnings"] ~ /loaded/ && $c["foreign_pu"] >= 0.3' loud/summary.csv | wc -l)" 1
# a summary row that claims `loaded` against its raw rows' measure is not believed
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
    $c["row"] == "summary" { $c["warnings"] = "loaded" } { print }' raw/threads.csv >quiet/raw/threads.csv
"$B/bench-summary" quiet >/dev/null 2>&1 || fail "bench-summary quiet (edited): status $?"
expect_eq "summary.csv: a carried 'loaded' is recomputed" "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["warnings"] ~ /loaded/' quiet/summary.csv | wc -l)" 0
finish noise
