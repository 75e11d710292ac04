"""report RUN_DIR [--plots DIR] [--out DIR] - a run's report: report.md and a
self-contained report.html (inline CSS and the charts as inline SVG: no script, no external
file, it opens offline), written into the run's folder (or --out DIR).

What it holds, all read from the run's files (nothing computed here: every figure comes from
bench-summary's summary.csv, bench-stats, or context.json):
  - the machine and context: CPU, label, compiler, libraries, topology, settings, schema;
  - the verdicts: which model is fastest at each worker count and whether the others are
    slower or tie, and up to how many workers each model's efficiency holds, from
    `bench-stats verdicts RUN_DIR` (verdicts.csv, written beside the report). A build whose
    bench-stats has no `verdicts` subcommand gives none: the report says so;
  - per kernel, the median time with its 95% CI, the speedup and efficiency with their
    bootstrap intervals, verification and warnings of every point (summary.csv);
  - the warnings and their causes: noisy points with their noise_causes, loaded points with
    their foreign_pu, oversubscribed points, outliers;
  - the charts: the sweep's gnuplot SVG files from PLOTS (default plots/<label>/<run>/, or
    plots/<label>/ for an older flat folder), inlined.

Sections of report.md are marked <!-- section:NAME --> ... <!-- /section:NAME --> (context,
verdicts, tables, warnings, charts): `cbench.sh readme` copies them into README.md.

A folder that holds results committed to this repository is never written: give --out DIR.
The sweep writes the report at its end. Exit status: 0; 1 a file could not be written or
bench-stats failed; 2 bad command line or input (a missing or corrupt summary.csv,
context.json, chart or verdicts.csv: one line on stderr, nothing written)."""
from __future__ import annotations

import argparse
import csv
import html
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import layout
from .common import (ROOT, Failure, Machine, Usage, check_creatable, committed, load_json, make_dir, nonempty,
                     one_line, read_csv, whole, write_atomic)
from .runner import runner

HELP = "a run's report: report.md and a self-contained report.html"

VERDICT_HEADER = ["kind", "kernel", "size", "workers", "series", "model", "rank", "median_s",
                  "ci_low_s", "ci_high_s", "ratio", "ratio_lo", "ratio_hi", "verdict", "detail"]
VERDICTS = {"rank": {"fastest", "slower", "tie"},
            "scaling": {"holds", "drops", "unclear"},
            "scaling-summary": {"holds-to-p", "drops-beyond-p"}}
SUMMARY_NEED = ["kernel", "size", "model", "series", "workers", "n", "median_s", "ci_low_s",
                "ci_high_s", "speedup", "speedup_lo", "speedup_hi", "efficiency",
                "efficiency_lo", "efficiency_hi", "verified", "warnings"]
CHART_KINDS = [("speedup", "speedup S(p) = T_seq / T(p)"), ("efficiency", "efficiency E = S / p"),
               ("time", "median wall time")]
SECTIONS = ["context", "verdicts", "tables", "warnings", "charts"]
# Nothing may load: the page is its own, whole (a browser logs any attempt as an error)
CSP = "default-src 'none'; style-src 'unsafe-inline'"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dirs", nargs="*", metavar="RUN_DIR", help="a run's results folder")
    p.add_argument("--plots", metavar="DIR",
                   help="the run's chart folder (default plots/<label>/<run>/)")
    p.add_argument("--out", metavar="DIR",
                   help="write report.md, report.html and verdicts.csv here instead of RUN_DIR "
                        "(needed for a folder of committed results)")
    p.add_argument("--build", default=str(ROOT / "build"),
                   help="the build folder whose bench-stats gives the verdicts (default build/)")
    p.add_argument("--verdicts", metavar="FILE",
                   help="render this verdicts.csv (bench-stats verdicts' columns) instead of "
                        "running bench-stats")


# --- reading ---------------------------------------------------------------------------------
@dataclass
class Run:
    dir: Path
    name: str                      # LABEL/STAMP (or LABEL for a flat folder)
    context: dict
    machine: Machine
    rows: list[dict[str, str]]
    columns: list[str]
    settings: str = ""
    sweep: dict = field(default_factory=dict)


