#!/usr/bin/env bash
# context-env.sh BUILD_DIR - a run's integrity (issue 16): what the rows and context.json say
# about where they were measured, and the runs that must not measure at all.
#   - the context id: the same in bench-info's context.json and in every row of every model
#     binary built here, run in the same environment; another one under `taskset -c 0` and
#     with OPENBLAS_NUM_THREADS=1;
#   - the CSV's last columns quota_cpus, schema, context; a fake cgroup (CB_CGROUP_ROOT, a
#     test-only variable) with cpu.max '100000 100000': quota_cpus 1 in every row, the
#     warning `quota` on p=2's summary row and not on p=1's, one stderr warning, and
#     bench-summary carries `quota` into summary.csv; bench-summary refuses a folder whose
#     files were measured in two contexts (exit 2, nothing written);
#   - HWLOC_XMLFILE (another machine's topology): every model binary refuses to measure
#     (exit 2, one line, no output file), --plan and --model-info still answer,
#     --foreign-topology measures and marks the rows `foreign-topology`, and bench-info
#     says this_machine false;
#   - bench-openmp with an inherited OMP_PROC_BIND, OMP_PLACES or GOMP_CPU_AFFINITY: refused
#     before anything (exit 2, one line, no output file); --model-info still answers.
# A few seconds: tiny sizes, one repetition.
. "$(dirname "$0")/lib.sh"
B=$(cd "$1" && pwd)/bench
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

models=()
for m in seq threads procs procpool threadpool openmp openblas mpi; do
    [ -x "$B/bench-$m" ] && models+=("$m")
done
# a tiny run of model $1 with the remaining arguments; its CSV on stdout
tiny() {
    local m=$1
    shift
    if [ "$m" = openblas ]; then
        "$B/bench-$m" -q -k matmul -n 64 --reps 1 "$@"
    else
        "$B/bench-$m" -q -k randsum -n 100000 --reps 1 "$@"
    fi
}
info_id() { "$B/bench-info" | awk -F'"' '$2 == "context_id" { print $4 }'; }

# --- the context id: one per environment -------------------------------------------------
ids() {
    { info_id
    for m in "${models[@]}"; do
        if [ "$m" = mpi ] && ! timeout 60 "$B/bench-mpi" -q -k empty -n 1000 --reps 1 -w 1 >/dev/null 2>&1; then
            continue # mpirun does not work here (mpi.sh says so)
        fi
        tiny "$m" -w 1 | csv_col /dev/stdin context
    done; } | sort -u
}
id=$(ids)
[[ $id =~ ^[0-9a-f]{16}$ ]] && ok || fail "one context id for bench-info and ${models[*]}: got '$id'"
if [ "$(nproc)" -gt 1 ]; then
    pinned=$(taskset -c 0 bash -c "$(declare -f ids tiny info_id csv_col); B=$B; models=(${models[*]}); ids")
    [[ $pinned =~ ^[0-9a-f]{16}$ ]] && [ "$pinned" != "$id" ] && ok ||
        fail "taskset -c 0: one other context id expected, got '$pinned' (unpinned $id)"
fi
other=$(OPENBLAS_NUM_THREADS=1 info_id)
[ -n "$other" ] && [ "$other" != "$id" ] && ok || fail "OPENBLAS_NUM_THREADS=1: the same context id $id"
[ "$(CB_TEST_X=1 OMPI_MCA_x=1 info_id)" = "$id" ] && ok || fail "CB_* or OMPI_* changed the context id"

# --- the last columns; the cgroup quota, from a fake cgroup --------------------------------
cg=$work/cgroup
mkdir "$cg"
echo "100000 100000" >"$cg/cpu.max"
CB_CGROUP_ROOT=$cg "$B/bench-threads" -k randsum -n 100000 --reps 2 --raw -w 1,2 -o q.csv 2>q.err ||
    fail "bench-threads under a quota failed"
