#!/usr/bin/env bash
# setup.sh [--tests] - install what a fresh Debian 12 lacks to build, test and chart the
# suite. Quick when everything is present (one dpkg query). Installs as root or through
# sudo; otherwise stops with one line naming the packages to install. --tests (the test
# command) also tries chromium, the browser that the report's test opens; where it cannot
# be had (offline, no root) one line says so and that test skips.
set -euo pipefail
tests=0
case ${1:-} in
    "") ;;
    --tests) tests=1 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown argument '$1' (it takes only --tests)" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "setup: unknown argument '$2' (it takes only --tests)" >&2; exit 2; }

packages=(
    gcc libc6-dev pkg-config meson ninja-build git    # build
    libhwloc-dev hwloc                                # topology and binding, lstopo
    libcpuid-dev cpuidtool                            # CPU identity
    gnuplot-nox                                       # charts
    libopenblas-dev                                   # bench-openblas (pthread variant)
    openmpi-bin libopenmpi-dev                        # bench-mpi: mpirun, the C library
    python3                                           # the driver (scripts/cbench.py)
    gawk jq                                           # tests
    valgrind                                          # tests: Helgrind and DRD on the pool
)

optional=(chromium)  # the tests' browser (tests/report.sh --browser): skipped without it

installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]; }
missing=()
for p in "${packages[@]}"; do
    installed "$p" || missing+=("$p")
done
optional_missing=()
if [ $tests -eq 1 ]; then
    for p in "${optional[@]}"; do
        installed "$p" || optional_missing+=("$p")
    done
fi
[ ${#missing[@]} -eq 0 ] && [ ${#optional_missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    run=(sudo -n)
elif [ ${#missing[@]} -eq 0 ]; then
    echo "setup: ${optional_missing[*]} not installed and no root to install it: the browser test skips" >&2
    exit 0
else
    echo "setup: missing packages, install them as root: apt-get install ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    "${run[@]}" apt-get update -qq
    "${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ${#optional_missing[@]} -gt 0 ]; then
    # (a failure here is no failure of the set-up: offline, or no such package, the browser
    # test says it skips)
    echo "setup: installing ${optional_missing[*]} for the tests" >&2
    if ! { [ ${#missing[@]} -gt 0 ] || "${run[@]}" apt-get update -qq >/dev/null 2>&1; } ||
       ! "${run[@]}" apt-get install -y -qq --no-install-recommends "${optional_missing[@]}" >/dev/null 2>&1; then
        echo "setup: ${optional_missing[*]} could not be installed here: the report's browser test skips" >&2
    fi
fi