def _num(path: Path, line: int, row: dict, col: str, empty_ok: bool = True) -> float | None:
    v = (row.get(col) or "").strip()
    if v == "":
        if empty_ok:
            return None
        raise Usage(f"{path}:{line}: no {col}")
    try:
        return float(v)
    except ValueError:
        raise Usage(f"{path}:{line}: {col} '{one_line(v)[:40]}' is not a number") from None


def read_run(d: Path) -> Run:
    """The run's summary and context, checked (Usage naming the file when missing or corrupt)."""
    if not d.is_dir():
        raise Usage(f"{d}: no such results folder")
    d = layout.resolve(d)
    for f in ("summary.csv", "context.json"):
        if not nonempty(d / f):
            raise Usage(f"{d}: no {f} (not a finished run's folder)")
    machine = Machine(d / "context.json")
    context = load_json(d / "context.json")
    path = d / "summary.csv"
    rows = read_csv(path, SUMMARY_NEED, "summary.csv")
    if not rows:
        raise Usage(f"{path}: no points")
    with open(path, newline="", encoding="utf-8") as f:
        columns = next(csv.reader(f), [])
    for i, r in enumerate(rows, start=2):
        if None in r or any(v is None for v in r.values()):
            raise Usage(f"{path}:{i}: not as many fields as columns")
        if not re.fullmatch(r"[1-9][0-9]{0,5}", r["workers"]):
            raise Usage(f"{path}:{i}: workers '{one_line(r['workers'])[:20]}' is not a count")
        for col in SUMMARY_NEED[5:-2]:
            _num(path, i, r, col, empty_ok=col not in ("median_s",))
    label = machine.label or d.parent.name
    name = f"{label}/{d.name}" if layout.is_run_name(d.name) else label
    settings = ""
    if (d / "settings.txt").is_file():
        try:
            settings = (d / "settings.txt").read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            settings = ""
    sweep = load_json(d / "sweep.json") if nonempty(d / "sweep.json") else {}
    return Run(d, name, context, machine, rows, columns, settings, sweep)


