"""The run's report (cbench.sh report) and the README's generated tables (cbench.sh readme).

The run is the committed Intel Xeon reference (results/intel-xeon-2c2t, schema 1, with its
charts in plots/intel-xeon-2c2t), read only and reported into temporary folders, and a
schema-3 copy of it with noise columns added. The verdicts come from a hand-made fixture
(tests/py/data/report/verdicts-fixture.csv: made-up rows in bench-stats verdicts' columns,
not results) and from stand-ins for bench-stats: one without the `verdicts` subcommand, one
that writes the fixture, one that refuses the run."""
import csv
import os
import re
import shutil
import stat
import tempfile
import unittest
from pathlib import Path

from tests.py.support import ROOT, Refusals, main, main_out

from cbench import readme, report  # noqa: E402

RUN = ROOT / "results" / "intel-xeon-2c2t"
PLOTS = ROOT / "plots" / "intel-xeon-2c2t"
FIXTURE = ROOT / "tests" / "py" / "data" / "report" / "verdicts-fixture.csv"
SENTENCE = ("p = 2, primes: threads fastest (0.451 s); threadpool ties (1.004× [0.99, 1.02]); "
            "procs 1.08× slower [1.05, 1.11], significant after correction for 52 comparisons")


def fake_build(t: Path, script: str) -> Path:
    """A build folder whose bench/bench-stats is the given shell script."""
    b = t / "fakebuild"
    (b / "bench").mkdir(parents=True)
    f = b / "bench" / "bench-stats"
    f.write_text("#!/bin/sh\n" + script + "\n")
    f.chmod(f.stat().st_mode | stat.S_IXUSR)
    return b


