"""What every test of the driver shares: the driver's package on the path, its command
line run in-process with stderr captured, and the check of a one-line refusal."""
import io
import sys
import unittest
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from cbench import cli  # noqa: E402


def main_out(*argv):
    """cbench.py's main on argv: (exit status, its stdout, its stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = cli.main(list(argv))
    return status, out.getvalue(), err.getvalue()


def main(*argv):
    """cbench.py's main on argv: (exit status, what it wrote on stderr)."""
    status, _, err = main_out(*argv)
    return status, err


class Refusals(unittest.TestCase):
    """refused(WORD, ARG...): SUBCOMMAND ARG... exits 2 with one line naming WORD."""
    SUBCOMMAND: tuple = ()

    def refused(self, word, *argv):
        status, err = main(*self.SUBCOMMAND, *argv)
        self.assertEqual(status, 2, err)
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn(word, err)
