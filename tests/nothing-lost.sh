#!/usr/bin/env bash
# nothing-lost.sh BUILD_DIR - nothing lost (issue 18): the main job, as a new user runs it
# in a fresh clone, leaves every tracked file of the repository unchanged, and a second run
# does not touch the first one's files. In a temporary `git clone` of the repository (with
# the working tree's uncommitted changes committed there, so that this code is what runs),
# with the smallest sweep the options allow:
#   - `cbench.sh run --quick --no-build` (sweep and micro-benchmarks): every tracked file
#     unchanged, `git status --porcelain` shows only new untracked folders, the run in
#     results/<label>/<date-time>-quick/ with latest-quick pointing at it, its charts in
#     plots/<label>/<same name>/;
#   - a second quick run and a full one: new folders; the first run's results and charts
#     unchanged byte for byte; latest-quick at the second quick run, latest at the full one
#     (a quick run never moves latest);
#   - --resume of a run interrupted (SIGTERM) continues that run's folder; the label given as
#     a committed flat folder (results/amd-epyc-2c2t) is refused, nothing written;
#   - plot, compare (a label folder = its latest run; --all: the committed flat folders and
#     the new label's latest) and micro --from read the new layout.
. "$(dirname "$0")/lib.sh"
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
command -v git >/dev/null 2>&1 || { echo "nothing-lost: git not installed: skipped"; exit 77; }
[ -d "$src/.git" ] || [ -f "$src/.git" ] || { echo "nothing-lost: not a git checkout: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PYTHONDONTWRITEBYTECODE=1
tag_processes nothing-lost
leftover_names='bench-.*|python3|gnuplot.*|lstopo.*'

# --- a clone holding this working tree ------------------------------------------------------
repo=$work/clone
git clone -q --no-hardlinks "$src" "$repo" || { fail "git clone"; finish nothing-lost; exit 1; }
(cd "$src" && git diff HEAD --binary) | git -C "$repo" apply --binary --allow-empty 2>"$work/err" ||
    fail "the working tree's changes do not apply to the clone: $(head -2 "$work/err")"
(cd "$src" && git ls-files -z --others --exclude-standard) |
    (cd "$src" && xargs -0 -r cp --parents -t "$repo")
git -C "$repo" add -A
git -C "$repo" -c user.name=test -c user.email=test@localhost commit -q --allow-empty -m "working tree"
expect_eq "the clone is clean before the main job" "$(git -C "$repo" status --porcelain)" ""

cb=$repo/scripts/cbench.sh
small=(--no-build --build "$build" --models threads --kernels primes --workers 1,2 --rounds 2)
label=$("$build/bench/bench-info" --label)
res=$repo/results/$label plots=$repo/plots/$label
sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r md5sum; find . -type l -printf '%p -> %l\n' | sort); }
# only_new WHAT: every tracked file unchanged, and what git sees are new untracked folders
only_new() {
    expect_eq "$1: tracked files changed or deleted" "$(git -C "$repo" diff --name-status HEAD | head -5)" ""
    local bad
    bad=$(git -C "$repo" status --porcelain --untracked-files=normal | grep -v '^?? .*/$' | head -5)
    expect_eq "$1: git status shows more than new untracked folders" "$bad" ""
}

# --- the main job, quick, with the micro-benchmarks ------------------------------------------
"$cb" run --quick "${small[@]}" >/dev/null 2>"$work/run1.err"
rc=$?  # (before the message's $(...), which sets $? again)
expect_eq "the main job: exit status ($(tail -1 "$work/run1.err"))" "$rc" 0
only_new "the main job"
# (the label folders are new, or, where this machine's runs are committed, the run folders)
expect_eq "the main job: what git sees" "$(git -C "$repo" status --porcelain | sort |
    sed -E "s#^\?\? (plots|results)/$label/([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}Z-quick/)?\$#new \1#" | tr '\n' ' ')" \
    "new plots new results "
first=$(readlink "$res/latest-quick")
[[ $first =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}Z-quick$ ]] && ok ||
    fail "latest-quick is not a relative link to a quick run's folder: '$first'"
for f in summary.csv context.json identity.json finished.json sweep.json micro/tables.md; do
    [ -s "$res/$first/$f" ] && ok || fail "the first run: no $f in $res/$first"
done
[ -s "$plots/$first/speedup-primes.svg" ] && ok || fail "the first run: no charts in $plots/$first"
expect_eq "the first run's charts: pointer" "$(readlink "$plots/latest-quick")" "$first"
[ -e "$res/latest" ] && fail "a quick run made the pointer of full runs" || ok
before=$(sums "$res/$first"; sums "$plots/$first")

# --- a second quick run, and a full one ------------------------------------------------------
"$cb" run --quick --no-micro "${small[@]}" >/dev/null 2>"$work/run2.err"
rc=$?  # (before the message's $(...), which sets $? again)
expect_eq "a second quick run: exit status ($(tail -1 "$work/run2.err"))" "$rc" 0
second=$(readlink "$res/latest-quick")
[ -n "$second" ] && [ "$second" != "$first" ] && [ -d "$res/$second" ] && ok ||
    fail "a second quick run: latest-quick is '$second' (the first run: '$first')"
