"""Running one stage as a child process and measuring its wall time and peak memory.

Peak memory is the larger of two readings:
- the kernel's peak resident set of the child and every descendant it waited for (os.wait4's
  ru_maxrss: the largest single process of the tree, exact, however short its peak);
- the largest sum of the resident sets of the child's live process tree, sampled from /proc every
  SAMPLE_SECONDS (catches concurrent children, such as dbt's, whose sum exceeds any single one).
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.1
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measured:
    seconds: float
    peak_rss: int  # bytes
    returncode: int
    log: Path


def _kids(pid: int) -> list[int]:
    """Live children of `pid`, from /proc/<pid>/task/*/children (cheap: no scan of all of /proc)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            out += [int(x) for x in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except (OSError, ValueError):
            pass
    return out


def tree_rss(pid: int) -> int:
    """Sum of the resident sets (bytes) of `pid` and its live descendants."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue
        todo.extend(_kids(p))
    return total


def run_measured(cmd: list[str], *, env: dict[str, str], cwd: Path, log: Path,
                 timeout: float | None = None) -> Measured:
    """Run `cmd`, output to `log`; wall seconds, peak RSS (bytes) and exit status."""
    log.parent.mkdir(parents=True, exist_ok=True)
    peak = 0
    done = threading.Event()
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)

        def sample() -> None:
            nonlocal peak
            while not done.wait(SAMPLE_SECONDS):
                peak = max(peak, tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = None
        if timeout:
            timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C reaches only us (the child has its own session): stop the stage too
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            raise
        finally:
            seconds = time.perf_counter() - started
            done.set()
            if timer:
                timer.cancel()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(seconds, max(peak, usage.ru_maxrss * 1024), proc.returncode, log)
