"""Hand-made serving artefacts for the dashboard tests.

`add_reference` publishes the reference tables every page reads through `serving.labels`: dim_region,
dim_department, dim_unit (names as dim_unit.sql makes them), dim_code_label and dim_metric_group (READ
from the real seeds under dbt_project/seeds/labels/, so a label or group changed there changes here),
and dim_settings.

`make_assessment_serving` is the assessment pages' artefact: two years (2022, 2023), the city, two
county-level divisions (新抚区 210402, 东洲区 210403) plus 市本级 (210400), three departments. Numbers are
chosen so every shown figure is known: see the expectations in test_dashboard_pages.py. The score parts
are each unit's weighted metric values (WEIGHTS), rescaled to 100 over the applicable parts as the
assessment mart does; their points add up to the unit's SCORES entry and their points lost to
100 - score (checked when the artefact is built).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
LABEL_SEEDS = REPO_ROOT / "dbt_project" / "seeds" / "labels"
CITY_CODE = "210400"
AS_OF = date(2024, 1, 5)


# --- the seeds -------------------------------------------------------------------------------------

def code_labels() -> pd.DataFrame:
    """dbt_project/seeds/labels/code_labels.csv as dim_code_label publishes it."""
    df = pd.read_csv(LABEL_SEEDS / "code_labels.csv", dtype=str, keep_default_na=False)
    return df.astype({"sort_order": int})[["domain", "code", "sort_order", "label_zh", "label_en"]]


def label(domain: str, code: str, lang: str = "zh") -> str:
    """The seed's label of one code (what a page must show for it)."""
    df = code_labels()
    found = df[(df["domain"] == domain) & (df["code"] == code)]
    assert len(found) == 1, (domain, code)
    return str(found.iloc[0]["label_en" if lang == "en" else "label_zh"])


def metric_groups() -> pd.DataFrame:
    """dbt_project/seeds/labels/metric_groups.csv as dim_metric_group publishes it."""
    df = pd.read_csv(LABEL_SEEDS / "metric_groups.csv", dtype=str, keep_default_na=False)
    df = df.astype({"position": int})
    df["member_code"] = df["member_code"].replace("", None)
    return df[["group_code", "metric_code", "position", "member_code"]]


def group_codes(group: str) -> list[str]:
    df = metric_groups()
    return df[df["group_code"] == group].sort_values("position")["metric_code"].tolist()


def milestone_seed() -> pd.DataFrame:
    return pd.read_csv(LABEL_SEEDS / "milestones.csv", dtype=str, keep_default_na=False)


# --- reference tables ------------------------------------------------------------------------------

REGIONS = [  # region_code, name, kind, is_city
    (CITY_CODE, "抚顺市", "地级市", True),
    ("210402", "新抚区", "市辖区", False),
    ("210403", "东洲区", "市辖区", False),
]


def unit_frame(regions, depts, city_code: str = CITY_CODE) -> pd.DataFrame:
    """dim_unit as dim_unit.sql builds it from the regions, the departments and the seeds: the whole
    city, each division (the city itself as 市本级) and each department, with display names, short
    names, the region's name and the scope's label."""
    labels = code_labels()

    def seed(domain, code, lang):
        found = labels[(labels["domain"] == domain) & (labels["code"] == code)]
        return str(found.iloc[0][f"label_{lang}"])

    names_en = dict(pd.read_csv(LABEL_SEEDS / "region_names_en.csv", dtype=str).itertuples(index=False))
    region_rows = []
    for code, name, _kind, is_city in regions:
        zh = seed("unit_name", "city_level", "zh") if is_city else name
        en = seed("unit_name", "city_level", "en") if is_city else names_en.get(code, name)
        region_rows.append(("region", code, None, code, zh, en, zh, en, None, 0 if is_city else 1))
    rows = [("city", city_code, None, city_code, seed("unit_name", "whole_city", "zh"),
             seed("unit_name", "whole_city", "en"), seed("unit_name", "whole_city", "zh"),
             seed("unit_name", "whole_city", "en"), None, -1)]
    rows += region_rows
    rows += [("department", d[0], d[0], d[4], d[1], d[1], d[2], d[2], d[5], 2) for d in depts]
    df = pd.DataFrame(rows, columns=["scope", "unit_code", "dept_code", "region_code", "unit_name_zh", "unit_name_en",
                                     "unit_short_name_zh", "unit_short_name_en", "is_member", "sort_group"])
    region_names = {r[1]: (r[4], r[5]) for r in region_rows}
    df["region_name_zh"] = [None if s == "city" else region_names.get(r, (None, None))[0]
                            for s, r in zip(df["scope"], df["region_code"])]
    df["region_name_en"] = [None if s == "city" else region_names.get(r, (None, None))[1]
                            for s, r in zip(df["scope"], df["region_code"])]
    df["unit_kind_zh"] = [seed("scope", s, "zh") for s in df["scope"]]
    df["unit_kind_en"] = [seed("scope", s, "en") for s in df["scope"]]
    df = df.sort_values(["sort_group", "region_code", "unit_code"]).reset_index(drop=True)
    df["sort_order"] = range(1, len(df) + 1)
    return df.drop(columns="sort_group")


