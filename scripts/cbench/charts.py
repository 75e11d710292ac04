"""The charts: gnuplot draws every one of them from a template (scripts/gp/<kind>.gp) and
the one style file (scripts/gp/style.gp).

For each chart the driver writes into <plots folder>/src/: the data files (CSV rows copied
from summary.csv or the micro-benchmarks' CSVs: every number drawn is one the C binaries
wrote), a copy of style.gp and of the templates used, and <chart>.gp, which sets the
chart's variables (titles, captions, names, files, axis layout), loads style.gp and its
template, and writes ../<chart>.png and ../<chart>.svg. A chart can be changed and drawn
again by hand:  cd plots/<label>/<run>/src && gnuplot speedup-primes.gp

All charts of one call are drawn by one gnuplot, in a hidden folder beside the charts, with
out='...' on gnuplot's command line in place of each chart's own output name; the new src/
files and charts are renamed into place only once gnuplot succeeded, and the hidden folder
goes away whatever happens (an interrupt included). What Python computes here is layout
only: order, colours, axis ranges, tics, sideways offsets and the words of the captions."""
from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from .common import (TEMPLATES, Failure, Machine, Usage, check_creatable, csv_text, make_dir,
                     one_line, read_csv, say, secs, whole)
from .runner import runner
from . import layout

GNUPLOT_MISSING = "gnuplot not found (scripts/setup.sh installs gnuplot-nox): no charts"


# --- gnuplot text ---------------------------------------------------------------------------
class Num(str):
    """A number as the CSV wrote it, passed to gnuplot unchanged (not quoted)."""


def gp_str(text: object) -> str:
    """A gnuplot string on one line: single-quoted (taken as written), or double-quoted with
    backslash escapes when it holds a single quote (gnuplot reads a doubled quote at a
    string's start as an empty string) or an @ (gnuplot would expand @name as a macro even
    inside quotes: written as the escape \\100)."""
    t = one_line(str(text))
    if "'" not in t and "@" not in t:
        return f"'{t}'"
    return '"' + t.replace("\\", "\\\\").replace('"', '\\"').replace("@", "\\100") + '"'


def gp_value(v: object) -> str:
    if isinstance(v, Num):
        return str(v)
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "NaN" if math.isnan(v) else f"{v:.12g}"
    return gp_str(v)


def gp_assign(name: str, value: object) -> str:
    """One line of a chart file: a variable, or a gnuplot array for a list (an empty list is
    an array of one undefined element: the template counts with its own variable)."""
    if isinstance(value, (list, tuple)):
        if not value:
            return f"array {name}[1]  # (none)"
        return f"array {name}[{len(value)}] = [" + ", ".join(gp_value(v) for v in value) + "]"
    return f"{name} = {gp_value(value)}"


def safe_name(text: str) -> str:
    """A file name part from a series or machine name."""
    return re.sub(r"[^A-Za-z0-9_.+-]", "_", text).strip(".") or "x"


# --- layout ----------------------------------------------------------------------------------
def series_ranks(names: Iterable[str]) -> dict[str, int]:
    """Each series' place (1, 2, ...) in the sorted list of names: its colour and point type,
    the same in every chart of a folder whatever other series the folder holds."""
    return {s: i for i, s in enumerate(sorted(set(names)), start=1)}


def log_tics(lo: float, hi: float) -> list[tuple[str, float]]:
    """Tics for a log axis of seconds from lo to hi: 1-2-5 in every decade, or every integer
    multiple when that gives fewer than three, or only the powers of ten when 1-2-5 gives
    more than twelve (a range of many decades); labelled in s, ms or us."""
    if not (lo > 0 and hi > lo):
        return []

    def tics(mults: Sequence[int]) -> list[tuple[str, float]]:
        out = []
        for e in range(int(math.log10(lo)) - 1, int(math.log10(hi)) + 2):
            for m in mults:
                t = float(f"{m}e{e}")
                if lo <= t <= hi:
                    out.append((secs(t), t))
        return out

    found = tics((1, 2, 5))
    if len(found) < 3:
        found = tics(range(1, 10))
    elif len(found) > 12:
        found = tics((1,))
    return found


def tic_list(tics: Iterable[tuple[str, float]]) -> str:
    """A gnuplot tic list: '"1 s" 1, "2 s" 2'."""
    return ", ".join(f'"{label}" {value:.12g}' for label, value in tics)


def p_tics(ps: Iterable[int], most: int = 16) -> str:
    """Tics at the measured worker counts when they are few, else '' (gnuplot's own)."""
    ps = sorted(set(ps))
    return ", ".join(str(p) for p in ps) if len(ps) <= most else ""


def machine_names(dirs: Sequence[Path], labels: Sequence[str]) -> list[str]:
    """Machines' names in a comparison: their labels (or folder names); machines with the
    same label (a re-run, a copy) are told apart by their run's name (label@2026-12-05T071500Z)
    or the name of the folder that holds a flat results folder (label@results, label@rerun),
    or else by their position (#2)."""
    base = [lab or Path(os.path.abspath(d)).name for d, lab in zip(dirs, labels)]
    names = list(base)
    def where(d):  # a run's folder: its date-time; a flat one: the folder that holds it
        real = Path(os.path.realpath(d))
        return real.name if layout.is_run_name(real.name) else real.parent.name
    for rename in (lambda i: f"{base[i]}@{where(dirs[i])}",
                   lambda i: f"{names[i]}#{i + 1}"):
        dups = [i for i in range(len(names)) if names.count(names[i]) > 1]
        for i in dups:
            names[i] = rename(i)
    return names


