"""The annual assessment as dbt computed it: scores, ranks, ranking and circular status and the change
on the previous year (mart_assessment__scores), score parts with points and points lost on one basis
(mart_assessment__score_parts), every unit's shortfalls (mart_assessment__shortfalls) and those behind
each circular entry (mart_assessment__circular_shortfalls), the milestones (mart_assessment__milestones)
and the mechanism gaps behind them. Names come from dim_unit and dim_metric, labels from dim_code_label;
nothing is recomputed here.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from serving import formatters as fmt
from serving import labels
from serving.snapshot import query

_UNIT_JOIN = "LEFT JOIN marts.dim_unit AS u ON u.scope = s.scope AND u.unit_code = s.unit_code"


def _suffix(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def scores(year: int | None = None, scope: str | None = None, lang: str = "zh") -> pd.DataFrame:
    """Every unit's score of a year (or all years) and scope (or both): with unit_name, region_name,
    unit_kind and the labels of its ranking and circular status and rule; ranked units first, by rank."""
    sx = _suffix(lang)
    out = query(
        f"""
        SELECT s.*, u.unit_name_{sx} AS unit_name, u.unit_short_name_{sx} AS unit_short_name,
               u.region_name_{sx} AS region_name, u.unit_kind_{sx} AS unit_kind, u.sort_order AS unit_order
        FROM marts.mart_assessment__scores AS s
        {_UNIT_JOIN}
        WHERE (? IS NULL OR s.year = ?) AND (? IS NULL OR s.scope = ?)
        ORDER BY s.year, s.scope DESC, s.score_rank NULLS LAST, s.score DESC NULLS LAST, u.sort_order
        """,
        (year, year, scope, scope),
    )
    out["ranking_status_label"] = labels.labelled(out["ranking_status"], "ranking_status", lang)
    out["circular_status_label"] = labels.labelled(out["circular_status"], "circular_status", lang)
    out["circular_rule_text"] = [labels.circular_rule(r, p, lang)
                                 for r, p in zip(out["circular_rule"], out["circular_parameter"])]
    return out


def unit_score(year: int, scope: str, code: str, lang: str = "zh") -> pd.Series | None:
    """One department's or county's score row of a year, None when it has none."""
    found = scores(year, scope, lang)
    found = found[found["unit_code"] == code]
    return None if found.empty else found.iloc[0]


def circular(year: int, region_code: str | None = None, lang: str = "zh") -> pd.DataFrame:
    """The units named in the circular in `year` (counties first, then departments), optionally those
    of one county."""
    named = scores(year, None, lang)
    named = named[named["named_in_circular"].fillna(False).astype(bool)]
    if region_code:
        named = named[named["region_code"] == region_code]
    return named.sort_values(["scope", "score_rank", "unit_code"], ascending=[False, True, True]).reset_index(drop=True)


def shortfalls(year: int, unit_codes: Sequence[str] | None = None, *, main_only: bool = False,
               lang: str = "zh", named_only: bool = True) -> pd.DataFrame:
    """The shortfalls behind circular entries (mart_assessment__circular_shortfalls), or with
    `named_only=False` those of every assessed unit (mart_assessment__shortfalls: the same ranking, of
    which the circular's are the named units' rows), most points lost first, with the metric's name and
    unit and the target as text. `main_only`: the main shortfalls, a unit's weakest parts."""
    sx = _suffix(lang)
    mart = "mart_assessment__circular_shortfalls" if named_only else "mart_assessment__shortfalls"
    out = query(
        f"""
        SELECT c.*, m.name_{sx} AS metric_name, m.unit, m.sort_order
        FROM marts.{mart} AS c
        LEFT JOIN marts.dim_metric AS m ON c.metric_code = m.metric_code
        WHERE c.year = ? AND (? IS NULL OR list_contains(?::VARCHAR[], c.unit_code))
          AND (NOT ? OR c.is_main_shortfall)
        ORDER BY c.scope DESC, c.unit_code, c.shortfall_rank
        """,
        (year, None if unit_codes is None else "x", list(unit_codes or []), main_only),
    )
    out["target_text"] = [labels.target_text(t, d, u, lang)
                          for t, d, u in zip(out["target"], out["target_direction"], out["unit"])]
    return out


def score_parts(year: int, scope: str | None = None, unit_codes: Sequence[str] | None = None,
                lang: str = "zh") -> pd.DataFrame:
    """Score parts of a year (one scope, some units, or all), with points, points_max and points_lost on
    the score's basis, the metric's name and unit and the target as text."""
    sx = _suffix(lang)
    out = query(
        f"""
        SELECT p.*, m.name_{sx} AS metric_name, m.unit, m.sort_order
        FROM marts.mart_assessment__score_parts AS p
        LEFT JOIN marts.dim_metric AS m ON p.metric_code = m.metric_code
        WHERE p.year = ? AND (? IS NULL OR p.scope = ?)
          AND (? IS NULL OR list_contains(?::VARCHAR[], p.unit_code))
        ORDER BY p.scope DESC, p.unit_code, m.sort_order
        """,
        (year, scope, scope, None if unit_codes is None else "x", list(unit_codes or [])),
    )
    out["target_text"] = [labels.target_text(t, d, u, lang)
                          for t, d, u in zip(out["target"], out["target_direction"], out["unit"])]
    return out


