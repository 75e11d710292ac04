#!/usr/bin/env bash
# cbench.sh SUBCOMMAND [OPTION]... - the driver, scripts/cbench.py (see its --help), run by
# Debian's python3 where there is one (no wrapper of its own to start first). SIGINT is
# ignored from the exec until cbench.py sets its own disposition: Python turns a SIGINT
# that arrives while it starts into a KeyboardInterrupt that exits with status 1, not 130.
py=/usr/bin/python3
[ -x $py ] || py=python3
command -v $py >/dev/null 2>&1 || bash "$(dirname "$0")/setup.sh" || exit 1
trap '' INT
# (-E: no PYTHON* variables, so none can change which code runs, but for
# PYTHONDONTWRITEBYTECODE, kept as -B; -S: no site packages, a quicker start)
exec $py -E -S ${PYTHONDONTWRITEBYTECODE:+-B} "$(dirname "$0")/cbench.py" "$@"
