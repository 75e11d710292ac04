"""For each kernel and each parallel model at p = all CPUs, the smallest problem size at
which the model beats the sequential run: a sweep over sizes in x2 steps from tiny up to
the kernel's default size (from bench-seq --plan --json), with bench-seq at every size for
T_seq.

Models are found, not named: every build/bench/bench-* that answers --model-info, bench-seq
being the baseline; a model with a start method runs as fork and as spawn (series
MODEL-fork, MODEL-spawn). A model that cannot run here (bench-mpi without a working
mpirun) is skipped with one line. Their defaults are kept (bind cores, default schedule
and channel); pools create their workers once per run, outside the timed repetitions
(pool_create_s), as the models do. Every command line is checked by its binary before the
first run.

bench-stats breakeven computes the rest from the raw runs in DIR/breakeven/ (one CSV per
series, kernel and size; an earlier run's CSVs there are removed first): the speedup's
interval is the conservative one from the binaries' own medians and 95% CIs (no
bootstrap): S = median_seq / median_p in [ci_low_seq / ci_high_p, ci_high_seq /
ci_low_p]; the break-even size is the smallest swept size from which on, at every larger
swept size too, the lower bound is above 1. It writes DIR/breakeven-times.csv (every
point) and DIR/breakeven.csv (one row per kernel and series).

Exit status: 0; 1 a run failed (the others still run); 2 bad command line (one line,
nothing run or written); 128+N stopped by signal N (the finished runs' CSVs stay)."""
from __future__ import annotations

import os
from pathlib import Path

from . import cli, layout
from .binaries import Build, Model
from .common import (ROOT, Failure, Usage, check_creatable, lock_folder, make_dir, one_line,
                     refuse_committed, say)
from .runner import runner

HELP = "the smallest size at which each model beats bench-seq"
DEFAULT_KERNELS = ["primes", "randsum", "matmul"]
# the smallest size of the sweep: a few microseconds of work
TINY = {"primes": 1000, "randsum": 1000, "matmul": 16}


def add_arguments(p) -> None:
    p.add_argument("--quick", action="store_true",
                   help="sizes up to default/16 in x4 steps, 6 repetitions: a smoke run")
    p.add_argument("--out", metavar="DIR",
                   help="where the CSVs go (default a new run folder's micro/, "
                        "results/<label>/<date-time>/micro); raw CSVs in DIR/breakeven/")
    p.add_argument("--reps", type=cli.count(6, 99999),
                   help="repetitions per point (default 10, --quick 6; at least 6: the CI needs n > 5)")
    p.add_argument("--kernels", type=cli.names, default=DEFAULT_KERNELS, metavar="LIST",
                   help="primes,randsum,matmul by default")
    p.add_argument("--build", default=str(ROOT / "build"), metavar="DIR",
                   help="the build folder (default build/ in the repository)")


def sizes_of(default: int, tiny: int, quick: bool) -> list[int]:
    """default >> j for j = J..0 (ascending), J the most halvings that stay >= tiny; quick:
    only j >= 4, in steps of 2 (x4)."""
    n, s = 0, default
    while s / 2 >= tiny:
        s //= 2
        n += 1
    js = range(4, n + 1, 2) if quick else range(0, n + 1)
    return sorted({default >> j for j in js})


def series_of(models: list[Model]) -> list[tuple[str, Model, list[str]]]:
    """(series name, model, extra arguments): a model with a start method twice."""
    out = []
    for m in models:
        if m.start:
            out += [(f"{m.name}-{s}", m, ["--start", s]) for s in ("fork", "spawn")]
        else:
            out.append((m.name, m, []))
    return out


def _last(text: str) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return one_line(lines[-1]) if lines else ""


