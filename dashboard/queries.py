"""Loaders for the assessment pages: one function per loader, each a parameterised query (every user
choice is a `?` parameter) on the serving artefact through `data.query`, returning a DataFrame.

Units: a selection names one unit — a department (scope `department`), a county-level division (scope
`region`; region 210400 is the city-level departments, 市本级) or the whole city (scope `city`).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from dashboard.data import query
from dashboard.filters import Selection

CITY_CODE = "210400"
HEADLINE = ("sampling_ratio", "mechanism_coverage", "item_coverage", "temporary_task_share_tasks",
            "on_time_publication", "joint_task_share_tasks")

_VALUE_COLUMNS = """f.metric_code, f.scope, f.dept_code, f.region_code, f.grain, f.year, f.period_start,
       f.numerator, f.denominator, f.rate, CAST(f.target AS DOUBLE) AS target, f.target_direction,
       f.target_met"""
_UNIT_NAME = """CASE WHEN f.scope = 'department' THEN coalesce(d.dept_short_name, d.dept_name, f.dept_code)
            WHEN f.scope = 'region' AND f.region_code = '210400' THEN '市本级'
            ELSE coalesce(r.region_name, f.region_code) END AS unit_name"""
_JOINS = """LEFT JOIN marts.dim_department AS d ON f.dept_code = d.dept_code
LEFT JOIN marts.dim_region AS r ON f.region_code = r.region_code
LEFT JOIN marts.dim_metric AS m ON f.metric_code = m.metric_code"""


def unit_of(sel: Selection) -> tuple[str, str]:
    """(scope, code) of the selected unit: the department, else the county, else the city."""
    if sel.dept_code:
        return "department", sel.dept_code
    if sel.region_code:
        return "region", sel.region_code
    return "city", CITY_CODE


def _unit_clause(sel: Selection) -> tuple[str, list]:
    scope, code = unit_of(sel)
    # identifier from a fixed allow-list (two literal column names); the user's choice is a bound `?`
    column = "f.dept_code" if scope == "department" else "f.region_code"
    return f"f.scope = ? AND {column} = ?", [scope, code]


# --- dimensions ------------------------------------------------------------------------------------

def filter_options() -> dict:
    """years, regions (code -> name, counties only), depts (code -> name) and the latest period.

    One query, not four: every page calls this first, and each query opens the serving file."""
    row = query(
        """
        SELECT (SELECT list(DISTINCT year ORDER BY year) FROM marts.fct_metric_values) AS years,
               (SELECT list(region_code ORDER BY region_code) FROM marts.dim_region WHERE NOT is_city) AS region_codes,
               (SELECT list(region_name ORDER BY region_code) FROM marts.dim_region WHERE NOT is_city) AS region_names,
               (SELECT list(dept_code ORDER BY region_code, dept_code) FROM marts.dim_department) AS dept_codes,
               (SELECT list(dept_name ORDER BY region_code, dept_code) FROM marts.dim_department) AS dept_names,
               (SELECT max(period_start) FROM marts.fct_metric_values WHERE grain = 'month') AS latest
        """
    ).iloc[0]

    def items(column: str) -> list:
        value = row[column]
        return [] if value is None or (not hasattr(value, "__len__") and pd.isna(value)) else list(value)

    value = row["latest"]
    return {
        "years": [int(y) for y in items("years")],
        "regions": dict(zip(items("region_codes"), items("region_names"))),
        "depts": dict(zip(items("dept_codes"), items("dept_names"))),
        "latest": None if value is None or pd.isna(value) else pd.Timestamp(value).date(),
    }


def metric_dim() -> pd.DataFrame:
    return query("SELECT metric_code, sort_order, name_zh, name_en, unit, is_scored, numerator_zh, "
                 "denominator_zh, numerator_en, denominator_en, denominator_basis "
                 "FROM marts.dim_metric ORDER BY sort_order")


def region_names() -> pd.DataFrame:
    return query("SELECT region_code, CASE WHEN is_city THEN '市本级' ELSE region_name END AS region_name "
                 "FROM marts.dim_region ORDER BY region_code")


# --- metric values ---------------------------------------------------------------------------------

def unit_values(codes: Sequence[str], sel: Selection, *, year: int | None = None) -> pd.DataFrame:
    """The selected unit's values of `codes` in the selected period (or the same period of `year`), at
    the selected grain and, for metrics only measured per year, at year grain (column `grain` says)."""
    clause, params = _unit_clause(sel)
    the_year = sel.year if year is None else year
    start = sel.period_start.replace(year=the_year)
    return query(
        f"""
        SELECT {_VALUE_COLUMNS}, m.name_zh, m.name_en, m.unit, m.sort_order
        FROM marts.fct_metric_values AS f
        {_JOINS}
        WHERE list_contains(?::VARCHAR[], f.metric_code) AND {clause}
          AND ((f.grain = ? AND f.period_start = ?) OR (f.grain = 'year' AND f.year = ?))
        ORDER BY m.sort_order, f.grain
        """,
        (list(codes), *params, sel.grain, start, the_year),
    )


def unit_trend(codes: Sequence[str], sel: Selection) -> pd.DataFrame:
    """The selected unit's yearly values of `codes`, all years."""
    clause, params = _unit_clause(sel)
    return query(
        f"""
        SELECT {_VALUE_COLUMNS}, m.name_zh, m.name_en, m.unit, m.sort_order
        FROM marts.fct_metric_values AS f
        {_JOINS}
        WHERE list_contains(?::VARCHAR[], f.metric_code) AND {clause} AND f.grain = 'year'
        ORDER BY m.sort_order, f.year
        """,
        (list(codes), *params),
    )


