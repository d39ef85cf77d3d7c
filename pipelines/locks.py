"""Waiting out a transient lock on the warehouse (DuckDB allows one writing process per file).

An operator's `duckdb` shell, `make check` or a previous run that is still closing can hold the
file for a moment; a run step waits for it a little, then asks Dagster to retry the step later
(RetryRequested) instead of failing the run. Any other error is not retried: it needs a person.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

import duckdb
from dagster import RetryRequested

log = logging.getLogger(__name__)
WAIT_SECONDS = 30.0
RETRIES = 3
RETRY_AFTER_SECONDS = 20


class WarehouseLocked(RuntimeError):
    pass


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def wait_for_warehouse(path: Path, wait_seconds: float = WAIT_SECONDS, interval: float = 0.5) -> None:
    """Return once a writer can open `path`; raise WarehouseLocked (naming the holder) after the wait."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            duckdb.connect(str(path)).close()
            return
        except duckdb.IOException as exc:
            if not is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLocked(f"数据仓库文件被其他进程占用，等待 {wait_seconds:.0f} 秒后仍未释放：{exc}") from exc
            log.warning("warehouse %s is locked, waiting: %s", path, exc)
            time.sleep(interval)


def warehouse_ready_or_retry(path: Path, wait_seconds: float = WAIT_SECONDS) -> None:
    """In a Dagster step: wait for the lock, else have Dagster retry the step later."""
    try:
        wait_for_warehouse(path, wait_seconds)
    except WarehouseLocked as exc:
        raise RetryRequested(max_retries=RETRIES, seconds_to_wait=RETRY_AFTER_SECONDS) from exc
