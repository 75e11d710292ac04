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

# tag_processes NAME: mark every process this test starts through the environment (children
# and mpirun's ranks inherit it), so that other test runs on the machine do not count.
# leftovers then counts the tagged processes still alive whose name matches the extended
# regular expression $leftover_names (default bench-.*), plus orphaned zombies of them.
tag_processes() {
    tag="CB_TEST_TAG=$1-$$-$RANDOM"
    export "${tag%%=*}"="${tag#*=}"
}
# (polled for up to 2 s: init reaps orphans, and the kernel tears a killed process down,
# asynchronously; a leak outlives that)
leftovers() {
    local live zombies f i re="^(${leftover_names:-bench-.*})\$"
    for ((i = 0; i < 20; i++)); do
        live=0
        for f in $(grep -lsz "^$tag\$" /proc/[0-9]*/environ 2>/dev/null); do
            [[ $(cat "${f%/environ}/comm" 2>/dev/null) =~ $re ]] && live=$((live + 1))
        done
        zombies=$(ps -eo stat=,ppid=,comm= | awk -v re="$re" '$1 ~ /^Z/ && $2 == 1 && $3 ~ re' | wc -l)
        [ $((live + zombies)) = 0 ] && break
        sleep 0.1
    done
    echo $((live + zombies))
}

# same_as_seq FILE LABEL: every summary row of FILE verified, and each kernel's checksum
# that of bench-seq in $seq_csv (default $work/seq.csv)
same_as_seq() {
    local k want got ref=${seq_csv:-$work/seq.csv}
    expect_eq "$2: verified" "$(csv_col "$1" verified | sort -u)" yes
    [ -n "$(csv_col "$ref" kernel)" ] || fail "$2: no bench-seq reference in $ref"
    for k in $(csv_col "$ref" kernel | sort -u); do
        want=$(paste -d, <(csv_col "$ref" kernel) <(csv_col "$ref" checksum) | awk -F, -v k=$k '$1 == k { print $2 }')
        got=$(paste -d, <(csv_col "$1" kernel) <(csv_col "$1" checksum) | awk -F, -v k=$k '$1 == k { print $2 }' | sort -u)
        expect_eq "$2: $k checksum" "$got" "$want"
    done
}

finish() {
    name=$1
    echo "$name: $checks checks, $failures failed"
    [ "$failures" -eq 0 ]
}