def read_verdicts(path: Path) -> list[dict[str, str]]:
    """bench-stats verdicts' rows, checked: exactly its header, known kinds and verdicts."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise Usage(f"{path}: cannot read ({getattr(e, 'strerror', None) or 'not text'})") from None
    lines = text.splitlines()
    if not lines or lines[0].split(",") != VERDICT_HEADER:
        raise Usage(f"{path}: not a verdicts.csv (header is not {','.join(VERDICT_HEADER)})")
    rows = []
    for i, r in enumerate(csv.reader(lines[1:]), start=2):
        if not r:
            continue
        if len(r) != len(VERDICT_HEADER):
            raise Usage(f"{path}:{i}: {len(r)} fields, not {len(VERDICT_HEADER)}")
        row = dict(zip(VERDICT_HEADER, r))
        if row["kind"] not in VERDICTS:
            raise Usage(f"{path}:{i}: unknown kind '{one_line(row['kind'])[:30]}'")
        if row["verdict"] not in VERDICTS[row["kind"]]:
            raise Usage(f"{path}:{i}: unknown verdict '{one_line(row['verdict'])[:30]}' for "
                        f"kind {row['kind']}")
        for col in ("workers", "rank", "median_s", "ci_low_s", "ci_high_s", "ratio",
                    "ratio_lo", "ratio_hi"):
            _num(path, i, row, col)
        row["line"] = str(i)
        rows.append(row)
    return rows


@dataclass
class Verdicts:
    rows: list[dict[str, str]] | None   # None: none to show
    why: str = ""                        # why there are none
    text: str = ""                       # the CSV as bench-stats wrote it (to keep beside)
    given: Path | None = None            # --verdicts FILE: rendered, not computed here


def compute_verdicts(run: Run, build: Path) -> Verdicts:
    """`bench-stats verdicts RUN_DIR -o FILE` of the build, into a temporary file. A
    bench-stats that does not know the subcommand (exit 2, "unknown subcommand") gives no
    verdicts; one that refuses the run gives none, with its reason."""
    stats = build / "bench" / "bench-stats"
    if not os.access(stats, os.X_OK):
        return Verdicts(None, f"the build has no bench-stats ({stats})")
    with tempfile.TemporaryDirectory(prefix=".report.", suffix=".tmp") as tmp:
        out = Path(tmp) / "verdicts.csv"
        r = runner()
        # (a signal ends the driver at r.check(), past the with's clean-up: removed there)
        clean = r.on_interrupt(lambda: shutil.rmtree(tmp, ignore_errors=True))
        res = r.run([str(stats), "verdicts", str(run.dir), "-o", str(out)],
                    capture=True, err_capture=True, timeout=600)
        r.check()
        r.forget(clean)
        err = [ln for ln in res.err.splitlines() if ln.strip()]
        if res.status == 2 and any("unknown subcommand" in ln for ln in err):
            return Verdicts(None, "this build's bench-stats has no `verdicts` subcommand")
        if res.status or res.timed_out:
            return Verdicts(None, "bench-stats verdicts did not compute them ("
                            + (one_line(err[-1]) if err else f"status {res.status}") + ")")
        if not out.is_file():
            return Verdicts(None, "bench-stats verdicts wrote no file")
        try:
            rows = read_verdicts(out)
        except Usage as e:
            raise Failure(f"bench-stats verdicts: {e}") from None
        return Verdicts(rows, text=out.read_text(encoding="utf-8"))


def chart_files(run: Run, plots: Path | None) -> tuple[Path, list[tuple[str, str, str, Path | None]]]:
    """The chart folder and, per kernel and kind, (kernel, kind, title, file or None)."""
    folder = plots if plots is not None else layout.plots_of(
        run.dir, run.machine.label or "unlabelled", ROOT / "plots")
    out = []
    for kernel in kernels(run):
        for kind, title in CHART_KINDS:
            f = folder / f"{kind}-{kernel}.svg"
            if f.is_file():
                why = whole(f)
                if why:
                    raise Usage(f"{f}: {why}")
            out.append((kernel, kind, title, f if f.is_file() else None))
    return folder, out


# --- what the report says -----------------------------------------------------------------
def kernels(run: Run) -> list[str]:
    return list(dict.fromkeys(r["kernel"] for r in run.rows))


def fnum(v: str | float | None, digits: int = 4) -> str:
    if v in (None, ""):
        return ""
    return f"{float(v):#.{digits}g}".rstrip(".")


def f2(v: str | float | None, d: int = 2) -> str:
    return "" if v in (None, "") else f"{float(v):.{d}f}"


def interval(v, lo, hi, fmt) -> str:
    if v in (None, ""):
        return ""
    s = fmt(v)
    if lo not in (None, "") and hi not in (None, ""):
        s += f" [{fmt(lo)}, {fmt(hi)}]"
    return s


def series(row: dict[str, str]) -> str:
    return row.get("series") or row.get("model") or "?"


def warns(row: dict[str, str]) -> list[str]:
    return [w for w in (row.get("warnings") or "").split(";") if w]


def point(row: dict[str, str]) -> str:
    return f"{row['kernel']} {series(row)} p = {row['workers']}"


# A block: ("h", level, text) ("p", text) ("ul", [items]) ("table", header, rows)
# ("chart", caption, file, svg text or None) ("begin", section) ("end", section)
Block = tuple


def context_blocks(run: Run) -> list[Block]:
    c = run.context

    def get(*keys):
        d = c
        for k in keys:
            d = d.get(k) if isinstance(d, dict) else None
        return d

    def kib(b):
        if not isinstance(b, (int, float)) or b <= 0:
            return None
        for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
            if b >= size:
                return f"{b / size:.4g} {unit}"
        return f"{b} B"

    t = get("topology") or {}
    topo = [f"{t.get('packages', '?')} package(s), {t.get('numa_nodes', '?')} NUMA node(s), "
            f"{t.get('cores', '?')} cores, {t.get('pus', '?')} PUs"
            + (", SMT" if t.get("smt") else ", no SMT" if t.get("smt") is False else "")]
    caches = [f"{n} {kib(t.get(k))}" for n, k in (("L1d", "l1d_bytes"), ("L2", "l2_bytes"),
                                                   ("L3", "l3_bytes")) if kib(t.get(k))]
    if caches:
        topo.append(", ".join(caches))
    if kib(t.get("memory_bytes")):
        topo.append(f"memory {kib(t.get('memory_bytes'))}")
    if t.get("allowed_cpuset"):
        topo.append(f"CPUs allowed {t.get('allowed_cpuset')}")
    if t.get("this_machine") is False:
        topo.append("NOT this machine's topology (a foreign topology was given)")
    cpu = get("cpu") or {}
    cpu_words = " ".join(str(cpu.get("brand") or "unknown CPU").split())
    ids = [f"{k.replace('ext_', 'extended ')} {cpu[k]}" for k in
           ("family", "ext_family", "model", "ext_model", "stepping") if k in cpu]
    feats = cpu.get("features") if isinstance(cpu.get("features"), dict) else {}
    have = [k for k, v in feats.items() if v is True]
    if cpu.get("vendor"):
        cpu_words = f"{cpu['vendor']} \"{cpu_words}\""
    if ids:
        cpu_words += f" ({', '.join(ids)})"
    if have:
        cpu_words += f"; {', '.join(have)}"
    if cpu.get("measured_clock_mhz"):
        cpu_words += f"; measured clock {cpu['measured_clock_mhz']} MHz"
    quota = get("cgroup", "cpu_quota_cpus")
    env = get("environment") if isinstance(get("environment"), dict) else {}
    rows = [
        ["label", str(get("run", "label") or "")],
        ["run", run.name],
        ["date", str(get("run", "date") or "")],
        ["CPU", cpu_words],
        ["topology", "; ".join(topo)],
        ["compiler", str(get("suite", "compiler") or "")],
        ["build", f"{get('suite', 'build_flags') or ''}".strip()
         + (" (DEBUG BUILD)" if get("suite", "debug_build") else "")],
        ["commit", str(get("suite", "commit") or "")],
        ["libraries", str(get("suite", "libraries") or "")],
        ["system", " ".join(str(get("system", k) or "") for k in ("kernel", "machine")).strip()
         + (f", libc {get('system', 'libc')}" if get("system", "libc") else "")],
        ["CPU quota (cgroup)", f"{quota} CPUs" if isinstance(quota, (int, float)) else
         "none" if "cgroup" in c else "not recorded"],
        ["environment", ", ".join(f"{k}={v}" for k, v in env.items()) or "(none recorded)"],
        ["settings", run.settings or "(no settings.txt)"],
        ["schema", str(get("schema_version") if get("schema_version") is not None else "?")],
    ]
    if run.sweep:
        s = run.sweep
        rows.append(["sweep", f"{s.get('configurations', '?')} configurations, "
                              f"{s.get('started', '?')} to {s.get('finished', '?')} "
                              f"({s.get('duration_s', '?')} s), status {s.get('status', '?')}"])
    return [("table", ["", ""], [r for r in rows if r[1]])]


def verdict_blocks(run: Run, v: Verdicts) -> list[Block]:
    if v.rows is None:
        return [("p", f"Verdicts are unavailable in this build: {v.why}. None are shown; "
                      "the tables below hold the measurements.")]
    out: list[Block] = []
    if v.given is not None:
        out.append(("p", f"These verdicts are the rows of `{v.given.name}`, given with "
                         "`--verdicts`: rendered as they are, not computed from this run by "
                         "bench-stats here."))
    if not v.rows:
        return out + [("p", "bench-stats verdicts gave no verdict for this run.")]
    ks = list(dict.fromkeys(r["kernel"] for r in v.rows))
    for k in ks:
        rows = [r for r in v.rows if r["kernel"] == k]
        size = rows[0]["size"]
        out.append(("h", 4, f"{k} ({size})" if size else k))
        rank = [r for r in rows if r["kind"] == "rank"]
        sentences = []
        for key in dict.fromkeys((r["size"], int(float(r["workers"]))) for r in rank):
            group = sorted((r for r in rank if (r["size"], int(float(r["workers"]))) == key),
                           key=lambda r: float(r["rank"] or 0))
            sentences.append(rank_sentence(k, key[1], group))
        summ = [r for r in rows if r["kind"] == "scaling-summary"]
        for r in summ:
            sentences.append(scaling_sentence(k, r))
        if sentences:
            out.append(("ul", sentences))
        if rank:
            out.append(("table", ["p", "rank", "model", "median s [95% CI]",
                                  "ratio to fastest [interval]", "verdict", "detail"],
                        [[r["workers"], r["rank"], series(r),
                          interval(r["median_s"], r["ci_low_s"], r["ci_high_s"], fnum),
                          interval(r["ratio"], r["ratio_lo"], r["ratio_hi"], lambda x: f2(x, 3)),
                          r["verdict"], r["detail"]] for r in rank]))
        scal = [r for r in rows if r["kind"] == "scaling"]
        if scal:
            out.append(("table", ["model", "p", "efficiency [interval]", "verdict", "detail"],
                        [[series(r), r["workers"],
                          interval(r["ratio"], r["ratio_lo"], r["ratio_hi"], f2),
                          r["verdict"], r["detail"]] for r in scal]))
    return out


def _comparisons(detail: str) -> str | None:
    m = re.search(r"(?:^|;)m=([0-9]+)", detail or "")
    return m.group(1) if m else None


def rank_sentence(kernel: str, p: int, group: list[dict[str, str]]) -> str:
    """"p = 2, primes: threads fastest (0.451 s); threadpool ties (1.004× [0.99, 1.02]);
    procs 1.08× slower [1.05, 1.11], significant after correction for 52 comparisons"."""
    parts = []
    last_slower = max((i for i, r in enumerate(group) if r["verdict"] == "slower"), default=-1)
    for i, r in enumerate(group):
        s = series(r)
        has_iv = r["ratio_lo"] != "" and r["ratio_hi"] != ""
        iv = f" [{f2(r['ratio_lo'])}, {f2(r['ratio_hi'])}]" if has_iv else ""
        note = " (no interval: too few samples)" if "no-ci" in r["detail"] else ""
        if r["verdict"] == "fastest":
            parts.append(f"{s} fastest ({fnum(r['median_s'], 3)} s)")
        elif r["verdict"] == "tie":
            parts.append(f"{s} ties ({f2(r['ratio'], 3)}×{iv}){note}" if r["ratio"] else f"{s} ties{note}")
        else:
            t = f"{s} {f2(r['ratio'])}× slower{iv}{note}"
            m = _comparisons(r["detail"])
            if i == last_slower and m:
                t += f", significant after correction for {m} comparisons"
            parts.append(t)
    return f"p = {p}, {kernel}: " + "; ".join(parts)


