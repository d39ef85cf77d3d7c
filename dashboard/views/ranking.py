"""排名: the annual assessment's full ranking for the assessment office, one table per scope (departments,
counties/districts): every unit of the selected year with its rank, score, change on last year in score
and in rank, ranking and circular status, and its weakest parts; units not ranked follow the ranked
ones with the reason. Every figure is a column of the assessment marts read through
`serving.assessment.ranking` (the weakest parts in the very words the circular and the annual report
print); the numbers stay numbers, so a click on a column header sorts by value, and are written by
`serving.formatters`."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.components import NumberText, table_with_downloads
from dashboard.page_common import filters, require_published
from serving import assessment, labels
from serving import formatters as fmt

STRINGS: dict[str, dict[str, str]] = {
    "title": {"zh": "排名", "en": "Ranking"},
    "caption": {"zh": "面向考核办：所选年度全部部门和县（市、区）的考核得分、排名、较上年变化和失分最多的指标，"
                      "与年度考核报告同一口径。点击表头可按该列排序。",
                "en": "For the assessment office: every department and county/district of the selected year with "
                      "its score, rank, change on last year and weakest parts, as the annual assessment report "
                      "states them. Click a column header to sort by it."},
    "annual_only": {"zh": "考核按年度进行：本页显示{year}年度的考核结果。",
                    "en": "The assessment is annual: this page shows the {year} results."},
    "tab_departments": {"zh": "部门（{n}）", "en": "Departments ({n})"},
    "tab_counties": {"zh": "县（市、区）（{n}）", "en": "Counties / districts ({n})"},
    "summary": {"zh": "{year}年度{what}：参与排名 {ranked} 个，不参与排名 {unranked} 个，拟通报 {named} 个。",
                "en": "{year}, {what}: {ranked} ranked, {unranked} not ranked, {named} headed for the circular."},
    "what_departments": {"zh": "部门", "en": "departments"},
    "what_counties": {"zh": "县（市、区）", "en": "counties / districts"},
    "county_only": {"zh": "只列出{county}的部门；名次是在全市 {n} 个参与排名部门中的名次。",
                    "en": "Only the departments of {county} are listed; each rank is among all {n} ranked "
                          "departments of the city."},
    "change_note": {"zh": "“得分较{last}年”为与{last}年得分之差（分）；“名次较{last}年”为名次升降（+2 为上升2位，-1 为下降1位）；"
                          "首个考核年度、{last}年未考核或任一年不参与排名的显示“—”。不参与排名的单位列在最后，"
                          "“排名情况”注明原因。失分最多的指标：失分最多的前几项（失分按适用权重折算，与得分同一口径），"
                          "拟通报单位的即通报中的主要失分项。",
                    "en": "“Score vs {last}” is the difference from the {last} score in points; “Rank vs {last}” is "
                          "the number of places gained (+2: up two places, -1: down one); “—” for a unit in its first "
                          "assessed year, not assessed in {last}, or not ranked in either year. Units not ranked "
                          "come last, with the reason under “Ranking”. Weakest parts: the parts that lost most "
                          "points (on the score's rescaled basis); for a unit headed for the circular they are the "
                          "main shortfalls the circular cites."},
    "col_score_change": {"zh": "得分较{last}年", "en": "Score vs {last}"},
    "col_rank_change": {"zh": "名次较{last}年（+为上升）", "en": "Rank vs {last} (+ = up)"},
    "col_region": {"zh": "所属县（市、区）", "en": "County / district"},
    "none_lost": {"zh": "无失分", "en": "No points lost"},
}

_s = i18n.translator(STRINGS)

RANK = fmt.XLSX_FORMATS["rank"]


def ranking_table(rows: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str], dict[str, NumberText]]:
    """The table of one scope: its columns (numbers kept as numbers, each as the formatters write it),
    their labels in `lang` and how each numeric column is shown. Pure apart from the labels."""
    out = rows.assign(
        rank_value=rows["score_rank"].astype("Int64"),
        score_value=[fmt.rounded(v) for v in rows["score"]],
        score_change_value=[fmt.rounded(v) for v in rows["last_year_score_change"]],
        rank_change_value=rows["last_year_rank_change"].astype("Int64"),
        # no score, no parts to name; a score without points lost says so
        weakest=[fmt.MISSING if fmt.is_missing(score) else (text or _s("none_lost", lang))
                 for text, score in zip(rows["weakest_parts_text"], rows["score"])],
    )
    for name in ("score_value", "score_change_value"):
        out[name] = pd.to_numeric(out[name], errors="coerce").astype("float64")
    of = int(rows["units_ranked"].max()) if rows["units_ranked"].notna().any() else 0
    department = (rows["scope"] == "department").any()
    last = fmt.year(int(rows["year"].iloc[0]) - 1)
    # the key columns first (a phone shows the first three), the long text last
    columns = {"rank_value": _s("rank", lang),
               "unit_name": _s("department" if department else "county", lang),
               "score_value": _s("score", lang), "score_change_value": _s("col_score_change", lang, last=last),
               "rank_change_value": _s("col_rank_change", lang, last=last)}
    if department:
        columns["region_name"] = _s("col_region", lang)
    columns.update({"ranking_status_label": _s("ranking_status", lang),
                    "circular_status_label": _s("circular_status", lang), "weakest": _s("weakest_parts", lang)})
    numbers = {
        columns["rank_value"]: NumberText(lambda r: fmt.rank(r, of), RANK),
        columns["score_value"]: NumberText(fmt.score, fmt.XLSX_FORMATS["score"]),
        columns["score_change_value"]: NumberText(fmt.score_change, fmt.XLSX_FORMATS["score_change"]),
        columns["rank_change_value"]: NumberText(fmt.rank_change, fmt.XLSX_FORMATS["rank_change"]),
    }
    return out, columns, numbers


def summary(rows: pd.DataFrame, what: str, year: int, lang: str) -> str:
    ranked = int((rows["ranking_status"] == "ranked").sum())
    named = int(rows["named_in_circular"].fillna(False).astype(bool).sum())
    return _s("summary", lang, year=fmt.year(year), what=_s(what, lang), ranked=fmt.count(ranked),
              unranked=fmt.count(len(rows) - ranked), named=fmt.count(named))


lang = i18n.current_language()
st.title(_s("title", lang))
st.caption(_s("caption", lang))
require_published()
sel = filters(show_period=False, show_dept=False)  # annual: the quarter or month chosen elsewhere is kept
st.caption(_s("annual_only", lang, year=fmt.year(sel.year)))

departments = assessment.ranking(sel.year, "department", lang, region_code=sel.region_code)
counties = assessment.ranking(sel.year, "region", lang)
if departments.empty and counties.empty:
    st.info(_s("no_data", lang))
    st.stop()

tab_departments, tab_counties = st.tabs([_s("tab_departments", lang, n=fmt.count(len(departments))),
                                         _s("tab_counties", lang, n=fmt.count(len(counties)))])
note = _s("change_note", lang, last=fmt.year(sel.year - 1))
for tab, rows, what, name in ((tab_departments, departments, "what_departments", "部门考核排名"),
                              (tab_counties, counties, "what_counties", "县区考核排名")):
    with tab:
        if rows.empty:
            st.info(_s("no_data", lang))
            continue
        st.caption(summary(rows, what, sel.year, lang))
        if what == "what_departments" and sel.region_code:  # units_ranked: all ranked departments of the city
            st.caption(_s("county_only", lang, county=labels.unit_name("region", sel.region_code, lang),
                          n=fmt.count(rows["units_ranked"].max())))
        table, columns, numbers = ranking_table(rows, lang)
        table_with_downloads(table, columns, numbers=numbers, file_name=f"{name}_{fmt.year(sel.year)}",
                             key=f"ranking_{what}")
        st.caption(note)