"$cb" run --no-micro "${small[@]}" --reps 2 --size primes=30000 >/dev/null 2>"$work/run3.err"
rc=$?  # (before the message's $(...), which sets $? again)
expect_eq "a full run: exit status ($(tail -1 "$work/run3.err"))" "$rc" 0
full=$(readlink "$res/latest")
[[ $full =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}Z(-[0-9]+)?$ ]] && ok ||
    fail "a full run: latest is not a full run's folder: '$full'"
expect_eq "a full run: latest-quick unchanged" "$(readlink "$res/latest-quick")" "$second"
expect_eq "a full run: its charts' pointer" "$(readlink "$plots/latest")" "$full"
expect_eq "the first run's files after two more runs" "$(sums "$res/$first"; sums "$plots/$first")" "$before"
only_new "three runs"

# --- --resume continues the interrupted run, and only it ------------------------------------
(exec "$cb" sweep "${small[@]}" --reps 6 --size primes=300000 >/dev/null 2>"$work/int.err") &
pid=$!
for _ in $(seq 1 600); do # (two of its four configurations finished)
    grep -q '\[3/' "$work/int.err" && break
    sleep 0.05
done
kill -TERM $pid
wait $pid
expect_eq "an interrupted sweep: exit status" $? 143
runs_before=$(ls "$res" | sort)
interrupted=$(grep -o "kept in $res/[^/]*/raw" "$work/int.err" | sed "s|kept in $res/||; s|/raw||")
[ -n "$interrupted" ] && [ -d "$res/$interrupted" ] && ok ||
    fail "the interrupted sweep does not name its folder: $(tail -1 "$work/int.err")"
kept=$(cd "$res/$interrupted/raw" && md5sum -- *.csv 2>/dev/null)
"$cb" sweep "${small[@]}" --reps 6 --size primes=300000 --resume >/dev/null 2>"$work/res.err"
rc=$?  # (before the message's $(...), which sets $? again)
expect_eq "--resume: exit status ($(tail -1 "$work/res.err"))" "$rc" 0
grep -q "resuming in $res/$interrupted" "$work/res.err" && ok ||
    fail "--resume did not continue the interrupted run $interrupted: $(head -2 "$work/res.err")"
expect_eq "--resume: no new run folder" "$(ls "$res" | sort)" "$runs_before"
[ -z "$kept" ] || expect_eq "--resume: finished configurations changed" \
    "$(comm -23 <(echo "$kept" | sort) <(cd "$res/$interrupted/raw" && md5sum -- *.csv | sort) | wc -l)" 0
expect_eq "--resume: latest now the resumed run" "$(readlink "$res/latest")" "$interrupted"
expect_eq "the first run's files after a resume" "$(sums "$res/$first"; sums "$plots/$first")" "$before"

# --- a committed flat folder as the label: refused --------------------------------------------
if [ -d "$repo/results/amd-epyc-2c2t" ]; then
    "$cb" sweep "${small[@]}" --quick --label amd-epyc-2c2t >/dev/null 2>"$work/err"
    expect_eq "the label of a committed folder: exit status" $? 2
    grep -q "committed to this repository" "$work/err" && ok || fail "not said: $(cat "$work/err")"
fi

# --- the readers ------------------------------------------------------------------------------
"$cb" plot "$res" --out "$work/p" >/dev/null 2>"$work/err"
rc=$?  # (before the message's $(...), which sets $? again)
expect_eq "plot of a label folder: exit status ($(tail -1 "$work/err"))" "$rc" 0
[ -s "$work/p/speedup-primes.svg" ] && ok || fail "plot of a label folder drew nothing"
"$cb" compare --build "$build" --out "$work/cmp" "$res" "$res/$first" >"$work/cmp.out" 2>"$work/err"
rc=$?  # (before the message's $(...), which sets $? again)
expect_eq "compare of a label folder and a run: exit status ($(tail -1 "$work/err"))" "$rc" 0
grep -q "$label@$interrupted vs $label@$first" "$work/cmp.out" && ok ||
    fail "compare does not name the runs by their folders: $(cat "$work/cmp.out")"
"$cb" compare --all --build "$build" --out "$work/all" >"$work/all.out" 2>"$work/err"
rc=$?  # (before the message's $(...), which sets $? again)
expect_eq "compare --all: exit status ($(tail -1 "$work/err"))" "$rc" 0
want=$(( $(ls -d "$repo"/results/*/summary.csv 2>/dev/null | wc -l) ))
expect_eq "compare --all: the committed folders and the new label's latest run, against the first" \
    "$(grep -c 'vs' "$work/all.out")" "$want"
grep -q "vs $label" "$work/all.out" && ok || fail "compare --all left out the new label: $(cat "$work/all.out")"
expect_eq "the first run's files at the end" "$(sums "$res/$first"; sums "$plots/$first")" "$before"
"$cb" micro --from "$res/$first" --build "$build" --plots "$work/m" >/dev/null 2>"$work/err"
rc=$?  # (before the message's $(...), which sets $? again)
expect_eq "micro --from a run's folder: exit status ($(tail -1 "$work/err"))" "$rc" 0
only_new "at the end"
expect_eq "processes left" "$(leftovers)" 0
finish nothing-lost
