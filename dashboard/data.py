"""Data access for the dashboard: the serving artefact only, never the warehouse dbt writes.

The serving artefact is a DuckDB file (schema `marts`: copies of the dbt marts; `meta.publish_log`);
the serving path is a link the publish step re-points atomically at a new, immutable version file
(pipelines/publish.py). A page pins the version once (`pin_snapshot`, called by the router on every
run; `snapshot()` elsewhere) and every query of that page reads the same file: one publish, whole.
Every query opens a short-lived read-only connection and closes it, so a publish is never blocked.
Results are cached for a short time and keyed on the version file, so a new publish shows up
without a restart. The path comes from SSSG_SERVING_PATH, read at call time.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines.settings import paths

CACHE_TTL_SECONDS = 300

NOT_PUBLISHED_MESSAGE = (
    "数据尚未发布：还没有可供看板读取的数据文件（{path}）。"
    "请先运行数据管道（加载导出文件、dbt 构建并发布）。"
)


class NotPublished(RuntimeError):
    """The serving artefact does not exist (yet)."""


def serving_path() -> Path:
    return paths().serving


def is_published() -> bool:
    return serving_path().is_file()


_pinned: ContextVar[Path | None] = ContextVar("serving_version", default=None)


def current_version() -> Path:
    """The version file the serving path points at now."""
    path = serving_path()
    try:
        return path.resolve(strict=True)
    except FileNotFoundError:
        raise NotPublished(str(path)) from None


def pin_snapshot() -> Path | None:
    """Pin the current version for the rest of this script run (the router calls it first)."""
    try:
        version = current_version()
    except NotPublished:
        version = None
    _pinned.set(version)
    return version


@contextmanager
def snapshot(version: Path | None = None) -> Iterator[Path]:
    """Every query inside reads one version, the current one unless given (outside a Streamlit page run)."""
    token = _pinned.set(version or current_version())
    try:
        yield _pinned.get()
    finally:
        _pinned.reset(token)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _cached_query(path: str, mtime_ns: int, sql: str, params: tuple) -> pd.DataFrame:
    del mtime_ns  # part of the cache key only: a legacy artefact replaced in place changes its mtime
    con = duckdb.connect(path, read_only=True)
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a parameterised query against the pinned (else the current) version, cached per version."""
    path = _pinned.get() or current_version()
    try:
        mtime_ns = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise NotPublished(str(path)) from None
    return _cached_query(str(path), mtime_ns, sql, tuple(params))


# --- loaders -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Freshness:
    latest_batch_date: date | None
    last_loaded_at: datetime | None
    last_published_at: datetime | None
    batches: int
    files: int
    rows_read: int
    rows_loaded: int
    rows_rejected: int


def _value(df: pd.DataFrame, column: str):
    if df.empty:
        return None
    value = df.iloc[0][column]
    return None if pd.isna(value) else value


def freshness() -> Freshness:
    files = query(
        """
        SELECT max(batch_date) AS latest_batch_date,
               max(loaded_at) AS last_loaded_at,
               count(DISTINCT batch_id) AS batches,
               count(*) AS files,
               coalesce(sum(rows_read), 0) AS rows_read,
               coalesce(sum(rows_loaded), 0) AS rows_loaded,
               coalesce(sum(rows_rejected), 0) AS rows_rejected
        FROM marts.mart_data_status__files
        """
    )
    published = query("SELECT max(published_at) AS published_at FROM meta.publish_log")

    def to_date(value):
        return pd.Timestamp(value).date() if value is not None else None

    def to_datetime(value):
        return pd.Timestamp(value).to_pydatetime() if value is not None else None

    return Freshness(
        latest_batch_date=to_date(_value(files, "latest_batch_date")),
        last_loaded_at=to_datetime(_value(files, "last_loaded_at")),
        last_published_at=to_datetime(_value(published, "published_at")),
        batches=int(_value(files, "batches") or 0),
        files=int(_value(files, "files") or 0),
        rows_read=int(_value(files, "rows_read") or 0),
        rows_loaded=int(_value(files, "rows_loaded") or 0),
        rows_rejected=int(_value(files, "rows_rejected") or 0),
    )


