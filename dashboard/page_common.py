"""What the assessment pages share: the published-data guard, the sidebar filters fed from the
serving artefact, the selected unit, metric labels in the current language, and small frame helpers
(pure where they can be). Every figure is written by `serving.formatters`, every name and label comes
from `serving.labels`."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.drilldown import render_drilldown
from dashboard.filters import Selection, sidebar_filters
from dashboard.i18n import current_language, period_label, punct, t
from serving import formatters as fmt
from serving import labels, units


def require_published() -> None:
    if not data.is_published():
        st.info(data.NOT_PUBLISHED_MESSAGE.format(path=data.serving_path()))
        st.stop()


def filters(**kwargs) -> Selection:
    options = units.filter_options(current_language())
    if not options["years"]:
        st.info(t("no_data"))
        st.stop()
    return sidebar_filters(options["years"], options["regions"], options["depts"],
                           latest=options["latest"], city_code=labels.settings().city_code, **kwargs)


def unit_of(sel: Selection) -> tuple[str, str]:
    """(scope, code) of the selected unit: the department, else the county, else the whole city (the
    city's code from dim_settings)."""
    if sel.dept_code:
        return "department", sel.dept_code
    if sel.region_code:
        return "region", sel.region_code
    return "city", labels.settings().city_code


def metric_names(lang: str) -> dict[str, str]:
    return labels.metric_names(lang)


def with_labels(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`df` with a `label` column: the metric's name in `lang`."""
    names = labels.metric_names(lang)
    return df.assign(label=[names.get(c, c) for c in df["metric_code"]])


def unit_label(sel: Selection, lang: str) -> str:
    """The selected unit's display name (dim_unit)."""
    scope, code = unit_of(sel)
    return labels.unit_name(scope, code, lang)


def period_text(sel: Selection, lang: str) -> str:
    year = fmt.year(sel.year)
    label = period_label(sel.grain, sel.period, lang)
    return f"{year}年{label}" if lang == "zh" else f"{year} {label}".strip()


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
    """st.metric of a rate: value (不适用 when NULL), the change on the previous year in percentage points
    (inverted colour for at_most targets), numerator / denominator and target in the help text."""
    if row is None:
        container.metric(label, fmt.MISSING)
        return
    unit = row.get("unit", "percent")
    colour = "inverse" if row.get("target_direction") == "at_most" else "normal"
    delta = fmt.change_points(row["rate"], previous["rate"], unit, lang) if previous is not None else None
    colon = punct("colon", lang)
    parts = [f"{t('numerator', lang)} / {t('denominator', lang)}{colon}"
             f"{fmt.fraction(row['numerator'], row['denominator'])}"]
    if not fmt.is_missing(row.get("target")):
        parts.append(f"{t('target', lang)}{colon}"
                     f"{labels.target_text(row['target'], row.get('target_direction'), unit, lang)}")
    if previous is not None:
        parts.append(f"{t('vs_last_year', lang)}{colon}{fmt.rate(previous['rate'], unit, lang)}")
    container.metric(label, fmt.rate(row["rate"], unit, lang), delta=delta, delta_color=colour,
                     help="  \n".join(parts))


def score_card(container, label: str, score: pd.Series | None, lang: str) -> None:
    """st.metric of a unit's assessment score (one decimal) with its rank underneath, or, for a unit
    that is not ranked, why (the ranking status label of mart_assessment__scores)."""
    if score is None or fmt.is_missing(score.get("score")):
        container.metric(label, fmt.MISSING)
        return
    ranked = not fmt.is_missing(score.get("score_rank"))
    below = (f"{t('rank', lang)} {fmt.rank(score['score_rank'], score['units_ranked'])}" if ranked
             else str(score["ranking_status_label"]))
    container.metric(label, fmt.score(score["score"]), delta=below, delta_color="off", delta_arrow="off",
                     help=f"{score['ranking_status_label']}{punct('sep', lang)}{score['circular_status_label']}")


def value_table(df: pd.DataFrame, lang: str, *, unit_column: str | None = "unit_name") -> tuple[pd.DataFrame, dict]:
    """The table view of metric rows: labelled columns, the rate as text (不适用 for NULL), numerator,
    denominator, target, met. Returns (frame, labels) for table_with_downloads."""
    out = df.copy()
    units_ = out["unit"] if "unit" in out.columns else pd.Series(["percent"] * len(out), index=out.index)
    directions = out["target_direction"] if "target_direction" in out.columns else [None] * len(out)
    targets = out["target"] if "target" in out.columns else [None] * len(out)
    out["rate_text"] = [fmt.rate(r, u, lang) for r, u in zip(out["rate"], units_)]
    out["met_text"] = [(fmt.MISSING if fmt.is_missing(m) else (t("yes", lang) if bool(m) else t("no", lang)))
                       for m in out.get("target_met", [None] * len(out))]
    out["target_text"] = [labels.target_text(tg, d, u, lang) for tg, d, u in zip(targets, directions, units_)]
    if "year" in out.columns:
        out["year"] = [fmt.year(y) for y in out["year"]]
    columns = {}
    if unit_column and unit_column in out.columns:
        columns[unit_column] = t("unit", lang)
    if "region_name" in out.columns and unit_column != "region_name":
        columns["region_name"] = t("county", lang)
    if "year" in out.columns:
        columns["year"] = t("year_col", lang)
    columns.update({"label": t("metric", lang), "rate_text": t("value", lang), "numerator": t("numerator", lang),
                    "denominator": t("denominator", lang), "target_text": t("target", lang),
                    "met_text": t("target_met", lang)})
    return out, columns


def drilldown(sel: Selection, *, metric_codes: list[str] | None = None, key: str) -> None:
    """The records behind a metric cell of the selected unit (department, else county, else city)."""
    scope, unit = unit_of(sel)
    render_drilldown(scope, unit, sel.grain, sel.year, sel.period_start, sel.period_end,
                     metric_codes=metric_codes, key=key)
