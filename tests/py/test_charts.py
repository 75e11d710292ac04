"""Unit tests of the charts (scripts/cbench/charts.py, plot.py, compare.py): the layout
decisions (series colour order, log tics, machine names, gnuplot strings), the data files and
chart files written into src/ from a small summary.csv (tests/py/data/charts/sweep: the
primes rows of bench-seq, threads and procs from results/amd-epyc-2c2t, p in reverse order,
one point not verified, one without an interval, on a machine of 2 cores and 4 PUs), and,
where gnuplot is installed, that the charts are drawn as PNG and SVG, that src/ redraws them
by hand, and that a failing gnuplot leaves nothing behind."""
import io
import shutil
import subprocess
import tempfile
import unittest
from contextlib import redirect_stderr
from pathlib import Path
from unittest import mock

from .support import main_out as main  # noqa: E402  (first: the driver on the path)

from cbench import charts, compare  # noqa: E402
from cbench.common import Usage  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
SWEEP = DATA / "charts" / "sweep"
MICRO = DATA / "micro"
GNUPLOT = shutil.which("gnuplot") is not None
PNG = b"\x89PNG\r\n\x1a\n"


class Collected(Exception):
    """Raised by a stand-in for Charts.draw: the charts as they would be drawn."""

    def __init__(self, charts_obj):
        super().__init__("collected")
        self.charts = charts_obj


def collect(fn, *args):
    """What fn (draw_sweep, draw_micro, draw_compare) would draw, gnuplot not run."""
    def fake(self, out):
        raise Collected(self)
    with mock.patch.object(charts.Charts, "draw", fake):
        try:
            fn(*args)
        except Collected as c:
            return c.charts
    raise AssertionError("nothing drawn")


def data_rows(text):
    """A data file's rows (after its comment and header lines)."""
    lines = text.splitlines()
    assert lines[0].startswith("# "), lines[0]
    return lines[1], [ln.split(",") for ln in lines[2:]]