def machine_line(m: Machine) -> str:
    return (f"{m.brand}, {m.cores} physical cores, {m.pus} PUs ({m.label}"
            f"{', ' + m.date[:10] if m.date else ''})"
            + ("" if m.this_machine else ": a topology NOT of the machine measured"))


# --- reading ---------------------------------------------------------------------------------
def read_rows(path: Path, need: Sequence[str], what: str) -> list[dict[str, str]]:
    """A CSV's rows (Usage when unreadable, lacking a column, or without rows)."""
    rows = read_csv(path, need, what)
    if not rows:
        raise Usage(f"{path}: no rows")
    return rows


def number(row: dict[str, str], col: str, path: Path, line: int = 0, whole: bool = False):
    """A column's value as a number (Usage naming the file, and the line when known)."""
    text = (row.get(col) or "").strip()
    try:
        return int(text) if whole else float(text)
    except ValueError:
        where = f"{path}:{line}" if line else str(path)
        raise Usage(f"{where}: column {col}: '{text}' is not a number") from None


def maybe(row: dict[str, str], col: str, path: Path, line: int = 0) -> float | None:
    return None if (row.get(col) or "").strip() == "" else number(row, col, path, line)


# --- the machinery ---------------------------------------------------------------------------
@dataclass
class Chart:
    stem: str              # the chart's name: <stem>.png, <stem>.svg, src/<stem>.gp
    template: str          # its template in scripts/gp/
    about: str             # one line: what it shows
    variables: dict = field(default_factory=dict)


class Charts:
    """The data files and charts of one call, drawn together by draw(out)."""

    def __init__(self, source: str):
        self.source = source            # where the data come from (for the files' comments)
        self.files: dict[str, str] = {}  # data file name -> its text
        self.charts: list[Chart] = []

    def data(self, stem: str, header: Sequence[str], rows: Iterable[Sequence[object]],
             note: str) -> str:
        """A data file (CSV with a comment line, then a header); returns its name."""
        name = base = safe_name(stem)
        i = 1
        while f"{name}.csv" in self.files:
            i += 1
            name = f"{base}-{i}"
        clean = [[str(v).replace(",", ";").replace("\n", " ") for v in r] for r in rows]
        self.files[f"{name}.csv"] = f"# {one_line(note)}\n" + csv_text(list(header), clean)
        return f"{name}.csv"

    def chart(self, stem: str, template: str, about: str, **variables) -> None:
        self.charts.append(Chart(stem, template, about, variables))

    def chart_text(self, c: Chart) -> str:
        lines = [
            f"# {c.stem}.gp - {one_line(c.about)}",
            f"# Drawn by scripts/cbench.py from {one_line(self.source)}. To change it, edit the",
            f"# values below, style.gp (every chart's look) or {c.template} (this kind of chart),",
            f"# then run, in this folder: gnuplot {c.stem}.gp (it writes ../{c.stem}.png and .svg).",
            f"if (!exists(\"out\")) out = {gp_str('../' + c.stem)}",
        ]
        lines += [gp_assign(k, v) for k, v in c.variables.items()]
        lines += ["load 'style.gp'", f"load {gp_str(c.template)}"]
        return "\n".join(lines) + "\n"

    def draw(self, out: Path) -> int:
        """Draw every chart into out (PNG and SVG), their sources into out/src/; returns the
        number of files drawn. Usage when out cannot be made, Failure when gnuplot is
        missing or fails (and then nothing is renamed into place)."""
        if not self.charts:
            return 0
        out = Path(out)
        check_creatable("--out", out)
        if shutil.which("gnuplot") is None:
            raise Failure(GNUPLOT_MISSING)
        make_dir("--out", out)
        r = runner()
        try:
            tmp = Path(tempfile.mkdtemp(prefix=".charts.", suffix=".tmp", dir=out))
        except OSError as e:
            raise Failure(f"{out}: cannot write ({e.strerror})") from None

        def clean() -> None:
            shutil.rmtree(tmp, ignore_errors=True)
        r.on_interrupt(clean)
        try:
            return self._draw(out, tmp)
        finally:
            clean()
            r.forget(clean)

    def _draw(self, out: Path, tmp: Path) -> int:
        r = runner()
        try:
            (tmp / ".out").mkdir()
            for name, text in self.files.items():
                (tmp / name).write_text(text, encoding="utf-8")
            templates = ["style.gp"] + sorted({c.template for c in self.charts})
            for t in templates:
                shutil.copyfile(TEMPLATES / t, tmp / t)
            for c in self.charts:
                (tmp / f"{c.stem}.gp").write_text(self.chart_text(c), encoding="utf-8")
        except OSError as e:
            raise Failure(f"{out}: cannot write ({e.strerror})") from None
        argv = ["gnuplot"]
        for c in self.charts:
            argv += ["-e", f"out={gp_str('.out/' + c.stem)}", f"{c.stem}.gp"]
        res = r.run(argv, err_capture=True, cwd=str(tmp))
        r.check()
        lines = [ln.rstrip() for ln in res.err.splitlines() if ln.strip()]
        if res.status:
            where = [ln for ln in lines if re.search(r"line \d+:", ln) and "warning:" not in ln]
            why = (where or lines or [f"status {res.status}"])[0]
            raise Failure(f"gnuplot failed: {why}")
        for ln in lines:  # its warnings (not errors) are worth seeing
            say(f"gnuplot: {ln}")
        drawn = [(tmp / ".out" / f"{c.stem}.{ext}", out / f"{c.stem}.{ext}")
                 for c in self.charts for ext in ("png", "svg")]
        for made, _ in drawn:
            if not made.is_file():
                raise Failure(f"gnuplot drew no {made.name}")
            why = whole(made)
            if why:
                raise Failure(f"gnuplot's {made.name} is {why}: not kept")
        try:
            src = out / "src"
            src.mkdir(exist_ok=True)
            for f in sorted(tmp.iterdir()):
                if f.is_file():
                    os.replace(f, src / f.name)
            for made, final in drawn:
                os.replace(made, final)
        except OSError as e:
            raise Failure(f"{out}: cannot write ({e.strerror})") from None
        return len(drawn)


