"""部门详情 and the drill-down on a small hand-made serving artefact with known numbers (the fixture is shared
with test_dashboard_publication.py)."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard_fixture import REGIONS, add_reference, label  # noqa: E402

D1, D2 = "210402-SCJG", "210403-WJW"
DEPTS = [
    (D1, "抚顺市新抚区市场监督管理局", "新抚区市场监管局", "县区级", "210402", True),
    (D2, "东洲区卫健局", "东洲区卫健局", "县区级", "210403", True),
]
AS_OF = date(2024, 1, 5)

SQL = """
CREATE TABLE meta.publish_log (published_at TIMESTAMP, run_id VARCHAR, warehouse_batches BIGINT, latest_batch_date DATE);
CREATE TABLE marts.dim_metric AS SELECT * FROM (VALUES
  ('item_coverage', 7, '抽查事项覆盖率', 'Item coverage', 'percent', TRUE, '使用的事项数', '在册事项数', 'items used', 'items listed', 'annual_register', TRUE, TRUE),
  ('visits_saved', 22, '进一次门查多项事（每户次检查事项数）', 'Item checks per object visit', 'ratio', FALSE, '检查事项次数', '检查户次', 'item checks', 'visits', 'period', FALSE, FALSE),
  ('sampling_ratio', 40, '抽查比例', 'Object sampling ratio', 'percent', TRUE, '抽取的不同对象数', '年初名录库对象数', 'objects drawn', 'register', 'annual_register', TRUE, FALSE),
  ('task_completion_rate', 50, '任务完成率', 'Task completion rate', 'percent', TRUE, '形成结果的抽取对象数', '抽取对象数', 'completed', 'drawn', 'period', TRUE, TRUE),
  ('on_time_publication', 90, '按时公示率', 'On-time publication rate', 'percent', TRUE, '按期公示数', '应公示数', 'on time', 'due', 'period', TRUE, TRUE),
  ('on_time_publication_result', 94, '按时公示率（检查结果）', 'On-time publication rate (results)', 'percent', TRUE, '按期公示的结果数', '应公示的结果数', 'on time', 'due', 'period', TRUE, TRUE)
) t(metric_code, sort_order, name_zh, name_en, unit, is_scored, numerator_zh, denominator_zh, numerator_en, denominator_en, denominator_basis,
    records_listed, denominator_listed);
