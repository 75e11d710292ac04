"""Machines compared in numbers (issue 18), for `compare`: what differs between two results
folders' contexts, and the words and Markdown tables of `bench-stats machines A B` (time
ratios B/A and speedup ratios with bootstrap intervals, per point and per kernel). Every
figure is bench-stats'; this module only reads, words and formats them."""
from __future__ import annotations

import json
from pathlib import Path

from .common import (ROOT, Failure, Usage, _dig, load_json, nonempty, one_line, parse_csv_text,
                     read_csv)

POINT_COLUMNS = ["kernel", "size", "series", "model", "workers", "a_median_s", "b_median_s",
                 "time_ratio", "time_ratio_lo", "time_ratio_hi", "a_speedup", "b_speedup",
                 "speedup_ratio", "speedup_ratio_lo", "speedup_ratio_hi", "verdict"]
KERNEL_COLUMNS = ["kernel", "size", "models_p1", "geomean_time_ratio_p1", "geomean_lo",
                  "geomean_hi", "time_verdict", "scaling", "b_scales_better", "a_scales_better"]

# The libraries context.json's suite.libraries names ("hwloc 2.9.0, libcpuid 0.6.2, OpenMP
# 4.5, OpenBLAS 0.3.21, MPI 4.1.4"), in words: OpenMP is GCC's libgomp, MPI Open MPI's.
LIBRARY_NAMES = {"hwloc": "hwloc", "libcpuid": "libcpuid", "OpenMP": "OpenMP (libgomp)",
                 "OpenBLAS": "OpenBLAS", "MPI": "MPI (Open MPI)"}


# --- bench-stats machines' output -----------------------------------------------------------
def parse_output(out: str) -> tuple[str, list[dict], list[dict]]:
    """bench-stats machines' CSV: (the text, the point rows, the kernel rows); Failure when
    it is not that."""
    points_text, sep, kernels_text = out.partition("\n\n")
    head_p = points_text.split("\n", 1)[0].split(",")
    head_k = kernels_text.split("\n", 1)[0].split(",")
    if not sep or head_p != POINT_COLUMNS or head_k != KERNEL_COLUMNS:
        raise Failure(f"bench-stats machines printed no point and kernel rows: {one_line(out)[:200]}")
    return out, parse_csv_text(points_text), parse_csv_text(kernels_text)


# --- the context -----------------------------------------------------------------------------
def _libraries(text) -> dict[str, str]:
    """suite.libraries as {name: version}: 'hwloc 2.9.0, MPI 4.1.4' -> {'hwloc': '2.9.0', ...}."""
    out = {}
    for part in str(text or "").split(","):
        name, _, version = part.strip().partition(" ")
        if name:
            out[name] = version.strip() or "(no version)"
    return out


def _run_settings(d: Path) -> dict:
    """The repetitions and rounds of a run: identity.json's, else sweep.json's, else
    settings.txt's ('reps=10 rounds=2 ...'); {} when none is recorded."""
    for name in ("identity.json", "sweep.json"):
        if nonempty(d / name):
            try:
                doc = load_json(d / name)
            except Usage:
                continue
            if "reps" in doc or "rounds" in doc:
                return {"reps": doc.get("reps"), "rounds": doc.get("rounds")}
    try:
        words = (d / "settings.txt").read_text(encoding="utf-8", errors="replace").split()
    except OSError:
        return {}
    kv = dict(w.split("=", 1) for w in words if "=" in w)
    return {k: int(kv[k]) if kv[k].isdigit() else kv[k] for k in ("reps", "rounds") if k in kv}


def _summary_facts(d: Path) -> tuple[dict[str, list[str]], list[str]]:
    """From summary.csv: each kernel's sizes (in order of appearance) and the bind policies."""
    sizes: dict[str, list[str]] = {}
    binds: list[str] = []
    for r in read_csv(d / "summary.csv", ("kernel", "size", "bind"), "summary.csv"):
        s = sizes.setdefault(r["kernel"], [])
        if r["size"] not in s:
            s.append(r["size"])
        b = r["bind"] or "(none)"
        if b not in binds:
            binds.append(b)
    return sizes, sorted(binds)


