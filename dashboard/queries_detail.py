"""Loaders for 部门详情 (department detail), 公示时效 (publication timeliness) and the drill-down.

One function per loader; each is a parameterised query on the serving artefact through `data.query`
(every user choice is a `?` parameter, never formatted into the SQL) and returns a DataFrame.
Self-contained on purpose: it depends on `dashboard.data` only.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.data import query

CITY_CODE = "210400"
WARNING_WORKING_DAYS = 5  # the early-warning horizon of mart_early_warning__obligations
LATE_STATUSES = ("late", "overdue_unpublished", "published_before_event")
EVENT_TYPES = ("plan", "task", "draw_list", "result", "decision")
ON_TIME_METRICS = {  # event type -> its on-time publication metric
    "plan": "on_time_publication_plan", "task": "on_time_publication_task",
    "draw_list": "on_time_publication_draw_list", "result": "on_time_publication_result",
    "decision": "on_time_publication_decision", "all": "on_time_publication",
}


# --- dimensions ------------------------------------------------------------------------------------

def department(dept_code: str) -> pd.DataFrame:
    return query(
        """SELECT d.dept_code, d.dept_name, d.dept_short_name, d.dept_level, d.region_code, d.is_member,
                  CASE WHEN d.region_code = '210400' THEN '市本级' ELSE r.region_name END AS region_name
           FROM marts.dim_department AS d LEFT JOIN marts.dim_region AS r ON d.region_code = r.region_code
           WHERE d.dept_code = ?""",
        (dept_code,),
    )


# --- metric cells ----------------------------------------------------------------------------------

def _unit_column(scope: str) -> str | None:
    # the only identifiers ever formatted into SQL: a fixed allow-list; user choices are bound parameters
    return {"department": "dept_code", "region": "region_code"}.get(scope)


def unit_cells(scope: str, unit_code: str, grain: str, year: int, period_start: date) -> pd.DataFrame:
    """Every metric of one unit for the period: the row at `grain`, or the year row for metrics
    measured per year only (`annual_only` True). With dim_metric's names and numerator texts."""
    column = _unit_column(scope)
    unit_clause = f"AND f.{column} = $5" if column else ""
    params: list = [scope, year, grain, period_start]
    if column:
        params.append(unit_code)
    return query(
        f"""
        WITH cells AS (
            SELECT f.*, (f.grain <> $3) AS annual_only,
                   row_number() OVER (PARTITION BY f.metric_code ORDER BY (f.grain <> $3)) AS pick
            FROM marts.fct_metric_values AS f
            WHERE f.scope = $1 AND f.year = $2 {unit_clause}
              AND ((f.grain = $3 AND f.period_start = $4) OR f.grain = 'year')
        )
        SELECT c.metric_code, c.scope, c.dept_code, c.region_code, c.grain, c.year, c.period_start,
               c.numerator, c.denominator, c.rate, CAST(c.target AS DOUBLE) AS target, c.target_direction,
               c.target_met, c.annual_only, m.sort_order, m.name_zh, m.name_en, m.unit, m.is_scored,
               m.numerator_zh, m.denominator_zh, m.numerator_en, m.denominator_en, m.denominator_basis
        FROM cells AS c LEFT JOIN marts.dim_metric AS m ON c.metric_code = m.metric_code
        WHERE c.pick = 1
        ORDER BY m.sort_order NULLS LAST, c.metric_code
        """,
        tuple(params),
    )


# --- the department --------------------------------------------------------------------------------

def dept_score(dept_code: str, year: int) -> pd.DataFrame:
    return query(
        """SELECT score, score_rank, units_ranked, named_in_circular, applicable_weight, total_weight
           FROM marts.mart_assessment__scores WHERE scope = 'department' AND unit_code = ? AND year = ?""",
        (dept_code, year),
    )