CREATE TABLE marts.fct_metric_values AS SELECT metric_code, scope, dept_code, region_code, grain, year,
  CAST(period_start AS DATE) AS period_start, CAST(numerator AS BIGINT) AS numerator, CAST(denominator AS BIGINT) AS denominator,
  CAST(rate AS DOUBLE) AS rate, CAST(target AS DECIMAL(9,4)) AS target, target_direction, target_met,
  CASE WHEN rate IS NULL OR target IS NULL THEN NULL ELSE least(rate / target, 1.0) END AS attainment FROM (VALUES
  ('task_completion_rate', 'department', '210402-SCJG', '210402', 'year', 2023, '2023-01-01', 2, 3, 2/3, 1.0, 'at_least', FALSE),
  ('task_completion_rate', 'department', '210402-SCJG', '210402', 'quarter', 2023, '2023-04-01', 1, 2, 0.5, 1.0, 'at_least', FALSE),
  ('task_completion_rate', 'department', '210402-SCJG', '210402', 'quarter', 2023, '2023-07-01', 1, 1, 1.0, 1.0, 'at_least', TRUE),
  ('item_coverage', 'department', '210402-SCJG', '210402', 'year', 2023, '2023-01-01', 0, 0, NULL, 1.0, 'at_least', NULL),
  ('on_time_publication_result', 'department', '210402-SCJG', '210402', 'year', 2023, '2023-01-01', 1, 3, 1/3, 1.0, 'at_least', FALSE),
  ('task_completion_rate', 'department', '210403-WJW', '210403', 'year', 2023, '2023-01-01', 5, 5, 1.0, 1.0, 'at_least', TRUE),
  ('on_time_publication_result', 'department', '210403-WJW', '210403', 'year', 2023, '2023-01-01', 7, 8, 0.875, 1.0, 'at_least', FALSE),
  ('on_time_publication_result', 'department', '210403-WJW', '210403', 'year', 2022, '2022-01-01', 4, 5, 0.8, 1.0, 'at_least', FALSE),
  ('visits_saved', 'department', '210402-SCJG', '210402', 'year', 2023, '2023-01-01', 30, 12, 2.5, NULL, NULL, NULL),
  ('sampling_ratio', 'department', '210402-SCJG', '210402', 'year', 2023, '2023-01-01', 2, 50, 0.04, 0.03, 'at_least', TRUE),
  ('on_time_publication_result', 'city', NULL, '210400', 'year', 2022, '2022-01-01', 9, 10, 0.9, 1.0, 'at_least', FALSE),
  ('on_time_publication_result', 'city', NULL, '210400', 'year', 2023, '2023-01-01', 1, 4, 0.25, 1.0, 'at_least', FALSE),
  ('on_time_publication', 'city', NULL, '210400', 'year', 2023, '2023-01-01', 1, 4, 0.25, 1.0, 'at_least', FALSE),
  ('on_time_publication_result', 'city', NULL, '210400', 'month', 2023, '2023-05-01', 1, 2, 0.5, 1.0, 'at_least', FALSE),
  ('task_completion_rate', 'city', NULL, '210400', 'month', 2023, '2023-05-01', 1, 2, 0.5, 1.0, 'at_least', FALSE)
) t(metric_code, scope, dept_code, region_code, grain, year, period_start, numerator, denominator, rate, target, target_direction, target_met);
CREATE TABLE marts.fct_metric_records AS SELECT metric_code, dept_code, region_code, year, CAST(period_date AS DATE) AS period_date,
  record_kind, record_key, task_id, uscc, CAST(record_date AS DATE) AS record_date, detail, in_numerator, in_denominator FROM (VALUES
  ('task_completion_rate', '210402-SCJG', '210402', 2023, '2023-05-10', 'draw', 'T1|A', 'T1', 'A', '2023-05-01', '随机抽取', TRUE, TRUE),
  ('task_completion_rate', '210402-SCJG', '210402', 2023, '2023-05-10', 'draw', 'T1|A', 'T1', 'A', '2023-05-01', '随机抽取', TRUE, TRUE),
  ('task_completion_rate', '210402-SCJG', '210402', 2023, '2023-05-10', 'draw', 'T1|B', 'T1', 'B', '2023-05-01', '随机抽取', FALSE, TRUE),
  ('task_completion_rate', '210402-SCJG', '210402', 2023, '2023-08-01', 'draw', 'T2|C', 'T2', 'C', '2023-07-20', '随机抽取', TRUE, TRUE),
  ('task_completion_rate', '210403-WJW', '210403', 2023, '2023-03-01', 'draw', 'T9|Z', 'T9', 'Z', '2023-03-01', '随机抽取', TRUE, TRUE),
  ('sampling_ratio', '210402-SCJG', '210402', 2023, '2023-05-10', 'draw', 'T1|A', 'T1', 'A', '2023-05-01', '随机抽取', TRUE, FALSE),
  ('sampling_ratio', '210402-SCJG', '210402', 2023, '2023-08-01', 'draw', 'T2|C', 'T2', 'C', '2023-07-20', '随机抽取', TRUE, FALSE),
  ('on_time_publication_result', '210402-SCJG', '210402', 2023, '2023-05-05', 'obligation', 'result|R1', 'T1', 'A', '2023-05-05', 'on_time', TRUE, TRUE),
  ('on_time_publication_result', '210402-SCJG', '210402', 2023, '2023-06-01', 'obligation', 'result|R2', 'T1', 'B', '2023-06-01', 'late', FALSE, TRUE)
) t(metric_code, dept_code, region_code, year, period_date, record_kind, record_key, task_id, uscc, record_date, detail, in_numerator, in_denominator);
CREATE TABLE marts.mart_publication__obligations AS SELECT obligation_key, event_type, record_id, task_id, task_name, dept_code,
  region_code, dept_name, is_temporary_task, event_basis, CAST(event_date AS DATE) AS event_date, year, working_days,
  CAST(deadline_date AS DATE) AS deadline_date, deadline_working_day_seq, CAST(published_date AS DATE) AS published_date, status,
  working_days_late, is_due, status IN ('late', 'overdue_unpublished') AS is_late, is_exempt, list_draws,
  list_draws_published, long_holiday, CAST(NULL AS INTEGER) AS calendar_year_needed, DATE '2024-01-05' AS as_of_date FROM (VALUES
  ('result|R1', 'result', 'R1', 'T1', '2023年新抚区食品抽查', '210402-SCJG', '210402', '抚顺市新抚区市场监督管理局', FALSE, 'result_date', '2023-05-05', 2023, 20, '2023-06-02', 1, '2023-05-20', 'on_time', NULL, TRUE, FALSE, NULL, NULL, 'none'),
  ('result|R2', 'result', 'R2', 'T1', '2023年新抚区食品抽查', '210402-SCJG', '210402', '抚顺市新抚区市场监督管理局', FALSE, 'result_date', '2023-06-01', 2023, 20, '2023-06-29', 2, '2023-07-04', 'late', 3, TRUE, FALSE, NULL, NULL, 'none'),
  ('result|R3', 'result', 'R3', 'T2', '2023年新抚区特种设备抽查', '210402-SCJG', '210402', '抚顺市新抚区市场监督管理局', FALSE, 'result_date', '2023-09-25', 2023, 20, '2023-10-30', 3, NULL, 'overdue_unpublished', NULL, TRUE, FALSE, NULL, NULL, 'national_day'),
  ('task|T1', 'task', 'T1', 'T1', '2023年新抚区食品抽查', '210402-SCJG', '210402', '抚顺市新抚区市场监督管理局', FALSE, 'start_date', '2023-04-20', 2023, 0, '2023-04-20', 4, '2023-04-18', 'on_time', NULL, TRUE, FALSE, NULL, NULL, 'none'),
  ('result|R9', 'result', 'R9', 'T9', '2023年东洲区医疗机构抽查', '210403-WJW', '210403', '东洲区卫健局', FALSE, 'result_date', '2023-03-01', 2023, 20, '2023-03-29', 5, '2023-04-20', 'late', 15, TRUE, FALSE, NULL, NULL, 'none'),
  ('result|R8', 'result', 'R8', 'T8', '2022年东洲区医疗机构抽查', '210403-WJW', '210403', '东洲区卫健局', FALSE, 'result_date', '2022-03-01', 2022, 20, '2022-03-29', 6, '2022-03-20', 'on_time', NULL, TRUE, FALSE, NULL, NULL, 'none')
) t(obligation_key, event_type, record_id, task_id, task_name, dept_code, region_code, dept_name, is_temporary_task, event_basis,
    event_date, year, working_days, deadline_date, deadline_working_day_seq, published_date, status, working_days_late, is_due,
    is_exempt, list_draws, list_draws_published, long_holiday);
