"""The dashboard server fills its own query cache for a new publish before a reader asks.

Every query the pages run goes through one cached runner (dashboard.data), keyed on the version file.
After a publish the keys are new, so the first reader of the new figures would wait for every query
of the page (about 1.5 s of the overview's 4.7 s first visit at scale 14). Here the server remembers
which queries its readers ran (`seen`), and a background thread, on seeing a new version, runs the
most asked ones again against it (`replay`) through the same cache. Nothing is read that readers did
not ask for; a query that fails is left for the page, which shows its error as usual.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from serving import snapshot
from serving.scope import Scope

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0  # how soon after a publish the warm-up starts
BUDGET_SECONDS = 120.0  # a warm-up stops after this long: readers' own queries come first
MAX_QUERIES = 400  # the most asked queries replayed per publish
MAX_REMEMBERED = 5_000  # distinct queries remembered; beyond this new ones are not counted

Runner = Callable[[str, int, str, tuple, Scope], object]

_lock = threading.Lock()
_seen: Counter = Counter()  # (sql, repr(params), scope) -> runs; params may hold lists, not hashable
_params: dict[tuple[str, str, Scope], tuple] = {}
_thread: threading.Thread | None = None
_stop = threading.Event()


def seen(sql: str, params: tuple, scope: Scope) -> None:
    """Count one run of `sql` with `params` by a reader's page in `scope` (each scope is its own entry)."""
    key = (sql, repr(params), scope)
    with _lock:
        if key in _seen or len(_seen) < MAX_REMEMBERED:
            _seen[key] += 1
            _params[key] = params


def replay(runner: Runner, version: Path) -> tuple[int, float]:
    """Run the most asked queries against `version` through `runner`; (queries run, seconds)."""
    path, mtime_ns = str(version), version.stat().st_mtime_ns
    with _lock:
        queries = [(key[0], _params[key], key[2]) for key, _ in _seen.most_common(MAX_QUERIES)]
    start, done = time.monotonic(), 0
    for sql, params, scope in queries:
        if time.monotonic() - start > BUDGET_SECONDS:
            break
        try:
            runner(path, mtime_ns, sql, params, scope)
            done += 1
        except Exception as exc:  # noqa: BLE001 (a query the new version cannot answer: the page will say so)
            log.warning("warm-up query failed on %s: %s", version.name, exc)
    return done, time.monotonic() - start


def _current() -> Path | None:
    try:
        return snapshot.current_version()
    except (snapshot.NotPublished, OSError):
        return None


def _watch(runner: Runner, poll: float) -> None:
    last = _current()
    while not _stop.wait(poll):
        version = _current()
        if version is None or version == last:
            continue
        last = version
        done, seconds = replay(runner, version)
        log.info("warm-up of %s: %d queries in %.1f s", version.name, done, seconds)


def start(runner: Runner, poll: float = POLL_SECONDS) -> None:
    """Watch for new publishes in a background thread, once per server process."""
    global _thread
    with _lock:
        if _thread is not None and _thread.is_alive():
            return
        _stop.clear()
        _thread = threading.Thread(target=_watch, args=(runner, poll), name="serving-warm-up", daemon=True)
        _thread.start()


def stop() -> None:
    """Stop the watcher (tests; a server's thread ends with its process)."""
    _stop.set()
    if _thread is not None:
        _thread.join(timeout=10)
