"""Which publish a reader sees, and the query runner.

The serving artefact is a DuckDB file (schema `marts`: copies of the dbt marts; `meta.publish_log`);
the serving path is a link the publish step re-points atomically at a new, immutable version file
(pipelines/publish.py). A dashboard page or a report pins one version (`pin`, or `pinned()` as a
context) and every query of it reads that same file: one publish, whole. Every query opens a
short-lived read-only connection and closes it, so a publish is never blocked. The path comes from
SSSG_SERVING_PATH, read at call time.

The runner that executes a query is replaceable (`set_runner`): the dashboard installs one cached per
version file (Streamlit's cache); the reports use the plain one.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import pandas as pd

from pipelines.settings import paths

from serving import scope as _scope

# (version file, its mtime_ns, sql, params, the reader's scope) -> rows
Runner = Callable[[str, int, str, tuple, _scope.Scope], pd.DataFrame]


class NotPublished(RuntimeError):
    """The serving artefact does not exist (yet)."""


def serving_path() -> Path:
    return paths().serving


def is_published() -> bool:
    return serving_path().is_file()


def current_version() -> Path:
    """The version file the serving path points at now."""
    path = serving_path()
    try:
        return path.resolve(strict=True)
    except FileNotFoundError:
        raise NotPublished(str(path)) from None


T = TypeVar("T")

_pinned: ContextVar[Path | None] = ContextVar("serving_version", default=None)


def pin() -> Path | None:
    """Pin the current version for the rest of this context (a Streamlit script run)."""
    try:
        version = current_version()
    except NotPublished:
        version = None
    _pinned.set(version)
    return version


@contextmanager
def pinned(version: Path | None = None) -> Iterator[Path]:
    """Every query inside reads one version: `version` (a serving path or version file), else the
    current one."""
    target = Path(version).resolve(strict=True) if version is not None else current_version()
    token = _pinned.set(target)
    try:
        yield target
    finally:
        _pinned.reset(token)


def run_query(path: str, mtime_ns: int, sql: str, params: tuple,
              scope: _scope.Scope = _scope.OPERATOR, keep: bool = False) -> pd.DataFrame:
    """One query on a connection that sees the rows of `scope` only (serving.scope), closed after;
    `keep`: on a database kept open for the version (serving.scope.connect)."""
    con = _scope.connect(path, mtime_ns, scope, keep)
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


_runner: Runner = run_query


def set_runner(runner: Runner) -> None:
    """Use `runner(path, mtime_ns, sql, params, scope)` for every query (the dashboard's cache)."""
    global _runner
    _runner = runner


def version() -> tuple[str, int]:
    """(path, mtime_ns) of the version being read: the pinned one, else the current one."""
    path = _pinned.get() or current_version()
    try:
        return str(path), path.stat().st_mtime_ns
    except FileNotFoundError:
        raise NotPublished(str(path)) from None


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a parameterised query against the pinned (else the current) version, through the scope of
    this context's reader (serving.scope)."""
    path, mtime_ns = version()
    return _runner(path, mtime_ns, sql, tuple(params), _scope.current())


@lru_cache(maxsize=64)
def _memo(path: str, mtime_ns: int, sql: str, scope: _scope.Scope) -> pd.DataFrame:
    return run_query(path, mtime_ns, sql, (), scope)


def dimension(sql: str) -> pd.DataFrame:
    """A small dimension table (labels, units, settings) read once per version file and scope and
    kept: they are looked up many times per page or report. A copy, so a caller cannot change it."""
    path, mtime_ns = version()
    return _memo(path, mtime_ns, sql, _scope.current()).copy()


_derived: dict[tuple, object] = {}


def derived(key: tuple, build: Callable[[], T]) -> T:
    """`build()` (a lookup built from dimensions: a label map, a unit's name) once per version file
    and `key`: a page asks for labels hundreds of times a run. The caller hands out copies of
    mutable values."""
    path, mtime_ns = version()
    slot = (path, mtime_ns, _scope.current().key(), *key)
    if slot not in _derived:
        if len(_derived) > 1024:  # old versions' entries: start again rather than grow
            _derived.clear()
        _derived[slot] = build()
    return _derived[slot]  # type: ignore[return-value]


def has_table(schema: str, table: str) -> bool:
    """Whether the pinned version has a table (an artefact from an older release may lack one)."""
    found = query("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                  (schema, table))
    return bool(int(found.iloc[0]["n"]))
