"""抽查与信用: sampling ratio by credit class against the intended gradient (higher risk, higher ratio),
random draw / random match compliance, item coverage and inspector participation."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import figures_metrics as fm
from dashboard import queries
from dashboard.components import chart_with_table
from dashboard.i18n import current_language, t
from dashboard.page_common import (drilldown, filters, metric_card, metric_names, period_text, prefer_grain, require_published,
                                   unit_label, value_table, with_labels)

CLASSES = {"sampling_ratio_a": "A", "sampling_ratio_b": "B", "sampling_ratio_c": "C", "sampling_ratio_d": "D"}
RANDOM = ("random_draw_share", "random_match_share", "credit_linked_task_share")
ANNUAL = ("item_coverage", "inspector_participation")
HEAD = ("sampling_ratio",) + RANDOM + ANNUAL

st.title(t("page_sampling"))
st.caption(t("sampling_caption"))
require_published()
sel = filters()
lang = current_language()
names = metric_names(lang)
st.caption(t("showing_for", unit=unit_label(sel, lang), period=period_text(sel, lang)))

now = with_labels(prefer_grain(queries.unit_values(HEAD, sel), sel.grain), lang)
before = prefer_grain(queries.unit_values(HEAD, sel, year=sel.year - 1), sel.grain)
if now.empty:
    st.info(t("no_data"))
else:
    rows = {r["metric_code"]: r for _, r in now.iterrows()}
    prev = {r["metric_code"]: r for _, r in before.iterrows()}
    columns = [c for _ in range(0, len(HEAD), 3) for c in st.columns(3, border=True)]
    for column, metric in zip(columns, HEAD):
        row = rows.get(metric)
        label = names.get(metric, metric) + (t("annual_only") if row is not None and row["annual_only"] else "")
        metric_card(column, label, row, prev.get(metric), lang)
    st.caption(t("annual_note") + " " + t("not_applicable_note"))

# --- 信用分类梯度 ------------------------------------------------------------------------------------
st.subheader(t("credit_gradient"))
classes = prefer_grain(queries.unit_values(tuple(CLASSES), sel), sel.grain)
if not classes.empty:
    classes = with_labels(classes, lang).assign(
        unit_name=[f"{CLASSES[c]}{'类' if lang == 'zh' else ''}" for c in classes["metric_code"]])
    classes = classes.sort_values("metric_code")
    gradient = queries.credit_gradient(sel)
    hit = gradient.loc[(gradient["grain"] == sel.grain) & (gradient["year"] == sel.year)]
    rises = hit.iloc[0]["rises_with_risk"] if not hit.empty else None
    if rises is None or pd.isna(rises):
        st.warning(t("gradient_unknown"))
    elif bool(rises):
        st.success(t("gradient_ok"))
    else:
        st.error(t("gradient_bad"))
    st.caption(t("log_note"))
bars = classes.assign(label=t("credit_gradient")) if not classes.empty else classes
table, labels = value_table(classes, lang) if not classes.empty else (classes, None)
if labels:
    labels = {"unit_name": t("credit_class"), **{k: v for k, v in labels.items() if k != "unit_name"}}
chart_with_table(
    fm.grouped_bars(bars, title=t("credit_gradient"), lang=lang, show_target=False, log_y=True) if not bars.empty else None,
    table, labels, file_name="信用分类抽查比例", key="credit_classes",
)
trend = with_labels(queries.unit_trend(tuple(CLASSES), sel), lang)
table, labels = value_table(trend, lang, unit_column=None) if not trend.empty else (trend, None)
chart_with_table(
    fm.trend_lines(trend, series="label", lang=lang, title=t("credit_trend"), log_y=True) if not trend.empty else None,
    table, labels, file_name="信用分类抽查比例_趋势", key="credit_trend",
)


def unit_rows(codes, grain: str, start) -> pd.DataFrame:
    """Counties (and 市本级) for the whole city; the departments of the chosen county otherwise."""
    if sel.region_code:
        frame = queries.department_values(codes, grain, start, sel.region_code)
    else:
        frame = queries.region_values(codes, grain, start)
    return with_labels(frame, lang)


# --- 随机抽取与匹配 ----------------------------------------------------------------------------------
st.subheader(t("random_compliance"))
if not sel.region_code:
    st.caption(t("by_units_city"))
frame = unit_rows(RANDOM, sel.grain, sel.period_start)
table, labels = value_table(frame, lang) if not frame.empty else (frame, None)
chart_with_table(
    fm.grouped_bars(frame, title=t("random_compliance"), lang=lang) if not frame.empty else None,
    table, labels, file_name="随机抽取与匹配", key="random_units",
)

# --- 事项覆盖与人员参与 ------------------------------------------------------------------------------
st.subheader(t("coverage_participation"))
frame = unit_rows(ANNUAL, "year", sel.period_start.replace(month=1, day=1))
table, labels = value_table(frame, lang) if not frame.empty else (frame, None)
chart_with_table(
    fm.grouped_bars(frame, title=t("coverage_participation"), lang=lang) if not frame.empty else None,
    table, labels, file_name="事项覆盖与人员参与", key="annual_units",
)

drilldown(sel, metric_codes=list(HEAD) + ["sampling_ratio_a", "sampling_ratio_b", "sampling_ratio_c", "sampling_ratio_d"],
          key="sampling_drill")