def context_of(d: Path) -> dict[str, str]:
    """What of a results folder's context can change its times, as {what: value} in words:
    the CPU, the cores, the build (commit, compiler, flags), each library's version, the
    environment the binaries saw, the schema version, repetitions and rounds, the bind
    policies and the kernels' sizes. A value that is not recorded reads '(not recorded)'."""
    ctx = load_json(d / "context.json")
    get = lambda *k: _dig(ctx, k)  # noqa: E731
    out: dict[str, str] = {}

    def put(what, v):
        out[what] = "(not recorded)" if v is None or v == "" else (
            v if isinstance(v, str) else json.dumps(v, sort_keys=True))
    put("CPU", " ".join(str(get("cpu", "brand") or "").split()) or None)
    fam = [get("cpu", k) for k in ("vendor", "ext_family", "ext_model", "stepping")]
    put("CPU vendor, family, model, stepping",
        None if all(v is None for v in fam) else " ".join(str(v) for v in fam))
    put("AVX-512", get("cpu", "features", "avx512f"))
    put("measured clock (MHz)", get("cpu", "measured_clock_mhz"))
    put("cores and PUs", None if get("topology", "cores") is None
        else f"{get('topology', 'cores')} cores, {get('topology', 'pus')} PUs")
    put("commit", get("suite", "commit"))
    put("compiler", get("suite", "compiler"))
    put("build flags", " ".join(str(get("suite", "build_flags") or "").split()) or None)
    libs = _libraries(get("suite", "libraries"))
    libs.setdefault("hwloc", get("topology", "hwloc_version"))
    libs.setdefault("libcpuid", get("cpu", "libcpuid_version"))
    for name, words in LIBRARY_NAMES.items():
        put(words, libs.get(name))
    for name in sorted(set(libs) - set(LIBRARY_NAMES)):
        put(name, libs[name])
    env = get("environment")
    put("environment", (" ".join(f"{k}={v}" for k, v in sorted(env.items())) or "(none)")
        if isinstance(env, dict) else None)
    put("schema version", get("schema_version"))
    rs = _run_settings(d)
    put("repetitions", rs.get("reps"))
    put("rounds", rs.get("rounds"))
    sizes, binds = _summary_facts(d)
    put("bind policy", " ".join(binds))
    for k, s in sizes.items():
        put(f"size of {k}", " ".join(s))
    return out


def context_differences(a: dict[str, str], b: dict[str, str]) -> list[tuple[str, str, str]]:
    """(what, A's value, B's value) for everything that differs, in A's order then B's;
    a kernel that only one folder ran is not a difference of context (compare warns)."""
    out = []
    for k in list(a) + [k for k in b if k not in a]:
        if k.startswith("size of ") and (k not in a or k not in b):
            continue
        va, vb = a.get(k, "(not recorded)"), b.get(k, "(not recorded)")
        if va != vb:
            out.append((k, va, vb))
    return out


def refusing_differences(a: dict[str, str], b: dict[str, str], fmt_a, fmt_b) -> list[str]:
    """What compare refuses without --allow-different: kernel sizes that differ (for a
    kernel both ran), and summary formats that differ (the schema versions' formats fmt_a
    and fmt_b)."""
    out = [f"{w} {va} -> {vb}" for w, va, vb in context_differences(a, b)
           if w.startswith("size of ")]
    if fmt_a != fmt_b:
        out.append(f"summary format {fmt_a} -> {fmt_b} (schema version {a.get('schema version')} "
                   f"-> {b.get('schema version')})")
    return out


# --- words -----------------------------------------------------------------------------------
def _f(v: str) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if x == x else None


def _x(v: float) -> str:
    return f"{v:.2f}"


def _points(text: str) -> str:
    return ", ".join(p for p in text.split(";") if p)


def verdict_sentence(a: str, b: str, k: dict, times: str = "x") -> str:
    """One kernel's verdict in words, B against A: how much faster or slower B runs at p = 1
    (the geometric mean over the series, with its interval) and whether it scales the same.
    times: the sign after a factor ("x" on the terminal, "×" in Markdown)."""
    g, lo, hi = _f(k["geomean_time_ratio_p1"]), _f(k["geomean_lo"]), _f(k["geomean_hi"])
    kern = f"{k['kernel']} ({k['size']})"
    v = k["time_verdict"]
    if v == "no-p1" or g is None:
        time = f"{b} and {a} have no point of {kern} at p = 1 in common"
        lead = f"{b}"
    elif v == "b-faster":
        time = f"{b} runs {kern} {_x(1 / g)}{times} [{_x(1 / hi)}, {_x(1 / lo)}] faster than {a} at p = 1"
        lead = ""
    elif v == "a-faster":
        time = f"{b} runs {kern} {_x(g)}{times} [{_x(lo)}, {_x(hi)}] slower than {a} at p = 1"
        lead = ""
    elif v == "same":
        time = (f"{b} runs {kern} as fast as {a} at p = 1 within the interval (time ratio "
                f"{_x(g)} [{_x(lo)}, {_x(hi)}])")
        lead = ""
    else:  # few-samples
        time = (f"{b} runs {kern} at {_x(g)} times {a}'s time at p = 1 (no interval: a point "
                "with fewer than 2 samples)")
        lead = ""
    s = k["scaling"]
    better, worse = _points(k["b_scales_better"]), _points(k["a_scales_better"])
    subject = f"{lead} " if lead else ""
    if s == "scales-same":
        scale = f"{subject}scales the same within its intervals"
    elif s == "b-scales-better":
        scale = f"{subject}scales better at {better} (elsewhere the same within the intervals)"
    elif s == "a-scales-better":
        scale = f"{subject}scales worse at {worse} (elsewhere the same within the intervals)"
    elif s == "mixed":
        scale = f"{subject}scales better at {better} and worse at {worse}"
    else:
        scale = f"{subject}has no speedup at p > 1 to compare with {a}'s"
    return f"{time}, and {scale}"


