"""Unit tests of `cbench.py breakeven` (scripts/cbench/breakeven.py): its command line, the
sizes it sweeps (the committed run's sizes exactly), the series' names, and the one rule
for models that cannot run (skipped with one line, never run). No benchmark runs here."""
import csv
import tempfile
import unittest
from pathlib import Path

from .support import ROOT, Refusals  # noqa: E402  (first: the driver on the path)

from cbench import breakeven  # noqa: E402
from cbench.binaries import Model  # noqa: E402
from cbench.common import Usage  # noqa: E402




def model(name, start="", serial=False, kernels=("primes", "randsum", "matmul", "empty")):
    return Model(name, Path(f"/nonexistent/bench-{name}"), serial, list(kernels), start)


class FakeBuild:
    """Models, plans and the can-it-run answer, without binaries."""

    def __init__(self, models, cannot=None, refuse=None):
        self._models = {m.name: m for m in models}
        self.cannot = cannot or {}
        self.refuse = refuse
        self.plans = []
        self.bench = Path("/nonexistent")

    def models(self):
        return self._models

    def cannot_run(self, name):
        return self.cannot.get(name)

    def plan(self, name, args):
        self.plans.append((name, args))
        if self.refuse and self.refuse in args:
            raise Usage(f"bench-{name}: --workers '{self.refuse}': bad")
        return {"kernels": [{"name": "primes", "default_size": 6500000},
                            {"name": "randsum", "default_size": 800000000},
                            {"name": "matmul", "default_size": 2304}]}


class CommandLine(Refusals):
    SUBCOMMAND = ("breakeven",)

    def test_refusals(self):
        self.refused("unknown argument", "--bogus")
        self.refused("--reps", "--reps", "3")
        self.refused("--reps", "--reps", "99999999999999999999")
        self.refused("--kernels", "--kernels", "")
        self.refused("'nosuch' is not one of primes, randsum, matmul", "--kernels", "nosuch")
        self.refused("'empty' is not one of", "--kernels", "primes,empty")
        with tempfile.TemporaryDirectory() as d:
            self.refused("not built", "--build", str(Path(d) / "nobuild"))
            afile = Path(d) / "afile"
            afile.write_text("x")
            self.refused("--out", "--quick", "--out", str(afile / "be"))


class Sizes(unittest.TestCase):
    def test_the_committed_runs_sizes(self):
        times = ROOT / "results" / "amd-epyc-2c2t" / "micro" / "breakeven-times.csv"
        if not times.is_file():
            self.skipTest("no committed break-even run")
        with open(times, newline="") as f:
            rows = list(csv.DictReader(f))
        for k, default in (("primes", 6500000), ("randsum", 800000000), ("matmul", 2304)):
            want = [int(r["size"]) for r in rows if r["kernel"] == k and r["series"] == "seq"]
            self.assertEqual(breakeven.sizes_of(default, breakeven.TINY[k], False), want)

    def test_quick(self):
        self.assertEqual(breakeven.sizes_of(6500000, 1000, True), [1586, 6347, 25390, 101562, 406250])
        self.assertEqual(breakeven.sizes_of(2304, 16, True), [36, 144])
        self.assertEqual(breakeven.sizes_of(16, 16, True), [])
        self.assertEqual(breakeven.sizes_of(16, 16, False), [16])


class Series(unittest.TestCase):
    def test_names(self):
        names = [s for s, _, _ in breakeven.series_of(
            [model("openmp"), model("procs", "fork"), model("threads")])]
        self.assertEqual(names, ["openmp", "procs-fork", "procs-spawn", "threads"])
        _, m, extra = breakeven.series_of([model("procs", "fork")])[1]
        self.assertEqual((m.name, extra), ("procs", ["--start", "spawn"]))

    def test_a_model_that_cannot_run_is_one_line_and_never_planned(self):
        b = FakeBuild([model("seq", serial=True), model("mpi"), model("openblas", kernels=["matmul"]),
                       model("procs", "fork")], cannot={"mpi": "mpirun does not work here (x)"})
        lines = []
        sizes, series = breakeven.plan_runs(b, ["primes", "matmul"], True, lines.append)
        self.assertEqual(lines, ["bench-mpi skipped: mpirun does not work here (x)"])
        self.assertEqual([s for s, _, _ in series], ["openblas", "procs-fork", "procs-spawn"])
        self.assertNotIn("mpi", [name for name, _ in b.plans])
        # openblas is asked about matmul only, procs with its start method, all at p = all
        self.assertIn(("openblas", ["--kernel", "matmul", "--workers", "all"]), b.plans)
        self.assertIn(("procs", ["--kernel", "primes,matmul", "--workers", "all", "--start", "spawn"]),
                      b.plans)
        self.assertEqual(sizes["matmul"], [36, 144])

    def test_refusal_by_a_binary_is_bad_input(self):
        b = FakeBuild([model("seq", serial=True), model("threads")], refuse="all")
        with self.assertRaisesRegex(Usage, "bench-threads"):
            breakeven.plan_runs(b, ["primes"], True, lambda _: None)

    def test_no_parallel_model(self):
        with self.assertRaisesRegex(Usage, "no parallel model"):
            breakeven.plan_runs(FakeBuild([model("seq", serial=True)]), ["primes"], True, print)


if __name__ == "__main__":
    unittest.main()