# --- the sweep's charts ----------------------------------------------------------------------
SWEEP_NEED = ("kernel size size_name model series workers n runs median_s ci_low_s ci_high_s "
              "speedup speedup_lo speedup_hi efficiency efficiency_lo efficiency_hi verified "
              "seq_median_s seq_ci_low_s seq_ci_high_s resamples warnings").split()
SWEEP_COLUMNS = ["workers", "n", "median_s", "ci_low_s", "ci_high_s", "speedup", "speedup_lo",
                 "speedup_hi", "efficiency", "efficiency_lo", "efficiency_hi", "verified"]


@dataclass
class _Group:
    """One kernel at one size of a summary."""
    kernel: str
    size: str
    size_name: str
    ps: set = field(default_factory=set)
    n_min: int | None = None
    runs_max: int = 0
    bad: int = 0
    noisy: int = 0
    loaded: int = 0
    causes: dict = field(default_factory=dict)  # noise cause -> noisy points it moved with
    points: int = 0
    tmin: float | None = None
    tmax: float | None = None
    seq: dict | None = None
    series: dict = field(default_factory=dict)  # name -> rows, in the summary's order
    unverified: list = field(default_factory=list)
    over_quota: set = field(default_factory=set)  # p of the points above the CPU quota


def read_summary(path: Path, need: Sequence[str] = SWEEP_NEED) -> list[dict[str, str]]:
    return read_rows(path, need, "summary.csv")


def _group_summary(path: Path, rows: list[dict[str, str]]) -> tuple[dict, list[str]]:
    groups: dict[tuple[str, str], _Group] = {}
    order: list[str] = []
    for line, r in enumerate(rows, start=2):
        g = groups.setdefault((r["kernel"], r["size"]), _Group(r["kernel"], r["size"], r["size_name"]))
        p = number(r, "workers", path, line, whole=True)
        g.ps.add(p)
        n = number(r, "n", path, line, whole=True)
        g.n_min = n if g.n_min is None else min(g.n_min, n)
        g.runs_max = max(g.runs_max, number(r, "runs", path, line, whole=True))
        g.bad += r["verified"] != "yes"
        warns = r["warnings"].split(";")
        g.noisy += "noisy" in warns
        g.loaded += "loaded" in warns and bool(r.get("foreign_pu"))  # schema 3: measured
        if "noisy" in warns and r.get("noise_causes"):
            for c in r["noise_causes"].split(";"):
                g.causes[c] = g.causes.get(c, 0) + 1
        if "quota" in r["warnings"].split(";"):
            g.over_quota.add(p)
        g.points += 1
        med = number(r, "median_s", path, line)
        lo = maybe(r, "ci_low_s", path, line)
        hi = maybe(r, "ci_high_s", path, line)
        lo = med if lo is None else lo
        hi = med if hi is None else hi
        g.tmin = lo if g.tmin is None else min(g.tmin, lo)
        g.tmax = hi if g.tmax is None else max(g.tmax, hi)
        if r["model"] == "seq":
            g.seq = r
            continue
        s = r["series"]
        if s not in order:
            order.append(s)
        g.series.setdefault(s, []).append((p, r))
        if r["verified"] != "yes":
            g.unverified.append((p, r))
    return groups, order


CAUSE_WORDS = {"foreign": "other processes' CPU time", "steal": "steal time",
               "clock": "the clock", "switches": "context switches", "faults": "page faults",
               "migrations": "migrations",
               "rounds": "a different speed from one run of the binary to the next"}


def noise_note(g: _Group, noisy_cv: float = 0.03) -> str:
    """The caption's words on noise: how many points are noisy (CV above the run's threshold,
    context.json's warnings), what moved with them (the summary's noise_causes), and how many
    ran beside measured foreign load."""
    note = ""
    if g.noisy:
        note = f" {g.noisy} of {g.points} points noisy (CV > {noisy_cv * 100:g}%)"
        if g.causes:
            moved = [f"{CAUSE_WORDS.get(c, c)} ({n})" for c, n in
                     sorted(g.causes.items(), key=lambda t: (-t[1], t[0])) if c != "none"]
            unexplained = g.causes.get("none", 0)
            parts = []
            if moved:
                parts.append("moving with " + ", ".join(moved))
            if unexplained:
                parts.append(f"{unexplained} with none of the recorded causes")
            note += ": " + "; ".join(parts)
        note += "."
    if g.loaded:
        note += (f" {g.loaded} of {g.points} points ran beside other processes' work (more than "
                 "a fifth of a PU: loaded).")
    return note


def _f(r: dict[str, str], col: str) -> float | None:
    try:
        v = float(r.get(col) or "nan")
    except ValueError:
        return None
    return None if math.isnan(v) else v