# (schema 3 appends the nine noise columns after them: tests/noise.sh)
expect_eq "the last columns" "$(head -1 q.csv | awk -F, '{ print $(NF - 11), $(NF - 10), $(NF - 9) }')" \
    "quota_cpus schema context"
expect_eq "quota_cpus, schema in every row" \
    "$(awk -F, 'NR > 1 { print $(NF - 11), $(NF - 10) }' q.csv | sort -u)" "1 3"
expect_eq "context in every row" "$(awk -F, 'NR > 1 && $(NF - 9) ~ /^[0-9a-f]{16}$/' q.csv | wc -l)" 6
expect_eq "p=2 summary row warns quota" \
    "$(paste -d, <(csv_col q.csv workers) <(csv_col q.csv warnings) | awk -F, '$2 ~ /(^|;)quota(;|$)/ { print $1 }')" 2
expect_eq "one stderr warning" "$(grep -c 'warning: 2 workers with a CPU quota of 1 CPUs (cgroup cpu.max)' q.err)" 1
CB_CGROUP_ROOT=$cg "$B/bench-info" >ctx.json
grep -q '"cpu_max": "100000 100000"' ctx.json && grep -q '"cpu_quota_cpus": 1,' ctx.json && ok ||
    fail "context.json: no cgroup quota: $(grep -A4 '"cgroup"' ctx.json | tr -s ' \n' ' ')"
python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); sys.exit(not (c["schema_version"] == 3 and c["topology"]["this_machine"] is True and len(c["run"]["context_id"]) == 16))' ctx.json &&
    ok || fail "context.json: schema_version 3, run.context_id, topology.this_machine"
# unlimited: quota_cpus empty, no warning
mkdir nolimit
echo "max 100000" >nolimit/cpu.max
CB_CGROUP_ROOT=$work/nolimit "$B/bench-threads" -q -k randsum -n 100000 --reps 1 -w 1,2 -o u.csv
expect_eq "no quota: quota_cpus empty" "$(awk -F, 'NR > 1 { print "[" $(NF - 11) "]" }' u.csv | sort -u)" "[]"
expect_eq "no quota: no warning" "$(csv_col u.csv warnings | grep -c quota)" 0

# bench-summary: `quota` carried; two contexts refused
mkdir -p res/raw
CB_CGROUP_ROOT=$cg "$B/bench-seq" -q -k randsum -n 100000 --reps 2 --raw -o res/raw/seq.csv
cp q.csv res/raw/threads.csv
"$B/bench-summary" -q -o res/summary.csv res || fail "bench-summary of one context failed"
expect_eq "summary.csv carries quota" \
    "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["model"] == "threads" && $c["warnings"] ~ /(^|;)quota(;|$)/ { print $c["workers"] }' res/summary.csv)" 2
rm res/summary.csv
"$B/bench-seq" -q -k randsum -n 100000 --reps 2 --raw -o res/raw/seq.csv # no quota: another context
"$B/bench-summary" -q -o res/summary.csv res 2>s.err
expect_eq "two contexts: exit status" $? 2
expect_eq "two contexts: one line" "$(wc -l <s.err)" 1
grep -q 'threads.csv: measured in another context (context id' s.err && ok || fail "two contexts: $(cat s.err)"
[ ! -e res/summary.csv ] && ok || fail "two contexts: summary.csv written"

