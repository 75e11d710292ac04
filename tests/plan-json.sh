#!/usr/bin/env bash
# plan-json.sh BUILD - `--plan --json` of every model binary (every build/bench/bench-*
# that answers --model-info): one JSON object that parses, whose worker list and plans are
# the ones the text --plan prints, whose kernels are the model's defaults or -k's with the
# sizes --size gives; a serial model's workers are [1]; nothing is run or written. Its
# refusals (--json without --plan, a bad command line) are in tests/data/bad-invocations.txt.
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tests/lib.sh"
B=$build/bench
work=$(mktemp -d -t cb-plan-json.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# check_json FILE WANT_MODEL WANT_SERIAL WANT_KERNELS TEXT_PLAN: the object in FILE parses
# and agrees with the rest (TEXT_PLAN is the text --plan's output for the same arguments)
check_json() {
    python3 - "$@" <<'EOF'
import json, re, sys
path, model, serial, kernels, text = sys.argv[1:6]
with open(path) as f:
    raw = f.read()
assert raw.count("\n") == 1 and raw.endswith("}\n"), "not one line"
o = json.loads(raw)
for key in ("model", "serial", "topology", "pus", "cores", "bind", "workers", "plans", "kernels"):
    assert key in o, "no key " + key
assert o["model"] == model, o["model"]
assert o["serial"] is (serial == "1"), o["serial"]
assert all(isinstance(o[k], int) and o[k] > 0 for k in ("pus", "cores")), (o["pus"], o["cores"])
want = [(int(m.group(1)), [-1 if x == "-" else int(x) for x in m.group(2).split()])
        for m in re.finditer(r"^p=(\d+)(?: \([^)]*\))?:((?: \S+)*)$", text, re.M)]
assert [p for p, _ in want] == o["workers"], (want, o["workers"])
assert [pl for _, pl in want] == o["plans"], (want, o["plans"])
assert all(len(pl) == p for p, pl in zip(o["workers"], o["plans"]))
if o["serial"]:
    assert o["workers"] == [1], o["workers"]
got = ",".join("%s=%d/%d/%s" % (k["name"], k["size"], k["default_size"], k["size_name"])
               for k in o["kernels"])
assert got == kernels, (got, kernels)
assert all(isinstance(k["description"], str) and k["description"] for k in o["kernels"])
EOF
}

models=0
for bin in "$B"/bench-*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    info=$("$bin" --model-info 2>/dev/null) || continue
    [[ $info == model=* ]] || continue
    name=${info#model=}; name=${name%% *}
    serial=${info#* serial=}; serial=${serial%% *}
    mk=${info##*kernels=}; mk=${mk%% *}
    models=$((models + 1))
    w=(-w 1-2,4)
    [ "$serial" = 1 ] && w=()

    # the model's default kernels at their default sizes
    want=$(for k in ${mk//,/ }; do
               [ "$k" = empty ] && continue # not a default kernel
               "$B/bench-seq" --help | awk -v k="$k" '$1 == k && match($0, /\[[0-9]+\]$/) {
                   printf "%s=%s/%s/", k, substr($0, RSTART + 1, RLENGTH - 2), substr($0, RSTART + 1, RLENGTH - 2) }'
               [ "$k" = matmul ] && echo n || echo N
           done | paste -sd,)
    "$bin" --plan "${w[@]}" >text.txt 2>err.txt
    expect_eq "$name --plan: exit status" $? 0
    "$bin" --plan --json "${w[@]}" >out.json 2>err.txt
    expect_eq "$name --plan --json: exit status" $? 0
    expect_eq "$name --plan --json: stderr" "$(cat err.txt)" ""
    check_json out.json "$name" "$serial" "$want" "$(cat text.txt)" && ok ||
        fail "$name --plan --json: $(head -c 300 out.json)"

    # one kernel at a size of its own, another binding, a synthetic topology
    k=${mk%%,*}
    name_of_size=N
    [ "$k" = matmul ] && name_of_size=n
    def=$("$B/bench-seq" --help | awk -v k="$k" '$1 == k && match($0, /\[[0-9]+\]$/) { print substr($0, RSTART + 1, RLENGTH - 2) }')
    args=(-k "$k" --size "$k=64" --bind scatter --topology "pack:2 core:2 pu:2" "${w[@]}")
    "$bin" --plan "${args[@]}" >text.txt 2>/dev/null
    "$bin" --plan --json "${args[@]}" >out.json 2>err.txt
    expect_eq "$name --plan --json -k $k: exit status" $? 0
    check_json out.json "$name" "$serial" "$k=64/$def/$name_of_size" "$(cat text.txt)" && ok ||
        fail "$name --plan --json -k $k --size: $(head -c 300 out.json)"
    python3 -c 'import json, sys; o = json.load(open("out.json")); sys.exit(not (o["bind"] == "scatter" and o["topology"] == {"synthetic": "pack:2 core:2 pu:2"} and o["pus"] == 8 and o["cores"] == 4))' &&
        ok || fail "$name --plan --json: bind or topology wrong: $(head -c 300 out.json)"
done
expect_eq "models found" "$((models >= 5))" 1
# nothing run, nothing written
expect_eq "files left" "$(ls | sort | tr '\n' ' ')" "err.txt out.json text.txt "
finish plan-json
