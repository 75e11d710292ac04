#!/usr/bin/env bash
# report.sh BUILD_DIR [--browser] - the run's report (cbench.sh report) and the README's
# generated tables (cbench.sh readme), inside the build directory (never the repository's
# results/ or README.md):
#   report.sh BUILD_DIR            a tiny real sweep writes report.md and report.html and
#                                  names them in its closing line; verdicts rendered when this
#                                  build's bench-stats has `verdicts`, else said to be missing;
#                                  the committed Intel reference (schema 1) reported with --out
#                                  and refused without; readme --check on a copy of the README
#   report.sh BUILD_DIR --browser  both reports opened in headless Chromium: loaded with no
#                                  console message at all (the page's Content-Security-Policy
#                                  makes any attempt to load something an error that Chromium
#                                  logs), every chart drawn (the DOM holds each inline <svg>
#                                  with its paths), a screenshot kept in the build directory.
#                                  Exit 77 (skipped) where chromium is not installed
#                                  (CB_CHROMIUM names another binary of it).
. "$(dirname "$0")/lib.sh"
build=$(cd "$1" && pwd)
mode=${2:-}
src=$(cd "$(dirname "$0")/.." && pwd)
B=$build/bench
command -v gnuplot >/dev/null 2>&1 || { echo "report: gnuplot not installed: skipped"; exit 77; }
if [ "$mode" = --browser ] && ! command -v "${CB_CHROMIUM:-chromium}" >/dev/null 2>&1; then
    echo "report-browser: chromium not installed (scripts/setup.sh --tests installs it): skipped"
    exit 77
fi
export PYTHONDONTWRITEBYTECODE=1
cbench() { "$src/scripts/cbench.sh" "$@"; }
fixture=$src/tests/py/data/report/verdicts-fixture.csv  # made-up rows for the renderer
ref=$src/results/intel-xeon-2c2t ref_plots=$src/plots/intel-xeon-2c2t
work=$build/report-test${mode:+-browser}
rm -rf "$work"
mkdir -p "$work"

# the tiny real run and the reference's report, both modes need them
tiny=$work/results/tiny
cbench sweep --no-build --build "$build" --workers 1,2 --kernels randsum --size randsum=1e6 \
    --models threads --reps 2 --rounds 1 --run "$tiny" 2>"$work/sweep.err"
rc=$?
expect_eq "tiny sweep: exit status" $rc 0
[ $rc -eq 0 ] || tail -5 "$work/sweep.err" >&2
cbench report "$ref" --plots "$ref_plots" --out "$work/ref" --verdicts "$fixture" >"$work/ref.out" 2>"$work/ref.err"
expect_eq "report of the committed reference with --out: exit status" $? 0

if [ "$mode" != --browser ]; then
    for f in report.md report.html; do
        [ -s "$tiny/$f" ] && ok || fail "the sweep wrote no $f"
    done
    grep -q "results in $tiny, charts in $work/plots/tiny, report $tiny/report.md and $tiny/report.html\$" \
        "$work/sweep.err" && ok || fail "the sweep's closing line does not name the report: $(tail -1 "$work/sweep.err")"
    # verdicts: from this build's bench-stats when it has the subcommand, never invented
    "$B/bench-stats" verdicts "$tiny" -o "$work/probe.csv" >/dev/null 2>"$work/probe.err"
    prc=$?
    if [ $prc -eq 2 ] && grep -q "unknown subcommand" "$work/probe.err"; then
        grep -q "Verdicts are unavailable in this build" "$tiny/report.md" && ok ||
            fail "a build without bench-stats verdicts: the report does not say so"
        [ ! -e "$tiny/verdicts.csv" ] && ok || fail "verdicts.csv written without bench-stats verdicts"
        grep -q " fastest (" "$tiny/report.md" && fail "verdicts shown that no tool computed" || ok
    else
        expect_eq "bench-stats verdicts on the tiny run: exit status" $prc 0
        cmp -s "$work/probe.csv" "$tiny/verdicts.csv" && ok || fail "verdicts.csv is not bench-stats verdicts' output"
        grep -q "^- p = 2, randsum: .* fastest (" "$tiny/report.md" && ok || fail "no rank sentence for p = 2"
    fi
    for s in context verdicts tables warnings charts; do
        grep -q "^<!-- section:$s -->\$" "$tiny/report.md" && ok || fail "report.md: no section $s"
    done
    expect_eq "report.html: the three randsum charts inline" "$(grep -c '<svg class="chart"' "$tiny/report.html")" 3
    grep -q 'src=\|<script\|<link' "$tiny/report.html" && fail "report.html loads something" || ok
    # the reference: the fixture's sentences, its nine charts; refused without --out
    grep -q "^- p = 2, primes: threads fastest (0.451 s); threadpool ties (1.004× \[0.99, 1.02\]); procs 1.08× slower \[1.05, 1.11\], significant after correction for 52 comparisons\$" \
        "$work/ref/report.md" && ok || fail "the fixture's rank sentence is not rendered"
    expect_eq "the reference's charts inline" "$(grep -c '<svg class="chart"' "$work/ref/report.html")" 9
    before=$(cd "$src" && git status --porcelain -- results plots 2>/dev/null; ls -la "$ref")
    cbench report "$ref" --plots "$ref_plots" >/dev/null 2>"$work/committed.err"
    expect_eq "report into a committed results folder: exit status" $? 2
    expect_eq "report into a committed results folder: one line" "$(wc -l <"$work/committed.err")" 1
    expect_eq "the committed folder unchanged" "$(cd "$src" && git status --porcelain -- results plots 2>/dev/null; ls -la "$ref")" "$before"
    # bad input: a run folder without its files, nothing written
    mkdir -p "$work/broken/raw"
    cbench report "$work/broken" --out "$work/broken-out" >/dev/null 2>"$work/broken.err"
    expect_eq "a folder without summary.csv: exit status" $? 2
    expect_eq "a folder without summary.csv: one line" "$(wc -l <"$work/broken.err")" 1
    [ ! -e "$work/broken-out" ] && ok || fail "report wrote something for a broken run"
    # the README's generated tables: up to date, and a hand edit found (on a copy)
    cp "$src/README.md" "$work/README.md"
    cbench readme --check --readme "$work/README.md" >/dev/null 2>"$work/readme.err"
    expect_eq "readme --check on the README as committed" $? 0
    n=$(grep -c '^<!-- report:' "$work/README.md")
    [ "$n" -ge 1 ] && ok || fail "the README has no generated block"
    awk '/^<!-- report:/ { inblock = 1 } inblock && /^\| / && !done { sub(/\|/, "| edited by hand"); done = 1 } { print }' \
        "$src/README.md" >"$work/README.md"
    cbench readme --check --readme "$work/README.md" >/dev/null 2>"$work/readme.err"
    expect_eq "readme --check on a hand-edited table: exit status" $? 1
    grep -q "differs from its report" "$work/readme.err" && ok || fail "readme --check does not name the block"
    cbench readme --readme "$work/README.md" >/dev/null 2>&1
    cmp -s "$work/README.md" "$src/README.md" && ok || fail "readme did not restore the generated table"
    finish report
    exit
