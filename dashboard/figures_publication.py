"""Pure figure builders and frame helpers for 公示时效 (publication timeliness): DataFrames in,
DataFrames / Figures out (no Streamlit, no database). A NULL rate is 不适用, never 0%. Event types and
long holidays arrive labelled (dim_code_label, through `serving`); numbers are written by
`serving.formatters`.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import colours
from serving import formatters as fmt

FONT_FAMILY = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, sans-serif"
# series colours in display order: the first series (all event types together) dark and thick
PALETTE = ["#333333", *colours.SERIES]  # the city first, in black; no red (dashboard/colours.py)
HOLIDAY_COLOURS = colours.SERIES[1:]
LATE_BUCKETS = ((1, 1, "1"), (2, 2, "2"), (3, 3, "3"), (4, 5, "4–5"), (6, 10, "6–10"), (11, 20, "11–20"),
                (21, 60, "21–60"), (61, None, ">60"))


def _layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    fig.update_layout(title=title or None, height=height, font={"family": FONT_FAMILY},
                      margin={"l": 50, "r": 20, "t": 50 if title else 20, "b": 40},
                      legend={"orientation": "h", "y": -0.18}, hovermode="closest")
    return fig


# --- on-time rate over time ------------------------------------------------------------------------

def on_time_frame(df: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Rows of serving.metrics.on_time_series with their `event_label` (metric_code, event_type,
    event_label, position, year, period_start, numerator, denominator, rate) -> in display order
    (position, then period), with `period` (2023-07), `year_text` and `rate_text` (不适用 for NULL)."""
    if df.empty:
        return df.assign(period=pd.Series(dtype=str), year_text=pd.Series(dtype=str),
                         rate_text=pd.Series(dtype=str))
    out = df.sort_values(["position", "period_start"], kind="stable").reset_index(drop=True)
    out["period"] = pd.to_datetime(out["period_start"]).dt.strftime("%Y-%m")
    out["year_text"] = [fmt.year(y) for y in out["year"]]
    out["rate_text"] = [fmt.percent(r, lang) for r in out["rate"]]
    return out


def on_time_trend(df: pd.DataFrame, *, grain: str = "year", title: str = "", lang: str = "zh") -> go.Figure:
    """One line per event type (in `df` order, the first, all types together, drawn thick): the on-time
    rate per period; hover numerator / denominator; a gap where the rate is NULL (不适用)."""
    fig = go.Figure()
    x_col = "year" if grain == "year" else "period"
    for index, (_, part) in enumerate(df.groupby("event_type", sort=False)):
        texts = [fmt.percent(r, lang) for r in part["rate"]]
        fig.add_trace(go.Scatter(
            x=part[x_col].astype(str), y=part["rate"], name=str(part["event_label"].iloc[0]), mode="lines+markers",
            line={"color": PALETTE[index % len(PALETTE)], "width": 3 if index == 0 else 1.8},
            customdata=list(zip([fmt.count(n) for n in part["numerator"]],
                                [fmt.count(d) for d in part["denominator"]], texts)),
            hovertemplate="%{x}<br>%{customdata[2]}（%{customdata[0]} / %{customdata[1]}）<extra>%{fullData.name}</extra>",
        ))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    fig.update_xaxes(type="category")
    return _layout(fig, title)


# --- working days late -----------------------------------------------------------------------------

def late_buckets(days: pd.Series, lang: str = "zh") -> pd.DataFrame:
    """Counts of obligations per working-days-late bucket (all buckets, zero included), with each
    bucket's share of them (`share`, and `share_text` as written)."""
    values = pd.to_numeric(days, errors="coerce").dropna()
    rows = []
    for low, high, label in LATE_BUCKETS:
        mask = values >= low if high is None else values.between(low, high)
        rows.append({"bucket": label, "obligations": int(mask.sum())})
    out = pd.DataFrame(rows)
    total = out["obligations"].sum()
    out["share"] = out["obligations"] / total if total else float("nan")
    out["share_text"] = [fmt.percent(v, lang) for v in out["share"]]
    return out


def lateness_histogram(buckets: pd.DataFrame, *, title: str = "", lang: str = "zh") -> go.Figure:
    y_title = "事项数" if lang == "zh" else "Obligations"
    x_title = "逾期工作日数" if lang == "zh" else "Working days late"
    fig = go.Figure(go.Bar(
        x=buckets["bucket"], y=buckets["obligations"], marker_color=colours.BEHIND,
        text=[fmt.count(n) for n in buckets["obligations"]], textposition="outside",
        hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    fig.update_xaxes(title=x_title, type="category")
    fig.update_yaxes(title=y_title)
    return _layout(fig, title)


# --- long holidays ---------------------------------------------------------------------------------

def holiday_bar(effect: pd.DataFrame, *, title: str = "", lang: str = "zh") -> go.Figure:
    """The share late per long holiday (serving.publication.long_holiday_effect: label, due, late,
    share_late), 不适用 where nothing fell due."""
    texts = [fmt.percent(s, lang) for s in effect["share_late"]]
    fig = go.Figure(go.Bar(
        x=effect["label"], y=effect["share_late"], text=texts, textposition="outside",
        marker_color=[HOLIDAY_COLOURS[i % len(HOLIDAY_COLOURS)] for i in range(len(effect))],
        customdata=list(zip([fmt.count(n) for n in effect["late"]], [fmt.count(n) for n in effect["due"]])),
        hovertemplate="%{x}<br>%{text}（%{customdata[0]} / %{customdata[1]}）<extra></extra>",
    ))
    fig.update_yaxes(tickformat=".0%", title="逾期占比" if lang == "zh" else "Share late", rangemode="tozero")
    return _layout(fig, title, height=340)
