"""Unit tests of the driver's own logic: the command line, the order of configurations,
the progress line's cost model, resume, and the child-process runner. No benchmark runs
here (tests/charts.sh and tests/interrupt.sh run the real thing)."""
import io
import json
import os
import signal
import tempfile
import time
import unittest
from pathlib import Path
from types import SimpleNamespace

from .support import ROOT, Refusals, main  # noqa: E402  (first: the driver on the path)

from cbench import cli, common, progress, sweep  # noqa: E402
from cbench.binaries import Model  # noqa: E402
from cbench.progress import Progress, Step  # noqa: E402
from cbench.runner import runner  # noqa: E402




class CommandLine(Refusals):

    def test_refusals_are_one_line(self):
        self.refused("unknown subcommand", "nosuch")
        self.refused("unknown argument '--bogus'", "sweep", "--bogus")
        self.refused("--reps needs a value", "sweep", "--reps")
        self.refused("--reps", "sweep", "--reps", "0")
        self.refused("--reps", "sweep", "--reps", "99999999999")
        self.refused("fewer than --rounds", "sweep", "--rounds", "3", "--reps", "2")
        self.refused("--size", "sweep", "--size", "primes")
        self.refused("--kernels", "sweep", "--kernels", "primes,,matmul")
        self.refused("--label", "sweep", "--label", "../up")
        self.refused("--workers", "sweep", "--workers", "1 2")
        self.refused("unknown argument 'extra'", "run", "extra")

    def test_no_abbreviations(self):
        self.refused("unknown argument '--rep'", "sweep", "--rep", "3", "--check")

    def test_check_accepts_a_good_line(self):
        with tempfile.TemporaryDirectory() as d:
            status, err = main("sweep", "--quick", "--out", d, "--check")
            self.assertEqual((status, err), (0, ""))
            self.assertEqual(os.listdir(d), [])

    def test_out_that_cannot_be_made(self):
        with tempfile.NamedTemporaryFile() as f:
            self.refused("cannot create a folder there", "sweep", "--out", f.name + "/x")

    def test_arguments_after_dashdash_go_to_the_binaries(self):
        p = cli.Parser(prog="t")
        sweep.add_arguments(p)
        args = p.parse_args(["--quick"])
        args.binary_args = ["--bind", "none"]
        sweep.check_form(args)
        self.assertEqual(args.reps, 6)
        self.assertEqual(args.sizes["matmul"], "256")


def fake_sweep(models, kernels, reps=10, rounds=2, order_seed=42):
    args = SimpleNamespace(kernels=kernels, reps=reps, rounds=rounds, order_seed=order_seed,
                           workers="1-all", quick=False, resume=False, replace=False)
    ms = [Model(m, Path(f"/b/bench-{m}"), m == "seq", kernels) for m in models]
    return sweep.Sweep(args, None, Path("/r/x"), Path("/p/x"), "x", ms, {}, 3, "s")


class Order(unittest.TestCase):
    def test_every_pair_once_per_round_and_reps_split(self):
        sw = fake_sweep(["seq", "threads", "procs"], ["primes", "randsum"], reps=7, rounds=3)
        cfgs = sweep.plan_configs(sw)
        self.assertEqual(len(cfgs), 3 * 6)
        for r in (1, 2, 3):
            pairs = sorted((c.model.name, c.kernel) for c in cfgs if c.round == r)
            self.assertEqual(len(set(pairs)), 6)
        # 7 repetitions over 3 rounds: 3, 2, 2
        self.assertEqual([next(c.reps for c in cfgs if c.round == r) for r in (1, 2, 3)], [3, 2, 2])
        self.assertEqual([c.position for c in cfgs], list(range(1, 19)))
        self.assertTrue(all(c.workers == "1" for c in cfgs if c.model.name == "seq"))

    def test_order_is_seeded(self):
        a = [(c.model.name, c.kernel) for c in sweep.plan_configs(fake_sweep(["seq", "threads"], ["primes", "matmul"]))]
        b = [(c.model.name, c.kernel) for c in sweep.plan_configs(fake_sweep(["seq", "threads"], ["primes", "matmul"]))]
        c = [(c.model.name, c.kernel) for c in sweep.plan_configs(
            fake_sweep(["seq", "threads"], ["primes", "matmul"], order_seed=7))]
        self.assertEqual(a, b)
        self.assertNotEqual(a, c)

    def test_units_of_a_step(self):
        sw = fake_sweep(["seq", "threads"], ["primes"], reps=4, rounds=2)
        sw.configs = sweep.plan_configs(sw)
        units = {(c.model.name): s.units for c, s in zip(sw.configs, sweep.steps(sw))}
        self.assertEqual(units, {"seq": 2 + 1 + 1, "threads": (2 + 1) * 3 + 1})


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