fi

# --- the browser -------------------------------------------------------------------------------
# chromium's profile, caches and crash reports stay in the build directory
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_CACHE_HOME=$work/home/.cache
mkdir -p "$HOME"
chrome() {
    timeout 120 "${CB_CHROMIUM:-chromium}" --headless=new --disable-gpu --no-sandbox --no-first-run \
        --no-default-browser-check --disable-extensions --disable-dev-shm-usage \
        --user-data-dir="$work/profile" --enable-logging=stderr --v=0 "$@"
}
# console_lines ERRFILE: what the page wrote to its console, as Chromium logs it
# ("[...:INFO:CONSOLE:N] "message", source: URL (N)"), whatever the level
console_lines() { grep -E ':CONSOLE(:|\()' "$1"; }

# controls: the check must see a console.error and a resource the policy blocks
cat >"$work/control-error.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><p>control</p><script>console.error("cbench-control")</script></body></html>
HTML
cat >"$work/control-blocked.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"></head><body><img src="https://example.invalid/x.png" alt=""></body></html>
HTML
for c in control-error control-blocked; do
    chrome --dump-dom "file://$work/$c.html" >"$work/$c.dom" 2>"$work/$c.err"
    [ -n "$(console_lines "$work/$c.err")" ] && ok ||
        fail "$c: Chromium logged no console message here, so the check below could not see one"
done

# browser_check NAME HTML CHARTS: loaded, silent, every chart drawn; a screenshot
browser_check() {
    local name=$1 page=$2 charts=$3
    chrome --dump-dom "file://$page" >"$work/$name.dom" 2>"$work/$name.err"
    expect_eq "$name: chromium --dump-dom exit status" $? 0
    grep -q '</html>' "$work/$name.dom" && ok || fail "$name: no page dumped"
    expect_eq "$name: console messages" "$(console_lines "$work/$name.err")" ""
    python3 - "$work/$name.dom" "$charts" <<'PY' && ok || fail "$name: the charts are not all drawn (see above)"
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r'<svg class="chart".*?</svg>', dom, re.S)
drawn = [s for s in svgs if re.search(r'<path[^>]*\sd="[^"]+"', s)]
ok = len(svgs) == len(drawn) == int(sys.argv[2])
for s in ("context", "verdicts", "tables", "warnings", "charts"):
    ok = ok and f'<section id="{s}">' in dom
if not ok:
    print(f"{len(svgs)} inline charts, {len(drawn)} with paths, {sys.argv[2]} expected", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
    chrome --hide-scrollbars --window-size=1280,4000 --screenshot="$work/$name.png" "file://$page" \
        >/dev/null 2>"$work/$name-shot.err"
    expect_eq "$name: screenshot PNG" "$(head -c 8 "$work/$name.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a
    echo "report-browser: $name: screenshot in $work/$name.png"
}
browser_check tiny "$tiny/report.html" 3
browser_check reference "$work/ref/report.html" 9
finish report-browser
