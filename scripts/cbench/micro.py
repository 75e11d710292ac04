"""The micro-benchmarks (issue 7): the costs the course talks about, measured on this
machine, tabulated and charted. Sets up and builds if needed (scripts/setup.sh, meson),
then, one step after the other:
  1. the yardstick: build/tests/minimal-costs (plain C loops of thread create+join,
     fork+wait, spawn+wait) before and after bench-overhead (creation and dispatch)
  2. bench-ipc (channels), 3. bench-sync (synchronisation), 4. bench-memory (RSS and PSS)
  5. the break-even sizes (`cbench.py breakeven --quick` or not: the smallest size at
     which each model beats bench-seq)
  6. the charts (gnuplot), 7. the tables: tables.md (every figure a median with its 95%
     CI as [low, high], as the README quotes them) and factor.csv (bench-stats yardstick:
     the minimal loop against bench-overhead at p = 1)

Every CSV keeps its raw samples (row=raw); context.json records the machine beside them.
Without --out a run writes a folder of its own, results/<label>/<UTC date-time>[-quick]/micro/
(the main job uses its run's micro/), with charts in plots/<label>/<the same name>/; --out DIR
names the folder exactly (the micro-benchmarks' files in it are replaced) and without
--plots its charts go to a new plots/<label>/<date-time>/. No pointer (latest) is moved:
that is the sweep's.
--no-build uses the build folder as it is (no set-up, no build: the main job's way).
--from DIR makes the tables and charts again from the folder of an earlier run (its micro/
folder, the run's folder, or a label folder for its latest run), measuring, installing and
building nothing. Run it alone on the machine: it measures time.

Exit status: 0; 1 a step failed (the others still run); 2 bad command line or input (one
line, nothing installed, built or written); 128+N stopped by signal N."""
from __future__ import annotations

import csv
import os
import re
import shutil
import time
from pathlib import Path

from . import breakeven, layout
from .charts import MICRO_FILES, draw_micro, human_bytes, micro_files
from .binaries import Build
from .common import (ROOT, Failure, Usage, check_creatable, csv_text, load_json, lock_folder, make_dir,
                     nonempty, one_line, refuse_committed, remove_temporaries, say, write_atomic)
from .progress import Progress, Step
from .runner import runner

HELP = "the micro-benchmarks, break-even sizes, their tables and charts"

# (step name = its progress kind, what the progress line says, prior guess in seconds on
# the 2-core project machine: quick, full). Quick: two measured quick runs here (Xeon VM,
# 2 vCPUs, while other builds and tests kept the load average near 6): overhead 11.9-12.7 s
# (minimal-costs alone 4.8 s: fork and spawn cost 5-8 ms each under that load), ipc 1.2-1.4,
# sync 2.0, memory 1.2, breakeven 23-25 (no MPI: root without Open MPI's variables), charts
# 1.0-1.7, tables 0.1; 44 s in all. Full: the README's "about 6 minutes" split by what each
# step runs: samples x 20 ms x 2 where a reference is paired (overhead 28 rows, ipc 32,
# sync 70, memory 24) plus minimal-costs' 2 x 11 x 200 operations; break-even the committed
# run's 295 points x 11 runs of their medians (219 s) plus start-up. The progress line
# rescales the priors by how far the steps run so far were off.
STEPS = [
    ("overhead", "micro: creation and dispatch (minimal-costs, bench-overhead)", 12.0, 40.0),
    ("ipc", "micro: channels (bench-ipc)", 1.3, 14.0),
    ("sync", "micro: synchronisation (bench-sync)", 2.0, 34.0),
    ("memory", "micro: memory of the workers (bench-memory)", 1.2, 30.0),
    ("breakeven", "micro: break-even sizes (bench-seq and every model over sizes)", 24.0, 240.0),
    ("charts", "micro: charts", 1.3, 4.0),
    ("tables", "micro: tables.md and factor.csv", 0.1, 0.2),
]



def add_arguments(p) -> None:
    p.add_argument("--quick", action="store_true",
                   help="short samples and small sizes: a smoke run of about a minute")
    p.add_argument("--out", metavar="DIR",
                   help="results (default results/<label>/<date-time>/micro, the label from "
                        "bench-info --label)")
    p.add_argument("--plots", metavar="DIR", help="charts (default plots/<label>/<date-time>)")
    p.add_argument("--from", dest="source", metavar="DIR",
                   help="only the tables and charts again, from an earlier run's folder")
    p.add_argument("--build", default=str(ROOT / "build"), metavar="DIR",
                   help="build folder (default: build/ in the repository)")
    p.add_argument("--no-build", action="store_true",
                   help="use the build folder as it is: no set-up, no build")


