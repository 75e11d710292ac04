"""Unit tests of `cbench.py micro` (scripts/cbench/micro.py): its command line, its steps
(what the main job's progress line counts, in the order run_micro runs them), the folder
check, and tables.md: the CSVs' medians and CIs formatted exactly as micro-tables.sh did.
tests/py/data/micro/tables.md was printed by scripts/micro-tables.sh from the CSVs beside
it (factor.csv by its --factor), before that script was replaced. No benchmark runs here."""
import io
import tempfile
import unittest
from contextlib import redirect_stderr
from pathlib import Path
from unittest import mock

from .support import ROOT, Refusals  # noqa: E402  (first: the driver on the path)

from cbench import common, micro  # noqa: E402
from cbench.common import Usage  # noqa: E402
from cbench.progress import Progress, Step  # noqa: E402
from cbench.runner import Result  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "micro"




class CommandLine(Refusals):
    SUBCOMMAND = ("micro",)

    def test_refusals(self):
        self.refused("unknown argument '--bogus'", "--bogus")
        self.refused("--out needs a value", "--out")
        self.refused("--from needs a value", "--from")
        self.refused("no results folder given", "--from", "")
        self.refused("not with --quick", "--from", str(DATA), "--quick")
        with tempfile.TemporaryDirectory() as d:
            afile = Path(d) / "afile"
            afile.write_text("x")
            self.refused("--out", "--quick", "--out", str(afile / "micro"))
            self.refused("--plots", "--plots", str(afile / "plots"))
            self.refused("not built", "--no-build", "--build", str(Path(d) / "nobuild"))
            self.refused("no such folder", "--from", str(Path(d) / "nosuch"))
            self.refused("no micro-benchmark results", "--from", d)
            self.assertEqual(sorted(p.name for p in Path(d).iterdir()), ["afile"])

    def test_setup_only_after_the_checks(self):
        with tempfile.NamedTemporaryFile() as f, mock.patch("cbench.run.setup") as setup, \
                mock.patch("cbench.binaries.Build.compile") as compile_:
            self.refused("--out", "--out", f"{f.name}/micro")
            setup.assert_not_called()
            compile_.assert_not_called()


class Steps(unittest.TestCase):
    def test_one_step_per_stage_in_order(self):
        names = ["overhead", "ipc", "sync", "memory", "breakeven", "charts", "tables"]
        for quick in (True, False):
            steps = micro.micro_steps(quick)
            self.assertEqual([s.kind for s in steps], names)
            self.assertTrue(all(isinstance(s, Step) and s.prior_s > 0 and s.units == 1 for s in steps))
        quick = sum(s.prior_s for s in micro.micro_steps(True))
        full = sum(s.prior_s for s in micro.micro_steps(False))
        self.assertLess(quick, full)
        self.assertTrue(300 <= full <= 480, full)  # the README: about 6 minutes

    def test_run_micro_runs_every_step_inside_progress(self):
        done = []

        def stage(name):
            def f(*_a, **_k):
                done.append((name, progress.next))
                return name != "bench-ipc"  # one step fails: status 1, the rest still run
            return f

        class Build:
            def binary(self, name):
                return Path("/nonexistent") / name

        class Runner:
            def run(self, argv, **_k):
                return Result(0, '{"run": {}}\n', "")

            def check(self):
                pass

        err = io.StringIO()
        progress = Progress(micro.micro_steps(True), stream=err)
        with tempfile.TemporaryDirectory() as d, \
                mock.patch.object(micro, "runner", lambda: Runner()), \
                mock.patch.object(micro, "_overhead", stage("overhead")), \
                mock.patch.object(micro, "_bench", lambda b, name, *a: stage(name)()), \
                mock.patch.object(micro, "_breakeven", stage("breakeven")), \
                mock.patch.object(micro, "draw_charts", stage("charts")), \
                mock.patch.object(micro, "make_tables", stage("tables")), redirect_stderr(err):
            status = micro.run_micro(Build(), Path(d) / "out", Path(d) / "plots", True, progress)
            self.assertTrue((Path(d) / "out" / "context.json").is_file())
        self.assertEqual(status, 1)
        self.assertEqual(done, [("overhead", 0), ("bench-ipc", 1), ("bench-sync", 2),
                                ("bench-memory", 3), ("breakeven", 4), ("charts", 5), ("tables", 6)])
        self.assertEqual(progress.next, len(progress.steps))
        self.assertEqual(err.getvalue().count("[7/7]"), 1)

    def test_failed_charts_are_one_failed_line(self):
        lines = []

        def fails(*_):
            raise common.Failure("gnuplot failed: bad template")
        with mock.patch("shutil.which", return_value="/usr/bin/gnuplot"), \
                mock.patch.object(micro, "draw_micro", fails):
            ok = micro.draw_charts(DATA, Path("/nonexistent"), lines.append)
        self.assertFalse(ok)
        self.assertEqual(len(lines), 1)
        self.assertIn("gnuplot failed", lines[0])

    def test_no_gnuplot_is_one_failed_line(self):
        lines = []
        with mock.patch("shutil.which", return_value=None):
            self.assertFalse(micro.draw_charts(DATA, Path("/nonexistent"), lines.append))
        self.assertEqual(len(lines), 1)
        self.assertIn("gnuplot", lines[0])


class Tables(unittest.TestCase):
    def test_fixture_as_micro_tables_sh_printed_it(self):
        self.assertEqual(micro.tables_md(DATA), (DATA / "tables.md").read_text())

    def test_committed_results_give_the_committed_tables(self):
        d = ROOT / "results" / "amd-epyc-2c2t" / "micro"
        if not (d / "tables.md").is_file():
            self.skipTest("no committed micro-benchmark results")
        self.assertEqual(micro.tables_md(d), (d / "tables.md").read_text())

    def test_without_factor_no_yardstick_section(self):
        text = micro.tables_md(DATA, factor=False)
        self.assertNotIn("minimal C loop", text)
        self.assertTrue(text.startswith("### Creation and dispatch"))

    def test_cells(self):
        self.assertEqual(micro.cell("59.0123", "54.4", "63.6"), "59 [54.4, 63.6]")
        self.assertEqual(micro.cell("0", "0", "0.0012", "within noise"), "0 [0, 0.0012] (within noise)")
        self.assertEqual(micro.cell("7160", "", "11300"), "7.16e+03 [?, 1.13e+04]")
        self.assertEqual(micro.human_bytes(8), "8 B")
        self.assertEqual(micro.human_bytes(1536), "1.5 KiB")
        self.assertEqual(micro.human_bytes(1048576), "1 MiB")
        self.assertEqual(micro.num("12abc"), 12.0)
        self.assertEqual(micro.num("abc"), 0.0)

    def test_folder_check(self):
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            with self.assertRaisesRegex(Usage, "no micro-benchmark results"):
                micro.micro_files(d)
            (d / "sync.csv").write_text("")
            with self.assertRaisesRegex(Usage, "sync.csv: not written by cbench.py micro"):
                micro.micro_files(d)
            (d / "sync.csv").write_bytes(b"garbage\x01,\n")
            with self.assertRaisesRegex(Usage, "sync.csv"):
                micro.micro_files(d)
            (d / "sync.csv").write_bytes((DATA / "sync.csv").read_bytes())
            micro.micro_files(d)


if __name__ == "__main__":
    unittest.main()