def dept_score_parts(dept_code: str, year: int) -> pd.DataFrame:
    return query(
        """SELECT p.metric_code, m.name_zh, m.name_en, m.sort_order, p.weight, p.rate, p.target,
                  p.target_direction, p.not_applicable, p.attainment, p.points
           FROM marts.mart_assessment__score_parts AS p
           LEFT JOIN marts.dim_metric AS m ON p.metric_code = m.metric_code
           WHERE p.scope = 'department' AND p.unit_code = ? AND p.year = ?
           ORDER BY m.sort_order NULLS LAST""",
        (dept_code, year),
    )


def dept_obligation_problems(dept_code: str, period_start: date, period_end: date) -> pd.DataFrame:
    """Late, overdue-unpublished and published-before-event obligations whose event fell in the period."""
    return query(
        """SELECT event_type, status, task_id, task_name, record_id, event_date, deadline_date,
                  published_date, working_days_late, as_of_date
           FROM marts.mart_publication__obligations
           WHERE dept_code = ? AND event_date BETWEEN ? AND ?
             AND status IN ('late', 'overdue_unpublished', 'published_before_event')
           ORDER BY CASE status WHEN 'overdue_unpublished' THEN 0 WHEN 'late' THEN 1 ELSE 2 END,
                    working_days_late DESC NULLS LAST, deadline_date, obligation_key""",
        (dept_code, period_start, period_end),
    )


def dept_warning_tasks(dept_code: str) -> pd.DataFrame:
    return query(
        """SELECT task_id, task_name, start_date, end_date, working_days_left, objects_drawn,
                  objects_inspected, objects_uninspected, as_of_date
           FROM marts.mart_early_warning__tasks WHERE dept_code = ? ORDER BY working_days_left, task_id""",
        (dept_code,),
    )


def dept_incomplete_tasks(dept_code: str, year: int, grain: str, period_start: date,
                          period_end: date) -> pd.DataFrame:
    """Tasks with drawn objects not completed (task_completion_rate records in the denominator and
    not in the numerator), one row per task."""
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


# --- publication timeliness ------------------------------------------------------------------------

def _scope_unit(region_code: str | None, dept_code: str | None) -> tuple[str, str]:
    if dept_code:
        return "department", dept_code
    if region_code:
        return "region", region_code
    return "city", CITY_CODE


def on_time_series(grain: str, year: int | None, region_code: str | None, dept_code: str | None) -> pd.DataFrame:
    """On-time publication per event type (and all together) for the unit: per year (`grain`
    year, all years) or per month of `year`."""
    scope, unit = _scope_unit(region_code, dept_code)
    column = _unit_column(scope)
    clauses = ["f.metric_code IN (SELECT unnest(?::VARCHAR[]))", "f.scope = ?", "f.grain = ?"]
    params: list = [list(ON_TIME_METRICS.values()), scope, grain]
    if column:
        clauses.append(f"f.{column} = ?")
        params.append(unit)
    if grain != "year" and year is not None:
        clauses.append("f.year = ?")
        params.append(year)
    return query(
        f"""SELECT f.metric_code, f.year, f.period_start, f.numerator, f.denominator, f.rate,
                   CAST(f.target AS DOUBLE) AS target
            FROM marts.fct_metric_values AS f WHERE {' AND '.join(clauses)}
            ORDER BY f.period_start, f.metric_code""",
        tuple(params),
    )


def _obligation_filter(year: int | None, region_code: str | None, dept_code: str | None) -> tuple[str, list]:
    clauses, params = ["TRUE"], []
    if year is not None:
        clauses.append("year = ?")
        params.append(year)
    if region_code:
        clauses.append("region_code = ?")
        params.append(region_code)
    if dept_code:
        clauses.append("dept_code = ?")
        params.append(dept_code)
    return " AND ".join(clauses), params


def late_obligations(year: int | None, region_code: str | None, dept_code: str | None) -> pd.DataFrame:
    """Obligations published late (with working days late), for the histogram."""
    where, params = _obligation_filter(year, region_code, dept_code)
    return query(
        f"""SELECT event_type, working_days_late FROM marts.mart_publication__obligations
            WHERE {where} AND status = 'late' AND working_days_late IS NOT NULL""",
        tuple(params),
    )


