"""Click-through from a chart to the records behind it: a heatmap cell or a bar opens the drill-down
(audit trail) of that unit and metric.

A clickable point carries its codes, never its display labels, as the last three entries of its
customdata: scope (department / region / city), unit code (the dept_code; the region_code for a county
or 市本级, whose code is the city's; the city code for the whole city) and metric code (`pick_data`, from
the fct_metric_values columns of the row: `pick_of_row`). The chart is drawn with Streamlit's plotly
selection events (`st.plotly_chart(..., on_select=callback, selection_mode=("points",))`, see
components.chart_with_table); the callback (`on_select`) maps the selection to a `Pick` and keeps it
for the page's drill-down, which shows that unit and metric and scrolls into view (page_common.drilldown).

serving.chart_text.plain_figure escapes every string of a figure, customdata included, so the codes
come back escaped (`&lt;` for `<`); `pick_from_selection` undoes that. The mapping is pure (unit tests;
Streamlit's AppTest cannot click a chart).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from serving import formatters as fmt
from serving.chart_text import unescape_chart_text

SCOPES = ("department", "region", "city")
PICK_WIDTH = 3  # scope, unit code, metric code: the tail of a clickable point's customdata
NO_PICK = ["", "", ""]  # the tail of a point that opens nothing (a heatmap cell without a value)


@dataclass(frozen=True)
class Pick:
    scope: str
    unit_code: str
    metric_code: str


def _text(value) -> str:
    return "" if fmt.is_missing(value) else str(value)


def pick_data(scope, unit_code, metric_code) -> list[str]:
    """The customdata tail of a point that opens (scope, unit, metric)."""
    return [_text(scope), _text(unit_code), _text(metric_code)]


def pick_of_row(row: Mapping) -> list[str]:
    """The customdata tail of a fct_metric_values row (scope, dept_code, region_code, metric_code): the
    department's code for a department, the region code for a county, 市本级 or the whole city."""
    scope = _text(row.get("scope"))
    if scope not in SCOPES or not _text(row.get("metric_code")):
        return list(NO_PICK)
    unit = row.get("dept_code") if scope == "department" else row.get("region_code")
    return pick_data(scope, unit, row.get("metric_code")) if _text(unit) else list(NO_PICK)


def has_pick_columns(df) -> bool:
    """Whether metric rows carry what `pick_of_row` needs (frames built by hand for a chart may not)."""
    return {"scope", "metric_code", "dept_code", "region_code"} <= set(getattr(df, "columns", ()))


def _points(state) -> list:
    """The selected points of a plotly chart's state, given as the PlotlyState st.plotly_chart returns,
    its session-state value ({"selection": {...}}) or the selection itself ({"points": [...]})."""
    if state is None:
        return []
    selection = state.get("selection", state) if hasattr(state, "get") else getattr(state, "selection", None)
    if selection is None:
        return []
    points = selection.get("points") if hasattr(selection, "get") else getattr(selection, "points", None)
    return list(points or [])


def pick_from_selection(state) -> Pick | None:
    """The unit and metric of the last selected point that carries codes (see the module doc), or None.
    Pure."""
    for point in reversed(_points(state)):
        data = point.get("customdata") if hasattr(point, "get") else None
        if not isinstance(data, (list, tuple)) or len(data) < PICK_WIDTH:
            continue
        scope, unit, metric = (unescape_chart_text(_text(v)) for v in data[-PICK_WIDTH:])
        if scope in SCOPES and unit and metric:
            return Pick(scope, unit, metric)
    return None


# --- session state (Streamlit) ----------------------------------------------------------------------

def _pick_key(drill_key: str) -> str:
    return f"{drill_key}_pick"


def _scroll_key(drill_key: str) -> str:
    return f"{drill_key}_scroll"


def on_select(chart_key: str, drill_key: str) -> None:
    """The chart's selection callback: keep its pick for the drill-down `drill_key` (and scroll to it
    on the next run), or forget it when the point was deselected."""
    import streamlit as st

    pick = pick_from_selection(st.session_state.get(chart_key))
    if pick is None:
        st.session_state.pop(_pick_key(drill_key), None)
        return
    st.session_state[_pick_key(drill_key)] = (chart_key, pick)
    st.session_state[_scroll_key(drill_key)] = True


def current_pick(drill_key: str) -> Pick | None:
    """The pick for `drill_key` while the chart it came from still has it selected (after a page switch
    the chart's selection is gone, and so is the pick)."""
    import streamlit as st

    kept = st.session_state.get(_pick_key(drill_key))
    if not kept:
        return None
    chart_key, pick = kept
    if pick_from_selection(st.session_state.get(chart_key)) != pick:
        st.session_state.pop(_pick_key(drill_key), None)
        return None
    return pick


def clear(drill_key: str) -> None:
    """Back to the sidebar's unit (the clear button's callback)."""
    import streamlit as st

    st.session_state.pop(_pick_key(drill_key), None)


def take_scroll(drill_key: str) -> bool:
    """True once after a new pick: the drill-down should scroll into view."""
    import streamlit as st

    return bool(st.session_state.pop(_scroll_key(drill_key), False))


def scroll_script(container_key: str) -> str:
    """A script that scrolls the keyed container (class st-key-<key>) into view, clear of Streamlit's
    top bar. The key is the page's own constant, never text from the data."""
    safe = "".join(ch for ch in container_key if ch.isalnum() or ch in "_-")
    return ("<script>(function(){var el=document.querySelector('.st-key-" + safe + "');"
            "if(el){el.style.scrollMarginTop='4.5rem';el.scrollIntoView({behavior:'smooth',block:'start'});}})();"
            "</script>")
