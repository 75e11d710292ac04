"""agree RUN_A RUN_B [--csv FILE] [--strict] [--force] - two runs of the same settings on the
same machine, held against each other (issue 17, "Reruns agree"). Each RUN is a results
folder the sweep wrote (summary.csv, context.json, identity.json, settings.txt).

Over the points (kernel, size, model and series, bind, schedule, chunk, start, channel,
workers) present in both runs it prints: how many there are, the share whose 95% intervals
of the median (ci_low_s..ci_high_s) overlap, the median and the largest relative
difference of the medians |b - a| / a (a: RUN_A's median), naming the point of the
largest; then the verdict against the project's targets: "agree" when the intervals
overlap for at least 90% of the points and the median difference is at most 0.02 (2%),
else "disagree" and which target failed. Points in one run only are counted and named on
one line, not compared; points without an interval in a run (n <= 5: no-ci) are counted
apart and left out of the figures. bench-stats agree computes every figure; --csv FILE
keeps its per-point rows.

The runs must be the same settings on the same machine: their identity.json (what a
sweep's --resume compares: repetitions, rounds, models, kernels, sizes, worker counts and
their PU plans, binary arguments, placement variables, build, host, CPU set, quota) must
be equal except for the seeds. Both seeds may differ: --seed changes the inputs' values,
not their work (randsum's generator costs the same for every key, matmul's time does not
depend on the values, primes has no input), and --order-seed only the order of the runs;
a difference is printed. A folder without identity.json (written before it existed, such
as the committed results) is compared by context.json's machine and build and by
settings.txt. Runs that differ are refused (exit 2, one line naming the difference);
--force compares them anyway and prints what differs.

Exit status: 0 when computed, whatever the verdict (1 for "disagree" with --strict); 1
bench-stats failed; 2 bad command line or input (one line on stderr, nothing written);
128+N stopped by signal N."""
from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path

from .binaries import Build
from .common import (ROOT, Failure, Usage, committed, creatable, load_json, nonempty, one_line,
                     parse_csv_text, say, write_atomic)
from .runner import runner
from .sweep import CONTEXT_KEYS

HELP = "two runs of the same settings on the same machine, held against each other"

KEY = ["kernel", "size", "model", "series", "bind", "schedule", "chunk", "start", "channel",
       "workers"]
TOTALS = ["points", "compared", "overlap", "overlap_percent", "no_ci", "only_a", "only_b",
          "median_rel_diff", "max_rel_diff", "target_overlap_percent", "target_median_rel_diff",
          "overlap_ok", "median_ok", "verdict", "shift", "shift_same_direction",
          "median_rel_diff_after_shift", "max_rel_diff_after_shift"]
# What may differ between two runs of the same settings: the seeds (see the docstring), and
# what identity.json records without it changing anything (as sweep.differences).
SEEDS = ("seed", "order_seed")
IGNORED = SEEDS + ("removed_from_environment",)
# A folder without identity.json: its machine and build from context.json (the keys of
# identity.json that come from it, and the CPU's and topology's own)...
MACHINE_KEYS = dict(CONTEXT_KEYS, **{
    "cpu_vendor": ("cpu", "vendor"), "cpu_family": ("cpu", "family"),
    "cpu_model": ("cpu", "model"), "cpu_stepping": ("cpu", "stepping"),
    "cpu_ext_family": ("cpu", "ext_family"), "cpu_ext_model": ("cpu", "ext_model"),
    "packages": ("topology", "packages"), "numa_nodes": ("topology", "numa_nodes"),
    "cores": ("topology", "cores"), "pus": ("topology", "pus"), "smt": ("topology", "smt"),
})
# ... and its settings from settings.txt (sweep.py writes "reps=10 rounds=2 ... binary_args=")
SETTINGS_KEYS = ("reps", "rounds", "workers", "models", "kernels", "sizes", "seed",
                 "order_seed", "binary_args")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("runs", nargs="*", metavar="RUN", help="two results folders: RUN_A RUN_B")
    p.add_argument("--csv", metavar="FILE",
                   help="also write the per-point rows (bench-stats agree's CSV) to FILE")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when the runs disagree (default: 0, the verdict is printed)")
    p.add_argument("--force", action="store_true",
                   help="compare runs of different settings or machines, printing what differs")
    p.add_argument("--build", metavar="DIR", default=str(ROOT / "build"),
                   help="the build folder whose bench/bench-stats computes (default build)")