CREATE TABLE marts.mart_early_warning__obligations AS SELECT *, as_of_date AS warning_date, -45 AS working_days_left,
  'overdue' AS warning
  FROM marts.mart_publication__obligations WHERE obligation_key = 'result|R3';
INSERT INTO marts.mart_early_warning__obligations
  SELECT * REPLACE ('result|R10' AS obligation_key, 'R10' AS record_id, 'not_yet_due' AS status, DATE '2024-01-10' AS deadline_date),
         as_of_date, 3, 'due_soon'
  FROM marts.mart_publication__obligations WHERE obligation_key = 'result|R9';
-- the warning as dbt judged it at the last month ends: two overdue on 2023-12-31, one due soon on 2023-11-30
CREATE TABLE marts.mart_early_warning__month_ends AS
  SELECT * REPLACE (DATE '2023-12-31' AS warning_date) FROM marts.mart_early_warning__obligations WHERE warning = 'overdue';
INSERT INTO marts.mart_early_warning__month_ends
  SELECT * REPLACE ('result|R11' AS obligation_key, 'R11' AS record_id, DATE '2023-12-31' AS warning_date)
  FROM marts.mart_early_warning__obligations WHERE warning = 'overdue';
INSERT INTO marts.mart_early_warning__month_ends
  SELECT * REPLACE (DATE '2023-11-30' AS warning_date, 2 AS working_days_left)
  FROM marts.mart_early_warning__obligations WHERE warning = 'due_soon';
