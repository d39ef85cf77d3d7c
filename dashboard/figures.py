"""Pure Plotly figure builders: a DataFrame in, a Figure out (no Streamlit, no database)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

FONT_FAMILY = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, sans-serif"
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


def reject_kinds_bar(kinds: pd.DataFrame) -> go.Figure:
    """Horizontal bars: rejected rows per reason kind, largest on top.

    `kinds` has reason_kind_label and rejected_rows (one row per kind).
    """
    data = kinds.loc[kinds["rejected_rows"] > 0].sort_values(
        ["rejected_rows", "reason_kind_label"], ascending=[True, False]
    )
    fig = go.Figure(
        go.Bar(
            x=data["rejected_rows"].astype(int).tolist(),
            y=data["reason_kind_label"].tolist(),
            orientation="h",
            text=data["rejected_rows"].astype(int).tolist(),
            textposition="auto",
            marker_color=COLOURS["rejected"],
            hovertemplate="%{y}：%{x:,} 行<extra></extra>",
            name="拒收行数",
        )
    )
    fig.update_xaxes(rangemode="tozero", tickformat=",d")
    return _layout(fig, title="拒收行数（按原因类别）", x_title="拒收行数", y_title="原因类别", rows=len(data))


def rows_per_entity_bar(entities: pd.DataFrame) -> go.Figure:
    """Stacked horizontal bars per entity (contract order, top down): current records, superseded
    versions, rejected rows.

    `entities` has entity_title, current_records, superseded_rows, rows_rejected.
    """
    data = entities.iloc[::-1]  # plotly draws the first category at the bottom
    fig = go.Figure()
    for column, name, colour in (
        ("current_records", "当前记录", COLOURS["current"]),
        ("superseded_rows", "被取代的旧版本", COLOURS["superseded"]),
        ("rows_rejected", "拒收行", COLOURS["rejected"]),
    ):
        fig.add_trace(
            go.Bar(
                x=data[column].astype(int).tolist(),
                y=data["entity_title"].tolist(),
                orientation="h",
                name=name,
                marker_color=colour,
                hovertemplate="%{y} · " + name + "：%{x:,} 行<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(rangemode="tozero", tickformat=",d")
    return _layout(fig, title="各实体行数", x_title="行数", y_title="", rows=len(data))