def check_run(d: Path) -> None:
    """A results folder the sweep wrote, or Usage naming what it lacks."""
    if not os.path.lexists(d):
        raise Usage(f"{d}: no such results folder")
    if not d.is_dir():
        raise Usage(f"{d}: a file, not a results folder")
    if not nonempty(d / "summary.csv"):
        raise Usage(f"{d}: no summary.csv: not a sweep's results folder "
                    f"(build/bench/bench-summary {d} writes it from raw/)")
    if not nonempty(d / "context.json"):
        raise Usage(f"{d}: no context.json: not a sweep's results folder")
    if not nonempty(d / "identity.json") and not nonempty(d / "settings.txt"):
        raise Usage(f"{d}: neither identity.json nor settings.txt: not a sweep's results "
                    "folder (which settings it ran cannot be told)")


def _dig(doc, keys):
    for k in keys:
        doc = doc.get(k) if isinstance(doc, dict) else None
    return doc


def parse_settings(text: str) -> dict:
    """settings.txt as {key: value}; a line of another form as {"settings": the line}."""
    line = " ".join(text.split())
    keys = "|".join(SETTINGS_KEYS)
    parts = re.split(rf"(?:^| )({keys})=", line)
    if parts[0] != "" or len(parts) < 3:
        return {"settings": line}
    out = {}
    for k, v in zip(parts[1::2], parts[2::2]):
        if k in out:
            return {"settings": line}
        out[k] = v
    return out


def identity_of(d: Path, use_identity: bool) -> dict:
    """What defines the run in d: its identity.json, or its context.json's machine and build
    with its settings.txt."""
    if use_identity:
        return load_json(d / "identity.json")
    ctx = load_json(d / "context.json")
    ident = {k: _dig(ctx, v) for k, v in MACHINE_KEYS.items()}
    try:
        text = (d / "settings.txt").read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise Usage(f"{d / 'settings.txt'}: cannot read ({e.strerror})") from None
    ident.update(parse_settings(text))
    return ident


def short(v) -> str:
    t = json.dumps(v, sort_keys=True)
    return t if len(t) <= 60 else t[:57] + "..."


def differences(a: dict, b: dict, ignore=IGNORED) -> list[str]:
    """'key A -> B' for every key whose values differ (absent counts as a value)."""
    out = []
    for k in list(a) + [k for k in b if k not in a]:
        if k in ignore:
            continue
        va, vb = a.get(k, "(absent)"), b.get(k, "(absent)")
        if va != vb:
            out.append(f"{k} {short(va)} -> {short(vb)}")
    return out


def same_run_settings(a: Path, b: Path, force: bool) -> list[str]:
    """Refuse (Usage) two runs that are not the same settings on the same machine, unless
    force; returns the lines to print (what differs under --force, seeds that differ)."""
    both = nonempty(a / "identity.json") and nonempty(b / "identity.json")
    ia, ib = identity_of(a, both), identity_of(b, both)
    source = "identity.json" if both else "context.json and settings.txt"
    diff = differences(ia, ib)
    lines = []
    if diff and not force:
        raise Usage(f"{a} and {b} are not the same settings on the same machine ({source}: "
                    f"{'; '.join(diff)}): give --force to compare them anyway")
    if diff:
        lines.append(f"--force: compared although they differ ({source}: {'; '.join(diff)})")
    seeds = differences(ia, ib, ignore=())
    seeds = [s for s in seeds if s.split(" ", 1)[0] in SEEDS]
    if seeds:
        lines.append(f"seeds differ ({'; '.join(seeds)}): allowed, they change the inputs' "
                     "values and the order of the runs, not the work")
    return lines


def bench_stats_agree(stats: Path, a: Path, b: Path) -> tuple[str, list[dict], dict]:
    """bench-stats agree on the two summaries: (the per-point CSV text, its rows, the
    totals)."""
    r = runner()
    res = r.run([str(stats), "agree", str(a / "summary.csv"), str(b / "summary.csv")],
                capture=True, err_capture=True, timeout=120)
    r.check()
    err = [ln for ln in res.err.splitlines() if ln.strip()]
    if res.status == 2:
        raise Usage(one_line(err[-1]) if err else f"bench-stats agree refused {a} or {b}")
    if res.status:
        raise Failure(f"bench-stats agree failed ({err[-1] if err else 'status %d' % res.status})")
    return parse_output(res.out)


def parse_output(out: str) -> tuple[str, list[dict], dict]:
    points_text, sep, totals_text = out.partition("\n\n")
    rows = parse_csv_text(points_text)
    totals = parse_csv_text(totals_text)
    header = points_text.split("\n", 1)[0].split(",")
    if (not sep or len(totals) != 1 or not set(TOTALS) <= set(totals[0])
            or not {"row", *KEY, "rel_diff", "largest"} <= set(header)):
        raise Failure(f"bench-stats agree printed no per-point rows and totals: {one_line(out)[:200]}")
    return points_text + "\n", rows, totals[0]