def p1_notes(g: _Group) -> list[str]:
    """The caption's line on p = 1: every series whose one worker takes more than 2% longer
    or shorter than bench-seq, with an interval that excludes 1, and what it recorded
    differently (page faults, context switches: schema 3), so that a gap a chart shows at
    p = 1 is named where it is seen."""
    seq = g.seq
    if seq is None:
        return []
    out = []
    for s, pts in g.series.items():
        for p, r in pts:
            S, lo, hi = _f(r, "speedup"), _f(r, "speedup_lo"), _f(r, "speedup_hi")
            if p != 1 or S is None or lo is None or hi is None or abs(1 / S - 1) <= 0.02 \
                    or lo <= 1 <= hi:
                continue
            why = []
            for col, word in (("minflt", "page faults"), ("ivcsw", "involuntary switches")):
                a, b = _f(r, col), _f(seq, col)
                if a is not None and b is not None and a >= 2 * b + 100:
                    why.append(f"{a:,.0f} {word} a run against {b:,.0f}")
            out.append(f"{s} {1 / S:.3f}x [{1 / hi:.3f}, {1 / lo:.3f}]"
                       + (f" ({'; '.join(why)})" if why else ""))
    if not out:
        return []
    # at most three series a caption line, so that a line fits the chart's width
    lines = [", ".join(out[i:i + 3]) for i in range(0, len(out), 3)]
    lines[0] = ("At p = 1 (one worker, the same kernel call), time against bench-seq (causes: "
                "the README's p = 1 table): " + lines[0])
    return lines


def draw_sweep(results_dir: Path, out: Path) -> int:
    """A results folder's charts (speedup, efficiency and median time per kernel and size,
    every series of summary.csv in them) into out; returns the number of files drawn."""
    d = Path(results_dir)
    m = Machine(d / "context.json")
    path = d / "summary.csv"
    rows = read_summary(path)
    groups, order = _group_summary(path, rows)
    rank = series_ranks(order)
    resamples = rows[-1]["resamples"]
    machine = machine_line(m)
    sizes: dict[str, int] = {}
    for g in groups.values():
        sizes[g.kernel] = sizes.get(g.kernel, 0) + 1
    charts = Charts(str(d))
    for g in groups.values():
        stem = g.kernel if sizes[g.kernel] == 1 else f"{g.kernel}-{g.size}"
        what = f"{g.kernel}, {g.size_name} = {g.size}"
        pmax = max(g.ps)
        xmax = pmax + 0.5
        step = 0.012 * min(pmax, 16)
        names = sorted(g.series, key=lambda s: rank[s])
        files = []
        for s in names:
            pts = sorted(g.series[s], key=lambda t: t[0])
            files.append(charts.data(f"sweep-{stem}-{s}", SWEEP_COLUMNS,
                                     ([r[c] for c in SWEEP_COLUMNS] for _, r in pts),
                                     f"{path}: kernel {g.kernel}, size {g.size}, series {s}"))
        bad_file = ""
        if g.unverified:
            pts = sorted(g.unverified, key=lambda t: t[0])
            bad_file = charts.data(f"sweep-{stem}-unverified", SWEEP_COLUMNS,
                                   ([r[c] for c in SWEEP_COLUMNS] for _, r in pts),
                                   f"{path}: kernel {g.kernel}, size {g.size}: points not verified")
        verdict = (f"{g.bad} point(s) NOT verified (red crosses)." if g.bad
                   else "Every point verified against the sequential result.")
        runs = f" (pooled over {g.runs_max} interleaved rounds)" if g.runs_max > 1 else ""
        seq = g.seq
        base = ("No bench-seq baseline in this folder." if seq is None else
                f"Base T_seq = {secs(seq['median_s'])}, 95% CI [{secs(seq['ci_low_s'])}, "
                f"{secs(seq['ci_high_s'])}].")
        noise = noise_note(g, m.noisy_cv)
        tseq = float(seq["median_s"]) if seq is not None else None
        quota_note = [f"Hatched: more workers than the CPU quota ({m.quota:g} CPUs, cgroup "
                      "cpu.max): those points measure the quota, not the machine."] \
            if g.over_quota and m.quota else []
        for kind in ("speedup", "efficiency", "time"):
            if kind == "speedup":
                title = f"{what}: speedup over the sequential program"
                ylabel = "speedup S(p) = T_seq / T(p)"
                cap = ("Points: median speedups; bars: 95% bootstrap intervals of the ratio of "
                       f"medians ({resamples} resamples).")
            elif kind == "efficiency":
                title = f"{what}: parallel efficiency"
                ylabel = "efficiency E(p) = S(p) / p"
                cap = f"Points: median speedup / p; bars: 95% bootstrap intervals ({resamples} resamples)."
            else:
                title = f"{what}: median wall time"
                ylabel = "median wall time per run (log scale)"
                cap = "Points: median times; bars: 95% confidence intervals of the median (order statistics)."
            cap += f" At least {g.n_min} runs per point{runs}."
            v = dict(
                kind=kind, heading=[title, machine],
                caption=[cap, f"{base} {verdict}{noise}",
                         "Points are offset sideways slightly so that bars stay apart. Dashed "
                         "line: the physical cores; shaded: more workers than PUs."]
                + quota_note + p1_notes(g),
                ylabel=ylabel, cores=m.cores, pus=m.pus, pmax=pmax, xtics=p_tics(g.ps),
                quota_from=min(g.over_quota) - 0.5 if g.over_quota else 0,
                series_n=len(names), series=names, data=files, rank=[rank[s] for s in names],
                offset=[(j - (len(names) + 1) / 2) * step for j in range(1, len(names) + 1)],
                seq_s=Num(seq["median_s"]) if seq is not None else math.nan,
                seq_title=f"bench-seq: {secs(seq['median_s'])}" if seq is not None else "",
                unverified=bad_file)
            if kind == "time":
                ylo, yhi = g.tmin, g.tmax
                if tseq is not None:
                    ylo = min(ylo, tseq / xmax)
                    yhi = max(yhi, tseq)
                ylo, yhi = ylo / 1.3, yhi * 1.3
                v.update(ylo=ylo, yhi=yhi, ytics=tic_list(log_tics(ylo, yhi)))
            charts.chart(f"{kind}-{stem}", "sweep.gp", f"{title} ({m.label})", **v)
    return charts.draw(out)