# --- another machine's topology ----------------------------------------------------------
xml=$src/tests/data/twokind.xml
for m in "${models[@]}"; do
    HWLOC_XMLFILE=$xml tiny "$m" -w 1 -o f.csv 2>f.err >f.out
    expect_eq "HWLOC_XMLFILE: bench-$m exit status" $? 2
    expect_eq "HWLOC_XMLFILE: bench-$m stderr lines" "$(wc -l <f.err)" 1
    grep -q "HWLOC_XMLFILE is set: hwloc would describe another machine than this one; unset it, or give --foreign-topology" f.err &&
        ok || fail "HWLOC_XMLFILE: bench-$m said: $(cat f.err)"
    [ ! -e f.csv ] && [ ! -s f.out ] && ok || fail "HWLOC_XMLFILE: bench-$m wrote something"
    HWLOC_XMLFILE=$xml "$B/bench-$m" --plan -w 1 >/dev/null 2>&1 && ok || fail "HWLOC_XMLFILE: bench-$m --plan refused"
    HWLOC_XMLFILE=$xml "$B/bench-$m" --plan --json -w 1 >/dev/null 2>&1 && ok || fail "HWLOC_XMLFILE: bench-$m --plan --json refused"
    HWLOC_XMLFILE=$xml "$B/bench-$m" --model-info >/dev/null 2>&1 && ok || fail "HWLOC_XMLFILE: bench-$m --model-info refused"
done
for v in HWLOC_SYNTHETIC=pack:2 HWLOC_FSROOT=/ HWLOC_THISSYSTEM=0; do
    env "$v" "$B/bench-seq" -q -k empty -n 1000 --reps 1 2>f.err >/dev/null
    expect_eq "$v: bench-seq exit status" $? 2
    grep -q "^bench-seq: ${v%%=*} is set" f.err && ok || fail "$v: bench-seq said: $(cat f.err)"
done
HWLOC_XMLFILE=$xml "$B/bench-threads" -q -k randsum -n 100000 --reps 1 -w 1 --foreign-topology -o f.csv ||
    fail "--foreign-topology: bench-threads failed"
expect_eq "--foreign-topology marks the rows" "$(csv_col f.csv warnings | grep -c 'foreign-topology')" 1
"$B/bench-threads" --help | grep -q -- --foreign-topology && ok || fail "--help does not name --foreign-topology"
HWLOC_XMLFILE=$xml "$B/bench-info" >f.json || fail "bench-info refused HWLOC_XMLFILE"
python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); sys.exit(not (c["topology"]["this_machine"] is False and "HWLOC_XMLFILE" in c["environment"]))' f.json &&
    ok || fail "bench-info under HWLOC_XMLFILE: this_machine false and the variable recorded"
KMP_AFFINITY=none GOTO_NUM_THREADS=1 "$B/bench-info" | grep -q '"GOTO_NUM_THREADS": "1"' && ok ||
    fail "context.json's environment lacks GOTO_*"

# --- bench-openmp and an inherited binding ------------------------------------------------
if [ -x "$B/bench-openmp" ]; then
    for v in OMP_PROC_BIND=true OMP_PLACES=cores GOMP_CPU_AFFINITY=0; do
        env "$v" "$B/bench-openmp" -k randsum --size 100000 -w 2 --reps 1 -o X 2>o.err >o.out
        expect_eq "$v: bench-openmp exit status" $? 2
        expect_eq "$v: one line" "$(wc -l <o.err)" 1
        grep -q "^bench-openmp: ${v%%=*} is set in the environment: libgomp binds this program before it starts" o.err &&
            ok || fail "$v: bench-openmp said: $(cat o.err)"
        [ ! -e X ] && [ ! -s o.out ] && ok || fail "$v: bench-openmp wrote something"
    done
    OMP_PROC_BIND=true "$B/bench-openmp" --model-info >/dev/null && ok || fail "OMP_PROC_BIND: --model-info refused"
    # the harness's own re-execution (CB_OMP_BIND) still runs, and --bind none too
    # (not under ThreadSanitizer: libgomp is not instrumented, and TSan misreads its
    # barriers as races, as in tests/bind.sh)
    if ! "$B/bench-openmp" --version | grep -q "sanitize=thread"; then
        "$B/bench-openmp" -q -k randsum -n 100000 --reps 1 -w 2 -o ok.csv && [ -s ok.csv ] && ok ||
            fail "bench-openmp with the suite's own placement failed"
    fi
fi

finish context-env