def region_values(codes: Sequence[str], grain: str, period_start: date | None = None) -> pd.DataFrame:
    """Every county-level division's (and 市本级's) values of `codes` at `grain`: one period, or
    all periods when `period_start` is None."""
    where, params = "", []
    if period_start is not None:
        where, params = "AND f.period_start = ?", [period_start]
    return query(
        f"""
        SELECT {_VALUE_COLUMNS}, {_UNIT_NAME}, m.name_zh, m.name_en, m.unit, m.sort_order
        FROM marts.fct_metric_values AS f
        {_JOINS}
        WHERE list_contains(?::VARCHAR[], f.metric_code) AND f.scope = 'region' AND f.grain = ? {where}
        ORDER BY f.region_code, m.sort_order, f.period_start
        """,
        (list(codes), grain, *params),
    )


def department_values(codes: Sequence[str], grain: str, period_start: date,
                      region_code: str | None = None, member_only: bool = True) -> pd.DataFrame:
    """Every department's values of `codes` in one period, optionally of one county (210400: the
    city-level departments)."""
    where, params = "", []
    if region_code:
        where, params = "AND f.region_code = ?", [region_code]
    member = "AND coalesce(d.is_member, TRUE)" if member_only else ""
    return query(
        f"""
        SELECT {_VALUE_COLUMNS}, {_UNIT_NAME}, d.dept_name,
               CASE WHEN f.region_code = '210400' THEN '市本级' ELSE r.region_name END AS region_name,
               m.name_zh, m.name_en, m.unit, m.sort_order
        FROM marts.fct_metric_values AS f
        {_JOINS}
        WHERE list_contains(?::VARCHAR[], f.metric_code) AND f.scope = 'department'
          AND f.grain = ? AND f.period_start = ? {where} {member}
        ORDER BY f.region_code, f.dept_code, m.sort_order
        """,
        (list(codes), grain, period_start, *params),
    )


def scored_metrics() -> pd.DataFrame:
    return query("SELECT metric_code, name_zh, name_en, unit, sort_order FROM marts.dim_metric "
                 "WHERE is_scored ORDER BY sort_order")


# --- assessment ------------------------------------------------------------------------------------

def region_scores(year: int) -> pd.DataFrame:
    """The county ranking of one year (市本级 included as region 210400)."""
    return query(
        """
        SELECT s.unit_code, s.region_code,
               CASE WHEN s.region_code = '210400' THEN '市本级' ELSE r.region_name END AS unit_name,
               s.year, s.score, s.score_rank, s.units_ranked, s.parts, s.parts_not_applicable,
               s.named_in_circular
        FROM marts.mart_assessment__scores AS s
        LEFT JOIN marts.dim_region AS r ON s.region_code = r.region_code
        WHERE s.scope = 'region' AND s.year = ?
        ORDER BY s.score_rank, s.unit_code
        """,
        (year,),
    )


def region_score_trend() -> pd.DataFrame:
    return query(
        """
        SELECT s.region_code, CASE WHEN s.region_code = '210400' THEN '市本级' ELSE r.region_name END AS unit_name,
               s.year, s.score, s.score_rank
        FROM marts.mart_assessment__scores AS s
        LEFT JOIN marts.dim_region AS r ON s.region_code = r.region_code
        WHERE s.scope = 'region'
        ORDER BY s.region_code, s.year
        """
    )


