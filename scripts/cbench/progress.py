"""One progress line for a whole job: step k of n, the time elapsed, and the time left.

The time left comes from a cost model fed by what was measured so far. Every step has a
kind and a size in units: a sweep configuration's kind is its kernel and its units the runs
it makes ((repetitions + 1 warm-up) x worker counts + 1); a micro-benchmark step is one
unit of its own kind with a prior guess in seconds. A step whose kind has run before costs
its units times that kind's measured seconds per unit; a sweep kind not seen yet costs the
mean rate of the kinds seen; a step with a prior costs the prior scaled by how far the
priors were off so far. On a terminal the line is redrawn in place, elsewhere one line is
printed per step."""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass

from . import common
from .common import fmt_time


LIMIT_FACTOR = 20     # a step may take this many times its estimate ...
LIMIT_MIN_S = 120     # ... but never less than this
LIMIT_FIRST_S = 3600  # before anything was measured


@dataclass
class Step:
    kind: str
    units: float = 1.0
    prior_s: float | None = None  # a guess for kinds that run once (micro-benchmarks)


class Progress:
    def __init__(self, steps: list[Step], stream=None, clock=time.monotonic):
        self.steps = steps
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.clock = clock
        self.t0 = clock()
        self.next = 0
        self.spent: dict[str, float] = {}   # seconds measured per kind
        self.units: dict[str, float] = {}   # units measured per kind
        self.prior_spent = 0.0              # of steps with a prior: seconds measured ...
        self.prior_guess = 0.0              # ... and what their priors said
        self.estimates: list[tuple[float, float]] = []  # (elapsed, estimated left) per step

    # --- the model --------------------------------------------------------------------------
    def estimate(self, step: Step) -> float | None:
        if step.kind in self.units and self.units[step.kind] > 0:
            return step.units * self.spent[step.kind] / self.units[step.kind]
        if step.prior_s is not None:
            factor = self.prior_spent / self.prior_guess if self.prior_guess > 0 else 1.0
            return step.prior_s * factor
        rated = [k for k in self.units if self.units[k] > 0 and not self._has_prior(k)]
        if not rated:
            return None
        return step.units * sum(self.spent[k] for k in rated) / sum(self.units[k] for k in rated)

    def _has_prior(self, kind: str) -> bool:
        return any(s.kind == kind and s.prior_s is not None for s in self.steps)

    def limit_s(self, fixed: float | None = None) -> tuple[float, float | None]:
        """The time limit of the next step and the estimate it comes from: fixed when
        given, else LIMIT_FACTOR times the estimate (at least LIMIT_MIN_S), or
        LIMIT_FIRST_S when nothing has been measured yet. A program that runs past it hangs
        (a stalled thread start under a memory limit, a lost wake-up) rather than runs
        slowly: the factor leaves room for a loaded machine and for the worker counts that
        oversubscribe."""
        est = self.estimate(self.steps[self.next]) if self.next < len(self.steps) else None
        if fixed is not None:
            return fixed, est
        if est is None:
            return LIMIT_FIRST_S, None
        return max(LIMIT_MIN_S, LIMIT_FACTOR * est), est

    def left(self) -> float | None:
        total = 0.0
        for s in self.steps[self.next:]:
            e = self.estimate(s)
            if e is None:
                return None
            total += e
        return total

    # --- the steps --------------------------------------------------------------------------
    def skip(self) -> None:
        """The next step was done by an earlier run (resumed)."""
        self.next += 1

    @contextmanager
    def step(self, text: str):
        i = self.next
        step = self.steps[i]
        elapsed = self.clock() - self.t0
        left = self.left()
        self.estimates.append((elapsed, left if left is not None else -1))
        when = "estimating time left" if left is None else f"about {fmt_time(left)} left"
        self._show(f"[{i + 1}/{len(self.steps)}] {text} (elapsed {fmt_time(elapsed)}, {when})")
        t = self.clock()
        try:
            yield
        finally:
            d = self.clock() - t
            self.spent[step.kind] = self.spent.get(step.kind, 0.0) + d
            self.units[step.kind] = self.units.get(step.kind, 0.0) + step.units
            if step.prior_s is not None:
                self.prior_spent += d
                self.prior_guess += step.prior_s
            self.next = i + 1

    def _show(self, line: str) -> None:
        line = f"{common.PROG}: {line}"
        if self.tty:
            self.stream.write("\r\033[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the redrawn line (a terminal) before other messages."""
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def say(self, msg: str) -> None:
        """A message between progress lines (a terminal's line is ended first)."""
        if self.tty:
            self.stream.write("\r\033[K")
        common.say(msg)
