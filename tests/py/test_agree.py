"""Unit tests of `cbench.py agree` (scripts/cbench/agree.py): its refusals of runs that are
not the same settings on the same machine, and its figures on synthetic summary.csv files
whose overlap share and relative differences are known (computed by the real bench-stats
agree of the build under test: CBENCH_BUILD, set by tests/meson.build, else build/). No
benchmark runs here."""
import json
import os
import tempfile
import unittest
from pathlib import Path

from .support import ROOT, Refusals, main_out  # noqa: E402  (first: the driver on the path)

from cbench import agree  # noqa: E402

BUILD = Path(os.environ.get("CBENCH_BUILD") or ROOT / "build")
STATS = BUILD / "bench" / "bench-stats"
HEADER = ("kernel,size,size_name,model,series,bind,schedule,chunk,start,channel,workers,n,"
          "median_s,ci_low_s,ci_high_s")
IDENTITY = {"reps": 10, "rounds": 2, "models": ["seq", "threads"], "kernels": ["primes"],
            "workers": [1, 2, 4], "seed": 42, "order_seed": 42, "hostname": "vm",
            "commit": "abc", "context_id": "0123456789abcdef",
            "removed_from_environment": {}}
CONTEXT = {"schema_version": 1, "run": {"label": "x", "hostname": "vm"},
           "cpu": {"vendor": "AuthenticAMD", "brand": "AMD EPYC", "family": 15},
           "topology": {"cores": 2, "pus": 2}, "suite": {"commit": "abc"}}
SETTINGS = ("reps=10 rounds=2 workers=1-all,2xall models=seq threads kernels=primes "
            "sizes=primes=default seed=42 order_seed=42 binary_args=")


def row(series, p, med, lo, hi, kernel="primes", model=None):
    model = model or series.split("-")[0]
    start = "fork" if series == "procs-fork" else ""
    return (f"{kernel},1000,N,{model},{series},cores,static,,{start},,{p},10,{med},{lo},{hi}")


def make_run(parent: Path, name: str, rows, identity=IDENTITY, context=CONTEXT,
             settings=SETTINGS) -> Path:
    """A results folder as the sweep writes it: summary.csv (the columns bench-stats agree
    reads), context.json, identity.json and settings.txt (None: left out)."""
    d = parent / name
    d.mkdir()
    (d / "summary.csv").write_text("\n".join([HEADER, *rows]) + "\n")
    for f, doc in (("context.json", context), ("identity.json", identity)):
        if doc is not None:
            (d / f).write_text(json.dumps(doc))
    if settings is not None:
        (d / "settings.txt").write_text(settings + "\n")
    return d


# Ten points, A's medians all 1 s [0.95, 1.05]: the reference run.
A_ROWS = [row("threads", p, 1.0, 0.95, 1.05) for p in range(1, 11)]


