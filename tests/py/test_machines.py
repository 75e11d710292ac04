"""Unit tests of the machines compared in numbers (issue 18: scripts/cbench/machines.py and
its use in compare.py): the verdict sentences and the Markdown from bench-stats machines'
rows, the differences of context named between two folders, and compare's refusal of other
kernel sizes without --allow-different (exit 2, one line, nothing written), run end to end
on synthetic raw folders with the build's bench-summary and bench-stats (CBENCH_BUILD, set
by tests/meson.build, else build/); the charts are not drawn here (tests/charts.sh)."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from .support import ROOT, main_out  # noqa: E402  (first: the driver on the path)

from cbench import charts, compare, machines  # noqa: E402
from cbench.common import Failure  # noqa: E402

BUILD = Path(os.environ.get("CBENCH_BUILD") or ROOT / "build")
STATS = BUILD / "bench" / "bench-stats"
SUMMARY = BUILD / "bench" / "bench-summary"

CONTEXT = {
    "schema_version": 1,
    "suite": {"commit": "abc", "compiler": "gcc 12.2.0",
              "build_flags": "buildtype=release -march=native ",
              "libraries": "hwloc 2.9.0, libcpuid 0.6.2, OpenMP 4.5, OpenBLAS 0.3.21, MPI 4.1.4"},
    "run": {"label": "xeon", "date": "2026-11-26T13:33:26Z"},
    "cpu": {"vendor": "GenuineIntel", "brand": "Intel(R) Xeon(R) Processor", "ext_family": 6,
            "ext_model": 167, "stepping": 1, "measured_clock_mhz": 2600,
            "features": {"avx512f": True}},
    "topology": {"cores": 2, "pus": 2},
    "environment": {"OMPI_ALLOW_RUN_AS_ROOT": "1"},
}
RAW_HEADER = "row,model,kernel,size,workers,bind,schedule,chunk,start,channel,wall_s,verified,warnings"


def kernel_row(**kw):
    row = {"kernel": "randsum", "size": "1000", "models_p1": "3", "geomean_time_ratio_p1": "0.5",
           "geomean_lo": "0.476190", "geomean_hi": "0.526316", "time_verdict": "b-faster",
           "scaling": "scales-same", "b_scales_better": "", "a_scales_better": ""}
    row.update(kw)
    return row


def make_folder(parent: Path, name: str, points, context=CONTEXT, settings="reps=11 rounds=1",
                summary=True) -> Path:
    """A results folder: raw/r1.csv with 11 raw rows per point (model, kernel, size, p,
    seconds: seconds * (1 + k/1000), k = -5..5), context.json, settings.txt and, with the
    build's bench-summary, summary.csv."""
    d = parent / name
    (d / "raw").mkdir(parents=True)
    lines = [RAW_HEADER]
    for model, kernel, size, p, secs in points:
        for k in range(-5, 6):
            lines.append(f"raw,{model},{kernel},{size},{p},cores,static,,,,"
                         f"{secs * (1 + k / 1000):.9f},yes,")
    (d / "raw" / "r1.csv").write_text("\n".join(lines) + "\n")
    (d / "context.json").write_text(json.dumps(context))
    (d / "settings.txt").write_text(settings + "\n")
    if summary:
        subprocess.run([str(SUMMARY), "-q", str(d)], check=True)
    return d


def scaled(points, factor, size=None):
    return [(m, k, size if size and k == "primes" else s, p, t * factor)
            for m, k, s, p, t in points]


POINTS = [("seq", "randsum", 1000, 1, 1.0), ("threads", "randsum", 1000, 1, 1.0),
          ("threads", "randsum", 1000, 2, 0.5), ("seq", "primes", 500, 1, 2.0),
          ("threads", "primes", 500, 1, 2.0), ("threads", "primes", 500, 2, 1.25)]


