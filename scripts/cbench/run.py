"""The main job: install what is missing (scripts/setup.sh), build, then the sweep (every
kernel under every model at 1..all PUs and 2x, summary and charts), then the
micro-benchmarks and break-even sizes, under one progress line. Each run writes a folder of
its own, results/<label>/<UTC date-time>[-quick]/ (micro-benchmarks in its micro/), with
charts in plots/<label>/<the same name>/; when it ends with status 0, results/<label>/latest
(latest-quick for --quick) points at it. Nothing another run wrote is deleted or changed.

Takes every option of the sweep (see `cbench.py sweep --help`), and --no-micro; with
--no-build it neither installs nor builds (meson test --benchmark runs it so). The command
line is checked before anything is installed or built. Exit status as the sweep's;
a failed micro-benchmark step makes it 1 when the sweep succeeded."""
from __future__ import annotations

from pathlib import Path

from . import sweep
from .binaries import Build
from .common import SCRIPTS, Failure
from .progress import Progress
from .runner import runner

HELP = "the main job: set-up, build, sweep, micro-benchmarks, charts"
PASSTHRU = True


def add_arguments(p) -> None:
    sweep.add_arguments(p)
    p.add_argument("--no-micro", action="store_true",
                   help="the sweep only (the micro-benchmarks take about 6 more minutes)")


def setup(tests: bool = False) -> None:
    """scripts/setup.sh; for the tests (--tests) also the browser of the report's test,
    which may fail to install without failing the set-up."""
    r = runner()
    res = r.run(["bash", str(SCRIPTS / "setup.sh"), *(["--tests"] if tests else [])])
    r.check()
    if res.status:
        raise Failure("scripts/setup.sh failed")


def run(args) -> int:
    sweep.check_form(args)
    if args.check:
        return 0
    build = Build(args.build)
    if not args.no_build:  # (--no-build: the build as it is, nothing installed either)
        setup()
        build.compile()
    sw = sweep.prepare(args, build)
    steps = sweep.steps(sw)
    micro = None
    if not args.no_micro:
        from . import micro
        steps += micro.micro_steps(args.quick)
    progress = Progress(steps)
    try:
        status = sweep.execute(sw, progress)
        if micro is not None:
            m = micro.run_micro(build, Path(sw.dest) / "micro", Path(sw.plots), args.quick, progress)
            status = status or m
    finally:
        progress.close()
    _report_estimates(progress, sw.dest)
    if status == 0:
        sweep.finish(sw, "run")
    return status


def _report_estimates(progress: Progress, dest: Path) -> None:
    """How good the time-left estimate was: kept beside the results (the README quotes
    the estimate made at the halfway step against the real end)."""
    import json
    import time
    from .common import write_atomic
    end = time.monotonic() - progress.t0
    rows = [{"step": i + 1, "elapsed_s": round(e, 1),
             "estimated_left_s": None if left < 0 else round(left, 1),
             "actual_left_s": round(end - e, 1)}
            for i, (e, left) in enumerate(progress.estimates)]
    try:
        write_atomic(Path(dest) / "progress.json", json.dumps(
            {"steps": len(progress.steps), "duration_s": round(end, 1), "estimates": rows},
            indent=1) + "\n")
    except Failure:
        pass
