"""总览: the headline measures and the score against targets, trend, milestones, department x metric
heatmap, county ranking and the units headed for the circular. Every figure and label is read through
`serving` (the metric group `headline`, the milestones and assessment marts, dim_unit, dim_code_label)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import figures_metrics as fm
from dashboard.components import chart_with_table, markdown_literal, table_with_downloads
from dashboard.i18n import current_language, paren, punct, t
from dashboard.page_common import (card_slots, drilldown, filters, metric_card, metric_names, period_notice,
                                   period_text, prefer_grain, require_published, score_card, unit_label, unit_of,
                                   value_table, with_labels)
from serving import assessment, labels
from serving import formatters as fmt
from serving import metrics as values

st.title(t("page_overview"))
st.caption(t("overview_caption"))
require_published()
sel = filters()
lang = current_language()
names = metric_names(lang)
scope, code = unit_of(sel)
headline = labels.metric_codes("headline")
st.caption(t("showing_for", unit=unit_label(sel, lang), period=period_text(sel, lang)))

# --- 核心指标 ----------------------------------------------------------------------------------------
st.subheader(t("headline"))
now = prefer_grain(values.unit_values(headline, scope, code, sel.grain, sel.period_start), sel.grain)
before = prefer_grain(values.unit_values(headline, scope, code, sel.grain,
                                         sel.period_start.replace(year=sel.year - 1)), sel.grain)
score_now = assessment.unit_score(sel.year, scope, code, lang) if scope != "city" else None
if now.empty:
    if sel.grain == "year":
        st.info(t("no_data"))
    else:  # a quarter or month without records: say so, and where they begin
        period_notice(sel, headline, now, lang)
else:
    rows = {r["metric_code"]: r for _, r in now.iterrows()}
    prev = {r["metric_code"]: r for _, r in before.iterrows()}
    cells = len(headline) + (1 if score_now is not None else 0)
    columns = card_slots(cells)
    for column, metric in zip(columns, headline):
        row = rows.get(metric)
        label = names.get(metric, metric) + (t("annual_only") if row is not None and row["annual_only"] else "")
        metric_card(column, label, row, prev.get(metric), lang)
    if score_now is not None:
        score_card(columns[len(headline)], t("unit_score"), score_now, lang)
        if fmt.is_missing(score_now["score_rank"]):  # why there is no rank, in full (the card is narrow)
            st.caption(f"{t('unit_score')}{punct('colon', lang)}{score_now['ranking_status_label']}")
    period_notice(sel, headline, now, lang)
    st.caption(t("coverage_note") + " " + t("annual_note") + " " + t("not_applicable_note"))

# --- 历年趋势 ----------------------------------------------------------------------------------------
trend = with_labels(values.unit_trend(headline, scope, code), lang)
table, columns = value_table(trend, lang, unit_column=None) if not trend.empty else (trend, None)
chart_with_table(
    fm.trend_small_multiples(trend, title=t("trend_title"), lang=lang) if not trend.empty else None,
    table, columns, file_name="总览_历年趋势", key="overview_trend",
)

# --- 节点任务 ----------------------------------------------------------------------------------------
st.subheader(t("milestones"))
milestones = assessment.milestones(lang)
achieved = labels.code_labels("milestone_status", lang)


def measure_text(row: pd.Series) -> str:
    """`制度机制全覆盖 82.9%（97 / 117，目标≥100.0%）`: a milestone's measure, the city's value."""
    target = labels.target_text(row["target"], row["target_direction"], row["unit"], lang)
    detail = (f"{fmt.fraction(row['numerator'], row['denominator'])}{punct('comma', lang)}{t('target', lang)}"
              f"{' ' if lang == 'en' else ''}{target}")
    return f"{row['metric_name']} {fmt.rate(row['rate'], row['unit'], lang)}" + paren(detail, lang)


if milestones.empty:
    st.info(t("no_data"))
else:
    order = list(dict.fromkeys(milestones["milestone"]))
    for column, milestone in zip(st.columns(len(order)), order):
        part = milestones[milestones["milestone"] == milestone]
        first = part.iloc[0]
        done = first["milestone_achieved"]
        status = fmt.MISSING if fmt.is_missing(done) else achieved["achieved" if bool(done) else "not_achieved"]
        measures = [measure_text(r) for _, r in part.iterrows()]
        with column:
            if len(part) == 1:  # one measure: its value, and whether the milestone is achieved
                st.metric(first["milestone_label"], fmt.rate(first["rate"], first["unit"], lang), delta=status,
                          delta_color="off" if fmt.is_missing(done) else ("normal" if bool(done) else "inverse"),
                          delta_arrow="off")
            else:
                st.metric(first["milestone_label"], status,
                          delta=punct("sep", lang).join(f"{r['metric_name']} {fmt.rate(r['rate'], r['unit'], lang)}"
                                                        for _, r in part.iterrows()),
                          delta_color="off", delta_arrow="off")
            st.caption(f"{fmt.iso_date(first['due_date'])} · " + punct("sep", lang).join(measures))
gaps = assessment.mechanism_gaps("milestone", lang=lang)
with st.expander(t("milestone_missing") + paren(fmt.count(len(gaps)), lang)):
    table_with_downloads(
        gaps, {"region_name": t("county"), "dept_name": t("department"), "missing_text": t("missing_mechanisms")},
        file_name="2020节点未到位单位", key="milestone_missing",
    )

# --- 部门 x 指标 -------------------------------------------------------------------------------------
st.subheader(t("heatmap_title"))
dims = labels.metrics()
scored = dims.loc[dims["is_scored"].astype(bool), "metric_code"].tolist()
heat_region = sel.region_code or labels.settings().city_code  # the whole city: the city-level departments
if not sel.region_code:
    st.caption(t("heatmap_scope_city"))
depts = values.department_values(scored, sel.grain, sel.period_start, heat_region, lang=lang)
if sel.grain != "year":  # the metrics measured per year only, at their year (as the cards): marked （年度）
    annual = values.department_values(values.annual_only(scored), "year", sel.period_start.replace(month=1, day=1),
                                      heat_region, lang=lang)
    depts = pd.concat([depts, annual]) if not annual.empty else depts
depts = with_labels(depts, lang)
if not depts.empty:
    if sel.grain != "year":
        depts = depts.assign(label=[f"{name}{t('annual_only')}" if grain == "year" else name
                                    for name, grain in zip(depts["label"], depts["grain"])])
    depts = depts.sort_values(["sort_order", "dept_code"], kind="stable")
    if sel.dept_code:
        depts = depts.loc[depts["dept_code"] == sel.dept_code]
table, columns = value_table(depts, lang) if not depts.empty else (depts, None)
heatmap = fm.attainment_heatmap(depts, lang=lang) if not depts.empty else None
chart_with_table(
    heatmap, table, columns, file_name="部门指标达成", key="overview_heatmap", drill="overview_drill",
    min_width=fm.readable_width(heatmap) if heatmap is not None else None,
)

# --- 县区排名 ----------------------------------------------------------------------------------------
st.subheader(t("county_ranking"))
ranking = assessment.scores(sel.year, "region", lang)
if not ranking.empty:
    ranking = ranking.assign(
        score_text=[fmt.score(s) for s in ranking["score"]],
        rank_text=[fmt.rank(r, n) for r, n in zip(ranking["score_rank"], ranking["units_ranked"])],
    )
chart_with_table(
    fm.score_ranking_bar(ranking, lang=lang) if not ranking.empty else None,
    ranking,
    {"rank_text": t("rank"), "unit_name": t("county"), "score_text": t("score"),
     "ranking_status_label": t("ranking_status"), "circular_status_label": t("circular")},
    file_name="县区考核排名", key="overview_ranking",
)

# --- 拟通报 ------------------------------------------------------------------------------------------
st.subheader(t("circular"))
flagged = assessment.circular(sel.year, sel.region_code, lang)
if flagged.empty:
    st.info(t("circular_none"))
else:
    shortfalls = assessment.shortfalls(sel.year, flagged["unit_code"].tolist(), main_only=True, lang=lang)
    texts = {(s, u): assessment.shortfalls_text(rows, lang)
             for (s, u), rows in shortfalls.groupby(["scope", "unit_code"], sort=False)}
    flagged = flagged.assign(
        score_text=[fmt.score(s) for s in flagged["score"]],
        rank_text=[fmt.rank(r, n) for r, n in zip(flagged["score_rank"], flagged["units_ranked"])],
        shortfalls_text=[texts.get((s, u), "") for s, u in zip(flagged["scope"], flagged["unit_code"])],
    )
    table_with_downloads(
        flagged,
        {"unit_kind": t("scope_label"), "unit_name": t("unit"), "score_text": t("score"), "rank_text": t("rank"),
         "circular_rule_text": t("circular_rule"), "shortfalls_text": t("weakest_parts")},
        file_name="拟通报名单", key="overview_circular",
    )
    # the shortfalls in full (a table cell cuts them off): each unit with what it lost points on
    with st.expander(t("weakest_parts"), expanded=True):
        comma = punct("comma", lang)
        st.markdown("\n".join(
            f"- **{markdown_literal(r['unit_name'])}**"
            + markdown_literal(paren(f"{r['unit_kind']}{comma}{r['score_text']}{comma}{r['rank_text']}", lang)
                               + f"{punct('colon', lang)}{r['shortfalls_text'] or fmt.MISSING}")
            for _, r in flagged.iterrows()))

# --- 审计线索 ----------------------------------------------------------------------------------------
drilldown(sel, key="overview_drill")