# --- the steps, for the main job ------------------------------------------------------------
def micro_steps(quick: bool) -> list[Step]:
    """One progress step per step run_micro runs, in its order."""
    return [Step(name, 1.0, q if quick else f) for name, _, q, f in STEPS]


# what a run writes in its folder (besides breakeven/, which the break-even step empties)
OUTPUTS = ["context.json", "minimal.csv", "overhead.csv", "ipc.csv", "sync.csv", "memory.csv",
           "breakeven.csv", "breakeven-times.csv", "factor.csv", "tables.md"]


def run_micro(build: Build, out: Path, plots: Path, quick: bool, progress: Progress) -> int:
    """Every step into out (results) and plots (charts), each inside progress.step; installs
    and builds nothing. Returns 0, or 1 when a step failed (the others still ran)."""
    r = runner()
    out, plots = Path(os.path.abspath(out)), Path(os.path.abspath(plots))
    refuse_committed(out)
    for d in (out, plots):
        try:
            Path(d).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise Failure(f"{d}: cannot create the folder ({e.strerror})") from None
    lock_folder(out)
    remove_temporaries(out, out / "breakeven", plots, plots / "src")
    for f in OUTPUTS:  # an earlier run's: a step that fails now must not leave them
        (out / f).unlink(missing_ok=True)
    res = r.run([str(build.binary("bench-info"))], capture=True, err_capture=True)
    r.check()
    if res.status:
        raise Failure(f"bench-info failed: {_last(res.err) or 'status %d' % res.status}")
    write_atomic(out / "context.json", res.out)

    tell = progress.say
    work = {
        "overhead": lambda: _overhead(build, out, quick, tell),
        "ipc": lambda: _bench(build, "bench-ipc", out / "ipc.csv", quick, tell),
        "sync": lambda: _bench(build, "bench-sync", out / "sync.csv", quick, tell),
        "memory": lambda: _bench(build, "bench-memory", out / "memory.csv", quick, tell),
        "breakeven": lambda: _breakeven(build, out, quick, tell),
        "charts": lambda: draw_charts(out, plots, tell),
        "tables": lambda: make_tables(build, out, tell),
    }
    status = 0
    for name, text, _, _ in STEPS:
        limit, _ = progress.limit_s()
        r.deadline = time.monotonic() + limit  # every program of the step, together
        try:
            with progress.step(text):
                ok = work[name]()
        finally:
            r.deadline = None
        r.check()
        remove_temporaries(out, out / "breakeven", plots)
        if not ok:
            status = 1
    progress.say(f"results in {out}, charts in {plots}, tables in {out / 'tables.md'}")
    return status


def _last(text: str) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return one_line(lines[-1]) if lines else ""


def _why(res) -> str:
    if res.timed_out:
        return "ran past the step's time limit: stopped"
    last = _last(res.err)
    return f"status {res.status}" + (f": {last}" if last else "")


def _bench(build: Build, name: str, target: Path, quick: bool, tell) -> bool:
    """One micro-benchmark binary, its CSV (with raw samples) written whole by itself."""
    r = runner()
    argv = [str(build.binary(name)), *(["--quick"] if quick else []), "--raw", "-q",
            "-o", str(target)]
    res = r.run(argv, err_capture=True)
    r.check()
    if res.status:
        tell(f"{name} failed ({_why(res)}): no {target.name}")
        return False
    return True


def minimal_args(quick: bool) -> list[str]:
    """minimal-costs' operations per batch and batches."""
    return ["50", "7"] if quick else ["200", "11"]


def _overhead(build: Build, out: Path, quick: bool, tell) -> bool:
    """The yardstick around bench-overhead: minimal.csv holds both runs' batches."""
    r = runner()
    loop = [str(build.dir / "tests" / "minimal-costs"), *minimal_args(quick)]
    halves = []
    for i in range(2):
        res = r.run(loop, capture=True, err_capture=True)
        r.check()
        if res.status:
            tell(f"the creation costs failed: minimal-costs {_why(res)}")
            return False
        halves.append(list(_csv_rows(res.out)))
        if i == 0 and not _bench(build, "bench-overhead", out / "overhead.csv", quick, tell):
            tell("the creation costs failed")
            return False
    first, second = halves
    if not first or not second or first[0] != second[0] or first[0][:2] != ["op", "batch"]:
        tell("the creation costs failed: minimal-costs printed no CSV")
        return False
    write_atomic(out / "minimal.csv", csv_text(first[0], first[1:] + second[1:]))
    return True


