"""Metric values (fct_metric_values) for a unit, the counties or the departments, with the metric's names
and unit (dim_metric) and the unit's display name (dim_unit). Every user choice is a bound `?`; the only
identifiers formatted into SQL come from fixed allow-lists.

A unit is (scope, code): a department (scope `department`, code = dept_code), a county-level division
(`region`; the city code there is 市本级, the city-level departments) or the whole city (`city`).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from serving.labels import settings
from serving.snapshot import dimension, query

VALUE_COLUMNS = """f.metric_code, f.scope, f.dept_code, f.region_code, f.grain, f.year, f.period_start,
       f.numerator, f.denominator, f.rate, CAST(f.target AS DOUBLE) AS target, f.target_direction,
       f.target_met, f.attainment"""
METRIC_COLUMNS = "m.name_zh, m.name_en, m.unit, m.sort_order"
_UNIT_JOIN = """LEFT JOIN marts.dim_unit AS u
    ON u.scope = f.scope AND u.unit_code = CASE WHEN f.scope = 'department' THEN f.dept_code ELSE f.region_code END"""


def _name(lang: str, short: bool = False) -> str:
    # identifiers from a fixed allow-list, never user text
    base = "unit_short_name" if short else "unit_name"
    return f"u.{base}_{'en' if lang == 'en' else 'zh'}"


def _unit_clause(scope: str, code: str) -> tuple[str, list]:
    column = {"department": "f.dept_code", "region": "f.region_code"}.get(scope)
    if column is None:
        return "f.scope = ?", ["city"]
    return f"f.scope = ? AND {column} = ?", [scope, code]


def unit_values(codes: Sequence[str], scope: str, code: str, grain: str, period_start: date) -> pd.DataFrame:
    """One unit's values of `codes` in the period at `grain`; for the metrics measured per year only
    (`annual_only`), the year of the period (column `grain` says which). A metric measured per quarter
    or month that has no row in the period has no row here either: the year's value is never passed
    off as the period's (2020 Q1, before the first records, has none)."""
    clause, params = _unit_clause(scope, code)
    yearly = annual_only(codes) if grain != "year" else []
    return query(
        f"""
        SELECT {VALUE_COLUMNS}, {METRIC_COLUMNS}
        FROM marts.fct_metric_values AS f
        LEFT JOIN marts.dim_metric AS m ON f.metric_code = m.metric_code
        WHERE list_contains(?::VARCHAR[], f.metric_code) AND {clause}
          AND ((f.grain = ? AND f.period_start = ?)
               OR (f.grain = 'year' AND f.year = ? AND list_contains(?::VARCHAR[], f.metric_code)))
        ORDER BY m.sort_order, f.grain
        """,
        (list(codes), *params, grain, period_start, period_start.year, yearly),
    )


def unit_trend(codes: Sequence[str], scope: str, code: str) -> pd.DataFrame:
    """One unit's yearly values of `codes`, all years."""
    clause, params = _unit_clause(scope, code)
    return query(
        f"""
        SELECT {VALUE_COLUMNS}, {METRIC_COLUMNS}
        FROM marts.fct_metric_values AS f
        LEFT JOIN marts.dim_metric AS m ON f.metric_code = m.metric_code
        WHERE list_contains(?::VARCHAR[], f.metric_code) AND {clause} AND f.grain = 'year'
        ORDER BY m.sort_order, f.year
        """,
        (list(codes), *params),
    )


def region_values(codes: Sequence[str], grain: str, period_start: date | None = None,
                  lang: str = "zh") -> pd.DataFrame:
    """Every county-level division's (and 市本级's) values of `codes` at `grain`: one period, or all
    periods when `period_start` is None. `unit_name` in `lang`, `is_city_level` marks 市本级."""
    where, params = "", []
    if period_start is not None:
        where, params = "AND f.period_start = ?", [period_start]
    return query(
        f"""
        SELECT {VALUE_COLUMNS}, {_name(lang)} AS unit_name, u.sort_order AS unit_order,
               f.region_code = ? AS is_city_level, {METRIC_COLUMNS}
        FROM marts.fct_metric_values AS f
        {_UNIT_JOIN}
        LEFT JOIN marts.dim_metric AS m ON f.metric_code = m.metric_code
        WHERE list_contains(?::VARCHAR[], f.metric_code) AND f.scope = 'region' AND f.grain = ? {where}
        ORDER BY u.sort_order, m.sort_order, f.period_start
        """,
        (settings().city_code, list(codes), grain, *params),
    )