class Refused(Refusals):
    SUBCOMMAND = ("agree",)

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = Path(self.tmp.name)
        self.a = make_run(self.d, "a", A_ROWS)

    def tearDown(self):
        self.tmp.cleanup()

    def test_command_line(self):
        self.refused("give two results folders", str(self.a))
        self.refused("give two results folders", str(self.a), str(self.a), str(self.a))
        self.refused("unknown argument", "--bogus", str(self.a), str(self.a))
        self.refused("--csv needs a value", str(self.a), str(self.a), "--csv")

    def test_folders_that_are_no_runs(self):
        (self.d / "afile").write_text("x")
        (self.d / "empty").mkdir()
        nosum = make_run(self.d, "nosum", A_ROWS)
        (nosum / "summary.csv").unlink()
        noctx = make_run(self.d, "noctx", A_ROWS, context=None)
        noident = make_run(self.d, "noident", A_ROWS, identity=None, settings=None)
        a = str(self.a)
        self.refused("no such results folder", a, str(self.d / "nosuch"))
        self.refused("a file, not a results folder", str(self.d / "afile"), a)
        self.refused("empty: no summary.csv", a, str(self.d / "empty"))
        self.refused("nosum: no summary.csv", a, str(nosum))
        self.refused("noctx: no context.json", a, str(noctx))
        self.refused("neither identity.json nor settings.txt", a, str(noident))
        self.refused("the same folder twice", a, str(self.d / "." / "a"))

    def test_other_settings_or_machine_named(self):
        for key, value in (("reps", 6), ("workers", [1, 2]), ("hostname", "other"),
                           ("commit", "def"), ("context_id", "fedcba9876543210")):
            b = make_run(self.d, f"b-{key}", A_ROWS, identity=dict(IDENTITY, **{key: value}))
            self.refused(f"{key} {json.dumps(IDENTITY[key])} -> {json.dumps(value)}",
                         str(self.a), str(b))
        b = make_run(self.d, "b-absent", A_ROWS, identity={k: v for k, v in IDENTITY.items()
                                                           if k != "rounds"})
        self.refused('rounds 2 -> "(absent)"', str(self.a), str(b))
        self.refused("not the same settings on the same machine", str(self.a), str(b))
        self.refused("give --force", str(self.a), str(b))

    def test_without_identity_json_context_and_settings_decide(self):
        old = make_run(self.d, "old", A_ROWS, identity=None)
        reps = make_run(self.d, "reps", A_ROWS, identity=None,
                        settings=SETTINGS.replace("reps=10", "reps=6"))
        self.refused("context.json and settings.txt: reps \"10\" -> \"6\"", str(old), str(reps))
        ctx = dict(CONTEXT, cpu=dict(CONTEXT["cpu"], brand="Intel Xeon"))
        cpu = make_run(self.d, "cpu", A_ROWS, identity=None, context=ctx)
        self.refused('cpu "AMD EPYC" -> "Intel Xeon"', str(old), str(cpu))
        # one folder with identity.json and one without: both by context.json and settings
        self.refused("context.json and settings.txt", str(self.a), str(reps))

    def test_settings_txt_parsed(self):
        self.assertEqual(agree.parse_settings(SETTINGS)["sizes"], "primes=default")
        self.assertEqual(agree.parse_settings(SETTINGS)["models"], "seq threads")
        self.assertEqual(agree.parse_settings(SETTINGS)["binary_args"], "")
        self.assertEqual(agree.parse_settings("something else"), {"settings": "something else"})

    def test_committed_runs_of_two_machines(self):
        amd, intel = ROOT / "results" / "amd-epyc-2c2t", ROOT / "results" / "intel-xeon-2c2t"
        if not (amd / "summary.csv").is_file() or not (intel / "summary.csv").is_file():
            self.skipTest("no committed results")
        self.refused('cpu "AMD EPYC" -> "Intel(R) Xeon(R) Processor"', str(amd), str(intel))

    def test_csv_where_no_file_can_be(self):
        b = make_run(self.d, "b", A_ROWS)
        self.refused("--csv", str(self.a), str(b), "--csv", str(self.d))
        (self.d / "afile").write_text("x")
        self.refused("--csv", str(self.a), str(b), "--csv", str(self.d / "afile" / "x.csv"))

    def test_not_built(self):
        b = make_run(self.d, "b", A_ROWS)
        self.refused("not built", str(self.a), str(b), "--build", str(self.d / "nobuild"))