def _csv_rows(text: str) -> list[list[str]]:
    return [row for row in csv.reader(text.splitlines()) if row]


def _breakeven(build: Build, out: Path, quick: bool, tell) -> bool:
    try:
        return breakeven.run_breakeven(build, out, breakeven.DEFAULT_KERNELS, None, quick,
                                       tell) == 0
    except (Usage, Failure) as e:
        tell(f"break-even sizes failed: {e}")
        return False


def draw_charts(out: Path, plots: Path, tell) -> bool:
    """The charts through charts.draw_micro (gnuplot); a missing module or gnuplot is a
    failed step of one line."""
    if shutil.which("gnuplot") is None:
        tell("gnuplot not found (scripts/setup.sh installs gnuplot-nox): no charts")
        return False
    try:
        draw_micro(out, plots)  # (the number of files drawn; a failure raises)
    except (Failure, Usage) as e:
        tell(f"charts: {e}")
        return False
    finally:
        runner().check()
    return True


def make_tables(build: Build, out: Path, tell) -> bool:
    """factor.csv (bench-stats yardstick), then tables.md from every CSV present."""
    ok = factor = True
    if nonempty(out / "minimal.csv") and nonempty(out / "overhead.csv"):
        r = runner()
        res = r.run([str(build.binary("bench-stats")), "yardstick", str(out), "-o",
                     str(out / "factor.csv")], capture=True, err_capture=True)
        r.check()
        if res.status:
            tell(f"no factor.csv: bench-stats yardstick failed ({_why(res)})")
            ok = factor = False
    else:
        factor = False  # (the creation step failed, and said so)
    try:
        text = tables_md(out, factor)
    except Usage as e:
        tell(f"no tables.md: {e}")
        return False
    write_atomic(out / "tables.md", text)
    return ok


# --- tables.md: the CSVs' medians and CIs as Markdown (formatting only) ---------------------
_NUM = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def num(text: str) -> float:
    """A CSV field as a number, the way the old awk read it (a leading number, else 0)."""
    m = _NUM.match(text or "")
    return float(m.group(0)) if m else 0.0


def g3(x: str) -> str:
    return "?" if x == "" else "%.3g" % num(x)


def cell(median: str, lo: str, hi: str, verdict: str = "") -> str:
    """"median [lo, hi]" with 3 significant digits; a cost within noise says so."""
    s = f"{g3(median)} [{g3(lo)}, {g3(hi)}]"
    return s + " (within noise)" if verdict == "within noise" else s



def _summaries(f: Path) -> list[dict[str, str]]:
    with open(f, newline="", encoding="utf-8", errors="replace") as fh:
        return [{k: (v or "") for k, v in row.items()} for row in csv.DictReader(fh)
                if row.get("row") == "summary"]


def _rows(f: Path) -> list[dict[str, str]]:
    with open(f, newline="", encoding="utf-8", errors="replace") as fh:
        return [{k: (v or "") for k, v in row.items()} for row in csv.DictReader(fh)]


def _first_seen(items) -> list:
    seen: dict = {}
    for i in items:
        seen.setdefault(i, None)
    return list(seen)