def add_reference(con, regions, depts, *, as_of: date = AS_OF, city_code: str = CITY_CODE) -> None:
    """dim_region, dim_department, dim_unit, dim_code_label, dim_metric_group and dim_settings."""
    con.register("region_df", pd.DataFrame([(c, n, k, None if city else city_code, city) for c, n, k, city in regions],
                                           columns=["region_code", "region_name", "region_kind", "parent_code",
                                                    "is_city"]))
    con.execute("CREATE TABLE marts.dim_region AS SELECT * FROM region_df")
    con.register("dept_df", pd.DataFrame(depts, columns=["dept_code", "dept_name", "dept_short_name", "dept_level",
                                                         "region_code", "is_member"]))
    con.execute("CREATE TABLE marts.dim_department AS SELECT * FROM dept_df")
    con.register("unit_df", unit_frame(regions, depts, city_code))
    con.execute("CREATE TABLE marts.dim_unit AS SELECT * REPLACE (CAST(is_member AS BOOLEAN) AS is_member, "
                "CAST(dept_code AS VARCHAR) AS dept_code) FROM unit_df")
    con.register("label_df", code_labels())
    con.execute("CREATE TABLE marts.dim_code_label AS SELECT * FROM label_df")
    con.register("group_df", metric_groups())
    con.execute("CREATE TABLE marts.dim_metric_group AS SELECT * FROM group_df")
    con.execute("""CREATE TABLE marts.dim_settings AS SELECT CAST(? AS DATE) AS as_of_date,
        'latest_loaded_batch' AS as_of_basis, 5 AS early_warning_working_days, 3 AS circular_main_shortfalls,
        CAST(? AS VARCHAR) AS city_region_code, DATE '2019-01-01' AS calendar_first_date,
        DATE '2026-12-31' AS calendar_last_date""", [as_of, city_code])


def attainment(rate, target, direction):
    """The assessment's ratio to target (dbt macro target_attainment), for the fixture's known answers."""
    if rate is None or target is None:
        return None
    if direction == "at_most":
        return 1.0 if rate == 0 else min(target / rate, 1.0)
    return 1.0 if target == 0 else min(rate / target, 1.0)


# --- the assessment pages' artefact ------------------------------------------------------------------

