#!/usr/bin/env bash
# run.sh [OPTION]... - the README's main job: python3 scripts/cbench.py run (see its --help)
command -v python3 >/dev/null 2>&1 || bash "$(dirname "$0")/setup.sh" || exit 1
exec python3 "$(dirname "$0")/cbench.py" run "$@"
