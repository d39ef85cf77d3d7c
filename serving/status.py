"""Data status: freshness, batches, files, rejected rows and their reasons, department names that
resolve to no department, and publication clocks waiting for the official calendar
(mart_data_status__*, meta.publish_log).

The marts write their labels in Chinese (entity titles, load statuses, reason kinds, name columns and
problems, the fixed texts of withheld records). With `lang="en"` the loaders return those labels in
English from dim_code_label (domains platform_entity, load_status, reject_kind, department_name_column,
unresolved_name_problem, withheld_text): by the code where the mart has one, else by the Chinese text.
What the export itself holds (file and batch names, reasons, the row as written, department names as
written, a rejected file's message) is returned as stored. Chinese: the marts' values, unchanged."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from pipelines.contract.warehouse import REASON_SEPARATOR
from serving import formatters as fmt
from serving import labels
from serving.snapshot import has_table, query


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


def _label_language(lang: str) -> str:
    """`lang`, or Chinese (the marts' own labels) for an artefact without the label dimension."""
    return lang if lang != "zh" and has_table("marts", "dim_code_label") else "zh"


def _relabel(df: pd.DataFrame, column: str, domain: str, lang: str, codes=None, sep: str | None = None) -> pd.DataFrame:
    """df with `column` (a Chinese label the mart wrote) in `lang`: the label of the row's code in
    `codes` when the domain has one, else the label whose Chinese is the text, else the text as written."""
    if lang == "zh" or df.empty:
        return df
    texts = labels.translated(df[column], domain, lang, sep=sep)
    if codes is not None:
        by_code = labels.code_labels(domain, lang)
        texts = [text if fmt.is_missing(code) else by_code.get(str(code), text)
                 for code, text in zip(codes, texts)]
    out = df.copy()
    out[column] = texts
    return out


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
    # the publish log's batch date too: a reader without the data-status details sees no file rows
    published = query("SELECT max(published_at) AS published_at, max(latest_batch_date) AS latest_batch_date "
                      "FROM meta.publish_log")

    def to_date(value):
        return pd.Timestamp(value).date() if value is not None else None

    def to_datetime(value):
        return pd.Timestamp(value).to_pydatetime() if value is not None else None

    return Freshness(
        latest_batch_date=to_date(_value(files, "latest_batch_date") or _value(published, "latest_batch_date")),
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


def files(batch_id: str | None = None, lang: str = "zh") -> pd.DataFrame:
    """Every loaded or rejected file, optionally of one batch."""
    where, params = ("WHERE batch_id = ?", (batch_id,)) if batch_id else ("", ())
    df = query(
        f"""
        SELECT batch_id, batch_date, file_name, entity, entity_title, status_label,
               rows_read, rows_loaded, rows_rejected, message, file_format, loaded_at
        FROM marts.mart_data_status__files
        {where}
        ORDER BY batch_date DESC NULLS LAST, batch_id DESC, file_name
        """,
        params,
    )
    lang = _label_language(lang)
    df = _relabel(df, "entity_title", "platform_entity", lang, codes=df["entity"])
    return _relabel(df, "status_label", "load_status", lang)


def entities(lang: str = "zh") -> pd.DataFrame:
    df = query(
        """
        SELECT entity, entity_title, files, files_loaded, files_rejected, rows_loaded,
               current_records, superseded_rows, rows_rejected, latest_batch_date, last_loaded_at
        FROM marts.mart_data_status__entities
        ORDER BY sort_order
        """
    )
    return _relabel(df, "entity_title", "platform_entity", _label_language(lang), codes=df["entity"])


def reject_kinds(lang: str = "zh") -> pd.DataFrame:
    """Rejected rows per reason kind, all entities together (a row with two kinds counts twice)."""
    df = query(
        """
        SELECT reason_kind, reason_kind_label, sum(rejected_rows) AS rejected_rows
        FROM marts.mart_data_status__reject_reasons
        GROUP BY reason_kind, reason_kind_label
        ORDER BY min(reason_kind_sort_order), reason_kind
        """
    )
    return _relabel(df, "reason_kind_label", "reject_kind", _label_language(lang), codes=df["reason_kind"])


def reject_reasons_by_entity(lang: str = "zh") -> pd.DataFrame:
    df = query(
        """
        SELECT r.entity, r.entity_title, r.reason_kind, r.reason_kind_label, r.rejected_rows,
               r.entity_rejected_rows
        FROM marts.mart_data_status__reject_reasons AS r
        LEFT JOIN marts.mart_data_status__entities AS e ON r.entity = e.entity
        ORDER BY e.sort_order NULLS LAST, r.reason_kind_sort_order
        """
    )
    lang = _label_language(lang)
    df = _relabel(df, "entity_title", "platform_entity", lang, codes=df["entity"])
    return _relabel(df, "reason_kind_label", "reject_kind", lang, codes=df["reason_kind"])


def reject_filter_options(lang: str = "zh") -> pd.DataFrame:
    """Distinct (entity, title, batch) combinations present among the rejected rows."""
    df = query(
        """
        SELECT DISTINCT entity, entity_title, batch_id, batch_date
        FROM marts.mart_data_status__rejects
        ORDER BY batch_date DESC NULLS LAST, batch_id DESC, entity
        """
    )
    return _relabel(df, "entity_title", "platform_entity", _label_language(lang), codes=df["entity"])


def rejects(search: str = "", entity: str | None = None, batch_id: str | None = None,
            lang: str = "zh") -> pd.DataFrame:
    """Rejected rows matching every filter given; `search` is a plain substring (case-insensitive)
    of the file name, reasons, reason kinds or the original row, as stored (Chinese reason kinds). In
    English the entity title, the reason kinds and a withheld row's fixed text are translated; the
    reasons and the row stay as the ingest wrote them."""
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
    df = query(
        f"""
        SELECT entity, entity_title, batch_id, batch_date, file_name, file_row_number,
               reasons, reason_kinds, row_json, loaded_at
        FROM marts.mart_data_status__rejects
        {where}
        ORDER BY batch_date DESC NULLS LAST, batch_id DESC, file_name, file_row_number
        """,
        tuple(params),
    )
    lang = _label_language(lang)
    df = _relabel(df, "entity_title", "platform_entity", lang, codes=df["entity"])
    df = _relabel(df, "reason_kinds", "reject_kind", lang, sep=REASON_SEPARATOR)
    return _relabel(df, "reasons", "withheld_text", lang)


def unresolved_department_names(lang: str = "zh") -> pd.DataFrame:
    """Names as written (a withheld record's name as a fixed text) with the entity, the column that
    holds them and the problem."""
    df = query(
        """
        SELECT entity, entity_title, column_name, column_label, dept_name, problem, records
        FROM marts.mart_data_status__unresolved_department_names
        ORDER BY records DESC, entity_title, dept_name
        """
    )
    lang = _label_language(lang)
    df = _relabel(df, "entity_title", "platform_entity", lang, codes=df["entity"])
    df = _relabel(df, "column_label", "department_name_column", lang,
                  codes=[f"{e}.{c}" for e, c in zip(df["entity"], df["column_name"])])
    df = _relabel(df, "problem", "unresolved_name_problem", lang)
    return _relabel(df, "dept_name", "withheld_text", lang)


def awaiting_calendar() -> pd.DataFrame:
    """Per year the official calendar must be extended to: how many publication clocks wait for it and
    their event dates (empty when the calendar covers every clock, or in an artefact from before the
    table existed)."""
    if not has_table("marts", "mart_data_status__awaiting_calendar"):
        return pd.DataFrame(columns=["calendar_year_needed", "obligations", "first_event_date", "last_event_date"])
    return query("""SELECT calendar_year_needed, obligations, first_event_date, last_event_date
                    FROM marts.mart_data_status__awaiting_calendar ORDER BY calendar_year_needed""")


def publish_log() -> pd.DataFrame:
    """The publishes this artefact carries, newest first (empty for an artefact without the log)."""
    if not has_table("meta", "publish_log"):
        return pd.DataFrame(columns=["published_at", "run_id", "latest_batch_date"])
    return query("SELECT * FROM meta.publish_log ORDER BY published_at DESC")


def has_early_warning() -> bool:
    """Whether the early-warning mart is there (an artefact of an older release may lack it)."""
    return has_table("marts", "mart_early_warning__obligations")
