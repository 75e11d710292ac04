#!/usr/bin/env bash
# malformed.sh BUILD_DIR - the malformed inputs of fuzz/corpus (issue 8) through the real
# binaries, malformed context.json files through the driver's reader, and what cannot be put
# in a corpus file (a folder, a FIFO or a device where a
# file is expected, a line over the reader's limit). Every refusal: exit status 2 within a
# minute (no hang), exactly one line on stderr, nothing on stdout, no file created, changed
# or removed. Accepted inputs: exit status 0.
. "$(dirname "$0")/lib.sh"
B=$(cd "$1" && pwd)/bench
src=$(cd "$(dirname "$0")/.." && pwd)
corpus=$src/fuzz/corpus
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
models=(threads seq procs threadpool procpool) # the first byte of a cli corpus file

# run WHAT DIR CMD...: run CMD in DIR, bounded; sets rc, and the files' listing before/after
run() {
    what=$1 dir=$2
    shift 2
    before=$(cd "$dir" && find . -exec stat -c '%n %s %Y' {} + | sort)
    (cd "$dir" && timeout 60 "$@" >"$work/.out" 2>"$work/.err")
    rc=$?
    after=$(cd "$dir" && find . -exec stat -c '%n %s %Y' {} + | sort)
}

# refuse WHAT DIR CMD...: exit 2, one line on stderr, no stdout, the folder unchanged
refuse() {
    run "$@"
    expect_eq "$what (exit status)" "$rc" 2
    expect_eq "$what (stderr lines)" "$(wc -l <"$work/.err")" 1
    expect_eq "$what (stdout bytes)" "$(wc -c <"$work/.out")" 0
    expect_eq "$what (files)" "$after" "$before"
}

# accept WHAT DIR CMD...: exit 0
accept() {
    run "$@"
    expect_eq "$what (exit status)" "$rc" 0
    [ "$rc" = 0 ] || cat "$work/.err" >&2
}

# results NAME: a results folder with an empty raw/ and a summary.csv that must survive
results() {
    mkdir -p "$work/$1/raw"
    echo precious >"$work/$1/summary.csv"
    touch -d '2020-01-01' "$work/$1/summary.csv"
    echo "$work/$1"
}

