"""The sweep: every kernel under every model binary that exists (build/bench/bench-*
answering --model-info) and the sequential baseline, at every worker count, in interleaved
rounds (each round runs every (model, kernel) once, shuffled with a recorded seed); then
the summary (bench-summary) and the charts.

Each run writes a folder of its own, OUT/<label>/<UTC date-time>[-quick]/ (e.g.
results/amd-epyc-7b13-2c2t-3fa9c1/2026-12-05T071500Z/): context.json, identity.json (what
defines the run: --resume goes on only when all of it is the same), lstopo.{png,svg,xml},
plan.csv, settings.txt, raw/ (one CSV per model, kernel and round), summary.csv,
sweep.json, report.md and report.html (cbench.sh report: the run's report, with
verdicts.csv when the build's bench-stats gives verdicts), and finished.json when it ended
with status 0; the charts and their sources
(src/) go to PLOTS/<label>/<the same name>/. A finished run points OUT/<label>/latest
(latest-quick for --quick runs) and PLOTS/<label>/latest at itself. No run deletes or
changes another's files. --resume continues the most recent unfinished run of the label
(of the same kind, quick or full), or starts a new one when there is none.

--run DIR names the run's folder exactly (scripts and tests; its charts go to
PLOTS/<DIR's name>, and no pointer is made): a DIR that holds an earlier run is refused
unless --resume continues it or --replace starts it over (removing what that run wrote
there, nothing else). One run per folder: a second one is refused while the first holds it.

Every binary runs under a time limit from the cost model (--time-limit sets it): one that
runs past it is stopped, reported, and the sweep goes on.

Exit status: 0; 2 bad command line (nothing built, run or written); otherwise the first
failing binary's status (3 a result failed verification, 4 a worker failed or a
configuration ran past its time limit), after every configuration ran; 128+N when stopped
by signal N: the running binary is stopped and waited for, and the finished configurations
stay in raw/, complete (--resume runs only the rest).

After --, the remaining arguments go to every benchmark binary (e.g. -- --bind cores)."""
from __future__ import annotations

import json
import os
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cli, environ, layout
from .binaries import Build, Model
from .common import (ROOT, Failure, Usage, check_creatable, csv_text, fmt_time, load_json,
                     lock_folder, refuse_committed, remove_temporaries, say, secs, whole,
                     write_atomic)
from .progress import LIMIT_FACTOR, LIMIT_FIRST_S, LIMIT_MIN_S, Progress, Step
from .runner import runner

PASSTHRU = True  # after --: arguments for every binary
HELP = "the sweep alone: every model x kernel x worker count, summary and charts"
QUICK_SIZES = {"primes": "300000", "randsum": "20000000", "matmul": "256"}
DEFAULT_KERNELS = ["primes", "randsum", "matmul"]
TIMED_OUT = 4  # the exit status of a run in which a configuration ran past its time limit
SWEEP_CHARTS = ["speedup-*", "efficiency-*", "time-*", "sweep-*"]
STARTED_OVER = ["summary.csv", "sweep.json", "plan.csv", "settings.txt", "context.json", "identity.json",
                "lstopo.png", "lstopo.svg", "lstopo.xml", "progress.json", "report.md", "report.html",
                "verdicts.csv", layout.FINISHED]


