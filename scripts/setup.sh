#!/usr/bin/env bash
# setup.sh - install what a fresh Debian 12 lacks to build, test and chart the suite.
# Quick when everything is present (one dpkg query). Installs as root or through sudo;
# otherwise stops with one line naming the packages to install.
set -euo pipefail
case ${1:-} in
    "") ;;
    -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown argument '$1' (it takes none)" >&2; exit 2 ;;
esac

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

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    run=(sudo -n)
else
    echo "setup: missing packages, install them as root: apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
