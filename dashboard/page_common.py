"""What the assessment pages share: the published-data guard, the sidebar filters fed from the
serving artefact, metric labels in the current language, and small frame helpers (pure where they
can be)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, queries
from dashboard.drilldown import render_drilldown
from dashboard.figures_metrics import fmt_value
from dashboard.filters import CITY_CODE, Selection, sidebar_filters
from dashboard.i18n import period_label, t


def require_published() -> None:
    if not data.is_published():
        st.info(data.NOT_PUBLISHED_MESSAGE.format(path=data.serving_path()))
        st.stop()


def filters(**kwargs) -> Selection:
    options = queries.filter_options()
    if not options["years"]:
        st.info(t("no_data"))
        st.stop()
    return sidebar_filters(options["years"], options["regions"], options["depts"],
                           latest=options["latest"], **kwargs)


def metric_names(lang: str) -> dict[str, str]:
    dim = queries.metric_dim()
    column = "name_en" if lang == "en" else "name_zh"
    return {code: (name if isinstance(name, str) and name else zh)
            for code, name, zh in zip(dim["metric_code"], dim[column], dim["name_zh"])}


def with_labels(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`df` with a `label` column: the metric's name in `lang`."""
    names = metric_names(lang)
    return df.assign(label=[names.get(c, c) for c in df["metric_code"]])


def unit_label(sel: Selection, lang: str) -> str:
    options = queries.filter_options()
    if sel.dept_code:
        return options["depts"].get(sel.dept_code, sel.dept_code)
    if sel.region_code:
        return options["regions"].get(sel.region_code, sel.region_code)
    return t("whole_city", lang)


def period_text(sel: Selection, lang: str) -> str:
    year = f"{sel.year}年" if lang == "zh" else str(sel.year)
    label = period_label(sel.grain, sel.period, lang)
    return f"{year}{label}" if lang == "zh" else f"{year} {label}".strip()


def prefer_grain(df: pd.DataFrame, grain: str) -> pd.DataFrame:
    """One row per metric: the row at `grain` when there is one, else the year row (annual-only
    metrics), with `annual_only` True for the latter. Pure."""
    if df.empty:
        return df.assign(annual_only=pd.Series(dtype=bool))
    ranked = df.assign(_pref=(df["grain"] != grain).astype(int)).sort_values(["metric_code", "_pref"])
    out = ranked.drop_duplicates("metric_code").drop(columns="_pref")
    out = out.assign(annual_only=(out["grain"] != grain))
    return out.sort_values("sort_order") if "sort_order" in out.columns else out


def metric_card(container, label: str, row: pd.Series | None, previous: pd.Series | None, lang: str) -> None:
    """st.metric of a rate: value (不适用 when NULL), delta vs the previous year in points (inverted
    colour for at_most targets), numerator / denominator and target in the help text."""
    if row is None:
        container.metric(label, "—")
        return
    unit = row.get("unit", "percent")
    value = fmt_value(row["rate"], unit, lang)
    delta, colour = None, "normal"
    if previous is not None and pd.notna(row["rate"]) and pd.notna(previous["rate"]):
        change = float(row["rate"]) - float(previous["rate"])
        delta = f"{change:+.2f}" if unit == "ratio" else f"{change * 100:+.1f} pp"
        if row.get("target_direction") == "at_most":
            colour = "inverse"
    target = row.get("target")
    parts = [f"{t('numerator', lang)} / {t('denominator', lang)}：{_int(row['numerator'])} / {_int(row['denominator'])}"]
    if pd.notna(target):
        sign = "≤" if row.get("target_direction") == "at_most" else "≥"
        parts.append(f"{t('target', lang)}：{sign}{fmt_value(target, unit, lang)}")
    if previous is not None:
        parts.append(f"{t('vs_last_year', lang)}：{fmt_value(previous['rate'], unit, lang)}")
    container.metric(label, value, delta=delta, delta_color=colour, help="  \n".join(parts))


def _int(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{int(value):,}"


def value_table(df: pd.DataFrame, lang: str, *, unit_column: str | None = "unit_name") -> tuple[pd.DataFrame, dict]:
    """The table view of metric rows: labelled columns, the rate as text (不适用 for NULL) and as a
    number, numerator, denominator, target, met. Returns (frame, labels) for table_with_downloads."""
    out = df.copy()
    out["rate_text"] = [fmt_value(r, u, lang) for r, u in zip(out["rate"], out.get("unit", ["percent"] * len(out)))]
    out["met_text"] = [("—" if m is None or pd.isna(m) else (t("yes", lang) if bool(m) else t("no", lang)))
                       for m in out.get("target_met", [None] * len(out))]
    units = out["unit"] if "unit" in out.columns else pd.Series(["percent"] * len(out), index=out.index)
    directions = out["target_direction"] if "target_direction" in out.columns else [None] * len(out)
    targets = out["target"] if "target" in out.columns else [None] * len(out)
    out["target_text"] = ["—" if tg is None or pd.isna(tg) else ("≤" if d == "at_most" else "≥") + fmt_value(tg, u, lang)
                          for tg, d, u in zip(targets, directions, units)]
    if "year" in out.columns:
        out["year"] = out["year"].astype("string")
    labels = {}
    if unit_column and unit_column in out.columns:
        labels[unit_column] = t("unit", lang)
    if "region_name" in out.columns and unit_column != "region_name":
        labels["region_name"] = t("county", lang)
    if "year" in out.columns:
        labels["year"] = t("year_col", lang)
    labels.update({"label": t("metric", lang), "rate_text": t("value", lang), "numerator": t("numerator", lang),
                   "denominator": t("denominator", lang), "target_text": t("target", lang),
                   "met_text": t("target_met", lang)})
    return out, labels


def drilldown(sel: Selection, *, metric_codes: list[str] | None = None, key: str) -> None:
    """The records behind a metric cell of the selected unit (department, else county, else city)."""
    if sel.dept_code:
        scope, unit = "department", sel.dept_code
    elif sel.region_code:
        scope, unit = "region", sel.region_code
    else:
        scope, unit = "city", CITY_CODE
    render_drilldown(scope, unit, sel.grain, sel.year, sel.period_start, sel.period_end,
                     metric_codes=metric_codes, key=key)