def department_values(codes: Sequence[str], grain: str, period_start: date, region_code: str | None = None,
                      member_only: bool = True, lang: str = "zh") -> pd.DataFrame:
    """Every department's values of `codes` in one period, optionally of one county (the city code:
    the city-level departments); `unit_name` is the short name, `dept_name` the full one."""
    where, params = "", []
    if region_code:
        where, params = "AND f.region_code = ?", [region_code]
    member = "AND coalesce(u.is_member, TRUE)" if member_only else ""
    suffix = "en" if lang == "en" else "zh"
    return query(
        f"""
        SELECT {VALUE_COLUMNS}, {_name(lang, short=True)} AS unit_name, u.unit_name_{suffix} AS dept_name,
               u.region_name_{suffix} AS region_name, {METRIC_COLUMNS}
        FROM marts.fct_metric_values AS f
        {_UNIT_JOIN}
        LEFT JOIN marts.dim_metric AS m ON f.metric_code = m.metric_code
        WHERE list_contains(?::VARCHAR[], f.metric_code) AND f.scope = 'department'
          AND f.grain = ? AND f.period_start = ? {where} {member}
        ORDER BY f.region_code, f.dept_code, m.sort_order
        """,
        (list(codes), grain, period_start, *params),
    )


def scope_values(scope: str, grain: str, period_start: date | None = None, year: int | None = None,
                 year_until: int | None = None) -> pd.DataFrame:
    """Every value of one scope at one grain: one period (`period_start`), one year (`year`) or every
    year up to `year_until`; with the metric's names, unit and display order (the reports' tables)."""
    clauses, params = ["f.scope = ?", "f.grain = ?"], [scope, grain]
    if period_start is not None:
        clauses.append("f.period_start = ?")
        params.append(period_start)
    if year is not None:
        clauses.append("f.year = ?")
        params.append(year)
    if year_until is not None:
        clauses.append("f.year <= ?")
        params.append(year_until)
    return query(
        f"""
        SELECT {VALUE_COLUMNS}, {METRIC_COLUMNS}, m.is_scored, u.sort_order AS unit_order
        FROM marts.fct_metric_values AS f
        {_UNIT_JOIN}
        LEFT JOIN marts.dim_metric AS m ON f.metric_code = m.metric_code
        WHERE {' AND '.join(clauses)}
        ORDER BY u.sort_order NULLS LAST, f.year, m.sort_order
        """,
        tuple(params),
    )


def unit_cells(scope: str, code: str, grain: str, year: int, period_start: date) -> pd.DataFrame:
    """Every metric of one unit for the period: the row at `grain`, or the year row for metrics measured
    per year only (`annual_only` True); a metric measured per quarter or month without a row in the
    period is left out (never its year row). With dim_metric's names, numerator texts and audit flags."""
    clause, params = _unit_clause(scope, code)
    yearly = sorted(_annual_only_codes()) if grain != "year" else []
    return query(
        f"""
        WITH cells AS (
            SELECT f.*, (f.grain <> ?) AS annual_only,
                   row_number() OVER (PARTITION BY f.metric_code ORDER BY (f.grain <> ?)) AS pick
            FROM marts.fct_metric_values AS f
            WHERE {clause} AND f.year = ?
              AND ((f.grain = ? AND f.period_start = ?)
                   OR (f.grain = 'year' AND list_contains(?::VARCHAR[], f.metric_code)))
        )
        SELECT c.metric_code, c.scope, c.dept_code, c.region_code, c.grain, c.year, c.period_start,
               c.numerator, c.denominator, c.rate, CAST(c.target AS DOUBLE) AS target, c.target_direction,
               c.target_met, c.annual_only, m.sort_order, m.name_zh, m.name_en, m.unit, m.is_scored,
               m.numerator_zh, m.denominator_zh, m.numerator_en, m.denominator_en, m.denominator_basis,
               m.records_listed, m.denominator_listed
        FROM cells AS c LEFT JOIN marts.dim_metric AS m ON c.metric_code = m.metric_code
        WHERE c.pick = 1
        ORDER BY m.sort_order NULLS LAST, c.metric_code
        """,
        (grain, grain, *params, year, grain, period_start, yearly),
    )


