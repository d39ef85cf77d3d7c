"""不予公示 at ingest: the exempt flag is decided once per row, in the check pass, on the mapped column
(whatever header the file uses for 不予公示原因), and a refused row that carries it is stored in
raw.rejects masked: no cells (row_json NULL), a fixed reason text (a reason can quote the key or a
cell), its reason kinds kept, is_withheld. A decision or referral naming an exempt result -- stored
earlier, or in the same run, accepted or refused -- is exempt too; so are both sides of a conflict
when either is. Reconciliation still holds. Fast: no dbt (tests/test_security_nondisclosure.py runs
the whole chain)."""
from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.contract.warehouse import REJECTS_COLUMNS, WITHHELD_REASONS, create_raw_schema
from pipelines.ingest.load import ingest_landing
from pipelines.ingest.reconcile import reconciliation_problems
from tests.export_files import uscc, write_csv

SECRET = "ZZHIDDEN"  # appears in every exempt row; must not reach raw.rejects or raw.load_log
RESULT_HEADER = ["结果编号", "任务编号", "统一社会信用代码", "检查实施机关", "检查事项编码", "检查日期", "检查结果",
                 "结果形成日期", "结果公示日期", "不予公示原因", "告知书送达日期", "后续处置状态", "处置办结日期"]
DECISION_HEADER = ["决定书文号", "结果编号", "决定类型", "决定日期", "公示日期"]
REFERRAL_HEADER = ["移送编号", "结果编号", "接收部门", "移送日期"]
USCC = uscc("91210400MA0T12345")


def result_row(result_id: str, reason: str = "", formed: str = "2021-03-02", dept: str = "抚顺市市场监督管理局"):
    return [result_id, "T-2021-0001", USCC, dept, "", "2021-03-01", "未发现问题", formed, "", reason, "", "", ""]


def ingest(landing: Path, warehouse: Path):
    return {o.file_name: o for o in ingest_landing(landing, warehouse)}


def rejects(warehouse: Path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT entity, _file_name, _row_number, row_json, reasons, reason_kinds, is_withheld "
                           "FROM raw.rejects ORDER BY _batch_id, _file_name, _row_number").fetchall()


