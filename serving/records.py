"""The audit trail of a metric cell: the records behind its numerator and denominator.

A cell is (metric, scope, unit, grain, period). Its records in marts.fct_metric_records are those with
the metric's code and the year, a period_date inside the period (quarter / month), and the unit's
dept_code (scope `department`) or region_code (scope `region`; nothing more for `city`).
`count(DISTINCT record_key)` over in_numerator / in_denominator gives the cell's numerator /
denominator; dim_metric says whether a metric's records (and its denominator's) are listed at all.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from serving.snapshot import query

RECORD_LIMIT = 5000  # rows listed (and downloaded); the counts always cover every record


def _where(metric_code: str, scope: str, unit_code: str, grain: str, year: int,
           period_start: date, period_end: date) -> tuple[str, list]:
    clauses, params = ["r.metric_code = ?", "r.year = ?"], [metric_code, int(year)]
    if grain != "year":
        clauses.append("r.period_date BETWEEN ? AND ?")
        params += [period_start, period_end]
    if scope == "department":
        clauses.append("r.dept_code = ?")
        params.append(unit_code)
    elif scope == "region":
        clauses.append("r.region_code = ?")
        params.append(unit_code)
    return " AND ".join(clauses), params


def metric_records(metric_code: str, scope: str, unit_code: str, grain: str, year: int,
                   period_start: date, period_end: date, *, limit: int | None = RECORD_LIMIT,
                   lang: str = "zh") -> pd.DataFrame:
    """The records of one metric cell, numerator records first (one row per record_key), with the
    department's name."""
    where, params = _where(metric_code, scope, unit_code, grain, year, period_start, period_end)
    limit_clause = ""
    if limit is not None:
        limit_clause = "LIMIT ?"
        params.append(int(limit))
    name = f"u.unit_name_{'en' if lang == 'en' else 'zh'}"
    return query(
        f"""
        WITH cell AS (
            SELECT r.record_key, any_value(r.record_kind) AS record_kind, any_value(r.task_id) AS task_id,
                   any_value(r.uscc) AS uscc, any_value(r.dept_code) AS dept_code,
                   min(r.record_date) AS record_date, min(r.period_date) AS period_date,
                   any_value(r.detail) AS detail,
                   bool_or(r.in_numerator) AS in_numerator, bool_or(r.in_denominator) AS in_denominator
            FROM marts.fct_metric_records AS r
            WHERE {where}
            GROUP BY r.record_key
        )
        SELECT cell.*, {name} AS dept_name
        FROM cell
        LEFT JOIN marts.dim_unit AS u ON u.scope = 'department' AND u.unit_code = cell.dept_code
        ORDER BY cell.in_numerator DESC, cell.in_denominator DESC, cell.period_date NULLS LAST, cell.record_key
        {limit_clause}
        """,
        tuple(params),
    )


def record_counts(metric_code: str, scope: str, unit_code: str, grain: str, year: int,
                  period_start: date, period_end: date) -> dict[str, int]:
    """{"numerator", "denominator", "records"}: distinct record keys of the cell."""
    where, params = _where(metric_code, scope, unit_code, grain, year, period_start, period_end)
    df = query(
        f"""SELECT count(DISTINCT r.record_key) FILTER (WHERE r.in_numerator) AS numerator,
                   count(DISTINCT r.record_key) FILTER (WHERE r.in_denominator) AS denominator,
                   count(DISTINCT r.record_key) AS records
            FROM marts.fct_metric_records AS r WHERE {where}""",
        tuple(params),
    )
    row = df.iloc[0] if not df.empty else {}
    return {k: int(row.get(k, 0) or 0) for k in ("numerator", "denominator", "records")}


def counts_match(cell: pd.Series | dict, counts: dict[str, int]) -> bool:
    """The listed counts equal the cell's numerator (and its denominator, where the denominator's
    records are listed: dim_metric.denominator_listed). Pure."""
    numerator_ok = int(cell["numerator"] or 0) == counts["numerator"]
    if not bool(cell.get("denominator_listed", True)):
        return numerator_ok
    return numerator_ok and int(cell["denominator"] or 0) == counts["denominator"]
