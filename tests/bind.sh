#!/usr/bin/env bash
# bind.sh BUILD_DIR - placement seen from the command line: --plan on synthetic topologies
# and XML, the caller's cpuset honoured (taskset), binding verified on this machine for
# every model, and bench-info's context JSON.
. "$(dirname "$0")/lib.sh"
B=$(cd "$1" && pwd)/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
models=$(for b in "$B"/bench-*; do [ -x "$b" ] && "$b" --model-info >/dev/null 2>&1 && basename "$b"; done)
# libgomp is not built for ThreadSanitizer, which then reports races at every OpenMP
# barrier: in a TSan build, OpenMP is left to the other builds' runs of this test
if [ -x "$B/bench-openmp" ] && "$B/bench-openmp" --version | grep -q "sanitize=thread"; then
    models=$(echo "$models" | grep -vx bench-openmp)
    echo "note: ThreadSanitizer build: bench-openmp skipped (libgomp is not instrumented)"
fi

# --plan on a 2-socket SMT machine: 64 PUs, oversubscription said when p > 64
"$B/bench-threads" --plan --topology "pack:2 numa:2 core:8 pu:2" --bind scatter --workers 1,2,4,64,65 >"$work/plan"
expect_eq "--plan exit status" $? 0
expect_eq "--plan p=2 spreads over the packages" "$(grep '^p=2:' "$work/plan")" "p=2: 0 32"
expect_eq "--plan p=4 spreads over NUMA nodes" "$(grep '^p=4:' "$work/plan")" "p=4: 0 32 16 48"
grep -q "^p=65 (oversubscribed: 65 workers on 64 PUs)" "$work/plan" || fail "--plan does not say p=65 is oversubscribed"
ok
"$B/bench-threads" --plan --topology "pack:2 numa:2 core:8 pu:2" --bind cores --workers 2,33 >"$work/plan"
expect_eq "--plan cores p=2: distinct cores, no SMT sibling" "$(grep '^p=2:' "$work/plan")" "p=2: 0 2"
"$B/bench-threads" --plan --topology "pack:2 numa:2 core:8 pu:2" --bind compact --workers 2 >"$work/plan"
expect_eq "--plan compact p=2: SMT siblings of one core" "$(grep '^p=2:' "$work/plan")" "p=2: 0 1"
"$B/bench-procs" --plan --topology-xml "$(dirname "$0")/data/twokind.xml" --bind compact --workers 4 >"$work/plan"
expect_eq "--plan on XML, the higher-ranked kind first" "$(grep '^p=4:' "$work/plan")" "p=4: 4 5 6 7"
# every model binary takes --plan and --bind
for m in $models; do
    if [ $m = bench-seq ]; then
        "$B/$m" --plan --bind scatter --topology "pack:4 core:16 pu:1" >"$work/plan" 2>&1
        expect_eq "$m --plan" "$(grep '^p=' "$work/plan")" "p=1: 0"
        continue
    fi
    "$B/$m" --plan --bind scatter --topology "pack:4 core:16 pu:1" --workers 4 >"$work/plan" 2>&1
    expect_eq "$m --plan" "$(grep '^p=' "$work/plan")" "p=4: 0 16 32 48"
done

# bad topologies: exit 2, one line, never the real machine
"$B/bench-threads" --plan --topology "pack:2 pu:2" >/dev/null
expect_eq "a valid synthetic topology" $? 0
for args in "--topology pack:2,core:x" "--topology-xml $work/none.xml"; do
    "$B/bench-threads" --plan $args >"$work/out" 2>"$work/err"
    expect_eq "$args exit status" $? 2
    expect_eq "$args stderr lines" "$(wc -l <"$work/err")" 1
    expect_eq "$args stdout" "$(wc -c <"$work/out")" 0
done

