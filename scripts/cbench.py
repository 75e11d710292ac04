#!/usr/bin/env python3
"""cbench.py SUBCOMMAND [OPTION]... - the driver of concurrency-bench (see --help)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cbench.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