def tables_md(d: Path, factor: bool = True) -> str:
    """The micro-benchmarks' headline figures as Markdown (what micro-tables.sh printed):
    the yardstick from factor.csv (when factor), then creation and dispatch, channels,
    synchronisation, memory and break-even sizes, each from its CSV when present."""
    micro_files(d)
    out: list[str] = []
    if factor and nonempty(d / "factor.csv"):
        out += ["### Creating a worker: the suite against a minimal C loop (us per worker, p = 1)",
                "",
                "| operation | minimal C loop here | bench-overhead | ratio | PLATFORM.md, this machine family |",
                "|---|---|---|---|---|"]
        names = {"thread": ("pthread_create + join", "17-25"),
                 "fork": ("fork + _exit + waitpid", "104-122")}
        for r in _rows(d / "factor.csv"):
            name, pub = names.get(r["op"], ("posix_spawn(/bin/true) + waitpid", "263-296"))
            within = "within 2x" if r["within_2x"] == "yes" else "NOT within 2x"
            out.append(" | ".join([
                f"| {name}",
                cell(r["minimal_median_us"], r["minimal_ci_low_us"], r["minimal_ci_high_us"]),
                cell(r["bench_median_us"], r["bench_ci_low_us"], r["bench_ci_high_us"]),
                "%.2f (%s)" % (num(r["factor"]), within), f"{pub} |"]))
        out.append("")
    if nonempty(d / "overhead.csv"):
        out += ["### Creation and dispatch (median [95% CI], calibrated work subtracted)", ""]
        out += _overhead_table(_summaries(d / "overhead.csv"))
        out.append("")
    if nonempty(d / "ipc.csv"):
        out += ["### Channels: round trip (us) and one-way bandwidth (MiB/s), median [95% CI]", ""]
        out += _ipc_table(_summaries(d / "ipc.csv"))
        out.append("")
    if nonempty(d / "sync.csv"):
        out += ["### Synchronisation: one operation alone (ns, empty loop subtracted) and p "
                "workers on one object (million operations/s, all workers)", ""]
        out += _sync_table(_summaries(d / "sync.csv"))
        out.append("")
    if nonempty(d / "memory.csv"):
        out += ["### Memory of the program and its workers (MiB, summed over the processes; "
                "median [95% CI])", ""]
        out += _memory_table(_summaries(d / "memory.csv"))
        out.append("")
    if nonempty(d / "breakeven.csv"):
        out += ["### Break-even sizes at p = all CPUs (speedup interval: seq ci_low / model "
                "ci_high to seq ci_high / model ci_low)", "",
                "| kernel | model | break-even size | swept | T_seq there (s) | T_model there (s) | speedup [interval] |",
                "|---|---|---|---|---|---|---|"]
        out += _breakeven_table(_rows(d / "breakeven.csv"))
        out.append("")
    return "".join(line + "\n" for line in out)


def _overhead_table(rows) -> list[str]:
    first: dict[str, dict] = {}
    v: dict = {}
    for r in rows:
        first.setdefault(r["construct"], r)
        v[r["construct"], num(r["workers"])] = cell(r["median"], r["ci_low"], r["ci_high"],
                                                    r["verdict"])
    ps = sorted(_first_seen(num(r["workers"]) for r in rows))
    lines = ["| construct | what | unit |" + "".join(" p = %d |" % p for p in ps),
             "|---|---|---|" + "---|" * len(ps)]
    for k, r in first.items():
        lines.append(f"| {k} | {r['metric']} | {r['unit']} |" +
                     "".join(f" {v.get((k, p), '')} |" for p in ps))
    return lines


def _ipc_table(rows) -> list[str]:
    keys = _first_seen(f"{r['construct']} | {r['between']}" for r in rows)
    sizes = sorted(_first_seen(num(r["size"]) for r in rows))
    v = {(f"{r['construct']} | {r['between']}", r["metric"], num(r["size"])):
         cell(r["median"], r["ci_low"], r["ci_high"]) for r in rows}
    lines = ["| channel | between |" + "".join(f" round trip {human_bytes(s)} |" for s in sizes) +
             "".join(f" bandwidth {human_bytes(s)} |" for s in sizes),
             "|---|---|" + "---|" * (2 * len(sizes))]
    for k in keys:
        lines.append(f"| {k} |" +
                     "".join(f" {v.get((k, 'round-trip', s), '')} |" for s in sizes) +
                     "".join(f" {v.get((k, 'bandwidth', s), '')} |" for s in sizes))
    return lines


def _sync_table(rows) -> list[str]:
    keys = _first_seen(r["construct"] for r in rows)
    solo, cont, ps = {}, {}, []
    for r in rows:
        x = cell(r["median"], r["ci_low"], r["ci_high"], r["verdict"])
        if r["metric"] == "uncontended":
            solo[r["construct"], r["between"]] = x
        else:
            p = num(r["workers"])
            cont[r["construct"], r["between"], p] = x
            ps.append(p)
    ps = sorted(_first_seen(ps))
    lines = ["| primitive | alone, threads (ns) | alone, process-shared (ns) |" +
             "".join(" threads p = %d |" % p for p in ps) +
             "".join(" processes p = %d |" % p for p in ps),
             "|---|---|---|" + "---|" * (2 * len(ps))]
    for k in keys:
        lines.append(f"| {k} | {solo.get((k, 'threads'), '')} | {solo.get((k, 'processes'), '')} |" +
                     "".join(f" {cont.get((k, 'threads', p), '')} |" for p in ps) +
                     "".join(f" {cont.get((k, 'processes', p), '')} |" for p in ps))
    return lines