def add_arguments(p) -> None:
    p.add_argument("--quick", action="store_true",
                   help="small sizes, 6 repetitions in 2 rounds: a smoke run")
    p.add_argument("--label", type=cli.label, help="name of the results folder (default: bench-info --label)")
    p.add_argument("--reps", type=cli.count(1, 99999),
                   help="measured repetitions per configuration, over all rounds (default 10)")
    # Five rounds: each round is a separate run of every binary, and on a VM the speed of
    # the same work differs from one run to the next by several percent (the summary's
    # noise cause `rounds`): five runs of two repetitions spread a point over five such
    # states instead of two, for a third more time (each run has its warm-ups).
    p.add_argument("--rounds", type=cli.count(1, 999), 
                   help="split the repetitions into R rounds, each a separate run of the "
                        "binaries (default 5, or as many as --reps when fewer; --quick: 2)")
    p.add_argument("--workers", type=cli.workers, default="1-all,2xall",
                   help="worker counts of the parallel models (default 1-all,2xall)")
    p.add_argument("--models", type=cli.names, help="only these models (default: every model found)")
    p.add_argument("--kernels", type=cli.names, default=DEFAULT_KERNELS,
                   help="kernels (default primes,randsum,matmul)")
    p.add_argument("--size", type=cli.size, action="append", default=[], metavar="K=N",
                   help="size of kernel K (repeatable; default: the binaries' defaults)")
    p.add_argument("--seed", type=cli.seed, default=42, help="seed of the inputs (default 42)")
    p.add_argument("--order-seed", type=cli.count(0, 999999999, "a seed"), default=42,
                   help="seed of the run order (default 42)")
    p.add_argument("--out", default=str(ROOT / "results"),
                   help="parent folder of the label folders (default: results/ in the repository)")
    p.add_argument("--plots", help="parent folder of the charts (default: plots beside --out's folder)")
    p.add_argument("--resume", action="store_true",
                   help="continue the most recent unfinished run of the label (or --run DIR), "
                        "keeping the configurations it finished; only the same run (identity.json)")
    p.add_argument("--run", metavar="DIR",
                   help="exactly this run folder instead of OUT/<label>/<date-time>/ (no pointer "
                        "is made); one that holds a run needs --resume or --replace")
    p.add_argument("--replace", action="store_true",
                   help="with --run: start the run in DIR over, removing what it wrote there")
    p.add_argument("--time-limit", type=cli.seconds, metavar="SECONDS",
                   help="the longest one configuration may run before it is stopped and reported "
                        f"failed (default: {LIMIT_FACTOR}x the cost model's estimate, at least "
                        f"{LIMIT_MIN_S} s; {LIMIT_FIRST_S} s before anything was measured)")
    p.add_argument("--foreign-topology", action="store_true",
                   help="measure although HWLOC_XMLFILE or a similar variable makes hwloc "
                        "describe another machine (the rows and context.json say so)")
    p.add_argument("--build", default=str(ROOT / "build"), help="build folder (default: build/ in the repository)")
    p.add_argument("--no-build", action="store_true", help="use the build folder as it is")
    p.add_argument("--check", action="store_true",
                   help="only check the command line's form, then exit (0 or 2)")


@dataclass
class Config:
    position: int
    round: int
    model: Model
    kernel: str
    size: str
    reps: int
    workers: str
    file: str


@dataclass
class Sweep:
    args: object
    build: Build
    dest: Path
    plots: Path
    label: str
    models: list[Model]
    sizes: dict[str, str]
    nworkers: int
    settings: str
    context: str = ""  # bench-info's context.json, as it stands now
    identity: dict = field(default_factory=dict)  # what defines the run (identity.json)
    configs: list[Config] = field(default_factory=list)
    # OUT/<label>, where each run gets a folder of its own (None: --run, dest is the run's);
    # until start() picks the run's folder, dest and plots are the label's folders
    label_dir: Path | None = None


