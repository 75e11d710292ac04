#!/usr/bin/env bash
# badinput.sh BUILD_DIR TABLE [K/N] - bad input at every entry point, one table for all of them
# (tests/data/bad-invocations.txt): every binary in BUILD_DIR/bench, every script in
# scripts/ and every subcommand of scripts/cbench.py. Each case must end with its exit
# status (2 unless the table says otherwise), exactly one line on stderr that contains the table's word, nothing on stdout, and nothing
# created, changed or removed: not in the folder it ran in, not at its output paths, not in
# the temporary folder, not in a results or plots folder. It must not install or build
# anything either: meson, ninja, apt-get, dpkg-query, sudo and gnuplot are replaced by stubs
# that log their call, and a logged call fails the case.
#
# The scripts run from a copy of scripts/ in a scratch "repository" whose build/ is a link to
# BUILD_DIR, so that their default folders (results/, plots/) are scratch ones too: a case
# that wrongly ran would never touch the real repository's results.
#
# A binary that is not built (bench-openmp, bench-openblas or bench-mpi without their
# libraries) has its cases skipped, with a note that counts them. Then the good invocations:
# --help (and --version for the binaries) exit 0.
#
# K/N (default 0/1): try only the table's cases whose number is K modulo N, and the good
# invocations only when K is 0, so that meson runs the table as N tests side by side (each
# shard with its own scratch folders and snapshot), instead of one three-minute test.
. "$(dirname "$0")/lib.sh"
build=$(cd "$1" && pwd)
table=$2
shard=${3:-0/1}
[[ $shard =~ ^([0-9]+)/([1-9][0-9]*)$ ]] && [ "${BASH_REMATCH[1]}" -lt "${BASH_REMATCH[2]}" ] || {
    echo "badinput.sh: bad shard '$shard' (expected K/N with 0 <= K < N)" >&2; exit 2; }
shard_k=${BASH_REMATCH[1]} shard_n=${BASH_REMATCH[2]}
src=$(cd "$(dirname "$0")/.." && pwd)
B=$build/bench

top=$(mktemp -d)
trap 'chmod -R u+w "$top" 2>/dev/null; rm -rf "$top"' EXIT
repo=$top/repo W=$top/w stubs=$top/stubs io=$top/io calls=$top/io/calls.log
mkdir -p "$repo" "$W" "$stubs" "$io" "$top/tmp"
cp -r "$src/scripts" "$repo/"
mkdir -p "$repo/fuzz" && cp "$src"/fuzz/fuzz-*.c "$repo/fuzz/" # fuzz.sh lists its targets
ln -s "$build" "$repo/build"
export TMPDIR=$top/tmp
export PYTHONDONTWRITEBYTECODE=1 # (a __pycache__ folder would count as a file written)

# --- stubs: a tool that installs, builds or draws logs its call and fails -----------------
for tool in meson ninja apt-get dpkg-query sudo gnuplot; do
    printf '#!/bin/sh\necho "%s $*" >>"%s"\nexit 1\n' "$tool" "$calls" >"$stubs/$tool"
    chmod +x "$stubs/$tool"
done
: >"$calls"

# --- fixtures in the working folder --------------------------------------------------------
echo precious >"$W/keep.csv"
mkdir "$W/adir"
echo "a file, not a folder" >"$W/afile"
res=$W/res
mkdir -p "$res/empty" "$res/good/raw" "$res/emptyraw/raw" "$res/truncated/raw" \
         "$res/binary/raw" "$res/noraws/raw"
"$B/bench-info" --name fixture >"$res/good/context.json" || fail "bench-info: no fixture context"
"$B/bench-seq" -q -k empty --size 1000 --reps 6 --raw -o "$res/good/raw/seq-empty-r1.csv" ||
    fail "bench-seq: no fixture CSV"
"$B/bench-summary" -q "$res/good" || fail "bench-summary: no fixture summary"
# folders for the chart, compare and summary tools, each wrong in one way
for d in ctxonly garbage header badjson notopo schema; do
    mkdir -p "$res/$d"
    cp "$res/good/context.json" "$res/$d/"
done
printf 'this is,not\001 a summary\n1,2\n' >"$res/garbage/summary.csv"
head -1 "$res/good/summary.csv" >"$res/header/summary.csv"
echo '{"schema_version": 1, "run": {' >"$res/badjson/context.json"
cp "$res/good/summary.csv" "$res/badjson/"
echo '{"schema_version": 1, "run": {"label": "x"}}' >"$res/notopo/context.json"
cp "$res/good/summary.csv" "$res/notopo/"
sed -i 's/"schema_version": [0-9]*/"schema_version": 999/' "$res/schema/context.json"
cp "$res/good/summary.csv" "$res/schema/"
head -c -20 "$res/good/raw/seq-empty-r1.csv" >"$res/truncated/raw/seq-empty-r1.csv"
printf 'row,model\0\001\002\n' >"$res/binary/raw/x.csv"
grep -v '^raw,' "$res/good/raw/seq-empty-r1.csv" >"$res/noraws/raw/seq-empty-r1.csv"
# micro-benchmark folders: empty, and one with a corrupt CSV
mkdir -p "$W/micro/empty" "$W/micro/garbage" "$W/micro/headeronly"
printf 'garbage\001,\n' >"$W/micro/garbage/overhead.csv"
: >"$W/micro/headeronly/sync.csv"