def milestones(lang: str = "zh") -> pd.DataFrame:
    """Each milestone x measuring metric with the city's value, and whether the milestone is achieved."""
    sx = _suffix(lang)
    out = query(
        f"""
        SELECT ms.*, m.name_{sx} AS metric_name, m.unit
        FROM marts.mart_assessment__milestones AS ms
        LEFT JOIN marts.dim_metric AS m ON ms.metric_code = m.metric_code
        ORDER BY ms.due_date, m.sort_order
        """
    )
    out["milestone_label"] = labels.labelled(out["milestone"], "milestone", lang)
    return out


def mechanism_gaps(basis: str, year: int | None = None, lang: str = "zh") -> pd.DataFrame:
    """Member departments whose mechanisms were incomplete (basis `milestone`: at the 2020-09-30
    milestone; `annual`: in `year`), with the missing components labelled."""
    sx = _suffix(lang)
    out = query(
        f"""
        SELECT c.* EXCLUDE (dept_name), coalesce(u.unit_name_{sx}, c.dept_name) AS dept_name,
               u.region_name_{sx} AS region_name
        FROM marts.mart_metric__mechanism_coverage_detail AS c
        LEFT JOIN marts.dim_unit AS u ON u.scope = 'department' AND u.unit_code = c.dept_code
        WHERE c.basis = ? AND NOT c.is_complete AND (? IS NULL OR c.year = ?)
        ORDER BY c.region_code, c.dept_code
        """,
        (basis, year, year),
    )
    out["missing_text"] = [labels.joined(v, "mechanism_component", lang) for v in out["missing_components"]]
    return out


def mechanism_rows(year: int) -> int:
    """How many mechanism-coverage detail rows a year has (0: no data rather than no gaps)."""
    return int(query("SELECT count(*) AS n FROM marts.mart_metric__mechanism_coverage_detail WHERE year = ?",
                     (year,)).iloc[0]["n"])


def shortfall_text(row, lang: str = "zh") -> str:
    """One shortfall as the circular, the reports and the dashboard write it:
    `联合抽查占比（按任务） 0.0%（目标≥20.0%，失10.0分）` / `Joint-inspection share (by tasks) 0.0% (target ≥20.0%, -10.0 pts)`.
    `row`: a row of `shortfalls()` (metric_name, rate, unit, target_text, points_lost)."""
    value = fmt.rate(row["rate"], row["unit"], lang)
    points = fmt.score(row["points_lost"])
    if lang == "en":
        return f"{row['metric_name']} {value} (target {row['target_text']}, -{points} pts)"
    return f"{row['metric_name']} {value}（目标{row['target_text']}，失{points}分）"


def shortfalls_text(rows: pd.DataFrame, lang: str = "zh") -> str:
    """A unit's shortfalls (rows of `shortfalls()`, in rank order) joined; empty when there are none."""
    glue = "; " if lang == "en" else "；"
    return glue.join(shortfall_text(r, lang) for _, r in rows.sort_values("shortfall_rank").iterrows())


def ranking(year: int, scope: str, lang: str = "zh", region_code: str | None = None) -> pd.DataFrame:
    """Every unit of one scope and year as the ranking lists it: the rows of `scores()` (ranked units
    first, by rank; then the units not ranked, whose `ranking_status_label` says why), optionally only
    those of one county (`region_code`), with

    - `weakest_parts_text`: the unit's main shortfalls (mart_assessment__shortfalls.is_main_shortfall,
      the parts that lost most points) written by `shortfalls_text`: for a unit named in the circular,
      character for character the 主要失分项 the circular, the PDF and the XLSX print; empty when the
      unit lost no points;
    - `last_year_score_change` / `last_year_rank_change`: the mart's score_change / rank_change (places
      gained) when the unit's previous assessed year is `year - 1`, else missing (first assessed year,
      or not assessed last year), so a change is never against an older year."""
    out = scores(year, scope, lang)
    if region_code:
        out = out[out["region_code"] == region_code]
    out = out.reset_index(drop=True)
    lost = shortfalls(year, out["unit_code"].tolist(), main_only=True, lang=lang, named_only=False)
    lost = lost[lost["scope"] == scope]
    texts = {code: shortfalls_text(rows, lang) for code, rows in lost.groupby("unit_code", sort=False)}
    last_year = out["previous_year"].eq(year - 1).fillna(False).astype(bool)
    return out.assign(
        weakest_parts_text=[texts.get(code, "") for code in out["unit_code"]],
        last_year_score_change=out["score_change"].where(last_year),
        last_year_rank_change=out["rank_change"].where(last_year),
    )


def year_summary(year: int, lang: str = "zh") -> pd.DataFrame:
    """Per scope: units assessed, ranked, not ranked, named, the mean score and the best unit (name)."""
    sx = "en" if lang == "en" else "zh"
    return query(
        f"""SELECT y.*, u.unit_name_{sx} AS best_unit_name
            FROM marts.mart_assessment__year_summary AS y
            LEFT JOIN marts.dim_unit AS u ON u.scope = y.scope AND u.unit_code = y.best_unit_code
            WHERE y.year = ?
            ORDER BY y.scope DESC""",
        (year,),
    )
