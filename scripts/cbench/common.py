"""What every subcommand needs: the project's folders, the two ways to fail (a bad command
line or input: one line, exit 2; a failed step: exit 1), files written whole (a temporary
name in the same folder, renamed into place), and readers of the binaries' CSV and JSON."""
from __future__ import annotations

import csv
import fcntl
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parent.parent.parent  # the repository
SCRIPTS = ROOT / "scripts"
TEMPLATES = SCRIPTS / "gp"

PROG = "cbench"  # the name in messages: the subcommand's, set by cli.main


class Usage(Exception):
    """Bad command line or bad input: one line on stderr, exit 2, nothing written."""


class Failure(Exception):
    """A step failed (a binary, gnuplot, the disk): one line on stderr, exit 1 or the
    status given."""

    def __init__(self, msg: str, status: int = 1):
        super().__init__(msg)
        self.status = status


def one_line(text: str) -> str:
    """A message as one line, whatever a path or a tool's output it quotes holds."""
    return " ".join(str(text).split())


def say(msg: str) -> None:
    print(f"{PROG}: {one_line(msg)}", file=sys.stderr, flush=True)


def creatable(path: str | Path) -> bool:
    """A folder that exists, or whose nearest existing parent is a folder we may write in."""
    p = Path(os.path.abspath(path))
    while not p.exists() and p != p.parent:
        p = p.parent
    return p.is_dir() and os.access(p, os.W_OK | os.X_OK)


def check_creatable(option: str, path: str | Path) -> None:
    if not creatable(path):
        raise Usage(f"{option} '{path}': cannot create a folder there")


