"""Where results go (issue 18: nothing lost). Every run of the sweep or the main job gets a
folder of its own, OUT/<label>/<UTC date-time>[-quick]/ (e.g. 2026-12-05T071500Z-quick; a
second run started in the same second gets -2, -3, ...), made with mkdir, so no run ever
writes into another's. When a run ends with status 0 it leaves finished.json in its folder
and points OUT/<label>/latest (full runs) or latest-quick (quick runs) at it: a relative
symlink, replaced atomically (a temporary link renamed over it). Charts mirror it in
PLOTS/<label>/<same name>/ with the same pointers.

Readers take either layout: a folder with summary.csv is a results folder (a run's, or an
older flat results/<label>/ as committed), and a label folder stands for its latest run."""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from .common import Failure, Usage, write_atomic

RUN_NAME = re.compile(r"(\d{4}-\d\d-\d\dT\d{6}Z)(-quick)?(?:-([1-9][0-9]{0,5}))?")
FINISHED = "finished.json"
LATEST, LATEST_QUICK = "latest", "latest-quick"
# what tells a folder holds a run (the sweep's own files)
RUN_FILES = ("identity.json", "settings.txt", "plan.csv", "summary.csv", "sweep.json")


def is_run_name(name: str) -> bool:
    return RUN_NAME.fullmatch(name) is not None


def is_quick(name: str) -> bool:
    m = RUN_NAME.fullmatch(name)
    return bool(m and m.group(2))


def _order(name: str) -> tuple[str, int]:
    m = RUN_NAME.fullmatch(name)
    return (m.group(1), int(m.group(3) or 1)) if m else ("", 0)


def stamp(t: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H%M%SZ", time.gmtime(time.time() if t is None else t))


def pointer_name(quick: bool) -> str:
    return LATEST_QUICK if quick else LATEST


def new_run(label_dir: Path, quick: bool) -> Path:
    """A new, empty run folder in label_dir, named by the time now; mkdir is the claim, so
    two runs started at once never share one."""
    base = stamp() + ("-quick" if quick else "")
    for n in range(1, 1000):
        d = label_dir / (base if n == 1 else f"{base}-{n}")
        try:
            d.mkdir()
            return d
        except FileExistsError:
            continue
        except OSError as e:
            raise Failure(f"{d}: cannot create the folder ({e.strerror})") from None
    raise Failure(f"{label_dir}: no free run folder name for {base}")


def runs(label_dir: Path, quick: bool | None = None) -> list[Path]:
    """The run folders of a label, oldest first (only quick or only full ones if asked)."""
    try:
        found = [d for d in label_dir.iterdir()
                 if is_run_name(d.name) and d.is_dir() and not d.is_symlink()]
    except OSError:
        return []
    if quick is not None:
        found = [d for d in found if is_quick(d.name) == quick]
    return sorted(found, key=lambda d: _order(d.name))


def holds_run(d: Path) -> bool:
    return any(os.path.lexists(d / f) for f in RUN_FILES) or (d / "raw").is_dir()


def finished(d: Path) -> bool:
    return (d / FINISHED).is_file()


def unfinished(label_dir: Path, quick: bool) -> Path | None:
    """The most recent run of label_dir (quick or full, as asked) that started measuring
    and did not end with status 0: what --resume continues."""
    for d in reversed(runs(label_dir, quick)):
        if holds_run(d) and not finished(d):
            return d
    return None


def mark_finished(d: Path, job: str) -> None:
    write_atomic(d / FINISHED, json.dumps(
        {"job": job, "status": 0,
         "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, indent=1) + "\n")


def point(folder: Path, name: str, target: str) -> None:
    """folder/name -> target (relative), atomically: a temporary link (the suite's
    temporary name, .NAME.RANDOM.tmp) renamed over the old one. A real folder or file of
    that name is never replaced."""
    link = folder / name
    if os.path.lexists(link) and not link.is_symlink():
        raise Failure(f"{link}: not a link (the pointer to the latest run); left as it is")
    tmp = folder / f".{name}.{os.getpid()}-{os.urandom(3).hex()}.tmp"
    try:
        os.symlink(target, tmp)
        os.replace(tmp, link)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise Failure(f"{link}: cannot point it at {target} ({e.strerror})") from None


def remove_stale_pointers(folder: Path) -> None:
    """Remove the temporary links of pointers that a run killed outright left in a label
    folder (.latest.PID-RANDOM.tmp): only those whose process is gone, as the label
    folder is shared by every run of the label and held by none."""
    for t in list(folder.glob(".latest*.tmp")):
        m = re.fullmatch(r"\.latest(?:-quick)?\.([0-9]+)-[0-9a-f]+\.tmp", t.name)
        if not m or not t.is_symlink():
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # (its run is alive: it renames the link in a moment)
        except ProcessLookupError:
            pass
        except (PermissionError, OverflowError, ValueError):
            continue
        try:
            t.unlink()
        except OSError:
            pass


def resolve(d: Path) -> Path:
    """The results folder that d stands for: d itself when it holds a summary (a run's
    folder, or an older flat results/<label>/), else its latest run when it is a label
    folder with one (followed to the real folder) or, without the pointer, its last finished
    full run, else d (the caller names what is missing)."""
    if (d / "summary.csv").exists():
        return d
    if (d / LATEST).is_dir():
        return Path(os.path.realpath(d / LATEST))
    # a clone has no pointer (they are not committed: .gitignore): the last finished full run
    done = [r for r in runs(d, quick=False) if finished(r)]
    return done[-1] if done else d


def all_results(root: Path) -> list[Path]:
    """Every results folder under root that a comparison of machines takes: each flat
    <label>/ with a summary (the committed references) and each label's latest full run."""
    out = []
    try:
        labels = sorted(root.iterdir())
    except OSError:
        return out
    for d in labels:
        r = resolve(d)
        if (r / "summary.csv").is_file() and (r / "context.json").is_file():
            out.append(r)
    return out


def plots_of(results: Path, label: str, plots_root: Path) -> Path:
    """The charts folder of a results folder: PLOTS/<label>/<run name> for a run's folder,
    PLOTS/<label> for a flat one."""
    name = Path(os.path.abspath(results)).name
    return plots_root / label / name if is_run_name(name) else plots_root / label


def label_dir_usable(label_dir: Path) -> None:
    if os.path.lexists(label_dir) and not label_dir.is_dir():
        raise Usage(f"{label_dir}: a file is where the results folder should be; move it, or "
                    "choose another --label or --out")
