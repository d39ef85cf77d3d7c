"""Publication clocks (domain brief section 4) built by dbt on a tiny hand-made raw layer.

One `dbt build` of the whole project against a temporary DuckDB file; every deadline below is counted
by hand on the official calendar (event day not counted; deadline = the N-th working day strictly after
the event; on time iff published <= deadline). The as-of date is the latest loaded export batch,
2024-11-01 (a later batch whose only file was rejected does not count).

Calendar facts used: 2024-09-14 (Sat), 2024-09-29 (Sun) and 2024-10-12 (Sat) were make-up working days;
09-15..17 and 10-01..07 were holidays; the 2020 Spring Festival ran 01-24..02-02 (extended).
"""
from __future__ import annotations

from datetime import date, datetime
from itertools import count

import duckdb
import pytest

from pipelines.contract.warehouse import create_raw_schema
from tests.dbt_build import run_dbt
from tests.test_dbt_staging import insert, rows

D = date
B1, D1, T1 = "20241008_月度导出", D(2024, 10, 8), datetime(2024, 10, 9, 9, 0)
B2, D2, T2 = "20241101_月度导出", D(2024, 11, 1), datetime(2024, 11, 2, 9, 0)
B3, D3, T3 = "20241105_补充导出", D(2024, 11, 5), datetime(2024, 11, 6, 9, 0)
_row = count(2)

SCJG, SWJ, MZJ, GAJ = "抚顺市市场监督管理局", "抚顺市税务局", "抚顺市民政局", "抚顺市公安局"


def lin(batch=B2, day=D2, loaded=T2, file_name="导出.xlsx") -> dict:
    return {"_batch_id": batch, "_batch_date": day, "_file_name": file_name, "_row_number": next(_row),
            "_loaded_at": loaded}


def plan(plan_id, dept, enterprise, filed, approved=None, published=None) -> dict:
    return {"plan_id": plan_id, "plan_name": f"{plan_id}计划", "dept_name": dept, "plan_year": filed.year,
            "filed_date": filed, "is_enterprise_related": enterprise, "approved_date": approved,
            "published_date": published, **lin()}


def task(task_id, source="计划", approved=None, published=None, surprise=False, start=D(2024, 9, 5)) -> dict:
    return {"task_id": task_id, "task_name": f"任务{task_id}", "plan_id": None, "lead_dept_name": SCJG,
            "task_source": source, "task_scope": "本部门", "directed": "不定向", "is_surprise": surprise,
            "item_codes": "ITEM-01", "is_credit_linked": False, "start_date": start, "end_date": D(2024, 12, 31),
            "approved_date": approved, "published_date": published, **lin()}


def draw(task_id, uscc, drawn, published=None) -> dict:
    return {"task_id": task_id, "uscc": uscc, "draw_date": drawn, "draw_mode": "随机抽取",
            "list_published_date": published, **lin()}


def result(result_id, task_id, formed, published=None, reason=None, **lineage) -> dict:
    return {"result_id": result_id, "task_id": task_id, "uscc": "91210400MA0000000X", "dept_name": SCJG,
            "inspection_date": formed, "result_category": "未发现问题", "formed_date": formed,
            "published_date": published, "nondisclosure_reason": reason, **(lineage or lin())}


def decision(decision_id, result_id, kind, decided, published=None) -> dict:
    return {"decision_id": decision_id, "result_id": result_id, "decision_type": kind, "decision_date": decided,
            "published_date": published, **lin()}


def log(batch, day, file_name, entity, status, loaded_at) -> dict:
    return {"batch_id": batch, "batch_date": day, "file_name": file_name, "entity": entity,
            "file_sha256": f"sha-{batch}-{file_name}", "file_bytes": 100, "file_format": "xlsx", "status": status,
            "rows_read": 1, "rows_loaded": 1 if status == "loaded" else 0, "rows_rejected": 0,
            "message": None if status == "loaded" else "无法识别的文件", "loaded_at": loaded_at}