def name(row: dict) -> str:
    """A point in words: kernel size series p=N, then its other key fields that are set."""
    extra = " ".join(f"{k}={row[k]}" for k in ("bind", "schedule", "chunk", "start", "channel")
                     if row.get(k))
    return f"{row['kernel']} {row['size']} {row['series']} p={row['workers']}" + (f" ({extra})" if extra else "")


def report(a: Path, b: Path, rows: list[dict], t: dict) -> list[str]:
    """The lines printed: the figures, the points in one run only, the verdict."""
    lines = [f"A = {a}", f"B = {b}"]
    lines.append(f"points in both runs: {t['points']} ({t['compared']} compared: a 95% CI of "
                 f"the median in both; {t['no_ci']} no-ci: none in a run, not compared)")
    if t["compared"] not in ("", "0"):
        largest = next((r for r in rows if r["row"] == "both" and r["largest"] == "yes"), None)
        lines.append(f"the 95% CIs overlap for {t['overlap']} of {t['compared']} points "
                     f"({t['overlap_percent']}%; target: at least {t['target_overlap_percent']}%)")
        lines.append(f"relative difference of the medians |b - a| / a: median "
                     f"{t['median_rel_diff']} (target: at most {t['target_median_rel_diff']}), "
                     f"largest {t['max_rel_diff']}"
                     + (f" at {name(largest)}: {largest['a_median_s']} s -> "
                        f"{largest['b_median_s']} s" if largest else ""))
        if t.get("shift"):
            # the machine as a whole: how far B's medians moved together, and what is left
            shift = float(t["shift"])
            if shift == 0:
                lines.append("the machine's shift: none (the median of b/a - 1 is 0)")
            else:
                lines.append(f"the machine's shift: B's medians are {abs(shift) * 100:.1f}% "
                             f"{'lower' if shift < 0 else 'higher'} than A's (the median of b/a - 1), "
                             f"{t['shift_same_direction']} of {t['compared']} points moved that way; "
                             f"with B divided by it, the median difference is "
                             f"{t['median_rel_diff_after_shift']} and the largest "
                             f"{t['max_rel_diff_after_shift']}")
    only = [(w, [name(r) for r in rows if r["row"] == f"only-{w.lower()}"]) for w in "AB"]
    if any(n for _, n in only):
        lines.append("in one run only, not compared: " + "; ".join(
            f"{len(n)} only in {w}" + (f" ({', '.join(n)})" if n else "") for w, n in only))
    if t["verdict"] == "agree":
        lines.append("verdict: agree")
    elif t["compared"] in ("", "0"):
        lines.append("verdict: disagree (no point has a CI in both runs)")
    else:
        failed = []
        if t["overlap_ok"] != "yes":
            failed.append(f"the CIs overlap for {t['overlap_percent']}% of the points, under "
                          f"the target of {t['target_overlap_percent']}%")
        if t["median_ok"] != "yes":
            failed.append(f"the median difference {t['median_rel_diff']} is above the target "
                          f"of {t['target_median_rel_diff']}")
        lines.append(f"verdict: disagree ({'; and '.join(failed)})")
    return lines


def check_csv(path: str) -> Path:
    p = Path(os.path.abspath(path))
    if p.is_dir():
        raise Usage(f"--csv '{path}': a folder, not a file")
    if not p.parent.is_dir() or not creatable(p.parent):
        raise Usage(f"--csv '{path}': cannot write a file there")
    if committed(p.parent):
        raise Usage(f"--csv '{path}': {p.parent} holds results committed to this repository "
                    "(another machine's reference, never rewritten): choose another file")
    return p


def run(args: argparse.Namespace) -> int:
    if len(args.runs) != 2:
        raise Usage("give two results folders, RUN_A and RUN_B (see --help)")
    a, b = (Path(os.path.abspath(d)) for d in args.runs)  # (a folder named -x is no option)
    for d in (a, b):
        check_run(d)
    if a.resolve() == b.resolve():
        raise Usage(f"{a}: the same folder twice: give two runs")
    csv_file = check_csv(args.csv) if args.csv else None
    notes = same_run_settings(a, b, args.force)
    build = Build(args.build)
    build.require("bench-stats")
    text, rows, totals = bench_stats_agree(build.binary("bench-stats"), a, b)
    if csv_file:
        write_atomic(csv_file, text)
    for ln in notes:
        say(ln)
    for ln in report(a, b, rows, totals):
        print(ln, flush=True)
    return 1 if args.strict and totals["verdict"] != "agree" else 0