def scaling_sentence(kernel: str, r: dict[str, str]) -> str:
    p = int(float(r["workers"])) if r["workers"] else None
    if r["detail"]:
        what = r["detail"]
    elif r["verdict"] == "holds-to-p":
        what = f"efficiency holds up to {p} worker{'s' if p != 1 else ''}"
    else:
        what = f"efficiency drops beyond {p} worker{'s' if p != 1 else ''}"
    return f"{kernel}, {series(r)}: {what}"


def table_blocks(run: Run) -> list[Block]:
    out: list[Block] = []
    for k in kernels(run):
        rows = [r for r in run.rows if r["kernel"] == k]
        sizes = list(dict.fromkeys(r["size"] for r in rows))
        for size in sizes:
            out.append(("h", 4, f"{k} ({size})"))
            out.append(("table", ["model", "p", "median s [95% CI]", "speedup S [95% CI]",
                                  "efficiency E [95% CI]", "n", "verified", "warnings"],
                        [[series(r), r["workers"],
                          interval(r["median_s"], r["ci_low_s"], r["ci_high_s"], fnum),
                          interval(r["speedup"], r["speedup_lo"], r["speedup_hi"], f2),
                          interval(r["efficiency"], r["efficiency_lo"], r["efficiency_hi"], f2),
                          r["n"], r["verified"], ", ".join(warns(r))]
                         for r in rows if r["size"] == size]))
    return out