def check_form(args) -> None:
    """What can be judged without the binaries (run asks this before installing anything)."""
    if args.quick and args.reps is None:
        args.reps = 6
    if args.reps is None:
        args.reps = 10
    if args.rounds is None:
        args.rounds = 2 if args.quick else min(5, args.reps)
    sizes = dict(args.size)
    if args.quick:
        for k, v in QUICK_SIZES.items():
            if k in args.kernels:
                sizes.setdefault(k, v)
    args.sizes = sizes
    bad = environ.foreign()
    if bad and not args.foreign_topology:
        raise Usage(f"{bad[0]} is set: hwloc would describe another machine than this one; "
                    "unset it, or give --foreign-topology to measure anyway (the run is then "
                    "marked as not this machine's)")
    if args.foreign_topology and "--foreign-topology" not in args.binary_args:
        args.binary_args = [*args.binary_args, "--foreign-topology"]
    if args.reps < args.rounds:
        raise Usage(f"--reps {args.reps} is fewer than --rounds {args.rounds}: "
                    "every round needs a repetition")
    if args.replace and args.run is None:
        raise Usage("--replace needs --run DIR: a new run never replaces another")
    if args.replace and args.resume:
        raise Usage("--replace starts the run over, --resume continues it: not both")
    if args.run is not None:
        if os.path.lexists(args.run) and not os.path.isdir(args.run):
            raise Usage(f"{args.run}: a file is where the results folder should be; move it, "
                        "or choose another --run")
        check_creatable("--run", args.run)
        out = os.path.dirname(os.path.normpath(args.run))  # (the plots' default as for --out)
    else:
        check_creatable("--out", args.out)
        out = args.out
    if args.plots is None:
        parent = os.path.dirname(os.path.normpath(out)) if out else ""
        args.plots = os.path.join(parent, "plots") if parent else "plots"
    check_creatable("--plots", args.plots)


def prepare(args, build: Build) -> Sweep:
    """Everything checked against the binaries, nothing written yet."""
    build.require("bench-seq")
    found = build.models()
    if "seq" not in found:
        raise Usage(f"{build.binary('bench-seq')} does not answer --model-info: no sequential baseline")
    if args.models:
        for m in args.models:
            if m not in found:
                raise Usage(f"--models: no model '{m}' in {build.bench} (found: {' '.join(found)})")
        names = ["seq"] + [m for m in args.models if m != "seq"]
    else:
        names = list(found)
    for k in args.kernels:
        if k not in found["seq"].kernels:
            raise Usage(f"--kernels: unknown kernel '{k}' (bench-seq has {','.join(found['seq'].kernels)})")
    for k, v in args.sizes.items():
        if k not in args.kernels:
            raise Usage(f"--size {k}={v}: kernel {k} is not in --kernels {','.join(args.kernels)}")
    size_args = [a for k, v in args.sizes.items() for a in ("--size", f"{k}={v}")]
    seq_plan = build.plan("seq", ["--kernel", ",".join(args.kernels), *size_args])
    # the worker list, expanded by a parallel model (the binaries know the machine); MPI
    # last, as it is the slowest to ask
    parallel = [m for m in names if not found[m].serial]
    parallel.sort(key=lambda m: m == "mpi")
    nworkers, plan = 1, {"workers": [1], "plans": [[0]]}
    if parallel:
        probe = found[parallel[0]]
        k = "empty" if probe.runs("empty") else probe.kernels[0]
        plan = build.plan(probe.name, ["--kernel", k, "--size", "1000", "--workers", args.workers,
                                       *args.binary_args])
        nworkers = len(plan["workers"])
    names = build.runnable(names, asked=args.models)
    # what comes after -- goes to every binary: each one judges it before anything runs
    if args.binary_args:
        for m in names:
            k = [k for k in args.kernels if found[m].runs(k)][:1] or found[m].kernels[:1]
            build.plan(m, ["--kernel", k[0], *size_args_of(args.sizes, k[0]),
                           *([] if found[m].serial else ["--workers", args.workers]),
                           *args.binary_args])
    # the machine's context, once: its run.label names the folder (bench-info refuses a bad
    # --name with exit 2 and one line)
    res = runner().run([str(build.binary("bench-info")),
                        *(["--name", args.label] if args.label else [])],
                       capture=True, err_capture=True, timeout=LIMIT_MIN_S)
    runner().check()
    if res.status == 2:
        raise Usage(res.err.strip() or "bench-info refused the label")
    try:
        context = json.loads(res.out) if res.status == 0 else None
    except ValueError:
        context = None
    label = context.get("run", {}).get("label") if isinstance(context, dict) else None
    if not isinstance(label, str) or not label:
        raise Failure(f"bench-info printed no context ({res.err.strip() or f'status {res.status}'})")
    sizes_txt = " ".join(f"{k}={args.sizes.get(k, 'default')}" for k in args.kernels)
    settings = (f"reps={args.reps} rounds={args.rounds} workers={args.workers} "
                f"models={' '.join(names)} kernels={','.join(args.kernels)} sizes={sizes_txt} "
                f"seed={args.seed} order_seed={args.order_seed} "
                f"binary_args={' '.join(args.binary_args)}")
    if args.run is not None:  # exactly that folder
        dest = Path(os.path.abspath(args.run))
        label_dir, plots = None, Path(os.path.abspath(args.plots)) / dest.name
    else:  # OUT/<label>/<date-time>/, chosen when the run starts
        label_dir = Path(os.path.abspath(args.out)) / label
        dest, plots = label_dir, Path(os.path.abspath(args.plots)) / label
    sw = Sweep(args, build, dest, plots, label,
               [found[n] for n in names], args.sizes, nworkers, settings, label_dir=label_dir)
    sw.context = res.out
    sw.identity = identity(args, names, seq_plan, plan, context)
    sw.configs = plan_configs(sw)
    return sw


