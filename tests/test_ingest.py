"""Contract validation and loading, on crafted files of every format and every error kind."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.load import ingest_landing
from pipelines.ingest.reconcile import reconciliation_problems
from tests.export_files import uscc, write_csv, write_xlsx

BATCH = "20200803_月度导出"
TASK_HEADER = ["任务编号", "任务名称", "发起处室", "任务来源", "任务类型", "是否定向", "是否突击检查",
               "抽查事项编码", "是否按信用风险分类确定比例", "开始日期", "结束日期", "公示日期"]
OBJECT_HEADER = ["统一社会信用代码", "企业名称", "主体类型", "是否营利性", "所属区划代码", "登记状态", "信用风险分类"]
GOOD_USCC = uscc("91210400MA0T12345")  # 17 chars + check digit


def task_row(task_id="T-2020-0001", **over):
    row = dict(zip(TASK_HEADER, [task_id, "2020年食品经营抽查", "市市场监管局", "计划任务", "部门联合", "不定向抽查",
                                 "否", "SCJG-001;SCJG-002", "是", "2020年7月3日", "2020/12/31/", "2020-07-10"]))
    row.update(over)
    return [row[h] for h in TASK_HEADER]


def ingest(landing: Path, warehouse: Path):
    return {o.file_name: o for o in ingest_landing(landing, warehouse)}


def query(warehouse: Path, sql: str, params=None):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_utf8_csv_with_synonyms_mixed_dates_full_width_and_spaces_loads_typed_values(landing, warehouse):
    write_csv(landing / BATCH / "抽查任务_202007.csv", [
        TASK_HEADER,
        task_row(),
        task_row(" Ｔ-2020-0002 ", 任务来源="临时任务（上级部署）", 任务类型="本部门", 是否突击检查="是",
                 开始日期="２０２０/8/1", 结束日期="2020.9.30", 公示日期=""),
    ])
    out = ingest(landing, warehouse)["抽查任务_202007.csv"]
    assert (out.status, out.rows_read, out.rows_loaded, out.rows_rejected) == ("loaded", 2, 2, 0)
    rows = query(warehouse, "SELECT task_id, task_source, task_scope, directed, is_surprise, start_date, end_date, "
                            "published_date, lead_dept_name, _row_number FROM raw.task ORDER BY task_id")
    assert rows == [
        ("T-2020-0001", "计划", "跨部门", "不定向", False, dt.date(2020, 7, 3), dt.date(2020, 12, 31), dt.date(2020, 7, 10), "市市场监管局", 2),
        ("T-2020-0002", "上级部署", "本部门", "不定向", True, dt.date(2020, 8, 1), dt.date(2020, 9, 30), None, "市市场监管局", 3),
    ]


@pytest.mark.parametrize("encoding, fmt", [("gb18030", "csv-gb18030"), ("utf-8-sig", "csv-utf-8"), ("utf-8", "csv-utf-8")])
def test_csv_encodings_are_detected(landing, warehouse, encoding, fmt):
    write_csv(landing / BATCH / "检查对象名录_202007.csv",
              [OBJECT_HEADER, [GOOD_USCC, "抚顺市某某商贸有限公司（分店）", "企业", "是", "210402", "存续", "Ｂ类"]], encoding)
    out = ingest(landing, warehouse)["检查对象名录_202007.csv"]
    assert (out.status, out.rows_loaded) == ("loaded", 1)
    assert query(warehouse, "SELECT file_format FROM raw.load_log")[0][0] == fmt
    assert query(warehouse, "SELECT object_name, credit_class FROM raw.object") == [("抚顺市某某商贸有限公司（分店）", "B类")]


def test_xlsx_with_title_row_and_date_cells_keeps_spreadsheet_row_numbers(landing, warehouse):
    write_xlsx(landing / BATCH / "抽查任务_202007.xlsx",
               [TASK_HEADER, task_row(开始日期=dt.datetime(2020, 7, 3)), task_row("T-2020-0002", 结束日期="2020年13月1日")],
               title_rows=1)
    out = ingest(landing, warehouse)["抽查任务_202007.xlsx"]
    assert (out.status, out.rows_read, out.rows_loaded, out.rows_rejected) == ("loaded", 2, 1, 1)
    assert query(warehouse, "SELECT start_date, _row_number FROM raw.task") == [(dt.date(2020, 7, 3), 3)]
    assert query(warehouse, "SELECT _row_number, reason_kinds FROM raw.rejects") == [(4, "日期无法识别")]


@pytest.mark.parametrize("cells, kind, words", [
    ({"统一社会信用代码": GOOD_USCC[:-1] + ("0" if GOOD_USCC[-1] != "0" else "1")}, "统一社会信用代码无效", "GB 32100"),
    ({"企业名称": "  "}, "必填项为空", "「主体名称」为必填项"),
    ({"主体类型": "外星企业"}, "取值不在字典内", "「外星企业」不在字典内"),
    ({"所属区划代码": "2104"}, "编码格式错误", "「2104」格式不符合编码规则"),
    ({"是否营利性": "也许"}, "是否值无法识别", "应为「是」或「否」"),
])
def test_each_row_error_is_rejected_verbatim_with_its_reason(landing, warehouse, cells, kind, words):
    good = dict(zip(OBJECT_HEADER, [GOOD_USCC, "某公司", "企业", "是", "210402", "存续", "A类"]))
    bad = {**good, "统一社会信用代码": uscc("92210402MA0T99999"), **cells}
    write_csv(landing / BATCH / "检查对象名录_202007.csv",
              [OBJECT_HEADER, list(good.values()), list(bad.values())])
    out = ingest(landing, warehouse)["检查对象名录_202007.csv"]
    assert (out.rows_read, out.rows_loaded, out.rows_rejected) == (2, 1, 1)
    [(row_number, reasons, kinds, row_json)] = query(warehouse, "SELECT _row_number, reasons, reason_kinds, row_json FROM raw.rejects")
    assert (row_number, kinds) == (3, kind)
    assert words in reasons
    changed_header, changed_value = next(iter(cells.items()))
    assert f'"{changed_header}":"{changed_value}"' in row_json  # kept exactly as written


def test_bad_date_and_duplicate_keys_in_one_file(landing, warehouse):
    write_csv(landing / BATCH / "抽查任务_202007.csv", [
        TASK_HEADER, task_row("T-0001"), task_row("T-0001", 任务名称="又一个"), task_row("T-0002", 公示日期="七月三日")])
    ingest(landing, warehouse)
    rejects = query(warehouse, "SELECT _row_number, reason_kinds, reasons FROM raw.rejects ORDER BY 1")
    assert [(r[0], r[1]) for r in rejects] == [(2, "同一文件内记录重复"), (3, "同一文件内记录重复"), (4, "日期无法识别")]
    assert "第 2、3 行" in rejects[0][2]
    assert query(warehouse, "SELECT count(*) FROM raw.task") == [(0,)]


@pytest.mark.parametrize("name, content, words", [
    ("抽查任务_1.csv", b"", "文件为空"),
    ("抽查任务_2.xlsx", b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "网页（HTML）"),
    ("抽查任务_3.xlsx", b"PK\x03\x04 truncated zip", "Excel 工作簿已损坏"),
    ("月度汇总_4.csv", "任务编号\nT-1\n".encode(), "无法从文件名判断数据类别"),
    ("抽查任务_5.csv", "说明,备注\n这是一段话,无\n".encode(), "未找到表头"),
    ("抽查任务_6.csv", "任务编号,任务名称\nT-1,甲\n".encode(), "缺少必需的列"),
    ("抽查任务_7.csv", ",".join(TASK_HEADER + ["检查主体"]).encode() + b"\n", "同一列出现多次"),
    ("抽查任务_8.csv", b"\xff\xff\xfe\x80\x81\xfe\xff\n", "编码无法识别"),
    ("抽查任务_9.pdf", b"%PDF-1.4", "不支持的文件类型"),
])
def test_structurally_broken_files_are_refused_whole_with_a_reason(landing, warehouse, name, content, words):
    path = landing / BATCH / name
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    out = ingest(landing, warehouse)[name]
    assert out.status == "rejected" and words in out.message, out.message
    assert query(warehouse, "SELECT status, message FROM raw.load_log") == [("rejected", out.message)]
    assert query(warehouse, "SELECT count(*) FROM raw.task") == [(0,)]


def test_files_outside_a_dated_batch_folder_are_refused(landing, warehouse):
    write_csv(landing / "抽查任务_202007.csv", [TASK_HEADER, task_row()])
    write_csv(landing / "七月导出" / "抽查任务_202007.csv", [TASK_HEADER, task_row()])
    outcomes = ingest_landing(landing, warehouse)
    assert [o.status for o in outcomes] == ["rejected", "rejected"]
    assert "批次文件夹" in outcomes[0].message and "YYYYMMDD" in outcomes[1].message + outcomes[0].message


def test_header_only_file_loads_nothing_and_says_so(landing, warehouse):
    write_csv(landing / BATCH / "抽查任务_202007.csv", [TASK_HEADER])
    out = ingest(landing, warehouse)["抽查任务_202007.csv"]
    assert (out.status, out.rows_read) == ("loaded", 0) and "只有表头" in out.message


def test_unknown_columns_are_ignored_and_named(landing, warehouse):
    write_csv(landing / BATCH / "抽查任务_202007.csv", [TASK_HEADER + ["备注"], task_row() + ["随便"]])
    out = ingest(landing, warehouse)["抽查任务_202007.csv"]
    assert out.rows_loaded == 1 and "「备注」" in out.message


def test_loading_the_same_files_twice_changes_nothing(landing, warehouse):
    write_csv(landing / BATCH / "抽查任务_202007.csv", [TASK_HEADER, task_row(), task_row("T-0002", 开始日期="bad")])
    write_xlsx(landing / BATCH / "检查对象名录_202007.xlsx", [OBJECT_HEADER, [GOOD_USCC, "某公司", "企业", "是", "210402", "存续", "A"]])
    ingest(landing, warehouse)
    snapshot = [query(warehouse, f"SELECT count(*) FROM raw.{t}") for t in ("task", "object", "rejects", "load_log")]
    again = ingest_landing(landing, warehouse)
    assert {o.status for o in again} == {"unchanged"}
    assert [query(warehouse, f"SELECT count(*) FROM raw.{t}") for t in ("task", "object", "rejects", "load_log")] == snapshot


def test_changed_file_under_a_loaded_name_is_refused_and_a_new_batch_is_taken(landing, warehouse):
    path = write_csv(landing / BATCH / "抽查任务_202007.csv", [TASK_HEADER, task_row()])
    ingest(landing, warehouse)
    write_csv(path, [TASK_HEADER, task_row(结束日期="2020-11-30")])
    assert "新的批次" in ingest(landing, warehouse)["抽查任务_202007.csv"].message
    write_csv(landing / "20200901_更正" / "抽查任务_202008.csv", [TASK_HEADER, task_row(结束日期="2020-11-30")])
    assert ingest(landing, warehouse)["抽查任务_202008.csv"].status == "loaded"
    # both versions are kept with their lineage; staging picks the later batch
    assert query(warehouse, "SELECT _batch_id, end_date FROM raw.task ORDER BY _batch_date") == [
        (BATCH, dt.date(2020, 12, 31)), ("20200901_更正", dt.date(2020, 11, 30))]


def test_reconciliation_holds_and_detects_a_lost_row(landing, warehouse):
    write_csv(landing / BATCH / "抽查任务_202007.csv", [TASK_HEADER, task_row(), task_row("T-0002", 任务来源="外星")])
    ingest(landing, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        assert reconciliation_problems(con) == []
        con.execute("DELETE FROM raw.task")
        [problem] = reconciliation_problems(con)
    assert "抽查任务_202007.csv" in problem and "found 0 in raw" in problem


def test_csv_line_breaks_inside_cells_and_leading_hash_are_plain_data(landing, warehouse):
    write_csv(landing / BATCH / "抽查任务_202007.csv", [
        TASK_HEADER, task_row(任务名称="#1 食品\n经营抽查", 任务类型="部门\n联合")])
    out = ingest(landing, warehouse)["抽查任务_202007.csv"]
    assert out.rows_loaded == 1
    assert query(warehouse, "SELECT task_name, task_scope FROM raw.task") == [("#1 食品 经营抽查", "跨部门")]


def test_short_csv_rows_are_padded_and_rejected_for_their_missing_cells(landing, warehouse):
    path = landing / BATCH / "抽查任务_202007.csv"
    write_csv(path, [TASK_HEADER, task_row()])
    with path.open("a", encoding="utf-8") as fh:
        fh.write("T-0002,只有两列\n")
    out = ingest(landing, warehouse)["抽查任务_202007.csv"]
    assert (out.rows_loaded, out.rows_rejected) == (1, 1)
    assert "「发起部门」为必填项" in query(warehouse, "SELECT reasons FROM raw.rejects")[0][0]


def test_a_csv_row_longer_than_the_header_is_rejected_not_truncated(landing, warehouse):
    write_csv(landing / BATCH / "抽查任务_202007.csv", [TASK_HEADER, task_row(), task_row("T-0099") + ["多出来的一格"]])
    out = ingest(landing, warehouse)["抽查任务_202007.csv"]
    assert (out.rows_loaded, out.rows_rejected) == (1, 1)
    [(kinds, row_json)] = query(warehouse, "SELECT reason_kinds, row_json FROM raw.rejects")
    assert kinds == "单元格不在任何表头下" and '"第13列":"多出来的一格"' in row_json


def test_mixed_line_endings_are_read(landing, warehouse):
    path = landing / BATCH / "抽查任务_202007.csv"
    path.parent.mkdir(parents=True)
    rows = [",".join(TASK_HEADER), ",".join(task_row()), ",".join(task_row("T-0002"))]
    path.write_bytes((rows[0] + "\r\n" + rows[1] + "\n" + rows[2] + "\r\n").encode())
    assert ingest(landing, warehouse)["抽查任务_202007.csv"].rows_loaded == 2


def test_each_run_is_stamped_later_than_every_earlier_run_even_when_the_clock_was_set_back(warehouse):
    """The incremental dbt models take the rows newer than they hold: a run stamped earlier than
    the last one (the clock set back) would never reach them."""
    from datetime import datetime, timedelta

    from pipelines.ingest.load import open_warehouse, run_timestamp

    con = open_warehouse(warehouse)
    try:
        assert abs(run_timestamp(con) - datetime.now()) < timedelta(seconds=5)  # first run: now
        future = datetime(2099, 1, 1, 8, 0, 0)
        con.execute("INSERT INTO raw.load_log (batch_id, file_name, status, loaded_at) VALUES ('b', 'f', 'loaded', ?)",
                    [future])
        assert run_timestamp(con) == future + timedelta(seconds=1)
    finally:
        con.close()
