"""Pure Plotly figure builders: a DataFrame in, a Figure out (no Streamlit, no database). Titles, axis
and legend names in `lang` (STRINGS); numbers written by serving.formatters."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import DEFAULT_LANG, punct, translator
from serving import formatters as fmt

FONT_FAMILY = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, sans-serif"
STRINGS: dict[str, dict[str, str]] = {
    "rejects_title": {"zh": "拒收行数（按原因类别）", "en": "Rejected rows by reason kind"},
    "rejected_rows": {"zh": "拒收行数", "en": "Rejected rows"},
    "reason_kind": {"zh": "原因类别", "en": "Reason kind"},
    "rows_title": {"zh": "各实体行数", "en": "Rows per data category"},
    "rows": {"zh": "行数", "en": "Rows"},
    "rows_unit": {"zh": " 行", "en": " rows"},
    "current": {"zh": "当前记录", "en": "Current records"},
    "superseded": {"zh": "被取代的旧版本", "en": "Superseded versions"},
    "rejected": {"zh": "拒收行", "en": "Rejected rows"},
}
_s = translator(STRINGS)
COLOURS = {"current": "#2f6db5", "superseded": "#9fbde0", "rejected": "#E69F00"}  # not red: red marks a shortfall


def _layout(fig: go.Figure, *, title: str, x_title: str, y_title: str, rows: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0},
        font={"family": FONT_FAMILY},
        xaxis_title=x_title,
        yaxis_title=y_title,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        height=max(260, 40 + 34 * rows),
        legend={"orientation": "h", "y": -0.15},
        separators=".,",
    )
    return fig


def reject_kinds_bar(kinds: pd.DataFrame, lang: str = DEFAULT_LANG) -> go.Figure:
    """Horizontal bars: rejected rows per reason kind, largest on top, each written 1,234.

    `kinds` has reason_kind_label (in `lang`) and rejected_rows (one row per kind).
    """
    data = kinds.loc[kinds["rejected_rows"] > 0].sort_values(
        ["rejected_rows", "reason_kind_label"], ascending=[True, False]
    )
    fig = go.Figure(
        go.Bar(
            x=data["rejected_rows"].astype(int).tolist(),
            y=data["reason_kind_label"].tolist(),
            orientation="h",
            text=[fmt.count(v) for v in data["rejected_rows"]],
            textposition="auto",
            marker_color=COLOURS["rejected"],
            hovertemplate="%{y}" + punct("colon", lang) + "%{x:,}" + _s("rows_unit", lang) + "<extra></extra>",
            name=_s("rejected_rows", lang),
        )
    )
    fig.update_xaxes(rangemode="tozero", tickformat=",d")
    return _layout(fig, title=_s("rejects_title", lang), x_title=_s("rejected_rows", lang),
                   y_title=_s("reason_kind", lang), rows=len(data))


def rows_per_entity_bar(entities: pd.DataFrame, lang: str = DEFAULT_LANG) -> go.Figure:
    """Stacked horizontal bars per entity (contract order, top down): current records, superseded
    versions, rejected rows.

    `entities` has entity_title (in `lang`), current_records, superseded_rows, rows_rejected.
    """
    data = entities.iloc[::-1]  # plotly draws the first category at the bottom
    fig = go.Figure()
    for column, key, colour in (
        ("current_records", "current", COLOURS["current"]),
        ("superseded_rows", "superseded", COLOURS["superseded"]),
        ("rows_rejected", "rejected", COLOURS["rejected"]),
    ):
        name = _s(key, lang)
        fig.add_trace(
            go.Bar(
                x=data[column].astype(int).tolist(),
                y=data["entity_title"].tolist(),
                orientation="h",
                name=name,
                marker_color=colour,
                hovertemplate="%{y} · " + name + punct("colon", lang) + "%{x:,}" + _s("rows_unit", lang)
                              + "<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(rangemode="tozero", tickformat=",d")
    return _layout(fig, title=_s("rows_title", lang), x_title=_s("rows", lang), y_title="", rows=len(data))