# this machine: every model's workers are where the plan says, every repetition
for m in $models; do
    info=$("$B/$m" --model-info)
    k=randsum size=2000000
    case $info in *kernels=matmul) k=matmul size=64 ;; esac
    w="--workers 1-all"
    [ $m = bench-seq ] && w=""
    # Open MPI's own leaks would trip LeakSanitizer in an AddressSanitizer build
    asan=${ASAN_OPTIONS:-}
    [ $m = bench-mpi ] && asan="${asan:+$asan:}detect_leaks=0"
    ASAN_OPTIONS=$asan "$B/$m" -q -k $k --size $size $w --reps 3 --raw -o "$work/b.csv"
    expect_eq "$m exit status" $? 0
    b=$(csv_col "$work/b.csv" binding | sort -u)
    case $m in
        bench-openblas)
            # its threads are OpenBLAS's: placed through openblas_setaffinity where the
            # library has it (meson's check), their masks read for binding; else unknown
            want=unknown
            grep -q CB_OPENBLAS_AFFINITY "$1/compile_commands.json" 2>/dev/null && want=held
            expect_eq "$m binding (OpenBLAS's threads, from their masks)" "$b" $want
            # --bind none: the library's own placement; its threads' masks say nothing
            "$B/$m" -q -k $k --size $size --workers 1,2 --reps 2 --bind none -o "$work/n.csv"
            expect_eq "$m --bind none exit status" $? 0
            expect_eq "$m --bind none binding" "$(csv_col "$work/n.csv" binding | tr '\n' ' ')" "unbound unknown " ;;
        *) expect_eq "$m binding" "$b" held ;;
    esac
done

# the caller's cpuset: under taskset -c 1 every worker runs on PU 1
if command -v taskset >/dev/null && taskset -c 1 true 2>/dev/null; then
    taskset -c 1 "$B/bench-threads" --plan --workers 1,2 >"$work/plan"
    expect_eq "taskset plan p=1" "$(grep '^p=1:' "$work/plan")" "p=1: 1"
    expect_eq "taskset plan p=2" "$(grep '^p=2' "$work/plan")" "p=2 (oversubscribed: 2 workers on 1 PUs): 1 1"
    for m in bench-seq bench-threads bench-procs bench-procpool; do
        w="--workers 1-3"
        [ $m = bench-seq ] && w=""
        taskset -c 1 "$B/$m" -q -k randsum --size 1000000 $w --reps 2 --raw -o "$work/t.csv"
        expect_eq "$m under taskset -c 1" "$(csv_col "$work/t.csv" pu_map raw | tr ';' '\n' | sort -u)" 1
    done
    taskset -c 1 "$B/bench-procs" -q --start spawn -k randsum --size 1000000 --workers 2 --reps 2 --raw -o "$work/t.csv"
    expect_eq "spawned workers under taskset -c 1" "$(csv_col "$work/t.csv" pu_map raw | tr ';' '\n' | sort -u)" 1
    taskset -c 1 "$B/bench-info" >"$work/ctx.json"
    expect_eq "bench-info allowed cpuset under taskset" "$(jq -r .topology.allowed_cpuset "$work/ctx.json")" 1
else
    echo "note: this machine has no PU 1; the taskset checks were not run"
fi

# bench-info: valid JSON with the context fields
"$B/bench-info" >"$work/ctx.json"
expect_eq "bench-info exit status" $? 0
jq -e . "$work/ctx.json" >/dev/null
expect_eq "bench-info JSON parses" $? 0
for f in .schema_version .suite.version .suite.commit .suite.compiler .suite.build_flags .suite.libraries \
         .run.date .run.hostname .run.label .run.load_average .run.timer_resolution_s \
         .run.timer_cost_s .cpu.vendor .cpu.brand .cpu.family .cpu.model .cpu.ext_model \
         .cpu.hypervisor .cpu.measured_clock_mhz .cpu.features.avx2 .cpu.features.avx512f \
         .topology.packages .topology.numa_nodes .topology.cores .topology.pus .topology.smt \
         .topology.cpukinds .topology.l1d_bytes .topology.l2_bytes .topology.l3_bytes \
         .topology.allowed_cpuset .topology.bound_cpuset .topology.memory_bytes \
         .system.kernel .system.libc .system.governor .system.boost .environment; do
    jq -e "$f != null" "$work/ctx.json" >/dev/null || fail "bench-info: $f missing"
    ok
done
expect_eq "label from bench-info --label" "$("$B/bench-info" --label)" "$(jq -r .run.label "$work/ctx.json")"
expect_eq "label override" "$("$B/bench-info" --label --name my-box)" my-box
CB_TEST_VAR=1 OMP_NUM_THREADS=3 "$B/bench-info" | jq -r '.environment.OMP_NUM_THREADS' >"$work/env"
expect_eq "OMP_ environment recorded" "$(cat "$work/env")" 3
finish bind
