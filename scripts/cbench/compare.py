"""compare [--out DIR] [--x workers|cores] RESULTS_DIR RESULTS_DIR... - compare machines: per
kernel, every model's speedup and median time on every machine in one chart (PNG and SVG),
machines named from their context.json (label, then label@folder or #position when two
are the same). Also prints, for each folder after the first, how many points' median 95%
CIs overlap with the first folder's (bench-stats overlap counts them; a re-run on the same
machine should overlap almost everywhere), and writes these lines to DIR/overlap.txt.

A label folder (results/<label>/ holding runs) stands for its latest run. With --all, every
folder of the repository's results/ that holds a summary.csv (the committed references)
and every label's latest full run (results/<label>/latest).
Machines compared in numbers (issue 18): for each folder B after the first, A, where both
keep their raw rows (raw/), `bench-stats machines A B` gives every common point's time
ratio T_B/T_A and speedup ratio S_B/S_A with 95% bootstrap intervals, and per kernel the
geometric-mean time ratio at p = 1 and whether the speedups scale the same. It writes
DIR/machines-<B>.csv (bench-stats' output) and DIR/machines-<B>.md (the verdicts, the
differences of context and both tables) and prints one verdict line per kernel. Every
difference of context that can change the times (CPU, cores, commit, compiler and flags,
library versions, environment, schema version, repetitions, rounds, bind policy, sizes) is
named in the Markdown and on stdout.

Refuses (exit 2) folders whose kernels ran at other sizes or whose summary.csv formats
differ (schema versions 1, 2 and 3 share one: 3 appends columns), unless --allow-different
(then the differences head the Markdown and only the common points are compared; --all
allows them too, so the main job never stops there); warns when a kernel is missing.
Each folder needs context.json and summary.csv (the sweep writes both). The data and the
gnuplot files of each chart are kept in DIR/src/ (run `gnuplot CHART.gp` there).

Exit status: 0, 1 (gnuplot missing or failed, bench-stats failed), 2 (bad input: one
line on stderr, nothing written), 128+N (stopped by signal N)."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from . import charts, common, layout
from . import machines as machine_numbers
from .binaries import Build
from .common import (ROOT, Failure, Machine, Usage, check_creatable, nonempty, one_line,
                     parse_csv_text, write_atomic)
from .runner import runner

NAME = "compare"
HELP = ("overlay the charts of several results folders (machines); count overlapping CIs; "
        "time and speedup ratios with intervals")


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
    p.add_argument("--allow-different", action="store_true",
                   help="compare folders whose kernel sizes or summary formats differ: the "
                        "differences are listed first, only the common points compared")
    p.add_argument("--build", metavar="DIR", default=str(ROOT / "build"),
                   help="the build folder whose bench/bench-stats computes (default build)")


# The summary.csv format of each schema version: compare reads summary.csv and context.json's
# machine, and schema 2 (issue 16) only added columns to the binaries' raw CSVs and keys to
# context.json, so folders of schema 1 (the committed results) and 2 compare.
SUMMARY_FORMAT = {1: 1, 2: 1, 3: 1}
# bench-stats machines' bootstrap (its defaults, passed so that the Markdown can name them)
SEED, RESAMPLES = 42, 2000


def summary_format(schema) -> object:
    return SUMMARY_FORMAT.get(schema, schema)


def machines(dirs: list[Path], allow_different: bool = False) -> list[Machine]:
    """Each folder's machine, all of one summary format (else Usage, unless
    allow_different)."""
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
        if (found and not allow_different
                and summary_format(m.schema) != summary_format(found[0].schema)):
            raise Usage(f"{d} has schema version {m.schema} but {dirs[0]} has {found[0].schema}: "
                        "results of different schema versions are not merged "
                        "(--allow-different compares their common points)")
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


def bench_stats_machines(stats: Path, a: Path, b: Path) -> tuple[str, list[dict], list[dict]]:
    """bench-stats machines A B: (its CSV text, the point rows, the kernel rows)."""
    r = runner()
    res = r.run([str(stats), "machines", str(a), str(b), "--seed", str(SEED),
                 "--resamples", str(RESAMPLES)], capture=True, err_capture=True, timeout=300)
    r.check()
    err = [ln for ln in res.err.splitlines() if ln.strip()]
    if res.status == 2:
        raise Usage(one_line(err[-1]) if err else f"bench-stats machines refused {a} or {b}")
    if res.status:
        raise Failure(f"bench-stats machines failed ({err[-1] if err else 'status %d' % res.status})")
    return machine_numbers.parse_output(res.out)


def refuse_differences(dirs: list[Path], names: list[str], found: list[Machine],
                       contexts: list[dict], allow: bool) -> list[list[str]]:
    """For each folder after the first: what compare refuses without --allow-different
    (other kernel sizes, another summary format). Usage when there is any and not allow."""
    out = [[]]
    for i in range(1, len(dirs)):
        diff = machine_numbers.refusing_differences(
            contexts[0], contexts[i], summary_format(found[0].schema), summary_format(found[i].schema))
        if diff and not allow:
            raise Usage(f"{dirs[i]} is not comparable with {dirs[0]} ({'; '.join(diff)}): "
                        "give --allow-different to compare only their common points")
        out.append(diff)
    return out


def run(args: argparse.Namespace) -> int:
    if args.all:
        if args.dirs:
            raise Usage("--all takes no results folder (it compares every one in results/)")
        args.dirs = [str(d) for d in layout.all_results(ROOT / "results")]
    if len(args.dirs) < 2:
        raise Usage("give two or more results folders (see --help)")
    # (a folder named -x is no option; a label folder stands for its latest run)
    dirs = [layout.resolve(Path(os.path.abspath(d))) for d in args.dirs]
    allow = args.allow_different or args.all
    found = machines(dirs, allow)
    for d in dirs:  # every summary readable before anything is run or written
        charts.read_rows(d / "summary.csv", charts.COMPARE_NEED, "summary.csv")
    names = charts.machine_names(dirs, [m.label for m in found])
    contexts = [machine_numbers.context_of(d) for d in dirs]
    allowed = refuse_differences(dirs, names, found, contexts, allow)
    out = Path(args.out)
    check_creatable("--out", out)
    build = Build(args.build)
    build.require("bench-stats")
    stats = build.binary("bench-stats")
    lines = overlaps(stats, dirs, names)
    # every figure computed before anything is written
    files: list[tuple[Path, str]] = []
    said: list[str] = []
    a = names[0]
    for i in range(1, len(dirs)):
        b = names[i]
        diffs = machine_numbers.context_differences(contexts[0], contexts[i])
        if allowed[i]:
            said.append(f"{b} against {a}: compared although they differ (--allow-different): "
                        + "; ".join(allowed[i]))
        if diffs:
            said.append(f"{b} against {a}: context differs: "
                        + "; ".join(machine_numbers.difference_lines(diffs)))
        no_raw = [names[j] for j in (0, i) if not (dirs[j] / "raw").is_dir()]
        if no_raw:
            common.say(f"{b} against {a}: no time or speedup ratios ({', '.join(no_raw)} "
                       "kept no raw/ samples)")
            continue
        try:
            text, points, kernels = bench_stats_machines(stats, dirs[0], dirs[i])
        except Usage as e:
            # --all holds every folder against the first, whatever it measured: a pair with
            # nothing in common is said and left, not a reason to compare none of them
            if not (args.all and "in common" in str(e)):
                raise
            said.append(f"{b} against {a}: no time or speedup ratios (no kernel, size, series "
                        "and worker count in common)")
            continue
        stem = f"machines-{charts.safe_name(b)}"
        files.append((out / f"{stem}.csv", text))
        files.append((out / f"{stem}.md", machine_numbers.markdown(
            a, b, dirs[0], dirs[i], diffs, allowed[i], points, kernels, SEED, RESAMPLES)))
        said += [machine_numbers.verdict_sentence(a, b, k) for k in kernels]
    n = charts.draw_compare(dirs, names, out, args.xmode)
    write_atomic(out / "overlap.txt", "".join(f"{ln}\n" for ln in lines))
    for path, text in files:
        write_atomic(path, text)
    for ln in lines + said:
        print(f"{common.PROG}: {ln}", flush=True)
    common.say(f"{n} charts in {out}" + (f", {len(files) // 2} machines table(s) (machines-*.md)"
                                          if files else ""))
    return 0