# snapshot: every path in the working folder and the scratch repository (the build link
# not followed), its type, size and modification time, and whatever the temporary folder
# holds; a case must leave them as they were
snapshot() {
    find "$W" "$repo" -printf '%p %y %s %T@\n' | sort
    find "$TMPDIR" -mindepth 1 -printf 'left in TMPDIR: %P\n'
}
before=$(snapshot)

cases=0 skipped=0 ran=0 driver_skipped=0
declare -A missing=()
# The scripts and the Python driver are the same in every build: the release build tries
# their cases; a sanitizer build (which runs this suite too) tries the binaries' only.
sanitized=0
"$B/bench-seq" --version | grep -q 'sanitize=none' || sanitized=1
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    # fields split as xargs splits them: '' is an empty argument, quotes group words
    mapfile -d '' -t f < <(printf '%s\n' "$line" | xargs printf '%s\0')
    [ ${#f[@]} -ge 3 ] || { fail "$table:$lineno: expected STATUS PROGRAM WORD [ARG...]"; continue; }
    want=${f[0]} prog=${f[1]} word=${f[2]}
    args=()
    for a in "${f[@]:3}"; do
        a=${a//@W@/$W}
        args+=("${a//@B@/$build}")
    done
    cases=$((cases + 1))
    [ $((cases % shard_n)) = "$shard_k" ] || continue
    case $prog in
        *.sh|cbench) [ $sanitized = 0 ] || { driver_skipped=$((driver_skipped + 1)); continue; } ;;
    esac
    case $prog in
        *.sh) cmd=(bash "$repo/scripts/$prog") ;;
        cbench) cmd=(python3 "$repo/scripts/cbench.py") ;;
        bench-*)
            if [ ! -x "$B/$prog" ]; then
                missing[$prog]=$((${missing[$prog]:-0} + 1))
                skipped=$((skipped + 1))
                continue
            fi
            cmd=("$B/$prog") ;;
        *) fail "$table:$lineno: unknown program '$prog'"; continue ;;
    esac
    ran=$((ran + 1))
    what="$table:$lineno: $prog ${f[*]:3}"
    (cd "$W" && PATH=$stubs:$PATH timeout 60 "${cmd[@]}" ${args[@]+"${args[@]}"} \
        >"$io/out" 2>"$io/err")
    rc=$?
    expect_eq "$what (exit status)" "$rc" "$want"
    expect_eq "$what (lines on stderr)" "$(wc -l <"$io/err")" 1
    expect_eq "$what (bytes on stdout)" "$(wc -c <"$io/out")" 0
    grep -qF -- "$word" "$io/err" && ok || fail "$what: the message does not name '$word': $(head -3 "$io/err")"
    if [ -s "$calls" ]; then
        fail "$what: installed or built before refusing: $(tr '\n' ';' <"$calls")"
        : >"$calls"
    fi
    rm -f "$io/out" "$io/err"
    after=$(snapshot)
    if [ "$after" != "$before" ]; then
        fail "$what: files created, changed or removed: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -5 | tr '\n' ';')"
        before=$after
    else
        ok
    fi
done <"$table"

for prog in "${!missing[@]}"; do
    echo "note: $prog is not built here: its ${missing[$prog]} bad invocations were not tried"
done

# --- the good invocations exit 0 (in shard 0) ----------------------------------------------
[ "$shard_k" = 0 ] || { echo "badinput: shard $shard: $ran of the table's cases tried"
    expect_eq "cases tried" "$((ran > 0))" 1; finish badinput; exit; }
for bin in "$B"/bench-*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    name=${bin##*/}
    "$bin" --help >"$io/out" 2>&1
    expect_eq "$name --help (exit status)" $? 0
    [ -s "$io/out" ] && ok || fail "$name --help prints nothing"
    "$bin" --version >"$io/out" 2>&1
    expect_eq "$name --version (exit status)" $? 0
    grep -q "commit" "$io/out" && ok || fail "$name --version does not name the commit"
done
for s in "$src"/scripts/*.sh; do
    bash "$s" --help >"$io/out" 2>&1
    expect_eq "${s##*/} --help (exit status)" $? 0
    [ -s "$io/out" ] && ok || fail "${s##*/} --help prints nothing"
done
python3 "$src/scripts/cbench.py" --help >"$io/out" 2>&1
expect_eq "cbench.py --help (exit status)" $? 0
for sub in $(sed -n 's/^  \([a-z-]*\)  .*/\1/p' "$io/out"); do
    python3 "$src/scripts/cbench.py" "$sub" --help >"$io/out" 2>&1
    expect_eq "cbench.py $sub --help (exit status)" $? 0
    grep -q "usage: cbench.py $sub" "$io/out" && ok || fail "cbench.py $sub --help prints no usage"
done

[ $driver_skipped = 0 ] ||
    echo "note: a sanitizer build: the $driver_skipped cases of the scripts and the driver are the release build's"
echo "badinput: $cases bad invocations in the table, $ran tried, $((skipped + driver_skipped)) skipped"
expect_eq "cases tried" "$((ran > 0))" 1
finish badinput
