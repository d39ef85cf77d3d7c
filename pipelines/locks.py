"""Waiting out a transient lock on the warehouse (DuckDB allows one writing process per file).

An operator's `duckdb` shell, `make check` or a previous run that is still closing can hold the
file for a moment; a run step waits for it a little, then asks Dagster to retry the step later
(RetryRequested) instead of failing the run. Any other error is not retried: it needs a person.
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import duckdb
from dagster import RetryRequested

log = logging.getLogger(__name__)
RETRIES = 3


def wait_seconds() -> float:
    return float(os.environ.get("SSSG_LOCK_WAIT_SECONDS", "30"))


def retry_after_seconds() -> float:
    return float(os.environ.get("SSSG_LOCK_RETRY_SECONDS", "20"))


class WarehouseLocked(RuntimeError):
    pass


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def wait_for_warehouse(path: Path, wait: float | None = None, interval: float = 0.5) -> None:
    """Return once a writer can open `path`; raise WarehouseLocked (naming the holder) after the wait."""
    wait = wait_seconds() if wait is None else wait
    deadline = time.monotonic() + wait
    while True:
        try:
            duckdb.connect(str(path)).close()
            return
        except duckdb.IOException as exc:
            if not is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLocked(f"数据仓库文件被其他进程占用，等待 {wait:.0f} 秒后仍未释放：{exc}") from exc
            log.warning("warehouse %s is locked, waiting: %s", path, exc)
            time.sleep(interval)


def warehouse_ready_or_retry(path: Path) -> None:
    """In a Dagster step: wait for the lock, else have Dagster retry the step later (the log says why)."""
    try:
        wait_for_warehouse(path)
    except WarehouseLocked as exc:
        log.warning("%s; Dagster retries this step in %s s (at most %d times)", exc, retry_after_seconds(), RETRIES)
        raise RetryRequested(max_retries=RETRIES, seconds_to_wait=retry_after_seconds()) from exc