METRICS = [
    # code, sort, name_zh, unit, scored, target, direction, basis, records listed, denominator listed
    ("mechanism_coverage", 5, "制度机制全覆盖", "percent", True, 1.0, "at_least", "annual_register", False, False),
    ("mechanism_coverage_milestone", 6, "制度机制全覆盖（2020年9月30日节点）", "percent", True, 1.0, "at_least",
     "annual_register", False, False),
    ("item_coverage", 7, "抽查事项覆盖率", "percent", True, 1.0, "at_least", "annual_register", True, True),
    ("temporary_task_share_tasks", 10, "临时任务占比（按数量）", "percent", True, 0.2, "at_most", "period", True, True),
    ("temporary_task_share_objects", 11, "临时任务占比（按规模）", "percent", True, 0.2, "at_most", "period", True,
     True),
    ("joint_task_share_tasks", 20, "联合抽查占比（按任务）", "percent", True, 0.2, "at_least", "period", True, True),
    ("joint_visit_share", 21, "联合抽查占比（按检查户次）", "percent", True, 0.2, "at_least", "period", True, True),
    ("visits_saved", 22, "进一次门查多项事（每户次检查事项数）", "ratio", False, None, None, "period", False, False),
    ("random_draw_share", 30, "随机抽取占比", "percent", False, None, None, "period", True, True),
    ("random_match_share", 31, "随机匹配占比", "percent", True, 1.0, "at_least", "period", True, True),
    ("sampling_ratio", 40, "抽查比例", "percent", True, 0.03, "at_least", "annual_register", True, False),
    ("sampling_ratio_a", 41, "抽查比例（A类）", "percent", False, None, None, "annual_register", True, False),
    ("sampling_ratio_b", 42, "抽查比例（B类）", "percent", False, None, None, "annual_register", True, False),
    ("sampling_ratio_c", 43, "抽查比例（C类）", "percent", False, None, None, "annual_register", True, False),
    ("sampling_ratio_d", 44, "抽查比例（D类）", "percent", False, None, None, "annual_register", True, False),
    ("inspector_participation", 45, "检查人员参与率", "percent", False, None, None, "annual_register", True, True),
    ("credit_linked_task_share", 60, "信用风险分类结果运用占比", "percent", True, 0.7, "at_least", "period", True,
     True),
    ("on_time_publication", 90, "按时公示率（全部类型）", "percent", True, 1.0, "at_least", "period", True, True),
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
REGION_VALUES = {  # region_code -> year -> metric -> (num, den)
    "210402": {2022: {"on_time_publication": (45, 50), "joint_task_share_tasks": (1, 5), "sampling_ratio": (20, 400),
                      "temporary_task_share_tasks": (1, 5)},
               2023: {"on_time_publication": (48, 50), "joint_task_share_tasks": (2, 5), "sampling_ratio": (30, 400),
                      "temporary_task_share_tasks": (0, 5), "random_match_share": (9, 10), "item_coverage": (5, 10),
                      "inspector_participation": (8, 10)}},
    "210403": {2022: {"on_time_publication": (30, 40), "joint_task_share_tasks": (0, 3), "sampling_ratio": (12, 400),
                      "temporary_task_share_tasks": (2, 3)},
               2023: {"on_time_publication": (36, 40), "joint_task_share_tasks": (1, 3), "sampling_ratio": (12, 400),
                      "temporary_task_share_tasks": (1, 3)}},
    CITY_CODE: {2022: {"on_time_publication": (15, 20), "joint_task_share_tasks": (1, 2),
                       "sampling_ratio": (10, 200), "temporary_task_share_tasks": (0, 2)},
                2023: {"on_time_publication": (19, 20), "joint_task_share_tasks": (0, 2),
                       "sampling_ratio": (8, 200), "temporary_task_share_tasks": (0, 2)}},
}
DEPTS = [  # dept_code, dept_name, short name, level, region_code, is_member
    ("210400-SCJG", "抚顺市市场监督管理局", "市市场监管局", "市级", CITY_CODE, True),
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

# the assessment: the weight of each scored metric, the score each unit gets, and the circular rule
WEIGHTS = {"region": {"on_time_publication": 50.0, "joint_task_share_tasks": 30.0, "sampling_ratio": 20.0},
           "department": {"on_time_publication": 50.0, "joint_task_share_tasks": 50.0}}
MIN_APPLICABLE_SHARE, MIN_RANKED_UNITS, BOTTOM_N = 0.6, 2, 1
SCORES = [  # scope, unit, year, score, rank (None: not ranked), ranking status, circular status
    ("region", "210402", 2022, 95.0, 1, "ranked", "not_named"),
    ("region", CITY_CODE, 2022, 87.5, 2, "ranked", "not_named"),
    ("region", "210403", 2022, 57.5, 3, "ranked", "named"),
    ("region", "210402", 2023, 98.0, 1, "ranked", "not_named"),
    ("region", "210403", 2023, 95.0, 2, "ranked", "not_named"),
    ("region", CITY_CODE, 2023, 67.5, 3, "ranked", "named"),
    ("department", "210402-JYJ", 2022, 95.0, 1, "ranked", "not_named"),
    ("department", "210400-SCJG", 2022, 87.5, 2, "ranked", "not_named"),
    ("department", "210403-ZJJ", 2022, 37.5, 3, "ranked", "named"),
    ("department", "210403-ZJJ", 2023, 95.0, 1, "ranked", "not_named"),
    ("department", "210400-SCJG", 2023, 47.5, 2, "ranked", "named"),
    # on-time publication not applicable (nothing due): half the weight, under 60%, so not ranked
    ("department", "210402-JYJ", 2023, 100.0, None, "too_few_parts", "not_ranked"),
]


# the city's first quarter of 2023 for the metrics measured per period (the others are per year only)
CITY_QUARTER = {"sampling_ratio": (12, 1000), "random_draw_share": (2, 2), "random_match_share": (4, 5),
                "credit_linked_task_share": (1, 2)}


def _row(metric, scope, dept, region, year, num, den, grain="year", start=None):
    target, direction = TARGETS[metric]
    rate = None if den == 0 else num / den
    met = None if rate is None or target is None else (rate >= target if direction == "at_least" else rate <= target)
    return (metric, scope, dept, region, grain, year, start or date(year, 1, 1), num, den, rate, target,
            direction, met, attainment(rate, target, direction))


def fct_rows() -> list[tuple]:
    rows = []
    for year, values in CITY.items():
        rows += [_row(m, "city", None, CITY_CODE, year, n, d) for m, (n, d) in values.items()]
    for region, years in REGION_VALUES.items():
        for year, values in years.items():
            rows += [_row(m, "region", None, region, year, n, d) for m, (n, d) in values.items()]
    region_of = {d[0]: d[4] for d in DEPTS}
    for dept, years in DEPT_VALUES.items():
        for year, values in years.items():
            rows += [_row(m, "department", dept, region_of[dept], year, n, d) for m, (n, d) in values.items()]
    rows.append(_row("mechanism_coverage_milestone", "city", None, CITY_CODE, 2020, 1, 4))
    rows += [_row(m, "city", None, CITY_CODE, 2023, n, d, "quarter", date(2023, 1, 1))
             for m, (n, d) in CITY_QUARTER.items()]
    return rows


def score_parts() -> pd.DataFrame:
    """mart_assessment__score_parts of every scored unit: each weighted metric's rate and attainment,
    points rescaled to 100 over the applicable parts, points_max and points_lost on the same basis."""
    region_of = {d[0]: d[4] for d in DEPTS}
    rows = []
    for scope, unit, year, *_ in SCORES:
        values = (DEPT_VALUES if scope == "department" else REGION_VALUES)[unit][year]
        parts = []
        for metric, weight in WEIGHTS[scope].items():
            num, den = values.get(metric, (0, 0))
            rate = None if den == 0 else num / den
            target, direction = TARGETS[metric]
            att = attainment(rate, target, direction)
            parts.append((metric, rate, target, direction, weight, rate is None, att))
        applicable = sum(w for _, _, _, _, w, na, _ in parts if not na)
        for metric, rate, target, direction, weight, na, att in parts:
            raw = None if na else weight * att
            rows.append({
                "scope": scope, "unit_code": unit, "dept_code": unit if scope == "department" else None,
                "region_code": region_of[unit] if scope == "department" else unit, "year": year,
                "metric_code": metric, "rate": rate, "target": target, "target_direction": direction,
                "weight": weight, "not_applicable": na, "attainment": att, "points_raw": raw,
                "applicable_weight": applicable, "points": None if na else raw * 100 / applicable,
                "points_max": None if na else weight * 100 / applicable,
                "points_lost": None if na else (weight - raw) * 100 / applicable})
    return pd.DataFrame(rows)


def scores_frame(parts: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for scope, unit, year, score, rank, ranking, circular in SCORES:
        mine = parts[(parts["scope"] == scope) & (parts["unit_code"] == unit) & (parts["year"] == year)]
        # the fixture's own check: the parts add up to the score, and the points lost to 100 - score
        assert abs(mine["points"].sum() - score) < 1e-9, (scope, unit, year, mine["points"].sum(), score)
        assert abs(mine["points_lost"].sum() - (100 - score)) < 1e-9, (scope, unit, year)
        rows.append({
            "scope": scope, "unit_code": unit, "dept_code": unit if scope == "department" else None,
            "region_code": mine["region_code"].iloc[0], "year": year, "score": score,
            "score_raw": mine["points_raw"].sum(), "applicable_weight": mine["applicable_weight"].iloc[0],
            "total_weight": 100.0, "applicable_share": mine["applicable_weight"].iloc[0] / 100.0,
            "parts": len(mine), "parts_not_applicable": int(mine["not_applicable"].sum()),
            "ranking_status": ranking, "score_rank": rank,
            "units_ranked": sum(1 for s in SCORES if s[0] == scope and s[2] == year and s[4] is not None),
            "circular_rule": "bottom_n", "circular_parameter": float(BOTTOM_N),
            "min_applicable_share": MIN_APPLICABLE_SHARE, "min_ranked_units": MIN_RANKED_UNITS,
            "circular_status": circular, "named_in_circular": circular == "named"})
    df = pd.DataFrame(rows).sort_values(["scope", "unit_code", "year"])
    by_unit = df.groupby(["scope", "unit_code"])
    df["previous_year"] = by_unit["year"].shift()
    df["previous_score"] = by_unit["score"].shift()
    df["score_change"] = df["score"] - df["previous_score"]
    df["previous_rank"] = by_unit["score_rank"].shift()
    df["previous_units_ranked"] = by_unit["units_ranked"].shift()
    df["rank_change"] = df["previous_rank"] - df["score_rank"]
    df["first_year"] = by_unit["year"].transform("min")
    df["first_score"] = by_unit["score"].transform("first")
    df["score_change_since_first"] = df["score"] - df["first_score"]
    return df


def shortfalls_frame(parts: pd.DataFrame, scores: pd.DataFrame, main: int = 3, *,
                     named_only: bool = True) -> pd.DataFrame:
    """mart_assessment__shortfalls (`named_only=False`): the parts that lost points of every unit, most
    points lost first (metric display order breaks ties); mart_assessment__circular_shortfalls: those
    rows of the units named in the circular."""
    order = {m[0]: m[1] for m in METRICS}
    lost = parts
    if named_only:
        named = scores[scores["named_in_circular"]][["scope", "unit_code", "year"]]
        lost = parts.merge(named, on=["scope", "unit_code", "year"])
    lost = lost[~lost["not_applicable"] & (lost["points_lost"] > 1e-6)].copy()
    lost["_order"] = lost["metric_code"].map(order)
    lost = lost.sort_values(["scope", "unit_code", "year", "points_lost", "_order"],
                            ascending=[True, True, True, False, True])
    lost["shortfall_rank"] = lost.groupby(["scope", "unit_code", "year"]).cumcount() + 1
    lost["is_main_shortfall"] = lost["shortfall_rank"] <= main
    return lost[["scope", "unit_code", "dept_code", "region_code", "year", "metric_code", "rate", "target",
                 "target_direction", "weight", "attainment", "points_max", "points", "points_lost",
                 "shortfall_rank", "is_main_shortfall"]]


def milestones_frame(fct: pd.DataFrame) -> pd.DataFrame:
    """mart_assessment__milestones from the seed's milestones and the fixture's city values."""
    rows = []
    for _, m in milestone_seed().iterrows():
        due = pd.Timestamp(m["due_date"])
        hit = fct[(fct["scope"] == "city") & (fct["metric_code"] == m["metric_code"]) & (fct["year"] == due.year)]
        value = hit.iloc[0] if not hit.empty else None
        rows.append({"milestone": m["milestone"], "due_date": due.date(), "metric_code": m["metric_code"],
                     "year": due.year, "numerator": None if value is None else value["numerator"],
                     "denominator": None if value is None else value["denominator"],
                     "rate": None if value is None else value["rate"],
                     "target": None if value is None else value["target"],
                     "target_direction": None if value is None else value["target_direction"],
                     "target_met": None if value is None else value["target_met"]})
    df = pd.DataFrame(rows)
    met = df.groupby("milestone")["target_met"].agg(lambda s: None if s.isna().any() else bool(s.all()))
    df["milestone_achieved"] = df["milestone"].map(met)
    return df


def make_assessment_serving(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fct = pd.DataFrame(fct_rows(), columns=[
        "metric_code", "scope", "dept_code", "region_code", "grain", "year", "period_start", "numerator",
        "denominator", "rate", "target", "target_direction", "target_met", "attainment"])
    fct["period_start"] = pd.to_datetime(fct["period_start"])
    dim_metric = pd.DataFrame([(c, s, n, c, u, sc, "分子", "分母", "num", "den", b, listed, den_listed)
                               for c, s, n, u, sc, _, _, b, listed, den_listed in METRICS],
                              columns=["metric_code", "sort_order", "name_zh", "name_en", "unit", "is_scored",
                                       "numerator_zh", "denominator_zh", "numerator_en", "denominator_en",
                                       "denominator_basis", "records_listed", "denominator_listed"])
    parts = score_parts()
    scores = scores_frame(parts)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts; CREATE SCHEMA meta;")
        add_reference(con, REGIONS, DEPTS)
        con.register("fct_df", fct)
        con.execute("""CREATE TABLE marts.fct_metric_values AS
            SELECT metric_code, scope, dept_code, region_code, grain, CAST(year AS INTEGER) AS year,
                   CAST(period_start AS DATE) AS period_start, CAST(numerator AS BIGINT) AS numerator,
                   CAST(denominator AS BIGINT) AS denominator, CAST(rate AS DOUBLE) AS rate,
                   CAST(target AS DECIMAL(9,4)) AS target, target_direction, CAST(target_met AS BOOLEAN) AS target_met,
                   CAST(attainment AS DOUBLE) AS attainment
            FROM fct_df""")
        con.register("metric_df", dim_metric)
        con.execute("CREATE TABLE marts.dim_metric AS SELECT * REPLACE (CAST(sort_order AS INTEGER) AS sort_order) "
                    "FROM metric_df")
        con.register("scores_df", scores)
        con.execute("""CREATE TABLE marts.mart_assessment__scores AS SELECT * REPLACE (
            CAST(year AS INTEGER) AS year, CAST(score_rank AS BIGINT) AS score_rank,
            CAST(units_ranked AS BIGINT) AS units_ranked, CAST(dept_code AS VARCHAR) AS dept_code,
            CAST(circular_parameter AS DECIMAL(9,4)) AS circular_parameter,
            CAST(previous_year AS INTEGER) AS previous_year, CAST(first_year AS INTEGER) AS first_year,
            CAST(previous_rank AS BIGINT) AS previous_rank,
            CAST(previous_units_ranked AS BIGINT) AS previous_units_ranked, CAST(rank_change AS BIGINT) AS rank_change)
            FROM scores_df""")
        con.register("parts_df", parts)
        con.execute("""CREATE TABLE marts.mart_assessment__score_parts AS SELECT * REPLACE (
            CAST(year AS INTEGER) AS year, CAST(dept_code AS VARCHAR) AS dept_code, CAST(rate AS DOUBLE) AS rate,
            CAST(target AS DOUBLE) AS target, CAST(attainment AS DOUBLE) AS attainment,
            CAST(points_raw AS DOUBLE) AS points_raw, CAST(points AS DOUBLE) AS points,
            CAST(points_max AS DOUBLE) AS points_max, CAST(points_lost AS DOUBLE) AS points_lost)
            FROM parts_df""")
        con.register("shortfalls_df", shortfalls_frame(parts, scores))
        con.execute("""CREATE TABLE marts.mart_assessment__circular_shortfalls AS SELECT * REPLACE (
            CAST(year AS INTEGER) AS year, CAST(dept_code AS VARCHAR) AS dept_code,
            CAST(shortfall_rank AS BIGINT) AS shortfall_rank) FROM shortfalls_df""")
        con.register("all_shortfalls_df", shortfalls_frame(parts, scores, named_only=False))
        con.execute("""CREATE TABLE marts.mart_assessment__shortfalls AS SELECT * REPLACE (
            CAST(year AS INTEGER) AS year, CAST(dept_code AS VARCHAR) AS dept_code,
            CAST(shortfall_rank AS BIGINT) AS shortfall_rank) FROM all_shortfalls_df""")
        con.register("milestones_df", milestones_frame(fct))
        con.execute("""CREATE TABLE marts.mart_assessment__milestones AS SELECT * REPLACE (
            CAST(due_date AS DATE) AS due_date, CAST(year AS INTEGER) AS year, CAST(numerator AS BIGINT) AS numerator,
            CAST(denominator AS BIGINT) AS denominator, CAST(rate AS DOUBLE) AS rate,
            CAST(target AS DECIMAL(9,4)) AS target, CAST(target_met AS BOOLEAN) AS target_met,
            CAST(milestone_achieved AS BOOLEAN) AS milestone_achieved) FROM milestones_df""")
        con.execute("""
        CREATE TABLE marts.mart_metric__sampling_credit_trend AS SELECT * FROM (VALUES
            ('city', NULL, '210400', 'year', 2022, DATE '2022-01-01', 0.01, 0.04, 0.03, 0.5, FALSE),
            ('city', NULL, '210400', 'year', 2023, DATE '2023-01-01', 0.01, 0.02, 0.05, 0.6, TRUE)
        ) AS t(scope, dept_code, region_code, grain, year, period_start, sampling_ratio_a, sampling_ratio_b,
               sampling_ratio_c, sampling_ratio_d, rises_with_risk);
        CREATE TABLE marts.mart_metric__mechanism_coverage_detail AS SELECT * FROM (VALUES
            ('210403-ZJJ', '抚顺市东洲区住房和城乡建设局', '210403', 2020, 'milestone', DATE '2020-09-30',
             TRUE, TRUE, FALSE, FALSE, TRUE, FALSE, 'inspector_register;plan_filed'),
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
