"""Text from the data as plain text in a Plotly chart (dashboard and report images alike).

Plotly reads every text it draws (axis categories, bar and marker text, hover values, trace names,
titles, annotations) as a small HTML dialect: `<a href>` becomes a live link, `<b>`, `<sub>`,
`<span style>` change what a reader sees. A department's short name from an export is not ours to
format, so before a figure is shown or drawn every string in it is escaped (& < > as entities,
which Plotly turns back into the characters), except the `<br>` line breaks the builders put in
themselves. Templates (hovertemplate, texttemplate) are the builders' own and are left alone: a
builder passes names through %{...} values, never by pasting them into a template.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import plotly.graph_objects as go

_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
TRACE_TEXT = ("x", "y", "text", "hovertext", "customdata", "name", "labels")
AXES = ("xaxis", "yaxis", "xaxis2", "yaxis2", "coloraxis")


def plain_chart_text(value: str) -> str:
    """`value` drawn as written: markup escaped, the builders' <br> kept as a line break."""
    return "<br>".join(part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                       for part in _LINE_BREAK.split(value))


def unescape_chart_text(value: str) -> str:
    """The text `plain_chart_text` escaped, as it was (a code read back from a chart's customdata)."""
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _plain(value):
    """Strings escaped, at any depth of lists, tuples and arrays (customdata is a table)."""
    if isinstance(value, str):
        return plain_chart_text(value)
    if hasattr(value, "tolist"):  # a numpy array or scalar
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _has_text(value) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, Iterable) and not isinstance(value, (bytes, dict)):
        try:
            return any(_has_text(v) for v in value)
        except TypeError:
            return False
    return False


def plain_figure(fig: go.Figure) -> go.Figure:
    """`fig` with every string that may come from the data escaped (in place; returned for chaining)."""
    for trace in fig.data:
        for prop in TRACE_TEXT:
            if prop in trace and (value := trace[prop]) is not None and _has_text(value):
                trace[prop] = _plain(value)
    layout = fig.layout
    if layout.title and layout.title.text:
        layout.title.text = plain_chart_text(layout.title.text)
    for annotation in layout.annotations or ():
        if annotation.text:
            annotation.text = plain_chart_text(annotation.text)
    for axis_name in AXES:
        axis = layout[axis_name] if axis_name in layout else None
        if axis is None:
            continue
        if getattr(axis, "ticktext", None) is not None:
            axis.ticktext = _plain(list(axis.ticktext))
        if getattr(axis, "title", None) is not None and axis.title.text:
            axis.title.text = plain_chart_text(axis.title.text)
    return fig
