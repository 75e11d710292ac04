"""The command line: one parser per subcommand, each refusing bad input with one line and
exit status 2 before anything is installed, built, run or written.

A subcommand is a module (its docstring is its --help) with add_arguments(parser) and
run(args) -> int, listed in SUBCOMMANDS with its one-line summary."""
from __future__ import annotations

import argparse
import importlib
import re

from . import common
from .common import Failure, Usage
from .runner import runner

SUBCOMMANDS = {
    "run": "the main job: set-up, build, sweep, micro-benchmarks, charts",
    "sweep": "the sweep alone: every model x kernel x worker count, summary and charts",
    "plot": "a results folder's charts",
    "report": "a run's report: report.md and a self-contained report.html",
    "readme": "the README's generated result tables, from the runs' reports (--check)",
    "compare": "machines side by side: charts and how many intervals overlap",
    "agree": "two runs of the same settings on the same machine, held against each other",
    "micro": "the micro-benchmarks, break-even sizes, their tables and charts",
    "breakeven": "the smallest size at which each model beats bench-seq",
    "engines": "our thread pool against OpenMP and our matmul against OpenBLAS",
    "mpi-costs": "what MPI costs against fork + shared memory",
    "process-costs": "what processes cost: efficiency, collect times, start-up",
    "test": "the tests: set-up, build, meson test (CI adds --sanitizers)",
    "fuzz": "bounded libFuzzer runs of the parsers (clang)",
}


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2) and no abbreviated options."""

    def __init__(self, *a, **kw):
        kw.setdefault("allow_abbrev", False)
        super().__init__(*a, **kw)

    def error(self, message: str):  # type: ignore[override]
        m = re.match(r"argument (\S+?)(?:/\S+)?: expected one argument", message)
        if m:
            message = (f"{m.group(1)} needs a value (one that starts with '-' is written "
                       f"{m.group(1)}=-VALUE)")
        elif message.startswith("unrecognized arguments: "):
            message = f"unknown argument '{message.split(': ', 1)[1].split()[0]}' (see --help)"
        else:
            m = re.match(r"argument (\S+?)(?:/\S+)?: (.*)", message)
            if m and m.group(2).startswith(m.group(1)):
                message = m.group(2)
            elif m:
                message = f"{m.group(1)}: {m.group(2)}"
        raise Usage(message)


# --- value checkers for add_argument(type=...) ----------------------------------------------
def count(lo: int = 1, hi: int = 99999, what: str = "a count"):
    def check(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,9}", text) or not lo <= int(text) <= hi:
            raise argparse.ArgumentTypeError(f"'{text}': {what} from {lo} to {hi}")
        return int(text)
    return check


def seed(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,18}", text):
        raise argparse.ArgumentTypeError(f"'{text}': not an unsigned integer")
    return int(text)


def seconds(text: str) -> float:
    if not re.fullmatch(r"[0-9]{1,7}(\.[0-9]{1,3})?", text) or float(text) <= 0:
        raise argparse.ArgumentTypeError(f"'{text}': not a positive number of seconds")
    return float(text)


def names(text: str) -> list[str]:
    if not re.fullmatch(r"[a-z0-9_]+(,[a-z0-9_]+)*", text):
        raise argparse.ArgumentTypeError(f"'{text}': expected NAME,NAME,...")
    return text.split(",")


def size(text: str) -> tuple[str, str]:
    m = re.fullmatch(r"([a-z0-9_]+)=([0-9][0-9.eEkKMGi]*)", text)
    if not m:
        raise argparse.ArgumentTypeError(f"'{text}': expected KERNEL=N")
    return m.group(1), m.group(2)


def workers(text: str) -> str:
    if not re.fullmatch(r"[0-9a-z:-]+(,[0-9a-z:-]+)*", text):
        raise argparse.ArgumentTypeError(f"'{text}': not a worker list (e.g. 1,2,4 or 1-all)")
    return text


def label(text: str) -> str:
    if not re.fullmatch(r"[a-z0-9_-][a-z0-9_.-]*", text) or ".." in text:
        raise argparse.ArgumentTypeError(f"'{text}': use letters a-z, digits, '-', '_', '.'")
    return text


def main(argv: list[str]) -> int:
    top = Parser(prog="cbench.py", description=(
        "The driver of concurrency-bench: runs the benchmark binaries, keeps their results "
        "and draws the charts. Every statistic comes from bench-summary or bench-stats."),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Subcommands:\n" + "\n".join(
            f"  {n:15s} {h}" for n, h in SUBCOMMANDS.items()) +
        "\n\nEach has its own --help. Exit status: 0, 1 a step failed, 2 bad command line "
        "or input (one line,\nnothing written), 3 or 4 a benchmark's result or worker "
        "failed, 128+N stopped by signal N.")
    if argv and argv[0] in ("-h", "--help"):
        top.print_help()
        return 0
    if not argv:
        common.say("no subcommand given (see --help)")
        return 2
    name = argv[0]
    common.PROG = f"cbench {name}"
    runner()  # signals are the driver's from here on
    try:
        if name not in SUBCOMMANDS:
            raise Usage(f"unknown subcommand '{name}' (have: {', '.join(SUBCOMMANDS)})")
        mod = _module(name)
        p = Parser(prog=f"cbench.py {name}", description=mod.__doc__,
                   formatter_class=argparse.RawDescriptionHelpFormatter)
        mod.add_arguments(p)
        rest, extra = argv[1:], []
        if getattr(mod, "PASSTHRU", False) and "--" in rest:
            i = rest.index("--")
            rest, extra = rest[:i], rest[i + 1:]
        args = p.parse_args(rest)
        args.binary_args = extra
        from . import environ
        environ.neutralise()
        status = mod.run(args)
        runner().check()  # a signal after the last child still ends the run by it
        return status
    except Usage as e:
        common.say(str(e))
        return 2
    except Failure as e:
        common.say(str(e))
        return e.status
    except BrokenPipeError:
        return 1
    except OSError as e:  # a folder or file that the steps above did not expect to fail
        common.say(f"{e.filename or ''}: {e.strerror}" if e.filename else str(e))
        return 1


def _module(name: str):
    return importlib.import_module(f".{name.replace('-', '_')}", __package__)