def _annual_only_codes() -> set[str]:
    """The metrics fct_metric_values has no quarter or month row of, anywhere (the dbt models measure
    them per year only); read once per published version."""
    found = dimension("""SELECT metric_code FROM marts.fct_metric_values
                         GROUP BY metric_code HAVING bool_and(grain = 'year') ORDER BY metric_code""")
    return set(found["metric_code"])


def annual_only(codes: Sequence[str]) -> list[str]:
    """Those of `codes` measured per year only (fct_metric_values has no quarter or month row of them,
    as for item coverage and inspector participation), in the order given."""
    yearly = _annual_only_codes()
    return [c for c in codes if c in yearly]


def first_periods() -> dict[str, date]:
    """grain -> the first period_start with any value at that grain (the quarter and month series start
    with the first records, 2020-07 in the simulated data, while the year 2020 has a year row)."""
    found = dimension("SELECT grain, min(period_start) AS first_start FROM marts.fct_metric_values GROUP BY grain")
    return {str(g): pd.Timestamp(d).date() for g, d in zip(found["grain"], found["first_start"]) if pd.notna(d)}


def on_time_series(grain: str, year: int | None, scope: str, code: str) -> pd.DataFrame:
    """The on-time publication rate per event type and for all types (dim_metric_group
    publication_by_event: member_code = the event type) for one unit: per year (all years) or per
    month of `year`."""
    clause, params = _unit_clause(scope, code)
    year_clause, year_params = ("AND f.year = ?", [year]) if grain != "year" and year is not None else ("", [])
    return query(
        f"""SELECT f.metric_code, g.member_code AS event_type, g.position, f.year, f.period_start,
                   f.numerator, f.denominator, f.rate, CAST(f.target AS DOUBLE) AS target
            FROM marts.fct_metric_values AS f
            INNER JOIN marts.dim_metric_group AS g
                ON g.metric_code = f.metric_code AND g.group_code = 'publication_by_event'
            WHERE {clause} AND f.grain = ? {year_clause}
            ORDER BY g.position, f.period_start""",
        (*params, grain, *year_params),
    )


def credit_gradient(scope: str, code: str, grain: str, period_start: date) -> pd.DataFrame:
    """`rises_with_risk` of one unit, every year at year grain and the selected period."""
    clause, params = _unit_clause(scope, code)
    return query(
        f"""
        SELECT f.grain, f.year, f.period_start, f.rises_with_risk
        FROM marts.mart_metric__sampling_credit_trend AS f
        WHERE {clause} AND (f.grain = 'year' OR (f.grain = ? AND f.period_start = ?))
        ORDER BY f.grain, f.year
        """,
        (*params, grain, period_start),
    )


def joint_partners(year: int, region_code: str | None, dept_code: str | None, lang: str = "zh") -> pd.DataFrame:
    """Who runs joint tasks with whom in `year`: lead x partner department with their task count, for
    the lead departments of the chosen county / department (the whole city when neither)."""
    suffix = "en" if lang == "en" else "zh"
    return query(
        f"SELECT p.lead_dept_code, lead.unit_name_{suffix} AS lead_dept_name, p.partner_dept_code, "
        f"coalesce(partner.unit_name_{suffix}, p.partner_dept_name) AS partner_dept_name, p.joint_tasks "
        "FROM marts.mart_joint__partners AS p "
        "LEFT JOIN marts.dim_unit AS lead ON lead.scope = 'department' AND p.lead_dept_code = lead.unit_code "
        "LEFT JOIN marts.dim_unit AS partner ON partner.scope = 'department' AND p.partner_dept_code = partner.unit_code "
        "WHERE p.year = ? AND (? IS NULL OR p.lead_region_code = ?) AND (? IS NULL OR p.lead_dept_code = ?) "
        "ORDER BY p.joint_tasks DESC, p.lead_dept_code, partner_dept_name",
        (year, region_code, region_code, dept_code, dept_code))