# What defines a run: a resumed run pools its samples with the earlier run's only when all
# of these are the same. From the command line as the binaries resolved it (worker counts,
# their PU plans, sizes), and from bench-info's context: the build, the machine, the CPUs
# allowed, the CPU quota and the placement variables.
CONTEXT_KEYS = {
    "schema_version": ("schema_version",), "context_id": ("run", "context_id"),
    "commit": ("suite", "commit"), "build_flags": ("suite", "build_flags"),
    "compiler": ("suite", "compiler"), "libraries": ("suite", "libraries"),
    "debug_build": ("suite", "debug_build"), "hostname": ("run", "hostname"),
    "cpu": ("cpu", "brand"), "cpu_identity": ("cpu", "identity_hash"), "allowed_cpuset": ("topology", "allowed_cpuset"),
    "bound_cpuset": ("topology", "bound_cpuset"), "this_machine": ("topology", "this_machine"),
    "cgroup_cpu_quota": ("cgroup", "cpu_quota_cpus"),
    "cgroup_cpuset": ("cgroup", "cpuset_effective"),
}
ENV_PREFIXES = ("HWLOC_", "OMP_", "GOMP_", "KMP_", "OPENBLAS_", "GOTO_")


def identity(args, names: list[str], seq_plan: dict, plan: dict, context: dict) -> dict:
    def dig(keys):
        d = context
        for k in keys:
            d = d.get(k) if isinstance(d, dict) else None
        return d
    env = context.get("environment") if isinstance(context.get("environment"), dict) else {}
    ident = {
        "reps": args.reps, "rounds": args.rounds, "models": names, "kernels": list(args.kernels),
        "workers": plan.get("workers"), "pu_plans": plan.get("plans"),
        "sizes": {k.get("name"): k.get("size") for k in seq_plan.get("kernels", [])
                  if isinstance(k, dict)},
        "seed": args.seed, "order_seed": args.order_seed, "binary_args": list(args.binary_args),
        "environment": {k: v for k, v in sorted(env.items()) if k.startswith(ENV_PREFIXES)},
        "removed_from_environment": dict(environ.REMOVED),
    }
    ident.update({k: dig(v) for k, v in CONTEXT_KEYS.items()})
    return ident


def differences(old: dict, new: dict) -> list[str]:
    """What changed between two identities, as 'key: old -> new' (short values)."""
    def short(v):
        t = json.dumps(v, sort_keys=True)
        return t if len(t) <= 60 else t[:57] + "..."
    out = []
    for k in list(new) + [k for k in old if k not in new]:
        if k == "removed_from_environment":  # (recorded; removed, they changed nothing)
            continue
        if old.get(k, "(absent)") != new.get(k, "(absent)"):
            out.append(f"{k} {short(old.get(k, '(absent)'))} -> {short(new.get(k, '(absent)'))}")
    return out


