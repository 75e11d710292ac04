"""Our thread pool against the reference engines, side by side in one run: bench-seq,
bench-threadpool and bench-openmp on the same kernels, sizes, schedules and worker counts,
and our matmul kernel on one thread against OpenBLAS's (bench-openblas -w 1).

The binaries alternate in rounds (ABBA: the order flips every round, so a machine that
drifts cannot favour one), one run per kernel and schedule so that a disturbance lasting
seconds hits both engines alike, each run keeping its raw samples (DIR/raw/r<R>-*.csv).
Then bench-stats engines writes and prints one summary (DIR/summary.txt): medians with
their 95% CI, efficiency E = T_seq / (p T_p) per schedule, the time ratio
threadpool/openmp (of the pooled medians, and paired: the median over rounds of each
round's ratio, which drift between rounds cannot move), and GFLOP/s ours/OpenBLAS, the
ratios with 95% bootstrap CIs (fixed seed). Every kernel, size, schedule and worker list
is checked by the binaries before the first run; an engine that is not built is skipped
with one line.

Exit status: 0; 2 bad command line (one line, nothing run or written); the status of a
binary that failed; 128+N stopped by signal N (a temporary folder is removed, an --out
folder keeps the finished runs)."""
from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
from pathlib import Path

from . import cli
from .binaries import Build
from .common import (ROOT, Failure, Usage, check_creatable, lock_folder, make_dir, one_line,
                     refuse_committed, say)
from .runner import runner

HELP = "our thread pool against OpenMP and our matmul against OpenBLAS"


def size_arg(text: str) -> tuple[str, str]:
    """KERNEL=N; the binaries judge N."""
    m = re.fullmatch(r"([a-z0-9_]+)=(\S+)", text)
    if not m:
        raise argparse.ArgumentTypeError(f"'{text}': give KERNEL=N")
    return m.group(1), m.group(2)


def add_arguments(p) -> None:
    p.add_argument("--rounds", type=cli.count(1, 99999), default=4, metavar="R",
                   help="rounds (default 4); each binary runs --reps per round")
    p.add_argument("--reps", type=cli.count(1, 99999), default=5, metavar="N",
                   help="measured repetitions per configuration per round (default 5)")
    p.add_argument("--kernels", type=cli.names, default=["primes", "randsum", "matmul"],
                   metavar="LIST", help="default primes,randsum,matmul")
    p.add_argument("--size", type=size_arg, action="append", default=[], metavar="K=N",
                   help="a kernel's size, as the binaries take it (repeatable)")
    p.add_argument("--schedules", type=cli.names, default=["static", "cyclic", "dynamic", "guided"],
                   metavar="LIST", help="default static,cyclic,dynamic,guided")
    p.add_argument("--workers", default="1-all", metavar="LIST", help="default 1-all")
    p.add_argument("--blas-n", type=cli.count(1, 99999), default=1024, metavar="N",
                   help="the matmul order of the one-thread GFLOP/s comparison (default 1024)")
    p.add_argument("--lock", metavar="FILE",
                   help="run each timed binary under `flock FILE` (share the CPU with others)")
    p.add_argument("--out", metavar="DIR",
                   help="keep the raw CSVs and the summary there (default a new temporary folder)")
    p.add_argument("--seed", type=cli.seed, default=42,
                   help="inputs, run order and bootstrap (default 42)")
    p.add_argument("--summary", metavar="DIR", help="only summarise the raw CSVs already in DIR/raw")
    p.add_argument("--build", default=str(ROOT / "build"), metavar="DIR",
                   help="the build folder whose bench/ binaries run (default build/ in the repository)")


def round_order(engines: list[str], r: int) -> list[str]:
    """ABBA: odd rounds in the given order, even rounds reversed."""
    return list(reversed(engines)) if r % 2 == 0 else list(engines)


def plan_runs(engines: list[str], kernels: list[str], schedules: list[str], rounds: int,
              blas: bool) -> list[tuple[int, str, list[str], str]]:
    """Every run in its order: (round, model, its own arguments, CSV name in raw/)."""
    runs = []
    for r in range(1, rounds + 1):
        for k in kernels:
            runs.append((r, "seq", ["-k", k], f"r{r}-seq-{k}.csv"))
        for s in schedules:
            for k in kernels:
                for m in round_order(engines, r):
                    runs.append((r, m, ["-k", k, "-w", "@workers@", "-s", s], f"r{r}-{m}-{s}-{k}.csv"))
        if blas:
            for m in round_order(["seq", "openblas"], r):
                runs.append((r, m, ["-k", "matmul", "-n", "@blas@", *([] if m == "seq" else ["-w", "1"])],
                             f"r{r}-blas-{m}.csv"))
    return runs


