#!/usr/bin/env bash
# run.sh [OPTION]... - the README's main job: scripts/cbench.sh run (see its --help)
exec bash "$(dirname "$0")/cbench.sh" run "$@"
