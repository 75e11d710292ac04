"""What MPI costs against fork + shared memory on this one machine, measured in one run and
printed as Markdown tables (the README's MPI figures come from it):
  1. every kernel at p = 1 and 2: bench-procs (--start fork --channel shm) beside
     bench-mpi, median wall time with its 95% CI, the ratio of the medians (bench-stats
     ratio), and the median phases (setup = fork or distribution, compute, collect);
  2. the start-up of an MPI world (mpirun + MPI_Init: the world_start_s column of
     bench-mpi's CSV), which bench-mpi keeps out of its repetitions, over 10 worlds of
     p = 1 and 2 (bench-stats median).

--lock FILE holds FILE (flock) around each timed binary, so that nothing else that takes
the same lock runs beside it. Raw CSVs go to a new temporary folder (in TMPDIR) whose name
is printed; --from DIR prints the tables again from such a folder, measuring nothing.
Where mpirun does not work, it says so on one line and ends with status 1.

Exit status: 0; 1 a step failed; 2 bad command line (one line, nothing run or written);
3 or 4 a benchmark's result or worker failed; 128+N stopped by signal N (the temporary
folder is removed)."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from . import cli
from .binaries import Build
from .common import Failure, Usage, one_line, parse_csv_text, read_csv, say, write_atomic
from .runner import runner

HELP = "what MPI costs against fork + shared memory"
KERNELS = ["primes", "randsum", "matmul", "empty"]
QUICK_SIZES = ["--size", "primes=300000", "--size", "randsum=20000000", "--size", "matmul=256"]
WORLDS = 10


def add_arguments(p) -> None:
    p.add_argument("--reps", type=cli.count(1, 99999), metavar="N",
                   help="repetitions per configuration (default 20, --quick 6)")
    p.add_argument("--quick", action="store_true", help="small sizes, 6 repetitions")
    p.add_argument("--lock", nargs="?", const=None, default=False, metavar="FILE",
                   help="hold FILE (flock) around each timed binary")
    p.add_argument("--from", dest="source", nargs="?", const=None, default=False, metavar="DIR",
                   help="print the tables again from an earlier run's folder")


def _last(text: str) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return one_line(lines[-1]) if lines else ""


# --- formatting (every figure comes from a binary's CSV or bench-stats) ---------------------
def t(kernel: str, value: str) -> str:
    """A time in the kernel's unit: microseconds for empty, seconds otherwise."""
    if value in ("", None):
        return "?"
    v = float(value)
    return "%.1f" % (v * 1e6) if kernel == "empty" else "%.4f" % v


def unit(kernel: str) -> str:
    return "us" if kernel == "empty" else "s"


def phases(kernel: str, *values: str) -> str:
    """setup / compute / collect: microseconds for empty, milliseconds otherwise."""
    scale, digits, u = (1e6, 1, "us") if kernel == "empty" else (1e3, 2, "ms")
    return " / ".join("?" if v in ("", None) else "%.*f" % (digits, float(v) * scale)
                      for v in values) + f" {u}"


def ci(kernel: str, lo: str, hi: str) -> str:
    return f"[{t(kernel, lo)}, {t(kernel, hi)}]" if lo else "[n/a: reps <= 5]"


def summary_row(rows: list[dict], kernel: str, p: int) -> dict:
    for r in rows:
        if r.get("row") == "summary" and r.get("kernel") == kernel and r.get("workers") == str(p):
            return r
    return {}


def table(seq: list[dict], procs: list[dict], mpi: list[dict], ratios: dict,
          starts: dict[int, dict]) -> str:
    """The three tables, as the README shows them."""
    out = ["| kernel | size | p | fork+shm median [95% CI] | MPI median [95% CI] | MPI / fork+shm "
           "| fork+shm setup / compute / collect | MPI setup / compute / collect |",
           "|---|---|---|---|---|---|---|---|"]
    for k in KERNELS:
        for p in (1, 2):
            rows = {"procs": summary_row(procs, k, p), "mpi": summary_row(mpi, k, p)}
            line = f"| {k} | {rows['mpi'].get('size', '')} | {p}"
            for m in ("procs", "mpi"):
                r = rows[m]
                line += (f" | {t(k, r.get('median_s', ''))} {unit(k)} "
                         f"{ci(k, r.get('ci_low_s', ''), r.get('ci_high_s', ''))}")
            ratio = ratios.get((k, str(p)), "")
            line += " | " + ("%.3g" % float(ratio) if ratio else "?")
            for m in ("procs", "mpi"):
                r = rows[m]
                line += " | " + phases(k, r.get("setup_s", ""), r.get("compute_s", ""),
                                       r.get("collect_s", ""))
            out.append(line + " |")
    out.append("")
    out.append("T_seq (bench-seq, median): " + "".join(
        f"{k} {t(k, summary_row(seq, k, 1).get('median_s', ''))} {unit(k)}; " for k in KERNELS))
    out.append("")
    out += [f"| MPI world | start-up (mpirun + MPI_Init), median of {WORLDS} (s) | min | max |",
            "|---|---|---|---|"]
    for p in (1, 2):
        s = starts.get(p, {})
        out.append("| p = %d | %s | %s | %s |" % (p, *(
            "%.3f" % float(s[c]) if s.get(c) else "?" for c in ("median", "min", "max"))))
    return "\n".join(out) + "\n"


