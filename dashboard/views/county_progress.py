"""县区进展: the 7 county-level divisions coloured by any metric, compared, over years, and each
county's departments."""
from __future__ import annotations

import streamlit as st

from dashboard import figures_map, queries
from dashboard import figures_metrics as fm
from dashboard.components import chart_with_table, table_with_downloads
from dashboard.i18n import current_language, t
from dashboard.page_common import (drilldown, filters, metric_names, period_text, require_published, value_table,
                                   with_labels)

# light end still clearly coloured, so the lowest county never looks like the grey 无数据
BLUES = [[0.0, "#c6dbef"], [0.5, "#4292c6"], [1.0, "#08306b"]]
REDS = [[0.0, "#fcbba1"], [0.5, "#ef3b2c"], [1.0, "#67000d"]]

st.title(t("page_county"))
st.caption(t("county_caption"))
require_published()
sel = filters(show_dept=False)
lang = current_language()
names = metric_names(lang)
dim = queries.metric_dim().set_index("metric_code")

codes = list(names)
default = codes.index("on_time_publication") if "on_time_publication" in codes else 0
metric = st.selectbox(t("choose_metric"), codes, index=default, format_func=lambda c: names.get(c, c),
                      key="county_metric")
unit = str(dim.loc[metric, "unit"]) if metric in dim.index else "percent"
value_format = ".2f" if unit == "ratio" else ".1%"
label = names.get(metric, metric)

# the selected period at its grain; annual-only metrics at year grain
values = queries.region_values((metric,), sel.grain, sel.period_start)
annual_only = False
if values.empty and sel.grain != "year":
    values = queries.region_values((metric,), "year", sel.period_start.replace(month=1, day=1))
    annual_only = not values.empty
values = with_labels(values, lang)
st.caption(f"{label} · {period_text(sel, lang)}" + (t("annual_only") if annual_only else "")
           + " · " + t("not_applicable_note"))

# --- 地图 --------------------------------------------------------------------------------------------
counties = values.loc[values["region_code"] != queries.CITY_CODE] if not values.empty else values
table, labels = value_table(counties, lang) if not counties.empty else (counties, None)
chart_with_table(
    figures_map.choropleth(counties, "rate", name_column="unit_name", value_label=label, value_format=value_format,
                           title=t("map_title", metric=label), lang=lang,
                           colorscale=REDS if str(values["target_direction"].iloc[0] if not values.empty else "")
                           == "at_most" else BLUES) if not counties.empty else None,
    table, labels, file_name=f"县区地图_{metric}", key="county_map",
)

# --- 对比 --------------------------------------------------------------------------------------------
st.subheader(t("compare_title"))
compare = values.sort_values("rate", ascending=False, na_position="last") if not values.empty else values
table, labels = value_table(compare, lang) if not compare.empty else (compare, None)
chart_with_table(
    fm.grouped_bars(compare, title=label, lang=lang, unit=unit) if not compare.empty else None,
    table, labels, file_name=f"县区对比_{metric}", key="county_compare",
)

# --- 趋势 --------------------------------------------------------------------------------------------
st.subheader(t("county_trend"))
trend = with_labels(queries.region_values((metric,), "year"), lang)
if sel.region_code and not trend.empty:
    trend = trend.loc[trend["region_code"].isin([sel.region_code, queries.CITY_CODE])]
table, labels = value_table(trend, lang) if not trend.empty else (trend, None)
chart_with_table(
    fm.trend_lines(trend, title=label, lang=lang, unit=unit) if not trend.empty else None,
    table, labels, file_name=f"县区趋势_{metric}", key="county_trend",
)

scores = queries.region_score_trend()
if sel.region_code and not scores.empty:
    scores = scores.loc[scores["region_code"].isin([sel.region_code])]
st.subheader(t("score_change"))
change = fm.score_change(scores, sel.year)
if change.empty:
    st.info(t("no_data"))
else:
    best = change.iloc[0]
    st.caption(t("score_change_best", unit=best["unit_name"], change=f"{best['change']:+.1f}",
                 first_year=int(best["first_year"]), year=sel.year))
    table_with_downloads(
        change, {"unit_name": t("county"), "first_year": t("first_year"), "first_score": t("first_score"),
                 "score": t("score"), "change": t("change_points")},
        file_name="县区得分变化", key="county_score_change")
with st.expander(t("score_trend")):
    chart_with_table(
        fm.score_trend(scores, lang=lang) if not scores.empty else None,
        scores, {"unit_name": t("county"), "year": t("year_col"), "score": t("score"), "score_rank": t("rank")},
        file_name="县区历年得分", key="county_scores",
    )

# --- 各县区部门 --------------------------------------------------------------------------------------
st.subheader(t("county_departments"))
grain, start = (("year", sel.period_start.replace(month=1, day=1)) if annual_only
                else (sel.grain, sel.period_start))
depts = with_labels(queries.department_values((metric,), grain, start, sel.region_code), lang)
if depts.empty:
    st.info(t("no_data"))
else:
    depts = depts.sort_values(["region_code", "rate"], ascending=[True, False], na_position="last")
    table, labels = value_table(depts, lang)
    table_with_downloads(table, labels, file_name=f"县区部门_{metric}", key="county_depts",
                         percent=[t("target")])

drilldown(sel, key="county_drill")
