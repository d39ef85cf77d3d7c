"""公示时效 on the hand-made serving artefact of test_dashboard_detail.py, and its pure figure builders."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import figures_publication as fp
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
    results = trend[trend["事项类型"] == "检查结果"].set_index("年度")
    assert results.loc[2023, ["按时公示数", "应公示数"]].tolist() == [1, 4]
    assert results.loc[2022, "按时公示率"] == pytest.approx(0.9)

    (late,) = frames_with(at, "逾期工作日")
    assert late.set_index("逾期工作日").loc["3", "事项数"] == 1
    assert late.set_index("逾期工作日").loc["11–20", "事项数"] == 1
    assert late["事项数"].sum() == 2

    (holiday,) = frames_with(at, "逾期占比")
    holiday = holiday.set_index("公示期限")
    assert holiday.loc["期限跨国庆长假", ["应公示事项", "逾期（含未公示）"]].tolist() == [1, 1]  # R3: 09-25..10-30
    assert holiday.loc["未跨长假", ["应公示事项", "逾期（含未公示）"]].tolist() == [5, 2]  # all years

    owners = frames_with(at, "责任部门")
    soon, overdue = owners[0], owners[1]
    assert soon["责任部门"].tolist() == ["东洲区卫健局"]
    assert overdue[["责任部门", "事项记录"]].values.tolist() == [["抚顺市新抚区市场监督管理局", "R3"]]
    assert owners[2]["任务编号"].tolist() == ["T3"]


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
    assert trend["按时公示率"].tolist() == [0.5]


# --- pure builders --------------------------------------------------------------------------------

def test_late_buckets_cover_every_value():
    out = fp.late_buckets(pd.Series([1, 1, 2, 4, 5, 7, 15, 30, 100, None]))
    counts = dict(zip(out["bucket"], out["obligations"]))
    assert counts == {"1": 2, "2": 1, "3": 0, "4–5": 2, "6–10": 1, "11–20": 1, "21–60": 1, ">60": 1}
    assert out["share"].sum() == pytest.approx(1.0)
    fig = fp.lateness_histogram(out)
    assert list(fig.data[0].y) == out["obligations"].tolist()


def test_holiday_class_and_effect():
    assert fp.holiday_class(date(2023, 9, 25), date(2023, 10, 30)) == "national"
    assert fp.holiday_class(date(2023, 1, 10), date(2023, 2, 7)) == "spring"  # 2023 eve: 01-21
    assert fp.holiday_class(date(2024, 1, 10), date(2024, 2, 7)) == "none"  # 2024 eve: 02-09
    assert fp.holiday_class(None, date(2024, 2, 7)) == "none"
    due = pd.DataFrame({
        "status": ["late", "on_time", "overdue_unpublished", "on_time"],
        "event_date": pd.to_datetime(["2023-09-25", "2023-09-20", "2023-01-15", "2023-05-01"]),
        "deadline_date": pd.to_datetime(["2023-10-20", "2023-10-18", "2023-02-10", "2023-05-20"]),
    })
    effect = fp.holiday_effect(due).set_index("holiday")
    assert effect.loc["national", ["due", "late"]].tolist() == [2, 1]
    assert effect.loc["spring", "share_late"] == 1.0
    assert effect.loc["none", "share_late"] == 0.0
    empty = fp.holiday_effect(due.iloc[0:0])
    assert empty["share_late"].isna().all()  # nothing due: n/a, not 0%
    fig = fp.holiday_bar(fp.holiday_effect(due))
    assert list(fig.data[0].text) == ["100.0%", "50.0%", "0.0%"]
    # the loader's counted form (one row per window and status) gives the same effect
    counted = due.assign(obligations=[3, 1, 2, 5])
    effect = fp.holiday_effect(counted).set_index("holiday")
    assert effect.loc["national", ["due", "late"]].tolist() == [4, 3]
    assert effect.loc["spring", ["due", "late"]].tolist() == [2, 2]
    assert effect.loc["none", ["due", "late"]].tolist() == [5, 0]


def test_on_time_frame_and_trend_keep_null_rates_as_gaps():
    df = pd.DataFrame({
        "metric_code": ["on_time_publication_plan", "on_time_publication_plan", "on_time_publication", "other"],
        "year": [2022, 2023, 2023, 2023],
        "period_start": pd.to_datetime(["2022-01-01", "2023-01-01", "2023-01-01", "2023-01-01"]),
        "numerator": [0, 3, 5, 1], "denominator": [0, 4, 8, 1], "rate": [None, 0.75, 0.625, 1.0],
    })
    mapping = {"on_time_publication_plan": "plan", "on_time_publication": "all"}
    frame = fp.on_time_frame(df, mapping)
    assert frame["event_type"].tolist() == ["all", "plan", "plan"]
    assert frame["event_label"].tolist() == ["全部事项", "抽查计划", "抽查计划"]
    fig = fp.on_time_trend(frame)
    plan = [trace for trace in fig.data if trace.name == "抽查计划"][0]
    assert pd.isna(plan.y[0]) and plan.y[1] == 0.75
    assert plan.customdata[0][2] == "不适用"
    assert list(plan.customdata[1][:2]) == [3, 4]