def _ci(v: str, lo: str, hi: str, digits: int = 3) -> str:
    x, l, h = _f(v), _f(lo), _f(hi)
    if x is None:
        return ""
    return f"{x:.{digits}f}" + (f" [{l:.{digits}f}, {h:.{digits}f}]" if l is not None and h is not None else "")


def _num(v: str, digits: int = 3) -> str:
    x = _f(v)
    return "" if x is None else f"{x:.{digits}f}"


def kernel_table(kernels: list[dict]) -> list[str]:
    lines = ["| kernel (size) | series at p = 1 (count) | T_B/T_A at p = 1, geometric mean [95% CI] | "
             "time verdict | scaling | B scales better at | A scales better at |",
             "|---|---|---|---|---|---|---|"]
    for k in kernels:
        lines.append(f"| {k['kernel']} ({k['size']}) | {k['models_p1']} | "
                     f"{_ci(k['geomean_time_ratio_p1'], k['geomean_lo'], k['geomean_hi'])} | "
                     f"{k['time_verdict']} | {k['scaling']} | {_points(k['b_scales_better'])} | "
                     f"{_points(k['a_scales_better'])} |")
    return lines


def point_table(points: list[dict]) -> list[str]:
    lines = ["| kernel (size) | series | p | T_A s | T_B s | T_B/T_A [95% CI] | S_A | S_B | "
             "S_B/S_A [95% CI] | verdict |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in points:
        lines.append(f"| {r['kernel']} ({r['size']}) | {r['series']} | {r['workers']} | "
                     f"{_num(r['a_median_s'])} | {_num(r['b_median_s'])} | "
                     f"{_ci(r['time_ratio'], r['time_ratio_lo'], r['time_ratio_hi'])} | "
                     f"{_num(r['a_speedup'], 2)} | {_num(r['b_speedup'], 2)} | "
                     f"{_ci(r['speedup_ratio'], r['speedup_ratio_lo'], r['speedup_ratio_hi'], 2)} | "
                     f"{r['verdict']} |")
    return lines


def shown(d: Path) -> str:
    """A folder as the Markdown names it: relative to the repository when inside it (the
    tables may be committed), else as given."""
    try:
        return str(Path(d).resolve().relative_to(ROOT.resolve()))
    except ValueError:
        return str(d)


def difference_lines(diffs: list[tuple[str, str, str]]) -> list[str]:
    return [f"{w}: {va} -> {vb}" for w, va, vb in diffs]


def markdown(a: str, b: str, a_dir: Path, b_dir: Path, diffs: list[tuple[str, str, str]],
             allowed: list[str], points: list[dict], kernels: list[dict], seed: int,
             resamples: int) -> str:
    """The Markdown of one pair: who is A and B, what differs, the verdicts, the tables."""
    out = [f"# {b} against {a}", ""]
    if allowed:
        out += ["**Compared although they differ (`--allow-different`): only the points both "
                "ran are compared.**", ""]
        out += [f"- **{d}**" for d in allowed] + [""]
    out += [f"A = {a} (`{shown(a_dir)}`), B = {b} (`{shown(b_dir)}`). Ratios are B over A: a time ratio "
            "T_B/T_A below 1 means B is faster; a speedup ratio S_B/S_A above 1 means B gains "
            "more from its workers (S = T_seq/T(p) on each machine). Intervals are 95% "
            "percentile bootstrap intervals over the raw samples, each sample set resampled "
            f"on its own (`bench-stats machines`, seed {seed}, {resamples} resamples).", ""]
    out += ["## Differences of context", ""]
    out += ([f"- {ln}" for ln in difference_lines(diffs)] if diffs
            else ["None of those compared (CPU, cores, build, libraries, environment, "
                  "schema, repetitions, rounds, bind policy, sizes)."]) + [""]
    out += ["## Verdicts", ""] + [f"- {verdict_sentence(a, b, k, '×')}." for k in kernels] + [""]
    out += ["## Per kernel", "",
            "The time ratio at p = 1 is the geometric mean over the series that ran on one "
            "worker on both machines (bench-seq included). Scaling: `scales-same` when every "
            "speedup-ratio interval at p > 1 holds 1.", ""]
    out += kernel_table(kernels) + [""]
    out += ["## Every point", ""] + point_table(points) + [""]
    return "\n".join(out)