def size_args_of(sizes: dict[str, str], kernel: str) -> list[str]:
    return ["--size", f"{kernel}={sizes[kernel]}"] if kernel in sizes else []


def plan_configs(sw: Sweep) -> list[Config]:
    """Every (model, kernel) once per round, shuffled per round with its own seed; the
    first (reps % rounds) rounds take one repetition more."""
    a = sw.args
    pairs = [(m, k) for m in sw.models for k in a.kernels if m.runs(k)]
    out, pos = [], 0
    for r in range(1, a.rounds + 1):
        rr = a.reps // a.rounds + (1 if r <= a.reps % a.rounds else 0)
        order = list(pairs)
        random.Random(a.order_seed * 1000 + r).shuffle(order)
        for m, k in order:
            pos += 1
            out.append(Config(pos, r, m, k, sw.sizes.get(k, ""), rr,
                              "1" if m.serial else a.workers, f"raw/{m.name}-{k}-r{r}.csv"))
    return out


def steps(sw: Sweep) -> list[Step]:
    return [Step(c.kernel, (c.reps + 1) * (1 if c.model.serial else sw.nworkers) + 1)
            for c in sw.configs]


def choose_run(sw: Sweep) -> None:
    """The run's folder in OUT/<label>/: with --resume the most recent unfinished run of
    this kind (quick or full), else a new one named by the time now. --run: as given."""
    a, ld = sw.args, sw.label_dir
    if ld is None:
        return
    # an older flat reference (its summary in the label folder itself) is refused; a label
    # folder of per-run folders takes new runs beside committed ones, which are never
    # touched (only the uncommitted latest pointers move)
    if (ld / "summary.csv").exists() or (ld / "raw").exists():
        refuse_committed(ld, "choose another --label or --out")
    layout.label_dir_usable(ld)
    try:
        ld.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise Failure(f"{ld}: cannot create the folder ({e.strerror})") from None
    layout.remove_stale_pointers(ld)  # (of a run killed outright)
    run = layout.unfinished(ld, a.quick) if a.resume else None
    if a.resume and run is None:
        say(f"--resume: no unfinished {'quick ' if a.quick else ''}run in {ld}: starting a new one")
    sw.dest = run or layout.new_run(ld, a.quick)
    sw.plots = sw.plots / sw.dest.name


def finish(sw: Sweep, job: str) -> None:
    """A run that ended with status 0: finished.json in its folder, and in the layout the
    label's pointer (latest, or latest-quick) and its charts' pointer moved to it."""
    layout.mark_finished(sw.dest, job)
    if sw.label_dir is None:
        return
    name = layout.pointer_name(sw.args.quick)
    layout.point(sw.label_dir, name, sw.dest.name)
    if sw.plots.is_dir():
        layout.remove_stale_pointers(sw.plots.parent)
        layout.point(sw.plots.parent, name, sw.plots.name)


def _instead(sw: Sweep) -> str:
    return ("drop --resume to start a new run" if sw.label_dir is not None
            else "give --replace instead of --resume to start it over")


