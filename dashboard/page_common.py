"""What the assessment pages share: the published-data guard, the sidebar filters fed from the
serving artefact, the selected unit, metric labels in the current language, and small frame helpers
(pure where they can be). Every figure is written by `serving.formatters`, every name and label comes
from `serving.labels`."""
from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from dashboard import clickthrough, colours, data
from dashboard.components import markdown_literal
from dashboard.drilldown import drill_text, render_drilldown
from dashboard.filters import Selection, sidebar_filters
from dashboard.i18n import current_language, period_label, punct, t
from serving import formatters as fmt
from serving import labels, units
from serving import metrics as values


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


def period_name(year: int, grain: str, period: int, lang: str) -> str:
    """`2020年第3季度` / `2020 Q3`, `2020年` / `2020`."""
    label = period_label(grain, period, lang)
    return f"{fmt.year(year)}年{label}" if lang == "zh" else f"{fmt.year(year)} {label}".strip()


def period_text(sel: Selection, lang: str) -> str:
    return period_name(sel.year, sel.grain, sel.period, lang)


def missing_in_period(rows: pd.DataFrame, codes, annual) -> list[str]:
    """Those of `codes` measured per quarter or month (not in `annual`) that have no row in `rows`, in
    the order given. Pure."""
    present = set(rows["metric_code"]) if not rows.empty else set()
    yearly = set(annual)
    return [c for c in codes if c not in yearly and c not in present]


def period_notice(sel: Selection, codes, rows: pd.DataFrame, lang: str, *, some: bool = True) -> None:
    """Under the cards of a quarter or month: say when metrics measured per period have no records in
    it (their cards show —, never the year's value; `some` False: only when none has), and, when none
    has, where the records begin."""
    if sel.grain == "year":
        return
    yearly = values.annual_only(list(codes))
    measured = [c for c in codes if c not in yearly]
    missing = missing_in_period(rows, codes, yearly)
    if not missing:
        return
    if len(missing) < len(measured):
        if some:
            st.caption(t("period_some_missing", lang))
        return
    text = t("period_no_records", lang, period=period_text(sel, lang))
    first = values.first_periods().get(sel.grain)
    if first is not None and first > sel.period_start:
        period = (first.month - 1) // 3 + 1 if sel.grain == "quarter" else first.month
        text += t("period_first", lang, first=period_name(first.year, sel.grain, period, lang))
    st.info(text)


def prefer_grain(df: pd.DataFrame, grain: str) -> pd.DataFrame:
    """One row per metric: the row at `grain` when there is one, else the year row (annual-only
    metrics), with `annual_only` True for the latter. Pure."""
    if df.empty:
        return df.assign(annual_only=pd.Series(dtype=bool))
    ranked = df.assign(_pref=(df["grain"] != grain).astype(int)).sort_values(["metric_code", "_pref"])
    out = ranked.drop_duplicates("metric_code").drop(columns="_pref")
    out = out.assign(annual_only=(out["grain"] != grain))
    return out.sort_values("sort_order") if "sort_order" in out.columns else out


# KPI cards flow in a wrapping row of fixed-width cards: five or so across a desktop, two on a phone.
CARD_WIDTH = 170
STATUS_ICON = {"met": ":material/check:", "behind": ":material/priority_high:"}


def card_slots(n: int) -> list:
    """`n` bordered card containers in a wrapping row (no empty slots)."""
    row = st.container(horizontal=True, gap="small")
    return [row.container(border=True, width=CARD_WIDTH) for _ in range(n)]


def status_lines(row: pd.Series, lang: str) -> tuple[str | None, str]:
    """The card's status: a badge 达标 (blue) / 未达标 (red), never colour alone (a word and an icon), or
    None when there is nothing to judge; and the line under it: the target, with the gap to it when
    behind (无考核目标 without a target)."""
    if fmt.is_missing(row.get("target")):
        return None, t("no_target", lang)
    unit = row.get("unit", "percent")
    target = f"{t('target', lang)} {labels.target_text(row['target'], row.get('target_direction'), unit, lang)}"
    state = colours.status(row.get("target_met"))
    if state == "none" or fmt.is_missing(row.get("rate")):
        return None, target
    badge = f":{colours.BADGE[state]}-badge[{STATUS_ICON[state]} {t('status_' + state, lang)}]"
    if state == "met":
        return badge, target
    gap = fmt.change_points(row["rate"], row["target"], unit, lang)
    return badge, f"{target}{punct('comma', lang)}{t('gap_to_target', lang, gap=gap)}"


