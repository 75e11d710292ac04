"""Unit tests of `cbench.py mpi-costs` (scripts/cbench/mpi_costs.py): its command line, the
world's start-up read from bench-mpi's CSV (never from its stderr), and the tables: the
committed run's CSVs (results/amd-epyc-2c2t/mpi-costs/) with the ratios and start-up
figures the README quotes give the README's tables (tests/py/data/mpi-costs/tables.md,
copied from it), byte for byte. No benchmark runs here."""
import tempfile
import unittest
from pathlib import Path

from .support import ROOT, Refusals  # noqa: E402  (first: the driver on the path)

from cbench import mpi_costs  # noqa: E402
from cbench.common import Failure, read_csv  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "mpi-costs"
HEADER = "row,model,kernel,size,workers,median_s,world_start_s"




class CommandLine(Refusals):
    SUBCOMMAND = ("mpi-costs",)

    def test_refusals(self):
        self.refused("unknown argument", "--bogus")
        self.refused("--reps", "--reps", "0")
        self.refused("--reps needs a value", "--reps")
        self.refused("--lock needs a file", "--lock")
        self.refused("--lock needs a file", "--lock", "--quick")
        self.refused("earlier run", "--from")
        with tempfile.TemporaryDirectory() as d:
            self.refused("earlier run", "--from", d)
            self.refused("--lock", "--lock", str(Path(d) / "nofolder" / "lock"))


class StartUp(unittest.TestCase):
    def test_from_the_csv(self):
        text = f"{HEADER}\nsummary,mpi,empty,1,2,0.000008,0.347\nraw,mpi,empty,1,2,,0.347\n"
        self.assertEqual(mpi_costs.world_start(text), "0.347")

    def test_a_csv_without_the_column_fails(self):
        with self.assertRaisesRegex(Failure, "world_start_s"):
            mpi_costs.world_start("row,model,kernel\nsummary,mpi,empty\n")


class Tables(unittest.TestCase):
    def test_the_readme_tables(self):
        d = ROOT / "results" / "amd-epyc-2c2t" / "mpi-costs"
        if not (d / "mpi.csv").is_file():
            self.skipTest("no committed MPI run")
        seq, procs, mpi = (read_csv(d / f) for f in ("seq.csv", "procs.csv", "mpi.csv"))
        # ratios and start-up figures (bench-stats ratio and median, %.6g) that round to the
        # README's
        ratios = {("primes", "1"): "1.0251", ("primes", "2"): "0.97986",
                  ("randsum", "1"): "1.06085", ("randsum", "2"): "0.998765",
                  ("matmul", "1"): "0.987487", ("matmul", "2"): "0.954052",
                  ("empty", "1"): "0.000405", ("empty", "2"): "0.00376"}
        starts = {1: {"median": "0.326", "min": "0.307", "max": "0.346"},
                  2: {"median": "0.347", "min": "0.339", "max": "0.37"}}
        got = mpi_costs.table(seq, procs, mpi, ratios, starts)
        self.assertEqual(got, (DATA / "tables.md").read_text())

    def test_missing_figures_are_question_marks(self):
        got = mpi_costs.table([], [], [], {}, {})
        self.assertIn("| primes |  | 1 | ? s [n/a: reps <= 5] | ? s [n/a: reps <= 5] | ? | ? / ? / ? ms", got)
        self.assertIn("| p = 2 | ? | ? | ? |", got)

    def test_units(self):
        self.assertEqual(mpi_costs.t("empty", "0.0016574"), "1657.4")
        self.assertEqual(mpi_costs.t("primes", "0.94273"), "0.9427")
        self.assertEqual(mpi_costs.phases("matmul", "0.00472", "0.9552", "0.00701"), "4.72 / 955.20 / 7.01 ms")
        self.assertEqual(mpi_costs.phases("empty", "0.0000003", "0", "0.0000003"), "0.3 / 0.0 / 0.3 us")


if __name__ == "__main__":
    unittest.main()