def plan_runs(build: Build, kernels: list[str], quick: bool, tell=say):
    """Everything checked, nothing run: the sizes of each kernel and the series that can
    run here (a model that cannot is skipped with one line)."""
    for k in kernels:
        if k not in TINY:
            raise Usage(f"--kernels: '{k}' is not one of {', '.join(TINY)}")
    seq = build.plan("seq", ["--kernel", ",".join(kernels)])
    defaults = {k["name"]: int(k["default_size"]) for k in seq.get("kernels", [])}
    for k in kernels:
        if k not in defaults:
            raise Failure(f"bench-seq --plan --json names no default size for {k}")
    parallel = [m for m in build.models().values() if not m.serial]
    if not parallel:
        raise Usage(f"no parallel model in {build.bench} answers --model-info")
    can = []
    for m in parallel:
        why = build.cannot_run(m.name)
        if why is None:
            can.append(m)
        else:
            tell(f"bench-{m.name} skipped: {why}")
    series = series_of(can)
    for _, m, extra in series:
        ks = [k for k in kernels if m.runs(k)]
        if ks:
            build.plan(m.name, ["--kernel", ",".join(ks), "--workers", "all", *extra])
    sizes = {k: sizes_of(defaults[k], TINY[k], quick) for k in kernels}
    return sizes, series


def run_breakeven(build: Build, out: Path, kernels: list[str], reps: int | None, quick: bool,
                  tell=say) -> int:
    """The sweep over sizes into out/breakeven/, then bench-stats breakeven. Returns 0, or 1
    when a run failed."""
    reps = reps or (6 if quick else 10)
    build.require("bench-stats")
    sizes, series = plan_runs(build, kernels, quick, tell)
    raw = Path(out) / "breakeven"
    try:
        raw.mkdir(parents=True, exist_ok=True)
        for old in raw.glob("*.csv"):  # an earlier run's points: not this run's
            old.unlink()
    except OSError as e:
        raise Failure(f"{raw}: cannot create the folder ({e.strerror})") from None
    r = runner()
    status = 0

    def one(name: str, model: Model, k: str, size: int, extra: list[str]) -> bool:
        argv = [str(model.binary), "-q", "-k", k, "--size", f"{k}={size}", "--reps", str(reps),
                *([] if model.serial else ["--workers", "all"]), *extra,
                "-o", str(raw / f"{name}-{k}-{size}.csv")]
        res = r.run(argv, err_capture=True)
        r.check()
        if res.status:
            last = _last(res.err)
            tell(f"{'bench-seq' if model.serial else name} {k} {size} failed (status "
                 f"{res.status}{': ' + last if last else ''})")
        return res.status == 0

    seq = build.models().get("seq") or Model("seq", build.binary("bench-seq"), True, kernels)
    for k in kernels:
        for size in sizes[k]:
            if not one("seq", seq, k, size, []):
                status = 1
                continue
            for name, m, extra in series:
                if m.runs(k) and not one(name, m, k, size, extra):
                    status = 1
    res = r.run([str(build.binary("bench-stats")), "breakeven", "-q", str(out)], capture=True,
                err_capture=True)
    r.check()
    if res.status:
        raise Failure(f"bench-stats breakeven failed (status {res.status}): {_last(res.err)}")
    tell(f"{Path(out) / 'breakeven.csv'}, {Path(out) / 'breakeven-times.csv'} "
         f"(raw runs in {raw}/)")
    return status


def run(args) -> int:
    for k in args.kernels:
        if k not in TINY:
            raise Usage(f"--kernels: '{k}' is not one of {', '.join(TINY)}")
    if args.out is not None:
        check_creatable("--out", args.out)
    build = Build(args.build)
    build.require("bench-seq")
    build.require("bench-stats")
    if args.out is None:
        r = runner()
        res = r.run([str(build.binary("bench-info")), "--label"], capture=True, err_capture=True)
        r.check()
        if res.status or not res.out.strip():
            raise Usage(f"bench-info --label failed: {_last(res.err)}")
        ld = ROOT / "results" / res.out.strip()
        refuse_committed(ld, "give --out")
        layout.label_dir_usable(ld)
        make_dir("--out", ld)
        out = layout.new_run(ld, args.quick) / "micro"
    else:
        out = Path(args.out)
    out = Path(os.path.abspath(out))
    refuse_committed(out)
    make_dir("--out", out)
    lock_folder(out)
    return run_breakeven(build, out, args.kernels, args.reps, args.quick)