class Sentences(unittest.TestCase):
    def test_faster_and_same_scaling(self):
        self.assertEqual(machines.verdict_sentence("A", "B", kernel_row()),
                         "B runs randsum (1000) 2.00x [1.90, 2.10] faster than A at p = 1, and "
                         "scales the same within its intervals")

    def test_slower_and_scaling_worse(self):
        k = kernel_row(geomean_time_ratio_p1="1.157", geomean_lo="1.145", geomean_hi="1.178",
                       time_verdict="a-faster", scaling="a-scales-better",
                       a_scales_better="procpool p=2;procpool p=4")
        self.assertEqual(machines.verdict_sentence("xeon", "epyc", k, "×"),
                         "epyc runs randsum (1000) 1.16× [1.15, 1.18] slower than xeon at p = 1, "
                         "and scales worse at procpool p=2, procpool p=4 (elsewhere the same "
                         "within the intervals)")

    def test_same_time_mixed_scaling(self):
        k = kernel_row(geomean_time_ratio_p1="1.0", geomean_lo="0.98", geomean_hi="1.03",
                       time_verdict="same", scaling="mixed", b_scales_better="mpi p=2",
                       a_scales_better="openblas p=2;openblas p=4")
        self.assertEqual(machines.verdict_sentence("A", "B", k),
                         "B runs randsum (1000) as fast as A at p = 1 within the interval (time "
                         "ratio 1.00 [0.98, 1.03]), and scales better at mpi p=2 and worse at "
                         "openblas p=2, openblas p=4")

    def test_nothing_at_p1_nor_above(self):
        k = kernel_row(models_p1="0", geomean_time_ratio_p1="", geomean_lo="", geomean_hi="",
                       time_verdict="no-p1", scaling="not-compared")
        self.assertEqual(machines.verdict_sentence("A", "B", k),
                         "B and A have no point of randsum (1000) at p = 1 in common, and B has "
                         "no speedup at p > 1 to compare with A's")

    def test_parse_output_refuses_other_text(self):
        with self.assertRaises(Failure):
            machines.parse_output("kernel,size\n1,2\n")
        text = (",".join(machines.POINT_COLUMNS) + "\n\n" + ",".join(machines.KERNEL_COLUMNS)
                + "\nrandsum,1000,3,0.5,0.48,0.52,b-faster,scales-same,,\n")
        _, points, kernels = machines.parse_output(text)
        self.assertEqual((points, kernels[0]["scaling"]), ([], "scales-same"))


class Markdown(unittest.TestCase):
    POINT = {"kernel": "randsum", "size": "1000", "series": "threads", "model": "threads",
             "workers": "2", "a_median_s": "0.5", "b_median_s": "0.25", "time_ratio": "0.5",
             "time_ratio_lo": "0.497", "time_ratio_hi": "0.503", "a_speedup": "2.0",
             "b_speedup": "2.0", "speedup_ratio": "1.0", "speedup_ratio_lo": "0.99",
             "speedup_ratio_hi": "1.01", "verdict": "b-faster"}

    def md(self, diffs=(), allowed=()):
        return machines.markdown("A", "B", Path("/x/a"), ROOT / "results" / "b", list(diffs),
                                 list(allowed), [self.POINT], [kernel_row()], 42, 2000)

    def test_tables_and_verdicts(self):
        text = self.md()
        self.assertTrue(text.startswith("# B against A\n"))
        self.assertIn("A = A (`/x/a`), B = B (`results/b`).", text)  # repository-relative
        self.assertIn("seed 42, 2000 resamples", text)
        self.assertIn("- B runs randsum (1000) 2.00× [1.90, 2.10] faster than A at p = 1, and "
                      "scales the same within its intervals.\n", text)
        self.assertIn("| randsum (1000) | 3 | 0.500 [0.476, 0.526] | b-faster | scales-same |  |  |\n",
                      text)
        self.assertIn("| randsum (1000) | threads | 2 | 0.500 | 0.250 | 0.500 [0.497, 0.503] | "
                      "2.00 | 2.00 | 1.00 [0.99, 1.01] | b-faster |\n", text)
        self.assertIn("None of those compared", text)
        self.assertNotIn("--allow-different", text)

    def test_differences_listed_and_allowed_ones_first(self):
        text = self.md([("compiler", "gcc 12.2.0", "gcc 13.1.0")], ["size of primes 500 -> 600"])
        self.assertIn("- compiler: gcc 12.2.0 -> gcc 13.1.0\n", text)
        allowed = text.index("**Compared although they differ (`--allow-different`)")
        self.assertLess(allowed, text.index("A = A"))
        self.assertIn("- **size of primes 500 -> 600**", text)
        self.assertNotIn("None of those compared", text)