def assert_clean(warehouse: Path):
    """The secret is nowhere in rejects or the load log, and every file reconciles."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in ("rejects", "load_log"):
            text = con.execute(f"SELECT string_agg(CAST(t AS VARCHAR), '|') FROM raw.{table} AS t").fetchone()[0] or ""
            assert SECRET not in text, (table, text)
        assert reconciliation_problems(con) == []


def test_a_refused_result_under_a_spaced_header_with_an_unknown_reason_is_stored_masked(landing, warehouse):
    write_csv(landing / "20210401_导出" / "检查结果_a.csv", [
        [h if h != "不予公示原因" else "不予公示 原因" for h in RESULT_HEADER],
        result_row(f"{SECRET}-1", reason="依法不宜公开"),  # not in the contract: refused, withheld all the same
        result_row(f"{SECRET}-2", reason="涉及商业秘密", formed="2021年13月45日"),  # known reason, bad date
        result_row("R-OPEN-1", formed="2021年13月45日"),  # no reason: shown verbatim
        result_row(f"{SECRET}-3", reason="涉及个人隐私"),  # accepted
    ])
    out = ingest(landing, warehouse)["检查结果_a.csv"]
    assert (out.rows_read, out.rows_loaded, out.rows_rejected) == (4, 1, 3)
    got = rejects(warehouse)
    assert [(r[2], r[3], r[4], r[6]) for r in got if r[6]] == [
        (2, None, WITHHELD_REASONS, True), (3, None, WITHHELD_REASONS, True)]
    assert [r[5] for r in got] == ["取值不在字典内", "日期无法识别", "日期无法识别"]  # kinds kept: counts by kind hold
    [(_, _, row, row_json, reasons, _, withheld)] = [r for r in got if not r[6]]
    assert (row, withheld) == (4, False) and "R-OPEN-1" in row_json and "结果形成日期" in reasons
    assert_clean(warehouse)


def test_decisions_and_referrals_naming_an_exempt_result_are_withheld_earlier_or_same_run(landing, warehouse):
    # run 1: a secret result is stored
    write_csv(landing / "20210401_导出" / "检查结果_a.csv", [RESULT_HEADER, result_row(f"{SECRET}-A", "涉及国家秘密")])
    ingest(landing, warehouse)
    # run 2: a refused decision on it; in the same run a secret result that is itself refused, and a
    # refused referral on that one (the decision / referral files sort before the result file)
    batch = landing / "20210501_导出"
    write_csv(batch / "处理决定_b.csv", [
        DECISION_HEADER,
        [f"{SECRET}-D1", f"{SECRET}-A", "不存在的决定类型", "2021-03-05", ""],
        ["D-OPEN", "R-OPEN-9", "不存在的决定类型", "2021-03-05", ""],
    ])
    write_csv(batch / "线索移送_b.csv", [
        REFERRAL_HEADER,
        [f"{SECRET}-F1", f"{SECRET}-B", f"{SECRET}局", "2021-02-30"],
        [f"{SECRET}-F2", f"{SECRET.lower()}-a", "抚顺市公安局", "不是日期"],  # names the stored one, in lower case
    ])
    write_csv(batch / "检查结果_b.csv", [RESULT_HEADER, result_row(f"{SECRET}-B", "涉及商业秘密", formed="bad")])
    out = ingest(landing, warehouse)
    assert {o.status for o in out.values()} == {"loaded", "unchanged"}
    got = {(r[0], r[2]): r for r in rejects(warehouse)}
    assert {k: v[6] for k, v in got.items()} == {
        ("decision", 2): True, ("decision", 3): False, ("referral", 2): True, ("referral", 3): True, ("result", 2): True}
    assert got[("decision", 3)][3] is not None and "D-OPEN" in got[("decision", 3)][3]
    assert_clean(warehouse)


def test_a_conflict_with_an_exempt_row_withdraws_and_refuses_both_masked(landing, warehouse):
    batch = landing / "20210401_导出"
    write_csv(batch / "检查结果_a.csv", [RESULT_HEADER, result_row(f"{SECRET}-C", "涉及商业秘密")])
    ingest(landing, warehouse)
    # same batch, another file, the same result restated without its reason: a conflict
    write_csv(batch / "检查结果_b.csv", [RESULT_HEADER, result_row(f"{SECRET}-C", "")])
    ingest(landing, warehouse)
    got = rejects(warehouse)
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in got] == [
        ("检查结果_a.csv", None, WITHHELD_REASONS, "同一批次内记录冲突", True),
        ("检查结果_b.csv", None, WITHHELD_REASONS, "同一批次内记录冲突", True)]
    assert_clean(warehouse)


def test_a_warehouse_from_before_the_flag_gets_the_column_and_its_secret_rows_masked(tmp_path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:
        create_raw_schema(con)
        con.execute("ALTER TABLE raw.rejects DROP COLUMN is_withheld")  # as an older ingest made it
        con.execute("INSERT INTO raw.result (result_id, nondisclosure_reason) VALUES ('R-S', '国家秘密')")
        rows = [("result", '{"结果编号":"X1","不予公示 原因":"不宜公开"}'), ("result", '{"结果编号":"X2","不予公示原因":null}'),
                ("decision", '{"决定书文号":"D","结果编号":"R-S"}'), ("decision", '{"决定书文号":"D","结果编号":"R-O"}')]
        for n, (entity, row_json) in enumerate(rows, start=2):
            con.execute("INSERT INTO raw.rejects VALUES (?, 'b', NULL, 'f.csv', ?, ?, 'r', 'k', NULL)",
                        [entity, n, row_json])
        create_raw_schema(con)
        create_raw_schema(con)  # idempotent
        cols = [r[0] for r in con.execute("DESCRIBE raw.rejects").fetchall()]
        got = con.execute("SELECT _row_number, row_json IS NULL, reasons = ?, reason_kinds, is_withheld "
                          "FROM raw.rejects ORDER BY 1", [WITHHELD_REASONS]).fetchall()
    assert cols == [name for name, _ in REJECTS_COLUMNS]
    assert got == [(2, True, True, "k", True), (3, False, False, "k", False),
                   (4, True, True, "k", True), (5, False, False, "k", False)]
