"""The C core's layers (issue 19): no file under src/ includes a header of a higher layer.

Each header of src/ has a layer below; a .c file is in the layer of its own header (a.c of
a.h), or of its folder (kernels/, models/, micro/), or in the table. Including a header of
the same or a lower layer is fine; a header of a higher layer is an upward edge and fails,
and so does a header that the table does not place (a new module must say where it
belongs). The checker itself is tested on a made-up tree, so that it can fail."""
import re
import tempfile
import unittest
from pathlib import Path

from .support import ROOT

# from the bottom up
LAYERS = [
    # 0: needs nothing of the suite's own
    ("base", ["base.h", "build_config.h", "version.h", "build_info.h", "rng.h", "stats.h",
              "timer.h", "csvread.h"]),
    # 1: the operating system: processes, signals, files, waiting, the topology
    ("system", ["proc.h", "output.h", "fault.h", "pwait.h", "topo.h"]),
    # 2: what a measurement is made of: kernels, schedules, placement, noise, context, pools,
    #    the summary of result files
    ("measure", ["kernel.h", "kernels/kernels.h", "schedule.h", "bind.h", "noise.h",
                 "environ.h", "context.h", "pool.h", "summary.h", "verdict.h", "warnings.h"]),
    # 3: the shared command line
    ("options", ["options.h", "cli.h"]),
    # 4: the benchmark main every model plugs into, and its parts: the command line and the
    #    run's preparation, --plan, the samples and the CSV rows
    ("harness", ["harness.h", "prepare.h", "plan.h", "rows.h"]),
    # 5: the models and the micro-benchmarks
    ("models", ["models/mpi.h", "models/slot.h", "micro/micro.h", "micro/ompregion.h",
                "micro/psync.h"]),
]
FOLDERS = {"kernels": "measure", "models": "models", "micro": "models"}
SOURCES = {"worker.c": "harness"}  # the spawned worker's entry point: part of the harness

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def rank_of(layers):
    return {h: i for i, (_, hs) in enumerate(layers) for h in hs}


def layer_of(rel: str, rank: dict, layers) -> int | None:
    """The layer of a file of src/ (its path relative to src/), None if unplaced."""
    if rel in rank:
        return rank[rel]
    names = [n for n, _ in layers]
    if rel in SOURCES:
        return names.index(SOURCES[rel])
    if rel.endswith(".c"):
        own = rel[:-2] + ".h"
        if own in rank:
            return rank[own]
    top = rel.split("/")[0]
    if "/" in rel and top in FOLDERS:
        return names.index(FOLDERS[top])
    return None


def resolve(rel: str, inc: str, src: Path) -> str | None:
    """The included header as a path relative to src/, None if it is not the suite's."""
    here = (src / rel).parent / inc
    for cand in (here, src / inc):
        if cand.exists():
            return cand.resolve().relative_to(src.resolve()).as_posix()
    return inc if inc.endswith(("version.h", "build_config.h")) else None  # generated


def violations(src: Path, layers=LAYERS) -> list[str]:
    rank = rank_of(layers)
    names = [n for n, _ in layers]
    bad = []
    for f in sorted(src.rglob("*")):
        if f.suffix not in (".c", ".h"):
            continue
        rel = f.relative_to(src).as_posix()
        mine = layer_of(rel, rank, layers)
        if mine is None:
            bad.append(f"src/{rel}: in no layer (add it to tests/py/test_layers.py)")
            continue
        for inc in INCLUDE.findall(f.read_text(errors="replace")):
            target = resolve(rel, inc, src)
            if target is None:
                continue
            theirs = rank.get(target)
            if theirs is None:
                bad.append(f"src/{rel} includes {inc}, which is in no layer")
            elif theirs > mine:
                bad.append(f"src/{rel} ({names[mine]}) includes {inc} ({names[theirs]}): "
                           "a higher layer")
    return bad


class Layers(unittest.TestCase):
    def test_no_upward_include(self):
        self.assertEqual(violations(ROOT / "src"), [])

    def test_checker_sees_an_upward_edge(self):
        with tempfile.TemporaryDirectory() as d:
            src = Path(d)
            (src / "base.h").write_text("#define X 1\n")
            (src / "harness.h").write_text('#include "base.h"\n')
            (src / "base.c").write_text('#include "base.h"\n#include "harness.h"\n')
            (src / "new.c").write_text('#include "base.h"\n')
            got = violations(src, [("base", ["base.h"]), ("harness", ["harness.h"])])
            self.assertEqual(got, [
                "src/base.c (base) includes harness.h (harness): a higher layer",
                "src/new.c: in no layer (add it to tests/py/test_layers.py)"])


if __name__ == "__main__":
    unittest.main()
