"""Unit tests of `cbench.py engines` (scripts/cbench/engines.py): its command line and the
order of its runs (ABBA rounds, the file names bench-stats engines reads). tests/engines-
engines-compare.sh runs it for real. No benchmark runs here."""
import tempfile
import unittest
from pathlib import Path

from .support import Refusals  # noqa: E402  (first: the driver on the path)

from cbench import engines  # noqa: E402




class CommandLine(Refusals):
    SUBCOMMAND = ("engines",)

    def test_refusals(self):
        self.refused("--rounds", "--rounds", "0")
        self.refused("--reps", "--reps", "1000000")
        self.refused("--blas-n", "--blas-n", "0")
        self.refused("--seed", "--seed", "99999999999999999999")
        self.refused("--kernels needs a value", "--kernels")
        self.refused("--kernels", "--kernels", "")
        self.refused("--schedules", "--schedules", "static,,dynamic")
        self.refused("give KERNEL=N", "--size", "primes")
        self.refused("unknown argument", "--bogus")
        with tempfile.TemporaryDirectory() as d:
            afile = Path(d) / "afile"
            afile.write_text("x")
            self.refused("--lock", "--lock", str(afile / "lock"))
            self.refused("--out", "--out", str(afile / "ce"))
            self.refused("build first", "--build", d, "--out", str(Path(d) / "ce"))
            self.refused("no raw/ folder", "--summary", d)
            (Path(d) / "raw").mkdir()
            self.refused("no CSV", "--summary", d)
            self.assertEqual(sorted(p.name for p in Path(d).iterdir()), ["afile", "raw"])


class Order(unittest.TestCase):
    def test_abba(self):
        self.assertEqual(engines.round_order(["threadpool", "openmp"], 1), ["threadpool", "openmp"])
        self.assertEqual(engines.round_order(["threadpool", "openmp"], 2), ["openmp", "threadpool"])
        self.assertEqual(engines.round_order(["threadpool"], 2), ["threadpool"])

    def test_runs_as_tests_engines_compare_counts_them(self):
        runs = engines.plan_runs(["threadpool", "openmp"], ["primes", "randsum"],
                                 ["static", "dynamic"], 3, True)
        self.assertEqual(len(runs), 3 * (2 + 8 + 2))
        self.assertEqual(len({name for *_, name in runs}), len(runs))
        first = [name for r, *_, name in runs if r == 1]
        self.assertEqual(first[:4], ["r1-seq-primes.csv", "r1-seq-randsum.csv",
                                     "r1-threadpool-static-primes.csv", "r1-openmp-static-primes.csv"])
        self.assertEqual(first[-2:], ["r1-blas-seq.csv", "r1-blas-openblas.csv"])
        second = [name for r, *_, name in runs if r == 2]
        self.assertEqual(second[2:4], ["r2-openmp-static-primes.csv", "r2-threadpool-static-primes.csv"])
        self.assertEqual(second[-2:], ["r2-blas-openblas.csv", "r2-blas-seq.csv"])
        blas = [args for r, m, args, name in runs if name == "r1-blas-openblas.csv"][0]
        self.assertEqual(blas, ["-k", "matmul", "-n", "@blas@", "-w", "1"])

    def test_without_blas(self):
        runs = engines.plan_runs(["threadpool"], ["primes"], ["static"], 2, False)
        self.assertEqual([name for *_, name in runs],
                         ["r1-seq-primes.csv", "r1-threadpool-static-primes.csv",
                          "r2-seq-primes.csv", "r2-threadpool-static-primes.csv"])

    def test_size_argument(self):
        self.assertEqual(engines.size_arg("primes=1e7"), ("primes", "1e7"))
        with self.assertRaises(Exception):
            engines.size_arg("primes")


if __name__ == "__main__":
    unittest.main()
