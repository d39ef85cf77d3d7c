"""Reports (issue 5): content from a hand-written serving artefact, the three formats, storage, schedules."""
from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipelines.reports import ISSUING_UNIT, store
from pipelines.reports.generate import generate
from pipelines.reports.periods import first_working_day, is_first_working_day_of_month
from serving_seeds import create_label_dims

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
NOW = dt.datetime(2026, 1, 5, 8, 0, 0)

FIXTURE_SQL = """
CREATE SCHEMA marts; CREATE SCHEMA meta;
CREATE TABLE meta.publish_log (published_at TIMESTAMP, run_id VARCHAR, warehouse_batches BIGINT,
  latest_batch_date DATE, tables BIGINT, as_of_date DATE);
INSERT INTO meta.publish_log VALUES ('2026-01-04 20:00:00', 'run-fixture-0001', 3, '2026-01-04', 12, '2026-01-04');
CREATE TABLE marts.dim_metric (metric_code VARCHAR, sort_order INT, name_zh VARCHAR, name_en VARCHAR, unit VARCHAR,
  is_scored BOOLEAN, numerator_zh VARCHAR, denominator_zh VARCHAR);
INSERT INTO marts.dim_metric VALUES
 ('on_time_publication', 90, '按时公示率（全部类型）', 'On-time', 'percent', true, '按时', '应公示'),
 ('task_completion_rate', 50, '任务完成率', 'Completion', 'percent', true, '完成', '抽取'),
 ('sampling_ratio', 40, '抽查比例', 'Sampling', 'percent', true, '抽取', '名录'),
 ('visits_saved', 22, '进一次门查多项事', 'Visits', 'ratio', false, '事项', '户次');
CREATE TABLE marts.dim_region (region_code VARCHAR, region_name VARCHAR, region_kind VARCHAR, parent_code VARCHAR,
  is_city BOOLEAN);
INSERT INTO marts.dim_region VALUES ('210400', '抚顺市', '地级市', NULL, true), ('210421', '抚顺县', '县', '210400', false),
 ('210402', '新抚区', '市辖区', '210400', false);
CREATE TABLE marts.dim_department (dept_code VARCHAR, dept_name VARCHAR, dept_short_name VARCHAR, dept_level VARCHAR,
  region_code VARCHAR, is_member BOOLEAN);
INSERT INTO marts.dim_department VALUES ('210400-SCJG', '抚顺市市场监督管理局', '市市场监管局', '市级', '210400', true),
 ('210421-WJW', '=抚顺县卫生健康局', '县卫健局', '县区级', '210421', true),
 ('210421-JYJ', '抚顺县教育局', '县教育局', '县区级', '210421', true);
CREATE TABLE marts.fct_metric_values (metric_code VARCHAR, scope VARCHAR, dept_code VARCHAR, region_code VARCHAR,
  grain VARCHAR, year INT, period_start DATE, numerator BIGINT, denominator BIGINT, rate DOUBLE, target DECIMAL(9,4),
  target_direction VARCHAR, target_met BOOLEAN);
INSERT INTO marts.fct_metric_values VALUES
 ('on_time_publication', 'city', NULL, '210400', 'month', 2025, '2025-11-01', 4321, 4567, 4321/4567, 1, 'at_least', false),
 ('task_completion_rate', 'city', NULL, '210400', 'month', 2025, '2025-11-01', 0, 0, NULL, 1, 'at_least', NULL),
 ('visits_saved', 'city', NULL, '210400', 'month', 2025, '2025-11-01', 30, 12, 2.5, NULL, NULL, NULL),
 ('on_time_publication', 'city', NULL, '210400', 'year', 2025, '2025-01-01', 50001, 52000, 50001/52000, 1, 'at_least', false),
 ('sampling_ratio', 'city', NULL, '210400', 'year', 2025, '2025-01-01', 6168, 165156, 6168/165156, 0.03, 'at_least', true),
 ('on_time_publication', 'region', NULL, '210421', 'month', 2025, '2025-11-01', 77, 80, 77/80, 1, 'at_least', false),
 ('on_time_publication', 'region', NULL, '210402', 'month', 2025, '2025-11-01', 0, 0, NULL, 1, 'at_least', NULL),
 ('on_time_publication', 'region', NULL, '210421', 'year', 2025, '2025-01-01', 900, 1000, 0.9, 1, 'at_least', false),
 ('on_time_publication', 'region', NULL, '210402', 'year', 2025, '2025-01-01', 990, 1000, 0.99, 1, 'at_least', false);
ALTER TABLE marts.fct_metric_values ADD COLUMN attainment DOUBLE;
CREATE TABLE marts.mart_assessment__scores (scope VARCHAR, unit_code VARCHAR, dept_code VARCHAR, region_code VARCHAR,
  year INT, score DOUBLE, score_raw DOUBLE, applicable_weight DOUBLE, total_weight DOUBLE, applicable_share DOUBLE,
  parts BIGINT, parts_not_applicable HUGEINT, ranking_status VARCHAR, score_rank BIGINT, units_ranked BIGINT,
  circular_rule VARCHAR, circular_parameter DECIMAL(9,4), min_applicable_share DECIMAL(9,4), min_ranked_units INT,
  circular_status VARCHAR, named_in_circular BOOLEAN);
INSERT INTO marts.mart_assessment__scores VALUES
 ('region', '210402', NULL, '210402', 2025, 93.25, 93.25, 100, 100, 1, 2, 0, 'ranked', 1, 2, 'bottom_n', 1, 0.5, 2, 'not_named', false),
 ('region', '210421', NULL, '210421', 2025, 71.5, 71.5, 100, 100, 1, 2, 0, 'ranked', 2, 2, 'bottom_n', 1, 0.5, 2, 'named', true),
 ('region', '210421', NULL, '210421', 2024, 65.0, 65.0, 100, 100, 1, 2, 0, 'ranked', 2, 2, 'bottom_n', 1, 0.5, 2, 'named', true),
 ('department', '210400-SCJG', '210400-SCJG', '210400', 2025, 88.0, 88.0, 100, 100, 1, 2, 0, 'ranked', 1, 2, 'bottom_n', 1, 0.5, 2, 'not_named', false),
 ('department', '210421-WJW', '210421-WJW', '210421', 2025, 42.42, 21.21, 50, 100, 0.5, 2, 1, 'ranked', 2, 2, 'bottom_n', 1, 0.5, 2, 'named', true),
 ('department', '210421-JYJ', '210421-JYJ', '210421', 2025, 20.0, 4.0, 20, 100, 0.2, 2, 1, 'too_few_parts', NULL, 2, 'bottom_n', 1, 0.5, 2, 'not_ranked', false);
CREATE TABLE marts.mart_assessment__score_parts (scope VARCHAR, unit_code VARCHAR, dept_code VARCHAR,
  region_code VARCHAR, year INT, metric_code VARCHAR, rate DOUBLE, target DOUBLE, target_direction VARCHAR,
  weight DOUBLE, not_applicable BOOLEAN, attainment DOUBLE, points_raw DOUBLE, applicable_weight DOUBLE, points DOUBLE,
  points_max DOUBLE, points_lost DOUBLE);
INSERT INTO marts.mart_assessment__score_parts VALUES
 ('region', '210421', NULL, '210421', 2025, 'on_time_publication', 0.43, 1, 'at_least', 50, false, 0.43, 21.5, 100, 21.5, 50, 28.5),
 ('region', '210421', NULL, '210421', 2025, 'task_completion_rate', 1, 1, 'at_least', 50, false, 1, 50, 100, 50, 50, 0),
 ('region', '210402', NULL, '210402', 2025, 'on_time_publication', 0.865, 1, 'at_least', 50, false, 0.865, 43.25, 100, 43.25, 50, 6.75),
 ('region', '210402', NULL, '210402', 2025, 'task_completion_rate', 1, 1, 'at_least', 50, false, 1, 50, 100, 50, 50, 0),
 ('department', '210421-WJW', '210421-WJW', '210421', 2025, 'on_time_publication', 0.4242, 1, 'at_least', 50, false,
  0.4242, 21.21, 50, 42.42, 100, 57.58),
 ('department', '210421-WJW', '210421-WJW', '210421', 2025, 'task_completion_rate', NULL, 1, 'at_least', 50, true,
  NULL, NULL, 50, NULL, NULL, NULL),
 ('department', '210400-SCJG', '210400-SCJG', '210400', 2025, 'on_time_publication', 0.76, 1, 'at_least', 50, false,
  0.76, 38, 100, 38, 50, 12),
 ('department', '210400-SCJG', '210400-SCJG', '210400', 2025, 'task_completion_rate', 1, 1, 'at_least', 50, false,
  1, 50, 100, 50, 50, 0),
 ('department', '210421-JYJ', '210421-JYJ', '210421', 2025, 'on_time_publication', 0.2, 1, 'at_least', 20, false,
  0.2, 4, 20, 20, 100, 80),
 ('department', '210421-JYJ', '210421-JYJ', '210421', 2025, 'task_completion_rate', NULL, 1, 'at_least', 80, true,
  NULL, NULL, 20, NULL, NULL, NULL);
CREATE TABLE marts.mart_assessment__circular_shortfalls AS
  SELECT p.scope, p.unit_code, p.dept_code, p.region_code, p.year, p.metric_code, p.rate, p.target, p.target_direction,
         p.weight, p.attainment, p.points_max, p.points, p.points_lost, 1 AS shortfall_rank, TRUE AS is_main_shortfall
  FROM marts.mart_assessment__score_parts AS p JOIN marts.mart_assessment__scores AS s USING (scope, unit_code, year)
  WHERE s.named_in_circular AND p.points_lost > 0;
CREATE TABLE marts.mart_assessment__year_summary AS SELECT * FROM (VALUES
 ('region', 2025, 2, 2, 0, 1, 82.375, '210402', 93.25),
 ('department', 2025, 3, 2, 1, 1, 50.14, '210400-SCJG', 88.0)
) AS t(scope, year, units_assessed, units_ranked, units_not_ranked, units_named, mean_score, best_unit_code, best_score);
CREATE TABLE marts.mart_assessment__milestones AS SELECT * FROM (VALUES
 ('mechanism_2020', DATE '2020-09-30', 'on_time_publication', 2020, 3, 4, 0.75, 1.0, 'at_least', FALSE, FALSE)
) AS t(milestone, due_date, metric_code, year, numerator, denominator, rate, target, target_direction, target_met,
       milestone_achieved);
CREATE TABLE marts.dim_unit AS SELECT * FROM (VALUES
 ('city', '210400', NULL, '210400', '全市', 'Whole city', '全市', 'Whole city', NULL, NULL, '城市', 'City', NULL, 1),
 ('region', '210400', NULL, '210400', '市本级', 'City-level departments', '市本级', 'City-level departments', '市本级', 'City-level departments', '县区', 'County / district', NULL, 2),
 ('region', '210402', NULL, '210402', '新抚区', 'Xinfu District', '新抚区', 'Xinfu District', '新抚区', 'Xinfu District', '县区', 'County / district', NULL, 3),
 ('region', '210421', NULL, '210421', '抚顺县', 'Fushun County', '抚顺县', 'Fushun County', '抚顺县', 'Fushun County', '县区', 'County / district', NULL, 4),
 ('department', '210400-SCJG', '210400-SCJG', '210400', '抚顺市市场监督管理局', '抚顺市市场监督管理局', '市市场监管局', '市市场监管局', '市本级', 'City-level departments', '部门', 'Department', TRUE, 5),
 ('department', '210421-WJW', '210421-WJW', '210421', '=抚顺县卫生健康局', '=抚顺县卫生健康局', '县卫健局', '县卫健局', '抚顺县', 'Fushun County', '部门', 'Department', TRUE, 6),
 ('department', '210421-JYJ', '210421-JYJ', '210421', '抚顺县教育局', '抚顺县教育局', '县教育局', '县教育局', '抚顺县', 'Fushun County', '部门', 'Department', TRUE, 7)
) AS t(scope, unit_code, dept_code, region_code, unit_name_zh, unit_name_en, unit_short_name_zh, unit_short_name_en,
       region_name_zh, region_name_en, unit_kind_zh, unit_kind_en, is_member, sort_order);
CREATE TABLE marts.dim_settings AS SELECT DATE '2026-01-04' AS as_of_date, 'latest_loaded_batch' AS as_of_basis,
  5 AS early_warning_working_days, 3 AS circular_main_shortfalls, '210400' AS city_region_code,
  DATE '2019-01-01' AS calendar_first_date, DATE '2026-12-31' AS calendar_last_date;
CREATE TABLE marts.mart_publication__obligations (obligation_key VARCHAR, event_type VARCHAR, record_id VARCHAR,
  task_id VARCHAR, task_name VARCHAR, dept_code VARCHAR, region_code VARCHAR, dept_name VARCHAR, event_date DATE,
  deadline_date DATE, published_date DATE, status VARCHAR, working_days_late INT, is_late BOOLEAN, as_of_date DATE);
INSERT INTO marts.mart_publication__obligations VALUES
 ('r|1', 'result', 'R1', 'T1', '任务一', '210421-WJW', '210421', '=抚顺县卫生健康局', '2025-10-27', '2025-11-10', NULL, 'overdue_unpublished', NULL, true, '2026-01-04'),
 ('r|2', 'result', 'R2', 'T1', '任务一', '210421-WJW', '210421', '=抚顺县卫生健康局', '2025-10-29', '2025-11-12', '2025-11-20', 'late', 6, true, '2026-01-04'),
 ('r|3', 'result', 'R3', 'T2', '任务二', '210400-SCJG', '210400', '抚顺市市场监督管理局', '2025-10-29', '2025-11-12', '2025-11-11', 'on_time', NULL, false, '2026-01-04');
CREATE TABLE marts.mart_early_warning__obligations AS
  SELECT *, as_of_date AS warning_date, -35 AS working_days_left, 'overdue' AS warning
  FROM marts.mart_publication__obligations WHERE record_id = 'R1';
INSERT INTO marts.mart_early_warning__obligations VALUES
 ('t|9', 'task', 'T9', 'T9', '+SUM(1,1)', '210400-SCJG', '210400', '抚顺市市场监督管理局', '2025-12-24', '2026-01-07', NULL,
  'not_yet_due', NULL, false, '2026-01-04', '2026-01-04', 2, 'due_soon');
CREATE TABLE marts.mart_early_warning__tasks (task_id VARCHAR, task_name VARCHAR, dept_code VARCHAR, dept_name VARCHAR,
  region_code VARCHAR, start_date DATE, end_date DATE, as_of_date DATE, working_days_left INT, objects_drawn BIGINT,
  objects_inspected BIGINT, objects_uninspected BIGINT);
CREATE TABLE marts.mart_metric__mechanism_coverage_detail (dept_code VARCHAR, dept_name VARCHAR, region_code VARCHAR,
  year INT, basis VARCHAR, is_complete BOOLEAN, missing_components VARCHAR);
INSERT INTO marts.mart_metric__mechanism_coverage_detail VALUES
 ('210421-WJW', '=抚顺县卫生健康局', '210421', 2025, 'annual', false, 'plan_filed;plan_approval'),
 ('210400-SCJG', '抚顺市市场监督管理局', '210400', 2025, 'annual', true, NULL);
"""