def _card_label(container, label: str, help_text: str | None = None) -> None:
    """The card's title, wrapping instead of cut off (st.metric truncates its own label)."""
    container.markdown(f"**{markdown_literal(label)}**", help=help_text)


def metric_card(container, label: str, row: pd.Series | None, previous: pd.Series | None, lang: str) -> None:
    """A KPI card of a rate: its name, the value (不适用 when NULL), the change on the previous year in
    percentage points (grey: colour is kept for the target), and the status against the target (see
    `status_lines`); numerator / denominator, target and last year's value in the help text."""
    if row is None:
        _card_label(container, label)
        container.metric(label, fmt.MISSING, label_visibility="collapsed")
        container.caption(t("no_data", lang))
        return
    unit = row.get("unit", "percent")
    delta = fmt.change_points(row["rate"], previous["rate"], unit, lang) if previous is not None else None
    colon = punct("colon", lang)
    parts = [f"{t('numerator', lang)} / {t('denominator', lang)}{colon}"
             f"{fmt.fraction(row['numerator'], row['denominator'])}"]
    if not fmt.is_missing(row.get("target")):
        parts.append(f"{t('target', lang)}{colon}"
                     f"{labels.target_text(row['target'], row.get('target_direction'), unit, lang)}")
    if previous is not None:
        parts.append(f"{t('vs_last_year', lang)}{colon}{fmt.rate(previous['rate'], unit, lang)}")
    _card_label(container, label, "  \n".join(parts))
    container.metric(label, fmt.rate(row["rate"], unit, lang), delta=delta, delta_color="off",
                     label_visibility="collapsed")
    badge, line = status_lines(row, lang)
    if badge:
        container.markdown(badge)
    container.caption(line)


def score_card(container, label: str, score: pd.Series | None, lang: str) -> None:
    """st.metric of a unit's assessment score (one decimal) with its rank underneath, or, for a unit
    that is not ranked, why (the ranking status label of mart_assessment__scores)."""
    _card_label(container, label, None if score is None else
                f"{score['ranking_status_label']}{punct('sep', lang)}{score['circular_status_label']}")
    if score is None or fmt.is_missing(score.get("score")):
        container.metric(label, fmt.MISSING, label_visibility="collapsed")
        return
    ranked = not fmt.is_missing(score.get("score_rank"))
    below = (f"{t('rank', lang)} {fmt.rank(score['score_rank'], score['units_ranked'])}" if ranked
             else str(score["ranking_status_label"]))
    container.metric(label, fmt.score(score["score"]), delta=below, delta_color="off", delta_arrow="off",
                     label_visibility="collapsed")
    if bool(score.get("named_in_circular")) if not fmt.is_missing(score.get("named_in_circular")) else False:
        container.markdown(f":{colours.BADGE['behind']}-badge[{STATUS_ICON['behind']} "
                           f"{markdown_literal(score['circular_status_label'])}]")


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


def drilldown(sel: Selection, *, metric_codes: list[str] | None = None, default_metric: str | None = None,
              key: str) -> None:
    """The records behind a metric cell: of the unit and metric last clicked in one of the page's charts
    (those drawn with `chart_with_table(..., drill=key)`; scrolled into view after the click), else of
    the selected unit (department, else county, else city), opening on `default_metric` (the metric the
    page's chart shows)."""
    lang = current_language()
    pick = clickthrough.current_pick(key)
    note = on_clear = None
    if pick is None:
        scope, unit = unit_of(sel)
    else:
        scope, unit, default_metric = pick.scope, pick.unit_code, pick.metric_code
        if metric_codes is not None and default_metric not in metric_codes:
            metric_codes = [*metric_codes, default_metric]
        note = drill_text("picked", lang, unit=labels.unit_name(scope, unit, lang),
                          metric=labels.metric_names(lang).get(default_metric, default_metric),
                          period=period_text(sel, lang))
        on_clear = partial(clickthrough.clear, key)
    with st.container(key=f"{key}_box"):
        render_drilldown(scope, unit, sel.grain, sel.year, sel.period_start, sel.period_end,
                         metric_codes=metric_codes, default_metric=default_metric, key=key, lang=lang,
                         note=note, on_clear=on_clear)
        if pick is not None and clickthrough.take_scroll(key):
            st.html(clickthrough.scroll_script(f"{key}_box"), unsafe_allow_javascript=True)
