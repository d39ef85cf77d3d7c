"""The assessment pages (总览, 县区进展, 联合与临时, 抽查与信用) on a hand-made serving artefact with
known numbers: each runs without exception, shows the fixture's figures, and a filter changes them."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard_fixture import METRICS, group_codes, label, make_assessment_serving  # noqa: E402

from serving import assessment, snapshot  # noqa: E402

METRIC_CODES = [m[0] for m in METRICS]
METRIC_NAMES = [m[2] for m in METRICS]

REPO_ROOT = Path(__file__).resolve().parents[1]
PAGES = REPO_ROOT / "dashboard" / "views"
APP = str(REPO_ROOT / "dashboard" / "app.py")


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def serving(tmp_path, monkeypatch) -> Path:
    path = make_assessment_serving(tmp_path / "serving" / "warehouse.duckdb")
    monkeypatch.setenv("SSSG_SERVING_PATH", str(path))
    return path


def run(page: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frame_with(at: AppTest, *columns: str):
    found = [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)]
    assert found, f"no table with {columns}"
    return found[0]


def trend_table(at: AppTest):
    (frame,) = [d.value for d in at.dataframe if {"单位", "年度", "数值"} <= set(d.value.columns)
                and "指标" in d.value.columns and d.value["年度"].nunique() > 1]
    return frame


def comparison(at: AppTest):
    """The county comparison table (counties and 市本级; the map's table has the counties only)."""
    (frame,) = [d.value for d in at.dataframe
                if {"单位", "数值", "分子"} <= set(d.value.columns) and "年度" in d.value.columns
                and "市本级" in set(d.value["单位"]) and d.value["年度"].nunique() == 1]
    return frame


def texts(at: AppTest) -> str:
    return "\n".join([*(c.value for c in at.caption), *(i.value for i in at.info), *(s.value for s in at.success),
                      *(e.value for e in at.error), *(w.value for w in at.warning)])


# --- 总览 --------------------------------------------------------------------------------------------

def card(at: AppTest, label: str):
    (found,) = [m for m in at.metric if m.label == label]
    return found


def card_help(at: AppTest, label: str) -> str:
    """The help of a KPI card: on its title, which wraps (st.metric would cut a long label off)."""
    (found,) = [m.proto.help for m in at.markdown if m.value == f"**{label}**"]
    return found


def read(serving: Path, loader, *args, **kwargs):
    """What a serving loader returns on the fixture (the page's own source of truth)."""
    with snapshot.pinned(serving):
        return loader(*args, **kwargs)


def test_overview_headline_measures_for_the_city_with_not_applicable_and_deltas(serving):
    at = run("overview.py")
    assert at.title[0].value == "总览"
    shown = metrics(at)
    # the cards are the metric group `headline` of the seed, in its order
    names = dict(zip(METRIC_CODES, METRIC_NAMES))
    assert [m.label for m in at.metric][:len(group_codes("headline"))] == [names[c] for c in group_codes("headline")]
    assert shown["抽查比例"] == "5.0%"
    assert shown["制度机制全覆盖"] == "100.0%"
    assert shown["抽查事项覆盖率"] == "90.0%"
    assert shown["临时任务占比（按数量）"] == "10.0%"
    assert shown["按时公示率（全部类型）"] == "不适用"  # no denominator: not 0%
    assert shown["联合抽查占比（按任务）"] == "30.0%"
    sampling = card(at, "抽查比例")
    assert sampling.proto.delta == "+1.0个百分点"
    assert "50 / 1,000" in card_help(at, "抽查比例") and "≥3.0%" in card_help(at, "抽查比例")
    assert card(at, "临时任务占比（按数量）").proto.delta == "-20.0个百分点"
    assert "≤20.0%" in card_help(at, "临时任务占比（按数量）")
    # the status against the target on the card itself, a word and an icon besides the colour
    statuses = [m.value for m in at.markdown if "-badge[" in m.value]
    assert ":blue-badge[:material/check: 达标]" in statuses and "目标 ≥3.0%" in texts(at)
    behind = statuses.count(":red-badge[:material/priority_high: 未达标]")
    assert behind == sum("距目标" in c.value for c in at.caption)  # each shortfall says by how much
    assert card(at, "按时公示率（全部类型）").proto.delta == ""
    assert "考核得分" not in shown  # the whole city has no score


def test_overview_milestones_from_the_milestones_mart(serving):
    at = run("overview.py")
    shown = metrics(at)
    assert shown[label("milestone", "mechanism_2020")] == "25.0%"
    assert card(at, label("milestone", "mechanism_2020")).proto.delta == label("milestone_status", "not_achieved")
    # 2022: mechanisms 75%, items 80%
    assert shown[label("milestone", "supervision_2022")] == label("milestone_status", "not_achieved")
    assert card(at, label("milestone", "supervision_2022")).proto.delta == "制度机制全覆盖 75.0%；抽查事项覆盖率 80.0%"
    assert any("2020-09-30" in c.value and "1 / 4" in c.value and "≥100.0%" in c.value for c in at.caption)
    missing = frame_with(at, "缺少的机制")
    assert missing["部门"].tolist() == ["抚顺市东洲区住房和城乡建设局"]
    assert missing["县（市、区）"].tolist() == ["东洲区"]
    # the missing components labelled from the seed, never `inspector_register;plan_filed`
    assert missing["缺少的机制"].tolist() == [
        label("mechanism_component", "inspector_register") + "、" + label("mechanism_component", "plan_filed")]


def test_overview_county_ranking_with_rank_and_statuses(serving):
    at = run("overview.py")
    ranking = frame_with(at, "排名", "考核得分", "县（市、区）", "排名情况")
    assert ranking["县（市、区）"].tolist() == ["新抚区", "东洲区", "市本级"]
    assert ranking["考核得分"].tolist() == ["98.0", "95.0", "67.5"]
    assert ranking["排名"].tolist() == ["1 / 3", "2 / 3", "3 / 3"]
    assert set(ranking["排名情况"]) == {label("ranking_status", "ranked")}
    assert ranking["拟通报名单"].tolist() == [label("circular_status", "not_named")] * 2 + [
        label("circular_status", "named")]


def test_overview_circular_lists_the_shortfalls_as_the_reports_write_them(serving):
    at = run("overview.py")
    circular = frame_with(at, "失分最多的指标").set_index("单位")
    assert list(circular.index) == ["市本级", "抚顺市市场监督管理局"]  # counties first
    assert circular["类别"].tolist() == [label("scope", "region"), label("scope", "department")]
    assert circular["考核得分"].tolist() == ["67.5", "47.5"]
    assert circular["排名"].tolist() == ["3 / 3", "2 / 2"]
    assert set(circular["通报规则"]) == {"得分排名后1位"}
    # the very text of serving.assessment.shortfalls_text, which the PDF, XLSX and DOCX print too
    for unit, name in (("210400", "市本级"), ("210400-SCJG", "抚顺市市场监督管理局")):
        rows = read(serving, assessment.shortfalls, 2023, [unit], main_only=True)
        assert len(rows) == 2
        assert circular.loc[name, "失分最多的指标"] == assessment.shortfalls_text(rows, "zh")
    # points lost on the rescaled basis of the parts mart (never weight - points)
    assert circular.loc["市本级", "失分最多的指标"] == (
        "联合抽查占比（按任务） 0.0%（目标≥20.0%，失30.0分）；按时公示率（全部类型） 95.0%（目标≥100.0%，失2.5分）")
    assert circular.loc["抚顺市市场监督管理局", "失分最多的指标"].startswith(
        "联合抽查占比（按任务） 0.0%（目标≥20.0%，失50.0分）")


def test_a_name_from_the_export_is_plain_text_in_the_circular_list(serving):
    import duckdb
    hostile = "[抚顺市水务局](https://example.com/x)*加粗*"
    with duckdb.connect(str(serving)) as con:
        con.execute("UPDATE marts.dim_unit SET unit_name_zh = ? WHERE scope = 'department' AND unit_code = "
                    "'210400-SCJG'", [hostile])
    at = run("overview.py")
    listed = "\n".join(m.value for m in at.markdown)
    assert "\\[抚顺市水务局\\]\\(https\\://example\\.com/x\\)\\*加粗\\*" in listed
    assert "](https" not in listed and hostile not in listed


def test_overview_year_filter_changes_figures_and_circular(serving):
    at = run("overview.py")
    at.selectbox(key="filter_year").select(2022)
    rerun(at)
    shown = metrics(at)
    assert shown["抽查比例"] == "4.0%"
    assert shown["按时公示率（全部类型）"] == "90.0%"
    circular = frame_with(at, "失分最多的指标").set_index("单位")
    assert set(circular.index) == {"东洲区", "抚顺市东洲区住房和城乡建设局"}
    rows = read(serving, assessment.shortfalls, 2022, ["210403"], main_only=True)
    assert circular.loc["东洲区", "失分最多的指标"] == assessment.shortfalls_text(rows, "zh")
    assert "失12.5分" in circular.loc["东洲区", "失分最多的指标"]
    assert at.query_params["year"] == ["2022"] or at.query_params["year"] == "2022"


def test_overview_heatmap_table_and_a_county_selection(serving):
    at = run("overview.py")
    heat = frame_with(at, "单位", "指标", "数值", "分子", "分母")
    assert set(heat["单位"]) == {"市市场监管局"}  # whole city: the city-level departments
    at.selectbox(key="filter_region").select("210402")
    rerun(at)
    heat = frame_with(at, "单位", "指标", "数值", "分子", "分母")
    assert set(heat["单位"]) == {"新抚区教育局"}
    row = heat.loc[heat["指标"] == "按时公示率（全部类型）"].iloc[0]
    assert row["数值"] == "不适用"
    assert metrics(at)["联合抽查占比（按任务）"] == "40.0%"  # 新抚区 2023: 2 / 5
    assert metrics(at)["考核得分"] == "98.0"
    assert card(at, "考核得分").proto.delta == "排名 1 / 3"


def test_an_unranked_unit_shows_why_instead_of_a_rank(serving):
    at = run("overview.py")
    at.selectbox(key="filter_dept").select("210402-JYJ")
    rerun(at)
    score = card(at, "考核得分")
    assert score.value == "100.0"
    assert score.proto.delta == label("ranking_status", "too_few_parts") == "不参与排名：适用指标权重不足"
    assert any(c.value == "考核得分：不参与排名：适用指标权重不足" for c in at.caption)  # in full, too
    at.selectbox(key="filter_dept").select("210400-SCJG")
    rerun(at)
    assert card(at, "考核得分").proto.delta == "排名 2 / 2"


def test_the_router_opens_the_overview_first(serving):
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception
    assert at.title[0].value == "总览"


# --- 县区进展 ----------------------------------------------------------------------------------------

def test_county_progress_compares_counties_on_the_chosen_metric(serving):
    at = run("county_progress.py")
    assert at.title[0].value == "县区进展"
    assert at.selectbox(key="county_metric").value == "on_time_publication"
    compare = comparison(at)
    values = dict(zip(compare["单位"], compare["数值"]))
    county_map = frame_with(at, "单位", "数值", "分子", "分母")
    assert set(county_map["单位"]) == {"新抚区", "东洲区"}  # the map: counties only
    assert values == {"新抚区": "96.0%", "东洲区": "90.0%", "市本级": "95.0%"}
    depts = [d.value for d in at.dataframe if "县（市、区）" in d.value.columns and "数值" in d.value.columns][-1]
    assert dict(zip(depts["单位"], depts["数值"]))["新抚区教育局"] == "不适用"

    at.selectbox(key="county_metric").select("joint_task_share_tasks")
    rerun(at)
    compare = comparison(at)
    assert dict(zip(compare["单位"], compare["数值"]))["新抚区"] == "40.0%"

    at.selectbox(key="filter_year").select(2022)
    rerun(at)
    compare = comparison(at)
    assert dict(zip(compare["单位"], compare["数值"]))["新抚区"] == "20.0%"


def test_county_progress_trend_and_one_county(serving):
    at = run("county_progress.py")
    # 东洲区 210403: 57.5 (2022) -> 95.0 (2023) is the most improved (score_change_since_first of the mart)
    assert any("进步最大：东洲区（2022年至2023年 +37.5 分）" in c.value for c in at.caption)
    change = frame_with(at, "变化（分）")
    assert change[["县（市、区）", "首个考核年度", "首年得分", "考核得分", "变化（分）"]].values.tolist() == [
        ["东洲区", "2022", "57.5", "95.0", "+37.5"], ["新抚区", "2022", "95.0", "98.0", "+3.0"],
        ["市本级", "2022", "87.5", "67.5", "-20.0"]]
    trend = trend_table(at)
    assert set(trend["年度"]) == {"2022", "2023"}
    at.selectbox(key="filter_region").select("210403")
    rerun(at)
    trend = trend_table(at)
    assert set(trend["单位"]) == {"东洲区", "市本级"}
    depts = [d.value for d in at.dataframe if "县（市、区）" in d.value.columns and "数值" in d.value.columns][-1]
    assert depts["单位"].tolist() == ["东洲区住建局"]


# --- 联合与临时 --------------------------------------------------------------------------------------

def test_joint_temporary_shows_shares_visits_saved_and_filters(serving):
    at = run("joint_temporary.py")
    shown = metrics(at)
    assert shown["联合抽查占比（按任务）"] == "30.0%"
    assert shown["联合抽查占比（按检查户次）"] == "25.0%"
    assert shown["进一次门查多项事（每户次检查事项数）"] == "3.00"
    assert shown["临时任务占比（按数量）"] == "10.0%"
    assert shown["临时任务占比（按规模）"] == "10.0%"
    pairs = frame_with(at, "发起部门", "配合部门", "联合任务数")
    assert sorted(zip(pairs["发起部门"], pairs["配合部门"], pairs["联合任务数"])) == [
        ("抚顺市东洲区住房和城乡建设局", "某未识别部门", 1), ("抚顺市市场监督管理局", "抚顺市新抚区教育局", 3)]
    at.selectbox(key="filter_year").select(2022)
    rerun(at)
    assert metrics(at)["进一次门查多项事（每户次检查事项数）"] == "2.50"
    at.selectbox(key="filter_region").select("210403")
    rerun(at)
    assert metrics(at)["临时任务占比（按数量）"] == "66.7%"
    assert metrics(at)["联合抽查占比（按检查户次）"] == "—"  # no row for this county
    detail = frame_with(at, "单位", "县（市、区）", "数值")
    assert set(detail["单位"]) == {"东洲区住建局"}


# --- 抽查与信用 --------------------------------------------------------------------------------------

def test_sampling_credit_gradient_and_compliance(serving):
    at = run("sampling_credit.py")
    shown = metrics(at)
    assert shown["抽查比例"] == "5.0%"
    assert shown["随机抽取占比"] == "100.0%"
    assert shown["随机匹配占比"] == "95.0%"
    assert shown["检查人员参与率"] == "90.0%"
    assert any("符合预期梯度" in s.value for s in at.success)
    classes = frame_with(at, "信用风险类别", "数值")
    assert classes["信用风险类别"].tolist() == [label("credit_class", c) for c in ("A类", "B类", "C类", "D类")]
    assert classes["数值"].tolist() == ["1.0%", "2.0%", "5.0%", "60.0%"]
    # by unit: the group's period measures, and apart the ones measured per year only (the sampling
    # ratio itself, measured per quarter too, is in neither)
    tables = [d.value for d in at.dataframe if {"单位", "指标", "数值"} <= set(d.value.columns)]
    random_units, annual_units = (t for t in tables if "新抚区" in set(t["单位"]))
    assert set(random_units["指标"]) == {"随机匹配占比"} and random_units["数值"].tolist() == ["90.0%"]
    assert set(annual_units["指标"]) == {"抽查事项覆盖率", "检查人员参与率"}
    at.selectbox(key="filter_year").select(2022)
    rerun(at)
    assert any("不符合预期梯度" in e.value for e in at.error)
    assert metrics(at)["随机抽取占比"] == "90.0%"


# --- a quarter without records (issue 18 #7) -------------------------------------------------------

PER_QUARTER = ["on_time_publication", *group_codes("joint"), *group_codes("items_per_visit"),
               *group_codes("temporary")]


def measured_in_q3_only(serving: Path) -> None:
    """The metrics of 联合与临时 and on-time publication measured per quarter too, as the dbt models
    measure them: every 2023 year row repeated as the third quarter's (nothing in the first two, as
    the real data have nothing before 2020-07)."""
    import duckdb
    with duckdb.connect(str(serving)) as con:
        con.execute("""INSERT INTO marts.fct_metric_values
            SELECT * REPLACE ('quarter' AS grain, DATE '2023-07-01' AS period_start) FROM marts.fct_metric_values
            WHERE year = 2023 AND grain = 'year' AND list_contains(?, metric_code)""", [PER_QUARTER])


def run_with(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_quarter_without_records_never_shows_the_year_as_its_value(serving):
    """2020 Q1 showed the year's values on the cards while every per-unit section said there was no
    data: the cards fell back to the year row of any metric without a row in the quarter and called it
    measured per year only (（年度）). Now only the metrics measured per year only fall back."""
    from serving import metrics as values
    measured_in_q3_only(serving)

    at = run_with("joint_temporary.py", year="2023", grain="quarter", period="2")
    assert not [m for m in at.metric if m.value != "—"], metrics(at)  # no year value passed off as Q2's
    assert any("2023年第2季度没有记录" in i.value for i in at.info)
    assert [i.value for i in at.info].count("所选范围内没有数据") >= 3  # the per-unit sections agree
    at = run_with("joint_temporary.py", year="2023", grain="quarter", period="3")
    assert metrics(at)["联合抽查占比（按任务）"] == "30.0%"  # the quarter's own row
    assert frame_with(at, "单位", "指标", "数值")["单位"].nunique() >= 2  # and the sections read the same rows

    at = run_with("overview.py", year="2023", grain="quarter", period="2")
    shown = metrics(at)
    assert shown["抽查比例"] == "—" and "抽查比例（年度）" not in shown  # measured per quarter (2023 Q1 has a row)
    assert shown["按时公示率（全部类型）"] == "—" and shown["联合抽查占比（按任务）"] == "—"
    assert shown["制度机制全覆盖（年度）"] == "100.0%"  # measured per year only: the year, and said so
    assert not [d for d in at.dataframe if {"单位", "指标", "分子"} <= set(d.value.columns)
                and "按时公示率（全部类型）" in set(d.value["指标"])]  # nor in the heatmap
    with snapshot.pinned(serving):
        rows = values.unit_values(PER_QUARTER + ["item_coverage"], "city", "210400", "quarter", date(2023, 4, 1))
        assert rows[["metric_code", "grain"]].values.tolist() == [["item_coverage", "year"]]
        cells = values.unit_cells("city", "210400", "quarter", 2023, date(2023, 4, 1))
        assert "on_time_publication" not in set(cells["metric_code"]) and "item_coverage" in set(cells["metric_code"])


def test_pages_say_so_when_nothing_is_published(tmp_path, monkeypatch):
    monkeypatch.setenv("SSSG_SERVING_PATH", str(tmp_path / "none" / "warehouse.duckdb"))
    for page in ("overview.py", "ranking.py", "county_progress.py", "joint_temporary.py", "sampling_credit.py"):
        at = run(page)
        assert at.info[0].value.startswith("数据尚未发布")
        assert not at.metric


def test_english_labels(serving):
    at = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert metrics(at)[label("milestone", "mechanism_2020", "en")] == "25.0%"
    circular = frame_with(at, "Weakest parts").set_index("Unit")
    assert list(circular.index) == [label("unit_name", "city_level", "en"), "抚顺市市场监督管理局"]
    assert circular["Kind"].tolist() == [label("scope", "region", "en"), label("scope", "department", "en")]
    rows = read(serving, assessment.shortfalls, 2023, ["210400"], main_only=True, lang="en")
    assert circular.iloc[0]["Weakest parts"] == assessment.shortfalls_text(rows, "en")
    assert "-30.0 pts" in circular.iloc[0]["Weakest parts"]
    ranking = frame_with(at, "Rank", "Score", "Ranking")
    assert ranking["County / district"].tolist() == ["Xinfu District", "Dongzhou District",
                                                     label("unit_name", "city_level", "en")]
    sampling = AppTest.from_file(str(PAGES / "sampling_credit.py"), default_timeout=30)
    sampling.query_params["lang"] = "en"
    sampling.run()
    assert not sampling.exception
    classes = frame_with(sampling, "Credit class", "Value")
    assert classes["Credit class"].tolist() == [label("credit_class", c, "en") for c in ("A类", "B类", "C类", "D类")]


HOSTILE_LINK = '<a href="https://example.com/x">点我</a>'


def _chart_specs(at: AppTest) -> list[str]:
    """Each chart's figure as text, with JSON's own escapes (\\u003c for <) undone."""
    import json
    return [json.dumps(json.loads(el.proto.spec), ensure_ascii=False) for el in at.get("plotly_chart")]


@pytest.mark.parametrize("page", ["overview.py", "county_progress.py", "joint_temporary.py", "sampling_credit.py"])
def test_a_name_with_markup_is_plain_text_in_every_chart(serving, page):
    """Issue 17: an HTML <a> short name became a clickable link in a chart on 总览. Every unit name,
    short name included, carries a link; no chart may hold it as markup, and some chart shows it escaped."""
    import duckdb
    with duckdb.connect(str(serving)) as con:
        con.execute("UPDATE marts.dim_unit SET unit_name_zh = unit_name_zh || ?, unit_short_name_zh = "
                    "unit_short_name_zh || ?", [HOSTILE_LINK, HOSTILE_LINK])
    specs = _chart_specs(run(page))
    assert specs, f"{page} draws charts"
    assert not [s for s in specs if "<a href" in s or "<a " in s], "a name from the export became markup"
    assert any("&lt;a href=" in s for s in specs), "the names are in the charts, escaped"


# --- 排名 --------------------------------------------------------------------------------------------

def shown(element) -> pd.DataFrame:
    """A table as the grid writes it: the Styler's display text where the page keeps numbers as numbers
    (so they sort by value), else the values."""
    import pyarrow as pa
    styler = element.proto.arrow_data.styler
    if not styler.display_values:
        return element.value
    return pa.ipc.open_stream(styler.display_values).read_all().to_pandas()


def ranking_tables(at: AppTest) -> dict:
    """The ranking page's two tables by scope: (values, text on screen)."""
    out = {}
    for element in at.dataframe:
        columns = set(element.value.columns)
        if {"部门", "考核得分"} <= columns or {"Department", "Score"} <= columns:
            out["department"] = (element.value, shown(element))
        elif {"县（市、区）", "考核得分"} <= columns or {"County / district", "Score"} <= columns:
            out["region"] = (element.value, shown(element))
    return out


def test_ranking_lists_every_unit_with_rank_and_score_of_the_mart(serving):
    from serving import formatters as fmt

    at = run("ranking.py")
    assert at.title[0].value == "排名"
    assert [tab.label for tab in at.tabs] == ["部门（3）", "县（市、区）（3）"]
    tables = ranking_tables(at)
    for scope in ("department", "region"):
        values, text = tables[scope]
        mart = read(serving, assessment.scores, 2023, scope)
        name = "部门" if scope == "department" else "县（市、区）"
        # every unit of the scope and year, in the mart's order: ranked by rank, then the units not ranked
        assert values[name].tolist() == mart["unit_name"].tolist()
        assert [None if pd.isna(r) else int(r) for r in values["排名"]] == \
            [None if pd.isna(r) else int(r) for r in mart["score_rank"]]
        assert values["考核得分"].tolist() == [fmt.rounded(v) for v in mart["score"]]
        assert text["考核得分"].tolist() == [fmt.score(v) for v in mart["score"]]
        assert text["排名"].tolist() == [fmt.rank(r, n) for r, n in zip(mart["score_rank"], mart["units_ranked"])]
        assert values["排名情况"].tolist() == mart["ranking_status_label"].tolist()
        assert values["通报情况"].tolist() == mart["circular_status_label"].tolist()
        for column in text.columns:  # never a raw None / nan / code on screen
            assert not {"None", "nan", "<NA>", "NaN", ""} & {str(v) for v in text[column]}, column
    values, text = tables["department"]
    assert text[["排名", "部门", "考核得分", "得分较2022年", "名次较2022年（+为上升）", "排名情况"]].values.tolist() == [
        ["1 / 2", "抚顺市东洲区住房和城乡建设局", "95.0", "+57.5", "+2", label("ranking_status", "ranked")],
        ["2 / 2", "抚顺市市场监督管理局", "47.5", "-40.0", "0", label("ranking_status", "ranked")],
        # not ranked: listed last, with the reason; a score change but no rank change
        ["—", "抚顺市新抚区教育局", "100.0", "+5.0", "—", label("ranking_status", "too_few_parts")]]
    assert values["所属县（市、区）"].tolist() == ["东洲区", "市本级", "新抚区"]
    values, text = tables["region"]
    assert text[["排名", "县（市、区）", "考核得分", "得分较2022年", "名次较2022年（+为上升）"]].values.tolist() == [
        ["1 / 3", "新抚区", "98.0", "+3.0", "0"], ["2 / 3", "东洲区", "95.0", "+37.5", "+1"],
        ["3 / 3", "市本级", "67.5", "-20.0", "-1"]]
    assert values["得分较2022年"].tolist() == [3.0, 37.5, -20.0]  # numbers, so the column sorts by value
    assert values["名次较2022年（+为上升）"].tolist() == [0, 1, -1]


def test_ranking_weakest_parts_are_the_circulars_main_shortfalls(serving):
    at = run("ranking.py")
    departments = ranking_tables(at)["department"][0].set_index("部门")
    counties = ranking_tables(at)["region"][0].set_index("县（市、区）")
    # a unit named in the circular: character for character the circular's (and the PDF's) 主要失分项
    for table, unit, name in ((departments, "210400-SCJG", "抚顺市市场监督管理局"), (counties, "210400", "市本级")):
        named = read(serving, assessment.shortfalls, 2023, [unit], main_only=True)
        assert table.loc[name, "失分最多的指标"] == assessment.shortfalls_text(named, "zh")
    # every other unit: its own main shortfalls from the same mart, by the same text function
    mine = read(serving, assessment.shortfalls, 2023, ["210403-ZJJ"], main_only=True, named_only=False)
    table_text = departments.loc["抚顺市东洲区住房和城乡建设局", "失分最多的指标"]
    assert table_text == assessment.shortfalls_text(mine, "zh") == "按时公示率（全部类型） 90.0%（目标≥100.0%，失5.0分）"
    assert departments.loc["抚顺市新抚区教育局", "失分最多的指标"] == "无失分"  # full marks on its applicable part
    assert counties.loc["新抚区", "失分最多的指标"] == "按时公示率（全部类型） 96.0%（目标≥100.0%，失2.0分）"


def test_ranking_first_year_and_a_county_selection(serving):
    at = run("ranking.py")
    at.selectbox(key="filter_year").select(2022)
    rerun(at)
    tables = ranking_tables(at)
    text = tables["region"][1]
    assert text["县（市、区）"].tolist() == ["新抚区", "市本级", "东洲区"]
    # 2022 is the first assessed year: no change, shown —
    assert set(text["得分较2021年"]) == {"—"} and set(text["名次较2021年（+为上升）"]) == {"—"}
    at.selectbox(key="filter_year").select(2023)
    at.selectbox(key="filter_region").select("210402")
    rerun(at)
    tables = ranking_tables(at)
    assert tables["department"][0]["部门"].tolist() == ["抚顺市新抚区教育局"]  # that county's departments only
    assert len(tables["region"][0]) == 3  # every county stays listed
    assert any("只列出新抚区的部门" in c.value and "2 个参与排名部门" in c.value for c in at.caption)
    assert [tab.label for tab in at.tabs] == ["部门（1）", "县（市、区）（3）"]


def test_ranking_change_is_only_against_last_year(serving):
    """A unit whose previous assessed year is not last year shows no change (— rather than a change
    against an older year)."""
    import duckdb
    with duckdb.connect(str(serving)) as con:
        con.execute("UPDATE marts.mart_assessment__scores SET previous_year = 2021 "
                    "WHERE scope = 'region' AND unit_code = '210403' AND year = 2023")
    text = ranking_tables(run("ranking.py"))["region"][1].set_index("县（市、区）")
    assert text.loc["东洲区", "得分较2022年"] == "—" and text.loc["东洲区", "名次较2022年（+为上升）"] == "—"
    assert text.loc["新抚区", "得分较2022年"] == "+3.0"


def test_ranking_in_english(serving):
    at = AppTest.from_file(str(PAGES / "ranking.py"), default_timeout=30)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Ranking"
    assert [tab.label for tab in at.tabs] == ["Departments (3)", "Counties / districts (3)"]
    values, text = ranking_tables(at)["region"]
    assert list(values.columns) == ["Rank", "County / district", "Score", "Score vs 2022", "Rank vs 2022 (+ = up)",
                                    "Ranking", "Circular", "Weakest parts"]
    assert values["County / district"].tolist() == ["Xinfu District", "Dongzhou District",
                                                    label("unit_name", "city_level", "en")]
    assert values["Ranking"].tolist() == [label("ranking_status", "ranked", "en")] * 3
    assert values["Circular"].tolist()[-1] == label("circular_status", "named", "en")
    named = read(serving, assessment.shortfalls, 2023, ["210400"], main_only=True, lang="en")
    assert values["Weakest parts"].tolist()[-1] == assessment.shortfalls_text(named, "en")
    assert text["Rank"].tolist() == ["1 / 3", "2 / 3", "3 / 3"]
    departments = ranking_tables(at)["department"][0]
    assert list(departments.columns)[:6] == ["Rank", "Department", "Score", "Score vs 2022", "Rank vs 2022 (+ = up)",
                                             "County / district"]
    assert departments["Weakest parts"].tolist()[-1] == "No points lost"
    assert any("2023, departments: 2 ranked, 1 not ranked, 1 headed for the circular." in c.value for c in at.caption)


def test_ranking_downloads_hold_the_rows_shown(serving, monkeypatch):
    import io

    import dashboard.components as components
    from serving import formatters as fmt

    tables = []
    real_csv, real_xlsx = components.csv_bytes, components.xlsx_bytes
    xlsx_kwargs = []

    def csv_bytes(table):
        tables.append(table.copy())
        return real_csv(table)

    def xlsx_bytes(table, **kw):
        xlsx_kwargs.append(kw)
        return real_xlsx(table, **kw)

    monkeypatch.setattr(components, "csv_bytes", csv_bytes)
    monkeypatch.setattr(components, "xlsx_bytes", xlsx_bytes)
    from streamlit.delta_generator import DeltaGenerator

    real_button = DeltaGenerator.download_button

    def click(self, label, data=None, *args, **kwargs):  # the files are written on a click: click each
        return real_button(self, label, data() if callable(data) else data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", click)
    at = run("ranking.py")
    shown_tables = ranking_tables(at)
    assert len(tables) == 2
    by_scope = {"department" if "部门" in t.columns else "region": t for t in tables}
    for scope, (values, _text) in shown_tables.items():
        downloaded = by_scope[scope]
        assert list(downloaded.columns) == list(values.columns)
        assert downloaded.astype(object).where(downloaded.notna(), None).values.tolist() == \
            values.astype(object).where(values.notna(), None).values.tolist()
    # the CSV holds numbers as the screen rounds them; Excel gets each column's number format
    csv = pd.read_csv(io.BytesIO(real_csv(by_scope["region"])), encoding="utf-8-sig")
    assert csv["考核得分"].tolist() == [98.0, 95.0, 67.5] and csv["得分较2022年"].tolist() == [3.0, 37.5, -20.0]
    assert csv["排名"].tolist() == [1, 2, 3]
    assert xlsx_kwargs[0]["number_formats"]["考核得分"] == fmt.XLSX_FORMATS["score"]
    assert xlsx_kwargs[0]["number_formats"]["得分较2022年"] == fmt.XLSX_FORMATS["score_change"]
