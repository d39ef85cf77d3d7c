"""Pure figure builders for the assessment pages: DataFrames of metric values in, Figures out (no
Streamlit, no database). Every hover shows the numerator and denominator; a NULL rate is 不适用
(not applicable), never 0%. Every number is written by `serving.formatters`; the heatmap colours by the
attainment dbt computed (fct_metric_values.attainment).

Metric frames have (at least) metric_code, numerator, denominator, rate, and a `label` column (the
metric's display name) or a `unit_name` column, as each builder says. Frames of fct_metric_values rows
(with scope, dept_code, region_code) make the heatmap's cells and the bars clickable: each point's
customdata ends with its scope, unit code and metric code (dashboard.clickthrough), which the page maps
back to the records behind it.
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import colours
from dashboard.clickthrough import NO_PICK, has_pick_columns, pick_of_row
from dashboard.figures import FONT_FAMILY
from dashboard.i18n import DEFAULT_LANG, t
from serving import formatters as fmt

PALETTE = colours.SERIES  # no red: red marks a shortfall only (dashboard/colours.py)
TARGET_COLOUR = colours.TARGET
LOG_TICKS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
ATTAINMENT_SCALE = colours.ATTAINMENT_SCALE
STATUS_COLOUR = {"met": colours.MET, "behind": colours.BEHIND, "none": colours.SERIES[1]}


def wrap_label(text: str, width: int = 9) -> str:
    """A long metric name on two lines for an axis: break before its first "（" (or "(") when the
    name is longer than `width` characters."""
    for mark in ("（", " ("):
        index = text.find(mark)
        if len(text) > width and index > 0:
            return text[:index] + "<br>" + text[index:].strip()
    return text


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0},
        font={"family": FONT_FAMILY},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        height=height,
        legend={"orientation": "h", "y": -0.12},
        separators=".,",
        hoverlabel={"font": {"family": FONT_FAMILY}},
    )
    return fig


def _fraction_hover(lang: str) -> str:
    return f"{t('numerator', lang)} / {t('denominator', lang)}：%{{customdata[1]}} / %{{customdata[2]}}"


def _customdata(df: pd.DataFrame, lang: str, unit: str = "percent", *, clickable: bool = False) -> list:
    """[rate, numerator, denominator] per row, written out; `clickable`: then the row's codes
    (clickthrough.pick_of_row)."""
    units = df["unit"] if "unit" in df.columns else [unit] * len(df)
    data = [[fmt.rate(r, u, lang), fmt.count(n), fmt.count(d)]
            for r, n, d, u in zip(df["rate"], df["numerator"], df["denominator"], units)]
    if clickable:
        data = [d + pick_of_row(row) for d, row in zip(data, df.to_dict("records"))]
    return data


def trend_small_multiples(df: pd.DataFrame, *, title: str = "", lang: str = DEFAULT_LANG,
                          cols: int = 3) -> go.Figure:
    """One small chart per metric (in `df` order): the yearly rate as a line with markers, the target
    dashed. `df`: metric_code, label, unit, year, rate, numerator, denominator, target."""
    metrics = list(dict.fromkeys(df["metric_code"]))
    rows = max(1, math.ceil(len(metrics) / cols))
    labels = [df.loc[df["metric_code"] == m, "label"].iloc[0] for m in metrics]
    # titles on two lines before their bracket: three titles side by side must not run into each other
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[wrap_label(x, 6) for x in labels] or None,
                        vertical_spacing=0.18 if rows > 1 else 0.1, horizontal_spacing=0.08)
    for index, code in enumerate(metrics):
        row, col = index // cols + 1, index % cols + 1
        part = df.loc[df["metric_code"] == code].sort_values("year")
        unit = part["unit"].iloc[0] if "unit" in part.columns else "percent"
        fig.add_trace(go.Scatter(
            x=part["year"].astype(int).tolist(), y=part["rate"].astype(float).tolist(),
            mode="lines+markers", name=labels[index], showlegend=False,
            line={"color": PALETTE[0]}, customdata=_customdata(part, lang),
            hovertemplate="%{x}：%{customdata[0]}<br>" + _fraction_hover(lang) + "<extra></extra>",
        ), row=row, col=col)
        targets = part["target"].dropna() if "target" in part.columns else pd.Series(dtype=float)
        if not targets.empty:
            fig.add_trace(go.Scatter(
                x=part["year"].astype(int).tolist(), y=part["target"].astype(float).tolist(),
                mode="lines", name=t("target", lang), showlegend=False,
                line={"color": TARGET_COLOUR, "dash": "dash", "width": 1},
                customdata=[fmt.rate(v, unit, lang) for v in part["target"]],
                hovertemplate=t("target", lang) + "：%{customdata}<extra></extra>",
            ), row=row, col=col)
        fig.update_yaxes(tickformat=".2f" if unit == "ratio" else ".0%", rangemode="tozero", row=row, col=col)
        fig.update_xaxes(dtick=1, row=row, col=col)
    fig.update_annotations(font_size=12)
    fig = _layout(fig, title, 90 + 240 * rows)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 90, "b": 10})
    return fig


def attainment_heatmap(df: pd.DataFrame, *, title: str = "", lang: str = DEFAULT_LANG) -> go.Figure:
    """Units (rows, `unit_name`, in `df` order top-down) x metrics (columns, `label`, in `df` order):
    colour = `attainment` of the target (0..1, fct_metric_values.attainment; none without a rate or a
    target); the cell text is the rate, 不适用 when NULL; hover adds numerator, denominator and target.
    `df`: unit_name, label, unit, rate, numerator, denominator, target, target_direction, attainment
    (one row per cell). With fct_metric_values' scope, dept_code and region_code the cells are
    clickable: Plotly cannot select a heatmap cell, so an invisible square marker sits on every cell
    (it also gives the hover, from anywhere in the cell: hoverdistance -1, the nearest centre is the
    cell's own) and carries the cell's codes at the end of its customdata."""
    units = list(dict.fromkeys(df["unit_name"]))
    metrics = list(dict.fromkeys(df["label"]))
    cells = {(u, m): row for u, m, row in zip(df["unit_name"], df["label"], df.to_dict("records"))}
    clickable = has_pick_columns(df)
    z, text, custom = [], [], []
    marks_x, marks_y, marks_data = [], [], []
    for unit_name in units:
        z_row, text_row, custom_row = [], [], []
        for metric in metrics:
            row = cells.get((unit_name, metric))
            if row is None:
                z_row.append(None)
                text_row.append("")
                custom_row.append([fmt.MISSING] * 4)
                marks_x.append(wrap_label(metric))
                marks_y.append(unit_name)
                marks_data.append([fmt.MISSING] * 4 + list(NO_PICK))
                continue
            value = row.get("attainment")
            z_row.append(None if fmt.is_missing(value) else float(value))
            unit = row.get("unit", "percent")
            shown = fmt.rate(row["rate"], unit, lang)
            text_row.append(shown)
            target = row.get("target")
            custom_row.append([shown, fmt.count(row["numerator"]), fmt.count(row["denominator"]),
                               fmt.MISSING if fmt.is_missing(target) else fmt.rate(target, unit, lang)])
            marks_x.append(wrap_label(metric))
            marks_y.append(unit_name)
            marks_data.append(custom_row[-1] + pick_of_row(row))
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    hover = ("<b>%{y}</b> · %{x}<br>%{customdata[0]}<br>" + _fraction_hover(lang)
             + "<br>" + t("target", lang) + "：%{customdata[3]}<extra></extra>")
    fig = go.Figure(go.Heatmap(
        z=z, x=[wrap_label(m) for m in metrics], y=units, text=text, texttemplate="%{text}", textfont={"size": 10},
        customdata=custom, colorscale=ATTAINMENT_SCALE, zmin=0, zmax=1, xgap=2, ygap=2,
        colorbar={"title": {"text": t("attainment", lang)}, "tickformat": ".0%", "thickness": 12},
        hoverongaps=False, hovertemplate=hover,
        hoverinfo="skip" if clickable else None,
    ))
    if clickable:
        fig.add_trace(go.Scatter(
            x=marks_x, y=marks_y, mode="markers", customdata=marks_data, hovertemplate=hover, showlegend=False,
            marker={"symbol": "square", "size": 12, "opacity": 0},
            selected={"marker": {"opacity": 0}}, unselected={"marker": {"opacity": 0}},
        ))
        fig.update_layout(hoverdistance=-1)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=-45, tickfont={"size": 10})
    fig = _layout(fig, title, max(320, 160 + 26 * len(units)))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 170, "b": 10})
    return fig


HEATMAP_CELL_PX = 38  # a cell just wide enough for its rate ("100.0%") at the cells' 10 px font
HEATMAP_NAMES_PX = 170  # the unit names on the left and the colour bar on the right


def readable_width(heatmap: go.Figure) -> int:
    """The narrowest width in pixels at which `heatmap` (attainment_heatmap) keeps its cells legible.
    On a narrower screen (a phone) the chart keeps this width and scrolls sideways
    (components.chart_with_table's min_width) rather than squeezing 17 columns into 300 pixels."""
    return HEATMAP_NAMES_PX + HEATMAP_CELL_PX * len(heatmap.data[0].x)


def score_ranking_bar(df: pd.DataFrame, *, title: str = "", lang: str = DEFAULT_LANG) -> go.Figure:
    """Horizontal bars of `score` per `unit_name`, rank 1 on top and the units that are not ranked
    below the ranked ones (in `df` order); units named in the circular in red. `df`: unit_name, score,
    score_rank, units_ranked, named_in_circular, ranking_status_label."""
    data = df.dropna(subset=["score"]).assign(_unranked=lambda d: d["score_rank"].isna())
    data = data.sort_values(["_unranked", "score_rank"], kind="stable").iloc[::-1]  # plotly: first at the bottom
    flagged = data["named_in_circular"].fillna(False).astype(bool).tolist()
    ranks = [fmt.rank(r, n) if not fmt.is_missing(r) else str(label)
             for r, n, label in zip(data["score_rank"], data["units_ranked"], data["ranking_status_label"])]
    fig = go.Figure(go.Bar(
        x=data["score"].astype(float).tolist(), y=data["unit_name"].tolist(), orientation="h",
        marker_color=[colours.BEHIND if f else (colours.NOT_RANKED if u else colours.MET)
                      for f, u in zip(flagged, data["_unranked"])],
        text=[fmt.score(s) for s in data["score"]], textposition="auto",
        customdata=[[fmt.score(s), r] for s, r in zip(data["score"], ranks)],
        hovertemplate="<b>%{y}</b><br>" + t("score", lang) + "：%{customdata[0]}<br>" + t("rank", lang)
                      + "：%{customdata[1]}<extra></extra>",
        name=t("score", lang),
    ))
    fig.update_xaxes(range=[0, 100], title=t("score", lang))
    return _layout(fig, title, max(280, 80 + 36 * len(data)))


def grouped_bars(df: pd.DataFrame, *, title: str = "", lang: str = DEFAULT_LANG,
                 unit: str = "percent", show_target: bool = True, log_y: bool = False) -> go.Figure:
    """Vertical bars of `rate` per `unit_name` (x, in `df` order), one series per `label`; a NULL rate
    gets no bar and the label 不适用. A single series' target is drawn as a dashed line.
    `df`: unit_name, label, rate, numerator, denominator (and target)."""
    fig = go.Figure()
    labels = list(dict.fromkeys(df["label"]))
    for index, label in enumerate(labels):
        part = df.loc[df["label"] == label]
        single = len(labels) == 1 and show_target and "target_met" in part.columns
        fig.add_trace(go.Bar(
            x=part["unit_name"].tolist(), y=part["rate"].astype(float).tolist(), name=label,
            # one series against its target: red only for the bars behind it, blue for those on it
            marker_color=([STATUS_COLOUR[colours.status(m)] for m in part["target_met"]] if single
                          else PALETTE[index % len(PALETTE)]),
            text=[fmt.rate(r, unit, lang) for r in part["rate"]], textposition="auto",
            textangle=0,
            customdata=_customdata(part, lang, unit, clickable=has_pick_columns(df)),
            hovertemplate="<b>%{x}</b> · %{fullData.name}<br>%{customdata[0]}<br>" + _fraction_hover(lang)
                          + "<extra></extra>",
        ))
    if show_target and len(labels) == 1 and "target" in df.columns and df["target"].notna().any():
        target = float(df["target"].dropna().iloc[0])
        fig.add_hline(y=target, line_dash="dash", line_color=TARGET_COLOUR,
                      annotation_text=f"{t('target', lang)} {fmt.rate(target, unit, lang)}",
                      annotation_position="top left")
    if log_y:
        fig.update_yaxes(type="log", tickformat=".1~%", tickvals=LOG_TICKS)
    else:
        top = df["rate"].astype(float).max()
        if "target" in df.columns and df["target"].notna().any():
            top = max(top, float(df["target"].astype(float).max()))
        fig.update_yaxes(tickformat=".2f" if unit == "ratio" else ".0%", rangemode="tozero",
                         range=[0, (top if pd.notna(top) and top > 0 else 1) * 1.12])
    fig.update_layout(barmode="group", uniformtext={"minsize": 9, "mode": "hide"})
    names = set(df["unit_name"].astype(str))
    # slanted names when they would collide: many units, or long (English) names
    crowded = len(names) > 8 or len(names) * max(map(len, names), default=0) > 90
    fig.update_xaxes(tickangle=-30 if crowded else 0)
    return _layout(fig, title, 420)


def trend_lines(df: pd.DataFrame, *, series: str = "unit_name", title: str = "", lang: str = DEFAULT_LANG,
                unit: str = "percent", x: str = "year", log_y: bool = False) -> go.Figure:
    """One line per `series` value over `x` (years), y = rate, hover with numerator / denominator.
    `df`: <series>, <x>, rate, numerator, denominator."""
    fig = go.Figure()
    for index, name in enumerate(dict.fromkeys(df[series])):
        part = df.loc[df[series] == name].sort_values(x)
        fig.add_trace(go.Scatter(
            x=part[x].tolist(), y=part["rate"].astype(float).tolist(), mode="lines+markers", name=str(name),
            line={"color": PALETTE[index % len(PALETTE)]}, customdata=_customdata(part, lang, unit),
            hovertemplate="<b>%{fullData.name}</b> · %{x}<br>%{customdata[0]}<br>" + _fraction_hover(lang)
                          + "<extra></extra>",
        ))
    one_metric = "metric_code" not in df.columns or df["metric_code"].nunique() == 1
    if one_metric and "target" in df.columns and df["target"].notna().any():  # the target of each year, dashed
        targets = df.dropna(subset=["target"]).drop_duplicates(x).sort_values(x)
        fig.add_trace(go.Scatter(
            x=targets[x].tolist(), y=targets["target"].astype(float).tolist(), mode="lines",
            name=t("target", lang), line={"color": TARGET_COLOUR, "dash": "dash", "width": 1.5},
            customdata=[fmt.rate(v, unit, lang) for v in targets["target"]],
            hovertemplate=t("target", lang) + " · %{x}：%{customdata}<extra></extra>",
        ))
    if log_y:
        fig.update_yaxes(type="log", tickformat=".1~%", tickvals=LOG_TICKS)
    else:
        fig.update_yaxes(tickformat=".2f" if unit == "ratio" else ".0%", rangemode="tozero")
    if x == "year":
        fig.update_xaxes(dtick=1)
    return _layout(fig, title, 400)


def score_trend(df: pd.DataFrame, *, title: str = "", lang: str = DEFAULT_LANG) -> go.Figure:
    """One line per unit_name: the assessment score per year, hover with the rank (or why the unit is
    not ranked). `df`: unit_name, year, score, score_rank, units_ranked, ranking_status_label."""
    fig = go.Figure()
    for index, name in enumerate(dict.fromkeys(df["unit_name"])):
        part = df.loc[df["unit_name"] == name].sort_values("year")
        ranks = [fmt.rank(r, n) if not fmt.is_missing(r) else str(label)
                 for r, n, label in zip(part["score_rank"], part["units_ranked"], part["ranking_status_label"])]
        fig.add_trace(go.Scatter(
            x=part["year"].astype(int).tolist(), y=part["score"].astype(float).tolist(), mode="lines+markers",
            name=str(name), line={"color": PALETTE[index % len(PALETTE)]},
            customdata=[[fmt.score(s), r] for s, r in zip(part["score"], ranks)],
            hovertemplate="<b>%{fullData.name}</b> · %{x}<br>" + t("score", lang) + "：%{customdata[0]}<br>"
                          + t("rank", lang) + "：%{customdata[1]}<extra></extra>",
        ))
    fig.update_xaxes(dtick=1)
    return _layout(fig, title, 400)
