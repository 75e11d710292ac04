#!/usr/bin/env bash
# micro.sh BUILD_DIR - the micro-benchmarks (bench-overhead, bench-ipc, bench-sync,
# bench-memory) in a quick mode: each exits 0 and writes a well-formed CSV (the shared
# header, 30 fields a row, every summary figure finite and not negative, positive unless
# marked `within noise`, its interval around its median, n = reps, one raw row per sample,
# every construct present); every row placed as the models place theirs (--bind: binding
# held or moved, pu_plan the plan bench-threads --plan prints for the same p; unbound under
# --bind none); bad command lines give exit 2, one line and no file; SIGINT and
# SIGTERM kill and reap every worker; and no process or IPC object is left behind. Nothing
# here asserts a time.
. "$(dirname "$0")/lib.sh"
B=$(cd "$1" && pwd)/bench
T=$(cd "$1" && pwd)/tests
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

header='row,bench,construct,between,size,workers,metric,unit,rep,value,ref_value,median,ci_low,ci_high,min,max,mean,stddev,cv,n,outliers,inner,reference,ref_median,verdict,note,warnings,bind,binding,pu_plan,foreign_cpu_s,foreign_pu'
reps=6

mq_checked=0
if [ -d /dev/mqueue ] && mountpoint -q /dev/mqueue; then
    mq_checked=1
else
    echo "note: /dev/mqueue is not mounted here; message-queue leaks are not checked"
fi
ipc_state() { ls -A /dev/shm; [ $mq_checked = 1 ] && ls -A /dev/mqueue; true; }
tag_processes micro
leftover_names='bench-.*|true'
ipc_before=$(ipc_state)

