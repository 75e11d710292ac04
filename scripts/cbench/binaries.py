"""The benchmark binaries of a build folder: which models there are (every bench-* that
answers --model-info), what a command line expands to on this machine (--plan --json:
worker counts, sizes, nothing run), and one rule for whether a model can run here."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .common import ROOT, Failure, Usage, one_line, say
from .runner import runner


@dataclass
class Model:
    name: str
    binary: Path
    serial: bool
    kernels: list[str]
    start: str = ""          # a default start method: the model runs as fork and as spawn
    info: dict = field(default_factory=dict)

    def runs(self, kernel: str) -> bool:
        return kernel in self.kernels


class Build:
    def __init__(self, folder: str | Path = ROOT / "build"):
        self.dir = Path(os.path.abspath(folder))
        self.bench = self.dir / "bench"
        self._models: dict[str, Model] | None = None
        self._can_run: dict[str, str | None] = {}

    def binary(self, name: str) -> Path:
        return self.bench / name

    def require(self, name: str = "bench-seq") -> None:
        if not os.access(self.binary(name), os.X_OK):
            raise Usage(f"{self.binary(name)}: not built (run meson compile -C {self.dir})")

    def compile(self) -> None:
        """meson setup (once) and compile; its output shown only when it fails."""
        r = runner()
        if not (self.dir / "build.ninja").exists():
            res = r.run(["meson", "setup", str(self.dir)], capture=True, err_capture=True, cwd=str(ROOT))
            r.check()
            if res.status:
                raise Failure(f"meson setup {self.dir} failed: {_last(res.err or res.out)}")
        res = r.run(["meson", "compile", "-C", str(self.dir)], capture=True, err_capture=True, cwd=str(ROOT))
        r.check()
        if res.status:
            print(res.out[-3000:], res.err[-3000:], sep="\n")
            raise Failure(f"meson compile -C {self.dir} failed")

    # --- the models -------------------------------------------------------------------------
    def models(self) -> dict[str, Model]:
        if self._models is None:
            found: dict[str, Model] = {}
            for b in sorted(self.bench.glob("bench-*")):
                if not (b.is_file() and os.access(b, os.X_OK)):
                    continue
                res = runner().run([str(b), "--model-info"], capture=True, err_capture=True, timeout=20)
                runner().check()
                line = res.out.strip()
                if res.status or not line.startswith("model="):
                    continue
                info = dict(w.split("=", 1) for w in line.split() if "=" in w)
                if b.name != f"bench-{info['model']}":
                    continue
                found[info["model"]] = Model(
                    info["model"], b, info.get("serial") == "1",
                    [k for k in info.get("kernels", "").split(",") if k],
                    info.get("start", ""), info)
            self._models = found
        return self._models

    def plan(self, model: str, args: list[str]) -> dict:
        """What the model's command line means here (the binary checks it and runs nothing):
        its refusal is the caller's bad input (Usage, the binary's own line)."""
        res = runner().run([str(self.binary(f"bench-{model}")), "--plan", "--json", *args],
                           capture=True, err_capture=True, timeout=60)
        runner().check()
        if res.status:
            raise Usage(_last(res.err) or f"bench-{model} --plan failed with status {res.status}")
        try:
            return json.loads(res.out)
        except ValueError:
            raise Failure(f"bench-{model} --plan --json printed no JSON") from None

    def cannot_run(self, model: str) -> str | None:
        """None when the model can run here, else why not (asked once per model). Only MPI
        needs a launcher that may not work (no mpirun, root without Open MPI's two
        variables): a world of one rank and no work tells."""
        if model not in self._can_run:
            why = None
            if model == "mpi":
                res = runner().run([str(self.binary("bench-mpi")), "-q", "-k", "empty", "--size", "1",
                                    "--workers", "1", "--reps", "1"], capture=True,
                                   err_capture=True, timeout=60)
                runner().check()
                if res.status:
                    why = f"mpirun does not work here ({_last(res.err) or 'status %d' % res.status})"
            self._can_run[model] = why
        return self._can_run[model]

    def runnable(self, names: list[str], asked: list[str] | None = None) -> list[str]:
        """names less those that cannot run here, each skipped with one line; a model asked
        for by name that cannot run is bad input."""
        keep = []
        for n in names:
            why = self.cannot_run(n)
            if why is None:
                keep.append(n)
            elif asked and n in asked:
                raise Usage(f"--models {n}: {why}")
            else:
                say(f"bench-{n} skipped: {why}")
        return keep


def _last(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return one_line(lines[-1]) if lines else ""