def start(sw: Sweep) -> None:
    """The folder: chosen (choose_run), locked, cleared of what a run killed outright left
    half-written, then resumed (only when the run recorded in identity.json is this one),
    begun, or with --run --replace started over (what an earlier sweep wrote removed,
    nothing else); then the settings, the machine and the plan."""
    a = sw.args
    choose_run(sw)
    dest = sw.dest
    ident_file = dest / "identity.json"
    refuse_committed(dest)
    if os.path.lexists(dest) and not dest.is_dir():
        raise Usage(f"{dest}: a file is where the results folder should be; move it, or "
                    "choose another --label or --out")
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise Failure(f"{dest}: cannot create the folder ({e.strerror})") from None
    lock_folder(dest)
    remove_temporaries(dest, dest / "raw", sw.plots, sw.plots / "src")
    if not a.resume and not a.replace and layout.holds_run(dest):
        raise Usage(f"{dest} holds an earlier run: --resume continues it, --replace starts it "
                    "over (removing what it wrote there); or choose another --run")
    if a.resume and (ident_file.exists() or (dest / "settings.txt").exists()):
        if not ident_file.exists():
            raise Usage(f"--resume: {dest} holds no identity.json (an older version of the "
                        f"suite started it): {_instead(sw)}")
        old = load_json(ident_file)
        diff = differences(old, sw.identity)
        if diff:
            raise Usage(f"--resume: {dest} was started by another run ({'; '.join(diff)}); "
                        f"{_instead(sw)}")
        say(f"resuming in {dest}")
    else:
        if (dest / "raw").is_dir():
            for f in (dest / "raw").iterdir():
                f.unlink()
        for f in STARTED_OVER:
            (dest / f).unlink(missing_ok=True)
        remove_charts(sw.plots)
    (dest / layout.FINISHED).unlink(missing_ok=True)  # (finished again only at its end)
    (dest / "raw").mkdir(exist_ok=True)
    write_atomic(ident_file, json.dumps(sw.identity, indent=1, sort_keys=True) + "\n")
    write_atomic(dest / "settings.txt", sw.settings + "\n")
    if whole(dest / "context.json"):  # (a resumed run keeps the context of its start)
        write_atomic(dest / "context.json", sw.context)
    r = runner()
    if shutil.which("lstopo"):
        for fmt in ("png", "svg", "xml"):
            target = dest / f"lstopo.{fmt}"
            if not whole(target):
                continue
            tmp = dest / f".lstopo.{os.getpid()}.{fmt}.tmp"
            clean = r.on_interrupt(lambda t=tmp: t.unlink(missing_ok=True))
            res = r.run(["lstopo", "--of", fmt, str(tmp)], capture=True, err_capture=True,
                        timeout=LIMIT_MIN_S)
            why = whole(tmp) if res.status == 0 and not res.timed_out else None
            if res.status == 0 and not res.timed_out and why is None:
                os.replace(tmp, target)
            else:
                tmp.unlink(missing_ok=True)
                if not r.interrupted():
                    say(f"lstopo cannot draw {fmt} here ({why or res.err.strip() or f'status {res.status}'}); skipped")
            r.forget(clean)
            r.check()
    write_atomic(dest / "plan.csv", csv_text(
        ["position", "round", "model", "kernel", "size", "reps", "workers", "file"],
        [(c.position, c.round, c.model.name, c.kernel, c.size, c.reps,
          c.workers.replace(",", ";"), c.file) for c in sw.configs]))


def remove_charts(plots: Path) -> None:
    """A sweep started over removes the charts of the sweep before it (a kernel left out
    this time would otherwise keep its old charts beside the new ones), and their sources."""
    if not plots.is_dir():
        return
    for pattern in SWEEP_CHARTS:
        for f in list(plots.glob(pattern)) + list((plots / "src").glob(pattern)):
            f.unlink(missing_ok=True)