# --- bench-stats ----------------------------------------------------------------------------
def _stats(build: Build, args: list[str]) -> tuple[list[dict], str]:
    r = runner()
    res = r.run([str(build.binary("bench-stats")), *args], capture=True, err_capture=True)
    r.check()
    if res.status:
        return [], _last(res.err) or f"status {res.status}"
    return parse_csv_text(res.out), ""


def ratios_of(build: Build, folder: Path) -> dict:
    rows, err = _stats(build, ["ratio", str(folder / "mpi.csv"), str(folder / "procs.csv")])
    if err:
        say(f"no MPI / fork+shm ratios: bench-stats ratio: {err}")
    return {(r["kernel"], r["workers_num"]): r["ratio"] for r in rows}


def starts_of(build: Build, folder: Path) -> dict[int, dict]:
    out = {}
    for p in (1, 2):
        rows, err = _stats(build, ["median", str(folder / f"start-{p}.txt")])
        if err:
            say(f"no start-up figures at p = {p}: bench-stats median: {err}")
        elif rows:
            out[p] = rows[0]
    return out


# --- the runs -------------------------------------------------------------------------------
def measure(build: Build, folder: Path, reps: int, quick: bool, lock: str | None) -> None:
    r = runner()
    sizes = QUICK_SIZES if quick else []
    timed = ["flock", lock] if lock else []
    common = ["-q", "--reps", str(reps), "-k", ",".join(KERNELS), "-w", "1,2", *sizes, "--raw"]
    for name, argv in (
            ("seq", [str(build.binary("bench-seq")), "-q", "--reps", str(reps), "-k",
                     ",".join(KERNELS), *sizes, "--raw"]),
            ("procs", [str(build.binary("bench-procs")), *common, "--start", "fork",
                       "--channel", "shm"]),
            ("mpi", [str(build.binary("bench-mpi")), *common])):
        res = r.run([*timed, *argv, "-o", str(folder / f"{name}.csv")])
        r.check()
        if res.status:
            raise Failure(f"bench-{name} failed with status {res.status}",
                          res.status if 0 < res.status < 126 else 1)
    # the world's start-up, which no repetition contains: a column of bench-mpi's CSV
    for p in (1, 2):
        values = []
        for _ in range(WORLDS):
            res = r.run([*timed, str(build.binary("bench-mpi")), "-q", "-k", "empty", "--size", "1",
                         "--reps", "1", "-w", str(p)], capture=True, err_capture=True)
            r.check()
            if res.status:
                raise Failure(f"bench-mpi -w {p} failed with status {res.status}: {_last(res.err)}",
                              res.status if 0 < res.status < 126 else 1)
            values.append(world_start(res.out))
        write_atomic(folder / f"start-{p}.txt", "".join(f"{v}\n" for v in values))


def world_start(text: str) -> str:
    """world_start_s of bench-mpi's summary row (CSV on its standard output)."""
    for row in parse_csv_text(text):
        if row.get("row") == "summary" and row.get("world_start_s"):
            return row["world_start_s"]
    raise Failure("bench-mpi's CSV has no world_start_s (rebuild: meson compile -C build)")


def run(args) -> int:
    if args.lock is None:
        raise Usage("--lock needs a file")
    if args.lock is not False and not os.path.isdir(os.path.dirname(os.path.abspath(args.lock))):
        raise Usage(f"--lock '{args.lock}': no folder {os.path.dirname(os.path.abspath(args.lock))}")
    if args.source is None or (args.source is not False and not (Path(args.source) / "mpi.csv").is_file()):
        raise Usage("--from needs a folder of an earlier run")
    reps = args.reps or (6 if args.quick else 20)
    build = Build()
    if not all(build.binary(b).is_file() for b in ("bench-mpi", "bench-procs")):
        raise Usage("build first, with Open MPI installed (scripts/setup.sh; meson compile -C build)")
    build.require("bench-stats")
    if args.source is not False:
        folder = Path(args.source)
        for f in ("seq.csv", "procs.csv", "start-1.txt", "start-2.txt"):
            if not (folder / f).is_file():
                raise Usage(f"--from needs a folder of an earlier run (no {folder / f})")
    else:
        why = build.cannot_run("mpi")
        if why:
            raise Failure(f"bench-mpi skipped: {why}")
        folder = Path(tempfile.mkdtemp(prefix="mpi-costs."))
        runner().on_interrupt(lambda: shutil.rmtree(folder, ignore_errors=True))
        say(f"raw CSVs in {folder}")
        measure(build, folder, reps, args.quick, args.lock or None)
    need = ["row", "kernel", "workers"]
    seq = read_csv(folder / "seq.csv", need, "benchmark CSV")
    procs = read_csv(folder / "procs.csv", need, "benchmark CSV")
    mpi = read_csv(folder / "mpi.csv", need, "benchmark CSV")
    print(table(seq, procs, mpi, ratios_of(build, folder), starts_of(build, folder)), end="",
          flush=True)
    return 0

