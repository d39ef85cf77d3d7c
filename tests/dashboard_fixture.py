"""A tiny hand-made serving artefact for the assessment pages: two years (2022, 2023), the city, two
county-level divisions (新抚区 210402, 东洲区 210403) plus 市本级 (210400), three departments.
Numbers are chosen so every shown figure is known: see the expectations in test_dashboard_pages.py."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

METRICS = [
    # code, sort, name_zh, unit, scored, target, direction, basis
    ("mechanism_coverage", 5, "制度机制全覆盖", "percent", True, 1.0, "at_least", "annual_register"),
    ("mechanism_coverage_milestone", 6, "制度机制全覆盖（2020年9月30日节点）", "percent", True, 1.0, "at_least",
     "annual_register"),
    ("item_coverage", 7, "抽查事项覆盖率", "percent", True, 1.0, "at_least", "annual_register"),
    ("temporary_task_share_tasks", 10, "临时任务占比（按数量）", "percent", True, 0.2, "at_most", "period"),
    ("temporary_task_share_objects", 11, "临时任务占比（按规模）", "percent", True, 0.2, "at_most", "period"),
    ("joint_task_share_tasks", 20, "联合抽查占比（按任务）", "percent", True, 0.2, "at_least", "period"),
    ("joint_visit_share", 21, "联合抽查占比（按检查户次）", "percent", True, 0.2, "at_least", "period"),
    ("visits_saved", 22, "进一次门查多项事（每户次检查事项数）", "ratio", False, None, None, "period"),
    ("random_draw_share", 30, "随机抽取占比", "percent", False, None, None, "period"),
    ("random_match_share", 31, "随机匹配占比", "percent", True, 1.0, "at_least", "period"),
    ("sampling_ratio", 40, "抽查比例", "percent", True, 0.03, "at_least", "annual_register"),
    ("sampling_ratio_a", 41, "抽查比例（A类）", "percent", False, None, None, "annual_register"),
    ("sampling_ratio_b", 42, "抽查比例（B类）", "percent", False, None, None, "annual_register"),
    ("sampling_ratio_c", 43, "抽查比例（C类）", "percent", False, None, None, "annual_register"),
    ("sampling_ratio_d", 44, "抽查比例（D类）", "percent", False, None, None, "annual_register"),
    ("inspector_participation", 45, "检查人员参与率", "percent", False, None, None, "annual_register"),
    ("credit_linked_task_share", 60, "信用风险分类结果运用占比", "percent", True, 0.7, "at_least", "period"),
    ("on_time_publication", 90, "按时公示率（全部类型）", "percent", True, 1.0, "at_least", "period"),
]
TARGETS = {m[0]: (m[5], m[6]) for m in METRICS}

# (numerator, denominator) per metric for each unit and year; a unit missing a metric has no row
CITY = {
    2022: {"sampling_ratio": (40, 1000), "mechanism_coverage": (3, 4), "item_coverage": (8, 10),
           "temporary_task_share_tasks": (3, 10), "on_time_publication": (90, 100),
           "joint_task_share_tasks": (2, 10), "temporary_task_share_objects": (30, 200),
           "joint_visit_share": (10, 100), "visits_saved": (250, 100), "random_draw_share": (9, 10),
           "random_match_share": (18, 20), "credit_linked_task_share": (6, 10),
           "inspector_participation": (30, 40), "sampling_ratio_a": (1, 100), "sampling_ratio_b": (4, 100),
           "sampling_ratio_c": (3, 100), "sampling_ratio_d": (50, 100)},
    2023: {"sampling_ratio": (50, 1000), "mechanism_coverage": (4, 4), "item_coverage": (9, 10),
           "temporary_task_share_tasks": (1, 10), "on_time_publication": (0, 0),
           "joint_task_share_tasks": (3, 10), "temporary_task_share_objects": (20, 200),
           "joint_visit_share": (25, 100), "visits_saved": (300, 100), "random_draw_share": (10, 10),
           "random_match_share": (19, 20), "credit_linked_task_share": (8, 10),
           "inspector_participation": (36, 40), "sampling_ratio_a": (1, 100), "sampling_ratio_b": (2, 100),
           "sampling_ratio_c": (5, 100), "sampling_ratio_d": (60, 100)},
}
REGIONS = {  # region_code -> year -> metric -> (num, den)
    "210402": {2022: {"on_time_publication": (45, 50), "joint_task_share_tasks": (1, 5), "sampling_ratio": (20, 400),
                      "temporary_task_share_tasks": (1, 5)},
               2023: {"on_time_publication": (48, 50), "joint_task_share_tasks": (2, 5), "sampling_ratio": (30, 400),
                      "temporary_task_share_tasks": (0, 5)}},
    "210403": {2022: {"on_time_publication": (30, 40), "joint_task_share_tasks": (0, 3), "sampling_ratio": (10, 400),
                      "temporary_task_share_tasks": (2, 3)},
               2023: {"on_time_publication": (36, 40), "joint_task_share_tasks": (1, 3), "sampling_ratio": (12, 400),
                      "temporary_task_share_tasks": (1, 3)}},
    "210400": {2022: {"on_time_publication": (15, 10 + 10), "joint_task_share_tasks": (1, 2),
                      "sampling_ratio": (10, 200), "temporary_task_share_tasks": (0, 2)},
               2023: {"on_time_publication": (19, 20), "joint_task_share_tasks": (0, 2),
                      "sampling_ratio": (8, 200), "temporary_task_share_tasks": (0, 2)}},
}
DEPTS = [  # dept_code, dept_name, short name, level, region_code, is_member
    ("210400-SCJG", "抚顺市市场监督管理局", "市市场监管局", "市级", "210400", True),
    ("210402-JYJ", "抚顺市新抚区教育局", "新抚区教育局", "县区级", "210402", True),
    ("210403-ZJJ", "抚顺市东洲区住房和城乡建设局", "东洲区住建局", "县区级", "210403", True),
]
DEPT_VALUES = {
    "210400-SCJG": {2022: {"on_time_publication": (15, 20), "joint_task_share_tasks": (1, 2)},
                    2023: {"on_time_publication": (19, 20), "joint_task_share_tasks": (0, 2)}},
    "210402-JYJ": {2022: {"on_time_publication": (45, 50), "joint_task_share_tasks": (1, 5)},
                   2023: {"on_time_publication": (0, 0), "joint_task_share_tasks": (2, 5)}},
    "210403-ZJJ": {2022: {"on_time_publication": (30, 40), "joint_task_share_tasks": (0, 3)},
                   2023: {"on_time_publication": (36, 40), "joint_task_share_tasks": (1, 3)}},
}


def _row(metric, scope, dept, region, year, num, den):
    target, direction = TARGETS[metric]
    rate = None if den == 0 else num / den
    met = None if rate is None or target is None else (rate >= target if direction == "at_least" else rate <= target)
    return (metric, scope, dept, region, "year", year, pd.Timestamp(year, 1, 1).date(), num, den, rate, target,
            direction, met)


def fct_rows() -> list[tuple]:
    rows = []
    for year, values in CITY.items():
        rows += [_row(m, "city", None, "210400", year, n, d) for m, (n, d) in values.items()]
    for region, years in REGIONS.items():
        for year, values in years.items():
            rows += [_row(m, "region", None, region, year, n, d) for m, (n, d) in values.items()]
    region_of = {d[0]: d[4] for d in DEPTS}
    for dept, years in DEPT_VALUES.items():
        for year, values in years.items():
            rows += [_row(m, "department", dept, region_of[dept], year, n, d) for m, (n, d) in values.items()]
    rows.append(_row("mechanism_coverage_milestone", "city", None, "210400", 2020, 1, 4))
    return rows


def make_assessment_serving(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fct = pd.DataFrame(fct_rows(), columns=[
        "metric_code", "scope", "dept_code", "region_code", "grain", "year", "period_start", "numerator",
        "denominator", "rate", "target", "target_direction", "target_met"])
    fct["period_start"] = pd.to_datetime(fct["period_start"])
    dim_metric = pd.DataFrame([(c, s, n, c, u, sc, "分子", "分母", "num", "den", b)
                               for c, s, n, u, sc, _, _, b in METRICS],
                              columns=["metric_code", "sort_order", "name_zh", "name_en", "unit", "is_scored",
                                       "numerator_zh", "denominator_zh", "numerator_en", "denominator_en",
                                       "denominator_basis"])
    dim_department = pd.DataFrame(DEPTS, columns=["dept_code", "dept_name", "dept_short_name", "dept_level",
                                                  "region_code", "is_member"])
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts; CREATE SCHEMA meta;")
        con.register("fct_df", fct)
        con.execute("""CREATE TABLE marts.fct_metric_values AS
            SELECT metric_code, scope, dept_code, region_code, grain, CAST(year AS INTEGER) AS year,
                   CAST(period_start AS DATE) AS period_start, CAST(numerator AS BIGINT) AS numerator,
                   CAST(denominator AS BIGINT) AS denominator, CAST(rate AS DOUBLE) AS rate,
                   CAST(target AS DECIMAL(9,4)) AS target, target_direction, CAST(target_met AS BOOLEAN) AS target_met
            FROM fct_df""")
        con.register("metric_df", dim_metric)
        con.execute("CREATE TABLE marts.dim_metric AS SELECT * REPLACE (CAST(sort_order AS INTEGER) AS sort_order) "
                    "FROM metric_df")
        con.register("dept_df", dim_department)
        con.execute("CREATE TABLE marts.dim_department AS SELECT * FROM dept_df")
        con.execute("""
        CREATE TABLE marts.dim_region AS SELECT * FROM (VALUES
            ('210400', '抚顺市', '地级市', NULL, TRUE),
            ('210402', '新抚区', '市辖区', '210400', FALSE),
            ('210403', '东洲区', '市辖区', '210400', FALSE)
        ) AS t(region_code, region_name, region_kind, parent_code, is_city);
        CREATE TABLE marts.mart_assessment__scores AS SELECT * FROM (VALUES
            ('region', '210402', NULL, '210402', 2022, 90.0, 1, 3, FALSE),
            ('region', '210400', NULL, '210400', 2022, 85.0, 2, 3, FALSE),
            ('region', '210403', NULL, '210403', 2022, 70.5, 3, 3, TRUE),
            ('region', '210403', NULL, '210403', 2023, 93.0, 1, 3, FALSE),
            ('region', '210402', NULL, '210402', 2023, 88.0, 2, 3, FALSE),
            ('region', '210400', NULL, '210400', 2023, 60.25, 3, 3, TRUE),
            ('department', '210400-SCJG', '210400-SCJG', '210400', 2022, 95.0, 1, 3, FALSE),
            ('department', '210402-JYJ', '210402-JYJ', '210402', 2022, 80.0, 2, 3, FALSE),
            ('department', '210403-ZJJ', '210403-ZJJ', '210403', 2022, 50.0, 3, 3, TRUE),
            ('department', '210400-SCJG', '210400-SCJG', '210400', 2023, 55.5, 3, 3, TRUE),
            ('department', '210402-JYJ', '210402-JYJ', '210402', 2023, 90.0, 1, 3, FALSE),
            ('department', '210403-ZJJ', '210403-ZJJ', '210403', 2023, 85.0, 2, 3, FALSE)
        ) AS t(scope, unit_code, dept_code, region_code, year, score, score_rank, units_ranked, named_in_circular);
        ALTER TABLE marts.mart_assessment__scores ADD COLUMN score_raw DOUBLE;
        ALTER TABLE marts.mart_assessment__scores ADD COLUMN applicable_weight DOUBLE DEFAULT 100;
        ALTER TABLE marts.mart_assessment__scores ADD COLUMN total_weight DOUBLE DEFAULT 100;
        ALTER TABLE marts.mart_assessment__scores ADD COLUMN parts BIGINT DEFAULT 2;
        ALTER TABLE marts.mart_assessment__scores ADD COLUMN parts_not_applicable HUGEINT DEFAULT 0;
        ALTER TABLE marts.mart_assessment__scores ADD COLUMN circular_rule VARCHAR DEFAULT 'bottom_n';
        ALTER TABLE marts.mart_assessment__scores ADD COLUMN circular_parameter DECIMAL(9,4) DEFAULT 1;
        CREATE TABLE marts.mart_assessment__score_parts AS SELECT * FROM (VALUES
            ('region', '210400', NULL, '210400', 2023, 'on_time_publication', 0.95, 1.0, 'at_least', 50.0, FALSE,
             0.95, 47.5, 100.0, 47.5),
            ('region', '210400', NULL, '210400', 2023, 'joint_task_share_tasks', 0.0, 0.2, 'at_least', 30.0, FALSE,
             0.0, 0.0, 100.0, 0.0),
            ('region', '210400', NULL, '210400', 2023, 'sampling_ratio', 0.04, 0.03, 'at_least', 20.0, FALSE,
             1.0, 20.0, 100.0, 20.0),
            ('department', '210400-SCJG', '210400-SCJG', '210400', 2023, 'joint_task_share_tasks', 0.0, 0.2,
             'at_least', 50.0, FALSE, 0.0, 0.0, 100.0, 0.0),
            ('department', '210400-SCJG', '210400-SCJG', '210400', 2023, 'on_time_publication', NULL, 1.0,
             'at_least', 50.0, TRUE, NULL, NULL, 50.0, 55.5)
        ) AS t(scope, unit_code, dept_code, region_code, year, metric_code, rate, target, target_direction, weight,
               not_applicable, attainment, points_raw, applicable_weight, points);
        CREATE TABLE marts.mart_metric__sampling_credit_trend AS SELECT * FROM (VALUES
            ('city', NULL, '210400', 'year', 2022, DATE '2022-01-01', 0.01, 0.04, 0.03, 0.5, FALSE),
            ('city', NULL, '210400', 'year', 2023, DATE '2023-01-01', 0.01, 0.02, 0.05, 0.6, TRUE)
        ) AS t(scope, dept_code, region_code, grain, year, period_start, sampling_ratio_a, sampling_ratio_b,
               sampling_ratio_c, sampling_ratio_d, rises_with_risk);
        CREATE TABLE marts.mart_metric__mechanism_coverage_detail AS SELECT * FROM (VALUES
            ('210403-ZJJ', '抚顺市东洲区住房和城乡建设局', '210403', 2020, 'milestone', DATE '2020-09-30',
             TRUE, TRUE, FALSE, TRUE, TRUE, FALSE, 'inspector_register'),
            ('210402-JYJ', '抚顺市新抚区教育局', '210402', 2020, 'milestone', DATE '2020-09-30',
             TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, NULL)
        ) AS t(dept_code, dept_name, region_code, year, basis, as_of_date, has_item_list, has_object_register,
               has_inspector_register, has_plan_filed_in_time, has_plan_approval, is_complete, missing_components);
        CREATE TABLE marts.mart_joint__partners AS SELECT * FROM (VALUES
            (2023, '210400-SCJG', '210400', '210402-JYJ', '新抚区教育局', 3),
            (2023, '210403-ZJJ', '210403', NULL, '某未识别部门', 1),
            (2022, '210400-SCJG', '210400', '210403-ZJJ', '东洲区住建局', 2)
        ) AS t(year, lead_dept_code, lead_region_code, partner_dept_code, partner_dept_name, joint_tasks);
        CREATE TABLE marts.fct_metric_records (metric_code VARCHAR, dept_code VARCHAR, region_code VARCHAR,
            year INTEGER, period_date DATE, record_kind VARCHAR, record_key VARCHAR, task_id VARCHAR,
            uscc VARCHAR, record_date DATE, detail VARCHAR, in_numerator BOOLEAN, in_denominator BOOLEAN);
        """)
    return path