# --- comparing machines ----------------------------------------------------------------------
COMPARE_NEED = ("kernel size size_name model series workers n median_s ci_low_s ci_high_s "
                "speedup speedup_lo speedup_hi verified resamples").split()
COMPARE_COLUMNS = ["workers", "size", "n", "median_s", "ci_low_s", "ci_high_s", "speedup",
                   "speedup_lo", "speedup_hi", "verified"]


def draw_compare(dirs: Sequence[Path], names: Sequence[str], out: Path, xmode: str = "workers") -> int:
    """Several results folders (machines, named names) overlaid: per kernel, every series'
    speedup and median time on every machine (compare-speedup-K, compare-time-K) into out;
    warns when a kernel is missing from a machine or has other sizes there. Returns the
    number of files drawn."""
    machines = [Machine(Path(d) / "context.json") for d in dirs]
    nm = len(machines)
    kernels: list[str] = []
    has: dict[tuple[str, int], bool] = {}
    ksizes: dict[tuple[str, int], list[str]] = {}
    ksname: dict[str, str] = {}
    resamples = ""
    xmax: dict[str, float] = {}
    pmax: dict[str, int] = {}
    plist: dict[str, set] = {}
    tmin: dict[str, float] = {}
    tmax: dict[str, float] = {}
    bad: dict[str, int] = {}
    tseq: dict[tuple[str, int], str] = {}
    order: list[str] = []
    kser: dict[str, set] = {}
    pts: dict[tuple[str, int, str], list] = {}
    for mi, d in enumerate(dirs):
        path = Path(d) / "summary.csv"
        rows = read_rows(path, COMPARE_NEED, "summary.csv")
        for line, r in enumerate(rows, start=2):
            k = r["kernel"]
            if k not in kernels:
                kernels.append(k)
            has[k, mi] = True
            sz = ksizes.setdefault((k, mi), [])
            if r["size"] not in sz:
                sz.append(r["size"])
            ksname[k] = r["size_name"]
            resamples = r["resamples"]
            p = number(r, "workers", path, line, whole=True)
            x = p / machines[mi].cores if xmode == "cores" else p
            xmax[k] = max(xmax.get(k, 0), x)
            pmax[k] = max(pmax.get(k, 0), p)
            plist.setdefault(k, set()).add(p)
            med = number(r, "median_s", path, line)
            lo = maybe(r, "ci_low_s", path, line)
            hi = maybe(r, "ci_high_s", path, line)
            lo = med if lo is None else lo
            hi = med if hi is None else hi
            tmin[k] = min(tmin.get(k, lo), lo)
            tmax[k] = max(tmax.get(k, hi), hi)
            bad[k] = bad.get(k, 0) + (r["verified"] != "yes")
            if r["model"] == "seq":
                tseq[k, mi] = r["median_s"]
                continue
            s = r["series"]
            if s not in order:
                order.append(s)
            kser.setdefault(k, set()).add(s)
            pts.setdefault((k, mi, s), []).append((p, r))
    rank = series_ranks(order)
    # what the folders do not share: said, not silently merged
    for k in kernels:
        for mi in range(nm):
            if (k, mi) not in has:
                say(f"warning: kernel {k} is missing from {names[mi]}")
        present = [mi for mi in range(nm) if (k, mi) in has]
        for mi in present[1:]:
            a, b = " ".join(ksizes[k, mi]), " ".join(ksizes[k, present[0]])
            if a != b:
                say(f"warning: kernel {k} has size {a} on {names[mi]} but {b} on "
                    f"{names[present[0]]}: times are not comparable")
    descs = [f"{m.brand}, {m.cores} cores, {m.pus} PUs" for m in machines]
    charts = Charts(", ".join(str(d) for d in dirs))
    for k in kernels:
        if xmode == "cores":
            xlo, xhi = 0.0, xmax[k] * 1.06 + 0.05
        else:
            xlo, xhi = 0.5, pmax[k] + 0.5
        step = 0.008 * min(xhi, 16)
        inside = [int((k, mi) in has) for mi in range(nm)]
        series = sorted(kser.get(k, ()), key=lambda s: rank[s])
        files, fmach, frank = [], [], []
        for s in series:
            for mi in range(nm):
                if (k, mi, s) not in pts:
                    continue
                rows = [r for _, r in sorted(pts[k, mi, s], key=lambda t: t[0])]
                files.append(charts.data(f"compare-{k}-{names[mi]}-{s}", COMPARE_COLUMNS,
                                         ([r[c] for c in COMPARE_COLUMNS] for r in rows),
                                         f"{Path(dirs[mi]) / 'summary.csv'}: kernel {k}, series {s} "
                                         f"(machine {names[mi]})"))
                fmach.append(mi + 1)
                frank.append(rank[s])
        heading_lines = [f"{names[mi]}: {descs[mi]}, {ksname[k]} = {' '.join(ksizes[k, mi])}"
                         for mi in range(nm) if inside[mi]]
        for kind in ("speedup", "time"):
            title = (f"{k}: speedup over each machine's own sequential program" if kind == "speedup"
                     else f"{k}: median wall time on each machine")
            cap = ("Points: median speedups over bench-seq on the same machine; bars: 95% "
                   f"bootstrap intervals ({resamples} resamples)." if kind == "speedup" else
                   "Points: median times; bars: 95% CIs of the median (order statistics). Black "
                   "lines: bench-seq of each machine, dashed as the machine.")
            cap3 = (("x = p / physical cores (1 = all cores); grey: ideal S = p per machine. "
                     if xmode == "cores" else "")
                    + "Shaded: p > a machine's PUs (darker where several overlap)."
                    + (f" {bad[k]} point(s) NOT verified." if bad[k] else " Every point verified."))
            v = dict(
                kind=kind, heading=[title] + heading_lines,
                caption=[cap, "Colour: model; line and point style: machine; vertical lines: "
                         "physical cores. A speedup alone does not compare machines: read it "
                         "with the times.", cap3],
                xlabel="workers p / physical cores of the machine" if xmode == "cores" else "workers p",
                ylabel=("speedup S(p) = T_seq / T(p)" if kind == "speedup"
                        else "median wall time per run (log scale)"),
                xmode=xmode, xlo=xlo, xhi=xhi,
                xtics=p_tics(plist[k]) if xmode != "cores" else "",
                machine=list(names), machine_in=inside,
                machine_cores=[m.cores for m in machines], machine_pus=[m.pus for m in machines],
                machine_offset=[(mi - (nm + 1) / 2) * step * 2 for mi in range(1, nm + 1)],
                seq_s=[Num(tseq[k, mi]) if (k, mi) in tseq else math.nan for mi in range(nm)],
                series_n=len(series), series=series, series_rank=[rank[s] for s in series],
                data_n=len(files), data=files, data_machine=fmach, data_rank=frank)
            if kind == "time":
                ylo, yhi = tmin[k] / 1.3, tmax[k] * 1.3
                v.update(ylo=ylo, yhi=yhi, ytics=tic_list(log_tics(ylo, yhi)))
            charts.chart(f"compare-{kind}-{k}", "compare.gp", title, **v)
    return charts.draw(out)