def warning_blocks(run: Run) -> list[Block]:
    rows = run.rows
    count: dict[str, int] = {}
    for r in rows:
        for w in warns(r):
            count[w] = count.get(w, 0) + 1
    out: list[Block] = []
    if not count:
        return [("p", f"None of the {len(rows)} points carries a warning.")]
    out.append(("p", f"{len(rows)} points; with a warning: "
                + ", ".join(f"{w} {n}" for w, n in sorted(count.items(), key=lambda x: (-x[1], x[0])))
                + "."))
    has_noise = "noise_causes" in run.columns
    noisy = [r for r in rows if "noisy" in warns(r)]
    if noisy:
        out.append(("h", 4, "noisy points (CV above 3%) and what moved with them"))
        out.append(("table", ["point", "CV", "noise causes"],
                    [[point(r), r.get("cv", ""),
                      (r.get("noise_causes") or "none recorded") if has_noise else
                      "not recorded (summary before schema 3)"] for r in noisy]))
    loaded = [r for r in rows if "loaded" in warns(r)]
    if loaded:
        out.append(("h", 4, "loaded points (other processes' CPU time on the run's PUs)"))
        if "foreign_pu" not in run.columns:
            out.append(("p", "This summary predates schema 3: its `loaded` came from the load "
                             "average, not from a measurement of foreign CPU time."))
        out.append(("table", ["point", "foreign PU", "foreign CPU s"],
                    [[point(r), r.get("foreign_pu") or "not recorded",
                      r.get("foreign_cpu_s") or ""] for r in loaded]))
    over = [r for r in rows if "oversubscribed" in warns(r)]
    if over:
        out.append(("h", 4, "oversubscribed points (more workers than PUs)"))
        out.append(("p", ", ".join(point(r) for r in over) +
                    f" (this machine: {run.machine.pus} PUs)."))
    outl = [r for r in rows if "outliers" in warns(r)]
    if outl:
        out.append(("h", 4, "points with outliers"))
        out.append(("table", ["point", "outliers", "n"],
                    [[point(r), r.get("outliers", ""), r["n"]] for r in outl]))
    other = sorted(w for w in count if w not in ("noisy", "loaded", "oversubscribed", "outliers"))
    for w in other:
        out.append(("p", f"{w}: " + ", ".join(point(r) for r in rows if w in warns(r)) + "."))
    return out


