"""抽查与信用: sampling ratio by credit class against the intended gradient (higher risk, higher ratio),
random draw / random match compliance, item coverage and inspector participation. The metrics are
dim_metric_group's groups sampling and credit_class (member_code: the credit class, labelled from
dim_code_label)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import figures_metrics as fm
from dashboard.components import chart_with_table
from dashboard.i18n import current_language, t
from dashboard.page_common import (card_slots, drilldown, filters, metric_card, metric_names, period_notice,
                                   period_text, prefer_grain, require_published, unit_label, unit_of, value_table,
                                   with_labels)
from serving import labels
from serving import metrics as values

st.title(t("page_sampling"))
st.caption(t("sampling_caption"))
require_published()
sel = filters()
lang = current_language()
names = metric_names(lang)
scope, code = unit_of(sel)
HEAD = labels.metric_codes("sampling")
CLASSES = labels.metric_group("credit_class")
# by unit: the group's compliance measures, which count the period's own records (dim_metric's
# denominator_basis `period`), and its measures taken per year only (item coverage, inspector
# participation); the sampling ratio itself is in the cards and, by credit class, below
basis = labels.metrics().set_index("metric_code")["denominator_basis"]
PERIOD = [m for m in HEAD if basis.get(m) == "period"]
ANNUAL = values.annual_only(HEAD)
st.caption(t("showing_for", unit=unit_label(sel, lang), period=period_text(sel, lang)))

now = with_labels(prefer_grain(values.unit_values(HEAD, scope, code, sel.grain, sel.period_start), sel.grain), lang)
before = prefer_grain(values.unit_values(HEAD, scope, code, sel.grain, sel.period_start.replace(year=sel.year - 1)),
                      sel.grain)
if now.empty:
    if sel.grain == "year":
        st.info(t("no_data"))
    else:  # a quarter or month without records: say so, and where they begin
        period_notice(sel, HEAD, now, lang)
else:
    rows = {r["metric_code"]: r for _, r in now.iterrows()}
    prev = {r["metric_code"]: r for _, r in before.iterrows()}
    columns = card_slots(len(HEAD))
    for column, metric in zip(columns, HEAD):
        row = rows.get(metric)
        label = names.get(metric, metric) + (t("annual_only") if row is not None and row["annual_only"] else "")
        metric_card(column, label, row, prev.get(metric), lang)
    period_notice(sel, HEAD, now, lang)
    st.caption(t("annual_note") + " " + t("not_applicable_note"))

# --- 信用分类梯度 ------------------------------------------------------------------------------------
st.subheader(t("credit_gradient"))
class_codes = CLASSES["metric_code"].tolist()
class_names = dict(zip(class_codes, labels.labelled(CLASSES["member_code"], "credit_class", lang)))
class_order = dict(zip(class_codes, CLASSES["position"]))
classes = prefer_grain(values.unit_values(class_codes, scope, code, sel.grain, sel.period_start), sel.grain)
if not classes.empty:
    classes = with_labels(classes, lang).assign(unit_name=lambda d: d["metric_code"].map(class_names),
                                                _order=lambda d: d["metric_code"].map(class_order))
    classes = classes.sort_values("_order").drop(columns="_order")
    gradient = values.credit_gradient(scope, code, sel.grain, sel.period_start)
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
table, columns = value_table(classes, lang) if not classes.empty else (classes, None)
if columns:
    columns = {"unit_name": t("credit_class"), **{k: v for k, v in columns.items() if k != "unit_name"}}
chart_with_table(
    fm.grouped_bars(bars, title=t("credit_gradient"), lang=lang, show_target=False, log_y=True) if not bars.empty else None,
    table, columns, file_name="信用分类抽查比例", key="credit_classes", drill="sampling_drill",
)
trend = with_labels(values.unit_trend(class_codes, scope, code), lang)
table, columns = value_table(trend, lang, unit_column=None) if not trend.empty else (trend, None)
chart_with_table(
    fm.trend_lines(trend, series="label", lang=lang, title=t("credit_trend"), log_y=True) if not trend.empty else None,
    table, columns, file_name="信用分类抽查比例_趋势", key="credit_trend",
)


def unit_rows(codes, grain: str, start) -> pd.DataFrame:
    """Counties (and the city-level departments) for the whole city; the departments of the chosen county
    otherwise."""
    if sel.region_code:
        frame = values.department_values(codes, grain, start, sel.region_code, lang=lang)
    else:
        frame = values.region_values(codes, grain, start, lang)
    return with_labels(frame, lang)


# --- 随机抽取与匹配 ----------------------------------------------------------------------------------
st.subheader(t("random_compliance"))
if not sel.region_code:
    st.caption(t("by_units_city"))
frame = unit_rows(PERIOD, sel.grain, sel.period_start)
table, columns = value_table(frame, lang) if not frame.empty else (frame, None)
chart_with_table(
    fm.grouped_bars(frame, title=t("random_compliance"), lang=lang) if not frame.empty else None,
    table, columns, file_name="随机抽取与匹配", key="random_units", drill="sampling_drill",
)

# --- 事项覆盖与人员参与 ------------------------------------------------------------------------------
st.subheader(t("coverage_participation"))
frame = unit_rows(ANNUAL, "year", sel.period_start.replace(month=1, day=1))
table, columns = value_table(frame, lang) if not frame.empty else (frame, None)
chart_with_table(
    fm.grouped_bars(frame, title=t("coverage_participation"), lang=lang) if not frame.empty else None,
    table, columns, file_name="事项覆盖与人员参与", key="annual_units", drill="sampling_drill",
)

drilldown(sel, metric_codes=HEAD + class_codes, key="sampling_drill")
