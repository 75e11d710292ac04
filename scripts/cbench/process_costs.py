"""What processes cost on this machine, measured in one run and printed as Markdown tables
(the README's process section comes from it):
  1. efficiency at p = 2 of bench-threads, bench-procs (fork, shm) and bench-procpool
     (dynamic) against bench-seq, on randsum (even work) and primes (uneven work): the
     runs keep their raw samples in DIR/raw/ and bench-summary computes the speedups and
     efficiencies (DIR/summary.csv);
  2. for matmul at n = 1024 and p = 2, the collect time of every start method x channel:
     the cost of bringing 8 MiB of result rows home;
  3. for the empty kernel, the per-repetition cost of fork start, spawn start and threads.
Raw CSVs go to a new temporary folder (in TMPDIR) whose name is printed at the end.

Exit status: 0; 1 a step failed; 2 bad command line (one line, nothing run or written);
3 or 4 a benchmark's result or worker failed; 128+N stopped by signal N (the temporary
folder is removed)."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from . import cli
from .binaries import Build
from .common import Failure, Usage, one_line, read_csv, say
from .runner import runner

HELP = "what processes cost: efficiency, collect times, start-up"
QUICK_SIZES = ["--size", "primes=300000", "--size", "randsum=20000000"]
# the efficiency table's models: (file in raw/, model, its arguments, name in the table)
EFFICIENCY = [
    ("threads", "threads", ["-w", "2"], "threads"),
    ("procs", "procs", ["-w", "2", "--start", "fork", "--channel", "shm"], "procs (fork, shm)"),
    ("pool", "procpool", ["-w", "2"], "procpool (dynamic)"),
]
CHANNELS = ["shm", "pipe", "socket", "queue"]
EMPTY = [  # (file, model, arguments, name in the table)
    ("e-threads", "threads", ["-w", "1,2"], "threads"),
    ("e-fork", "procs", ["-w", "1,2", "--start", "fork"], "procs fork (shm)"),
    ("e-spawn", "procs", ["-w", "1,2", "--start", "spawn"], "procs spawn (shm)"),
    ("e-pool", "procpool", ["-w", "1,2"], "procpool (created once)"),
]


def add_arguments(p) -> None:
    p.add_argument("--reps", type=cli.count(1, 99999), metavar="N",
                   help="repetitions per configuration (default 20, --quick 3)")
    p.add_argument("--quick", action="store_true",
                   help="small sizes (matmul n = 200), 3 repetitions")


def _last(text: str) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return one_line(lines[-1]) if lines else ""


def _summary(rows: list[dict], **match: str) -> dict:
    for r in rows:
        if r.get("row", "summary") == "summary" and all(r.get(k) == v for k, v in match.items()):
            return r
    return {}


def _f(fmt: str, value: str | None) -> str:
    return "?" if value in ("", None) else fmt % float(value)


# --- the tables (formatting only: every figure from a binary's CSV or bench-summary) --------
def efficiency_rows(summary: list[dict], raws: dict[str, list[dict]], models: list[str]) -> list[str]:
    """The efficiency table's rows: summary.csv (bench-summary) gives T_seq, T_2 and its CI,
    the speedup and the efficiency; the binary's own summary row the imbalance."""
    out = []
    for k in ("randsum", "primes"):
        for f, model, _, name in EFFICIENCY:
            if model not in models:
                continue
            s = _summary(summary, model=model, kernel=k, workers="2")
            imb = _summary(raws.get(f, []), kernel=k).get("imbalance")
            lo, hi = s.get("ci_low_s", ""), s.get("ci_high_s", "")
            ci = "[n/a: reps <= 5]" if lo == "" else f"[{_f('%.4f', lo)}, {_f('%.4f', hi)}]"
            out.append(f"| {name} | {k} | {_f('%.4f', s.get('seq_median_s'))} | "
                       f"{_f('%.4f', s.get('median_s'))} {ci} | {_f('%.3f', s.get('speedup'))} | "
                       f"{_f('%.3f', s.get('efficiency'))} | {_f('%.2f', imb)} |")
    return out


def matmul_row(name: str, rows: list[dict]) -> str:
    s = _summary(rows)
    return (f"| {name} | {_f('%.4f', s.get('median_s'))} | {_f('%.4f', s.get('compute_s'))} | "
            f"{_f('%.6f', s.get('collect_s'))} |")


