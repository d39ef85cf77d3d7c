"""公示时效 on the hand-made serving artefact of test_dashboard_detail.py, and its pure figure builders."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import figures_publication as fp
from tests.dashboard_fixture import label
from tests.test_dashboard_detail import D1, D2, fresh_cache, serving  # noqa: F401 (fixtures)
from tests.test_dashboard_detail import run_page as run_detail_page

REPO_ROOT = Path(__file__).resolve().parents[1]
PAGE = str(REPO_ROOT / "dashboard" / "views" / "publication.py")


def run_page(**params) -> AppTest:
    return run_detail_page(PAGE, **params)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frames_with(at: AppTest, column: str) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if column in d.value.columns]


def test_page_shows_as_of_horizon_warnings_and_trend(serving):
    at = run_page(year="2023")
    shown = metrics(at)
    assert shown["数据截至"] == "2024-01-05"
    assert shown["预警期（工作日）"] == "5"
    assert (shown["已逾期未公示"], shown["5 个工作日内到期"]) == ("1", "1")

    (trend,) = frames_with(at, "按时公示率")
    results = trend[trend["事项类型"] == label("event_type", "result")].set_index("年度")
    assert results.loc["2023", ["按时公示数", "应公示数", "按时公示率"]].tolist() == [1, 4, "25.0%"]
    assert results.loc["2022", "按时公示率"] == "90.0%"
    assert trend["事项类型"].iloc[0] == label("event_type", "all")  # all types first (dim_metric_group order)

    (late,) = frames_with(at, "逾期工作日")
    assert late.set_index("逾期工作日").loc["3", "事项数"] == 1
    assert late.set_index("逾期工作日").loc["11–20", "事项数"] == 1
    assert late["事项数"].sum() == 2

    # the long holiday of each obligation's clock window is the mart's (long_holiday), labelled
    (holiday,) = frames_with(at, "逾期占比")
    holiday = holiday.set_index("公示期限")
    assert list(holiday.index) == [label("long_holiday", c) for c in ("spring_festival", "national_day", "none")]
    assert holiday.loc[label("long_holiday", "national_day"), ["应公示事项", "逾期（含未公示）", "逾期占比"]].tolist() \
        == [1, 1, "100.0%"]  # R3: 09-25..10-30
    assert holiday.loc[label("long_holiday", "none"), ["应公示事项", "逾期（含未公示）", "逾期占比"]].tolist() \
        == [5, 2, "40.0%"]  # all years
    assert holiday.loc[label("long_holiday", "spring_festival"), "逾期占比"] == "不适用"  # nothing due: not 0%

    owners = frames_with(at, "责任部门")
    soon, overdue = owners[0], owners[1]
    assert soon["责任部门"].tolist() == ["东洲区卫健局"]
    assert soon["事项类型"].tolist() == [label("event_type", "result")]
    assert overdue[["责任部门", "事项记录"]].values.tolist() == [["抚顺市新抚区市场监督管理局", "R3"]]
    assert owners[2]["任务编号"].tolist() == ["T3"]


def test_the_warning_date_lists_the_month_ends_and_reads_the_month_end_mart(serving):
    at = run_page(year="2023")
    picker = at.selectbox(key="warning_on")
    # the as-of date first, then the month ends of mart_early_warning__month_ends, newest first
    assert list(picker.options) == ["2024-01-05", "2023-12-31", "2023-11-30"]
    assert picker.value == date(2024, 1, 5)
    picker.select(date(2023, 12, 31)).run()
    assert not at.exception
    shown = metrics(at)
    assert (shown["已逾期未公示"], shown["5 个工作日内到期"]) == ("2", "0")
    assert shown["数据截至"] == "2024-01-05"  # the data's own date does not move
    overdue = frames_with(at, "责任部门")[0]
    assert sorted(overdue["事项记录"]) == ["R11", "R3"]
    assert any("预警基准日 2023-12-31" in c.value for c in at.caption)
    at.selectbox(key="warning_on").select(date(2023, 11, 30)).run()
    shown = metrics(at)
    assert (shown["已逾期未公示"], shown["5 个工作日内到期"]) == ("0", "1")


def test_department_filter_changes_the_lists(serving):
    at = run_page(year="2023")
    at.selectbox(key="filter_dept").set_value(D2).run()
    assert not at.exception
    shown = metrics(at)
    assert (shown["已逾期未公示"], shown["5 个工作日内到期"]) == ("0", "1")
    (late,) = frames_with(at, "逾期工作日")
    assert late["事项数"].sum() == 1
    at.selectbox(key="filter_dept").set_value(D1).run()
    assert metrics(at)["5 个工作日内到期"] == "0"


def test_month_grain_shows_the_months_of_the_year(serving):
    at = run_page(year="2023", grain="month", period="5")
    (trend,) = frames_with(at, "按时公示率")
    assert trend["期间"].tolist() == ["2023-05"]
    assert trend["按时公示率"].tolist() == ["50.0%"]


def test_english_labels_come_from_the_code_label_seed(serving):
    at = run_page(year="2023", lang="en")
    (holiday,) = frames_with(at, "Share late")
    assert holiday["Clock window"].tolist() == [label("long_holiday", c, "en")
                                                for c in ("spring_festival", "national_day", "none")]
    (trend,) = frames_with(at, "On-time rate")
    assert label("event_type", "result", "en") in set(trend["Event type"])


# --- pure builders --------------------------------------------------------------------------------

def test_late_buckets_cover_every_value():
    out = fp.late_buckets(pd.Series([1, 1, 2, 4, 5, 7, 15, 30, 100, None]))
    counts = dict(zip(out["bucket"], out["obligations"]))
    assert counts == {"1": 2, "2": 1, "3": 0, "4–5": 2, "6–10": 1, "11–20": 1, "21–60": 1, ">60": 1}
    assert out["share"].sum() == pytest.approx(1.0)
    assert out["share_text"].tolist()[:3] == ["22.2%", "11.1%", "0.0%"]  # 2, 1 and 0 of the 9 values
    fig = fp.lateness_histogram(out)
    assert list(fig.data[0].y) == out["obligations"].tolist()
    assert fp.late_buckets(pd.Series([], dtype=float))["share_text"].tolist() == ["不适用"] * 8


def test_holiday_bar_writes_shares_with_the_formatter_and_keeps_empty_ones_not_applicable():
    effect = pd.DataFrame({"label": ["期限跨春节长假", "期限跨国庆长假", "未跨长假"], "due": [0, 4, 2500],
                           "late": [0, 3, 1], "share_late": [float("nan"), 0.75, 1 / 2500]})
    (bar,) = fp.holiday_bar(effect).data
    assert list(bar.text) == ["不适用", "75.0%", "<0.1%"]
    assert [list(c) for c in bar.customdata] == [["0", "0"], ["3", "4"], ["1", "2,500"]]
    assert list(fp.holiday_bar(effect, lang="en").data[0].text)[0] == "n/a"


def test_on_time_frame_and_trend_keep_null_rates_as_gaps():
    df = pd.DataFrame({
        "metric_code": ["on_time_publication_plan", "on_time_publication_plan", "on_time_publication"],
        "event_type": ["plan", "plan", "all"], "event_label": ["抽查计划", "抽查计划", "全部事项"],
        "position": [1, 1, 0], "year": [2022, 2023, 2023],
        "period_start": pd.to_datetime(["2022-01-01", "2023-01-01", "2023-01-01"]),
        "numerator": [0, 3, 5], "denominator": [0, 4, 8], "rate": [None, 0.75, 0.625],
    })
    frame = fp.on_time_frame(df)
    assert frame["event_type"].tolist() == ["all", "plan", "plan"]  # by the group's position
    assert frame["rate_text"].tolist() == ["62.5%", "不适用", "75.0%"]
    assert frame["year_text"].tolist() == ["2023", "2022", "2023"]
    fig = fp.on_time_trend(frame)
    assert fig.data[0].name == "全部事项" and fig.data[0].line.width == 3
    plan = [trace for trace in fig.data if trace.name == "抽查计划"][0]
    assert pd.isna(plan.y[0]) and plan.y[1] == 0.75
    assert plan.customdata[0][2] == "不适用"
    assert list(plan.customdata[1][:2]) == ["3", "4"]
