"""Child processes and signals.

Every program the driver starts (a benchmark binary, bench-summary, gnuplot, lstopo, meson)
runs in a process group of its own, with no standard input, and dies with the driver
(PR_SET_PDEATHSIG), so that a driver killed outright leaves no benchmark running unseen.

SIGINT, SIGTERM and SIGHUP do not interrupt the driver where it stands: the handler notes
the signal and passes SIGTERM on to the running child's group, whose programs remove their
own temporary files and exit. The driver then waits for that child (SIGKILL to its group
after 10 s), and at the next check it runs the clean-ups registered so far, newest first,
and ends by the same signal (exit status 128+N in a shell). Files are only ever renamed into
place whole, so whatever the moment, a folder holds complete files only.
"""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from typing import Callable, Sequence

KILL_AFTER_S = 10
PR_SET_PDEATHSIG = 1


@dataclass
class Result:
    status: int  # exit status, or 128+N when the child died of signal N
    out: str
    err: str
    timed_out: bool = False  # stopped by the driver when its time limit ran out


def _die_with_parent(parent: int) -> Callable[[], None]:
    libc = ctypes.CDLL(None, use_errno=True)

    def prepare() -> None:  # in the child, between fork and exec
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the driver died before the line above
            os._exit(137)
    return prepare


class Runner:
    def __init__(self) -> None:
        self.signum: int | None = None
        self.child: subprocess.Popen | None = None
        self.cleanups: list[Callable[[], None]] = []
        self.deadline: float | None = None  # time.monotonic() by which every child must end
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, self._on_signal)
        signal.signal(signal.SIGALRM, self._on_alarm)
        self._prepare = _die_with_parent(os.getpid())

    # --- signals ---------------------------------------------------------------------------
    def _on_signal(self, signum, _frame) -> None:
        if self.signum is None:
            self.signum = signum
            signal.alarm(KILL_AFTER_S)
        self._forward(signal.SIGTERM)

    def _on_alarm(self, _signum, _frame) -> None:
        self._forward(signal.SIGKILL)

    def _forward(self, sig: int) -> None:
        child = self.child
        if child is not None and child.returncode is None:
            self._signal_group(child.pid, sig)

    def interrupted(self) -> bool:
        return self.signum is not None

    def check(self) -> None:
        """At a safe point: if a signal came, clean up and end by it."""
        if self.signum is None:
            return
        signal.alarm(0)
        while self.cleanups:
            try:
                self.cleanups.pop()()
            except Exception:  # a clean-up that fails must not stop the others
                pass
        sig = self.signum
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)  # (not reached)

    def on_interrupt(self, fn: Callable[[], None]) -> Callable[[], None]:
        self.cleanups.append(fn)
        return fn

    def forget(self, fn: Callable[[], None]) -> None:
        if fn in self.cleanups:
            self.cleanups.remove(fn)

    # --- children --------------------------------------------------------------------------
    def run(self, argv: Sequence[str], capture: bool = False, err_capture: bool = False,
            stdout=None, env: dict | None = None, cwd: str | None = None,
            timeout: float | None = None) -> Result:
        """Run argv in a process group of its own and wait for it. capture: its standard
        output as text; err_capture: its standard error as text (else both are ours, or
        stdout goes to the file object given). A program that cannot start is status 127.
        timeout (seconds), or the deadline set for a whole step, whichever comes first: a
        child still running then is stopped (SIGTERM, then SIGKILL) and its result is
        status 124, timed_out."""
        self.check()
        if self.deadline is not None:
            left = max(0.1, self.deadline - time.monotonic())
            timeout = left if timeout is None else min(timeout, left)
        try:
            child = subprocess.Popen(
                list(argv), stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE if capture else stdout,
                stderr=subprocess.PIPE if err_capture else None,
                env=env, cwd=cwd, process_group=0, preexec_fn=self._prepare, text=True,
                errors="replace")
        except OSError as e:
            return Result(127, "", f"{argv[0]}: {e.strerror}")
        self.child = child
        if self.signum is not None:
            self._forward(signal.SIGTERM)
        timed_out = False
        try:
            try:
                out, err = child.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                # as for a signal: SIGTERM first, so that the program removes its temporary
                # files and stops its workers; SIGKILL to the group if it does not end
                timed_out = True
                self._signal_group(child.pid, signal.SIGTERM)
                try:
                    out, err = child.communicate(timeout=KILL_AFTER_S)
                except subprocess.TimeoutExpired:
                    self._kill_group(child.pid)
                    out, err = child.communicate()
        finally:
            self._kill_group(child.pid)
            self.child = None
        status = child.returncode
        if status < 0:
            status = 128 - status
        if timed_out:
            status = 124
        return Result(status, out or "", err or "", timed_out)

    @staticmethod
    def _signal_group(pgid: int, sig: int) -> None:
        for s in (sig, signal.SIGCONT):
            try:
                os.killpg(pgid, s)
            except (ProcessLookupError, PermissionError):
                pass

    @classmethod
    def _kill_group(cls, pgid: int) -> None:
        """Whatever is left of a child's group once its leader ended (nothing, normally)."""
        cls._signal_group(pgid, signal.SIGKILL)


RUNNER: Runner | None = None


def runner() -> Runner:
    global RUNNER
    if RUNNER is None:
        RUNNER = Runner()
    return RUNNER
