#!/usr/bin/env bash
# test.sh [--sanitizers] - the README's test command: python3 scripts/cbench.py test (see its --help)
command -v python3 >/dev/null 2>&1 || bash "$(dirname "$0")/setup.sh" || exit 1
exec python3 "$(dirname "$0")/cbench.py" test "$@"