# --- the micro-benchmarks' charts ------------------------------------------------------------
MICRO_FILES = ("overhead", "ipc", "sync", "memory", "breakeven-times", "breakeven", "minimal")
MICRO_HEADER = "row,bench,construct,between,size,workers,metric,"
# the creation constructs before the dispatch ones, each in the order of their cost
MICRO_ORDER = ["thread", "fork", "spawn", "spawn-self", "threadpool", "procpool", "openmp"]
GROUP_TITLES = {"threads": "between threads", "processes": "between processes"}
SOLO_TITLES = {"threads": "threads (private object)", "processes": "processes (process-shared object)"}
KERNEL_SIZES = {"primes": "N: primes below N", "randsum": "N: numbers summed", "matmul": "n: matrix order"}
MICRO_CAPTION = "Points: medians; bars: 95% confidence intervals of the median."
BAR_CAPTION = "Bars: medians; error bars: 95% confidence intervals of the median."


def micro_files(micro_dir: Path) -> list[str]:
    """The micro-benchmark CSVs a folder holds (names without .csv); Usage when one is not
    such a CSV (no header) or when there is none."""
    d = Path(micro_dir)
    found = []
    for f in MICRO_FILES:
        path = d / f"{f}.csv"
        if not path.exists():
            continue
        want = "kernel,series," if f.startswith("breakeven") else "op,batch," if f == "minimal" else MICRO_HEADER
        try:
            with open(path, "rb") as fh:
                first = fh.readline().replace(b"\0", b"").decode("utf-8", "replace")
        except OSError as e:
            raise Usage(f"{path}: cannot read ({e.strerror})") from None
        if not first.startswith(want):
            raise Usage(f"{path}: not written by cbench.py micro (no header '{want}...')")
        found.append(f)
    if not found:
        raise Usage(f"{d}: no micro-benchmark results (overhead.csv, ipc.csv, sync.csv, memory.csv, "
                    "breakeven.csv: cbench.py micro writes them)")
    return found


def human_bytes(n: float) -> str:
    if n >= 1048576:
        return f"{n / 1048576:g} MiB"
    if n >= 1024:
        return f"{n / 1024:g} KiB"
    return f"{n:g} B"


def _micro_rows(path: Path) -> list[dict[str, str]]:
    need = ["row", "construct", "between", "size", "workers", "metric", "unit", "median", "ci_low", "ci_high"]
    return [r for r in read_csv(path, need, "micro-benchmark CSV") if r["row"] == "summary"]


