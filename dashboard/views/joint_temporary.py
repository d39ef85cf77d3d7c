"""联合与临时: joint inspection by tasks and by visits, item checks per visit, temporary tasks by count
and by scale, per unit and over years. The metrics are dim_metric_group's groups joint, items_per_visit
and temporary."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import figures_metrics as fm
from dashboard.components import chart_with_table, table_with_downloads
from dashboard.i18n import current_language, t
from dashboard.page_common import (card_slots, drilldown, filters, metric_card, metric_names, period_notice,
                                   period_text, prefer_grain, require_published, unit_label, unit_of, value_table,
                                   with_labels)
from serving import labels
from serving import metrics as values

st.title(t("page_joint"))
st.caption(t("joint_caption"))
require_published()
sel = filters()
lang = current_language()
names = metric_names(lang)
scope, code = unit_of(sel)
GROUPS = {group: labels.metric_group(group) for group in ("joint", "items_per_visit", "temporary")}
JOINT, SAVED, TEMPORARY = (GROUPS[g]["metric_code"].tolist() for g in ("joint", "items_per_visit", "temporary"))
ALL_METRICS = JOINT + SAVED + TEMPORARY


def group_unit(group: str) -> str:
    """The unit (percent / ratio) of a group's metrics, for its charts' axes."""
    found = GROUPS[group]["unit"].dropna()
    return str(found.iloc[0]) if not found.empty else "percent"


st.caption(t("showing_for", unit=unit_label(sel, lang), period=period_text(sel, lang)))

now = with_labels(prefer_grain(values.unit_values(ALL_METRICS, scope, code, sel.grain, sel.period_start),
                               sel.grain), lang)
before = prefer_grain(values.unit_values(ALL_METRICS, scope, code, sel.grain,
                                         sel.period_start.replace(year=sel.year - 1)), sel.grain)
if now.empty:
    if sel.grain == "year":
        st.info(t("no_data"))
    else:  # a quarter or month without records: say so, and where they begin
        period_notice(sel, ALL_METRICS, now, lang)
else:
    rows = {r["metric_code"]: r for _, r in now.iterrows()}
    prev = {r["metric_code"]: r for _, r in before.iterrows()}
    columns = card_slots(len(ALL_METRICS))
    for column, metric in zip(columns, ALL_METRICS):
        row = rows.get(metric)
        label = names.get(metric, metric) + (t("annual_only") if row is not None and row["annual_only"] else "")
        metric_card(column, label, row, prev.get(metric), lang)
    period_notice(sel, ALL_METRICS, now, lang)
    st.caption(t("not_applicable_note"))


def unit_rows(codes) -> pd.DataFrame:
    """Counties (and the city-level departments) for the whole city; the departments of the chosen county
    otherwise."""
    if sel.region_code:
        frame = values.department_values(codes, sel.grain, sel.period_start, sel.region_code, lang=lang)
    else:
        frame = values.region_values(codes, sel.grain, sel.period_start, lang)
    return with_labels(frame, lang)


# --- 分单位对比 --------------------------------------------------------------------------------------
st.subheader(t("by_units"))
if not sel.region_code:
    st.caption(t("by_units_city"))
for codes, title, key, unit in ((JOINT, t("joint_shares"), "joint", group_unit("joint")),
                                (TEMPORARY, t("temporary_shares"), "temporary", group_unit("temporary")),
                                (SAVED, t("visits_saved_title"), "saved", group_unit("items_per_visit"))):
    frame = unit_rows(codes)
    table, columns = value_table(frame, lang) if not frame.empty else (frame, None)
    chart_with_table(
        fm.grouped_bars(frame, title=title, lang=lang, unit=unit) if not frame.empty else None,
        table, columns, file_name=f"联合与临时_{key}", key=f"units_{key}", drill="joint_drill",
    )

# --- 趋势 --------------------------------------------------------------------------------------------
st.subheader(t("trend_plain"))
trend = with_labels(values.unit_trend(ALL_METRICS, scope, code), lang)
shares = trend.loc[trend["metric_code"].isin(JOINT + TEMPORARY)] if not trend.empty else trend
table, columns = value_table(shares, lang, unit_column=None) if not shares.empty else (shares, None)
chart_with_table(
    fm.trend_lines(shares, series="label", lang=lang, title=t("joint_shares") + " / " + t("temporary_shares")) if not shares.empty else None,
    table, columns, file_name="联合与临时_趋势", key="trend_shares",
)
saved = trend.loc[trend["metric_code"].isin(SAVED)] if not trend.empty else trend
table, columns = value_table(saved, lang, unit_column=None) if not saved.empty else (saved, None)
chart_with_table(
    fm.trend_lines(saved, series="label", lang=lang, unit=group_unit("items_per_visit"), title=t("visits_saved_title"))
    if not saved.empty else None,
    table, columns, file_name="进一次门查多项事_趋势", key="trend_saved",
)

# --- 部门明细 ----------------------------------------------------------------------------------------
st.subheader(t("dept_table"))
depts = with_labels(values.department_values(ALL_METRICS, sel.grain, sel.period_start, sel.region_code, lang=lang),
                    lang)
if sel.dept_code and not depts.empty:
    depts = depts.loc[depts["dept_code"] == sel.dept_code]
if depts.empty:
    st.info(t("no_data"))
else:
    table, columns = value_table(depts, lang)
    table_with_downloads(table, columns, file_name="联合与临时_部门明细", key="joint_depts")

# --- 谁与谁联合 ----------------------------------------------------------------------------------------
st.subheader(t("joint_pairs"))
pairs = values.joint_partners(sel.year, sel.region_code, sel.dept_code, lang)
if pairs.empty:
    st.info(t("no_data"))
else:
    table_with_downloads(
        pairs[["lead_dept_name", "partner_dept_name", "joint_tasks"]],
        {"lead_dept_name": t("joint_lead"), "partner_dept_name": t("joint_partner"), "joint_tasks": t("joint_tasks_n")},
        file_name="联合抽查_发起与配合部门", key="joint_pairs")

drilldown(sel, metric_codes=ALL_METRICS, key="joint_drill")