def due_obligations(year: int | None, region_code: str | None, dept_code: str | None) -> pd.DataFrame:
    """Obligations that fell due (on time, late or overdue unpublished), counted per clock window
    (event_date, deadline_date) and status: `obligations` rows of each. Counted here, not row by row in
    the page: at province scale that is hundreds of thousands of rows for a few thousand windows."""
    where, params = _obligation_filter(year, region_code, dept_code)
    return query(
        f"""SELECT status, event_date, deadline_date, count(*) AS obligations
            FROM marts.mart_publication__obligations
            WHERE {where} AND status IN ('on_time', 'late', 'overdue_unpublished')
            GROUP BY status, event_date, deadline_date
            ORDER BY event_date, deadline_date, status""",
        tuple(params),
    )


def warning_obligations(region_code: str | None, dept_code: str | None) -> pd.DataFrame:
    where, params = _obligation_filter(None, region_code, dept_code)
    return query(
        f"""SELECT warning, event_type, dept_name, dept_code, region_code, task_id, task_name, record_id,
                   event_date, deadline_date, working_days_left, as_of_date, obligation_key
            FROM marts.mart_early_warning__obligations WHERE {where}
            ORDER BY working_days_left, deadline_date, obligation_key""",
        tuple(params),
    )


def warning_obligations_on(on: date, region_code: str | None, dept_code: str | None) -> pd.DataFrame:
    """The early warning as of another date `on` (not after the data's as-of date): obligations whose
    clock had started and that were still unpublished on `on`, overdue or due within N official
    working days; working_days_left counted as in mart_early_warning__obligations (deadline's
    working-day number minus `on`'s, a rest day counting from the next working day). A test holds it
    equal to the mart on the data's own as-of date."""
    where, params = _obligation_filter(None, region_code, dept_code)
    return query(
        f"""WITH pending AS (
                SELECT o.*, o.deadline_working_day_seq - c.working_day_seq
                           - CASE WHEN c.is_working_day THEN 0 ELSE 1 END AS working_days_left,
                       CAST(? AS DATE) AS as_of
                FROM marts.mart_publication__obligations AS o
                JOIN marts.dim_calendar AS c ON c.calendar_date = CAST(? AS DATE)
                WHERE o.status IN ('on_time', 'late', 'overdue_unpublished', 'not_yet_due')
                  AND o.event_date <= CAST(? AS DATE)
                  AND (o.published_date IS NULL OR o.published_date > CAST(? AS DATE))
                  AND {where})
            SELECT CASE WHEN deadline_date < as_of THEN 'overdue' ELSE 'due_soon' END AS warning,
                   event_type, dept_name, dept_code, region_code, task_id, task_name, record_id,
                   event_date, deadline_date, working_days_left, as_of AS as_of_date, obligation_key
            FROM pending
            WHERE deadline_date < as_of OR working_days_left <= ?
            ORDER BY working_days_left, deadline_date, obligation_key""",
        (on, on, on, on, *params, WARNING_WORKING_DAYS),
    )


def warning_tasks(region_code: str | None, dept_code: str | None) -> pd.DataFrame:
    where, params = _obligation_filter(None, region_code, dept_code)
    return query(
        f"""SELECT dept_name, dept_code, region_code, task_id, task_name, start_date, end_date,
                   working_days_left, objects_drawn, objects_inspected, objects_uninspected, as_of_date
            FROM marts.mart_early_warning__tasks WHERE {where} AND objects_uninspected > 0
            ORDER BY working_days_left, task_id""",
        tuple(params),
    )


def as_of_date() -> date | None:
    df = query("""SELECT max(as_of_date) AS d FROM marts.mart_publication__obligations""")
    value = df.iloc[0]["d"] if not df.empty else None
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()