@unittest.skipUnless(os.access(STATS, os.X_OK), f"{STATS} not built")
class Figures(unittest.TestCase):
    """The figures of bench-stats agree on runs whose answer is known, as printed."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = Path(self.tmp.name)
        self.a = make_run(self.d, "a", A_ROWS)

    def tearDown(self):
        self.tmp.cleanup()

    def agree(self, b_rows, *extra, identity=IDENTITY):
        b = make_run(self.d, "b", b_rows, identity=identity)
        return main_out("agree", str(self.a), str(b), "--build", str(BUILD), *extra)

    def test_nine_of_ten_overlap_agree(self):
        # 9 points 1/128 slower (CIs overlap), one 1/4 slower (apart): 90%, median 0.0078125
        b_rows = [row("threads", p, 1.0078125, 0.96, 1.06) for p in range(1, 10)]
        b_rows.append(row("threads", 10, 1.25, 1.2, 1.3))
        status, out, err = self.agree(b_rows)
        self.assertEqual((status, err), (0, ""))
        self.assertEqual(out.splitlines()[2:], [
            "points in both runs: 10 (10 compared: a 95% CI of the median in both; 0 no-ci: "
            "none in a run, not compared)",
            "the 95% CIs overlap for 9 of 10 points (90.0%; target: at least 90%)",
            "relative difference of the medians |b - a| / a: median 0.0078125 (target: at "
            "most 0.02), largest 0.25 at primes 1000 threads p=10 (bind=cores "
            "schedule=static): 1.0 s -> 1.25 s",
            # every point moved up by 1/128 (the machine), one by 1/4: 0.25/1.0078125 on its own
            "the machine's shift: B's medians are 0.8% higher than A's (the median of b/a - 1), "
            "10 of 10 points moved that way; with B divided by it, the median difference is 0 "
            "and the largest 0.24031",
            "verdict: agree"])
        self.assertEqual(out.splitlines()[:2], [f"A = {self.a}", f"B = {self.d / 'b'}"])
        # --strict changes nothing when they agree
        self.assertEqual(self.agree_again(b_rows, "--strict")[0], 0)

    def agree_again(self, b_rows, *extra):
        import shutil
        shutil.rmtree(self.d / "b")
        return self.agree(b_rows, *extra)

    def test_eight_of_ten_overlap_disagree(self):
        b_rows = [row("threads", p, 1.0, 0.95, 1.05) for p in range(1, 9)]
        b_rows += [row("threads", p, 1.25, 1.2, 1.3) for p in (9, 10)]
        status, out, err = self.agree(b_rows)
        self.assertEqual((status, err), (0, ""))
        self.assertIn("the 95% CIs overlap for 8 of 10 points (80.0%; target: at least 90%)", out)
        self.assertIn("median 0 (target: at most 0.02), largest 0.25 at primes 1000 threads p=9 ", out)
        self.assertEqual(out.splitlines()[-1], "verdict: disagree (the CIs overlap for 80.0% of "
                         "the points, under the target of 90%)")
        self.assertEqual(self.agree_again(b_rows, "--strict")[0], 1)

    def test_median_difference_above_target_disagrees(self):
        # every CI overlaps, but the medians are 1/32 apart: median 0.03125 > 0.02
        b_rows = [row("threads", p, 1.03125, 0.97, 1.1) for p in range(1, 11)]
        status, out, err = self.agree(b_rows, "--strict")
        self.assertEqual((status, err), (1, ""))
        self.assertIn("overlap for 10 of 10 points (100.0%", out)
        self.assertEqual(out.splitlines()[-1], "verdict: disagree (the median difference "
                         "0.03125 is above the target of 0.02)")

    def test_points_in_one_run_and_without_ci(self):
        # B lacks p=10, has p=11 and procs-fork p=2 that A lacks; p=1 has no CI in B
        b_rows = [row("threads", 1, 1.5, "", "")]
        b_rows += [row("threads", p, 1.0, 0.95, 1.05) for p in range(2, 10)]
        b_rows += [row("threads", 11, 1.0, 0.95, 1.05), row("procs-fork", 2, 1.0, 0.9, 1.1)]
        status, out, err = self.agree(b_rows, "--csv", str(self.d / "points.csv"))
        self.assertEqual((status, err), (0, ""))
        lines = out.splitlines()
        self.assertEqual(lines[2], "points in both runs: 9 (8 compared: a 95% CI of the "
                         "median in both; 1 no-ci: none in a run, not compared)")
        self.assertIn("overlap for 8 of 8 points (100.0%", lines[3])
        self.assertIn("median 0 ", lines[4])  # the no-ci point's 0.5 is not counted
        self.assertEqual(lines[5], "the machine's shift: none (the median of b/a - 1 is 0)")
        self.assertEqual(lines[6], "in one run only, not compared: 1 only in A (primes 1000 "
                         "threads p=10 (bind=cores schedule=static)); 2 only in B (primes 1000 "
                         "threads p=11 (bind=cores schedule=static), primes 1000 procs-fork p=2 "
                         "(bind=cores schedule=static start=fork))")
        self.assertEqual(lines[7], "verdict: agree")
        rows = agree.parse_csv_text((self.d / "points.csv").read_text())
        self.assertEqual([r["row"] for r in rows],
                         ["no-ci"] + ["both"] * 8 + ["only-a", "only-b", "only-b"])
        self.assertEqual((rows[0]["rel_diff"], rows[0]["b_ci_low_s"], rows[0]["overlap"]),
                         ("0.5", "", ""))
        self.assertEqual({r["overlap"] for r in rows[1:9]}, {"yes"})
        self.assertEqual(rows[9]["b_median_s"], "")
        self.assertEqual(rows[11]["start"], "fork")
        self.assertEqual([f.name for f in self.d.iterdir() if f.name.startswith(".")], [])

    def test_no_point_compared(self):
        b_rows = [row("threads", p, 1.0, "", "") for p in range(1, 11)]
        status, out, err = self.agree(b_rows)
        self.assertEqual((status, err), (0, ""))
        self.assertNotIn("overlap for", out)
        self.assertEqual(out.splitlines()[-1], "verdict: disagree (no point has a CI in both runs)")

    def test_seeds_may_differ_and_are_named(self):
        status, out, err = self.agree(A_ROWS, identity=dict(IDENTITY, seed=7, order_seed=8,
                                                            removed_from_environment={"X": "1"}))
        self.assertEqual(status, 0, err)
        self.assertEqual(err, "cbench agree: seeds differ (seed 42 -> 7; order_seed 42 -> 8): "
                         "allowed, they change the inputs' values and the order of the runs, "
                         "not the work\n")
        self.assertIn("overlap for 10 of 10 points (100.0%", out)
        self.assertTrue(out.endswith("verdict: agree\n"))

    def test_force_compares_and_names_the_difference(self):
        status, out, err = self.agree(A_ROWS, "--force", identity=dict(IDENTITY, reps=6))
        self.assertEqual(status, 0, err)
        self.assertEqual(err, "cbench agree: --force: compared although they differ "
                         "(identity.json: reps 10 -> 6)\n")
        self.assertTrue(out.endswith("verdict: agree\n"))

    def test_a_summary_bench_stats_refuses(self):
        status, out, err = self.agree(A_ROWS + [A_ROWS[0]])
        self.assertEqual((status, out, len(err.splitlines())), (2, "", 1), err)
        self.assertIn("a second row of the point on line 2", err)


if __name__ == "__main__":
    unittest.main()