def _memory_table(rows) -> list[str]:
    keys = _first_seen(f"{r['construct']} | {r['size']}" for r in rows)
    ps = sorted(_first_seen(num(r["workers"]) for r in rows))
    v = {(f"{r['construct']} | {r['size']}", r["metric"], num(r["workers"])):
         cell(r["median"], r["ci_low"], r["ci_high"]) for r in rows}
    lines = ["| workers | matmul n |" + "".join(" RSS p = %d | PSS p = %d |" % (p, p) for p in ps),
             "|---|---|" + "---|" * (2 * len(ps))]
    for k in keys:
        lines.append(f"| {k} |" + "".join(
            f" {v.get((k, 'rss', p), '')} | {v.get((k, 'pss', p), '')} |" for p in ps))
    return lines


def _breakeven_table(rows) -> list[str]:
    lines = []
    for r in rows:
        swept = f"{r['smallest_size']} to {r['largest_size']}"
        if r["breakeven_size"] == "":
            lines.append(f"| {r['kernel']} | {r['series']} | {r['verdict']} | {swept} | | | |")
        else:
            below = " (or below: the smallest size swept)" if "smallest" in r["verdict"] else ""
            lines.append("| %s | %s | %s%s | %s | %.3g | %.3g | %.3g [%.3g, %.3g] |" % (
                r["kernel"], r["series"], r["breakeven_size"], below, swept,
                num(r["seq_median_s"]), num(r["median_s"]), num(r["speedup"]),
                num(r["speedup_lo"]), num(r["speedup_hi"])))
    return lines


# --- the subcommand -------------------------------------------------------------------------
def _label_of(build: Build) -> str:
    r = runner()
    res = r.run([str(build.binary("bench-info")), "--label"], capture=True, err_capture=True)
    r.check()
    if res.status or not res.out.strip():
        raise Failure(f"bench-info --label failed ({_why(res)})")
    return res.out.strip()


def _context_label(d: Path) -> str:
    try:
        label = load_json(d / "context.json").get("run", {}).get("label")
    except (Usage, AttributeError):
        label = None
    return label if isinstance(label, str) and re.fullmatch(r"[A-Za-z0-9_.-]+", label) \
        and ".." not in label else "unlabelled"


def _again(args) -> int:
    """--from DIR: the tables and the charts of an earlier run, nothing measured."""
    if args.quick or args.out is not None:
        raise Usage("--from makes the tables and charts of an earlier run: not with --quick or --out")
    if args.source == "":
        raise Usage("--from '': no results folder given")
    d = Path(args.source)
    if not d.is_dir():
        raise Usage(f"{d}: no such folder")
    d = layout.resolve(d)
    # a run's folder: its micro/ (the sweep's context.json beside it is no micro result)
    if (d / "micro").is_dir() and not any((d / f"{f}.csv").exists() for f in MICRO_FILES):
        d = d / "micro"
    micro_files(d)
    run = d.parent if d.name == "micro" else d
    plots = Path(args.plots) if args.plots is not None else \
        layout.plots_of(run, _context_label(d), ROOT / "plots")
    check_creatable("--plots", plots)
    try:
        plots.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise Failure(f"{plots}: cannot create the folder ({e.strerror})") from None
    build = Build(args.build)
    status = 0 if draw_charts(d, plots, say) else 1
    if not make_tables(build, d, say):
        status = 1
    say(f"tables in {d / 'tables.md'}, charts in {plots}")
    return status


def run(args) -> int:
    if args.source is not None:
        return _again(args)
    if args.out is not None:
        check_creatable("--out", args.out)
    if args.plots is not None:
        check_creatable("--plots", args.plots)
    build = Build(args.build)
    if args.no_build:
        build.require("bench-overhead")
    else:
        from .run import setup
        setup()
        build.compile()
    label = _label_of(build) if args.out is None or args.plots is None else ""
    if args.out is not None:
        out = Path(args.out)
    else:  # a run folder of its own
        ld = ROOT / "results" / label
        refuse_committed(ld, "give --out")
        layout.label_dir_usable(ld)
        make_dir("--out", ld)
        out = layout.new_run(ld, args.quick) / "micro"
    if args.plots is not None:
        plots = Path(args.plots)
    elif args.out is None:
        plots = ROOT / "plots" / label / out.parent.name
    else:
        make_dir("--plots", ROOT / "plots" / label)
        plots = layout.new_run(ROOT / "plots" / label, args.quick)
    progress = Progress(micro_steps(args.quick))
    try:
        return run_micro(build, out, plots, args.quick, progress)
    finally:
        progress.close()