def schema3_copy(t: Path) -> Path:
    """The reference's summary and context as a schema-3 run: noise columns added, each
    noisy point moved by 'switches', each loaded one with a foreign_pu."""
    d = t / "s3" / "s3run"
    d.mkdir(parents=True)
    shutil.copy(RUN / "context.json", d)
    with open(RUN / "summary.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    cols = list(rows[0]) + ["foreign_cpu_s", "foreign_pu", "noise_causes"]
    with open(d / "summary.csv", "w", newline="") as f:
        w = csv.DictWriter(f, cols)
        w.writeheader()
        for i, r in enumerate(rows):
            r["foreign_cpu_s"] = "0.010"
            r["foreign_pu"] = f"0.{i % 9 + 1}"
            r["noise_causes"] = "switches" if "noisy" in r["warnings"] else ""
            w.writerow(r)
    return d


class Report(unittest.TestCase):
    def test_fixture_verdicts_sentences_tables_and_charts(self):
        with tempfile.TemporaryDirectory() as t:
            md, page = report.generate(RUN, PLOTS, t, verdicts_file=FIXTURE)
            text = md.read_text()
            self.assertIn(SENTENCE, text)
            self.assertIn("rows of `verdicts-fixture.csv`, given with `--verdicts`: rendered as "
                          "they are, not computed from this run", text)
            self.assertIn("p = 1, primes: procs fastest (0.861 s); threads ties (1.003×) "
                          "(no interval: too few samples)", text)
            self.assertIn("primes, threads: efficiency stays ≥ 0.9 up to 2 workers", text)
            self.assertIn("primes, procs: efficiency drops beyond 1 worker", text)
            self.assertIn("| threads | 4 | 0.47 [0.46, 0.48] | drops | oversubscribed |", text)
            for s in report.SECTIONS:
                self.assertIn(f"<!-- section:{s} -->", text)
                self.assertIn(f"<!-- /section:{s} -->", text)
            # the summary's rows, as bench-summary wrote them (threads p = 2 on primes)
            with open(RUN / "summary.csv", newline="") as f:
                row = next(r for r in csv.DictReader(f)
                           if r["kernel"] == "primes" and r["series"] == "threads" and r["workers"] == "2")
            want = (f"| threads | 2 | {report.fnum(row['median_s'])} [{report.fnum(row['ci_low_s'])}, "
                    f"{report.fnum(row['ci_high_s'])}] | {float(row['speedup']):.2f} "
                    f"[{float(row['speedup_lo']):.2f}, {float(row['speedup_hi']):.2f}] |")
            self.assertIn(want, text)
            self.assertIn("Intel(R) Xeon(R) Processor", text)
            self.assertIn("predates schema 3", text)
            # the page: self-contained, every chart inline with unique ids
            h = page.read_text()
            self.assertIn("Content-Security-Policy", h)
            self.assertNotRegex(h, r"<script|<link|<img|@import")
            self.assertNotRegex(h, r"""(?:href|src)=['"](?!#)""")
            self.assertEqual(h.count('<svg class="chart"'), 9)
            ids = re.findall(r"""\bid=['"]([^'"]+)['"]""", h)
            self.assertEqual(len(ids), len(set(ids)), "ids repeat across the inline charts")
            self.assertIn(SENTENCE, h)
            self.assertFalse((Path(t) / "verdicts.csv").exists())

    def test_schema3_warnings_name_their_causes(self):
        with tempfile.TemporaryDirectory() as t:
            d = schema3_copy(Path(t))
            b = fake_build(Path(t), "echo \"bench-stats: unknown subcommand '$1'\" >&2; exit 2")
            md, _ = report.generate(d, PLOTS, str(Path(t) / "out"), b)
            text = md.read_text()
            noisy = re.search(r"#### noisy points.*?\n\n(.*?)\n\n", text, re.S).group(1)
            self.assertIn("| switches |", noisy)
            self.assertNotIn("predates schema 3", text)
            self.assertRegex(text, r"\| primes threads p = 2 \| 0\.[1-9] \| 0\.010 \|")

    def test_a_build_without_verdicts_says_so(self):
        with tempfile.TemporaryDirectory() as t:
            b = fake_build(Path(t), "echo \"bench-stats: unknown subcommand '$1' (engines, ...)\" >&2; exit 2")
            md, page = report.generate(RUN, PLOTS, str(Path(t) / "out"), b)
            text = md.read_text()
            self.assertIn("Verdicts are unavailable in this build", text)
            self.assertNotIn("fastest", text)
            self.assertFalse((Path(t) / "out" / "verdicts.csv").exists())

    def test_verdicts_from_bench_stats_are_kept_beside(self):
        with tempfile.TemporaryDirectory() as t:
            b = fake_build(Path(t), f'[ "$1" = verdicts ] && [ "$3" = -o ] && cp "{FIXTURE}" "$4"')
            md, _ = report.generate(RUN, PLOTS, str(Path(t) / "out"), b)
            self.assertIn(SENTENCE, md.read_text())
            self.assertNotIn("given with `--verdicts`", md.read_text())
            self.assertEqual((Path(t) / "out" / "verdicts.csv").read_bytes(), FIXTURE.read_bytes())

    def test_a_run_bench_stats_refuses_gets_no_verdicts(self):
        with tempfile.TemporaryDirectory() as t:
            b = fake_build(Path(t), 'echo "bench-stats: $2: no raw/ to bootstrap" >&2; exit 2')
            md, _ = report.generate(RUN, PLOTS, str(Path(t) / "out"), b)
            self.assertIn("bench-stats verdicts did not compute them (bench-stats: "
                          f"{RUN}: no raw/ to bootstrap)", md.read_text())

    def test_this_build_gives_verdicts_or_says_it_has_none(self):
        build = Path(os.environ.get("CBENCH_BUILD", ROOT / "build"))
        if not (build / "bench" / "bench-stats").exists():
            self.skipTest("no bench-stats built")
        with tempfile.TemporaryDirectory() as t:
            md, _ = report.generate(RUN, PLOTS, t, build)
            text = md.read_text()
            verdicts = text.split("<!-- section:verdicts -->")[1].split("<!-- /section:verdicts -->")[0]
            self.assertTrue(("unavailable in this build" in verdicts) != (" fastest (" in verdicts),
                            verdicts)

    def test_no_charts_is_said(self):
        with tempfile.TemporaryDirectory() as t:
            md, page = report.generate(RUN, Path(t) / "nocharts", str(Path(t) / "out"),
                                       verdicts_file=FIXTURE)
            self.assertIn("No charts:", md.read_text())
            self.assertNotIn("<svg", page.read_text())

    def test_inline_svg_prefixes_ids_and_refuses_outside_references(self):
        with tempfile.TemporaryDirectory() as t:
            f = Path(t) / "a.svg"
            f.write_text("<?xml version='1.0'?>\n<svg xmlns='http://www.w3.org/2000/svg'>"
                         "<defs><path id='p1' d='M0,0'/></defs><use xlink:href='#p1'/>"
                         "<rect fill='url(#p1)'/></svg>")
            s = report.inline_svg(f, "c7-")
            self.assertNotIn("<?xml", s)
            self.assertIn("id='c7-p1'", s)
            self.assertIn("href='#c7-p1'", s)
            self.assertIn("url(#c7-p1)", s)
            f.write_text("<svg><image href='http://example.com/x.png'/></svg>")
            with self.assertRaises(report.Usage):
                report.inline_svg(f, "c1-")
            f.write_text("<svg><a href='https://example.com/'>x</a></svg>")
            with self.assertRaises(report.Usage):
                report.inline_svg(f, "c1-")


class ReportRefusals(Refusals):
    SUBCOMMAND = ("report",)

    def refused_nothing_written(self, word, *argv, out):
        self.refused(word, *argv, "--out", str(out))
        self.assertFalse(out.exists(), f"{out} was made")

    def test_bad_runs(self):
        with tempfile.TemporaryDirectory() as t:
            t = Path(t)
            out = t / "out"
            self.refused_nothing_written("no such results folder", str(t / "missing"), out=out)
            (t / "empty").mkdir()
            self.refused_nothing_written("no summary.csv", str(t / "empty"), out=out)
            bad = t / "bad"
            shutil.copytree(RUN, bad, ignore=shutil.ignore_patterns("raw", "micro", "engines", "lstopo*"))
            (bad / "context.json").write_text("{ not json")
            self.refused_nothing_written("context.json: not valid JSON", str(bad), out=out)
            shutil.copy(RUN / "context.json", bad)
            text = (RUN / "summary.csv").read_text().splitlines()
            cells = text[3].split(",")
            cells[13] = "abc"
            (bad / "summary.csv").write_text("\n".join(text[:3] + [",".join(cells)] + text[4:]) + "\n")
            self.refused_nothing_written("summary.csv:4: median_s 'abc' is not a number", str(bad), out=out)
            (bad / "summary.csv").write_text("\n".join(text[:5]) + "\nprimes,6500000\n")
            self.refused_nothing_written("summary.csv:6: not as many fields", str(bad), out=out)
            shutil.copy(RUN / "summary.csv", bad)
            charts = t / "charts"
            shutil.copytree(PLOTS, charts, ignore=shutil.ignore_patterns("src", "*.png"))
            svg = (charts / "time-matmul.svg").read_text()
            (charts / "time-matmul.svg").write_text(svg[:len(svg) // 2])
            self.refused_nothing_written("time-matmul.svg: not well-formed XML", str(bad),
                                         "--plots", str(charts), out=out)
            v = t / "v.csv"
            v.write_text("kind,kernel\nrank,primes\n")
            self.refused_nothing_written("not a verdicts.csv", str(bad), "--plots", str(PLOTS),
                                         "--verdicts", str(v), out=out)
            v.write_text(FIXTURE.read_text().replace(",tie,", ",maybe,", 1))
            self.refused_nothing_written("unknown verdict 'maybe'", str(bad), "--plots", str(PLOTS),
                                         "--verdicts", str(v), out=out)
            self.refused_nothing_written("no such file", str(bad), "--verdicts", str(t / "nov.csv"), out=out)

    def test_committed_results_are_never_written(self):
        before = sorted(p.name for p in RUN.iterdir())
        self.refused("committed to this repository", str(RUN))
        self.refused("committed to this repository", str(RUN), "--out", str(RUN))
        self.assertEqual(sorted(p.name for p in RUN.iterdir()), before)

    def test_usage(self):
        self.refused("no results folder given")
        self.refused("one results folder only", str(RUN), str(RUN))
        with tempfile.NamedTemporaryFile() as f:
            self.refused("a file, not a folder", str(RUN), "--out", f.name)


class Readme(unittest.TestCase):
    def setUp(self):
        self.t = tempfile.TemporaryDirectory()
        t = Path(self.t.name)
        self.reports = t / "reports"
        report.generate(RUN, PLOTS, str(self.reports / "intel-xeon-2c2t"), verdicts_file=FIXTURE)
        self.readme = t / "README.md"
        self.readme.write_text("# title\n\nhand-written\n\n<!-- report:intel-xeon-2c2t:verdicts -->\n"
                               "| old | table |\n<!-- /report -->\n\nafter\n")

    def tearDown(self):
        self.t.cleanup()

    def run_readme(self, *argv):
        return main_out("readme", "--readme", str(self.readme), "--reports", str(self.reports), *argv)

    def test_check_then_rewrite_then_check(self):
        before = self.readme.read_text()
        status, out, err = self.run_readme("--check")
        self.assertEqual(status, 1, err)
        self.assertIn("intel-xeon-2c2t:verdicts differs", err)
        self.assertEqual(self.readme.read_text(), before)
        status, out, err = self.run_readme()
        self.assertEqual(status, 0, err)
        text = self.readme.read_text()
        self.assertIn(SENTENCE, text)
        self.assertTrue(text.startswith("# title\n\nhand-written\n\n"))
        self.assertTrue(text.endswith("<!-- /report -->\n\nafter\n"))
        self.assertNotIn("| old | table |", text)
        self.assertEqual(self.run_readme("--check")[0], 0)
        # a hand edit inside the block is found
        self.readme.write_text(text.replace("1.08×", "1.07×"))
        self.assertEqual(self.run_readme("--check")[0], 1)

    def test_refusals(self):
        for body, word in [("<!-- report:intel-xeon-2c2t:nosuch -->\n<!-- /report -->\n", "no section 'nosuch'"),
                           ("<!-- report:nosuch-label:tables -->\n<!-- /report -->\n", "no report.md for nosuch-label"),
                           ("<!-- report:intel-xeon-2c2t:tables -->\nunclosed\n", "has no <!-- /report -->")]:
            self.readme.write_text(body)
            status, out, err = self.run_readme()
            self.assertEqual(status, 2, err)
            self.assertEqual(len(err.splitlines()), 1, err)
            self.assertIn(word, err)
            self.assertEqual(self.readme.read_text(), body)

    def test_the_repository_readme_is_what_its_reports_give(self):
        status, err = main("readme", "--check")
        self.assertEqual(status, 0, err)


if __name__ == "__main__":
    unittest.main()
