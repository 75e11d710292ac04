"""compare [--out DIR] [--x workers|cores] RESULTS_DIR RESULTS_DIR... - compare machines: per
kernel, every model's speedup and median time on every machine in one chart (PNG and SVG),
machines named from their context.json (label, then label@folder or #position when two
are the same). Also prints, for each folder after the first, how many points' median 95%
CIs overlap with the first folder's (bench-stats overlap counts them; a re-run on the same
machine should overlap almost everywhere), and writes these lines to DIR/overlap.txt.

A label folder (results/<label>/ holding runs) stands for its latest run. With --all, every
folder of the repository's results/ that holds a summary.csv (the committed references)
and every label's latest full run (results/<label>/latest).
Refuses folders of different schema versions (exit 2; 1, 2 and 3 share summary.csv: 3 appends columns); warns when kernels or sizes differ.
Each folder needs context.json and summary.csv (the sweep writes both). The data and the
gnuplot files of each chart are kept in DIR/src/ (run `gnuplot CHART.gp` there).

Exit status: 0, 1 (gnuplot missing or failed, bench-stats failed), 2 (bad input: one
line on stderr, nothing written), 128+N (stopped by signal N)."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from . import charts, common, layout
from .binaries import Build
from .common import (ROOT, Failure, Machine, Usage, check_creatable, nonempty, one_line,
                     parse_csv_text, write_atomic)
from .runner import runner

NAME = "compare"
HELP = "overlay the charts of several results folders (machines); count overlapping CIs"


def xmode(text: str) -> str:
    if text not in ("workers", "cores"):
        raise argparse.ArgumentTypeError(f"'{text}': use workers or cores")
    return text


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dirs", nargs="*", metavar="RESULTS_DIR", help="results folders, two or more")
    p.add_argument("--out", metavar="DIR", default=str(ROOT / "plots" / "compare"),
                   help="where the charts go (default: plots/compare in the repository)")
    p.add_argument("--all", action="store_true",
                   help="every folder of results/ in the repository that holds a summary.csv, "
                        "and every label's latest run (what meson test --benchmark compares)")
    p.add_argument("--x", dest="xmode", type=xmode, default="workers", metavar="workers|cores",
                   help="x axis: workers p (default), or p / physical cores of each machine")
    p.add_argument("--build", metavar="DIR", default=str(ROOT / "build"),
                   help="the build folder whose bench/bench-stats counts the overlaps (default build)")


# The summary.csv format of each schema version: compare reads summary.csv and context.json's
# machine, and schema 2 (issue 16) only added columns to the binaries' raw CSVs and keys to
# context.json, so folders of schema 1 (the committed results) and 2 compare.
SUMMARY_FORMAT = {1: 1, 2: 1, 3: 1}


def machines(dirs: list[Path]) -> list[Machine]:
    """Each folder's machine, all of one summary format (else Usage)."""
    found: list[Machine] = []
    for d in dirs:
        if not d.is_dir():
            raise Usage(f"{d}: no such results folder")
        if not nonempty(d / "context.json"):
            raise Usage(f"{d}: no context.json: not a results folder")
        if not nonempty(d / "summary.csv"):
            raise Usage(f"{d}: no summary.csv (build/bench/bench-summary {d} writes it)")
        m = Machine(d / "context.json")
        if m.schema is None:
            raise Usage(f"{d}/context.json: no schema_version")
        if found and SUMMARY_FORMAT.get(m.schema, m.schema) != SUMMARY_FORMAT.get(found[0].schema, found[0].schema):
            raise Usage(f"{d} has schema version {m.schema} but {dirs[0]} has {found[0].schema}: "
                        "results of different schema versions are not merged")
        found.append(m)
    return found



def overlap_line(a: str, b: str, csv_out: str) -> str:
    """The line for one pair from bench-stats overlap's CSV (common,overlap,percent)."""
    rows = parse_csv_text(csv_out)
    if len(rows) != 1 or not {"common", "overlap", "percent"} <= set(rows[0]):
        raise Failure(f"bench-stats overlap printed no common,overlap,percent row: {one_line(csv_out)[:200]}")
    r = rows[0]
    if r["common"].strip() in ("", "0"):
        return f"{a} vs {b}: no common points with a CI (same kernel, size, model and p) to compare"
    return (f"{a} vs {b}: the median 95% CIs overlap for {r['overlap']} of {r['common']} common "
            f"points ({r['percent']}%)")


def overlaps(stats: Path, dirs: list[Path], names: list[str]) -> list[str]:
    """One line per folder after the first: its overlap with the first (bench-stats)."""
    lines = []
    r = runner()
    for d, name in zip(dirs[1:], names[1:]):
        res = r.run([str(stats), "overlap", str(dirs[0] / "summary.csv"), str(d / "summary.csv")],
                    capture=True, err_capture=True, timeout=120)
        r.check()
        err = [ln for ln in res.err.splitlines() if ln.strip()]
        if res.status == 2:
            raise Usage(one_line(err[-1]) if err else f"bench-stats overlap refused {d}")
        if res.status:
            raise Failure(f"bench-stats overlap failed ({err[-1] if err else 'status %d' % res.status})")
        lines.append(overlap_line(names[0], name, res.out))
    return lines


def run(args: argparse.Namespace) -> int:
    if args.all:
        if args.dirs:
            raise Usage("--all takes no results folder (it compares every one in results/)")
        args.dirs = [str(d) for d in layout.all_results(ROOT / "results")]
    if len(args.dirs) < 2:
        raise Usage("give two or more results folders (see --help)")
    # (a folder named -x is no option; a label folder stands for its latest run)
    dirs = [layout.resolve(Path(os.path.abspath(d))) for d in args.dirs]
    found = machines(dirs)
    for d in dirs:  # every summary readable before anything is run or written
        charts.read_rows(d / "summary.csv", charts.COMPARE_NEED, "summary.csv")
    names = charts.machine_names(dirs, [m.label for m in found])
    out = Path(args.out)
    check_creatable("--out", out)
    build = Build(args.build)
    build.require("bench-stats")
    lines = overlaps(build.binary("bench-stats"), dirs, names)
    n = charts.draw_compare(dirs, names, out, args.xmode)
    write_atomic(out / "overlap.txt", "".join(f"{ln}\n" for ln in lines))
    for ln in lines:
        print(f"{common.PROG}: {ln}", flush=True)
    common.say(f"{n} charts in {out}")
    return 0