def execute(sw: Sweep, progress: Progress) -> int:
    """Run the plan, summarise, chart. Returns the exit status."""
    a, r = sw.args, runner()
    r.on_interrupt(lambda: _interrupted(sw.dest, sw.label_dir))
    start(sw)
    dest = sw.dest
    status, kept, t0 = 0, 0, time.time()
    for c in sw.configs:
        out = dest / c.file
        if a.resume and out.is_file() and out.stat().st_size:
            kept += 1
            progress.skip()
            continue
        argv = [str(c.model.binary), "-q", "--kernel", c.kernel, "--reps", str(c.reps),
                "--seed", str(a.seed), "--raw", "--output", str(out)]
        if c.size:
            argv += ["--size", f"{c.kernel}={c.size}"]
        if not c.model.serial:
            argv += ["--workers", c.workers]
        argv += a.binary_args
        text = f"round {c.round}/{a.rounds}: {c.model.name} {c.kernel}" + \
               (f" size {c.size}" if c.size else "") + f", {c.reps} reps"
        limit, est = progress.limit_s(a.time_limit)
        with progress.step(text):
            res = r.run(argv, timeout=limit)
        r.check()
        if res.timed_out:
            remove_temporaries(dest / "raw")
            progress.say(f"bench-{c.model.name} --kernel {c.kernel} (workers {c.workers}) ran "
                         f"past its time limit of {secs(limit)}"
                         + (f" (the cost model expected about {secs(est)})" if est else "")
                         + f": stopped; {c.file} failed and is not written")
            status = status or TIMED_OUT
        elif res.status:
            progress.say(f"bench-{c.model.name} --kernel {c.kernel} failed with status {res.status}")
            status = status or res.status
    finished = time.time()
    if kept:
        progress.say(f"{kept} configurations kept from the interrupted run")
    r.deadline = time.monotonic() + 10 * LIMIT_MIN_S  # the summary and the charts
    res = r.run([str(sw.build.binary("bench-summary")), str(dest)])
    r.check()
    if res.status:
        raise Failure("no summary", res.status)
    record = {
        "settings": sw.settings, "quick": a.quick, "reps": a.reps, "rounds": a.rounds,
        "workers": a.workers, "worker_counts": sw.nworkers, "input_seed": a.seed,
        "order_seed": a.order_seed,
        "order": "each round runs every (model, kernel) once, shuffled by Python's "
                 "random.Random(order_seed * 1000 + round).shuffle; plan.csv lists the order",
        "models": " ".join(m.name for m in sw.models), "kernels": ",".join(a.kernels),
        "configurations": len(sw.configs), "resumed_configurations": kept,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0)),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(finished)),
        "duration_s": round(finished - t0), "status": status,
    }
    write_atomic(dest / "sweep.json", json.dumps(record, indent=2) + "\n")
    if shutil.which("gnuplot"):
        try:
            from . import charts
            charts.draw_sweep(dest, sw.plots)
        except ImportError as e:
            progress.say(f"no charts: {e}")
            status = status or 1
        except (Failure, Usage) as e:
            progress.say(str(e))
            status = status or 1
        r.check()
    else:
        progress.say("gnuplot not found (scripts/setup.sh installs gnuplot-nox): no charts")
    reports = ""
    try:  # the run's report, from its files and charts (and bench-stats verdicts)
        from . import report
        md, page = report.generate(dest, sw.plots, None, sw.build.dir)
        reports = f", report {md} and {page}"
    except (Failure, Usage) as e:
        progress.say(f"no report: {e}")
        status = status or 1
    r.check()
    r.deadline = None
    progress.say(f"{len(sw.configs)} configurations in {fmt_time(finished - t0)}; "
                 f"results in {dest}, charts in {sw.plots}{reports}")
    return status


def _interrupted(dest: Path, label_dir: Path | None) -> None:
    if dest == label_dir:  # (stopped before the run had a folder)
        say("interrupted")
        return
    remove_temporaries(dest, dest / "raw")
    if (dest / "raw").is_dir():
        say(f"interrupted; finished configurations are kept in {os.path.abspath(dest)}/raw "
            "(--resume continues)")
    else:
        say("interrupted")


def run(args) -> int:
    check_form(args)
    if args.check:
        return 0
    build = Build(args.build)
    if not args.no_build:
        build.compile()
    sw = prepare(args, build)
    progress = Progress(steps(sw))
    try:
        status = execute(sw, progress)
    finally:
        progress.close()
    if status == 0:
        finish(sw, "sweep")
    return status