CREATE TABLE marts.mart_early_warning__tasks AS SELECT task_id, task_name, dept_code, dept_name, region_code,
  CAST(start_date AS DATE) AS start_date, CAST(end_date AS DATE) AS end_date, DATE '2024-01-05' AS as_of_date,
  working_days_left, objects_drawn, objects_inspected, objects_uninspected FROM (VALUES
  ('T3', '2023年新抚区电梯抽查', '210402-SCJG', '抚顺市新抚区市场监督管理局', '210402', '2023-11-01', '2024-01-10', 3, 10, 6, 4)
) t(task_id, task_name, dept_code, dept_name, region_code, start_date, end_date, working_days_left, objects_drawn, objects_inspected, objects_uninspected);
CREATE TABLE marts.mart_assessment__scores AS SELECT * FROM (VALUES
  ('department', '210402-SCJG', '210402-SCJG', '210402', 2023, 72.5, 72.5, 100.0, 100.0, 1.0, 2, 0, 'ranked', 2, 2, 'bottom_n', 1.0, 0.6, 2, 'named', TRUE),
  ('department', '210403-WJW', '210403-WJW', '210403', 2023, 95.0, 95.0, 100.0, 100.0, 1.0, 2, 0, 'ranked', 1, 2, 'bottom_n', 1.0, 0.6, 2, 'not_named', FALSE),
  ('department', '210403-WJW', '210403-WJW', '210403', 2022, 80.0, 32.0, 40.0, 100.0, 0.4, 2, 1, 'too_few_parts', NULL, 0, 'bottom_n', 1.0, 0.6, 2, 'not_ranked', FALSE)
) t(scope, unit_code, dept_code, region_code, year, score, score_raw, applicable_weight, total_weight, applicable_share, parts,
    parts_not_applicable, ranking_status, score_rank, units_ranked, circular_rule, circular_parameter, min_applicable_share,
    min_ranked_units, circular_status, named_in_circular);
-- points, points_max and points_lost on the rescaled basis: each unit's points lost add up to 100 - score
CREATE TABLE marts.mart_assessment__score_parts AS SELECT * FROM (VALUES
  ('department', '210402-SCJG', '210402-SCJG', '210402', 2023, 'task_completion_rate', 2/3, 1.0, 'at_least', 60.0, FALSE, 2/3, 40.0, 100.0, 40.0, 60.0, 20.0),
  ('department', '210402-SCJG', '210402-SCJG', '210402', 2023, 'on_time_publication_result', 1/3, 1.0, 'at_least', 40.0, FALSE, 0.8125, 32.5, 100.0, 32.5, 40.0, 7.5),
  ('department', '210403-WJW', '210403-WJW', '210403', 2023, 'task_completion_rate', 1.0, 1.0, 'at_least', 60.0, FALSE, 1.0, 60.0, 100.0, 60.0, 60.0, 0.0),
  ('department', '210403-WJW', '210403-WJW', '210403', 2023, 'on_time_publication_result', 0.875, 1.0, 'at_least', 40.0, FALSE, 0.875, 35.0, 100.0, 35.0, 40.0, 5.0),
  ('department', '210403-WJW', '210403-WJW', '210403', 2022, 'task_completion_rate', NULL, 1.0, 'at_least', 60.0, TRUE, NULL, NULL, 40.0, NULL, NULL, NULL),
  ('department', '210403-WJW', '210403-WJW', '210403', 2022, 'on_time_publication_result', 0.8, 1.0, 'at_least', 40.0, FALSE, 0.8, 32.0, 40.0, 80.0, 100.0, 20.0)
) t(scope, unit_code, dept_code, region_code, year, metric_code, rate, target, target_direction, weight, not_applicable,
    attainment, points_raw, applicable_weight, points, points_max, points_lost);