def circular(year: int, region_code: str | None = None) -> pd.DataFrame:
    """The units named in the circular in `year` (departments and counties), optionally within one county."""
    where, params = "", []
    if region_code:
        where, params = "AND s.region_code = ?", [region_code]
    return query(
        f"""
        SELECT s.scope, s.unit_code, s.dept_code, s.region_code,
               CASE WHEN s.scope = 'department' THEN coalesce(d.dept_name, s.dept_code)
                    WHEN s.region_code = '210400' THEN '市本级' ELSE r.region_name END AS unit_name,
               s.score, s.score_rank, s.units_ranked
        FROM marts.mart_assessment__scores AS s
        LEFT JOIN marts.dim_department AS d ON s.dept_code = d.dept_code
        LEFT JOIN marts.dim_region AS r ON s.region_code = r.region_code
        WHERE s.named_in_circular AND s.year = ? {where}
        ORDER BY s.scope DESC, s.score, s.unit_code
        """,
        (year, *params),
    )


def score_parts(year: int, unit_codes: Sequence[str]) -> pd.DataFrame:
    """The score parts of some units in one year, with the points each lost (weight - points)."""
    return query(
        """
        SELECT p.scope, p.unit_code, p.metric_code, m.name_zh, m.name_en, p.rate, p.target,
               p.target_direction, p.weight, p.not_applicable, p.attainment, p.points,
               CASE WHEN p.not_applicable THEN NULL ELSE p.applicable_weight END AS applicable_weight
        FROM marts.mart_assessment__score_parts AS p
        LEFT JOIN marts.dim_metric AS m ON p.metric_code = m.metric_code
        WHERE p.year = ? AND list_contains(?::VARCHAR[], p.unit_code)
        ORDER BY p.unit_code, m.sort_order
        """,
        (year, list(unit_codes)),
    )


# --- milestones ------------------------------------------------------------------------------------

def milestone_missing() -> pd.DataFrame:
    """Member departments whose mechanisms were incomplete at the 2020-09-30 milestone, and what was missing."""
    return query(
        """
        SELECT c.dept_code, c.dept_name,
               CASE WHEN c.region_code = '210400' THEN '市本级' ELSE r.region_name END AS region_name,
               c.as_of_date, c.has_item_list, c.has_object_register, c.has_inspector_register,
               c.has_plan_filed_in_time, c.has_plan_approval, c.missing_components
        FROM marts.mart_metric__mechanism_coverage_detail AS c
        LEFT JOIN marts.dim_region AS r ON c.region_code = r.region_code
        WHERE c.basis = 'milestone' AND NOT c.is_complete
        ORDER BY c.region_code, c.dept_code
        """
    )


# --- sampling and credit ---------------------------------------------------------------------------

def credit_gradient(sel: Selection) -> pd.DataFrame:
    """`rises_with_risk` of the selected unit, every year at year grain and the selected period."""
    clause, params = _unit_clause(sel)
    return query(
        f"""
        SELECT f.grain, f.year, f.period_start, f.rises_with_risk
        FROM marts.mart_metric__sampling_credit_trend AS f
        WHERE {clause} AND (f.grain = 'year' OR (f.grain = ? AND f.period_start = ?))
        ORDER BY f.grain, f.year
        """,
        (*params, sel.grain, sel.period_start),
    )


def unit_score(year: int, scope: str, code: str) -> pd.DataFrame:
    """The assessment score of one department (scope department, code = dept_code) or county (scope
    region, code = region_code) in one year; the city has none."""
    column = "dept_code" if scope == "department" else "region_code"  # fixed allow-list, not user text
    return query(
        f"""
        SELECT unit_code, year, score, score_rank, units_ranked, named_in_circular
        FROM marts.mart_assessment__scores
        WHERE scope = ? AND {column} = ? AND year = ?
        """,
        (scope, code, year),
    )


def joint_partners(year: int, region_code: str | None, dept_code: str | None) -> pd.DataFrame:
    """Who runs joint tasks with whom in `year`: lead x partner department with their task count,
    for the lead departments of the chosen county / department (the whole city when neither)."""
    return query(
        "SELECT p.lead_dept_code, lead.dept_name AS lead_dept_name, p.partner_dept_code, "
        "coalesce(partner.dept_name, p.partner_dept_name) AS partner_dept_name, p.joint_tasks "
        "FROM marts.mart_joint__partners AS p "
        "LEFT JOIN marts.dim_department AS lead ON p.lead_dept_code = lead.dept_code "
        "LEFT JOIN marts.dim_department AS partner ON p.partner_dept_code = partner.dept_code "
        "WHERE p.year = ? AND (? IS NULL OR p.lead_region_code = ?) AND (? IS NULL OR p.lead_dept_code = ?) "
        "ORDER BY p.joint_tasks DESC, p.lead_dept_code, partner_dept_name",
        (year, region_code, region_code, dept_code, dept_code))