class Layout(unittest.TestCase):
    def test_series_ranks_follow_the_sorted_names(self):
        ranks = charts.series_ranks(["threads", "procs-fork", "mpi", "threads", "openmp"])
        self.assertEqual(ranks, {"mpi": 1, "openmp": 2, "procs-fork": 3, "threads": 4})
        # a model added later takes its place in the order; the others keep theirs relative
        ranks2 = charts.series_ranks(["threads", "zz-new", "mpi"])
        self.assertLess(ranks2["mpi"], ranks2["threads"])
        self.assertEqual(ranks2["zz-new"], 3)

    def test_log_tics(self):
        self.assertEqual(charts.log_tics(0.16, 1.47),
                         [("200 ms", 0.2), ("500 ms", 0.5), ("1 s", 1.0)])
        # fewer than three 1-2-5 tics: every integer multiple
        self.assertEqual([t for _, t in charts.log_tics(0.45, 1.1)],
                         [0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
        # many decades: the powers of ten only
        tics = charts.log_tics(5e-6, 2.0)
        self.assertEqual([lab for lab, _ in tics], ["10 us", "100 us", "1 ms", "10 ms", "100 ms", "1 s"])
        self.assertEqual(charts.log_tics(0, 1), [])
        self.assertEqual(charts.tic_list([("1 s", 1.0), ("2 s", 2.0)]), '"1 s" 1, "2 s" 2')

    def test_p_tics(self):
        self.assertEqual(charts.p_tics([4, 1, 2, 2]), "1, 2, 4")
        self.assertEqual(charts.p_tics(range(1, 18)), "")

    def test_machine_names(self):
        d = [Path("/x/results/amd"), Path("/x/rerun/amd"), Path("/y/intel")]
        self.assertEqual(charts.machine_names(d, ["amd", "amd2", "intel"]), ["amd", "amd2", "intel"])
        self.assertEqual(charts.machine_names(d, ["amd", "amd", "intel"]),
                         ["amd@results", "amd@rerun", "intel"])
        # same label and same parent folder name: then their position
        d2 = [Path("/a/results/m"), Path("/b/results/m"), Path("/c/other/m")]
        self.assertEqual(charts.machine_names(d2, ["m", "m", "m"]),
                         ["m@results#1", "m@results#2", "m@other"])
        # no label: the folder's name
        self.assertEqual(charts.machine_names([Path("/r/one"), Path("/r/two")], ["", ""]), ["one", "two"])

    def test_gnuplot_strings(self):
        self.assertEqual(charts.gp_str("plain text"), "'plain text'")
        self.assertEqual(charts.gp_str("it's"), '"it\'s"')
        self.assertEqual(charts.gp_str("amd@results"), '"amd\\100results"')
        self.assertEqual(charts.gp_str('a "b" \\ c\nd'), "'a \"b\" \\ c d'")  # one line, as written
        self.assertEqual(charts.gp_str("it's \\ \"q\""), '"it\'s \\\\ \\"q\\""')
        self.assertEqual(charts.gp_assign("n", 3), "n = 3")
        self.assertEqual(charts.gp_assign("x", 0.5), "x = 0.5")
        self.assertEqual(charts.gp_assign("x", float("nan")), "x = NaN")
        self.assertEqual(charts.gp_assign("t", charts.Num("0.935381709")), "t = 0.935381709")
        self.assertEqual(charts.gp_assign("a", ["x", "y"]), "array a[2] = ['x', 'y']")
        self.assertEqual(charts.gp_assign("a", []), "array a[1]  # (none)")
        self.assertEqual(charts.safe_name("a b/c"), "a_b_c")


class SweepFiles(unittest.TestCase):
    """The data and chart files of the fixture, gnuplot not run."""

    @classmethod
    def setUpClass(cls):
        cls.c = collect(charts.draw_sweep, SWEEP, Path("/nonexistent"))

    def test_one_file_per_series_rows_by_workers_values_verbatim(self):
        files = self.c.files
        self.assertEqual(sorted(files), ["sweep-primes-procs.csv", "sweep-primes-threads.csv",
                                         "sweep-primes-unverified.csv"])
        header, rows = data_rows(files["sweep-primes-threads.csv"])
        self.assertEqual(header.split(","), charts.SWEEP_COLUMNS)
        self.assertEqual([r[0] for r in rows], ["1", "2", "4"])
        self.assertEqual(rows[1][2:5], ["0.584497691", "0.570244026", "0.892822888"])
        self.assertEqual(rows[2][3:5], ["", ""])  # no interval: left empty, the template draws the median
        _, bad = data_rows(files["sweep-primes-unverified.csv"])
        self.assertEqual([(r[0], r[-1]) for r in bad], [("2", "no")])

    def test_charts_and_their_variables(self):
        by = {c.stem: c for c in self.c.charts}
        self.assertEqual(sorted(by), ["efficiency-primes", "speedup-primes", "time-primes"])
        v = by["speedup-primes"].variables
        self.assertEqual(v["series"], ["procs", "threads"])
        self.assertEqual(v["rank"], [1, 2])
        self.assertEqual(v["data"], ["sweep-primes-procs.csv", "sweep-primes-threads.csv"])
        self.assertEqual((v["cores"], v["pus"], v["pmax"], v["xtics"]), (2, 4, 4, "1, 2, 4"))
        self.assertAlmostEqual(v["offset"][0], -0.024)
        self.assertAlmostEqual(v["offset"][1], 0.024)
        self.assertEqual(v["heading"], ["primes, N = 6500000: speedup over the sequential program",
                                        "AMD EPYC, 2 physical cores, 4 PUs (fixture, 2026-11-22)"])
        self.assertEqual(v["caption"][1], "Base T_seq = 935 ms, 95% CI [921 ms, 953 ms]. 1 point(s) NOT "
                                          "verified (red crosses). 3 of 7 points noisy (CV > 3%).")
        self.assertIn("At least 10 runs per point (pooled over 2 interleaved rounds).", v["caption"][0])
        self.assertEqual(v["seq_title"], "bench-seq: 935 ms")
        self.assertEqual(v["unverified"], "sweep-primes-unverified.csv")
        t = by["time-primes"].variables
        self.assertEqual(t["ytics"], charts.tic_list(charts.log_tics(t["ylo"], t["yhi"])))
        self.assertAlmostEqual(t["ylo"], 0.935381709 / 4.5 / 1.3)

    def test_chart_file(self):
        c = next(c for c in self.c.charts if c.stem == "speedup-primes")
        text = self.c.chart_text(c)
        lines = text.splitlines()
        self.assertIn("if (!exists(\"out\")) out = '../speedup-primes'", lines)
        self.assertIn("array series[2] = ['procs', 'threads']", lines)
        self.assertEqual(lines[-2:], ["load 'style.gp'", "load 'sweep.gp'"])

    def test_a_new_model_is_charted_by_itself(self):
        with tempfile.TemporaryDirectory() as t:
            d = Path(t)
            shutil.copy(SWEEP / "context.json", d)
            text = (SWEEP / "summary.csv").read_text().replace(",threads,threads,", ",zz-new-model,zz-new-model,")
            (d / "summary.csv").write_text(text)
            c = collect(charts.draw_sweep, d, d / "plots")
        v = c.charts[0].variables
        self.assertEqual(v["series"], ["procs", "zz-new-model"])

    def test_two_sizes_of_a_kernel_are_two_charts(self):
        with tempfile.TemporaryDirectory() as t:
            d = Path(t)
            shutil.copy(SWEEP / "context.json", d)
            lines = (SWEEP / "summary.csv").read_text().splitlines()
            more = [ln.replace("primes,6500000,", "primes,1000,") for ln in lines[1:]]
            (d / "summary.csv").write_text("\n".join(lines + more) + "\n")
            c = collect(charts.draw_sweep, d, d / "plots")
        self.assertIn("speedup-primes-1000", [x.stem for x in c.charts])
        self.assertIn("time-primes-6500000", [x.stem for x in c.charts])

    def test_points_above_the_cpu_quota_are_hatched_and_said(self):
        import csv
        import json
        with tempfile.TemporaryDirectory() as t:
            d = Path(t)
            ctx = json.loads((SWEEP / "context.json").read_text())
            ctx["cgroup"] = {"cpu_quota_cpus": 1.5}
            (d / "context.json").write_text(json.dumps(ctx))
            rows = list(csv.DictReader((SWEEP / "summary.csv").read_text().splitlines()))
            for r in rows:
                if int(r["workers"]) > 1:
                    r["warnings"] = ";".join(w for w in (r["warnings"], "quota") if w)
            with open(d / "summary.csv", "w", newline="") as f:
                w = csv.DictWriter(f, fieldnames=list(rows[0]))
                w.writeheader()
                w.writerows(rows)
            c = collect(charts.draw_sweep, d, d / "plots")
        v = c.charts[0].variables
        self.assertEqual(v["quota_from"], 1.5)
        self.assertIn("Hatched: more workers than the CPU quota (1.5 CPUs", v["caption"][-1])
        v0 = self.c.charts[0].variables  # no quota: no band, no line
        self.assertEqual(v0["quota_from"], 0)
        self.assertNotIn("quota", " ".join(v0["caption"]))

    def test_bad_numbers_are_refused(self):
        with tempfile.TemporaryDirectory() as t:
            d = Path(t)
            shutil.copy(SWEEP / "context.json", d)
            text = (SWEEP / "summary.csv").read_text().replace(",threads,threads,cores,static,,,,4,",
                                                               ",threads,threads,cores,static,,,,four,")
            (d / "summary.csv").write_text(text)
            with self.assertRaisesRegex(Usage, r"summary.csv:2: column workers: 'four'"):
                charts.draw_sweep(d, d / "plots")
            self.assertFalse((d / "plots").exists())


class MicroFiles(unittest.TestCase):
    def test_the_charts_of_what_the_folder_holds(self):
        c = collect(charts.draw_micro, MICRO, Path("/nonexistent"))
        stems = [x.stem for x in c.charts]
        self.assertEqual(stems, ["micro-overhead", "micro-ipc-latency", "micro-ipc-bandwidth",
                                 "micro-sync-uncontended", "micro-sync-contended", "micro-memory"])
        ov = c.charts[0].variables  # creation before dispatch, whatever the order in the CSV
        self.assertEqual(ov["line_title"], ["thread", "openmp"])
        self.assertEqual((ov["panel_first"], ov["panel_last"]), ([1, 2], [1, 2]))
        self.assertEqual(ov["panel_ylabel"], ["us per worker", "us per dispatch"])
        # bars: a graph has the groups it has results for, each group its own colour
        bw = c.charts[2].variables
        self.assertEqual(bw["panel_title"], ["messages of 8 B", "messages of 64 KiB"])
        self.assertEqual(bw["group"], ["threads", "processes"])
        self.assertEqual(bw["group_colour"], [1, 2])
        self.assertEqual(bw["group_title"], ["between threads", "between processes"])
        _, rows = data_rows(c.files["micro-overhead-thread.csv"])
        self.assertEqual([r[0] for r in rows], sorted((r[0] for r in rows), key=int))

    def test_break_even_charts(self):
        with tempfile.TemporaryDirectory() as t:
            d = Path(t)
            (d / "breakeven-times.csv").write_text(
                "kernel,series,size,workers,median_s,ci_low_s,ci_high_s\n"
                "primes,threads,2000,2,0.004,0.003,0.005\n"
                "primes,seq,1000,1,0.001,,\n"
                "primes,seq,2000,1,0.002,0.0019,0.0021\n"
                "primes,threads,1000,2,0.003,0.002,0.004\n")
            (d / "breakeven.csv").write_text(
                "kernel,series,workers,breakeven_size,smallest_size,largest_size,seq_median_s,median_s\n"
                "primes,threads,2,2000,1000,2000,0.002,0.004\n")
            c = collect(charts.draw_micro, d, d / "plots")
        v = c.charts[0].variables
        self.assertEqual(c.charts[0].stem, "breakeven-primes")
        self.assertEqual(v["series"], ["seq", "threads"])
        self.assertEqual(v["rank"], [0, 1])
        self.assertEqual(v["series_title"], ["seq", "threads (break-even 2000)"])
        self.assertEqual(v["heading"][0], "Break-even size: primes at p = 2")
        _, rows = data_rows(c.files["breakeven-primes-seq.csv"])
        self.assertEqual([r[0] for r in rows], ["1000", "2000"])
        _, rings = data_rows(c.files["breakeven-primes-points.csv"])
        self.assertEqual(rings, [["threads", "2000", "0.004"]])

    def test_refusals(self):
        with tempfile.TemporaryDirectory() as t:
            d = Path(t)
            with self.assertRaisesRegex(Usage, "no micro-benchmark results"):
                charts.draw_micro(d, d / "plots")
            (d / "sync.csv").write_text("")
            with self.assertRaisesRegex(Usage, "sync.csv: not written by"):
                charts.draw_micro(d, d / "plots")
            self.assertFalse((d / "plots").exists())


class Compare(unittest.TestCase):
    def test_overlap_lines(self):
        self.assertEqual(compare.overlap_line("a", "b", "common,overlap,percent\n51,50,98.0\n"),
                         "a vs b: the median 95% CIs overlap for 50 of 51 common points (98.0%)")
        self.assertEqual(compare.overlap_line("a", "b", "common,overlap,percent\n0,0,\n"),
                         "a vs b: no common points with a CI (same kernel, size, model and p) to compare")

    def test_warnings_for_missing_kernels_and_sizes(self):
        with tempfile.TemporaryDirectory() as t:
            a, b = Path(t) / "results" / "a", Path(t) / "other" / "b"
            for d in (a, b):
                d.mkdir(parents=True)
                shutil.copy(SWEEP / "context.json", d)
            (a / "summary.csv").write_text((SWEEP / "summary.csv").read_text())
            lines = (SWEEP / "summary.csv").read_text().splitlines()
            (b / "summary.csv").write_text("\n".join([lines[0]] + [ln.replace("primes,6500000,", "primes,99,")
                                                                   for ln in lines[1:]]
                                                     + [ln.replace("primes,", "matmul,") for ln in lines[1:]]) + "\n")
            err = io.StringIO()
            with redirect_stderr(err):
                c = collect(charts.draw_compare, [a, b], ["a", "b"], Path(t) / "cmp", "workers")
        self.assertIn("warning: kernel primes has size 99 on b but 6500000 on a: times are not comparable",
                      err.getvalue())
        self.assertIn("warning: kernel matmul is missing from a", err.getvalue())
        v = next(x for x in c.charts if x.stem == "compare-time-matmul").variables
        self.assertEqual(v["machine_in"], [0, 1])
        self.assertEqual(v["data_machine"], [2, 2])

    def test_refusals(self):
        status, out, err = main("compare", str(SWEEP))
        self.assertEqual((status, out), (2, ""))
        self.assertIn("two or more", err)
        status, _, err = main("compare", "--x", "diagonal", str(SWEEP), str(SWEEP))
        self.assertEqual(status, 2)
        self.assertIn("--x", err)
        with tempfile.TemporaryDirectory() as t:
            other = Path(t) / "other"
            other.mkdir()
            (other / "context.json").write_text((SWEEP / "context.json").read_text()
                                                .replace('"schema_version": 1', '"schema_version": 999'))
            shutil.copy(SWEEP / "summary.csv", other)
            status, _, err = main("compare", "--out", str(Path(t) / "cmp"), str(SWEEP), str(other))
            self.assertEqual(status, 2)
            self.assertIn("schema version", err)
            self.assertEqual(len(err.splitlines()), 1)
            self.assertFalse((Path(t) / "cmp").exists())
            # schema 2 (issue 16) added raw columns only: it compares with schema 1
            (other / "context.json").write_text((SWEEP / "context.json").read_text()
                                                .replace('"schema_version": 1', '"schema_version": 2'))
            self.assertEqual(compare.machines([SWEEP, other])[1].schema, 2)


class PlotCommandLine(unittest.TestCase):
    def test_refusals(self):
        for word, argv in (("no results folder given", []),
                           ("one results folder only", [str(SWEEP), str(SWEEP)]),
                           ("no such results folder", ["/nonexistent/x"]),
                           ("needs a value", [str(SWEEP), "--out"])):
            status, out, err = main("plot", *argv)
            self.assertEqual((status, out, len(err.splitlines())), (2, "", 1), err)
            self.assertIn(word, err)


@unittest.skipUnless(GNUPLOT, "gnuplot not installed")
class Drawn(unittest.TestCase):
    """gnuplot run: the fixture's charts, PNG and SVG, and src/ that draws them again."""

    def test_sweep_charts_and_src_by_hand(self):
        with tempfile.TemporaryDirectory() as t:
            out = Path(t) / "plots"
            status, _, err = main("plot", str(SWEEP), "--out", str(out))
            self.assertEqual(status, 0, err)
            self.assertIn("6 charts in", err)
            for kind in ("speedup", "efficiency", "time"):
                self.assertEqual((out / f"{kind}-primes.png").read_bytes()[:8], PNG)
                self.assertIn("<svg", (out / f"{kind}-primes.svg").read_text())
            svg = (out / "speedup-primes.svg").read_text()
            for word in ("threads", "procs", "physical cores", "NOT verified", "SMT siblings"):
                self.assertIn(word, svg)
            src = out / "src"
            self.assertTrue({"style.gp", "sweep.gp", "speedup-primes.gp", "sweep-primes-threads.csv"}
                            <= {f.name for f in src.iterdir()})
            self.assertEqual([p for p in out.rglob(".*")], [])  # no temporary left
            # by hand: cd src && gnuplot speedup-primes.gp
            (out / "speedup-primes.png").unlink()
            (out / "speedup-primes.svg").unlink()
            r = subprocess.run(["gnuplot", "speedup-primes.gp"], cwd=src, capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stderr), (0, ""))
            self.assertEqual((out / "speedup-primes.png").read_bytes()[:8], PNG)
            self.assertIn("<svg", (out / "speedup-primes.svg").read_text())

    def test_micro_charts(self):
        with tempfile.TemporaryDirectory() as t:
            out = Path(t) / "plots"
            err = io.StringIO()
            with redirect_stderr(err):
                n = charts.draw_micro(MICRO, out)
            self.assertEqual(n, 12, err.getvalue())
            self.assertEqual(err.getvalue(), "")  # no gnuplot warning
            self.assertEqual((out / "micro-memory.png").read_bytes()[:8], PNG)
            r = subprocess.run(["gnuplot", "micro-ipc-latency.gp"], cwd=out / "src", capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_compare_with_bench_stats_overlap(self):
        with tempfile.TemporaryDirectory() as t:
            build = Path(t) / "build"
            (build / "bench").mkdir(parents=True)
            stats = build / "bench" / "bench-stats"
            stats.write_text("#!/bin/sh\n[ \"$1\" = overlap ] || exit 2\n"
                             "echo common,overlap,percent\necho 7,7,100.0\n")
            stats.chmod(0o755)
            out = Path(t) / "cmp"
            status, stdout, err = main("compare", "--build", str(build), "--out", str(out),
                                       str(SWEEP), str(SWEEP))
            self.assertEqual(status, 0, err)
            line = "fixture@charts#1 vs fixture@charts#2: the median 95% CIs overlap for 7 of 7 common points (100.0%)"
            self.assertEqual(stdout, f"cbench compare: {line}\n")
            self.assertEqual((out / "overlap.txt").read_text(), line + "\n")
            self.assertIn("4 charts in", err)
            self.assertIn("fixture@charts#1", (out / "compare-time-primes.svg").read_text())

    def test_a_failing_gnuplot_leaves_nothing(self):
        with tempfile.TemporaryDirectory() as t:
            gp = Path(t) / "gp"
            shutil.copytree(charts.TEMPLATES, gp)
            (gp / "sweep.gp").write_text("plot sin(x) with nosuchstyle\n")
            out = Path(t) / "plots"
            out.mkdir()
            (out / "speedup-primes.png").write_bytes(b"old")
            with mock.patch.object(charts, "TEMPLATES", gp):
                status, _, err = main("plot", str(SWEEP), "--out", str(out))
            self.assertEqual(status, 1)
            self.assertIn("gnuplot failed:", err)
            self.assertIn("sweep.gp", err)
            self.assertEqual(sorted(p.name for p in out.iterdir()), ["speedup-primes.png"])
            self.assertEqual((out / "speedup-primes.png").read_bytes(), b"old")

    def test_no_gnuplot(self):
        with tempfile.TemporaryDirectory() as t, mock.patch.object(charts.shutil, "which", return_value=None):
            out = Path(t) / "plots"
            status, _, err = main("plot", str(SWEEP), "--out", str(out))
            self.assertEqual(status, 1)
            self.assertIn("gnuplot not found", err)
            self.assertFalse(out.exists())


if __name__ == "__main__":
    unittest.main()
