# lib.sh - helpers for the shell tests: assertions that say what failed, a CSV column
# reader, and a closing line. Source it; call `finish` last.
set -u
# Open MPI's mpirun refuses root unless told twice: tests run as root in containers and CI,
# and every test that runs each model binary runs bench-mpi too
[ "$(id -u)" != 0 ] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
failures=0
checks=0

fail() {
    failures=$((failures + 1))
    printf 'FAIL: %s\n' "$*" >&2
}

ok() {
    checks=$((checks + 1))
}

# expect_eq WHAT GOT WANT
expect_eq() {
    checks=$((checks + 1))
    [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
}

# csv_col FILE COLUMN [ROWKIND]: the named column of every row (of kind ROWKIND, default
# summary), one per line.
csv_col() {
    awk -F, -v col="$2" -v kind="${3:-summary}" '
        NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; if (!(col in idx)) exit 3; next }
        $idx["row"] == kind { print $idx[col] }' "$1"
}

finish() {
    name=$1
    echo "$name: $checks checks, $failures failed"
    [ "$failures" -eq 0 ]
}