@pytest.fixture(scope="module")
def serving(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serving") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute(FIXTURE_SQL)
    create_label_dims(con)
    con.close()
    return path


@pytest.fixture(scope="module")
def reports(serving, tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    monthly = generate("monthly", "2025-11", serving=serving, root=root, now=NOW)
    annual = generate("annual", "2025", serving=serving, root=root, now=NOW)
    return root, monthly, annual


def _file(man: dict, suffix: str) -> Path:
    return Path(next(f["path"] for f in man["files"] if f["name"].endswith(suffix)))


def _pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _pdftext_raw(path: Path) -> str:
    """The text in drawing order (a table cell's wrapped lines stay together)."""
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _snapshot(pdf: Path, name: str, page: int) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    prefix = ARTIFACTS / name
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                    str(prefix)], check=True)
    return prefix.with_suffix(".png")


def test_monthly_pdf_title_figures_and_units(reports):
    _, monthly, _ = reports
    pdf = _file(monthly, ".pdf")
    text = _pdftext(pdf)
    assert "2025年11月" in text and "监管工作进展月报" in text
    assert ISSUING_UNIT.replace("“", "").replace("”", "")[:6] in text.replace("“", "").replace("”", "")
    assert "4,321" in text and "4,567" in text and "94.6%" in text  # 4321/4567 from the fixture
    assert "不适用" in text  # task completion with 0/0 is not applicable, never 0%
    assert "2.50" in text  # the ratio metric prints as a ratio
    assert "抚顺县" in text and "=抚顺县卫生健康局" in text
    assert "run-fixture-0001"[:8] in text and "2026-01-04" in text
    assert "第2页/共" in text.replace(" ", "")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts and " yes yes " in fonts  # embedded (subset)
    png = _snapshot(pdf, "report-monthly-cover", 1)
    assert png.stat().st_size > 5000
    _snapshot(pdf, "report-monthly-p2", 2)