def _last(text: str) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return one_line(lines[-1]) if lines else ""


def summarise(build: Build, folder: Path, seed: int) -> None:
    """bench-stats engines: writes folder/summary.txt and prints it; its refusal is ours."""
    r = runner()
    res = r.run([str(build.binary("bench-stats")), "engines", str(folder), "--seed", str(seed)],
                err_capture=True)
    r.check()
    if res.status == 2:
        raise Usage(_last(res.err) or f"bench-stats engines refused {folder}")
    if res.status:
        raise Failure(f"bench-stats engines failed (status {res.status}): {_last(res.err)}")


def run(args) -> int:
    build = Build(args.build)
    if args.lock is not None:
        parent = os.path.dirname(os.path.abspath(args.lock))
        if not os.path.isdir(parent):
            raise Usage(f"--lock '{args.lock}': no folder {parent}")
    if args.summary is not None:
        folder = Path(args.summary)
        if not (folder / "raw").is_dir():
            raise Usage(f"--summary '{folder}': no raw/ folder there")
        if not any(f.is_file() for f in (folder / "raw").glob("*.csv")):
            raise Usage(f"--summary '{folder}': no CSV in {folder / 'raw'}")
        build.require("bench-stats")
        summarise(build, folder, args.seed)
        return 0

    if args.out is not None:
        check_creatable("--out", args.out)
    bench = build.bench
    if not all(os.access(build.binary(b), os.X_OK) for b in ("bench-seq", "bench-threadpool")):
        raise Usage(f"build first: no {bench}/bench-seq or bench-threadpool "
                    f"(meson compile -C {build.dir})")
    build.require("bench-stats")
    engines, notes = ["threadpool"], []
    if os.access(build.binary("bench-openmp"), os.X_OK):
        engines.append("openmp")
    else:
        notes.append("bench-openmp not built, skipped")
    blas = os.access(build.binary("bench-openblas"), os.X_OK)
    if not blas:
        notes.append("bench-openblas not built, skipped")
    sizes = {k: v for k, v in args.size}
    size_args = [a for k, v in args.size for a in ("--size", f"{k}={v}")]
    kernels = ",".join(args.kernels)
    # every kernel, size, schedule and worker list, checked by the binaries before any run
    build.plan("seq", ["-k", kernels, *size_args])
    for m in engines:
        for s in args.schedules:
            build.plan(m, ["-k", kernels, *size_args, "-w", args.workers, "-s", s])
    if blas:
        build.plan("seq", ["-k", "matmul", "-n", str(args.blas_n)])
    for n in notes:
        say(n)

    r = runner()
    if args.out is not None:
        folder = Path(os.path.abspath(args.out))
        refuse_committed(folder)
        make_dir("--out", folder / "raw")
        lock_folder(folder)
        if any((folder / "raw").glob("*.csv")):  # never pooled with this run's
            raise Usage(f"--out {args.out}: raw/ holds the CSVs of an earlier run; choose an "
                        "empty folder (or --summary to report on them)")
    else:
        folder = Path(tempfile.mkdtemp(prefix="cb-compare."))
        r.on_interrupt(lambda: shutil.rmtree(folder, ignore_errors=True))
        (folder / "raw").mkdir()
        say(f"raw CSVs in {folder}")
    common = ["-q", "--reps", str(args.reps), "--raw", "--seed", str(args.seed)]
    lock = ["flock", args.lock] if args.lock else []
    announced = 0
    for rnd, model, own, name in plan_runs(engines, args.kernels, args.schedules, args.rounds, blas):
        if rnd != announced:
            say(f"round {rnd} of {args.rounds} ({' '.join(round_order(engines, rnd))})")
            announced = rnd
        own = [str(args.blas_n) if a == "@blas@" else args.workers if a == "@workers@" else a
               for a in own]
        k = own[1]
        if k in sizes and "-n" not in own:
            own += [f"--size={k}={sizes[k]}"]
        res = r.run([*lock, str(build.binary(f"bench-{model}")), *common, *own,
                     "-o", str(folder / "raw" / name)])
        r.check()
        if res.status:
            raise Failure(f"bench-{model} {' '.join(own)} failed with status {res.status}",
                          res.status if 0 < res.status < 126 else 1)
    summarise(build, folder, args.seed)
    say(f"raw CSVs and summary.txt in {folder}")
    return 0
