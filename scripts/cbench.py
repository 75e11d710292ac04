#!/usr/bin/env python3
"""cbench.py SUBCOMMAND [OPTION]... - the driver of concurrency-bench (see --help)."""
import os
import signal
import sys

# Until the driver's own handlers are in place (cbench/runner.py), a signal ends it at once
# and quietly, by that signal: nothing has been started or written yet.
for _s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_s, signal.SIG_DFL)

if sys.version_info < (3, 11):
    sys.exit(f"cbench: Python 3.11 or later is needed (this is {sys.version.split()[0]})")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cbench.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