def test_annual_pdf_scores_and_circular_list(reports):
    _, _, annual = reports
    pdf = _file(annual, ".pdf")
    text = _pdftext(pdf)
    assert "2025年度“双随机、一公开”监管工作考核报告" in text.replace("\n", "") or "考核报告" in text
    assert "93.3" in text and "71.5" in text and "42.4" in text  # scores: one decimal, half up (93.25)
    assert "93.25" not in text and "71.50" not in text
    assert "拟通报名单" in text and "得分排名后1" in text
    assert "年度计划按时制定、涉企计划经政府批准" in text  # mechanism components labelled from the seed
    assert "plan_filed" not in text
    # the shortfall on the score's own basis: 50 x 100 / 100 - 21.5 = 28.5 points lost, not 50 - 21.5
    flat = "".join(_pdftext_raw(pdf).split())
    assert "按时公示率（全部类型）43.0%（目标≥100.0%，失28.5分）" in flat
    assert "适用指标权重不足" in text  # the unranked department is shown with its reason
    _snapshot(pdf, "report-annual-p2", 2)


def test_xlsx_frozen_numbers_and_formula_injection(reports):
    openpyxl = pytest.importorskip("openpyxl")
    _, monthly, annual = reports
    wb = openpyxl.load_workbook(_file(monthly, ".xlsx"))
    assert wb.sheetnames[0] == "说明"
    ws = wb["全市本月指标"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[:4] == ["指标", "分子", "分母", "数值"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    row = rows["按时公示率（全部类型）"]
    assert row[1] == 4321 and row[2] == 4567 and row[3] == pytest.approx(4321 / 4567)
    assert rows["任务完成率"][3] == "不适用"
    on_time = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "按时公示率（全部类型）")
    assert "%" in on_time[3].number_format and on_time[1].number_format == "#,##0"
    ratio = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "进一次门查多项事")
    assert ratio[3].value == 2.5 and "%" not in ratio[3].number_format
    texts = [c.value for s in wb.worksheets for r in s.iter_rows() for c in r if isinstance(c.value, str)]
    assert "'=抚顺县卫生健康局" in texts and "'+SUM(1,1)" in texts
    assert not any(t.startswith(("=", "+", "@")) for t in texts)
    awb = openpyxl.load_workbook(_file(annual, ".xlsx"))
    ws = awb["县区得分排名"]
    assert ws.freeze_panes == "A2"
    vals = list(ws.iter_rows(min_row=2, values_only=True))
    assert vals[0][1] == "新抚区" and vals[0][2] == pytest.approx(93.25)
    header = [c.value for c in ws[1]]
    score = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "新抚区")[header.index("得分")]
    assert score.number_format == "0.0"  # shown as 93.3, like every other output
    named = awb["拟通报名单"]
    header = [c.value for c in named[1]]
    row = next(r for r in named.iter_rows(min_row=2, values_only=True) if r[1] == "抚顺县")
    assert row[header.index("主要失分项")] == "按时公示率（全部类型） 43.0%（目标≥100.0%，失28.5分）"