# well_formed FILE LABEL CONSTRUCTS: the CSV's shape and figures
well_formed() {
    file=$1 label=$2 want=$3
    expect_eq "$label: header" "$(head -1 "$file")" "$header"
    bad=$(awk -F, 'NR > 1 && NF != 32' "$file" | wc -l)
    expect_eq "$label: rows of 32 fields" "$bad" 0
    # the foreign load over each row's measurement (noise.h), in every summary row
    expect_eq "$label: summary rows without foreign_cpu_s and foreign_pu" "$(awk -F, '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["row"] == "summary" && !($c["foreign_cpu_s"] ~ /^[0-9]+\.[0-9]+$/ &&
                                    $c["foreign_pu"] ~ /^[0-9]+\.[0-9]+$/)' "$file" | wc -l)" 0
    summaries=$(awk -F, '$1 == "summary"' "$file" | wc -l)
    [ "$summaries" -gt 0 ] || fail "$label: no summary row"
    # every summary figure: finite, not negative; median in [ci_low, ci_high] and
    # [min, max]; positive unless the cost is within noise; n = reps; a unit
    problems=$(awk -F, -v reps=$reps '
        function isnum(x) { return x ~ /^[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?$/ }
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["row"] != "summary" { next }
        {
            what = $c["construct"] " " $c["between"] " " $c["metric"] " p=" $c["workers"] " size=" $c["size"]
            for (k = 0; k < 5; k++) {
                f = k == 0 ? "median" : k == 1 ? "ci_low" : k == 2 ? "ci_high" : k == 3 ? "min" : "max"
                if (!isnum($c[f])) { print what ": " f " = \"" $c[f] "\""; next }
            }
            m = $c["median"] + 0
            if ($c["ci_low"] + 0 > m || $c["ci_high"] + 0 < m) print what ": median " m " outside its interval"
            if ($c["min"] + 0 > m || $c["max"] + 0 < m) print what ": median " m " outside [min, max]"
            if (m <= 0 && $c["verdict"] != "within noise") print what ": median " m " not positive"
            if ($c["n"] != reps) print what ": n = " $c["n"]
            if ($c["unit"] == "") print what ": no unit"
            if ($c["verdict"] != "" && $c["verdict"] != "significant" && $c["verdict"] != "within noise")
                print what ": verdict " $c["verdict"]
            if ($c["verdict"] != "" && $c["reference"] == "") print what ": a cost with no reference named"
        }' "$file")
    [ -z "$problems" ] && ok || fail "$label: $problems"
    raws=$(awk -F, '$1 == "raw"' "$file" | wc -l)
    expect_eq "$label: raw rows" "$raws" $((summaries * reps))
    got=$(awk -F, '$1 == "summary" { print $3 }' "$file" | sort -u | tr '\n' ' ')
    expect_eq "$label: constructs" "$got" "$(printf '%s\n' $want | sort -u | tr '\n' ' ')"
    placed "$file" "$label" "${4:-cores}"
}

# placed FILE LABEL POLICY: every summary row says where its workers ran, as the models'
# rows do. Under a policy: binding held or moved (a worker left its PU: the binding-moved
# warning with it), never empty; unknown only for spawn (any policy), whose /bin/true cannot
# say; the pu_plan of p workers is what bench-threads --plan gives for p. Under none:
# unbound, and a plan of -1s. Raw rows carry the policy only.
plan_of() { # POLICY P: bench-threads --plan's line for p, as pu_plan writes it
    "$B/bench-threads" --plan --bind "$1" --workers "$2" |
        awk -v p="$2" '$1 == "p=" p || $1 == "p=" p ":" { n = split($0, a, ": "); s = a[n]; gsub(/-/, "-1", s); gsub(/ /, ";", s); print s }'
}
placed() {
    file=$1 label=$2 policy=$3
    problems=$(awk -F, -v policy="$policy" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["bind"] != policy { print $c["row"] " " $c["construct"] ": bind " $c["bind"]; next }
        $c["row"] != "summary" { if ($c["binding"] != "" || $c["pu_plan"] != "") print "raw row with binding"; next }
        {
            what = $c["construct"] " " $c["between"] " " $c["metric"] " p=" $c["workers"] ": "
            b = $c["binding"]
            moved = $c["warnings"] ~ /(^|;)binding-moved(;|$)/
            if ($c["construct"] == "spawn" && $c["bench"] == "overhead") { if (b != "unknown") print what "binding " b }
            else if (policy == "none") { if (b != "unbound") print what "binding " b }
            else if (b != "held" && b != "moved") print what "binding \"" b "\""
            if ((b == "moved") != moved) print what "binding " b " with warnings " $c["warnings"]
            if (split($c["pu_plan"], pl, ";") != $c["workers"]) print what "pu_plan " $c["pu_plan"]
        }' "$file")
    [ -z "$problems" ] && ok || fail "$label: $problems"
    for p in $(awk -F, '$1 == "summary" { print $6 }' "$file" | sort -u); do
        want=$(plan_of "$policy" "$p")
        got=$(awk -F, -v p="$p" '$1 == "summary" && $6 == p { print $30 }' "$file" | sort -u)
        expect_eq "$label: pu_plan of p=$p is bench-threads --plan's" "$got" "$want"
    done
}

quick=(--quick --reps $reps --min-time 0.0005 --raw -q)

# --- bench-overhead ---------------------------------------------------------------------
constructs="thread fork spawn spawn-self threadpool procpool"
only=""
if "$B/bench-overhead" --help | grep -q "no OpenMP"; then
    :
elif "$B/bench-overhead" --version | grep -q "sanitize=thread"; then
    # libgomp is not built for ThreadSanitizer, which misreads its barriers (tests/meson.build)
    only="--only $(echo $constructs | tr ' ' ,)"
else
    constructs="$constructs openmp"
fi
"$B/bench-overhead" "${quick[@]}" --workers 1,3 $only -o "$work/overhead.csv"
expect_eq "bench-overhead exit status" $? 0
well_formed "$work/overhead.csv" bench-overhead "$constructs"
expect_eq "bench-overhead: worker counts" "$(awk -F, '$1 == "summary" { print $6 }' "$work/overhead.csv" | sort -u | tr '\n' ' ')" "1 3 "
expect_eq "bench-overhead: units" "$(awk -F, '$1 == "summary" { print $8 }' "$work/overhead.csv" | sort -u | tr '\n' ' ')" "us/dispatch us/worker "
# how the pools wait, as each p resolves it (the note says it): a pool sizes its policy from
# the PUs its creator may use, so a pool created from a caller already bound to one PU took
# two workers on two PUs for oversubscription and slept in every pass (fixed in
# bench-overhead: it creates the pools before it pins the caller)
pus=$(nproc)
wait_of() { awk -F, -v c="$2" -v p="$3" '$1 == "summary" && $3 == c && $6 == p { sub(/.*[(]wait auto: /, "", $26); sub(/[)].*/, "", $26); print $26 }' "$1"; }
"$B/bench-overhead" "${quick[@]}" --workers 2 --only threadpool,procpool -o "$work/overhead-wait.csv"
expect_eq "bench-overhead --workers 2 exit status" $? 0
if [ "$pus" -ge 2 ]; then want_tp="poll then sleep"; else want_tp="sleep"; fi
if [ "$pus" -ge 3 ]; then want_pp="poll then sleep"; elif [ "$pus" -ge 2 ]; then want_pp="yield-poll then sleep"; else want_pp="sleep"; fi
expect_eq "bench-overhead: the thread pool's wait at p=2 on $pus PUs" "$(wait_of "$work/overhead-wait.csv" threadpool 2)" "$want_tp"
expect_eq "bench-overhead: the process pool's wait at p=2 on $pus PUs" "$(wait_of "$work/overhead-wait.csv" procpool 2)" "$want_pp"
expect_eq "bench-overhead: the thread pool's wait at p=1" "$(wait_of "$work/overhead.csv" threadpool 1)" "poll then sleep"
if [ "$pus" -ge 2 ] && command -v taskset >/dev/null; then
    first_pu=$(taskset -pc $$ | sed 's/.*: *//; s/[-,].*//')
    taskset -c "$first_pu" "$B/bench-overhead" "${quick[@]}" --workers 2 --only threadpool -o "$work/overhead-one.csv"
    expect_eq "bench-overhead on one PU exit status" $? 0
    expect_eq "bench-overhead: the thread pool's wait at p=2 on one PU" "$(wait_of "$work/overhead-one.csv" threadpool 2)" "sleep"
fi
# the other placements: --bind none leaves every worker unbound; scatter is planned like a model's
"$B/bench-overhead" "${quick[@]}" --workers 2 $only --bind none -o "$work/overhead-none.csv"
expect_eq "bench-overhead --bind none exit status" $? 0
well_formed "$work/overhead-none.csv" "bench-overhead --bind none" "$constructs" none
"$B/bench-sync" "${quick[@]}" --workers 3 --only mutex --bind scatter -o "$work/sync-scatter.csv"
expect_eq "bench-sync --bind scatter exit status" $? 0
well_formed "$work/sync-scatter.csv" "bench-sync --bind scatter" mutex scatter

# --- bench-ipc ---------------------------------------------------------------------------
"$B/bench-ipc" "${quick[@]}" --sizes 8,64Ki -o "$work/ipc.csv"
expect_eq "bench-ipc exit status" $? 0
well_formed "$work/ipc.csv" bench-ipc "pipe mqueue socket shm"
expect_eq "bench-ipc: rows (4 channels x 2 x 2 sizes x 2 metrics)" "$(awk -F, '$1 == "summary"' "$work/ipc.csv" | wc -l)" 32
expect_eq "bench-ipc: mqueue chunks said" "$(awk -F, '$1 == "summary" && $3 == "mqueue" && $5 == 65536 && $26 ~ /chunks/' "$work/ipc.csv" | wc -l)" 4

# --- bench-sync --------------------------------------------------------------------------
"$B/bench-sync" "${quick[@]}" --workers 1,3 -o "$work/sync.csv"
expect_eq "bench-sync exit status" $? 0
well_formed "$work/sync.csv" bench-sync "mutex rmutex sem cond event barrier atomic"
expect_eq "bench-sync: rows (7 x 2 x (1 + 2))" "$(awk -F, '$1 == "summary"' "$work/sync.csv" | wc -l)" 42

# --- bench-memory ------------------------------------------------------------------------
"$B/bench-memory" "${quick[@]}" --workers 1,2 --sizes 64,200 -o "$work/memory.csv"
expect_eq "bench-memory exit status" $? 0
well_formed "$work/memory.csv" bench-memory "threads fork spawn"
expect_eq "bench-memory: rows (3 x 2 sizes x 2 p x rss,pss)" "$(awk -F, '$1 == "summary"' "$work/memory.csv" | wc -l)" 24
# PSS never exceeds RSS (a page is charged at most once per process)
worse=$(awk -F, '$1 == "summary" { k = $3 " " $5 " " $6; v[k, $7] = $12 }
    END { for (kk in v) { split(kk, a, SUBSEP); if (a[2] == "pss" && v[a[1], "pss"] > v[a[1], "rss"] + 1e-9) print a[1] } }' "$work/memory.csv")
[ -z "$worse" ] && ok || fail "bench-memory: PSS above RSS for $worse"

# --- the minimal loop builds and runs ----------------------------------------------------
"$T/minimal-costs" 3 2 >"$work/min.csv"
expect_eq "minimal-costs exit status" $? 0
expect_eq "minimal-costs rows" "$(awk -F, 'NR > 1 && $4 > 0' "$work/min.csv" | wc -l)" 6

expect_eq "leftover processes after the runs" "$(leftovers)" 0
expect_eq "IPC objects after the runs" "$(ipc_state)" "$ipc_before"

# --- bad command lines: exit 2, one line, nothing written -----------------------------------
mkdir "$work/adir"
echo precious >"$work/keep.csv"
bad() {
    bin=$1 word=$2
    shift 2
    before=$(ls -A "$work" | sort | tr '\n' ' ')
    (cd "$work" && "$B/$bin" "$@" >"$work/.out" 2>"$work/.err")
    rc=$?
    expect_eq "$bin $* (exit status)" $rc 2
    expect_eq "$bin $* (stderr lines)" "$(wc -l <"$work/.err")" 1
    expect_eq "$bin $* (stdout bytes)" "$(wc -c <"$work/.out")" 0
    grep -q -- "$word" "$work/.err" || fail "$bin $*: message does not name '$word': $(cat "$work/.err")"
    rm -f "$work/.out" "$work/.err"
    expect_eq "$bin $* (files)" "$(ls -A "$work" | sort | tr '\n' ' ')" "$before"
    expect_eq "$bin $* (existing output untouched)" "$(cat "$work/keep.csv")" precious
}
for bin in bench-overhead bench-ipc bench-sync bench-memory; do
    bad $bin "unknown option" --nosuch
    bad $bin "model-info" --model-info
    bad $bin "reps" --reps 0
    bad $bin "warmup" --warmup 0
    bad $bin "min-time" --min-time 0
    bad $bin "only" --only nosuch
    bad $bin "unexpected" extra
    bad $bin "directory" -o "$work/adir" --quick
    bad $bin "needs a value" --reps
done
bad bench-overhead "workers" --workers 0
bad bench-overhead "workers" --workers 4-1
bad bench-overhead "delay" --delay -5
bad bench-overhead "sizes" --sizes 8
bad bench-ipc "workers" --workers 2
bad bench-ipc "sizes" --sizes 4
bad bench-ipc "sizes" --sizes 8,x
bad bench-ipc "between" --between nobody
bad bench-sync "workers" --workers many
bad bench-sync "delay" --delay 10
bad bench-memory "sizes" --sizes 0
bad bench-memory "sizes" --sizes 20000
bad bench-memory "between" --between threads
for bin in bench-overhead bench-ipc bench-sync bench-memory; do
    bad $bin "bind" --bind nowhere
    bad $bin "bind" --bind ''
    bad $bin "needs a value" --bind
done

# --- signals: every worker killed and reaped, nothing left ---------------------------------
for sig in INT TERM; do
    want=$((128 + $(kill -l $sig)))
    for cmd in "bench-sync --only mutex --between processes --workers 3" \
               "bench-ipc --only mqueue --between processes" \
               "bench-ipc --only shm --between processes" \
               "bench-overhead --only procpool --workers 2" \
               "bench-memory --only fork --sizes 64 --workers 2"; do
        set -- $cmd
        bin=$1
        shift
        "$B/$bin" -q --reps 1000 --min-time 0.05 "$@" -o "$work/s.csv" 2>/dev/null &
        pid=$!
        sleep 0.4
        kill -$sig $pid
        wait $pid
        expect_eq "$cmd SIG$sig: exit status" $? $want
        expect_eq "$cmd SIG$sig: leftover processes" "$(leftovers)" 0
        expect_eq "$cmd SIG$sig: IPC objects" "$(ipc_state)" "$ipc_before"
        expect_eq "$cmd SIG$sig: no output or temporary file" "$(ls -A "$work" | grep -c 's.csv')" 0
    done
done
finish micro
