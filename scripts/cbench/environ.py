"""The environment variables that change what is measured, read once at the start.

- OMP_PROC_BIND, OMP_PLACES and GOMP_CPU_AFFINITY make libgomp bind a program's main
  thread when it loads, before main: hwloc would then see one PU and bench-openmp's team
  could not follow the suite's plan (bench-openmp refuses to run with them). The driver
  removes them from its programs' environment, says so once, and records it (a sweep's
  identity.json): the suite places the workers itself (--bind).
- HWLOC_XMLFILE, HWLOC_SYNTHETIC, HWLOC_FSROOT, HWLOC_CPUID_PATH and HWLOC_THISSYSTEM
  make hwloc describe another machine than this one: a sweep refuses them unless
  --foreign-topology says so, and then its rows and context say the topology is not this
  machine's.
Every other placement or threading variable (HWLOC_*, OMP_*, GOMP_*, KMP_*, OPENBLAS_*,
GOTO_*) is left as it is and recorded by bench-info in context.json."""
from __future__ import annotations

import os

from .common import say

AFFINITY = ("OMP_PROC_BIND", "OMP_PLACES", "GOMP_CPU_AFFINITY")
FOREIGN = ("HWLOC_XMLFILE", "HWLOC_SYNTHETIC", "HWLOC_FSROOT", "HWLOC_CPUID_PATH",
           "HWLOC_THISSYSTEM")

REMOVED: dict[str, str] = {}  # what neutralise() removed, with the values


def neutralise() -> None:
    """Remove the inherited affinity variables from this process's environment (and so
    from every program it starts), with one line naming them."""
    for v in AFFINITY:
        if v in os.environ:
            REMOVED[v] = os.environ.pop(v)
    if REMOVED:
        say(f"{', '.join(f'{k}={v}' for k, v in REMOVED.items())} removed from the benchmarks' "
            "environment: the suite places the workers itself (--bind)")


def foreign() -> list[str]:
    """The set variables that make hwloc describe another machine."""
    return [v for v in FOREIGN if v in os.environ]