def fill_raw(con, extra_results: list[dict] | None = None) -> None:
    create_raw_schema(con)
    insert(con, "plan", [
        plan("抚市监抽查〔2024〕1号", SCJG, True, D(2024, 9, 20), approved=D(2024, 9, 28), published=D(2024, 10, 16)),
        plan("抚税抽查〔2024〕1号", SWJ, False, D(2024, 9, 28), published=D(2024, 10, 17)),
        plan("抚市监抽查〔2020〕1号", SCJG, True, D(2020, 1, 10), approved=D(2020, 1, 23), published=D(2020, 2, 14)),
        plan("抚民抽查〔2024〕1号", MZJ, True, D(2024, 3, 1)),
        plan("抚公抽查〔2024〕1号", GAJ, True, D(2024, 9, 1), approved=D(2024, 9, 28), published=D(2024, 9, 27)),
    ])
    insert(con, "task", [
        task("RW-OVERDUE", approved=D(2024, 10, 17)),
        task("RW-DUE", approved=D(2024, 10, 18)),
        task("RW-NOAPPR", start=D(2024, 9, 28), published=D(2024, 10, 16)),
        task("RW-SURPRISE", approved=D(2024, 9, 2), surprise=True),
        task("RW-TEMP", source="上级部署", approved=D(2024, 9, 2), published=D(2024, 10, 16)),
        task("RW-TEMP-LATE", source="突发情况", approved=D(2024, 9, 2), published=D(2024, 10, 17)),
        task("RW-TEMP-NOLIST", source="上级部署", approved=D(2024, 9, 2)),
        task("RW-PARTIAL", approved=D(2024, 9, 2), published=D(2024, 9, 14)),
    ])
    insert(con, "draw", [
        draw("RW-SURPRISE", "91210400MA0000001X", D(2024, 9, 5)),
        draw("RW-SURPRISE", "91210400MA0000002X", D(2024, 9, 5)),
        draw("RW-TEMP", "91210400MA0000001X", D(2024, 9, 26), D(2024, 10, 15)),
        draw("RW-TEMP", "91210400MA0000003X", D(2024, 9, 28), D(2024, 10, 16)),
        draw("RW-TEMP-LATE", "91210400MA0000001X", D(2024, 9, 28), D(2024, 10, 16)),
        draw("RW-PARTIAL", "91210400MA0000001X", D(2024, 9, 3), D(2024, 9, 10)),
        draw("RW-PARTIAL", "91210400MA0000002X", D(2024, 9, 4), D(2024, 9, 10)),
        draw("RW-PARTIAL", "91210400MA0000003X", D(2024, 9, 4)),
    ])
    insert(con, "result", [
        result("JG-SURP", "RW-SURPRISE", D(2024, 9, 28), D(2024, 10, 16)),
        result("JG-EXEMPT", "RW-PARTIAL", D(2024, 9, 28), reason="商业秘密"),
        # first exported with a mistyped publication date, corrected in the next batch
        result("JG-LATE", "RW-PARTIAL", D(2024, 9, 28), D(2024, 11, 18), **lin(B1, D1, T1)),
        result("JG-LATE", "RW-PARTIAL", D(2024, 9, 28), D(2024, 10, 18)),
        *(extra_results or []),
    ])
    insert(con, "decision", [
        decision("抚市监罚〔2024〕1号", "JG-LATE", "行政处罚", D(2024, 9, 28), D(2024, 10, 11)),
        decision("抚市监命〔2024〕2号", "JG-LATE", "行政命令", D(2024, 10, 8)),
        decision("抚市监强〔2024〕3号", "JG-LATE", "行政强制", D(2024, 10, 25)),
    ])
    insert(con, "load_log", [
        log(B1, D1, "检查结果_202409.xlsx", "result", "loaded", T1),
        log(B2, D2, "抽查任务_202410.xlsx", "task", "loaded", T2),
        log(B3, D3, "说明.docx", None, "rejected", T3),
    ])