class CostModel(unittest.TestCase):
    def test_rates_per_kind_and_priors(self):
        clock = Clock()
        out = io.StringIO()
        p = Progress([Step("primes", 10), Step("primes", 20), Step("matmul", 5),
                      Step("overhead", prior_s=30), Step("ipc", prior_s=10)], stream=out, clock=clock)
        self.assertIsNone(p.left())  # nothing measured yet
        with p.step("a"):
            clock.t += 10  # primes: 1 s per unit
        # primes 20 units: 20 s; matmul, unseen: the sweep kinds' mean rate (1 s): 5 s;
        # the priors as given (none measured yet): 40 s
        self.assertAlmostEqual(p.left(), 20 + 5 + 40)
        with p.step("b"):
            clock.t += 40  # primes now 50 s / 30 units
        with p.step("c"):
            clock.t += 1
        self.assertAlmostEqual(p.left(), 40)
        with p.step("d"):
            clock.t += 60  # twice the prior: the next prior is doubled
        self.assertAlmostEqual(p.left(), 20)
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), 4)
        self.assertIn("[1/5] a (elapsed 0m00s, estimating time left)", lines[0])
        self.assertIn("[2/5] b (elapsed 0m10s, about 1m05s left)", lines[1])

    def test_skipped_steps(self):
        p = Progress([Step("k", 1), Step("k", 1), Step("k", 1)], stream=io.StringIO(), clock=Clock())
        p.skip()
        with p.step("x"):
            pass
        self.assertEqual(p.next, 2)


class Resume(unittest.TestCase):
    def started(self, identity):
        """A folder an earlier run started with identity (None: an older suite's, with
        settings.txt only), and a sweep to resume in it."""
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        dest = Path(self.tmp.name) / "x"
        dest.mkdir()
        (dest / "settings.txt").write_text("reps=3 other\n")
        if identity is not None:
            (dest / "identity.json").write_text(json.dumps(identity))
        sw = fake_sweep(["seq"], ["primes"])
        sw.dest, sw.plots, sw.args.resume = dest, Path(self.tmp.name) / "p", True
        return sw

    def test_another_run_is_refused_with_the_difference_named(self):
        new = {"seed": 42, "allowed_cpuset": "0-1", "commit": "abc", "workers": [1, 2]}
        sw = self.started(dict(new, allowed_cpuset="0", commit="def"))
        sw.identity = new
        with self.assertRaises(common.Usage) as e:
            sweep.start(sw)
        self.assertIn('allowed_cpuset "0" -> "0-1"', str(e.exception))
        self.assertIn('commit "def" -> "abc"', str(e.exception))
        self.assertNotIn("seed", str(e.exception))
        self.assertEqual(sorted(os.listdir(sw.dest)), ["identity.json", "settings.txt"])

    def test_a_folder_without_identity_is_not_resumed(self):
        sw = self.started(None)
        sw.identity = {"seed": 42}
        with self.assertRaises(common.Usage) as e:
            sweep.start(sw)
        self.assertIn("no identity.json", str(e.exception))
        self.assertEqual(sorted(os.listdir(sw.dest)), ["settings.txt"])

    def test_differences(self):
        self.assertEqual(sweep.differences({"a": 1, "b": [1]}, {"a": 1, "b": [1]}), [])
        self.assertEqual(sweep.differences({"a": 1}, {"a": 2, "c": "x"}),
                         ["a 1 -> 2", 'c "(absent)" -> "x"'])
        # variables the driver removed changed nothing measured
        self.assertEqual(sweep.differences({"removed_from_environment": {}},
                                           {"removed_from_environment": {"OMP_PLACES": "x"}}), [])


class Children(unittest.TestCase):
    def test_status_output_and_signal_death(self):
        r = runner()
        self.assertEqual(r.run(["sh", "-c", "echo hi; exit 3"], capture=True).status, 3)
        self.assertEqual(r.run(["sh", "-c", "echo hi"], capture=True).out, "hi\n")
        self.assertEqual(r.run(["sh", "-c", "kill -TERM $$"]).status, 128 + signal.SIGTERM)
        self.assertEqual(r.run(["/nonexistent/program"]).status, 127)

    def test_own_process_group_and_timeout(self):
        r = runner()
        res = r.run(["sh", "-c", "ps -o pgid= -p $$"], capture=True)
        self.assertNotEqual(int(res.out), os.getpgrp())
        t = time.monotonic()
        res = r.run(["sh", "-c", "sleep 30 & sleep 30"], timeout=0.5)
        self.assertEqual(res.status, 124)
        self.assertLess(time.monotonic() - t, 10)


