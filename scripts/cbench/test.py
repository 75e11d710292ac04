"""The README's test command: set up, build, run every test suite (Valgrind's in
build-valgrind/, compiled without -march=native: Valgrind 3.19 cannot decode AVX-512).
With --sanitizers, also build with AddressSanitizer+UndefinedBehaviorSanitizer and with
ThreadSanitizer (build-asan/, build-tsan/) and run the fast suites there, any sanitizer
report failing the run. The counts come from meson's own log (meson-logs/testlog.json).
Ends with one line: "tests: N passed, N failed"."""
from __future__ import annotations

import json
import os
from pathlib import Path

from .common import ROOT
from .run import setup
from .runner import runner

HELP = "the tests: set-up, build, meson test (CI adds --sanitizers)"

# folder, meson setup options, meson test options
SUITES = [
    ("build", [], []),
    ("build-valgrind", ["-Dbuildtype=release", "-Dnative=false", "-Dopenmp=disabled",
                        "-Dopenblas=disabled", "-Dmpi=disabled"], ["--suite", "valgrind"]),
]
SANITIZED = [
    # the OpenMP engine's test: AddressSanitizer only (libgomp misleads ThreadSanitizer)
    ("build-asan", ["-Dbuildtype=debugoptimized", "-Db_sanitize=address,undefined",
                    "-Db_lundef=false", "-Dc_args=-fno-sanitize-recover=all"],
     ["--suite", "fast", "--setup", "sanitize", "--suite", "engines"]),
    # ThreadSanitizer: the fast suites where threads share memory (the models, the pools,
    # the micro-benchmarks, faults, limits, placement, the unit tests). Not `cli` (the
    # command-line tools and input files, one thread each), `procs` or `mpi` (processes:
    # what they share through a mapping is invisible to ThreadSanitizer): the release and
    # ASan builds run those, and here they cost CI two minutes and find nothing
    ("build-tsan", ["-Dbuildtype=debugoptimized", "-Db_sanitize=thread", "-Db_lundef=false"],
     ["--suite", "fast", "--no-suite", "cli", "--no-suite", "procs", "--no-suite", "mpi",
      "--setup", "sanitize"]),
]


def add_arguments(p) -> None:
    p.add_argument("--sanitizers", action="store_true",
                   help="also the fast suites under ASan+UBSan and TSan (what CI runs)")


def counts(log: Path) -> tuple[int, int]:
    """Passed and failed tests in a meson testlog.json (one JSON object per line)."""
    ok = bad = 0
    for line in log.read_text().splitlines():
        if not line.strip():
            continue
        result = json.loads(line).get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            ok += 1
        elif result not in ("SKIP",):
            bad += 1
    return ok, bad


def suite(folder: str, setup_args: list[str], test_args: list[str]) -> tuple[int, int]:
    r = runner()
    d = ROOT / folder
    if not (d / "build.ninja").exists():
        res = r.run(["meson", "setup", str(d), *setup_args], capture=True, err_capture=True,
                    cwd=str(ROOT))
        r.check()
        if res.status:
            print(res.out[-4000:], res.err[-4000:], sep="\n", flush=True)
            return 0, 1
    res = r.run(["meson", "compile", "-C", str(d)], capture=True, err_capture=True)
    r.check()
    if res.status:
        print(res.out[-4000:], res.err[-2000:], sep="\n", flush=True)
        return 0, 1
    print(f"== meson test -C {folder} {' '.join(test_args)}", flush=True)
    setup_name = test_args[test_args.index("--setup") + 1] if "--setup" in test_args else ""
    log = d / "meson-logs" / f"testlog{'-' + setup_name if setup_name else ''}.json"
    try:
        os.unlink(log)
    except FileNotFoundError:
        pass
    r.run(["meson", "test", "-C", str(d), "--print-errorlogs", *test_args])
    r.check()
    if not log.exists():
        return 0, 1
    ok, bad = counts(log)
    return ok, bad + (0 if ok else 1)


def run(args) -> int:
    setup(tests=True)  # (chromium too, for the report's browser test, where it can be had)
    passed = failed = 0
    for folder, s, t in SUITES + (SANITIZED if args.sanitizers else []):
        ok, bad = suite(folder, s, t)
        passed, failed = passed + ok, failed + bad
    print(f"tests: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1