def empty_row(name: str, rows: list[dict]) -> str:
    p1, p2 = _summary(rows, workers="1"), _summary(rows, workers="2")
    return (f"| {name} | {_f('%.6f', p1.get('median_s'))} | {_f('%.6f', p2.get('median_s'))} | "
            f"{_f('%.6f', p2.get('setup_s'))} |")


def _print(*lines: str) -> None:
    print("\n".join(lines), flush=True)


# --- the runs -------------------------------------------------------------------------------
class Runs:
    def __init__(self, build: Build, folder: Path, reps: int):
        self.build, self.folder, self.reps = build, folder, reps

    def csv(self, target: Path, model: str, args: list[str], reps: int | None = None) -> list[dict]:
        r = runner()
        res = r.run([str(self.build.binary(f"bench-{model}")), "-q", "--reps",
                     str(reps or self.reps), *args, "-o", str(target)])
        r.check()
        if res.status:
            raise Failure(f"bench-{model} {' '.join(args)} failed with status {res.status}",
                          res.status if 0 < res.status < 126 else 1)
        return read_csv(target, ["row", "kernel", "workers"], "benchmark CSV")


def run(args) -> int:
    reps = args.reps or (3 if args.quick else 20)
    build = Build()
    if not build.binary("bench-procs").is_file():
        raise Usage(f"build first (meson compile -C {build.dir})")
    build.require("bench-summary")
    models = [m for m in ("seq", "threads", "procs", "procpool") if build.binary(f"bench-{m}").is_file()]
    models = build.runnable(models)
    sizes = QUICK_SIZES if args.quick else []
    mm = "200" if args.quick else "1024"
    folder = Path(tempfile.mkdtemp(prefix="process-costs."))
    runner().on_interrupt(lambda: shutil.rmtree(folder, ignore_errors=True))
    (folder / "raw").mkdir()
    runs = Runs(build, folder, reps)

    # 1. efficiency: raw runs in raw/, bench-summary computes every ratio
    raws = {"seq": runs.csv(folder / "raw" / "seq.csv", "seq", ["-k", "randsum,primes", *sizes, "--raw"])}
    for f, model, extra, _ in EFFICIENCY:
        if model in models:
            raws[f] = runs.csv(folder / "raw" / f"{f}.csv", model,
                               ["-k", "randsum,primes", *extra, *sizes, "--raw"])
    r = runner()
    res = r.run([str(build.binary("bench-summary")), "-q", str(folder)], err_capture=True)
    r.check()
    if res.status:
        raise Failure(f"bench-summary {folder} failed (status {res.status}): {_last(res.err)}")
    summary = read_csv(folder / "summary.csv", ["model", "kernel", "workers", "speedup"], "summary.csv")
    _print("| model (p = 2) | kernel | T_seq median (s) | T_2 median (s) [95% CI] | speedup | efficiency | imbalance |",
           "|---|---|---|---|---|---|---|", *efficiency_rows(summary, raws, models), "")

    # 2. matmul's collect time, every start method and channel
    _print(f"| matmul n = {mm}, p = 2 | median wall (s) | median compute (s) | median collect (s) |",
           "|---|---|---|---|")
    if "threads" in models:
        _print(matmul_row("threads (rows in place)", runs.csv(
            folder / "mm-threads.csv", "threads", ["-k", "matmul", "--size", mm, "-w", "2"])))
    if "procs" in models:
        for start in ("fork", "spawn"):
            for ch in CHANNELS:
                _print(matmul_row(f"procs {start} {ch}", runs.csv(
                    folder / f"mm-{start}-{ch}.csv", "procs",
                    ["-k", "matmul", "--size", mm, "-w", "2", "--start", start, "--channel", ch])))
    _print("")

    # 3. one repetition of the empty kernel
    _print("| empty kernel: one repetition | p = 1 median (s) | p = 2 median (s) | setup at p = 2 (s) |",
           "|---|---|---|---|")
    seq = runs.csv(folder / "e-seq.csv", "seq", ["-k", "empty"], reps=50)
    _print(f"| seq (the harness alone) | {_f('%.6f', _summary(seq).get('median_s'))} | | |")
    for f, model, extra, name in EMPTY:
        if model in models:
            _print(empty_row(name, runs.csv(folder / f"{f}.csv", model, ["-k", "empty", *extra],
                                            reps=50)))
    _print("")
    say(f"raw CSVs in {folder}")
    return 0
