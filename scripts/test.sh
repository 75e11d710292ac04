#!/usr/bin/env bash
# test.sh [--sanitizers] - the README's test command: scripts/cbench.sh test (see its --help)
exec bash "$(dirname "$0")/cbench.sh" test "$@"
