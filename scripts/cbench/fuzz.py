"""Bounded fuzzing of the suite's parsers: builds the fuzz targets of fuzz/ with clang's
libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer in their own build folder, runs
each target for S seconds from its corpus in fuzz/corpus/TARGET, and reports per target its
executions, new corpus units and findings (libFuzzer's final statistics, -print_final_stats).
New corpus entries are kept in BUILD/fuzz-corpus/TARGET, findings (crash-*, leak-*,
timeout-*, oom-*) in BUILD/fuzz-findings/TARGET. Installs clang (Debian's clang and
libclang-rt-14-dev) when missing. Not part of the test suites: the corpus replays there.
Exit 0 when nothing was found, 1 when a target found something or failed to build, 2 usage."""
from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

from . import cli
from .common import ROOT, Failure, Usage, say
from .run import setup
from .runner import runner

HELP = "bounded libFuzzer runs of the parsers (clang)"


def add_arguments(p) -> None:
    p.add_argument("--time", type=cli.count(1, 999999, "a number of seconds"), default=60,
                   help="seconds per target (default 60)")
    p.add_argument("--targets", type=cli.names, help="comma-separated (default: every fuzz/fuzz-*.c)")
    p.add_argument("--build", default=str(ROOT / "build-fuzz"), help="build folder (default build-fuzz)")


def run(args) -> int:
    have = sorted(Path(f).stem[len("fuzz-"):] for f in glob.glob(str(ROOT / "fuzz" / "fuzz-*.c")))
    targets = args.targets or have
    for t in targets:
        if t not in have:
            raise Usage(f"--targets: no target '{t}' (have: {' '.join(have)})")
    r = runner()
    if not shutil.which("clang") or not glob.glob(
            "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a"):
        say("installing clang and libFuzzer")
        sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for cmd in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "clang",
                     "libclang-rt-14-dev"]):
            if r.run(sudo + cmd, capture=True, env=env).status:
                raise Failure("cannot install clang")
    setup()
    build = Path(os.path.abspath(args.build))
    if not (build / "build.ninja").exists():
        env = dict(os.environ, CC="clang")
        res = r.run(["meson", "setup", str(build), "-Dfuzz=true", "-Dbuildtype=debugoptimized",
                     "-Db_sanitize=address,undefined", "-Db_lundef=false", "-Dopenmp=disabled",
                     "-Dopenblas=disabled",
                     "-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=all"],
                    capture=True, err_capture=True, env=env, cwd=str(ROOT))
        r.check()
        if res.status:
            print(res.out[-3000:], res.err[-3000:])
            raise Failure("meson setup of the fuzz build failed")
    res = r.run(["meson", "compile", "-C", str(build)], capture=True, err_capture=True)
    r.check()
    if res.status:
        print(res.out[-3000:])
        raise Failure("the fuzz build failed")
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
               UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
    found = False
    print(f"{'target':15s} {'seconds':>7s} {'executions':>11s} {'new_units':>9s} {'findings':>9s}")
    for t in targets:
        corpus, findings = build / "fuzz-corpus" / t, build / "fuzz-findings" / t
        corpus.mkdir(parents=True, exist_ok=True)
        findings.mkdir(parents=True, exist_ok=True)
        before = len(os.listdir(findings))
        dict_file = ROOT / "fuzz" / "dict" / f"{t}.dict"
        log = build / f"fuzz-{t}.log"
        # -fork=1 with -ignore_*: a finding is kept and fuzzing goes on to the end
        argv = [str(build / "fuzz" / f"fuzz-{t}"), f"-max_total_time={args.time}", "-timeout=30",
                "-rss_limit_mb=2048", "-max_len=16384", "-fork=1", "-ignore_crashes=1",
                "-ignore_timeouts=1", "-ignore_ooms=1", "-print_final_stats=1",
                f"-artifact_prefix={findings}/"]
        if dict_file.exists():
            argv.append(f"-dict={dict_file}")
        argv += [str(corpus), str(ROOT / "fuzz" / "corpus" / t)]
        res = r.run(argv, capture=True, err_capture=True, env=env)
        r.check()
        log.write_text(res.out + res.err)
        stats = dict(line[len("stat::"):].strip().split(": ", 1)
                     for line in (res.out + res.err).splitlines()
                     if line.startswith("stat::") and ": " in line)
        new = len(os.listdir(findings)) - before
        found |= new > 0 or not stats
        if not stats:
            say(f"{t}: no final statistics, see {log}")
        print(f"{t:15s} {args.time:>7d} {stats.get('number_of_executed_units', '?'):>11s} "
              f"{stats.get('new_units_added', '?'):>9s} {new:>9d}")
    if found:
        say(f"findings in {build}/fuzz-findings (replay one: {build}/fuzz/replay-TARGET FILE)")
        return 1
    return 0
