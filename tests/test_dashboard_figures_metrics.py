"""Figure builders of the assessment pages, on data with known answers (pure: no Streamlit)."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import figures_metrics as fm
from dashboard.page_common import prefer_grain


def test_fmt_value_never_shows_null_as_zero():
    assert fm.fmt_value(None) == "不适用"
    assert fm.fmt_value(float("nan")) == "不适用"
    assert fm.fmt_value(None, lang="en") == "n/a"
    assert fm.fmt_value(0.0) == "0.0%"
    assert fm.fmt_value(0.1234) == "12.3%"
    assert fm.fmt_value(2.1901, "ratio") == "2.19"


@pytest.mark.parametrize("rate,target,direction,expected", [
    (0.1, 0.2, "at_least", 0.5), (0.3, 0.2, "at_least", 1.0), (0.1, 0.2, "at_most", 1.0),
    (0.4, 0.2, "at_most", 0.5), (None, 0.2, "at_least", None), (0.5, None, None, None),
])
def test_attainment_matches_the_assessment_rule(rate, target, direction, expected):
    assert fm.attainment(rate, target, direction) == expected


def metric_rows():
    return pd.DataFrame({
        "unit_name": ["甲局", "甲局", "乙局"],
        "label": ["按时公示率", "联合抽查占比", "按时公示率"],
        "metric_code": ["on_time_publication", "joint_task_share_tasks", "on_time_publication"],
        "unit": ["percent"] * 3,
        "rate": [0.9, 0.1, None],
        "numerator": [9, 1, 0],
        "denominator": [10, 10, 0],
        "target": [1.0, 0.2, 1.0],
        "target_direction": ["at_least"] * 3,
    })


def test_heatmap_colours_attainment_and_writes_rates_with_not_applicable():
    fig = fm.attainment_heatmap(metric_rows())
    (heat,) = fig.data
    assert list(heat.y) == ["甲局", "乙局"] and list(heat.x) == ["按时公示率", "联合抽查占比"]
    assert fm.wrap_label("按时公示率（行政命令、强制、处罚决定）") == "按时公示率<br>（行政命令、强制、处罚决定）"
    assert [list(r) for r in heat.z] == [[0.9, 0.5], [None, None]]
    assert [list(r) for r in heat.text] == [["90.0%", "10.0%"], ["不适用", ""]]
    assert list(heat.customdata[0][0]) == ["90.0%", "9", "10", "100.0%"]
    assert "分子 / 分母" in heat.hovertemplate and heat.zmin == 0 and heat.zmax == 1


def test_grouped_bars_one_series_per_metric_with_fractions_and_target():
    df = metric_rows().assign(unit_name=["新抚区", "新抚区", "东洲区"])
    fig = fm.grouped_bars(df.loc[df["label"] == "按时公示率"])
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 1 and list(bars[0].x) == ["新抚区", "东洲区"]
    assert bars[0].y[0] == 0.9 and math.isnan(bars[0].y[1])
    assert list(bars[0].text) == ["90.0%", "不适用"]
    assert [list(c) for c in bars[0].customdata] == [["90.0%", "9", "10"], ["不适用", "0", "0"]]
    assert fig.layout.shapes[0].y0 == 1.0  # the target line
    two = fm.grouped_bars(df)
    assert [t.name for t in two.data] == ["按时公示率", "联合抽查占比"] and not two.layout.shapes


def test_trend_lines_and_small_multiples_keep_the_data():
    df = pd.DataFrame({"metric_code": ["a", "a", "b", "b"], "label": ["甲", "甲", "乙", "乙"],
                       "unit": ["percent", "percent", "ratio", "ratio"], "year": [2022, 2023, 2022, 2023],
                       "rate": [0.1, 0.2, 2.0, 2.5], "numerator": [1, 2, 20, 25], "denominator": [10, 10, 10, 10],
                       "target": [0.2, 0.2, None, None], "unit_name": ["x", "x", "y", "y"]})
    lines = fm.trend_lines(df, series="label")
    assert [t.name for t in lines.data] == ["甲", "乙"] and list(lines.data[0].y) == [0.1, 0.2]
    small = fm.trend_small_multiples(df)
    values = [t for t in small.data if t.mode == "lines+markers"]
    targets = [t for t in small.data if t.mode == "lines"]
    assert [list(t.y) for t in values] == [[0.1, 0.2], [2.0, 2.5]]
    assert len(targets) == 1 and list(targets[0].y) == [0.2, 0.2]  # no target line without a target
    assert [a.text for a in small.layout.annotations] == ["甲", "乙"]
    assert fm.trend_lines(df, series="label", log_y=True).layout.yaxis.type == "log"


def test_score_ranking_puts_rank_one_on_top_and_flags_the_circular():
    df = pd.DataFrame({"unit_name": ["东洲区", "新抚区", "市本级"], "score": [93.0, 88.0, 60.25],
                       "score_rank": [1, 2, 3], "units_ranked": [3, 3, 3], "named_in_circular": [False, False, True]})
    (bar,) = fm.score_ranking_bar(df).data
    assert list(bar.y) == ["市本级", "新抚区", "东洲区"]  # plotly draws the first at the bottom
    assert list(bar.x) == [60.25, 88.0, 93.0]
    assert list(bar.marker.color) == [fm.PALETTE[1], fm.PALETTE[0], fm.PALETTE[0]]


def test_prefer_grain_falls_back_to_the_year_for_annual_only_metrics():
    df = pd.DataFrame({"metric_code": ["a", "a", "b"], "grain": ["quarter", "year", "year"],
                       "rate": [0.1, 0.5, 0.7], "sort_order": [1, 1, 2]})
    out = prefer_grain(df, "quarter")
    assert out[["metric_code", "grain", "annual_only"]].values.tolist() == [["a", "quarter", False],
                                                                            ["b", "year", True]]


def test_score_change_ranks_the_most_improved_first():
    from dashboard.figures_metrics import score_change

    scores = pd.DataFrame({
        "unit_name": ["甲", "甲", "甲", "乙", "乙", "丙"],
        "year": [2020, 2021, 2022, 2020, 2022, 2021],
        "score": [60.0, 70.0, 80.04, 90.0, 85.0, 50.0],
    })
    got = score_change(scores, 2022)
    assert got.to_dict("records") == [
        {"unit_name": "甲", "first_year": 2020, "first_score": 60.0, "score": 80.0, "change": 20.0},
        {"unit_name": "乙", "first_year": 2020, "first_score": 90.0, "score": 85.0, "change": -5.0},
    ]  # 丙 has no 2022 score: not compared
    assert score_change(scores, 2019).empty