"""


def make_serving(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts; CREATE SCHEMA meta;")
        add_reference(con, REGIONS, DEPTS, as_of=AS_OF)
        con.execute(SQL)
        for unit, score in con.execute("SELECT unit_code || '/' || year, score FROM marts.mart_assessment__scores").fetchall():
            lost = con.execute("SELECT sum(points_lost) FROM marts.mart_assessment__score_parts "
                               "WHERE unit_code || '/' || year = ?", [unit]).fetchone()[0]
            assert abs(lost - (100 - score)) < 1e-9, (unit, lost, score)  # the fixture's own consistency
    return path


# --- tests -----------------------------------------------------------------------------------------
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
PAGE = str(REPO_ROOT / "dashboard" / "views" / "department_detail.py")


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def serving(tmp_path, monkeypatch) -> Path:
    path = make_serving(tmp_path / "serving" / "warehouse.duckdb")
    monkeypatch.setenv("SSSG_SERVING_PATH", str(path))
    return path


def run_page(path: str = PAGE, **params) -> AppTest:
    at = AppTest.from_file(path, default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    (frame,) = [d.value for d in at.dataframe if column in d.value.columns]
    return frame


def test_without_a_department_the_page_asks_for_one(serving):
    at = run_page(year="2023")
    assert any("选择一个部门" in i.value for i in at.info)


def test_department_metrics_score_obligations_and_tasks(serving):
    at = run_page(year="2023", dept=D1)
    shown = metrics(at)
    assert shown["2023年考核得分"] == "72.5"
    assert shown["排名"] == "2 / 2"
    assert shown["拟通报"] == "是"
    assert [m.proto.help for m in at.metric if m.label == "拟通报"] == [label("circular_status", "named")]
    assert shown["所属县（市、区）"] == "新抚区"

    cells = frame_with(at, "达标").set_index("指标")
    assert cells.loc["任务完成率", ["分子", "分母", "数值", "目标", "达标"]].tolist() == [2, 3, "66.7%", "≥100.0%", "否"]
    assert cells.loc["抽查事项覆盖率", "数值"] == "不适用"  # NULL rate: never 0%
    assert cells.loc["进一次门查多项事（每户次检查事项数）", ["数值", "目标"]].tolist() == ["2.50", "—"]

    parts = frame_with(at, "失分").set_index("指标")
    assert parts.columns.tolist() == ["权重", "数值", "目标", "达成度", "可得分", "得分", "失分"]
    assert parts.loc["任务完成率"].tolist() == ["60.0", "66.7%", "≥100.0%", "66.7%", "60.0", "40.0", "20.0"]
    assert parts.loc["按时公示率（检查结果）", ["达成度", "得分", "失分"]].tolist() == ["81.3%", "32.5", "7.5"]  # 0.8125: half up
    # the score is the sum of its parts, and the points lost (read from the mart) the rest to 100
    assert sum(map(float, parts["得分"])) == pytest.approx(72.5)
    assert sum(map(float, parts["失分"])) == pytest.approx(100 - 72.5)

    late = frame_with(at, "逾期工作日").set_index("事项记录")
    assert set(late.index) == {"R2", "R3"}  # on-time R1 and the other department's R9 are not listed
    assert late.loc["R2", ["状态", "逾期工作日"]].tolist() == [label("publication_status", "late"), "3"]
    assert late.loc["R3", "状态"] == label("publication_status", "overdue_unpublished")
    # not published: no publication date and no days late, shown as — (never None)
    assert late.loc["R3", ["公示日期", "逾期工作日"]].tolist() == ["—", "—"]
    assert late.loc["R2", "公示日期"] == "2023-07-04"
    assert late.loc["R3", "事项类型"] == label("event_type", "result")
    assert late.loc["R3", "任务名称"] == "2023年新抚区特种设备抽查"
    assert any("数据截至 2024-01-05" in c.value for c in at.caption)

    unfinished = frame_with(at, "未完成对象数").set_index("任务编号")
    assert unfinished.loc["T1", ["任务名称", "抽取对象数", "未完成对象数"]].tolist() == ["2023年新抚区食品抽查", 2, 1]
    assert "T2" not in unfinished.index
    ending = frame_with(at, "未检查").set_index("任务编号")
    assert ending.loc["T3", "未检查"] == 4
    assert any("5 个工作日内结束" in m.value for m in at.markdown)  # the horizon of dim_settings


def test_an_unranked_department_shows_why_and_its_not_applicable_part(serving):
    at = run_page(year="2022", dept=D2)
    rank = [m for m in at.metric if m.label == "排名"][0]
    assert rank.value == "—"
    assert rank.proto.delta == label("ranking_status", "too_few_parts")
    assert metrics(at)["2022年考核得分"] == "80.0"
    assert metrics(at)["拟通报"] == "否"
    parts = frame_with(at, "失分").set_index("指标")
    assert parts.loc["任务完成率", ["数值", "达成度", "可得分", "得分", "失分"]].tolist() == ["不适用"] * 2 + ["—"] * 3
    assert parts.loc["按时公示率（检查结果）", ["可得分", "得分", "失分"]].tolist() == ["100.0", "80.0", "20.0"]
    assert any(label("ranking_status", "too_few_parts") in c.value for c in at.caption)


def test_quarter_and_department_changes_change_the_figures(serving):
    at = run_page(year="2023", dept=D1)
    at.segmented_control(key="filter_grain").set_value("quarter").run()
    at.selectbox(key="filter_quarter").set_value(2).run()
    assert not at.exception
    cells = frame_with(at, "达标").set_index("指标")
    assert cells.loc["任务完成率", ["分子", "分母", "数值"]].tolist() == [1, 2, "50.0%"]
    assert cells.loc["抽查事项覆盖率（年度）", "数值"] == "不适用"
    assert set(frame_with(at, "逾期工作日")["事项记录"]) == {"R2"}  # R3's event is in Q3

    at.selectbox(key="filter_dept").set_value(D2).run()
    assert metrics(at)["2023年考核得分"] == "95.0"


def test_drilldown_lists_the_cell_records_with_matching_counts(serving):
    at = run_page(year="2023", dept=D1, grain="quarter", period="2")
    picker = at.selectbox(key="dept_drill_metric")
    assert picker.value == "task_completion_rate"  # the first metric whose records are listed
    records = frame_with(at, "计入分子")
    assert records["记录标识"].tolist() == ["T1|A", "T1|B"]  # numerator first; T2|C is in Q3; duplicates once
    assert records["计入分子"].tolist() == ["是", "否"]
    assert records["计入分母"].tolist() == ["是", "是"]
    assert set(records["记录类型"]) == {label("record_kind", "draw")}  # labelled, not `draw`
    assert set(records["部门"]) == {"抚顺市新抚区市场监督管理局"}  # the name, not the code
    assert any("分子 1 条、分母 2 条" in s.value for s in at.success)
    assert not at.warning

    at.segmented_control(key="filter_grain").set_value("year").run()
    assert len(frame_with(at, "计入分子")) == 3
    assert any("分子 2 条、分母 3 条" in s.value for s in at.success)

    at.selectbox(key="dept_drill_metric").set_value("item_coverage").run()  # annual, listed: 0 of 0 items
    assert any("分子 0 条、分母 0 条" in x.value for x in at.success)

    at.selectbox(key="dept_drill_metric").set_value("on_time_publication_result").run()
    records = frame_with(at, "计入分子")
    assert set(records["记录类型"]) == {label("record_kind", "obligation")}
    # an obligation's detail is its status: labelled, never `on_time`
    assert records["说明"].tolist() == [label("publication_status", "on_time"), label("publication_status", "late")]


def test_drilldown_follows_dim_metric_on_what_is_listed(serving):
    at = run_page(year="2023", dept=D1)
    at.selectbox(key="dept_drill_metric").set_value("visits_saved").run()  # records_listed false
    assert any("不逐条列出" in i.value for i in at.info)
    assert not [d for d in at.dataframe if "计入分子" in d.value.columns]
    at.selectbox(key="dept_drill_metric").set_value("sampling_ratio").run()  # denominator_listed false
    assert any("分母为年初名录库对象数（50）" in c.value for c in at.caption)
    assert any("分子 2 条、分母 — 条" in s.value for s in at.success)  # the numerator checked, the register not
    assert frame_with(at, "计入分子")["计入分母"].tolist() == ["否", "否"]


def test_counts_match_and_register_denominators():
    from serving.records import counts_match

    listed = {"denominator_listed": True}
    assert counts_match({"numerator": 2, "denominator": 3, **listed}, {"numerator": 2, "denominator": 3})
    assert not counts_match({"numerator": 2, "denominator": 4, **listed}, {"numerator": 2, "denominator": 3})
    assert not counts_match({"numerator": 1, "denominator": 3, **listed}, {"numerator": 2, "denominator": 3})
    register = {"denominator_listed": False}
    assert counts_match({"numerator": 5, "denominator": 900, **register}, {"numerator": 5, "denominator": 0})
    assert not counts_match({"numerator": 4, "denominator": 900, **register}, {"numerator": 5, "denominator": 0})


def test_drilldown_warns_when_records_differ_from_the_cell(serving):
    with duckdb.connect(str(serving)) as con:
        con.execute("DELETE FROM marts.fct_metric_records WHERE record_key = 'T1|B'")
    at = run_page(year="2023", dept=D1, grain="quarter", period="2")
    assert any("不一致" in w.value for w in at.warning)


def test_english(serving):
    at = run_page(year="2023", dept=D1, lang="en")
    assert "Score 2023" in metrics(at)
    assert "Met" in frame_with(at, "Met").columns
    assert metrics(at)["County / district"] == "Xinfu District"
    late = frame_with(at, "Working days late").set_index("Record")
    assert late.loc["R2", "Status"] == label("publication_status", "late", "en")
    assert late.loc["R2", "Event type"] == label("event_type", "result", "en")