def chart_blocks(folder: Path, charts: list) -> list[Block]:
    if not charts or all(f is None for *_, f in charts):
        return [("p", f"No charts: {folder} holds no SVG chart of this run "
                      "(`scripts/cbench.sh plot RUN_DIR` draws them).")]
    out: list[Block] = []
    for kernel in dict.fromkeys(k for k, *_ in charts):
        out.append(("h", 4, kernel))
        for k, kind, title, f in charts:
            if k != kernel:
                continue
            if f is None:
                out.append(("p", f"{kind}-{kernel}.svg: not drawn."))
            else:
                out.append(("chart", f"{title}, {kernel}", f))
    return out


def blocks(run: Run, v: Verdicts, folder: Path, charts: list) -> list[Block]:
    b: list[Block] = [("h", 1, f"Report: {run.name}")]
    b.append(("p", f"Generated by `scripts/cbench.sh report` from the run's files: "
                   "context.json, summary.csv (bench-summary), "
                   + ("verdicts.csv (bench-stats verdicts)" if v.rows is not None else
                      "no verdicts.csv") + " and the charts' SVG files. "
                   f"{len(run.rows)} points, {len(kernels(run))} kernel(s)."))
    parts = [("context", "Machine and context", context_blocks(run)),
             ("verdicts", "Verdicts", verdict_blocks(run, v)),
             ("tables", "Speedup and efficiency per kernel", table_blocks(run)),
             ("warnings", "Warnings and their causes", warning_blocks(run)),
             ("charts", "Charts", chart_blocks(folder, charts))]
    for name, title, body in parts:
        b.append(("h", 2, title))
        b.append(("begin", name))
        b += body
        b.append(("end", name))
    return b


