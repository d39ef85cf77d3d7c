"""Figure builders of the assessment pages, on data with known answers (pure: no Streamlit)."""
from __future__ import annotations

import math

import pandas as pd

from dashboard import colours
from dashboard import figures_metrics as fm
from dashboard.page_common import prefer_grain


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
        # fct_metric_values.attainment, as dbt computed it (deliberately not rate / target here: the
        # heatmap must colour by the column, never by a rule of its own)
        "attainment": [0.8, 0.25, None],
    })


def test_heatmap_colours_by_the_attainment_column_and_writes_rates_with_not_applicable():
    fig = fm.attainment_heatmap(metric_rows())
    (heat,) = fig.data
    assert list(heat.y) == ["甲局", "乙局"] and list(heat.x) == ["按时公示率", "联合抽查占比"]
    assert fm.wrap_label("按时公示率（行政命令、强制、处罚决定）") == "按时公示率<br>（行政命令、强制、处罚决定）"
    assert [list(r) for r in heat.z] == [[0.8, 0.25], [None, None]]
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
    assert [t.name for t in lines.data] == ["甲", "乙"] and list(lines.data[0].y) == [0.1, 0.2]  # two targets: none
    one = fm.trend_lines(df[df["metric_code"] == "a"].assign(unit_name=["x", "x"]), series="unit_name")
    assert [t.name for t in one.data] == ["x", "目标"]
    assert list(one.data[-1].y) == [0.2, 0.2] and one.data[-1].line.dash == "dash"  # the target of each year
    small = fm.trend_small_multiples(df)
    values = [t for t in small.data if t.mode == "lines+markers"]
    targets = [t for t in small.data if t.mode == "lines"]
    assert [list(t.y) for t in values] == [[0.1, 0.2], [2.0, 2.5]]
    assert len(targets) == 1 and list(targets[0].y) == [0.2, 0.2]  # no target line without a target
    assert [a.text for a in small.layout.annotations] == ["甲", "乙"]
    assert fm.trend_lines(df, series="label", log_y=True).layout.yaxis.type == "log"


def test_score_ranking_puts_rank_one_on_top_unranked_last_and_flags_the_circular():
    df = pd.DataFrame({"unit_name": ["东洲区", "新抚区", "市本级", "清原县"], "score": [93.0, 88.0, 60.25, 99.0],
                       "score_rank": [1, 2, 3, None], "units_ranked": [3, 3, 3, 3],
                       "named_in_circular": [False, False, True, False],
                       "ranking_status_label": ["参与排名", "参与排名", "参与排名", "不参与排名：适用指标权重不足"]})
    (bar,) = fm.score_ranking_bar(df).data
    assert list(bar.y) == ["清原县", "市本级", "新抚区", "东洲区"]  # plotly draws the first at the bottom
    assert list(bar.x) == [99.0, 60.25, 88.0, 93.0]
    assert list(bar.text) == ["99.0", "60.3", "88.0", "93.0"]  # serving.formatters.score: 60.25 half up
    # red only for the unit named in the circular; grey for the unranked one
    assert list(bar.marker.color) == [colours.NOT_RANKED, colours.BEHIND, colours.MET, colours.MET]
    assert [list(c) for c in bar.customdata] == [["99.0", "不参与排名：适用指标权重不足"], ["60.3", "3 / 3"],
                                                 ["88.0", "2 / 3"], ["93.0", "1 / 3"]]


def test_score_trend_hovers_the_rank_or_why_there_is_none():
    df = pd.DataFrame({"unit_name": ["甲", "甲"], "year": [2022, 2023], "score": [80.04, 70.0],
                       "score_rank": [1, None], "units_ranked": [2, 2],
                       "ranking_status_label": ["参与排名", "不参与排名：适用指标权重不足"]})
    (line,) = fm.score_trend(df).data
    assert list(line.x) == [2022, 2023] and list(line.y) == [80.04, 70.0]
    assert [list(c) for c in line.customdata] == [["80.0", "1 / 2"], ["70.0", "不参与排名：适用指标权重不足"]]


def test_prefer_grain_falls_back_to_the_year_for_annual_only_metrics():
    df = pd.DataFrame({"metric_code": ["a", "a", "b"], "grain": ["quarter", "year", "year"],
                       "rate": [0.1, 0.5, 0.7], "sort_order": [1, 1, 2]})
    out = prefer_grain(df, "quarter")
    assert out[["metric_code", "grain", "annual_only"]].values.tolist() == [["a", "quarter", False],
                                                                            ["b", "year", True]]
