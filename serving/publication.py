"""Publication obligations and the early warning as dbt judged them (mart_publication__obligations,
mart_early_warning__obligations / __month_ends / __tasks): listed, filtered and counted here, never
re-judged. Department names come from dim_unit, statuses and event types are labelled from
dim_code_label.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from serving import labels
from serving.snapshot import query


def _filter(region_code: str | None, dept_code: str | None, year: int | None = None,
            alias: str = "o") -> tuple[str, list]:
    clauses, params = ["TRUE"], []
    if year is not None:
        clauses.append(f"{alias}.year = ?")
        params.append(year)
    if region_code:
        clauses.append(f"{alias}.region_code = ?")
        params.append(region_code)
    if dept_code:
        clauses.append(f"{alias}.dept_code = ?")
        params.append(dept_code)
    return " AND ".join(clauses), params


def _dept_name(lang: str) -> str:
    return f"coalesce(u.unit_name_{'en' if lang == 'en' else 'zh'}, o.dept_name)"


_DEPT_JOIN = "LEFT JOIN marts.dim_unit AS u ON u.scope = 'department' AND u.unit_code = o.dept_code"
_REGION_NAME = "(SELECT r.unit_name_{sx} FROM marts.dim_unit AS r WHERE r.scope = 'region' AND r.unit_code = o.region_code)"


def _labelled(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = df.copy()
    if "event_type" in out:
        out["event_label"] = labels.labelled(out["event_type"], "event_type", lang)
    if "status" in out:
        out["status_label"] = labels.labelled(out["status"], "publication_status", lang)
    if "warning" in out:
        out["warning_label"] = labels.labelled(out["warning"], "warning", lang)
    return out


def problems(dept_code: str, period_start: date, period_end: date, lang: str = "zh") -> pd.DataFrame:
    """A department's late, overdue-unpublished and published-before-event obligations whose event fell
    in the period, the worst first."""
    return _labelled(query(
        """SELECT event_type, status, task_id, task_name, record_id, event_date, deadline_date,
                  published_date, working_days_late, as_of_date
           FROM marts.mart_publication__obligations
           WHERE dept_code = ? AND event_date BETWEEN ? AND ?
             AND status IN ('late', 'overdue_unpublished', 'published_before_event')
           ORDER BY CASE status WHEN 'overdue_unpublished' THEN 0 WHEN 'late' THEN 1 ELSE 2 END,
                    working_days_late DESC NULLS LAST, deadline_date, obligation_key""",
        (dept_code, period_start, period_end),
    ), lang)


def late_days(year: int | None, region_code: str | None, dept_code: str | None) -> pd.Series:
    """Working days late of each obligation published late (status late)."""
    where, params = _filter(region_code, dept_code, year)
    df = query(f"""SELECT o.working_days_late FROM marts.mart_publication__obligations AS o
                   WHERE {where} AND o.status = 'late' AND o.working_days_late IS NOT NULL""", tuple(params))
    return df["working_days_late"]


def long_holiday_effect(region_code: str | None, dept_code: str | None, lang: str = "zh") -> pd.DataFrame:
    """Obligations due (is_due) and late or overdue (is_late) per long holiday in their clock window
    (mart_publication__obligations.long_holiday), every year; share_late NULL without any due."""
    where, params = _filter(region_code, dept_code)
    df = query(
        f"""SELECT l.code AS long_holiday, l.sort_order,
                   count(o.obligation_key) FILTER (WHERE o.is_due) AS due,
                   count(o.obligation_key) FILTER (WHERE o.is_due AND o.is_late) AS late
            FROM marts.dim_code_label AS l
            LEFT JOIN marts.mart_publication__obligations AS o
                ON o.long_holiday = l.code AND {where}
            WHERE l.domain = 'long_holiday'
            GROUP BY l.code, l.sort_order
            ORDER BY l.sort_order""",
        tuple(params),
    )
    df["label"] = labels.labelled(df["long_holiday"], "long_holiday", lang)
    df["share_late"] = [late / due if due else float("nan") for late, due in zip(df["late"], df["due"])]
    return df


def warning_dates() -> list[date]:
    """The dates the early warning can be read as of: the data's as-of date, then the last twelve month
    ends (newest first)."""
    as_of = labels.settings().as_of_date
    ends = query("SELECT DISTINCT warning_date FROM marts.mart_early_warning__month_ends ORDER BY warning_date DESC")
    return ([as_of] if as_of else []) + [pd.Timestamp(d).date() for d in ends["warning_date"]]


def warnings(region_code: str | None = None, dept_code: str | None = None, on: date | None = None,
             lang: str = "zh") -> pd.DataFrame:
    """The early warning (overdue, due soon) as of the data's as-of date, or as of one of the month ends
    of mart_early_warning__month_ends (`on`), optionally for one county or department."""
    where, params = _filter(region_code, dept_code)
    as_of = labels.settings().as_of_date
    if on is None or on == as_of:
        source, date_clause, date_params = "marts.mart_early_warning__obligations", "", []
    else:
        source, date_clause, date_params = "marts.mart_early_warning__month_ends", "AND o.warning_date = ?", [on]
    sx = "en" if lang == "en" else "zh"
    return _labelled(query(
        f"""SELECT o.warning, o.event_type, {_dept_name(lang)} AS dept_name, o.dept_code, o.region_code,
                   {_REGION_NAME.format(sx=sx)} AS region_name, o.task_id, o.task_name, o.record_id,
                   o.event_date, o.deadline_date, o.working_days_left, o.warning_date, o.obligation_key
            FROM {source} AS o {_DEPT_JOIN}
            WHERE {where} {date_clause}
            ORDER BY o.working_days_left, o.deadline_date, o.obligation_key""",
        (*params, *date_params),
    ), lang)


def warning_tasks(region_code: str | None = None, dept_code: str | None = None, lang: str = "zh") -> pd.DataFrame:
    """Tasks ending within the warning horizon with drawn objects still uninspected."""
    where, params = _filter(region_code, dept_code)
    sx = "en" if lang == "en" else "zh"
    return query(
        f"""SELECT {_dept_name(lang)} AS dept_name, o.dept_code, o.region_code,
                   {_REGION_NAME.format(sx=sx)} AS region_name, o.task_id, o.task_name, o.start_date,
                   o.end_date, o.working_days_left, o.objects_drawn, o.objects_inspected,
                   o.objects_uninspected, o.as_of_date
            FROM marts.mart_early_warning__tasks AS o {_DEPT_JOIN}
            WHERE {where} AND o.objects_uninspected > 0
            ORDER BY o.working_days_left, o.dept_code, o.task_id""",
        tuple(params),
    )


def due_in(start: date, end: date, lang: str = "zh") -> pd.DataFrame:
    """Obligations whose deadline falls between `start` and `end`, counted per department, status and
    is_late (late or overdue unpublished), with the department's and county's names."""
    sx = "en" if lang == "en" else "zh"
    return query(
        f"""SELECT o.region_code, {_REGION_NAME.format(sx=sx)} AS region_name, o.dept_code,
                   {_dept_name(lang)} AS dept_name, o.status, o.is_late, count(*) AS obligations
            FROM marts.mart_publication__obligations AS o {_DEPT_JOIN}
            WHERE o.deadline_date BETWEEN ? AND ?
            GROUP BY ALL
            ORDER BY o.region_code, o.dept_code, o.status""",
        (start, end),
    )


def incomplete_tasks(dept_code: str, year: int, grain: str, period_start: date, period_end: date) -> pd.DataFrame:
    """A department's tasks with drawn objects not completed by the task end (the task completion
    records in the denominator and not in the numerator), one row per task."""
    period_clause = "" if grain == "year" else "AND r.period_date BETWEEN ? AND ?"
    params: list = [dept_code, year] + ([] if grain == "year" else [period_start, period_end])
    return query(
        f"""
        WITH names AS (
            SELECT task_id, any_value(task_name) AS task_name
            FROM marts.mart_publication__obligations WHERE task_id IS NOT NULL GROUP BY task_id
        )
        SELECT r.task_id, n.task_name,
               count(DISTINCT r.record_key) FILTER (WHERE r.in_denominator) AS objects_drawn,
               count(DISTINCT r.record_key) FILTER (WHERE r.in_denominator AND NOT r.in_numerator)
                   AS objects_not_completed,
               min(r.period_date) AS period_date
        FROM marts.fct_metric_records AS r LEFT JOIN names AS n ON r.task_id = n.task_id
        WHERE r.metric_code = 'task_completion_rate' AND r.dept_code = ? AND r.year = ? {period_clause}
        GROUP BY r.task_id, n.task_name
        HAVING count(*) FILTER (WHERE r.in_denominator AND NOT r.in_numerator) > 0
        ORDER BY objects_not_completed DESC, r.task_id
        """,
        tuple(params),
    )
