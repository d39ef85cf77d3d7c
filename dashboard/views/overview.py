"""总览: the headline measures and the score against targets, trend, milestones, department x metric
heatmap, county ranking and the units headed for the circular."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import figures_metrics as fm
from dashboard import queries
from dashboard.filters import Selection
from dashboard.components import chart_with_table, table_with_downloads
from dashboard.i18n import current_language, t
from dashboard.page_common import (drilldown, filters, metric_card, metric_names, period_text, prefer_grain,
                                   require_published, unit_label, value_table, with_labels)

st.title(t("page_overview"))
st.caption(t("overview_caption"))
require_published()
sel = filters()
lang = current_language()
names = metric_names(lang)
st.caption(t("showing_for", unit=unit_label(sel, lang), period=period_text(sel, lang)))

# --- 核心指标 ----------------------------------------------------------------------------------------
st.subheader(t("headline"))
now = prefer_grain(queries.unit_values(queries.HEADLINE, sel), sel.grain)
before = prefer_grain(queries.unit_values(queries.HEADLINE, sel, year=sel.year - 1), sel.grain)
scope, code = queries.unit_of(sel)
score_now = None
if scope != "city":
    scores = queries.unit_score(sel.year, scope, code)
    score_now = scores.iloc[0] if not scores.empty else None
if now.empty:
    st.info(t("no_data"))
else:
    rows = {r["metric_code"]: r for _, r in now.iterrows()}
    prev = {r["metric_code"]: r for _, r in before.iterrows()}
    cells = len(queries.HEADLINE) + (1 if score_now is not None else 0)
    per_row = 4 if cells > 6 else 3
    columns = [c for _ in range(0, cells, per_row) for c in st.columns(per_row, border=True)]
    for column, metric in zip(columns, queries.HEADLINE):
        row = rows.get(metric)
        label = names.get(metric, metric) + (t("annual_only") if row is not None and row["annual_only"] else "")
        metric_card(column, label, row, prev.get(metric), lang)
    if score_now is not None:
        columns[len(queries.HEADLINE)].metric(t("unit_score"), f"{score_now['score']:.1f}",
                           help=f"{t('rank')}：{int(score_now['score_rank'])} / {int(score_now['units_ranked'])}")
    st.caption(t("coverage_note") + " " + t("annual_note") + " " + t("not_applicable_note"))

# --- 历年趋势 ----------------------------------------------------------------------------------------
trend = with_labels(queries.unit_trend(queries.HEADLINE, sel), lang)
table, labels = value_table(trend, lang, unit_column=None) if not trend.empty else (trend, None)
chart_with_table(
    fm.trend_small_multiples(trend, title=t("trend_title"), lang=lang) if not trend.empty else None,
    table, labels, file_name="总览_历年趋势", key="overview_trend",
)

# --- 节点任务 ----------------------------------------------------------------------------------------
st.subheader(t("milestones"))
city_2020 = Selection(year=2020, grain="year", period_start=date(2020, 1, 1), region_code=None, dept_code=None)
city_2022 = Selection(year=2022, grain="year", period_start=date(2022, 1, 1), region_code=None, dept_code=None)
mile = queries.unit_values(("mechanism_coverage_milestone",), city_2020)
cities_2022 = queries.unit_values(("mechanism_coverage", "item_coverage"), city_2022)
col_2020, col_2022 = st.columns(2)
with col_2020:
    if mile.empty:
        st.metric(t("milestone_2020"), "—")
    else:
        row = mile.iloc[0]
        done = pd.notna(row["rate"]) and float(row["rate"]) >= 1
        st.metric(t("milestone_2020"), fm.fmt_value(row["rate"], "percent", lang),
                  delta=t("achieved") if done else t("not_achieved"), delta_color="normal" if done else "inverse",
                  delta_arrow="off",
                  help=f"{t('numerator')} / {t('denominator')}：{int(row['numerator']):,} / {int(row['denominator']):,}")
    st.caption(t("milestone_2020_def"))
with col_2022:
    if cities_2022.empty:
        st.metric(t("milestone_2022"), "—")
    else:
        rates = dict(zip(cities_2022["metric_code"], cities_2022["rate"]))
        parts = [f"{names.get(m, m)} {fm.fmt_value(rates.get(m), 'percent', lang)}"
                 for m in ("mechanism_coverage", "item_coverage")]
        done = all(pd.notna(rates.get(m)) and float(rates[m]) >= 1 for m in ("mechanism_coverage", "item_coverage"))
        st.metric(t("milestone_2022"), t("achieved") if done else t("not_achieved"),
                  delta="；".join(parts), delta_color="off", delta_arrow="off")
    st.caption(t("milestone_2022_def"))
missing = queries.milestone_missing()
with st.expander(f"{t('milestone_missing')}（{len(missing)}）"):
    table_with_downloads(
        missing,
        {"region_name": t("county"), "dept_name": t("department"), "missing_components": "缺少的机制",
         "has_item_list": "事项清单", "has_object_register": "对象名录库", "has_inspector_register": "人员名录库",
         "has_plan_filed_in_time": "计划按时制定", "has_plan_approval": "计划经批准"},
        file_name="2020节点未到位单位", key="milestone_missing",
    )

# --- 部门 x 指标 -------------------------------------------------------------------------------------
st.subheader(t("heatmap_title"))
scored = queries.scored_metrics()["metric_code"].tolist()
heat_region = sel.region_code or queries.CITY_CODE
if not sel.region_code:
    st.caption(t("heatmap_scope_city"))
depts = queries.department_values(scored, sel.grain, sel.period_start, heat_region)
if sel.grain != "year":
    annual = queries.department_values(scored, "year", sel.period_start.replace(month=1, day=1), heat_region)
    depts = pd.concat([depts, annual.loc[~annual["metric_code"].isin(set(depts["metric_code"]))]])
depts = with_labels(depts, lang)
if not depts.empty:
    depts = depts.sort_values(["sort_order", "dept_code"], kind="stable")
    if sel.dept_code:
        depts = depts.loc[depts["dept_code"] == sel.dept_code]
table, labels = value_table(depts, lang) if not depts.empty else (depts, None)
chart_with_table(
    fm.attainment_heatmap(depts, lang=lang) if not depts.empty else None,
    table, labels, file_name="部门指标达成", key="overview_heatmap",
)

# --- 县区排名 ----------------------------------------------------------------------------------------
st.subheader(t("county_ranking"))
ranking = queries.region_scores(sel.year)
chart_with_table(
    fm.score_ranking_bar(ranking, lang=lang) if not ranking.empty else None,
    ranking.assign(score=ranking["score"].astype(float).round(1)) if not ranking.empty else ranking,
    {"score_rank": t("rank"), "unit_name": t("county"), "score": t("score"), "units_ranked": t("units_ranked"),
     "named_in_circular": t("circular")},
    file_name="县区考核排名", key="overview_ranking",
)

# --- 拟通报 ------------------------------------------------------------------------------------------
st.subheader(t("circular"))
flagged = queries.circular(sel.year, sel.region_code)
if flagged.empty:
    st.info(t("circular_none"))
else:
    parts = queries.score_parts(sel.year, flagged["unit_code"].tolist())
    parts = parts.loc[~parts["not_applicable"].astype(bool)].assign(
        lost=lambda d: d["weight"].astype(float) - d["points"].astype(float))
    weakest = {}
    for unit_code, group in parts.groupby("unit_code"):
        top = group.sort_values("lost", ascending=False).head(3)
        weakest[unit_code] = "；".join(
            f"{names.get(m, m)} {fm.fmt_value(r, 'percent', lang)}（-{lost:.1f}）"
            for m, r, lost in zip(top["metric_code"], top["rate"], top["lost"]))
    flagged = flagged.assign(
        weakest=[weakest.get(u, "—") for u in flagged["unit_code"]],
        kind=[t("scope_department") if s == "department" else t("scope_region") for s in flagged["scope"]],
        rank_text=[f"{int(r)} / {int(n)}" for r, n in zip(flagged["score_rank"], flagged["units_ranked"])],
        score=flagged["score"].astype(float).round(1),
    )
    table_with_downloads(
        flagged,
        {"kind": t("scope_label"), "unit_name": t("unit"), "score": t("score"), "rank_text": t("rank"),
         "weakest": t("weakest_parts")},
        file_name="拟通报名单", key="overview_circular",
    )

# --- 审计线索 ----------------------------------------------------------------------------------------
drilldown(sel, key="overview_drill")