def test_docx_circular_names_units_and_shortfalls(reports):
    docx = pytest.importorskip("docx")
    _, _, annual = reports
    doc = docx.Document(io.BytesIO(_file(annual, ".docx").read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2025年度“双随机、一公开”监管工作考核情况的通报" in text
    assert "各县区人民政府、市直各有关部门：" in text
    assert "抚顺县：得分71.5分" in text and "=抚顺县卫生健康局" in text
    assert "按时公示率（全部类型） 43.0%（目标≥100.0%，失28.5分）" in text  # the mart's points lost
    assert "抚顺县教育局" not in text  # not ranked (too few applicable parts): never named
    assert "新抚区：" not in text  # not named
    assert ISSUING_UNIT in text and "2026年1月5日" in text


def test_missing_period_says_so(serving, tmp_path):
    man = generate("monthly", "2023-03", serving=serving, root=tmp_path, now=NOW, charts=False)
    assert man["missing"] and any("2023年3月没有月度指标数据" in m for m in man["missing"])
    text = _pdftext(_file(man, ".pdf"))
    assert "数据缺失" in text and "2023年3月没有月度指标数据" in text
    aman = generate("annual", "2021", serving=serving, root=tmp_path, now=NOW, charts=False)
    assert any("2021年度没有县区考核得分" in m for m in aman["missing"])


def test_store_manifest_atomic_replace_keeps_versions(serving, tmp_path):
    first = generate("annual", "2025", serving=serving, root=tmp_path, now=NOW, charts=False)
    second = generate("annual", "2025", serving=serving, root=tmp_path, now=NOW, charts=False)
    assert first["version"] != second["version"]
    man = json.loads((tmp_path / "annual" / "2025" / "manifest.json").read_text(encoding="utf-8"))
    assert man["version"] == second["version"] and man["batch"]["publish_run_id"] == "run-fixture-0001"
    assert man["period"] == "2025" and man["generated_at"] == "2026-01-05 08:00:00"
    import hashlib
    for f in man["files"]:
        data = (tmp_path / "annual" / "2025" / f["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"]
    listed = store.list_reports(root=tmp_path)
    assert [(r["kind"], r["period"]) for r in listed] == [("annual", "2025")]
    assert listed[0]["previous_versions"] == [first["version"]]
    assert len(store.versions("annual", "2025", tmp_path)) == 2


@pytest.mark.parametrize("year, month, expected", [
    (2025, 2, dt.date(2025, 2, 5)),    # 1-4 Feb 2025: Saturday, Sunday, then the Spring Festival holiday
    (2024, 10, dt.date(2024, 10, 8)),  # National Day holiday 1-7 October
    (2025, 12, dt.date(2025, 12, 1)),  # a Monday
    (2026, 1, dt.date(2026, 1, 4)),    # New Year 1-3 January 2026; Sunday 4 January is a make-up working day
    (2024, 6, dt.date(2024, 6, 3)),    # 1 June 2024 is a Saturday
])
def test_first_working_day(year, month, expected):
    assert first_working_day(year, month) == expected
    assert is_first_working_day_of_month(expected)


def test_schedules_and_partitions():
    from dagster import build_schedule_context
    from pipelines.reports import dagster_defs as d
    for sched in d.report_schedules:
        assert sched.cron_schedule == "0 8 * * *" and sched.execution_timezone == "Asia/Shanghai"
    assert d.monthly_partitions.timezone == "Asia/Shanghai" and d.annual_partitions.timezone == "Asia/Shanghai"
    assert d.monthly_partitions.get_first_partition_key() == "2020-01-01"
    assert d.annual_partitions.get_first_partition_key() == "2020"
    assert d.annual_partitions.cron_schedule == "0 0 1 1 *"
    from zoneinfo import ZoneInfo
    tz = ZoneInfo("Asia/Shanghai")

    from dagster import Definitions
    repo = Definitions(assets=d.report_assets, jobs=d.report_jobs, schedules=d.report_schedules).get_repository_def()

    def tick(schedule, day):
        ctx = build_schedule_context(scheduled_execution_time=dt.datetime.combine(day, dt.time(8), tz),
                                     repository_def=repo)
        return list(schedule.evaluate_tick(ctx).run_requests or [])

    runs = tick(d.monthly_report_schedule, dt.date(2024, 10, 8))
    assert [r.partition_key for r in runs] == ["2024-09-01"]
    assert tick(d.monthly_report_schedule, dt.date(2024, 10, 1)) == []
    assert tick(d.monthly_report_schedule, dt.date(2024, 10, 9)) == []
    assert [r.partition_key for r in tick(d.annual_report_schedule, dt.date(2026, 1, 4))] == ["2025"]
    assert tick(d.annual_report_schedule, dt.date(2025, 12, 1)) == []
    assert "2025-12-01" in d.monthly_partitions.get_partition_keys(dt.datetime(2026, 1, 5, tzinfo=tz))
    assert "2025" in d.annual_partitions.get_partition_keys(dt.datetime(2026, 1, 5, tzinfo=tz))


def test_cli_period_validation(serving, tmp_path):
    from pipelines.reports.__main__ import main
    with pytest.raises(ValueError):
        main(["--kind", "annual", "--period", "2025-12", "--serving", str(serving), "--out", str(tmp_path)])
    assert main(["--kind", "monthly", "--period", "2025-11", "--serving", str(serving), "--out", str(tmp_path),
                 "--no-charts"]) == 0
    assert (tmp_path / "monthly" / "2025-11" / "monthly-2025-11.pdf").exists()
    shutil.rmtree(tmp_path)
