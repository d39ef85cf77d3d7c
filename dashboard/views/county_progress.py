"""县区进展: the 7 county-level divisions coloured by any metric, compared, over years, and each
county's departments. Names (the city-level departments included) from dim_unit, score changes from
the scores mart."""
from __future__ import annotations

import streamlit as st

from dashboard import figures_map, geo
from dashboard import figures_metrics as fm
from dashboard.components import chart_with_table, table_with_downloads
from dashboard.i18n import current_language, t
from dashboard.page_common import (drilldown, filters, metric_names, period_notice, period_text, require_published,
                                   value_table, with_labels)
from serving import assessment, labels, scope
from serving import formatters as fmt
from serving import metrics as values

# light end still clearly coloured, so the lowest county never looks like the grey 无数据
DEFAULT_METRIC = "on_time_publication"  # what the picker opens on

st.title(t("page_county"))
st.caption(t("county_caption"))
require_published()
sel = filters(show_dept=False)
lang = current_language()
names = metric_names(lang)
dim = labels.metrics().set_index("metric_code")

codes = list(names)
default = codes.index(DEFAULT_METRIC) if DEFAULT_METRIC in codes else 0
metric = st.selectbox(t("choose_metric"), codes, index=default, format_func=lambda c: names.get(c, c),
                      key="county_metric")
unit = str(dim.loc[metric, "unit"]) if metric in dim.index else "percent"
label = names.get(metric, metric)

# the selected period at its grain; a metric measured per year only at its year (never the year's value
# for a metric measured per quarter or month that has no records in the period)
annual_only = sel.grain != "year" and bool(values.annual_only([metric]))
found = (values.region_values((metric,), "year", sel.period_start.replace(month=1, day=1), lang) if annual_only
         else values.region_values((metric,), sel.grain, sel.period_start, lang))
found = with_labels(found, lang)
st.caption(f"{label} · {period_text(sel, lang)}" + (t("annual_only") if annual_only else "")
           + " · " + t("not_applicable_note"))
if found.empty:
    period_notice(sel, [metric], found, lang)

# --- 地图 --------------------------------------------------------------------------------------------
counties = found.loc[~found["is_city_level"].astype(bool)] if not found.empty else found
reader_scope = scope.current()  # the row scope the page reads through (serving/scope.py)
# a county or department account sees its own rows only: the other counties are outside its view, not empty
outside = frozenset() if reader_scope.citywide else frozenset(geo.county_names()) - {reader_scope.region}
table, columns = value_table(counties, lang) if not counties.empty else (counties, None)
targets = counties["target"].dropna() if not counties.empty else counties
chart_with_table(
    figures_map.choropleth(counties, "rate", name_column="unit_name", value_label=label, unit=unit,
                           title=t("map_title", metric=label), lang=lang,
                           target=float(targets.iloc[0]) if not targets.empty else None,
                           target_direction=str(counties["target_direction"].iloc[0]) if not targets.empty else None,
                           outside=outside) if not counties.empty else None,
    table, columns, file_name=f"县区地图_{metric}", key="county_map",
)

# --- 对比 --------------------------------------------------------------------------------------------
st.subheader(t("compare_title"))
compare = found.sort_values("rate", ascending=False, na_position="last") if not found.empty else found
table, columns = value_table(compare, lang) if not compare.empty else (compare, None)
chart_with_table(
    fm.grouped_bars(compare, title=label, lang=lang, unit=unit) if not compare.empty else None,
    table, columns, file_name=f"县区对比_{metric}", key="county_compare", drill="county_drill",
)

# --- 趋势 --------------------------------------------------------------------------------------------
st.subheader(t("county_trend"))
trend = with_labels(values.region_values((metric,), "year", lang=lang), lang)
if sel.region_code and not trend.empty:
    trend = trend.loc[(trend["region_code"] == sel.region_code) | trend["is_city_level"].astype(bool)]
table, columns = value_table(trend, lang) if not trend.empty else (trend, None)
chart_with_table(
    fm.trend_lines(trend, title=label, lang=lang, unit=unit) if not trend.empty else None,
    table, columns, file_name=f"县区趋势_{metric}", key="county_trend",
)

scores = assessment.scores(None, "region", lang)
if sel.region_code and not scores.empty:
    scores = scores.loc[scores["region_code"] == sel.region_code]
st.subheader(t("score_change"))
change = scores.loc[(scores["year"] == sel.year) & scores["score_change_since_first"].notna()
                    & (scores["first_year"] < sel.year)] if not scores.empty else scores
if change.empty:
    st.info(t("no_data"))
else:
    change = change.sort_values(["score_change_since_first", "unit_order"], ascending=[False, True])
    best = change.iloc[0]
    st.caption(t("score_change_best", unit=best["unit_name"], change=fmt.score_change(best["score_change_since_first"]),
                 first_year=fmt.year(best["first_year"]), year=fmt.year(sel.year)))
    change = change.assign(first_year_text=[fmt.year(y) for y in change["first_year"]],
                           first_score_text=[fmt.score(s) for s in change["first_score"]],
                           score_text=[fmt.score(s) for s in change["score"]],
                           change_text=[fmt.score_change(c) for c in change["score_change_since_first"]])
    table_with_downloads(
        change, {"unit_name": t("county"), "first_year_text": t("first_year"), "first_score_text": t("first_score"),
                 "score_text": t("score"), "change_text": t("change_points")},
        file_name="县区得分变化", key="county_score_change")
with st.expander(t("score_trend")):
    history = scores.assign(year_text=[fmt.year(y) for y in scores["year"]],
                            score_text=[fmt.score(s) for s in scores["score"]],
                            rank_text=[fmt.rank(r, n) if not fmt.is_missing(r) else label_
                                       for r, n, label_ in zip(scores["score_rank"], scores["units_ranked"],
                                                               scores["ranking_status_label"])]
                            ) if not scores.empty else scores
    chart_with_table(
        fm.score_trend(scores, lang=lang) if not scores.empty else None,
        history, {"unit_name": t("county"), "year_text": t("year_col"), "score_text": t("score"),
                  "rank_text": t("rank")},
        file_name="县区历年得分", key="county_scores",
    )

# --- 各县区部门 --------------------------------------------------------------------------------------
st.subheader(t("county_departments"))
grain, start = (("year", sel.period_start.replace(month=1, day=1)) if annual_only
                else (sel.grain, sel.period_start))
depts = with_labels(values.department_values((metric,), grain, start, sel.region_code, lang=lang), lang)
if depts.empty:
    st.info(t("no_data"))
else:
    depts = depts.sort_values(["region_code", "rate"], ascending=[True, False], na_position="last")
    table, columns = value_table(depts, lang)
    table_with_downloads(table, columns, file_name=f"县区部门_{metric}", key="county_depts")

drilldown(sel, default_metric=metric, key="county_drill")  # the metric the page's charts show