def _firsts(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _micro_machine(d: Path) -> tuple[str, int]:
    try:
        m = Machine(d / "context.json")
        return machine_line(m), m.pus
    except Usage:
        return "unlabelled", os.cpu_count() or 1


MICRO_COLUMNS = ["workers", "median", "ci_low", "ci_high", "unit"]


def _line(charts: Charts, path: Path, stem: str, rows: list[dict[str, str]], note: str,
          title: str, colour: int, dash: int) -> tuple:
    """A line of a micro-lines chart: its data file (rows by workers), key entry, colour,
    dash, and its worker counts."""
    keyed = sorted(((number(r, "workers", path, whole=True), r) for r in rows), key=lambda t: t[0])
    f = charts.data(stem, MICRO_COLUMNS, ([r[c] for c in MICRO_COLUMNS] for _, r in keyed), note)
    return f, title, colour, dash, {p for p, _ in keyed}


def _pivot(rows: list[dict[str, str]], key: str, groups: list[str]) -> list[list[str]]:
    """One row per key value: for each group its median and interval, NaN where missing."""
    by: dict[str, dict[str, dict]] = {}
    for r in rows:
        by.setdefault(r[key], {})[r["between"]] = r
    out = []
    for k, g in by.items():
        row = [k]
        for grp in groups:
            r = g.get(grp)
            row += [r["median"] or "NaN", r["ci_low"], r["ci_high"]] if r else ["NaN"] * 3
        out.append(row)
    return out


def _pivot_header(first: str, groups: list[str]) -> list[str]:
    return [first] + [f"{g}_{c}" for g in groups for c in ("median", "ci_low", "ci_high")]


def draw_micro(micro_dir: Path, out: Path) -> int:
    """The micro-benchmarks' charts from the CSVs micro_dir holds (any of them): micro-overhead,
    micro-ipc-latency, micro-ipc-bandwidth, micro-sync-uncontended, micro-sync-contended,
    micro-memory, breakeven-KERNEL, into out. Returns the number of files drawn."""
    d = Path(micro_dir)
    present = micro_files(d)
    machine, pus = _micro_machine(d)
    charts = Charts(str(d))

    def lines_chart(stem, about, heading, caption, panels, logy, xlabel="workers p"):
        """panels: [(title, ylabel, [(file, title, colour, dash)])]; workers on x."""
        lines, first, last = [], [], []
        for _, _, ls in panels:
            first.append(len(lines) + 1)
            lines += ls
            last.append(len(lines))
        ps = {p for ln in lines for p in ln[4]}
        charts.chart(stem, "micro-lines.gp", about, heading=[heading, machine], caption=caption,
                     xlabel=xlabel, xtics=p_tics(ps), pus=pus, pmax=max(ps), logy=logy,
                     panel_title=[p[0] for p in panels], panel_ylabel=[p[1] for p in panels],
                     panel_first=first, panel_last=last,
                     line_data=[ln[0] for ln in lines], line_title=[ln[1] for ln in lines],
                     line_colour=[ln[2] for ln in lines], line_dash=[ln[3] for ln in lines])

    if "overhead" in present:
        path = d / "overhead.csv"
        rows = _micro_rows(path)
        constructs = sorted(_firsts(r["construct"] for r in rows),
                            key=lambda c: MICRO_ORDER.index(c) if c in MICRO_ORDER else len(MICRO_ORDER))
        units = _firsts(r["unit"] for r in rows)
        known = {"us/worker": ("creation: per worker (create/fork/spawn, then join/wait)", "us per worker"),
                 "us/dispatch": ("dispatch: one pass of p empty tasks (workers created once)", "us per dispatch")}
        units = [u for u in known if u in units] + [u for u in units if u not in known]
        panels, colour = [], 0
        for u in units:
            ls = []
            for c in constructs:
                sel = [r for r in rows if r["construct"] == c and r["unit"] == u]
                if sel:
                    colour += 1
                    ls.append(_line(charts, path, f"micro-overhead-{c}", sel,
                                    f"{path}: summary rows of {c} ({u})", c, colour, 1))
            if ls:
                panels.append((*known.get(u, (u, u)), ls))
        if panels:
            lines_chart("micro-overhead", "creating and dispatching workers",
                        "Creating and dispatching workers",
                        [MICRO_CAPTION + " Calibrated work subtracted.",
                         f"Shaded: more workers than the {pus} PUs (oversubscribed)."], panels, 1)

    def bars_chart(stem, about, heading, caption, xlabel, panels, titles):
        """panels: [(title, ylabel, file, groups)]: grouped bars, a group's colour its place in
        the chart's list of groups."""
        every = _firsts(g for *_, gs in panels for g in gs)
        groups = [g for *_, gs in panels for g in gs]
        first, last, n = [], [], 0
        for *_, gs in panels:
            first.append(n + 1)
            n += len(gs)
            last.append(n)
        charts.chart(stem, "micro-bars.gp", about, heading=[heading, machine], caption=caption,
                     xlabel=xlabel, panel_title=[p[0] for p in panels],
                     panel_ylabel=[p[1] for p in panels], panel_data=[p[2] for p in panels],
                     panel_first=first, panel_last=last, group=groups,
                     group_title=[titles.get(g, g) for g in groups],
                     group_colour=[every.index(g) + 1 for g in groups])

    if "ipc" in present:
        path = d / "ipc.csv"
        rows = _micro_rows(path)
        sizes = _firsts(r["size"] for r in rows)
        for metric, stem, head, ptitle, ylabel in (
                ("round-trip", "micro-ipc-latency", "Channel round trip", "round trip of {}", "us per round trip"),
                ("bandwidth", "micro-ipc-bandwidth", "Channel bandwidth, one way", "messages of {}", "MiB/s")):
            panels = []
            for s in sizes:
                sel = [r for r in rows if r["size"] == s and r["metric"] == metric]
                groups = _firsts(r["between"] for r in sel if r["median"].strip())
                if groups:
                    f = charts.data(f"micro-ipc-{metric}-{s}", _pivot_header("channel", groups),
                                    _pivot(sel, "construct", groups), f"{path}: summary rows of {metric}, size {s}")
                    size = number({"size": s}, "size", path)
                    panels.append((ptitle.format(human_bytes(size)), ylabel, f, groups))
            if panels:
                bars_chart(stem, head.lower(), head, [BAR_CAPTION], "channel", panels, GROUP_TITLES)

    if "sync" in present:
        path = d / "sync.csv"
        rows = _micro_rows(path)
        prims = _firsts(r["construct"] for r in rows)
        between = _firsts(r["between"] for r in rows)
        solo = [r for r in rows if r["metric"] == "uncontended"]
        groups = _firsts(r["between"] for r in solo if r["median"].strip())
        if groups:
            f = charts.data("micro-sync-uncontended", _pivot_header("primitive", groups),
                            _pivot(solo, "construct", groups), f"{path}: summary rows of uncontended")
            bars_chart("micro-sync-uncontended", "one operation, uncontended", "One operation, uncontended",
                       [BAR_CAPTION + " The empty loop subtracted."], "primitive",
                       [("", "ns per operation", f, groups)], SOLO_TITLES)
        panels = []
        for b in between:
            ls = []
            for i, c in enumerate(prims, start=1):
                sel = [r for r in rows if r["metric"] == "contended" and r["construct"] == c and r["between"] == b]
                if sel:
                    ls.append(_line(charts, path, f"micro-sync-{c}-{b}", sel,
                                    f"{path}: summary rows of {c} contended between {b}", c, i, 1))
            if ls:
                panels.append((f"between {b}", "million operations per second (all workers)", ls))
        if panels:
            lines_chart("micro-sync-contended", "p workers on one object", "p workers on one object",
                        [MICRO_CAPTION, f"Shaded: more workers than the {pus} PUs (oversubscribed)."],
                        panels, 1)

    if "memory" in present:
        path = d / "memory.csv"
        rows = _micro_rows(path)
        sizes = _firsts(r["size"] for r in rows)
        models = _firsts(r["construct"] for r in rows)
        panels = []
        for n in sizes:
            ls = []
            for metric, dash, name in (("pss", 1, "PSS"), ("rss", 2, "RSS")):
                for i, c in enumerate(models, start=1):
                    sel = [r for r in rows if r["size"] == n and r["construct"] == c and r["metric"] == metric]
                    if sel:
                        ls.append(_line(charts, path, f"micro-memory-{n}-{c}-{metric}", sel,
                                        f"{path}: summary rows of {c}, n = {n}, {metric}",
                                        f"{c} {name}", i, dash))
            if ls:
                panels.append((f"matmul input n = {n}", "MiB, summed over the parent and its worker processes", ls))
        if panels:
            lines_chart("micro-memory", "memory of the program and its workers",
                        "Memory of the program and its workers",
                        [MICRO_CAPTION, "Solid: PSS (proportional); dashed: RSS (resident, shared "
                         "pages counted in every process)."], panels, 0)

    if "breakeven-times" in present:
        _breakeven(charts, d, present, machine, pus)
    return charts.draw(out)


BE_COLUMNS = ["size", "median_s", "ci_low_s", "ci_high_s", "workers"]


def _breakeven(charts: Charts, d: Path, present: list[str], machine: str, pus: int) -> None:
    path = d / "breakeven-times.csv"
    rows = read_csv(path, ["kernel", "series", "size", "workers", "median_s", "ci_low_s", "ci_high_s"],
                    "breakeven-times.csv")
    points: list[dict[str, str]] = []
    if "breakeven" in present:
        bpath = d / "breakeven.csv"
        points = [r for r in read_csv(bpath, ["kernel", "series", "breakeven_size", "median_s"], "breakeven.csv")
                  if r["breakeven_size"].strip()]
    # colours by the sorted names of every series of the file: a model keeps its colour in
    # every kernel's chart
    rank = series_ranks(r["series"] for r in rows if r["series"] != "seq")
    for k in _firsts(r["kernel"] for r in rows):
        krows = [r for r in rows if r["kernel"] == k]
        others = sorted(_firsts(r["series"] for r in krows if r["series"] != "seq"), key=lambda s: rank[s])
        series = (["seq"] if any(r["series"] == "seq" for r in krows) else []) + others
        files, titles = [], []
        be = {r["series"]: r for r in points if r["kernel"] == k}
        for s in series:
            sel = [(number(r, "size", path), r) for r in krows if r["series"] == s]
            sel.sort(key=lambda t: t[0])
            files.append(charts.data(f"breakeven-{k}-{s}", BE_COLUMNS, ([r[c] for c in BE_COLUMNS] for _, r in sel),
                                     f"{path}: kernel {k}, series {s}"))
            titles.append(f"{s} (break-even {be[s]['breakeven_size']})" if s in be else s)
        rings = [s for s in series if s in be]
        ring_file = ""
        if rings:
            ring_file = charts.data(f"breakeven-{k}-points", ["series", "breakeven_size", "median_s"],
                                    ([s, be[s]["breakeven_size"], be[s]["median_s"]] for s in rings),
                                    f"{d / 'breakeven.csv'}: kernel {k}, the break-even points")
        p = next((r["workers"] for r in krows if r["series"] != "seq"), str(pus))
        lows = [maybe(r, "ci_low_s", path) or number(r, "median_s", path) for r in krows]
        highs = [maybe(r, "ci_high_s", path) or number(r, "median_s", path) for r in krows]
        ylo, yhi = min(lows) / 1.3, max(highs) * 1.3
        charts.chart(f"breakeven-{k}", "breakeven.gp", f"break-even size of {k}",
                     heading=[f"Break-even size: {k} at p = {p}", machine],
                     caption=[MICRO_CAPTION + " Series at p workers, bench-seq (black) at 1.",
                              "Rings: break-even, the smallest size from which on the speedup's lower "
                              "bound (seq ci_low / model ci_high) stays above 1."],
                     xlabel=f"problem size ({KERNEL_SIZES.get(k, 'size')})",
                     series=series, data=files, rank=[0 if s == "seq" else rank[s] for s in series],
                     series_title=titles, rings=ring_file, rings_n=len(rings), ring_series=rings,
                     ring_rank=[0 if s == "seq" else rank[s] for s in rings],
                     ylo=ylo, yhi=yhi, ytics=tic_list(log_tics(ylo, yhi)))