def batches() -> pd.DataFrame:
    """One row per export batch: files by status and rows read / loaded / rejected."""
    return query(
        """
        SELECT batch_id, batch_date,
               count(*) AS files,
               count(*) FILTER (WHERE status = 'loaded') AS files_loaded,
               count(*) FILTER (WHERE status = 'rejected') AS files_rejected,
               sum(rows_read) AS rows_read,
               sum(rows_loaded) AS rows_loaded,
               sum(rows_rejected) AS rows_rejected,
               max(loaded_at) AS last_loaded_at
        FROM marts.mart_data_status__files
        GROUP BY batch_id, batch_date
        ORDER BY batch_date DESC NULLS LAST, batch_id DESC
        """
    )


def files(batch_id: str | None = None) -> pd.DataFrame:
    """Every loaded or rejected file, optionally of one batch."""
    where, params = ("WHERE batch_id = ?", (batch_id,)) if batch_id else ("", ())
    return query(
        f"""
        SELECT batch_id, batch_date, file_name, entity_title, status_label,
               rows_read, rows_loaded, rows_rejected, message, file_format, loaded_at
        FROM marts.mart_data_status__files
        {where}
        ORDER BY batch_date DESC NULLS LAST, batch_id DESC, file_name
        """,
        params,
    )


def entities() -> pd.DataFrame:
    return query(
        """
        SELECT entity, entity_title, files, files_loaded, files_rejected, rows_loaded,
               current_records, superseded_rows, rows_rejected, latest_batch_date, last_loaded_at
        FROM marts.mart_data_status__entities
        ORDER BY sort_order
        """
    )


def reject_kinds() -> pd.DataFrame:
    """Rejected rows per reason kind, all entities together (a row with two kinds counts twice)."""
    return query(
        """
        SELECT reason_kind, reason_kind_label, sum(rejected_rows) AS rejected_rows
        FROM marts.mart_data_status__reject_reasons
        GROUP BY reason_kind, reason_kind_label
        ORDER BY min(reason_kind_sort_order), reason_kind
        """
    )


def reject_reasons_by_entity() -> pd.DataFrame:
    return query(
        """
        SELECT r.entity_title, r.reason_kind_label, r.rejected_rows, r.entity_rejected_rows
        FROM marts.mart_data_status__reject_reasons AS r
        LEFT JOIN marts.mart_data_status__entities AS e ON r.entity = e.entity
        ORDER BY e.sort_order NULLS LAST, r.reason_kind_sort_order
        """
    )


def reject_filter_options() -> pd.DataFrame:
    """Distinct (entity, title, batch) combinations present among the rejected rows."""
    return query(
        """
        SELECT DISTINCT entity, entity_title, batch_id, batch_date
        FROM marts.mart_data_status__rejects
        ORDER BY batch_date DESC NULLS LAST, batch_id DESC, entity
        """
    )


def rejects(search: str = "", entity: str | None = None, batch_id: str | None = None) -> pd.DataFrame:
    """Rejected rows matching every filter given; `search` is a plain substring (case-insensitive)
    of the file name, reasons, reason kinds or the original row."""
    clauses, params = [], []
    if entity:
        clauses.append("entity = ?")
        params.append(entity)
    if batch_id:
        clauses.append("batch_id = ?")
        params.append(batch_id)
    if search.strip():
        clauses.append(
            "contains(lower(concat_ws(' ', file_name, reasons, reason_kinds, row_json)), lower(?))"
        )
        params.append(search.strip())
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return query(
        f"""
        SELECT entity_title, batch_id, batch_date, file_name, file_row_number,
               reasons, reason_kinds, row_json, loaded_at
        FROM marts.mart_data_status__rejects
        {where}
        ORDER BY batch_date DESC NULLS LAST, batch_id DESC, file_name, file_row_number
        """,
        tuple(params),
    )


def unresolved_department_names() -> pd.DataFrame:
    return query(
        """
        SELECT entity_title, column_label, dept_name, problem, records
        FROM marts.mart_data_status__unresolved_department_names
        ORDER BY records DESC, entity_title, dept_name
        """
    )
