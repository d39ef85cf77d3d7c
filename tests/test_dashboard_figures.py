"""Figure builders of the dashboard, on data with known answers."""
from __future__ import annotations

import pandas as pd

from dashboard import figures


def test_reject_kinds_bar_puts_the_largest_kind_on_top_and_drops_empty_kinds():
    kinds = pd.DataFrame({
        "reason_kind_label": ["必填项为空", "日期无法识别", "取值不在字典内", "数值无法识别"],
        "rejected_rows": [3, 12, 0, 5],
    })
    fig = figures.reject_kinds_bar(kinds)
    (bar,) = fig.data
    assert bar.orientation == "h"
    # plotly draws the first category at the bottom: ascending order puts the largest on top
    assert list(bar.y) == ["必填项为空", "数值无法识别", "日期无法识别"]
    assert list(bar.x) == [3, 5, 12]
    assert fig.layout.xaxis.title.text == "拒收行数"
    assert "原因类别" in fig.layout.title.text


def test_reject_kinds_bar_of_no_rejects_is_an_empty_chart():
    fig = figures.reject_kinds_bar(pd.DataFrame({"reason_kind_label": [], "rejected_rows": []}))
    assert list(fig.data[0].x) == []


def test_rows_per_entity_bar_stacks_current_superseded_and_rejected_in_contract_order():
    entities = pd.DataFrame({
        "entity_title": ["行政区划", "抽查任务", "线索移送"],
        "current_records": [7, 11, 0],
        "superseded_rows": [0, 2, 0],
        "rows_rejected": [0, 2, 0],
    })
    fig = figures.rows_per_entity_bar(entities)
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["当前记录", "被取代的旧版本", "拒收行"]
    current, superseded, rejected = fig.data
    assert list(current.y) == ["线索移送", "抽查任务", "行政区划"]  # first entity drawn on top
    assert list(current.x) == [0, 11, 7]
    assert list(superseded.x) == [0, 2, 0]
    assert list(rejected.x) == [0, 2, 0]


def test_reject_kinds_bar_writes_counts_with_separators_and_speaks_english():
    kinds = pd.DataFrame({"reason_kind_label": ["Date not recognised", "Required field empty"],
                          "rejected_rows": [608565.0, 806370]})  # a sum arrives as a float
    fig = figures.reject_kinds_bar(kinds, "en")
    assert list(fig.data[0].text) == ["608,565", "806,370"]
    assert fig.layout.title.text == "Rejected rows by reason kind"
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("Rejected rows", "Reason kind")
    assert fig.data[0].hovertemplate == "%{y}: %{x:,} rows<extra></extra>"
    assert list(figures.reject_kinds_bar(kinds).data[0].text) == ["608,565", "806,370"]


def test_rows_per_entity_bar_in_english():
    entities = pd.DataFrame({"entity_title": ["Inspection tasks"], "current_records": [11],
                             "superseded_rows": [2], "rows_rejected": [2]})
    fig = figures.rows_per_entity_bar(entities, "en")
    assert [t.name for t in fig.data] == ["Current records", "Superseded versions", "Rejected rows"]
    assert (fig.layout.title.text, fig.layout.xaxis.title.text) == ("Rows per data category", "Rows")
    assert fig.data[0].hovertemplate == "%{y} · Current records: %{x:,} rows<extra></extra>"
