"""The annual assessment (domain brief section 6, issue 3 part 4): weighted score parts, scores, ranks
and the circular, built by dbt on the hand-made raw layer of tests/test_dbt_metrics_more.py (one
assessment year, 2020; weights and targets = the committed seeds)."""
from __future__ import annotations

import duckdb
import pytest

from tests.dbt_build import build_warehouse
from tests.test_dbt_metrics_more import A, B, C, N, fill_raw
from tests.test_dbt_staging import rows


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    warehouse, _ = build_warehouse(tmp_path_factory.mktemp("dbt_assessment"), fill_raw)
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con
    con.close()


def parts(con, dept: str) -> dict:
    return {r["metric_code"]: r for r in rows(
        con, f"SELECT * FROM marts.mart_assessment__score_parts WHERE scope = 'department' AND unit_code = '{dept}' "
             "AND year = 2020")}


def scores(con) -> dict:
    return {(r["scope"], r["unit_code"]): r for r in rows(
        con, "SELECT * FROM marts.mart_assessment__scores WHERE year = 2020")}


def test_department_a_score_by_hand(built):
    got = parts(built, A)
    # weight x attainment (seeds of 2020). Not applicable: follow_up_closure_rate (no problem results,
    # 0/0) and task_completion_rate (no row for A) -> applicable weight 100 - 5 - 5 = 90.
    expected_raw = {
        "mechanism_coverage": 15 * 1.0,            # 1/1, target 100%
        "item_coverage": 15 * 0.5,                 # 1/2 of target 100%
        "temporary_task_share_tasks": 10.0,        # 0% of at_most 20%: rate 0 -> full points
        "temporary_task_share_objects": 5.0,
        "on_time_publication": 15 * 1.0,           # 4/4
        "joint_task_share_tasks": 0.0,             # 0/1 of at_least 20%
        "joint_visit_share": 0.0,
        "sampling_ratio": 5.0,                     # 1/4 = 25% >= 3%: capped at full points
        "random_match_share": 5.0,                 # 1/1
        "credit_linked_task_share": 0.0,           # 0/1 of 70%
        "follow_up_closure_rate": None,
        "task_completion_rate": None,
    }
    assert {m: r["points_raw"] for m, r in got.items()} == pytest.approx(expected_raw)
    assert {m for m, r in got.items() if r["not_applicable"]} == {"follow_up_closure_rate", "task_completion_rate"}
    assert {r["applicable_weight"] for r in got.values()} == {90}
    score = scores(built)[("department", A)]
    assert score["score_raw"] == pytest.approx(62.5)
    assert score["applicable_weight"] == 90
    assert score["score"] == pytest.approx(62.5 * 100 / 90)  # 69.44
    assert score["score"] == pytest.approx(sum(r["points"] for r in got.values() if r["points"] is not None))


def test_score_is_the_sum_of_parts_for_every_unit(built):
    got = scores(built)
    assert got
    for (scope, unit), s in got.items():
        ps = rows(built, "SELECT points, points_raw FROM marts.mart_assessment__score_parts "
                         f"WHERE scope = '{scope}' AND unit_code = '{unit}' AND year = 2020")
        assert s["score"] == pytest.approx(sum(p["points"] for p in ps if p["points"] is not None))
        assert s["score_raw"] == pytest.approx(sum(p["points_raw"] for p in ps if p["points_raw"] is not None))


def test_ranks_and_circular(built):
    got = scores(built)
    dept = {u: (s["score_rank"], s["units_ranked"], s["named_in_circular"]) for (sc, u), s in got.items()
            if sc == "department"}
    # seed circular_rules 2020: bottom 3 departments, bottom 2 counties/districts
    # N is not a member department (成员单位): never scored, ranked or named
    assert N not in dept and set(dept) == {A, B, C}
    assert dept[A] == (1, 3, False)
    # fair ranking: "the bottom 3" of 3 ranked departments (or "the bottom 2" of 3 counties) would name
    # everyone, so with fewer than min_ranked_units (5) ranked units bottom_n is not applied at all
    assert {u for u, (_, _, named) in dept.items() if named} == set()
    assert {s["circular_status"] for (sc, _), s in got.items()} == {"field_too_small"}
    region = {u: s["named_in_circular"] for (sc, u), s in got.items() if sc == "region"}
    assert region == {"210400": False, "210402": False, "210403": False}
