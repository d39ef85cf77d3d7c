"""dbt build on a tiny hand-made raw layer: current versions, data-status marts, rejects by kind.

One `dbt build` (seeds, models, data tests, unit tests) against a temporary DuckDB file that
create_raw_schema made and the rows below filled; the assertions read the result.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime

import duckdb
import pytest

from pipelines.contract.warehouse import create_raw_schema
from pipelines.publish import publish
from pipelines.settings import REPO_ROOT, dbt_executable  # noqa: F401 (re-exported to sibling tests)
from tests.dbt_build import build_warehouse

B1, D1 = "20200731_月度导出", date(2020, 7, 31)
B2, D2 = "20200831_月度导出", date(2020, 8, 31)
T1, T2 = datetime(2020, 8, 1, 9, 0), datetime(2020, 9, 1, 9, 30)


def lineage(batch: str, day: date, file_name: str, row: int, loaded_at: datetime) -> dict:
    return {"_batch_id": batch, "_batch_date": day, "_file_name": file_name, "_row_number": row,
            "_loaded_at": loaded_at}


def insert(con, table: str, rows: list[dict]) -> None:
    for row in rows:
        cols = ", ".join(row)
        con.execute(f"INSERT INTO raw.{table} ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def reject(entity, batch, day, file_name, row, kinds, reasons, original, loaded_at) -> dict:
    return {"entity": entity, "_batch_id": batch, "_batch_date": day, "_file_name": file_name,
            "_row_number": row, "row_json": json.dumps(original, ensure_ascii=False),
            "reasons": reasons, "reason_kinds": kinds, "_loaded_at": loaded_at}


def log(batch, day, file_name, entity, status, read, loaded, rejected, loaded_at, message=None) -> dict:
    return {"batch_id": batch, "batch_date": day, "file_name": file_name, "entity": entity,
            "file_sha256": f"sha-{batch}-{file_name}", "file_bytes": 1000, "file_format": "xlsx",
            "status": status, "rows_read": read, "rows_loaded": loaded, "rows_rejected": rejected,
            "message": message, "loaded_at": loaded_at}


TASK = {"plan_id": "抚市监抽查〔2020〕1号", "task_source": "计划", "task_scope": "本部门", "directed": "不定向",
        "is_surprise": False, "item_codes": "ITEM-01", "is_credit_linked": True,
        "start_date": date(2020, 8, 1), "end_date": date(2020, 11, 30)}


def fill_raw(con) -> None:
    create_raw_schema(con)
    insert(con, "jurisdiction", [
        {"region_code": "210400", "region_name": "抚顺市", "region_kind": "地级市", **lineage(B1, D1, "行政区划.csv", 2, T1)},
        {"region_code": "210402", "region_name": "新抚区", "region_kind": "市辖区", "parent_code": "210400",
         **lineage(B1, D1, "行政区划.csv", 3, T1)},
    ])
    dept = "监管部门_202007.xlsx"
    insert(con, "department", [
        {"dept_code": "210400-SCJG", "dept_name": "抚顺市市场监督管理局", "dept_short_name": "市场监管局",
         "dept_level": "市级", "region_code": "210400", "is_member": True, **lineage(B1, D1, dept, 2, T1)},
        {"dept_code": "210402-SCJG", "dept_name": "新抚区市场监督管理局", "dept_short_name": "市场监管局",
         "dept_level": "县区级", "region_code": "210402", "is_member": True, **lineage(B1, D1, dept, 3, T1)},
        {"dept_code": "210400-SWJ", "dept_name": "抚顺市税务局", "dept_short_name": "市税务局",
         "dept_level": "市级", "region_code": "210400", "is_member": False, **lineage(B1, D1, dept, 4, T1)},
        # restated next month: now a member
        {"dept_code": "210400-SWJ", "dept_name": "抚顺市税务局", "dept_short_name": "市税务局",
         "dept_level": "市级", "region_code": "210400", "is_member": True,
         **lineage(B2, D2, "监管部门_202008.xlsx", 2, T2)},
    ])
    insert(con, "plan", [
        {"plan_id": "抚市监抽查〔2020〕1号", "plan_name": "2020年度抽查计划", "dept_name": "抚顺市市场监督管理局",
         "plan_year": 2020, "filed_date": date(2020, 2, 20), "is_enterprise_related": True,
         **lineage(B1, D1, "抽查计划_2020.xlsx", 2, T1)},
    ])
    insert(con, "task", [
        {"task_id": "RW-001", "task_name": "七月版", "lead_dept_name": "抚顺市 市场监督管理局",
         "sampling_ratio_text": "5%", **TASK, **lineage(B1, D1, "抽查任务_202007.xlsx", 2, T1)},
        {"task_id": "RW-001", "task_name": "八月版", "lead_dept_name": "抚顺市市场监督管理局",
         "sampling_ratio_text": "2%-5%", **TASK, **lineage(B2, D2, "抽查任务_202008.xlsx", 4, T2)},
        {"task_id": "RW-002", "task_name": "第2行", "lead_dept_name": "市场监管局",
         "sampling_ratio_text": "1户", **TASK, **lineage(B2, D2, "抽查任务_202008.xlsx", 2, T2)},
        {"task_id": "RW-002", "task_name": "第3行更正", "lead_dept_name": "市场监管局",
         "sampling_ratio_text": "10%（20户）", **TASK, "task_source": "突发情况",
         **lineage(B2, D2, "抽查任务_202008.xlsx", 3, T2)},
    ])
    insert(con, "task_department", [
        {"task_id": "RW-001", "dept_name": "抚顺市市场监督管理局", "dept_role": "发起",
         **lineage(B2, D2, "任务参与部门_202008.xlsx", 2, T2)},
        {"task_id": "RW-001", "dept_name": "市税务局", "dept_role": "配合",
         **lineage(B2, D2, "任务参与部门_202008.xlsx", 3, T2)},
    ])
    insert(con, "result", [
        {"result_id": "JG-0001", "task_id": "RW-001", "uscc": "91210400MA0000000X", "dept_name": "不存在的局",
         "inspection_date": date(2020, 8, 20), "result_category": "未发现问题", "formed_date": date(2020, 8, 21),
         **lineage(B2, D2, "检查结果_202008.csv", 2, T2)},
    ])
    insert(con, "rejects", [
        reject("task", B1, D1, "抽查任务_202007.xlsx", 3, "必填项为空；日期无法识别",
               "任务名称为空；开始日期“2020/13/01”无法识别", {"任务编号": "RW-009", "任务名称": "", "开始日期": "2020/13/01"}, T1),
        reject("task", B2, D2, "抽查任务_202008.xlsx", 5, "日期无法识别",
               "结束日期“下月底”无法识别", {"任务编号": "RW-010", "结束日期": "下月底"}, T2),
        reject("object", B2, D2, "检查对象名录_202008.csv", 2, "统一社会信用代码无效",
               "统一社会信用代码“123”无效", {"统一社会信用代码": "123", "主体名称": "某某商店"}, T2),
    ])
    insert(con, "load_log", [
        log(B1, D1, "行政区划.csv", "jurisdiction", "loaded", 2, 2, 0, T1),
        log(B1, D1, "监管部门_202007.xlsx", "department", "loaded", 3, 3, 0, T1),
        log(B1, D1, "抽查计划_2020.xlsx", "plan", "loaded", 1, 1, 0, T1),
        log(B1, D1, "抽查任务_202007.xlsx", "task", "loaded", 2, 1, 1, T1),
        log(B2, D2, "监管部门_202008.xlsx", "department", "loaded", 1, 1, 0, T2),
        log(B2, D2, "抽查任务_202008.xlsx", "task", "loaded", 4, 3, 1, T2),
        log(B2, D2, "任务参与部门_202008.xlsx", "task_department", "loaded", 2, 2, 0, T2),
        log(B2, D2, "检查对象名录_202008.csv", "object", "loaded", 1, 0, 1, T2),
        log(B2, D2, "检查结果_202008.csv", "result", "loaded", 1, 1, 0, T2),
        log(B2, D2, "说明.docx", None, "rejected", 0, 0, 0, T2, message="无法识别的文件：文件名不以任何实体名称开头"),
    ])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    warehouse, stdout = build_warehouse(tmp_path_factory.mktemp("dbt_staging"), fill_raw)
    con = duckdb.connect(str(warehouse), read_only=True)
    yield {"con": con, "stdout": stdout, "warehouse": warehouse}
    con.close()


def rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def test_a_later_batch_and_a_later_row_of_the_same_file_supersede(built):
    tasks = {r["task_id"]: r for r in rows(built["con"], "SELECT * FROM staging.stg_platform__task")}
    assert set(tasks) == {"RW-001", "RW-002"}
    assert (tasks["RW-001"]["task_name"], tasks["RW-001"]["_batch_id"], tasks["RW-001"]["_version_count"]) == (
        "八月版", B2, 2)
    assert (tasks["RW-002"]["task_name"], tasks["RW-002"]["_row_number"], tasks["RW-002"]["_version_count"]) == (
        "第3行更正", 3, 2)
    assert tasks["RW-002"]["is_temporary"] is True and tasks["RW-001"]["is_temporary"] is False
    assert (float(tasks["RW-001"]["sampling_ratio_pct"]), float(tasks["RW-001"]["sampling_ratio_pct_upper"])) == (2, 5)
    assert (float(tasks["RW-002"]["sampling_ratio_pct"]), tasks["RW-002"]["sampling_count"]) == (10, 20)
    dept = rows(built["con"], "SELECT * FROM staging.stg_platform__department WHERE dept_code = '210400-SWJ'")
    assert [(d["is_member"], d["_version_count"]) for d in dept] == [(True, 2)]


def test_entities_mart_counts_files_rows_current_records_and_rejects(built):
    ents = {r["entity"]: r for r in rows(built["con"], "SELECT * FROM marts.mart_data_status__entities")}
    assert len(ents) == 14
    task = ents["task"]
    assert task["entity_title"] == "抽查任务"
    assert (task["files"], task["rows_loaded"], task["current_records"], task["superseded_rows"],
            task["rows_rejected"]) == (2, 4, 2, 2, 1 + 1)
    assert (task["latest_batch_date"], task["last_loaded_at"]) == (D2, T2)
    assert (ents["department"]["rows_loaded"], ents["department"]["current_records"]) == (4, 3)
    obj = ents["object"]
    assert (obj["files"], obj["rows_loaded"], obj["current_records"], obj["rows_rejected"]) == (1, 0, 0, 1)
    nothing = ents["referral"]
    assert (nothing["entity_title"], nothing["files"], nothing["rows_loaded"], nothing["latest_batch_date"]) == (
        "线索移送", 0, 0, None)


def test_files_mart_has_one_row_per_file_with_titles_and_status(built):
    files = {r["file_name"]: r for r in rows(built["con"], "SELECT * FROM marts.mart_data_status__files")}
    assert len(files) == 10
    assert (files["抽查任务_202008.xlsx"]["entity_title"], files["抽查任务_202008.xlsx"]["status_label"]) == (
        "抽查任务", "已加载（部分行拒收）")
    assert files["行政区划.csv"]["status_label"] == "已加载"
    unknown = files["说明.docx"]
    assert (unknown["entity_title"], unknown["status_label"]) == ("未识别", "整文件拒收")
    assert unknown["message"].startswith("无法识别的文件")


def test_rejects_mart_keeps_every_rejected_row_verbatim(built):
    rejects = {(r["batch_id"], r["file_name"], r["file_row_number"]): r
               for r in rows(built["con"], "SELECT * FROM marts.mart_data_status__rejects")}
    assert set(rejects) == {(B1, "抽查任务_202007.xlsx", 3), (B2, "抽查任务_202008.xlsx", 5),
                            (B2, "检查对象名录_202008.csv", 2)}
    bad_uscc = rejects[(B2, "检查对象名录_202008.csv", 2)]
    assert (bad_uscc["entity_title"], bad_uscc["reason_kinds"], bad_uscc["batch_date"]) == (
        "检查对象名录", "统一社会信用代码无效", D2)
    assert json.loads(bad_uscc["row_json"]) == {"统一社会信用代码": "123", "主体名称": "某某商店"}


def test_reject_reasons_count_rows_per_entity_and_kind(built):
    got = {(r["entity"], r["reason_kind_label"]): (r["rejected_rows"], r["entity_rejected_rows"])
           for r in rows(built["con"], "SELECT * FROM marts.mart_data_status__reject_reasons")}
    assert got == {
        ("task", "必填项为空"): (1, 2),
        ("task", "日期无法识别"): (2, 2),
        ("object", "统一社会信用代码无效"): (1, 1),
    }


def test_department_names_resolve_through_every_form_and_unresolved_ones_are_listed(built):
    con = built["con"]
    lookup = dict(con.execute("SELECT name_key, dept_code FROM intermediate.int_department__name_lookup").fetchall())
    assert lookup["抚顺市市场监督管理局"] == "210400-SCJG"
    assert lookup["市税务局"] == "210400-SWJ"  # short name
    assert lookup["市场监管局"] is None  # two departments share the short name
    unresolved = {(r["entity"], r["dept_name"]): r["problem"]
                  for r in rows(con, "SELECT * FROM marts.mart_data_status__unresolved_department_names")}
    assert unresolved == {("task", "市场监管局"): "名称对应多个部门", ("result", "不存在的局"): "未找到该部门"}
    # the same names surface as warnings of the dbt tests, which do not fail the build
    warned = set(re.findall(r" WARN \d+ (\S+)", built["stdout"]))
    assert warned == {"resolves_to_department_stg_platform__task_lead_dept_name",
                      "resolves_to_department_stg_platform__result_dept_name"}


def test_the_dashboard_queries_run_on_the_published_marts(built, tmp_path, monkeypatch):
    """The marts dbt builds are what the 数据状态 page reads (serving.status), once the real publish step
    copied them."""
    import streamlit as st

    import dashboard.data  # noqa: F401 (installs the dashboard's cached query runner, as the page has it)
    from serving import status

    serving = tmp_path / "serving" / "warehouse.duckdb"
    publish(built["warehouse"], serving, run_id="test")
    monkeypatch.setenv("SSSG_SERVING_PATH", str(serving))
    st.cache_data.clear()
    fresh = status.freshness()
    assert (fresh.latest_batch_date, fresh.last_loaded_at, fresh.batches, fresh.files) == (D2, T2, 2, 10)
    assert (fresh.rows_read, fresh.rows_loaded, fresh.rows_rejected) == (17, 14, 3)
    assert fresh.last_published_at is not None
    assert len(status.batches()) == 2 and len(status.files(B1)) == 4
    assert status.entities()["entity_title"].tolist()[:3] == ["行政区划", "监管部门", "随机抽查事项清单"]
    assert dict(zip(*status.reject_kinds()[["reason_kind_label", "rejected_rows"]].T.values)) == {
        "必填项为空": 1, "日期无法识别": 2, "统一社会信用代码无效": 1}
    assert len(status.reject_reasons_by_entity()) == 3
    assert len(status.reject_filter_options()) == 3
    assert status.rejects(search="某某商店")["file_name"].tolist() == ["检查对象名录_202008.csv"]
    assert len(status.rejects(entity="task", batch_id=B2)) == 1
    assert len(status.unresolved_department_names()) == 2
    st.cache_data.clear()
