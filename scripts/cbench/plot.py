"""plot RESULTS_DIR [--out DIR] - draw a results folder's charts with gnuplot, as PNG and SVG:
per kernel, the speedup over bench-seq, the efficiency and the median time (log scale)
against the worker count, for every model in RESULTS_DIR/summary.csv. The machine comes
from RESULTS_DIR/context.json. RESULTS_DIR is a run's folder (results/<label>/<date-time>/),
an older flat one (results/<label>/ with a summary.csv), or a label folder, which stands for
its latest run. The charts go to plots/<label>/<date-time>/ (plots/<label>/ for a flat one).

The data and the gnuplot files of each chart are kept in DIR/src/: edit one and run
`gnuplot CHART.gp` there to draw it again. Charts are drawn to temporary names and renamed
into place only when gnuplot succeeded.

Exit status: 0, 1 (gnuplot missing or failed), 2 (bad input: one line on stderr, nothing
written), 128+N (stopped by signal N: no chart half written, no temporary file left)."""
from __future__ import annotations

import argparse
from pathlib import Path

from . import charts, layout
from .common import ROOT, Machine, Usage, nonempty, say

NAME = "plot"
HELP = "draw a results folder's speedup, efficiency and time charts (gnuplot)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dirs", nargs="*", metavar="RESULTS_DIR", help="a results folder (sweep)")
    p.add_argument("--out", metavar="DIR",
                   help="where the charts go (default plots/<label>/<run>, label from context.json)")


def results_dir(given: list[str]) -> Path:
    """The one results folder given, with a summary and a context (else Usage)."""
    if not given:
        raise Usage("no results folder given (see --help)")
    if len(given) > 1:
        raise Usage(f"unexpected argument '{given[1]}': one results folder only")
    d = Path(given[0])
    if d.is_dir():
        d = layout.resolve(d)
    if not d.is_dir():
        raise Usage(f"{d}: no such results folder")
    if not nonempty(d / "summary.csv"):
        raise Usage(f"{d}: no summary.csv (build/bench/bench-summary {d} writes it)")
    if not nonempty(d / "context.json"):
        raise Usage(f"{d}: no context.json")
    return d



def run(args: argparse.Namespace) -> int:
    d = results_dir(args.dirs)
    m = Machine(d / "context.json")
    out = Path(args.out) if args.out else layout.plots_of(d, m.label or "unlabelled", ROOT / "plots")
    n = charts.draw_sweep(d, out)
    say(f"{n} charts in {out}")
    return 0