@pytest.fixture(scope="module")
def obligations(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dbt_publication")
    warehouse = tmp / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        fill_raw(con)
    proc = run_dbt(["build"], warehouse, tmp)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        got = rows(con, "SELECT * FROM intermediate.int_publication__obligations")
    return {(r["event_type"], r["record_id"]): r for r in got}


# (event_type, record_id): (event_basis, event_date, working days, deadline, published, status, working days late)
EXPECTED = {
    # 涉企 plan: clock from the approval, a Saturday; published on the deadline day -> on time
    ("plan", "抚市监抽查〔2024〕1号"): ("approved_date", D(2024, 9, 28), 10, D(2024, 10, 16), D(2024, 10, 16), "on_time", None),
    # non-涉企 plan: clock from filing; published the working day after the deadline -> late by 1
    ("plan", "抚税抽查〔2024〕1号"): ("filed_date", D(2024, 9, 28), 10, D(2024, 10, 16), D(2024, 10, 17), "late", 1),
    # across the extended 2020 Spring Festival: 01-23 + 10 = 02-14
    ("plan", "抚市监抽查〔2020〕1号"): ("approved_date", D(2020, 1, 23), 10, D(2020, 2, 14), D(2020, 2, 14), "on_time", None),
    # 涉企 plan never approved: the clock has not started
    ("plan", "抚民抽查〔2024〕1号"): ("approved_date", None, 10, None, None, "awaiting_event", None),
    # published the day before its approval: flagged, not on time
    ("plan", "抚公抽查〔2024〕1号"): ("approved_date", D(2024, 9, 28), 10, D(2024, 10, 16), D(2024, 9, 27),
                                "published_before_event", None),
    # unpublished: 10-17 + 10 = 10-31 < as-of 11-01 -> overdue; 10-18 + 10 = 11-01 = as-of -> not yet due
    ("task", "RW-OVERDUE"): ("approved_date", D(2024, 10, 17), 10, D(2024, 10, 31), None, "overdue_unpublished", None),
    ("task", "RW-DUE"): ("approved_date", D(2024, 10, 18), 10, D(2024, 11, 1), None, "not_yet_due", None),
    # no approval date: the clock starts at the task's start date
    ("task", "RW-NOAPPR"): ("start_date", D(2024, 9, 28), 10, D(2024, 10, 16), D(2024, 10, 16), "on_time", None),
    # surprise inspection: neither the task nor its list is published beforehand; its result is on the clock
    ("task", "RW-SURPRISE"): ("approved_date", D(2024, 9, 2), 10, None, None, "not_required", None),
    ("draw_list", "RW-SURPRISE"): ("draw_date", D(2024, 9, 5), 10, None, None, "not_required", None),
    ("result", "JG-SURP"): ("formed_date", D(2024, 9, 28), 10, D(2024, 10, 16), D(2024, 10, 16), "on_time", None),
    # temporary task: due with its drawn list (latest draw 09-28 + 10 = 10-16), not 10 days after its approval
    ("task", "RW-TEMP"): ("list_draw_date", D(2024, 9, 28), 10, D(2024, 10, 16), D(2024, 10, 16), "on_time", None),
    ("draw_list", "RW-TEMP"): ("draw_date", D(2024, 9, 28), 10, D(2024, 10, 16), D(2024, 10, 16), "on_time", None),
    ("task", "RW-TEMP-LATE"): ("list_draw_date", D(2024, 9, 28), 10, D(2024, 10, 16), D(2024, 10, 17), "late", 1),
    ("draw_list", "RW-TEMP-LATE"): ("draw_date", D(2024, 9, 28), 10, D(2024, 10, 16), D(2024, 10, 16), "on_time",
                                    None),
    ("task", "RW-TEMP-NOLIST"): ("list_draw_date", None, 10, None, None, "awaiting_event", None),
    # 09-02 + 10 = 09-14, a make-up Saturday; the list (latest draw 09-04, holidays 09-15..17) is due 09-19 and
    # one drawn object is still unpublished
    ("task", "RW-PARTIAL"): ("approved_date", D(2024, 9, 2), 10, D(2024, 9, 14), D(2024, 9, 14), "on_time", None),
    ("draw_list", "RW-PARTIAL"): ("draw_date", D(2024, 9, 4), 10, D(2024, 9, 19), None, "overdue_unpublished", None),
    # results: exempt (trade secret); late by 2 working days (the corrected publication date of the later batch)
    ("result", "JG-EXEMPT"): ("formed_date", D(2024, 9, 28), 10, None, None, "exempt", None),
    ("result", "JG-LATE"): ("formed_date", D(2024, 9, 28), 10, D(2024, 10, 16), D(2024, 10, 18), "late", 2),
    # decisions: 7 working days; 09-28 + 7 = 10-12 (make-up Saturday); 10-08 + 7 = 10-16; 10-25 + 7 = 11-05
    ("decision", "抚市监罚〔2024〕1号"): ("decision_date", D(2024, 9, 28), 7, D(2024, 10, 12), D(2024, 10, 11), "on_time",
                                   None),
    ("decision", "抚市监命〔2024〕2号"): ("decision_date", D(2024, 10, 8), 7, D(2024, 10, 16), None,
                                   "overdue_unpublished", None),
    ("decision", "抚市监强〔2024〕3号"): ("decision_date", D(2024, 10, 25), 7, D(2024, 11, 5), None, "not_yet_due", None),
}

COLUMNS = ("event_basis", "event_date", "working_days", "deadline_date", "published_date", "status",
           "working_days_late")


def test_every_obligation_has_its_hand_counted_deadline_and_status(obligations):
    got = {key: tuple(r[c] for c in COLUMNS) for key, r in obligations.items()}
    assert got == EXPECTED


def test_as_of_date_is_the_latest_loaded_batch(obligations):
    assert {r["as_of_date"] for r in obligations.values()} == {D2}


def test_denominator_flags_exemptions_and_drawn_list_progress(obligations):
    due = {k for k, r in obligations.items() if r["is_due"]}
    assert due == {k for k, v in EXPECTED.items()
                   if v[5] in ("on_time", "late", "overdue_unpublished", "published_before_event")}
    assert obligations[("result", "JG-EXEMPT")]["exempt_reason"] == "商业秘密"
    assert {k[1]: (r["list_draws"], r["list_draws_published"]) for k, r in obligations.items()
            if k[0] == "draw_list"} == {"RW-SURPRISE": (2, 0), "RW-TEMP": (2, 2), "RW-TEMP-LATE": (1, 1),
                                        "RW-PARTIAL": (3, 2)}


def test_departments_are_kept_as_written(obligations):
    depts = {k: r["dept_name"] for k, r in obligations.items()}
    assert depts[("plan", "抚公抽查〔2024〕1号")] == GAJ
    assert depts[("draw_list", "RW-TEMP")] == SCJG  # the initiating department of the task
    assert depts[("decision", "抚市监罚〔2024〕1号")] == SCJG  # the department of its result
    assert obligations[("task", "RW-TEMP")]["is_temporary_task"] is True
    assert obligations[("plan", "抚税抽查〔2024〕1号")]["task_id"] is None


def test_clocks_past_the_official_calendar_wait_for_it_and_the_build_publishes(tmp_path):
    """Every December some deadlines fall in a year the official calendar does not cover yet: those
    obligations are awaiting_calendar (no deadline guessed, left out of every rate, counted per year to
    add), and the build still succeeds."""
    warehouse = tmp_path / "warehouse.duckdb"
    late_2026 = result("JG-2026", "RW-PARTIAL", D(2026, 12, 28))  # deadline in 2027
    in_2027 = result("JG-2027", "RW-PARTIAL", D(2027, 1, 6))
    with duckdb.connect(str(warehouse)) as con:
        fill_raw(con, extra_results=[late_2026, in_2027])
    proc = run_dbt(["build", "--select", "+mart_data_status__awaiting_calendar", "+fct_metric_values",
                    "--indirect-selection", "cautious", "--resource-type", "model", "seed", "test"], warehouse, tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("SELECT record_id, status, deadline_date, is_due, calendar_year_needed "
                           "FROM marts.mart_publication__obligations WHERE record_id LIKE 'JG-202%' "
                           "ORDER BY record_id").fetchall()
        waiting = con.execute("SELECT * FROM marts.mart_data_status__awaiting_calendar").fetchall()
        due = con.execute("SELECT count(*) FILTER (WHERE is_due) FROM marts.mart_publication__obligations "
                          "WHERE event_type = 'result'").fetchone()[0]
    assert rows == [("JG-2026", "awaiting_calendar", None, False, 2027),
                    ("JG-2027", "awaiting_calendar", None, False, 2027)]
    assert waiting == [(2027, 2, D(2026, 12, 28), D(2027, 1, 6))]
    # the waiting results are in no on-time denominator (is_due is what every publication rate counts)
    assert due == sum(1 for k, v in EXPECTED.items() if k[0] == "result" and v[5] in
                      ("on_time", "late", "overdue_unpublished", "published_before_event"))


def test_an_as_of_date_past_the_official_calendar_fails_the_build(tmp_path):
    """An as-of date the calendar does not cover would leave the early warning silently empty: the
    build fails, naming the year and how to add it."""
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        fill_raw(con)
    proc = run_dbt(["build", "--select", "+as_of_date_is_on_the_official_calendar", "--vars", "{as_of_date: 2027-03-01}",
                    "--indirect-selection", "cautious", "--resource-type", "model", "seed", "test"], warehouse, tmp_path)
    assert proc.returncode != 0
    assert "no official working-day calendar for 2027: the as-of date 2027-03-01 (var)" in proc.stdout
    assert "calendar_overrides.csv" in proc.stdout and "python -m pipelines.calendar_seed" in proc.stdout