# --- Markdown and HTML ------------------------------------------------------------------------
def md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(bl: list[Block], out_dir: Path, run_name: str) -> str:
    lines: list[str] = []
    for b in bl:
        kind = b[0]
        if kind == "h":
            lines += ["#" * b[1] + " " + b[2], ""]
        elif kind == "p":
            lines += [b[1], ""]
        elif kind == "ul":
            lines += [f"- {x}" for x in b[1]] + [""]
        elif kind == "table":
            header, rows = b[1], b[2]
            lines.append("| " + " | ".join(md_cell(h) for h in header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows]
            lines.append("")
        elif kind == "chart":
            f: Path = b[2]
            lines += [f"![{b[1]}]({chart_link(f, out_dir, run_name)})", ""]
        elif kind == "begin":
            lines += [f"<!-- section:{b[1]} -->", ""]
        elif kind == "end":
            while lines and lines[-1] == "":
                lines.pop()
            lines += ["", f"<!-- /section:{b[1]} -->", ""]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def chart_link(f: Path, out_dir: Path, run_name: str) -> str:
    """A chart's link from report.md: relative when both lie in this repository (they travel
    together). A report kept in the repository (docs/reports/) of charts drawn elsewhere
    links to where this repository keeps a run's charts, plots/<label>/<run>/; any other
    report, to the chart's own path."""
    f = Path(os.path.abspath(f))
    o = Path(os.path.abspath(out_dir))

    def inside(p: Path) -> bool:
        try:
            p.relative_to(ROOT)
            return True
        except ValueError:
            return False
    if inside(f) and inside(o):
        return os.path.relpath(f, o)
    if inside(o) and "/" in run_name:
        return os.path.relpath(ROOT / "plots" / run_name / f.name, o)
    return str(f)


_ID = re.compile(r"""\bid=(['"])([^'"]+)\1""")


def inline_svg(path: Path, prefix: str) -> str:
    """An SVG file as an element to inline: no XML declaration or DOCTYPE, every id made
    unique to the chart (each gnuplot file defines the same ids), scaled to the page. A
    reference to anything outside the file is refused: the page loads nothing."""
    text = path.read_text(encoding="utf-8", errors="replace")
    text = re.sub(r"<\?xml[^>]*\?>", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text, flags=re.I)
    start = text.find("<svg")
    if start < 0:
        raise Usage(f"{path}: no <svg> element")
    text = text[start:]
    if re.search(r"<(script|foreignObject|image)\b", text, re.I):
        raise Usage(f"{path}: holds a script, image or foreign object: not inlined")
    for m in re.finditer(r"""(?:href|src)\s*=\s*(['"])([^'"]*)\1""", text):
        if not m.group(2).startswith("#"):
            raise Usage(f"{path}: refers to an outside resource ({m.group(2)[:60]})")
    if re.search(r"url\(\s*['\"]?(?!#)", text) or "@import" in text:
        raise Usage(f"{path}: refers to an outside resource (url() or @import)")
    ids = {m.group(2) for m in _ID.finditer(text)}
    text = _ID.sub(lambda m: f"id={m.group(1)}{prefix}{m.group(2)}{m.group(1)}", text)
    if ids:
        alt = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        text = re.sub(rf"#({alt})(?=['\")])", lambda m: f"#{prefix}{m.group(1)}", text)
    return re.sub(r"<svg\b", '<svg class="chart" role="img"', text, count=1)


CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:1320px;padding:1em 2em;color:#1a1a1a;background:#fff}
h1{font-size:1.6em;border-bottom:2px solid #333}h2{margin-top:2em;border-bottom:1px solid #bbb}
h4{margin:1.4em 0 .4em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0}tr:nth-child(even) td{background:#fafafa}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.kv td:first-child{font-weight:600;white-space:nowrap}
figure{margin:1em 0 2em}figcaption{color:#555;font-size:13px}
svg.chart{width:100%;height:auto;max-width:1280px;border:1px solid #ddd}
code{background:#f3f3f3;padding:0 3px}
"""


def _inline_md(text: str) -> str:
    """A sentence's `code` as <code>, the rest escaped."""
    parts = text.split("`")
    return "".join(f"<code>{html.escape(p)}</code>" if i % 2 else html.escape(p)
                   for i, p in enumerate(parts))


def _is_num(cell: str) -> bool:
    return bool(re.fullmatch(r"[-0-9.eE+ \[\],×]+", cell or "")) and any(ch.isdigit() for ch in cell)


def to_html(bl: list[Block], title: str) -> str:
    h = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
         f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         f"<title>{html.escape(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>"]
    n = 0
    for b in bl:
        kind = b[0]
        if kind == "h":
            h.append(f"<h{b[1]}>{html.escape(b[2])}</h{b[1]}>")
        elif kind == "p":
            h.append(f"<p>{_inline_md(b[1])}</p>")
        elif kind == "ul":
            h.append("<ul>" + "".join(f"<li>{_inline_md(x)}</li>" for x in b[1]) + "</ul>")
        elif kind == "table":
            header, rows = b[1], b[2]
            kv = all(x == "" for x in header)
            t = ['<table class="kv">' if kv else "<table>"]
            if not kv:
                t.append("<thead><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in header)
                         + "</tr></thead>")
            t.append("<tbody>")
            for r in rows:
                t.append("<tr>" + "".join(
                    f'<td class="num">{html.escape(str(c))}</td>' if _is_num(str(c)) and not kv
                    else f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>")
            t.append("</tbody></table>")
            h.append("".join(t))
        elif kind == "chart":
            n += 1
            h.append(f'<figure id="chart-{n}">{inline_svg(b[2], f"c{n}-")}'
                     f"<figcaption>{html.escape(b[1])} ({html.escape(b[2].name)})</figcaption></figure>")
        elif kind == "begin":
            h.append(f'<section id="{b[1]}">')
        elif kind == "end":
            h.append("</section>")
    h += ["</body>", "</html>", ""]
    return "\n".join(h)


# --- the command -----------------------------------------------------------------------------
def out_folder(run: Run, out: str | None) -> Path:
    """Where the report goes: --out, else the run's folder; never a folder of committed
    results (a reference no run rewrites)."""
    d = Path(os.path.abspath(out)) if out else run.dir
    if os.path.lexists(d) and not d.is_dir():
        raise Usage(f"--out '{out}': a file, not a folder")
    check_creatable("--out", d)
    holds_results = d.is_dir() and (layout.holds_run(d) or (d / "summary.csv").exists())
    if holds_results and committed(d):
        raise Usage(f"{d} holds results committed to this repository (a reference, never "
                    "rewritten): give --out DIR for the report")
    return d


def generate(run_dir: Path, plots: Path | None = None, out: str | None = None,
             build: Path = ROOT / "build", verdicts_file: Path | None = None) -> tuple[Path, Path]:
    """Read and check everything, then write report.md, report.html (and verdicts.csv when
    bench-stats computed them) into the output folder. Returns the two reports' paths."""
    run = read_run(Path(os.path.abspath(run_dir)))
    dest = out_folder(run, out)
    folder, charts = chart_files(run, Path(os.path.abspath(plots)) if plots else None)
    if verdicts_file is not None:
        v = Verdicts(read_verdicts(verdicts_file), given=Path(verdicts_file))
    else:
        v = compute_verdicts(run, Path(os.path.abspath(build)))
    bl = blocks(run, v, folder, charts)
    md = to_markdown(bl, dest, run.name)
    page = to_html(bl, f"concurrency-bench report: {run.name}")
    make_dir("--out", dest)
    if v.text:
        write_atomic(dest / "verdicts.csv", v.text)
    write_atomic(dest / "report.md", md)
    write_atomic(dest / "report.html", page)
    return dest / "report.md", dest / "report.html"


def run(args: argparse.Namespace) -> int:
    if not args.dirs:
        raise Usage("no results folder given (see --help)")
    if len(args.dirs) > 1:
        raise Usage(f"unexpected argument '{args.dirs[1]}': one results folder only")
    if args.out is not None and args.out == "":
        raise Usage("--out needs a folder")
    vf = None
    if args.verdicts:
        vf = Path(args.verdicts)
        if not vf.is_file():
            raise Usage(f"--verdicts '{args.verdicts}': no such file")
    md, page = generate(Path(args.dirs[0]), Path(args.plots) if args.plots else None,
                        args.out, Path(args.build), vf)
    print(f"report: {md} {page}", flush=True)
    return 0