class Folders(unittest.TestCase):
    def test_a_second_run_into_a_held_folder_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            common.lock_folder(Path(d))
            with self.assertRaises(common.Usage) as e:
                common.lock_folder(Path(d))
            self.assertIn(f"in use by another run (PID {os.getpid()})", str(e.exception))
            self.assertEqual(os.listdir(d), [])  # no lock file

    def test_committed_results_are_recognised_whatever_git_inherits(self):
        ref = ROOT / "results" / "amd-epyc-2c2t"
        if not (ROOT / ".git").exists() or not ref.is_dir():
            self.skipTest("not a checkout with the committed results")
        old = os.environ.get("GIT_DIR")
        os.environ["GIT_DIR"] = "/nonexistent-git-dir"
        try:
            self.assertTrue(common.committed(ref))
            with self.assertRaises(common.Usage):
                common.refuse_committed(ref)
        finally:
            if old is None:
                del os.environ["GIT_DIR"]
            else:
                os.environ["GIT_DIR"] = old
        with tempfile.TemporaryDirectory() as d:
            self.assertFalse(common.committed(Path(d)))

    def test_quick_sizes_only_for_the_kernels_asked(self):
        p = cli.Parser(prog="t")
        sweep.add_arguments(p)
        args = p.parse_args(["--quick", "--kernels", "primes"])
        args.binary_args = []
        sweep.check_form(args)
        self.assertEqual(args.sizes, {"primes": "300000"})


class Limits(unittest.TestCase):
    def test_time_limit_from_the_cost_model(self):
        clock = Clock()
        p = Progress([Step("k", 1), Step("k", 2), Step("k", 100)], stream=io.StringIO(), clock=clock)
        self.assertEqual(p.limit_s(), (progress.LIMIT_FIRST_S, None))  # nothing measured
        self.assertEqual(p.limit_s(7.5), (7.5, None))
        with p.step("a"):
            clock.t += 1
        self.assertEqual(p.limit_s(), (progress.LIMIT_MIN_S, 2.0))  # 20 x 2 s < the minimum
        with p.step("b"):
            clock.t += 2
        self.assertEqual(p.limit_s(), (progress.LIMIT_FACTOR * 100, 100.0))

    def test_a_child_past_its_limit_is_asked_to_stop_first(self):
        with tempfile.TemporaryDirectory() as d:
            r = runner()
            # a program that cleans up on SIGTERM (as the binaries remove their temporary
            # files) gets the chance to
            res = r.run(["sh", "-c", f"trap 'touch {d}/cleaned; exit 9' TERM; sleep 30 & wait"],
                        timeout=0.5)
            self.assertEqual((res.status, res.timed_out), (124, True))
            self.assertTrue(os.path.exists(f"{d}/cleaned"))
            r.deadline = time.monotonic() + 0.3  # a step's deadline bounds every child
            try:
                t = time.monotonic()
                self.assertTrue(r.run(["sleep", "30"]).timed_out)
                self.assertLess(time.monotonic() - t, 10)
            finally:
                r.deadline = None


class Files(unittest.TestCase):
    def test_whole_finds_cut_files(self):
        png = (ROOT / "results" / "amd-epyc-2c2t" / "lstopo.png").read_bytes()
        svg = (ROOT / "results" / "amd-epyc-2c2t" / "lstopo.svg").read_bytes()
        with tempfile.TemporaryDirectory() as d:
            for name, data in [("a.png", png), ("a.svg", svg), ("a.json", b'{"a": [1, 2]}'),
                               ("a.xml", b"<a><b/></a>")]:
                f = Path(d) / name
                f.write_bytes(data)
                self.assertIsNone(common.whole(f), name)
                f.write_bytes(data[:len(data) * 4 // 5])  # 40 of 50 KB, as on a full disk
                self.assertIsNotNone(common.whole(f), name)
                f.write_bytes(b"")
                self.assertEqual(common.whole(f), "empty")

    def test_temporaries_of_a_killed_run_are_removed(self):
        with tempfile.TemporaryDirectory() as d:
            for n in (".a.csv.Xy12Ab.tmp", ".lstopo.9.png.tmp", "keep.csv", ".hidden"):
                (Path(d) / n).write_text("x")
            (Path(d) / ".charts.abc.tmp").mkdir()
            (Path(d) / ".charts.abc.tmp" / "f").write_text("x")
            self.assertEqual(common.remove_temporaries(Path(d), Path(d) / "absent"), 3)
            self.assertEqual(sorted(os.listdir(d)), [".hidden", "keep.csv"])


    def test_write_atomic_leaves_no_temporary(self):
        with tempfile.TemporaryDirectory() as d:
            f = Path(d) / "a.csv"
            common.write_atomic(f, "x\n")
            common.write_atomic(f, "y\n")
            self.assertEqual(f.read_text(), "y\n")
            self.assertEqual(os.listdir(d), ["a.csv"])


if __name__ == "__main__":
    unittest.main()
