"""Unit tests of `cbench.py process-costs` (scripts/cbench/process_costs.py): its command
line and its tables, every figure taken as it is from bench-summary's summary.csv or a
binary's own summary row (the README's row format). No benchmark runs here."""
import unittest

from .support import Refusals  # noqa: E402  (first: the driver on the path)

from cbench import process_costs  # noqa: E402




class CommandLine(Refusals):
    SUBCOMMAND = ("process-costs",)

    def test_refusals(self):
        self.refused("--reps needs a value", "--reps")
        self.refused("--reps", "--reps", "0")
        self.refused("--reps", "--reps", "abc")
        self.refused("unknown argument", "--bogus")


class Tables(unittest.TestCase):
    def test_efficiency_rows_from_summary_csv(self):
        summary = [
            {"model": "threads", "series": "threads", "kernel": "randsum", "workers": "2",
             "seq_median_s": "1.0138", "median_s": "0.508", "ci_low_s": "0.4952",
             "ci_high_s": "0.564", "speedup": "1.99567", "efficiency": "0.997835"},
            {"model": "threads", "series": "threads", "kernel": "randsum", "workers": "1",
             "seq_median_s": "1.0138", "median_s": "1.01", "ci_low_s": "", "ci_high_s": "",
             "speedup": "1", "efficiency": "1"},
            {"model": "procs", "series": "procs-fork", "kernel": "primes", "workers": "2",
             "seq_median_s": "0.9313", "median_s": "0.6213", "ci_low_s": "", "ci_high_s": "",
             "speedup": "1.49895", "efficiency": "0.749477"},
        ]
        raws = {"threads": [{"row": "summary", "kernel": "randsum", "imbalance": "1.02"},
                            {"row": "raw", "kernel": "randsum", "imbalance": ""}],
                "procs": [{"row": "summary", "kernel": "primes", "imbalance": "1.2401"}]}
        rows = process_costs.efficiency_rows(summary, raws, ["seq", "threads", "procs"])
        self.assertEqual(rows, [
            "| threads | randsum | 1.0138 | 0.5080 [0.4952, 0.5640] | 1.996 | 0.998 | 1.02 |",
            "| procs (fork, shm) | randsum | ? | ? [n/a: reps <= 5] | ? | ? | ? |",
            "| threads | primes | ? | ? [n/a: reps <= 5] | ? | ? | ? |",
            "| procs (fork, shm) | primes | 0.9313 | 0.6213 [n/a: reps <= 5] | 1.499 | 0.749 | 1.24 |",
        ])

    def test_matmul_and_empty_rows(self):
        self.assertEqual(process_costs.matmul_row("procs fork shm", [
            {"row": "summary", "median_s": "0.0519", "compute_s": "0.0482", "collect_s": "0.001445"}]),
            "| procs fork shm | 0.0519 | 0.0482 | 0.001445 |")
        self.assertEqual(process_costs.empty_row("threads", [
            {"row": "summary", "workers": "2", "median_s": "0.001133", "setup_s": "0.000777"},
            {"row": "summary", "workers": "1", "median_s": "0.000706", "setup_s": "0.0004"}]),
            "| threads | 0.000706 | 0.001133 | 0.000777 |")


if __name__ == "__main__":
    unittest.main()
