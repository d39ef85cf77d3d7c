"""Charts for the PDF: plotly figures exported to PNG by kaleido (it drives /usr/bin/chromium).

The sync server is started once per process (about 0.12 s per image afterwards instead of 1.6 s).
A chart that cannot be rendered is left out (the renderer prints a note), never a blank image.
"""
from __future__ import annotations

import logging
import threading

import plotly.graph_objects as go

from serving import formatters as fmt
from serving.chart_text import plain_figure

log = logging.getLogger(__name__)
FONT = "Noto Sans CJK SC, Noto Sans CJK, sans-serif"
_lock = threading.Lock()
_started = False


def _ensure_server() -> None:
    global _started
    with _lock:
        if not _started:
            import kaleido
            kaleido.start_sync_server(silence_warnings=True)
            _started = True


def to_png(fig: go.Figure, width: int = 900, height: int = 420) -> bytes | None:
    plain_figure(fig)  # unit names come from the exports: drawn as written, never as markup
    fig.update_layout(font={"family": FONT, "size": 14}, template="simple_white",
                      margin={"l": 60, "r": 30, "t": 60, "b": 60}, paper_bgcolor="white")
    try:
        _ensure_server()
        import kaleido
        return kaleido.calc_fig_sync(fig, opts={"format": "png", "width": width, "height": height, "scale": 2})
    except Exception as exc:  # kaleido/chromium missing or failing: the report goes out without the chart
        log.warning("chart not rendered: %s", exc)
        return None


def bar_rates(labels: list[str], rates: list, title: str, target: float | None = None) -> bytes | None:
    vals = [None if r is None or r != r else r * 100 for r in rates]
    # Values inside the bars (outside only when a bar is too short), clear of the target line.
    fig = go.Figure(go.Bar(x=labels, y=vals, marker_color="#1f4e79", text=[None if r is None or r != r else fmt.percent(r)
                           for r in rates], textposition="auto", insidetextanchor="end",
                           insidetextfont={"color": "white"}))
    for label, v in zip(labels, vals):
        if v is None:  # no bar to write in
            fig.add_annotation(x=label, y=0, text=fmt.not_applicable("zh"), showarrow=False, yanchor="bottom")
    if target is not None:
        # A paper-referenced shape: kaleido's plotly.js drops add_hline's "x domain" line (only its
        # label was drawn). Opacity 1 because the template fades shapes.
        y = target * 100
        fig.add_shape(type="line", xref="paper", x0=0, x1=1, yref="y", y0=y, y1=y, layer="above",
                      opacity=1, line={"color": "#c00000", "dash": "dash", "width": 2})
        fig.add_annotation(xref="paper", x=0, yref="y", y=y, text=f"目标 {fmt.percent(target)}", showarrow=False,
                           xanchor="left", yanchor="bottom", font={"color": "#c00000"})
    fig.update_layout(title=title, yaxis={"title": "%", "range": [0, 110]})
    return to_png(fig)


def bar_scores(labels: list[str], scores: list, title: str) -> bytes | None:
    fig = go.Figure(go.Bar(x=labels, y=scores, marker_color="#1f4e79",
                           text=[fmt.score(s) for s in scores], textposition="outside"))
    fig.update_layout(title=title, yaxis={"title": "得分", "range": [0, 105]})
    return to_png(fig)


def lines(series: dict[str, tuple[list, list]], title: str, ytitle: str) -> bytes | None:
    fig = go.Figure()
    for name, (xs, ys) in series.items():
        fig.add_trace(go.Scatter(x=[str(x) for x in xs], y=ys, mode="lines+markers", name=name))
    fig.update_layout(title=title, yaxis={"title": ytitle}, xaxis={"type": "category"},
                      legend={"orientation": "h", "y": -0.15})
    return to_png(fig, height=460)
