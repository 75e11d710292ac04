"""The results layout (issue 18, nothing lost): a folder of its own per run, named by the
UTC date-time (-quick for quick runs), the pointers latest and latest-quick replaced
atomically, the most recent unfinished run found for --resume, and both layouts (run
folders and the older flat results/<label>/) read by plot and compare."""
import json
import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from .support import ROOT, Refusals  # noqa: E402  (first: the driver on the path)

from cbench import charts, common, layout  # noqa: E402


class Layout(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.d = Path(self.tmp.name)

    def test_run_names(self):
        self.assertTrue(layout.is_run_name("2026-12-05T071500Z"))
        self.assertTrue(layout.is_run_name("2026-12-05T071500Z-quick"))
        self.assertTrue(layout.is_run_name("2026-12-05T071500Z-quick-2"))
        self.assertTrue(layout.is_quick("2026-12-05T071500Z-quick-2"))
        self.assertFalse(layout.is_quick("2026-12-05T071500Z-3"))
        for name in ("latest", "latest-quick", "micro", "2026-12-05", "2026-12-05T071500Z-0",
                     "2026-12-05T071500Z-fast", "amd-epyc-2c2t"):
            self.assertFalse(layout.is_run_name(name), name)

    def test_new_runs_never_share_a_folder(self):
        with mock.patch.object(layout, "stamp", return_value="2026-12-05T071500Z"):
            a = layout.new_run(self.d, False)
            b = layout.new_run(self.d, False)
            q = layout.new_run(self.d, True)
        self.assertEqual([a.name, b.name, q.name],
                         ["2026-12-05T071500Z", "2026-12-05T071500Z-2", "2026-12-05T071500Z-quick"])
        self.assertEqual(layout.runs(self.d, False), [a, b])
        self.assertEqual(layout.runs(self.d, True), [q])

    def test_the_most_recent_unfinished_run_of_its_kind(self):
        names = ["2026-12-01T000000Z", "2026-12-02T000000Z", "2026-12-03T000000Z",
                 "2026-12-04T000000Z-quick", "2026-12-05T000000Z"]
        for n in names:
            (self.d / n).mkdir()
        (self.d / names[0] / "identity.json").write_text("{}")
        (self.d / names[1] / "identity.json").write_text("{}")
        (self.d / names[2] / "identity.json").write_text("{}")
        layout.mark_finished(self.d / names[2], "sweep")
        (self.d / names[3] / "identity.json").write_text("{}")
        # names[4]: made, but nothing measured (a micro-benchmarks-only run, or none begun)
        self.assertEqual(layout.unfinished(self.d, False), self.d / names[1])
        self.assertEqual(layout.unfinished(self.d, True), self.d / names[3])
        self.assertEqual(json.loads((self.d / names[2] / "finished.json").read_text())["status"], 0)
        self.assertIsNone(layout.unfinished(self.d / "absent", False))

    def test_pointer_replaced_atomically_and_relative(self):
        for n in ("a", "b"):
            (self.d / n).mkdir()
            (self.d / n / "summary.csv").write_text("x\n")
        layout.point(self.d, "latest", "a")
        layout.point(self.d, "latest", "b")
        self.assertEqual(os.readlink(self.d / "latest"), "b")
        self.assertEqual(sorted(os.listdir(self.d)), ["a", "b", "latest"])  # no temporary
        self.assertEqual(layout.resolve(self.d), (self.d / "b").resolve())
        (self.d / "real").mkdir()
        with self.assertRaises(common.Failure):
            layout.point(self.d, "real", "a")  # a folder is never replaced
        self.assertTrue((self.d / "real").is_dir())

    def test_stale_pointer_links_removed_live_ones_kept(self):
        dead = os.fork()
        if dead == 0:
            os._exit(0)
        os.waitpid(dead, 0)
        stale = self.d / f".latest.{dead}-abc123.tmp"
        live = self.d / f".latest-quick.{os.getpid()}-abc123.tmp"
        for t in (stale, live):
            os.symlink("x", t)
        layout.remove_stale_pointers(self.d)
        self.assertEqual(os.listdir(self.d), [live.name])

    def test_both_layouts_read(self):
        flat = self.d / "results" / "old-2c2t"
        nested = self.d / "results" / "new-2c2t-abcdef"
        quick_only = self.d / "results" / "q-2c2t-abcdef"
        for f in (flat, nested / "2026-12-05T071500Z", quick_only / "2026-12-05T071500Z-quick"):
            f.mkdir(parents=True)
            (f / "summary.csv").write_text("x\n")
            (f / "context.json").write_text("{}")
        layout.point(nested, "latest", "2026-12-05T071500Z")
        layout.point(quick_only, "latest-quick", "2026-12-05T071500Z-quick")
        (self.d / "results" / "empty").mkdir()
        self.assertEqual(layout.all_results(self.d / "results"),
                         [(nested / "2026-12-05T071500Z").resolve(), flat])
        self.assertEqual(layout.resolve(flat), flat)
        self.assertEqual(layout.resolve(quick_only), quick_only)  # quick runs: only if named
        plots = self.d / "plots"
        self.assertEqual(layout.plots_of(nested / "2026-12-05T071500Z", "new", plots),
                         plots / "new" / "2026-12-05T071500Z")
        self.assertEqual(layout.plots_of(flat, "old-2c2t", plots), plots / "old-2c2t")

    def test_runs_of_one_label_named_by_their_folders(self):
        a, b = self.d / "x" / "2026-12-05T071500Z", self.d / "x" / "2026-12-06T071500Z"
        self.assertEqual(charts.machine_names([a, b], ["x", "x"]),
                         ["x@2026-12-05T071500Z", "x@2026-12-06T071500Z"])
        self.assertEqual(charts.machine_names([self.d / "r" / "x", self.d / "s" / "x"], ["x", "x"]),
                         ["x@r", "x@s"])


class Options(Refusals):
    SUBCOMMAND = ("sweep",)

    def test_replace_only_with_run(self):
        self.refused("--replace needs --run", "--replace", "--check")
        self.refused("not both", "--replace", "--resume", "--run", "/tmp/x", "--check")

    def test_committed_results_stay_out_of_every_run(self):
        ref = ROOT / "results" / "amd-epyc-2c2t"
        if not (ROOT / ".git").exists() or not ref.is_dir():
            self.skipTest("not a checkout with the committed results")
        with self.assertRaises(common.Usage):
            common.refuse_committed(ref)


if __name__ == "__main__":
    unittest.main()