# bench-summary: every malformed result file of the corpus, alone in a results folder
n=0
for f in "$corpus"/summary/*; do
    name=$(basename "$f")
    n=$((n + 1))
    d=$(results "s$n")
    cp "$f" "$d/raw/$name"
    case $name in
        reject-*) refuse "bench-summary $name" "$d" "$B/bench-summary" -q "$d" ;;
        accept-*) accept "bench-summary $name" "$d" "$B/bench-summary" -q --resamples 100 "$d"
                  expect_eq "bench-summary $name (summary written)" \
                      "$(head -c 11 "$d/summary.csv")" "kernel,size" ;;
    esac
done
good=$corpus/summary/accept-crlf.csv
d=$(results dir); mkdir "$d/raw/x.csv"
refuse "bench-summary: a folder named x.csv" "$d" "$B/bench-summary" "$d"
grep -q "folder" "$work/.err" || fail "bench-summary folder: $(cat "$work/.err")"
d=$(results fifo); mkfifo "$d/raw/x.csv"
refuse "bench-summary: a FIFO named x.csv" "$d" "$B/bench-summary" "$d"
d=$(results dev); ln -s /dev/zero "$d/raw/x.csv"
refuse "bench-summary: /dev/zero named x.csv" "$d" "$B/bench-summary" "$d"
d=$(results dangling); ln -s "$work/nowhere" "$d/raw/x.csv"
refuse "bench-summary: a dangling link named x.csv" "$d" "$B/bench-summary" "$d"
d=$(results longline); cp "$good" "$d/raw/a.csv"
head -c $((2 << 20)) /dev/zero | tr '\0' 'x' >"$d/raw/b.csv"
refuse "bench-summary: a 2 MiB line" "$d" "$B/bench-summary" "$d"
grep -q "longer than" "$work/.err" || fail "bench-summary long line: $(cat "$work/.err")"
d=$(results mixed); cp "$good" "$d/raw/a.csv"; cp "$corpus/summary/reject-nul-byte.csv" "$d/raw/b.csv"
refuse "bench-summary: one good file, one corrupt" "$d" "$B/bench-summary" "$d"
grep -q "b.csv" "$work/.err" || fail "bench-summary mixed: the message does not name b.csv"

# --topology-xml: every XML file of the corpus, then what is not a file
mkdir "$work/xml"
for f in "$corpus"/topo-xml/*; do
    name=$(basename "$f")
    case $name in
        reject-*) refuse "--topology-xml $name" "$work/xml" "$B/bench-threads" --plan --topology-xml "$f" ;;
        accept-*) accept "--topology-xml $name" "$work/xml" "$B/bench-threads" --plan --topology-xml "$f" ;;
    esac
done
mkfifo "$work/xml/fifo.xml"
refuse "--topology-xml a FIFO" "$work/xml" "$B/bench-threads" --plan --topology-xml "$work/xml/fifo.xml"
refuse "--topology-xml a folder" "$work/xml" "$B/bench-threads" --plan --topology-xml "$work/xml"
refuse "--topology-xml /dev/zero" "$work/xml" "$B/bench-threads" --plan --topology-xml /dev/zero
refuse "--topology-xml missing" "$work/xml" "$B/bench-threads" --plan --topology-xml "$work/none.xml"
truncate -s 9M "$work/big.xml"
refuse "--topology-xml 9 MiB" "$work/xml" "$B/bench-threads" --plan --topology-xml "$work/big.xml"
grep -q "MiB" "$work/.err" || fail "--topology-xml 9 MiB: $(cat "$work/.err")"

# --topology: every synthetic description of the corpus
for f in "$corpus"/topo-synthetic/*; do
    name=$(basename "$f")
    case $name in
        reject-*) refuse "--topology $name" "$work/xml" "$B/bench-threads" --plan --topology "$(cat "$f")" ;;
        accept-*) accept "--topology $name" "$work/xml" "$B/bench-threads" --plan --topology "$(cat "$f")" ;;
    esac
done

# whole command lines (first byte: the model; then arguments separated by NUL bytes), with
# --plan first as the fuzz target runs them, so nothing is measured
for f in "$corpus"/cli/reject-* "$corpus"/cli/accept-*; do
    name=$(basename "$f")
    model=${models[$(( $(head -c 1 "$f" | od -An -tu1) % 5 ))]}
    mapfile -d '' args < <(tail -c +2 "$f")
    case $name in
        reject-*) refuse "bench-$model $name" "$work/xml" "$B/bench-$model" --plan "${args[@]}" ;;
        accept-*) accept "bench-$model $name" "$work/xml" "$B/bench-$model" --plan "${args[@]}" ;;
    esac
done

# a spawned worker's command line typed by hand
for f in "$corpus"/worker-args/reject-*; do
    mapfile -d '' args < <(cat "$f")
    refuse "bench-procs --cb-worker $(basename "$f")" "$work/xml" "$B/bench-procs" --cb-worker "${args[@]}"
done

# the micro-benchmarks' spawned children, typed by hand
refuse "bench-memory --cb-child too large" "$work/xml" "$B/bench-memory" --cb-child 50000 1 0 1 $$ -1
refuse "bench-memory --cb-child w >= p" "$work/xml" "$B/bench-memory" --cb-child 100 1 2 2 $$ -1
refuse "bench-memory --cb-child junk" "$work/xml" "$B/bench-memory" --cb-child 1e3 1 0 1 $$ -1
refuse "bench-memory --cb-child count" "$work/xml" "$B/bench-memory" --cb-child 100
refuse "bench-overhead --cb-child junk" "$work/xml" "$B/bench-overhead" --cb-child -5 $$ -1
refuse "bench-overhead --cb-child pid 0" "$work/xml" "$B/bench-overhead" --cb-child 5 0 -1
refuse "bench-overhead --cb-child pu" "$work/xml" "$B/bench-overhead" --cb-child 5 $$ nowhere
refuse "bench-memory --cb-child pu" "$work/xml" "$B/bench-memory" --cb-child 100 1 0 1 $$ nowhere

# context.json's reader (the driver's, as plot and compare read it): each file beside a
# good summary.csv; malformed files end with exit 2, one line naming the file as not valid
# JSON, and no chart folder; valid ones are not called invalid (without a topology they are
# refused for that, or for not being an object)
export PYTHONDONTWRITEBYTECODE=1
for f in "$src"/tests/data/malformed/context/*; do
    name=$(basename "$f")
    rm -rf "$work/ctx" && mkdir -p "$work/ctx/res"
    cp "$f" "$work/ctx/res/context.json"
    cp "$src/tests/py/data/charts/sweep/summary.csv" "$work/ctx/res/"
    run "cbench plot, context $name" "$work/ctx" python3 "$src/scripts/cbench.py" plot res --out charts
    case $name in
        reject-*) expect_eq "context $name (exit status)" "$rc" 2
                  expect_eq "context $name (stderr lines)" "$(wc -l <"$work/.err")" 1
                  grep -q 'not valid JSON\|no context.json' "$work/.err" && ok ||
                      fail "context $name: $(cat "$work/.err")"
                  [ ! -e "$work/ctx/charts" ] && ok || fail "context $name: charts drawn" ;;
        accept-*) grep -q 'not valid JSON$' "$work/.err" && fail "context $name: called invalid" || ok ;;
    esac
done

finish malformed