class Context(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.t = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def folder(self, name, context=CONTEXT, settings="reps=10 rounds=2 workers=1,2",
               rows=("primes,500,cores", "randsum,1000,cores")):
        d = self.t / name
        d.mkdir()
        (d / "context.json").write_text(json.dumps(context))
        (d / "settings.txt").write_text(settings + "\n")
        (d / "summary.csv").write_text("kernel,size,bind\n" + "\n".join(rows) + "\n")
        return d

    def test_same_context_no_difference(self):
        a, b = self.folder("a"), self.folder("b")
        ca = machines.context_of(a)
        self.assertEqual(ca["compiler"], "gcc 12.2.0")
        self.assertEqual(ca["OpenMP (libgomp)"], "4.5")
        self.assertEqual(ca["MPI (Open MPI)"], "4.1.4")
        self.assertEqual(ca["repetitions"], "10")
        self.assertEqual(ca["size of primes"], "500")
        self.assertEqual(machines.context_differences(ca, machines.context_of(b)), [])

    def test_every_difference_that_matters_is_named(self):
        other = json.loads(json.dumps(CONTEXT))
        other["schema_version"] = 3
        other["suite"].update(compiler="gcc 13.1.0", build_flags="buildtype=debug",
                              libraries="hwloc 2.10.0, libcpuid 0.6.2, OpenMP 4.5, "
                                        "OpenBLAS 0.3.26, MPI 5.0.0")
        other["cpu"].update(vendor="AuthenticAMD", brand="AMD EPYC  ", ext_family=25,
                            ext_model=1, features={"avx512f": False}, measured_clock_mhz=2445)
        other["environment"] = {"OPENBLAS_CORETYPE": "Haswell"}
        a = self.folder("a")
        b = self.folder("b", other, settings="reps=6 rounds=5 workers=1,2",
                        rows=("primes,600,scatter", "randsum,1000,scatter", "matmul,64,scatter"))
        diffs = machines.context_differences(machines.context_of(a), machines.context_of(b))
        self.assertEqual(machines.difference_lines(diffs), [
            "CPU: Intel(R) Xeon(R) Processor -> AMD EPYC",
            "CPU vendor, family, model, stepping: GenuineIntel 6 167 1 -> AuthenticAMD 25 1 1",
            "AVX-512: true -> false",
            "measured clock (MHz): 2600 -> 2445",
            "compiler: gcc 12.2.0 -> gcc 13.1.0",
            "build flags: buildtype=release -march=native -> buildtype=debug",
            "hwloc: 2.9.0 -> 2.10.0",
            "OpenBLAS: 0.3.21 -> 0.3.26",
            "MPI (Open MPI): 4.1.4 -> 5.0.0",
            "environment: OMPI_ALLOW_RUN_AS_ROOT=1 -> OPENBLAS_CORETYPE=Haswell",
            "schema version: 1 -> 3",
            "repetitions: 10 -> 6",
            "rounds: 2 -> 5",
            "bind policy: cores -> scatter",
            "size of primes: 500 -> 600",
        ])  # (matmul, on B only, is no difference of context: compare warns of it)

    def test_refusing_differences(self):
        a = machines.context_of(self.folder("a"))
        b = machines.context_of(self.folder("b", rows=("primes,600,cores", "randsum,1000,cores")))
        self.assertEqual(machines.refusing_differences(a, a, 1, 1), [])
        self.assertEqual(machines.refusing_differences(a, b, 1, 1), ["size of primes 500 -> 600"])
        self.assertEqual(machines.refusing_differences(a, a, 1, 999),
                         ["summary format 1 -> 999 (schema version 1 -> 1)"])

    def test_run_settings_from_sweep_json_first(self):
        d = self.folder("a")
        (d / "sweep.json").write_text(json.dumps({"reps": 20, "rounds": 3}))
        ctx = machines.context_of(d)
        self.assertEqual((ctx["repetitions"], ctx["rounds"]), ("20", "3"))


@unittest.skipUnless(STATS.exists() and SUMMARY.exists(), "bench-stats or bench-summary not built")
class CompareEndToEnd(unittest.TestCase):
    """compare on synthetic folders, the charts left out (draw_compare stubbed)."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.t = Path(self.tmp.name)
        self.a = make_folder(self.t, "a", POINTS)
        ctx_b = json.loads(json.dumps(CONTEXT))
        ctx_b["run"]["label"] = "fast"
        ctx_b["cpu"]["brand"] = "Faster CPU"
        self.ctx_b = ctx_b
        self.b = make_folder(self.t, "b", scaled(POINTS, 0.5), ctx_b)

    def tearDown(self):
        self.tmp.cleanup()

    def compare(self, *argv):
        def draw(dirs, names, out, xmode):  # (what draw_compare leaves: the folder)
            Path(out).mkdir(parents=True, exist_ok=True)
            return 0
        with mock.patch.object(charts, "draw_compare", draw):
            return main_out("compare", "--build", str(BUILD), *argv)

    def test_b_twice_as_fast(self):
        out = self.t / "cmp"
        status, stdout, err = self.compare("--out", str(out), str(self.a), str(self.b))
        self.assertEqual(status, 0, err)
        lines = stdout.splitlines()
        self.assertEqual(lines[1], "cbench compare: fast against xeon: context differs: CPU: "
                                   "Intel(R) Xeon(R) Processor -> Faster CPU")
        # 2x faster with 0.5% noise: the interval within 1%
        self.assertEqual(len(lines), 4, stdout)
        for line, kernel in zip(lines[2:], ("primes (500)", "randsum (1000)")):
            self.assertRegex(line, rf"^cbench compare: fast runs {re.escape(kernel)} 2\.00x "
                                   r"\[(1\.99|2\.00), (2\.00|2\.01)\] faster than xeon at p = 1, "
                                   r"and scales the same within its intervals$")
        csv_text = subprocess.run([str(STATS), "machines", str(self.a), str(self.b)],
                                  capture_output=True, text=True, check=True).stdout
        self.assertEqual((out / "machines-fast.csv").read_text(), csv_text)
        md = (out / "machines-fast.md").read_text()
        self.assertIn("# fast against xeon", md)
        self.assertIn("- CPU: Intel(R) Xeon(R) Processor -> Faster CPU", md)
        self.assertIn("| primes (500) | threads | 2 | 1.250 | 0.625 | 0.500 [", md)
        self.assertEqual(sorted(p.name for p in out.iterdir()),
                         ["machines-fast.csv", "machines-fast.md", "overlap.txt"])

    def test_other_sizes_refused_unless_allowed(self):
        c = make_folder(self.t, "c", scaled(POINTS, 0.5, size=600), self.ctx_b)
        out = self.t / "cmp"
        status, stdout, err = self.compare("--out", str(out), str(self.a), str(c))
        self.assertEqual((status, stdout), (2, ""))
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn("size of primes 500 -> 600", err)
        self.assertIn("--allow-different", err)
        self.assertFalse(out.exists())
        status, stdout, err = self.compare("--allow-different", "--out", str(out), str(self.a), str(c))
        self.assertEqual(status, 0, err)
        self.assertIn("cbench compare: fast against xeon: compared although they differ "
                      "(--allow-different): size of primes 500 -> 600\n", stdout)
        self.assertIn("fast runs randsum (1000) 2.00x", stdout)
        self.assertNotIn("runs primes", stdout)  # no common point of primes
        md = (out / "machines-fast.md").read_text()
        self.assertIn("- **size of primes 500 -> 600**", md)
        self.assertNotIn("| primes", md)

    def test_missing_folder_refused(self):
        out = self.t / "cmp"
        status, stdout, err = self.compare("--out", str(out), str(self.a), str(self.t / "nowhere"))
        self.assertEqual((status, stdout, len(err.splitlines())), (2, "", 1), err)
        self.assertIn("no such results folder", err)
        self.assertFalse(out.exists())

    def test_without_raw_samples_no_table(self):
        shutil.rmtree(self.b / "raw")
        out = self.t / "cmp"
        status, stdout, err = self.compare("--out", str(out), str(self.a), str(self.b))
        self.assertEqual(status, 0, err)
        self.assertIn("fast against xeon: no time or speedup ratios (fast kept no raw/ samples)", err)
        self.assertEqual(sorted(p.name for p in out.iterdir()), ["overlap.txt"])


if __name__ == "__main__":
    unittest.main()