def make_dir(option: str, path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise Usage(f"{option} '{path}': cannot create the folder ({e.strerror})") from None


def nonempty(path: Path) -> bool:
    """A file that exists and holds something (a folder or an unreadable path: no)."""
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write path whole or not at all: a hidden temporary file beside it, flushed to disk,
    then renamed. A full disk or a folder we cannot write raises Failure and leaves
    nothing behind."""
    data = text.encode() if isinstance(text, str) else text
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as e:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(e, OSError):
            raise Failure(f"{path}: cannot write ({e.strerror})") from None
        raise


def committed(folder: Path) -> bool:
    """Whether folder holds files committed to this repository: another machine's
    reference, which no run may delete or rewrite. Asked of git with none of the caller's
    GIT_* variables; when git cannot answer inside a checkout, the answer is yes."""
    folder = Path(os.path.abspath(folder))
    if not folder.exists() or not (ROOT / ".git").exists():
        return False
    try:
        rel = folder.resolve().relative_to(ROOT)
    except ValueError:
        return False
    from .runner import runner
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    res = runner().run(["git", "-c", f"safe.directory={ROOT}", "-C", str(ROOT), "ls-files",
                        "--", str(rel)], capture=True, err_capture=True, env=env, timeout=60)
    runner().check()
    return res.status != 0 or bool(res.out.strip())


def refuse_committed(folder: Path, what: str = "choose another --label or --out") -> None:
    if committed(folder):
        raise Usage(f"{folder} holds results committed to this repository (another machine's "
                    f"reference, never rewritten): {what}")


_LOCKS: list[int] = []


def lock_holder(folder: Path) -> int | None:
    """The PID of the process that holds folder's lock (flock), from the kernel's table of
    locks (/proc/locks: "N: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE ..."); None when none
    is found."""
    try:
        st = os.stat(folder)
        with open("/proc/locks", encoding="ascii", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    want = (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    for ln in lines:
        w = ln.split()
        if "->" in w or len(w) < 6 or w[1] != "FLOCK":
            continue
        try:
            maj, mnr, ino = w[5].split(":")
            if (int(maj, 16), int(mnr, 16), int(ino)) == want:
                return int(w[4])
        except ValueError:
            continue
    return None


def lock_folder(folder: Path) -> None:
    """Hold folder for this run (flock on the folder itself: no file is created); a second
    run into the same folder is refused at once, with the holder's PID. Released when the
    driver ends, however it ends (the kernel drops the lock with the last descriptor)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as e:
        raise Failure(f"{folder}: cannot open ({e.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        pid = lock_holder(folder)
        who = f"another run (PID {pid})" if pid else "another run"
        raise Usage(f"{folder} is in use by {who}: wait for it, or choose another "
                    "--label or --out") from None
    _LOCKS.append(fd)


TMP_GLOB = ".*.tmp"  # every temporary file of the suite: .NAME.RANDOM.tmp, C and Python alike


def remove_temporaries(*folders: Path) -> int:
    """Remove what an earlier run killed outright (SIGKILL, power cut) left half-written in
    folders: files named by the suite's one temporary pattern. Only under the folder's
    lock. Returns how many were removed."""
    n = 0
    for d in folders:
        if not d.is_dir():
            continue
        for t in d.glob(TMP_GLOB):
            try:
                if t.is_symlink() or t.is_file():
                    t.unlink()
                elif t.is_dir():
                    shutil.rmtree(t)
                n += 1
            except OSError:
                pass
    return n


def whole(path: Path) -> str | None:
    """Why path is not a complete file of its kind (None when it is): a PNG whose chunks
    do not run to IEND, an SVG or XML that does not parse, JSON that does not load, or an
    empty file. A tool that wrote part of a file (a full disk) and exited 0 is caught here."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return f"cannot read ({e.strerror})"
    if not data:
        return "empty"
    kind = path.suffix.lower()
    if kind == ".png":
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            return "not a PNG"
        i = 8
        while i + 8 <= len(data):
            n = int.from_bytes(data[i:i + 4], "big")
            ctype = data[i + 4:i + 8]
            i += 12 + n
            if ctype == b"IEND":
                return None if i <= len(data) else "a PNG cut short"
        return "a PNG cut short (no IEND chunk)"
    if kind in (".svg", ".xml"):
        import xml.etree.ElementTree as ET
        try:
            ET.fromstring(data)
        except ET.ParseError as e:
            return f"not well-formed XML ({e})"
        return None
    if kind == ".json":
        try:
            json.loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return "not valid JSON"
    return None


def read_csv(path: Path, need: Iterable[str] = (), what: str = "CSV") -> list[dict[str, str]]:
    """The rows of a CSV with a header, as dicts. Usage when it is not readable, not text, or
    lacks a needed column."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise Usage(f"{path}: cannot read ({getattr(e, 'strerror', None) or 'not text'})") from None
    if "\0" in text:
        raise Usage(f"{path}: not a {what} (binary data)")
    rows = list(csv.DictReader(text.splitlines()))
    header = next(csv.reader(text.splitlines()[:1]), [])
    for col in need:
        if col not in header:
            raise Usage(f"{path}: not a {what} (no column '{col}')")
    return rows


def csv_text(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    lines = [",".join(header)]
    lines += [",".join(str(v) for v in r) for r in rows]
    return "\n".join(lines) + "\n"


def parse_csv_text(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


def load_json(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            # (bytes that are not UTF-8 inside a string do not make the document invalid)
            doc = json.loads(f.read().decode("utf-8", "replace"))
    except OSError as e:
        raise Usage(f"{path}: cannot read ({e.strerror})") from None
    except (ValueError, RecursionError):
        raise Usage(f"{path}: not valid JSON") from None
    if not isinstance(doc, dict):
        raise Usage(f"{path}: not valid JSON (not an object)")
    return doc


class Machine:
    """What the charts and comparisons need of a results folder's context.json."""

    def __init__(self, path: Path):
        doc = load_json(path)
        get = lambda *keys: _dig(doc, keys)  # noqa: E731
        self.schema = get("schema_version")
        self.label = str(get("run", "label") or "")
        self.date = str(get("run", "date") or "")
        self.brand = str(get("cpu", "brand") or "unknown CPU")
        cores, pus = get("topology", "cores"), get("topology", "pus")
        if not (isinstance(cores, int) and isinstance(pus, int) and cores > 0 and pus > 0):
            raise Usage(f"{path}: no topology.cores and topology.pus")
        self.cores, self.pus = cores, pus
        quota = get("cgroup", "cpu_quota_cpus")  # (schema 2; None: unlimited or not recorded)
        self.quota = quota if isinstance(quota, (int, float)) and quota > 0 else None
        self.this_machine = get("topology", "this_machine") is not False
        # the thresholds the run's warnings followed (src/warnings.h, in context.json since
        # the one table of issue 19); runs before it were judged by the same 3% CV
        self.noisy_cv = 0.03
        for w in get("warnings") or []:
            if isinstance(w, dict) and w.get("name") == "noisy" and \
                    isinstance(w.get("threshold"), (int, float)) and w["threshold"] > 0:
                self.noisy_cv = float(w["threshold"])


def _dig(doc, keys):
    for k in keys:
        if not isinstance(doc, dict) or k not in doc:
            return None
        doc = doc[k]
    return doc


def fmt_time(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 60}m{s % 60:02d}s"


def secs(x: float | str | None) -> str:
    """Seconds in a short readable form (3 significant digits, s, ms or us)."""
    if x in (None, "", "?"):
        return "?"
    x = float(x)
    if x >= 100:
        return f"{x:.0f} s"
    if x >= 1:
        return f"{x:.3g} s"
    if x >= 0.001:
        return f"{x * 1000:.3g} ms"
    return f"{x * 1e6:.3g} us"
