#!/usr/bin/env bash
# cbench.sh SUBCOMMAND [OPTION]... - the driver, scripts/cbench.py (see its --help). SIGINT
# is ignored from here until cbench.py sets its own disposition: Python turns a SIGINT that
# arrives while it starts into a KeyboardInterrupt that exits with status 1, not 130.
command -v python3 >/dev/null 2>&1 || bash "$(dirname "$0")/setup.sh" || exit 1
trap '' INT
exec python3 "$(dirname "$0")/cbench.py" "$@"
