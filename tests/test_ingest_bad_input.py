"""The bad input corpus: every kind of broken export, each with the reason a clerk reads.

Every file here is generated in code (no binary fixtures). For each case the test checks the exact
reason, that reconciliation holds (rows read = loaded + rejected, per file, against what raw and
rejects hold), and that a good batch loaded before is left exactly as it was.
"""
from __future__ import annotations

import dataclasses
import io
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines.contract import Column
from pipelines.ingest.load import ingest_landing
from pipelines.ingest.readers import STAGE, _csv_error, read_into_stage
from pipelines.ingest.reconcile import reconciliation_problems
from pipelines.ingest.sql import column_sql, macros
from tests.export_files import csv_bytes, inline_row, raw_xlsx_bytes, uscc, write_bytes, write_csv, write_raw_xlsx, xlsx_bytes
from tests.test_ingest import GOOD_USCC, OBJECT_HEADER, TASK_HEADER, task_row

BASE = "20200731_基线导出"
BATCH = "20200803_月度导出"
LATER = "20200901_更正导出"
OTHER_USCC = uscc("92210402MA0T99999")

RESULT_HEADER = ["结果编号", "任务编号", "统一社会信用代码", "检查实施机关", "检查日期", "检查结果", "结果形成日期",
                 "结果公示日期", "告知书送达日期", "后续处置状态", "处置办结日期"]
ITEM_HEADER = ["事项编码", "实施部门", "抽查事项", "检查方式", "事项类别", "是否100%抽查", "生效日期", "失效日期"]
INSPECTOR_HEADER = ["人员编号", "姓名", "所属部门", "入库日期", "出库日期"]
PLAN_HEADER = ["计划编号", "计划名称", "制定部门", "计划年度", "报备日期", "是否涉企"]
DRAW_HEADER = ["任务编号", "统一社会信用代码", "抽取日期", "抽取方式"]
BLACKLIST_HEADER = ["统一社会信用代码", "列入部门", "列入日期", "移出日期", "列入原因"]


def row_of(header: list[str], defaults: list, **over) -> list:
    row = dict(zip(header, defaults))
    row.update(over)
    return [row[h] for h in header]


def result_row(result_id="R-0001", **over):
    return row_of(RESULT_HEADER, [result_id, "T-0001", GOOD_USCC, "市市场监管局", "2020-07-05", "未发现问题",
                                  "2020-07-08", "2020-07-20", "2020-07-10", "无需处置", ""], **over)


def item_row(**over):
    return row_of(ITEM_HEADER, ["SCJG-001", "市市场监管局", "食品经营抽查", "实地检查、书面检查", "一般", "否",
                                "2020-01-01", ""], **over)


def inspector_row(**over):
    return row_of(INSPECTOR_HEADER, ["P-0001", "张三", "市市场监管局", "2019-01-01", ""], **over)


def plan_row(**over):
    return row_of(PLAN_HEADER, ["抚市监〔2020〕1号", "2020年度抽查计划", "市市场监管局", "2020", "2020-02-01", "是"], **over)


def draw_row(**over):
    return row_of(DRAW_HEADER, ["T-0001", GOOD_USCC, "2020-07-01", "随机"], **over)


def blacklist_row(**over):
    return row_of(BLACKLIST_HEADER, [GOOD_USCC, "市市场监管局", "2020-03-01", "", "通过登记的住所无法联系"], **over)


def query(warehouse: Path, sql: str, params=None):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def reconciles(warehouse: Path) -> bool:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return reconciliation_problems(con) == []


def raw_snapshot(warehouse: Path) -> dict[str, list]:
    """Every raw table's rows of the baseline batch, and the baseline's load-log rows."""
    tables = ["task", "result", "object"]
    snap = {t: query(warehouse, f"SELECT * EXCLUDE (_loaded_at) FROM raw.{t} WHERE _batch_id = ? ORDER BY ALL", [BASE])
            for t in tables}
    snap["load_log"] = query(warehouse, "SELECT * EXCLUDE (loaded_at) FROM raw.load_log WHERE batch_id = ? ORDER BY ALL", [BASE])
    return snap


@pytest.fixture(scope="module")
def baseline_template(tmp_path_factory):
    """A good batch, loaded once; each test starts from a copy of its landing folder and warehouse."""
    root = tmp_path_factory.mktemp("baseline")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    write_csv(landing / BASE / "抽查任务_202006.csv", [TASK_HEADER, task_row("T-0001"), task_row("T-0002")])
    write_csv(landing / BASE / "检查结果_202006.csv", [RESULT_HEADER, result_row("R-0001"), result_row("R-0002")])
    write_csv(landing / BASE / "检查对象名录_202006.csv",
              [OBJECT_HEADER, [GOOD_USCC, "某公司", "企业", "是", "210402", "存续", "A类"]])
    outcomes = ingest_landing(landing, warehouse)
    assert [o.status for o in outcomes] == ["loaded"] * 3
    return landing, warehouse, raw_snapshot(warehouse)


@pytest.fixture
def baseline(landing, warehouse, baseline_template):
    """The good batch, loaded before the bad input arrives; returns the snapshot it must keep."""
    template_landing, template_warehouse, snapshot = baseline_template
    shutil.copytree(template_landing, landing)
    shutil.copyfile(template_warehouse, warehouse)
    return snapshot


def ingest(landing: Path, warehouse: Path):
    return {o.file_name: o for o in ingest_landing(landing, warehouse) if o.status != "unchanged"}


# ---------------------------------------------------------------------------------------------
# Files refused whole: (file name, bytes, the exact reason)

GOOD_TASK_CSV = csv_bytes([TASK_HEADER, task_row("T-0101"), task_row("T-0102")])
GOOD_TASK_GB = csv_bytes([TASK_HEADER, task_row("T-0101"), task_row("T-0102")], "gb18030")
GOOD_TASK_XLSX = xlsx_bytes([TASK_HEADER, task_row("T-0101"), task_row("T-0102")])


def _zip_of(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, data)
    return buf.getvalue()


def _cut_in_last_row(data: bytes, cells: int) -> bytes:
    """Cut a CSV after `cells` cells of its last row."""
    start = data.rindex(b"\r\n", 0, -2) + 2
    for _ in range(cells):
        start = data.index(b",", start) + 1
    return data[:start - 1]


def _cut_in_last_character(data: bytes) -> bytes:
    """Cut a UTF-8 file inside the last Chinese character (the CRLF end and half a character gone)."""
    body = data.rstrip(b"\r\n") + "备注".encode()
    return body[:-1]


def _lines(*lines: str) -> bytes:
    """A UTF-8 CSV written line by line, CRLF ends: for files no CSV writer would produce."""
    return "".join(line + "\r\n" for line in lines).encode()


TASK_LINE = ",".join(TASK_HEADER)
OBJECT_LINE = ",".join(OBJECT_HEADER)


def _task_line(task_id: str) -> str:
    return ",".join(task_row(task_id))


def _object_line(code: str, name: str, last: str = "A类") -> str:
    return ",".join([code, name, "企业", "是", "210402", "存续", last])


REDOWNLOAD = "请重新从平台导出"
RESAVE = "请用 Excel 打开核对该行，另存为 CSV 后再放入，或重新从平台导出"
ENCODING = "请按 UTF-8 或 GB18030 重新导出"
NO_HEADER = "未找到表头：前 10 行中没有「抽查任务」的列名（如「任务编号」「任务名称」「发起部门」「任务来源」）"

REFUSED_FILES = [
    pytest.param("抽查任务_utf16.csv", ",".join(TASK_HEADER).encode("utf-16"),
                 f"CSV 文件是 UTF-16 编码（Excel「Unicode 文本」），本系统不支持：{ENCODING}", id="utf-16 with BOM"),
    pytest.param("抽查任务_utf16le.csv", GOOD_TASK_CSV.decode().encode("utf-16-le"),
                 f"文件含有空字节（NUL），不是文本 CSV：可能是 UTF-16 编码或二进制文件，{ENCODING}", id="utf-16 without BOM"),
    pytest.param("抽查任务_latin1.csv", "Name,Straße,Zoë,Café\r\nMüller,x,y,z\r\n".encode("latin-1"),
                 f"CSV 文件编码无法识别（约第 1 行）：既不是 UTF-8 也不是 GB18030/GBK。{ENCODING}", id="latin-1"),
    pytest.param("抽查任务_latin1_gb.csv", "Prüfungsamt Größe\r\nÄrger\r\n".encode("latin-1"),
                 NO_HEADER + "。文件不是 UTF-8，已按 GB18030 解读；若列名显示为乱码，说明编码不对：" + ENCODING,
                 id="latin-1 that decodes as GB18030 gibberish"),
    pytest.param("抽查任务_damaged.csv", GOOD_TASK_CSV.replace(b"T-0102", b"T-01\xff02"),
                 f"CSV 文件编码无法识别：第 3 行附近有既不是 UTF-8 也不是 GB18030 的字节（此前的内容是 UTF-8），文件可能已损坏。{ENCODING}",
                 id="UTF-8 with one damaged byte"),
    pytest.param("抽查任务_c1.csv", GOOD_TASK_GB.replace(b"T-0102", b"T-\x81\x30\x81\x30"),
                 f"CSV 文件编码无法识别（约第 3 行）：既不是 UTF-8，按 GB18030 解读又出现乱码。{ENCODING}",
                 id="GB18030 bytes decoding to control characters"),
    pytest.param("抽查任务_pua.csv", "任务编号,任务名称\r\n".encode("gb18030") + bytes(range(0xaa, 0xb0)) * 40 + b"\r\n",
                 f"CSV 文件编码无法识别（约第 2 行）：既不是 UTF-8，按 GB18030 解读又出现乱码。{ENCODING}",
                 id="GB18030 decoding mostly to private-use characters"),
    pytest.param("抽查任务_cut.csv", _cut_in_last_row(GOOD_TASK_CSV, cells=2),
                 f"文件不完整：末尾没有换行符，最后一行（第 3 行）可能被截断，且只有 2 列、表头有 12 列，文件可能没有完整下载或复制：{REDOWNLOAD}",
                 id="csv cut mid-row"),
    pytest.param("抽查任务_cut_value.csv", GOOD_TASK_CSV.rstrip(b"\r\n")[:-1],
                 f"文件不完整：末尾没有换行符，最后一行（第 3 行）可能被截断，文件可能没有完整下载或复制：{REDOWNLOAD}",
                 id="csv cut inside the last value (2020-07-10 -> 2020-07-1)"),
    pytest.param("抽查任务_cut_char.csv", _cut_in_last_character(GOOD_TASK_CSV),
                 f"文件末尾不完整（最后一个汉字只有一半），文件可能在下载或复制时被截断：{REDOWNLOAD}",
                 id="csv cut inside a character"),
    pytest.param("抽查任务_cut.xlsx", GOOD_TASK_XLSX[: len(GOOD_TASK_XLSX) // 2],
                 "Excel 工作簿已损坏或不完整（文件可能在下载或复制时被截断），无法打开：请重新从平台下载", id="xlsx cut mid-zip"),
    pytest.param("抽查任务_empty.csv", b"", f"文件为空（0 字节）：{REDOWNLOAD}", id="empty csv"),
    pytest.param("抽查任务_empty.xlsx", b"", f"文件为空（0 字节）：{REDOWNLOAD}", id="empty xlsx"),
    pytest.param("抽查任务_bom.csv", b"\xef\xbb\xbf", "文件没有任何内容行", id="BOM only"),
    pytest.param("抽查任务_blank.csv", b"\r\n \r\n,,\r\n", NO_HEADER, id="blank lines only"),
    pytest.param("抽查任务_zip.xlsx", _zip_of("抽查任务_202007.csv", GOOD_TASK_CSV),
                 "文件扩展名为 .xlsx，但内容是 ZIP 压缩包（内含 「抽查任务_202007.csv」）而不是 Excel 工作簿：请解压后放入其中的导出文件",
                 id="zip saved as xlsx"),
    pytest.param("抽查任务_html.xlsx", b"\r\n<html><head><title>502 Bad Gateway</title></head></html>",
                 "文件扩展名为 .xlsx，但内容是网页（HTML）而不是 Excel 工作簿：请重新从平台下载", id="html saved as xlsx"),
    pytest.param("抽查任务_html.csv", "\ufeff\n<!DOCTYPE html><html><body>会话已过期，请重新登录</body></html>".encode(),
                 "文件扩展名为 .csv，但内容是网页（HTML）而不是 CSV 文本：请重新从平台下载", id="html saved as csv"),
    pytest.param("抽查任务_xlsx.csv", GOOD_TASK_XLSX,
                 "文件扩展名为 .csv，但内容是Excel 工作簿或 ZIP 压缩包而不是 CSV 文本：请另存为 .xlsx 后再放入",
                 id="xlsx saved as csv"),
    pytest.param("抽查任务_missing.csv",
                 csv_bytes([[h for h in TASK_HEADER if h != "任务来源"], [c for h, c in zip(TASK_HEADER, task_row()) if h != "任务来源"]]),
                 "缺少必需的列：「任务来源」（表头在第 1 行）", id="missing column"),
    pytest.param("抽查任务_renamed.csv", csv_bytes([["来源类型" if h == "任务来源" else h for h in TASK_HEADER], task_row()]),
                 "缺少必需的列：「任务来源」（表头在第 1 行）；文件中这些列名无法识别，可能是被改了名：「来源类型」", id="renamed column"),
    pytest.param("抽查任务_doubled.csv", csv_bytes([TASK_HEADER + ["任务名称"], task_row() + ["又一个名称"]]),
                 "同一列出现多次（含同义列名）：「任务名称」在第 2、13 列。请删除重复的列", id="duplicated column"),
    # Quoting and line ends that DuckDB's lenient reader would silently alter or swallow (issue 17)
    pytest.param("检查对象名录_unclosed.csv",
                 _lines(OBJECT_LINE, _object_line(GOOD_USCC, "某公司", '"抚顺市高湾红河商业有限公司'),
                        _object_line(OTHER_USCC, "乙公司"), _object_line(uscc("92210402MA0T88888"), "丙公司")),
                 "CSV 文件第 2 行第 7 列的引号跨行没有闭合，而第 3 行看起来是完整的一行（7 列）："
                 f"引号可能没有成对，其后的行会被并进一个单元格。{RESAVE}",
                 id="unclosed quote swallowing the later rows"),
    pytest.param("检查对象名录_unclosed_end.csv",
                 _lines(OBJECT_LINE, _object_line(GOOD_USCC, '"某公司')) + "地址\r\n".encode(),
                 f"CSV 文件第 2 行第 2 列开始的引号直到文件末尾都没有闭合：其后的行都会被并进这一个单元格。{RESAVE}",
                 id="quote open at the end of the file"),
    pytest.param("抽查任务_bare_cr.csv",
                 (TASK_LINE + "\r\n" + _task_line("T-0101") + "\r" + _task_line("210400-QXJ-0102") + "\r\n").encode(),
                 "CSV 文件第 2 行有单独的回车符（CR）：行的边界不明确（「20/12/31/,2020-07-10␍210400-QXJ-0102,202」）："
                 + RESAVE, id="a bare CR ending one row of a CRLF file"),
    pytest.param("抽查任务_after_quote.csv",
                 _lines(TASK_LINE, _task_line("T-0101").replace("2020年食品经营抽查", '"ab"cd')),
                 f"CSV 文件第 2 行第 2 列的引号闭合后还有其他字符：单元格的内容不明确（「T-0101,\"ab\"cd,市市场监管局,计划任务,部门联合,」）：{RESAVE}",
                 id="text after a closing quote"),
    pytest.param("抽查任务_mid_quote.csv",
                 _lines(TASK_LINE, _task_line("T-0101").replace("市市场监管局", 'a "b"')),
                 f"CSV 文件第 2 行第 3 列的引号不在单元格开头：单元格的边界不明确（「-0101,2020年食品经营抽查,a \"b\",计划任务,部门联合,不定向抽查,」）：{RESAVE}",
                 id="a quote inside an unquoted cell"),
    pytest.param("抽查任务_long_cell.csv",
                 _lines(TASK_LINE, *(_task_line(f"T-{i:04d}") for i in range(30)))
                 + _lines(_task_line("T-9999").replace("2020年食品经营抽查", "长" * 40_000)),
                 f"CSV 文件第 32 行第 2 列超过 32767 个字符（单元格长度上限），可能是引号没有成对或文件已损坏：{RESAVE}",
                 id="a cell over the length limit past the header probe"),
    pytest.param("抽查任务_wide.csv",
                 _lines(TASK_LINE, *(_task_line(f"T-{i:04d}") for i in range(25)), _task_line("T-9999") + "," * 20_000),
                 "CSV 文件第 27 行超过 16384 列（Excel 的列数上限）：可能是分隔符或引号有误。" + RESAVE,
                 id="a row of 20,000 cells past the header probe"),
    # Workbooks: every sheet loaded, refused or named as ignored; formulas without a value (issue 17)
    pytest.param("抽查任务_sheets.xlsx",
                 raw_xlsx_bytes({"Sheet1": [inline_row(TASK_HEADER), inline_row(task_row("T-0101"))],
                                 "Sheet2": [inline_row(TASK_HEADER), inline_row(task_row("T-0102"))]}),
                 "数据分在 2 个工作表（「Sheet1」「Sheet2」）：请合并到一个工作表，或每个工作表另存为一个文件",
                 id="rows continued on a second sheet"),
    pytest.param("抽查任务_covers.xlsx",
                 raw_xlsx_bytes({"说明": [inline_row(["本文件由平台导出"]), inline_row(["任务编号：任务的唯一编号"])],
                                 "空白": [], "<b>备注</b>": [inline_row(["任务编号", "见说明"])]}),
                 "未找到表头：已查看工作表「说明」「<b>备注</b>」，前 10 行中都没有「抽查任务」的列名（如「任务编号」「任务名称」「发起部门」「任务来源」）",
                 id="cover sheets only, each named"),
    pytest.param("抽查任务_formula.xlsx",
                 raw_xlsx_bytes({"Sheet1": [
                     inline_row(TASK_HEADER), inline_row(task_row("T-0101")),
                     inline_row(task_row("T-0102"))[:-len("</row>")] + b'<c r="M3"><f>J3+1</f></c></row>',
                     b'<row r="4"><c r="A4" t="str"><f>"T-"&amp;"0103"</f></c><c r="B4"><f>B3</f><v>1</v></c></row>']}),
                 "工作表「Sheet1」有 2 个公式单元格没有计算结果（如 M3）：请在 Excel 中重新计算并保存，或把公式粘贴为数值",
                 id="formula cells without a computed value"),
    pytest.param("抽查任务_far_cell.xlsx",
                 raw_xlsx_bytes({"Sheet1": [inline_row(TASK_HEADER), inline_row(task_row("T-0101")),
                                            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>']}),
                 "工作表「Sheet1」的范围达 1048576 行 × 16384 列（17179869184 个单元格），超过上限 20000000：可能是异常文件，"
                 "或表格远处有零散的单元格。请删除多余的行列后另存，或请按月份拆分导出，或改用 CSV 格式导出",
                 id="one far cell: a grid of 17 billion cells (the reader would abort the process)"),
    pytest.param("抽查任务_doubled.xlsx", xlsx_bytes([TASK_HEADER + ["牵头部门"], task_row() + ["市局"]]),
                 "同一列出现多次（含同义列名）：「发起部门」在第 3、13 列。请删除重复的列", id="duplicated column via a synonym"),
]


@pytest.mark.parametrize("name, content, reason", REFUSED_FILES)
def test_a_broken_file_is_refused_whole_with_its_reason_and_disturbs_nothing(landing, warehouse, baseline, name, content, reason):
    write_bytes(landing / BATCH / name, content)
    out = ingest(landing, warehouse)[name]
    assert (out.status, out.rows_read, out.rows_loaded, out.rows_rejected) == ("rejected", 0, 0, 0)
    assert out.message == reason
    assert query(warehouse, "SELECT batch_id, file_name, status, message FROM raw.load_log WHERE batch_id = ?",
                 [BATCH]) == [(BATCH, name, "rejected", reason)]
    assert query(warehouse, "SELECT count(*) FROM raw.task WHERE _batch_id = ?", [BATCH]) == [(0,)]
    assert raw_snapshot(warehouse) == baseline
    assert reconciles(warehouse)
    # refused once, recorded once: the next run leaves it alone
    assert ingest(landing, warehouse) == {}


@pytest.mark.parametrize("records_before", [2, 40])  # the scanner counts the first records one by one, later ones in blocks
def test_a_rejected_row_after_blank_lines_is_named_by_the_row_a_spreadsheet_shows(landing, warehouse, records_before):
    """DuckDB skips blank lines; Excel shows them as rows. The reject must name the row the clerk finds."""
    good = [",".join(task_row(f"T-{i:04d}")) for i in range(records_before)]
    lines = [",".join(TASK_HEADER), "", *good, "", "", ",".join(task_row("T-BAD", 开始日期="2020-02-30")), "",
             ",".join(task_row("T-LAST"))]
    write_bytes(landing / BATCH / "抽查任务_202007.csv", ("\r\n".join(lines) + "\r\n").encode())
    out = ingest(landing, warehouse)["抽查任务_202007.csv"]
    assert (out.rows_read, out.rows_rejected) == (records_before + 2, 1)
    bad_line = lines.index(",".join(task_row("T-BAD", 开始日期="2020-02-30"))) + 1
    assert query(warehouse, "SELECT _row_number FROM raw.rejects") == [(bad_line,)]
    assert query(warehouse, "SELECT _row_number FROM raw.task WHERE task_id = 'T-LAST'") == [(len(lines),)]


def test_an_invisible_character_in_a_header_is_named(landing, warehouse):
    """Issue 17: a BOM inside a header cell made a header that looks right unknown, without saying why."""
    header = [TASK_HEADER[0], "\ufeff" + TASK_HEADER[1], *TASK_HEADER[2:]]  # not the file's own BOM
    write_csv(landing / BATCH / "抽查任务_202007.csv", [header, task_row("T-0101")])
    out = ingest(landing, warehouse)["抽查任务_202007.csv"]
    assert out.status == "rejected"
    assert out.message.endswith("文件中这些列名无法识别，可能是被改了名：「\\ufeff任务名称」（含不可见字符 U+FEFF，"
                                "请在表格中删除后重新输入该列名）")


def test_header_only_files_load_nothing_and_say_so(landing, warehouse, baseline):
    write_bytes(landing / BATCH / "抽查任务_a.csv", csv_bytes([TASK_HEADER]))
    write_bytes(landing / BATCH / "抽查任务_b.xlsx", xlsx_bytes([TASK_HEADER], title_rows=1))
    write_bytes(landing / BATCH / "抽查任务_c.csv", ",".join(TASK_HEADER).encode())  # not even a line break
    out = ingest(landing, warehouse)
    assert {n: (o.status, o.rows_read, o.message) for n, o in out.items()} == {
        n: ("loaded", 0, "文件只有表头，没有数据行") for n in ("抽查任务_a.csv", "抽查任务_b.xlsx", "抽查任务_c.csv")}
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)


def test_extra_columns_are_ignored_and_named_extra_cells_rejected(landing, warehouse, baseline):
    write_csv(landing / BATCH / "抽查任务_202007.csv", [
        TASK_HEADER + ["备注", "经办人"], task_row("T-0101") + ["无", "李四"], task_row("T-0102") + ["", "", "多出一格"]])
    out = ingest(landing, warehouse)["抽查任务_202007.csv"]
    assert (out.rows_read, out.rows_loaded, out.rows_rejected) == (2, 1, 1)
    assert out.message == "已忽略数据规范之外的列：「备注」、「经办人」"
    assert query(warehouse, "SELECT _row_number, reasons FROM raw.rejects") == [
        (3, "该行有 1 个单元格不在任何表头下（列数多于表头）")]
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)


# ---------------------------------------------------------------------------------------------
# Rows refused with their reasons: one wrong value of every type

ROW_CASES = [
    pytest.param("抽查任务", TASK_HEADER, task_row("T-0101"), task_row("T 0102!"),
                 "编码格式错误", "「任务编号」的值「T 0102!」格式不符合编码规则", id="code pattern"),
    pytest.param("检查对象名录", OBJECT_HEADER, [GOOD_USCC, "甲公司", "企业", "是", "210402", "存续", "A类"],
                 [GOOD_USCC[:-1] + ("0" if GOOD_USCC[-1] != "0" else "1"), "乙公司", "企业", "是", "210402", "存续", "A类"],
                 "统一社会信用代码无效",
                 f"「统一社会信用代码」的值「{GOOD_USCC[:-1] + ('0' if GOOD_USCC[-1] != '0' else '1')}」不是有效的统一社会信用代码（18 位，校验位按 GB 32100-2015）",
                 id="uscc check digit"),
    pytest.param("检查对象名录", OBJECT_HEADER, [GOOD_USCC, "甲公司", "企业", "是", "210402", "存续", "A类"],
                 ["91210400MA0TI2345X", "乙公司", "企业", "是", "210402", "存续", "A类"],
                 "统一社会信用代码无效",
                 "「统一社会信用代码」的值「91210400MA0TI2345X」不是有效的统一社会信用代码（18 位，校验位按 GB 32100-2015）",
                 id="uscc letter I not allowed"),
    pytest.param("抽查任务", TASK_HEADER, task_row("T-0101"), task_row("T-0102", 开始日期="2020-02-30"),
                 "日期无法识别",
                 "「开始日期」的值「2020-02-30」不是可识别的日期（可写作 2020-07-03、2020/7/3、2020年7月3日）",
                 id="impossible calendar date"),
    pytest.param("抽查计划", PLAN_HEADER, plan_row(), plan_row(计划编号="抚市监〔2020〕2号", 计划年度="二〇二〇"),
                 "数值无法识别", "「计划年度」的值「二〇二〇」不是整数", id="int"),
    pytest.param("抽查任务", TASK_HEADER, task_row("T-0101"), task_row("T-0102", 是否突击检查="不一定"),
                 "是否值无法识别", "「是否突击检查」的值「不一定」应为「是」或「否」", id="bool"),
    pytest.param("抽查任务", TASK_HEADER, task_row("T-0101"), task_row("T-0102", 任务来源="领导交办"),
                 "取值不在字典内", "「任务来源」的值「领导交办」不在字典内（可选：计划、上级部署、突发情况）",
                 id="unknown enumeration value"),
    pytest.param("抽查事项清单", ITEM_HEADER, item_row(), item_row(事项编码="SCJG-002", 检查方式="实地检查、飞行检查"),
                 "取值不在字典内",
                 "「检查方式」的值「实地检查、飞行检查」含有不在字典内的值（可选：实地检查、书面检查、采信其他部门结果、检验检测、网络监测、委托专业机构，多个值用顿号或分号分隔）",
                 id="list with an unknown label"),
    pytest.param("抽查任务", TASK_HEADER, task_row("T-0101"), task_row("T-0102", 发起处室=" \u3000 "),
                 "必填项为空", "「发起部门」为必填项，但为空（文件中的列名为「发起处室」）",
                 id="required blank, named by the file's own header"),
    pytest.param("抽查任务", TASK_HEADER, task_row("T-0101"), task_row("T-0102", 结束日期="2020-06-30"),
                 "日期先后矛盾", "「结束日期」（2020-06-30）早于「开始日期」（2020-07-03）：任务不能在开始之前就结束，请核对这两个日期",
                 id="task ends before it starts"),
    pytest.param("检查结果", RESULT_HEADER, result_row("R-0101"), result_row("R-0102", 结果形成日期="2020-07-01"),
                 "日期先后矛盾",
                 "「结果形成日期」（2020-07-01）早于「检查日期」（2020-07-05）：检查结果不能在检查之前形成，请核对这两个日期",
                 id="result formed before the inspection"),
    pytest.param("检查结果", RESULT_HEADER, result_row("R-0101"), result_row("R-0102", 告知书送达日期="2020/7/1"),
                 "日期先后矛盾",
                 "「告知书送达日期」（2020-07-01）早于「检查日期」（2020-07-05）：告知书不能在检查之前送达，请核对这两个日期",
                 id="notice served before the inspection"),
    pytest.param("检查结果", RESULT_HEADER, result_row("R-0101"),
                 result_row("R-0102", 后续处置状态="已办结", 处置办结日期="2020年7月7日"), "日期先后矛盾",
                 "「处置办结日期」（2020-07-07）早于「结果形成日期」（2020-07-08）：后续处置不能在结果形成之前办结，请核对这两个日期",
                 id="follow-up closed before the result was formed"),
    pytest.param("抽查事项清单", ITEM_HEADER, item_row(), item_row(事项编码="SCJG-002", 失效日期="2019-12-31"),
                 "日期先后矛盾", "「失效日期」（2019-12-31）早于「生效日期」（2020-01-01）：事项不能在生效之前就失效，请核对这两个日期",
                 id="item expires before it takes effect"),
    pytest.param("执法检查人员名录", INSPECTOR_HEADER, inspector_row(), inspector_row(人员编号="P-0002", 出库日期="2018-12-31"),
                 "日期先后矛盾", "「出库日期」（2018-12-31）早于「入库日期」（2019-01-01）：人员不能在入库之前就出库，请核对这两个日期",
                 id="inspector leaves before joining"),
    pytest.param("违法失信名单", BLACKLIST_HEADER, blacklist_row(), blacklist_row(列入日期="2020-03-02", 移出日期="2020-03-01"),
                 "日期先后矛盾", "「移出日期」（2020-03-01）早于「列入日期」（2020-03-02）：不能在列入之前就移出名单，请核对这两个日期",
                 id="blacklist removal before listing"),
    # issue 17: dates where they cannot be (after the export date; before the policy's window)
    pytest.param("检查结果", RESULT_HEADER, result_row("R-0101"), result_row("R-0102", 结果形成日期="2099-12-31"),
                 "日期晚于导出日期",
                 "「结果形成日期」的值（2099-12-31）晚于本批次的导出日期（2020-08-03）：导出时还没有到来的日期不可能是真实记录，请核对",
                 id="result formed after the export date"),
    pytest.param("检查结果", RESULT_HEADER, result_row("R-0101"), result_row("R-0102", 结果公示日期="2020-08-04"),
                 "日期晚于导出日期",
                 "「结果公示日期」的值（2020-08-04）晚于本批次的导出日期（2020-08-03）：导出时还没有到来的日期不可能是真实记录，请核对",
                 id="published the day after the export"),
    pytest.param("检查结果", RESULT_HEADER, result_row("R-0101"),
                 result_row("R-0102", 检查日期="1900-01-01", 结果形成日期="1900-01-02", 结果公示日期="", 告知书送达日期=""),
                 "日期早于监管起始日",
                 "「检查日期」的值（1900-01-01）早于 2019-01-01：双随机、一公开监管数据和工作日历都从这一天开始，无法计算时限，请核对；"
                 "「结果形成日期」的值（1900-01-02）早于 2019-01-01：双随机、一公开监管数据和工作日历都从这一天开始，无法计算时限，请核对",
                 id="inspected in 1900"),
    pytest.param("抽查任务", TASK_HEADER, task_row("T-0101"), task_row("T-0102", 开始日期="1900-01-01"),
                 "日期早于监管起始日",
                 "「开始日期」的值（1900-01-01）早于 2019-01-01：双随机、一公开监管数据和工作日历都从这一天开始，无法计算时限，请核对",
                 id="task planned to start in 1900"),
    pytest.param("抽查计划", PLAN_HEADER, plan_row(), plan_row(计划编号="抚市监〔2020〕2号", 计划年度="-2024"),
                 "日期早于监管起始日", "「计划年度」的值（-2024）早于 2019 年：双随机、一公开监管数据从这一年开始，请核对",
                 id="plan year -2024"),
    pytest.param("抽查计划", PLAN_HEADER, plan_row(), plan_row(计划编号="抚市监〔2020〕2号", 计划年度="2099"),
                 "日期晚于导出日期", "「计划年度」的值（2099）晚于本批次导出年份的下一年（2021）：请核对",
                 id="plan year 2099"),
]


@pytest.mark.parametrize("label, header, good, bad, kind, reason", ROW_CASES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_wrong_value_rejects_its_row_verbatim_with_its_reason(landing, warehouse, baseline, fmt, label, header, good, bad,
                                                                kind, reason):
    name = f"{label}_202007.{fmt}"
    write_bytes(landing / BATCH / name, (csv_bytes if fmt == "csv" else xlsx_bytes)([header, good, bad]))
    out = ingest(landing, warehouse)[name]
    assert (out.status, out.rows_read, out.rows_loaded, out.rows_rejected) == ("loaded", 2, 1, 1)
    [(file_name, row_number, reasons, kinds, row_json)] = query(
        warehouse, "SELECT _file_name, _row_number, reasons, reason_kinds, row_json FROM raw.rejects")
    assert (file_name, row_number, reasons, kinds) == (name, 3, reason, kind)
    assert all(f'"{h}":' in row_json for h in header)
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)


def test_several_problems_in_one_row_are_all_named(landing, warehouse):
    write_csv(landing / BATCH / "检查结果_202007.csv", [
        RESULT_HEADER, result_row("R-0101", 检查结果="不知道", 结果形成日期="2020-07-01", 统一社会信用代码="123")])
    ingest(landing, warehouse)
    [(reasons, kinds)] = query(warehouse, "SELECT reasons, reason_kinds FROM raw.rejects")
    assert reasons.split("；") == [
        "「统一社会信用代码」的值「123」不是有效的统一社会信用代码（18 位，校验位按 GB 32100-2015）",
        "「检查结果」的值「不知道」不在字典内（可选：未发现问题、未按规定公示应当公示的信息、公示信息隐瞒真实情况弄虚作假、"
        "通过登记的住所（经营场所）无法联系、发现其他违法违规问题、发现问题经责令已改正、未发现开展本次抽查涉及的经营活动、"
        "已关闭停业或正在组织清算、不配合检查情节严重、已注销或被吊销或迁出）",
        "「结果形成日期」（2020-07-01）早于「检查日期」（2020-07-05）：检查结果不能在检查之前形成，请核对这两个日期",
    ]
    assert kinds == "取值不在字典内；日期先后矛盾；统一社会信用代码无效"


def test_publication_before_the_event_is_not_refused(landing, warehouse):
    """Back-dated publication happens on the platform; dbt reports it as a publication anomaly."""
    write_csv(landing / BATCH / "检查结果_202007.csv", [RESULT_HEADER, result_row("R-0101", 结果公示日期="2020-07-01")])
    write_csv(landing / BATCH / "抽查任务_202007.csv", [TASK_HEADER, task_row("T-0101", 公示日期="2020-06-01")])
    out = ingest(landing, warehouse)
    assert [o.rows_loaded for o in out.values()] == [1, 1]


def test_dates_that_may_lie_outside_the_window_still_load(landing, warehouse):
    """A business registered in 1991, a task planned to end next year, an item open-ended to 2099."""
    write_csv(landing / BATCH / "检查对象名录_202007.csv",
              [OBJECT_HEADER + ["成立日期"], [GOOD_USCC, "某公司", "企业", "是", "210402", "存续", "A类", "1991-12-31"]])
    write_csv(landing / BATCH / "抽查任务_202007.csv", [TASK_HEADER, task_row("T-0101", 结束日期="2021-06-30")])
    write_csv(landing / BATCH / "抽查事项清单_202007.csv", [ITEM_HEADER, item_row(失效日期="2099-12-31")])
    out = ingest(landing, warehouse)
    assert {n: (o.rows_loaded, o.rows_rejected) for n, o in out.items()} == {
        "检查对象名录_202007.csv": (1, 0), "抽查任务_202007.csv": (1, 0), "抽查事项清单_202007.csv": (1, 0)}


def test_a_wrong_decimal_is_rejected():
    """No contract column is a decimal yet: the type's check, run on its own."""
    col = Column(name="ratio", header="抽查比例", type="decimal", required=True)
    value, checks = column_sql(col, "s.c0", "_t_ratio", "_k_ratio")
    con = duckdb.connect()
    for statement in macros():
        con.execute(statement)
    rows = con.execute(
        f"""WITH s AS (SELECT * FROM (VALUES ('3.5%'), ('1,200.25'), ('三成'), ('')) v(c0)),
                 t AS (SELECT s.c0, sssg_text(s.c0) AS _t_ratio, sssg_key(s.c0) AS _k_ratio FROM s),
                 v AS (SELECT c0, {value} AS ratio, _t_ratio IS NOT NULL AS _has_ratio FROM t s)
            SELECT c0, ratio, {', '.join(f'CASE WHEN {c.flag} THEN {c.message.replace("s.c0", "c0")} END' for c in checks)}
            FROM v"""
    ).fetchall()
    assert [(r[0], r[1]) for r in rows][:2] == [("3.5%", 3.5), ("1,200.25", 1200.25)]
    assert rows[2][1:] == (None, None, "「抽查比例」的值「三成」不是数值")
    assert rows[3][1:] == (None, "「抽查比例」为必填项，但为空", None)


# ---------------------------------------------------------------------------------------------
# Keys: duplicates in one file, conflicting restatements in one batch, corrections in a later one

def test_duplicate_keys_in_one_file_reject_every_copy_even_when_written_differently(landing, warehouse, baseline):
    write_csv(landing / BATCH / "抽取名单_202007.csv", [
        DRAW_HEADER, draw_row(), draw_row(任务编号="Ｔ－0001".replace("－", "-"), 抽取日期="2020/7/2"),
        draw_row(统一社会信用代码=OTHER_USCC)])
    out = ingest(landing, warehouse)["抽取名单_202007.csv"]
    assert (out.rows_read, out.rows_loaded, out.rows_rejected) == (3, 1, 2)
    assert query(warehouse, "SELECT _row_number, reasons, reason_kinds FROM raw.rejects ORDER BY 1") == [
        (r, f"记录键（任务编号=T-0001，统一社会信用代码={GOOD_USCC}）在本文件中重复出现 2 次：第 2、3 行", "同一文件内记录重复")
        for r in (2, 3)]
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)


def test_a_key_repeated_many_times_names_its_first_rows_and_the_count(landing, warehouse, baseline):
    write_csv(landing / BATCH / "抽取名单_202007.csv", [DRAW_HEADER, *([draw_row()] * 25), draw_row(统一社会信用代码=OTHER_USCC)])
    out = ingest(landing, warehouse)["抽取名单_202007.csv"]
    assert (out.rows_read, out.rows_loaded, out.rows_rejected) == (26, 1, 25)
    assert query(warehouse, "SELECT DISTINCT reasons FROM raw.rejects") == [
        (f"记录键（任务编号=T-0001，统一社会信用代码={GOOD_USCC}）在本文件中重复出现 25 次：第 2、3、4、5、6、7、8、9、10、11 行等",)]
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)


CONFLICT_TAIL = "不一致）：同一批次内无法判断哪一个正确，两处均不载入；请核实后把正确的记录放入新的批次（以新的导出日期命名）"


def test_one_key_restated_differently_by_two_files_of_a_batch_rejects_both(landing, warehouse, baseline):
    write_csv(landing / BATCH / "检查结果_a.csv", [RESULT_HEADER, result_row("R-0101"), result_row("R-0102")])
    write_bytes(landing / BATCH / "检查结果_b.xlsx", xlsx_bytes([
        RESULT_HEADER, result_row("R-0103"), result_row("R-0101", 检查结果="发现问题已责令改正", 后续处置状态="已办结",
                                                        处置办结日期="2020-08-01"),
        result_row("R-0102")]))  # restated unchanged: harmless
    out = ingest(landing, warehouse)
    assert [(o.rows_read, o.rows_loaded, o.rows_rejected) for o in out.values()] == [(2, 2, 0), (3, 2, 1)]
    assert query(warehouse, "SELECT _file_name, _row_number, reasons, reason_kinds FROM raw.rejects ORDER BY 1") == [
        ("检查结果_a.csv", 2, "记录键（结果编号=R-0101）与同一批次文件「检查结果_b.xlsx」第 3 行的同一记录内容不同（「检查结果」「后续处置状态」「处置办结日期」"
         + CONFLICT_TAIL + "。该行此前已载入，现已撤回（原始行按载入后的值列出）", "同一批次内记录冲突"),
        ("检查结果_b.xlsx", 3, "记录键（结果编号=R-0101）与同一批次文件「检查结果_a.csv」第 2 行的同一记录内容不同（「检查结果」「后续处置状态」「处置办结日期」"
         + CONFLICT_TAIL, "同一批次内记录冲突"),
    ]
    assert query(warehouse, "SELECT result_id, _file_name FROM raw.result WHERE _batch_id = ? ORDER BY ALL", [BATCH]) == [
        ("R-0102", "检查结果_a.csv"), ("R-0102", "检查结果_b.xlsx"), ("R-0103", "检查结果_b.xlsx")]
    assert query(warehouse, "SELECT file_name, rows_read, rows_loaded, rows_rejected, message FROM raw.load_log "
                            "WHERE batch_id = ? ORDER BY 1", [BATCH]) == [
        ("检查结果_a.csv", 2, 1, 1, "1 行因与同批次文件「检查结果_b.xlsx」的记录冲突已撤回（见拒收记录）"),
        ("检查结果_b.xlsx", 3, 2, 1, "")]
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)
    assert ingest(landing, warehouse) == {}  # stable on the next run


def test_a_conflicting_file_arriving_in_a_later_run_withdraws_the_loaded_row(landing, warehouse, baseline):
    write_csv(landing / BATCH / "抽查任务_a.csv", [TASK_HEADER, task_row("T-0101")])
    ingest(landing, warehouse)
    write_csv(landing / BATCH / "抽查任务_b.csv", [TASK_HEADER, task_row("T-0101", 结束日期="2020-11-30")])
    ingest(landing, warehouse)
    assert query(warehouse, "SELECT count(*) FROM raw.task WHERE _batch_id = ?", [BATCH]) == [(0,)]
    assert query(warehouse, "SELECT _file_name, reason_kinds FROM raw.rejects ORDER BY 1") == [
        ("抽查任务_a.csv", "同一批次内记录冲突"), ("抽查任务_b.csv", "同一批次内记录冲突")]
    row_json = query(warehouse, "SELECT row_json FROM raw.rejects WHERE _file_name = '抽查任务_a.csv'")[0][0]
    assert '"任务编号":"T-0101"' in row_json and '"结束日期":"2020-12-31"' in row_json
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)


def test_a_later_batch_restating_a_key_is_a_correction_not_a_conflict(landing, warehouse, baseline):
    write_csv(landing / LATER / "检查结果_更正.csv", [RESULT_HEADER, result_row("R-0001", 检查结果="发现问题已责令改正")])
    out = ingest(landing, warehouse)["检查结果_更正.csv"]
    assert (out.rows_loaded, out.rows_rejected) == (1, 0)
    assert query(warehouse, "SELECT _batch_id, result_category FROM raw.result WHERE result_id = 'R-0001' ORDER BY 1") == [
        (BASE, "未发现问题"), (LATER, "发现问题经责令已改正")]
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)


def test_a_whole_batch_of_bad_files_leaves_earlier_data_and_reconciliation_intact(landing, warehouse, baseline):
    for i, param in enumerate(REFUSED_FILES):
        name, content, _ = param.values
        write_bytes(landing / BATCH / name, content)
    for i, param in enumerate(ROW_CASES):
        label, header, good, bad, _, _ = param.values
        write_bytes(landing / BATCH / f"{label}_{i:02d}.csv", csv_bytes([header, good, bad]))
    out = ingest(landing, warehouse)
    assert len(out) == len(REFUSED_FILES) + len(ROW_CASES)
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)


def test_a_rare_name_character_in_gb18030_private_use_still_loads(landing, warehouse):
    """Government systems put rare name characters (生僻字) in the private-use area: not gibberish."""
    data = csv_bytes([OBJECT_HEADER, [GOOD_USCC, "某某商店", "个体户", "是", "210402", "存续", "A类"]], "gb18030")
    write_bytes(landing / BATCH / "检查对象名录_202007.csv", data.replace("某某".encode("gb18030"), b"\xfe\x51\xa6\xd9"))
    out = ingest(landing, warehouse)["检查对象名录_202007.csv"]
    assert (out.status, out.rows_loaded) == ("loaded", 1)
    assert query(warehouse, "SELECT object_name FROM raw.object") == [("\ue816\ue78d商店",)]


# ---------------------------------------------------------------------------------------------
# CSV structure: what the lenient parser got wrong silently, now kept exactly or refused (issue 17)

MULTI_LINE_NAMES = ["抚顺市新抚区\r\n南阳路 12 号", "第一行\n第二行\n\n第四行", '含"引号",和逗号', "\r\n"]


def test_quoted_cells_with_line_breaks_load_byte_for_byte(landing, warehouse, baseline):
    rows = [TASK_HEADER] + [task_row(f"T-01{i:02d}", 任务名称=name) for i, name in enumerate(MULTI_LINE_NAMES)]
    data = csv_bytes(rows) + b"\r\n" + csv_bytes([task_row("T-0199")])  # and a blank line: not a row
    write_bytes(landing / BATCH / "抽查任务_202007.csv", data)
    out = ingest(landing, warehouse)["抽查任务_202007.csv"]
    assert (out.status, out.rows_read, out.rows_loaded, out.rows_rejected) == ("loaded", 5, 4, 1)
    # the stage holds every cell exactly as written
    con = duckdb.connect()
    read_into_stage(con, landing / BATCH / "抽查任务_202007.csv")
    assert con.execute(f"SELECT c1 FROM {STAGE} ORDER BY _row_number").fetchall() == [
        ("任务名称",), *((n,) for n in MULTI_LINE_NAMES), ("2020年食品经营抽查",)]
    # a blank cell (the name of only a line break) is refused as blank, and its verbatim row keeps it
    [(row_json,)] = query(warehouse, "SELECT row_json FROM raw.rejects")
    assert '"任务名称":"\\r\\n"' in row_json
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)


def test_cells_far_beyond_the_header_are_all_counted_not_dropped(landing, warehouse, baseline):
    """DuckDB drops cells beyond the columns it was given: the stage is as wide as the widest row."""
    write_csv(landing / BATCH / "抽查任务_202007.csv", [  # the wide row past the first 20 (the header probe)
        TASK_HEADER, *(task_row(f"T-01{i:02d}") for i in range(25)), task_row("T-0199") + [f"多{i}" for i in range(20)]])
    out = ingest(landing, warehouse)["抽查任务_202007.csv"]
    assert (out.rows_read, out.rows_loaded, out.rows_rejected) == (26, 25, 1)
    [(reasons, row_json)] = query(warehouse, "SELECT reasons, row_json FROM raw.rejects")
    assert reasons == "该行有 20 个单元格不在任何表头下（列数多于表头）"
    assert '"第32列":"多19"' in row_json
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)


def test_a_csv_whose_rows_duckdb_counts_differently_is_refused(landing, warehouse, baseline, monkeypatch):
    """The safety net behind the scanner: the stage must hold exactly the records counted line by line."""
    import pipelines.ingest.readers as readers

    real = readers.scan_csv
    monkeypatch.setattr(readers, "scan_csv", lambda path, limits: dataclasses.replace(
        real(path, limits), records=real(path, limits).records + 1))
    write_csv(landing / BATCH / "抽查任务_202007.csv", [TASK_HEADER, task_row("T-0101")])
    out = ingest(landing, warehouse)["抽查任务_202007.csv"]
    assert (out.status, out.message) == ("rejected", "CSV 文件读取结果与逐行检查不一致：逐行检查有 3 行记录，读取得到 2 行，"
                                         "文件的引号或换行可能有歧义：请用 Excel 打开核对，另存为 CSV 后再放入，或重新从平台导出")
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)


def test_a_duckdb_csv_error_never_shows_an_empty_original_line():
    text = "Invalid Input Error: CSV Error on Line: 25\nOriginal Line: \n\nMaximum line size of 2000000 bytes exceeded."
    assert _csv_error(Exception(text)) == "第 25 行"
    long_line = "Invalid Input Error: CSV Error on Line: 25\nOriginal Line: \nxxxxxxxx\n"
    assert _csv_error(Exception(long_line)) == "第 25 行，原文「xxxxxxxx」"


# ---------------------------------------------------------------------------------------------
# A failure nobody foresaw (DuckDB out of memory, say) refuses its file, never the whole run

OUT_OF_MEMORY = "Out of Memory Error: failed to allocate data of size 1.0 GiB (2.0 GiB/2.0 GiB used)"
UNEXPECTED = ("载入时出错（OutOfMemoryException：" + OUT_OF_MEMORY + "），文件未载入：请把此信息告知系统管理员；"
              "文件内容不变时不会重试，处理后请放入新的批次或删除该文件的载入记录")


def test_a_file_that_fails_unexpectedly_while_read_is_refused_and_the_run_goes_on(landing, warehouse, baseline, monkeypatch):
    import pipelines.ingest.load as load

    real = load.read_into_stage

    def read(con, path, **kwargs):
        if path.name == "抽查任务_a.csv":
            raise duckdb.OutOfMemoryException(OUT_OF_MEMORY)
        return real(con, path, **kwargs)

    monkeypatch.setattr(load, "read_into_stage", read)
    write_csv(landing / BATCH / "抽查任务_a.csv", [TASK_HEADER, task_row("T-0101")])
    write_csv(landing / BATCH / "检查结果_b.csv", [RESULT_HEADER, result_row("R-0101")])
    out = ingest(landing, warehouse)
    assert {n: (o.status, o.rows_loaded, o.message) for n, o in out.items()} == {
        "抽查任务_a.csv": ("rejected", 0, UNEXPECTED), "检查结果_b.csv": ("loaded", 1, "")}
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)
    assert ingest(landing, warehouse) == {}  # logged with its SHA-256: not tried again and again


def test_a_group_that_fails_unexpectedly_loads_its_other_files_one_by_one(landing, warehouse, baseline, monkeypatch):
    import pipelines.ingest.load as load

    real = load.check_group

    def check(con, entity):
        if ("抽查任务_bomb.csv",) in con.execute("SELECT file_name FROM _files").fetchall():
            raise duckdb.OutOfMemoryException(OUT_OF_MEMORY)
        return real(con, entity)

    monkeypatch.setattr(load, "check_group", check)
    # two batches: one group of three files
    write_csv(landing / BATCH / "抽查任务_bomb.csv", [TASK_HEADER, task_row("T-0101")])
    write_csv(landing / LATER / "抽查任务_ok.csv", [TASK_HEADER, task_row("T-0102"), task_row("T-0103", 开始日期="2020-02-30")])
    write_csv(landing / "20201001_再导出" / "抽查任务_ok2.csv", [TASK_HEADER, task_row("T-0104")])
    out = ingest(landing, warehouse)
    assert {n: (o.status, o.rows_read, o.rows_loaded, o.rows_rejected, o.message) for n, o in out.items()} == {
        "抽查任务_bomb.csv": ("rejected", 0, 0, 0, UNEXPECTED), "抽查任务_ok.csv": ("loaded", 2, 1, 1, ""),
        "抽查任务_ok2.csv": ("loaded", 1, 1, 0, "")}
    assert query(warehouse, "SELECT task_id FROM raw.task WHERE _batch_id <> ? ORDER BY 1", [BASE]) == [("T-0102",), ("T-0104",)]
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)
    assert ingest(landing, warehouse) == {}


def test_a_cover_sheet_is_named_as_ignored_and_the_data_sheet_loads(landing, warehouse, baseline):
    write_bytes(landing / BATCH / "抽查任务_202007.xlsx", raw_xlsx_bytes({
        "说明": [inline_row(["本文件由平台导出，字段说明："]), inline_row(["任务编号", "任务的唯一编号"])],
        "数据": [inline_row(TASK_HEADER), inline_row(task_row("T-0101")), inline_row(task_row("T-0102"))]}))
    out = ingest(landing, warehouse)["抽查任务_202007.xlsx"]
    assert (out.status, out.rows_read, out.rows_loaded, out.message) == (
        "loaded", 2, 2, "已忽略工作表「说明」（没有「抽查任务」的列名）")
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)


def test_a_workbook_whose_shared_strings_unpack_past_the_limit_is_refused(landing, warehouse, baseline):
    """0.3 MB on disk, 257 MB of shared strings once unpacked: the reader would hold them all."""
    def strings():
        block = b"<si><t>" + b"x" * (1 << 20) + b"</t></si>"
        for _ in range(257):
            yield block

    name = "抽查任务_bomb.xlsx"
    write_raw_xlsx(landing / BATCH / name, {"Sheet1": [inline_row(TASK_HEADER), inline_row(task_row("T-0101"))]}, strings())
    assert (landing / BATCH / name).stat().st_size < 1 << 20
    out = ingest(landing, warehouse)[name]
    reason = "Excel 工作簿的共享字符串解压后超过 256 MB（上限），可能是异常文件（压缩炸弹）：请按月份拆分导出，或改用 CSV 格式导出"
    assert (out.status, out.message) == ("rejected", reason)
    assert query(warehouse, "SELECT status, message FROM raw.load_log WHERE batch_id = ?", [BATCH]) == [("rejected", reason)]
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)
    assert ingest(landing, warehouse) == {}  # logged with its SHA-256: not unpacked again


def test_a_workbook_unpacking_past_the_total_limit_is_refused_while_streamed(landing, warehouse, baseline, monkeypatch):
    """The limit on all parts together, counted while decompressing (here lowered to 1 MB)."""
    import pipelines.ingest.readers as readers
    from pipelines.contract import load_contract

    contract = load_contract()
    small = dataclasses.replace(contract, limits=dataclasses.replace(contract.limits, max_xlsx_unpacked_bytes=1 << 20))
    monkeypatch.setattr(readers, "load_contract", lambda: small)
    rows = [inline_row(TASK_HEADER)] + [inline_row(task_row(f"T-{i:05d}")) for i in range(3000)]
    write_bytes(landing / BATCH / "抽查任务_big.xlsx", raw_xlsx_bytes({"Sheet1": rows}))
    out = ingest(landing, warehouse)["抽查任务_big.xlsx"]
    assert out.status == "rejected"
    assert out.message.startswith("Excel 工作簿解压后超过 1 MB（上限；已解压 ")
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)


@pytest.mark.parametrize("name, data", [
    ("抽查任务_rows.csv", csv_bytes([TASK_HEADER, *(task_row(f"T-{i:04d}") for i in range(30))])),
    ("抽查任务_rows.xlsx", raw_xlsx_bytes({"导出": [inline_row(TASK_HEADER), *(inline_row(task_row(f"T-{i:04d}")) for i in range(30))]})),
])
def test_a_file_over_the_row_limit_is_refused_while_streamed(landing, warehouse, baseline, monkeypatch, name, data):
    """The row limit (5,000,000; here lowered to 20), counted before the file is read into DuckDB."""
    import pipelines.ingest.readers as readers
    from pipelines.contract import load_contract

    contract = load_contract()
    small = dataclasses.replace(contract, limits=dataclasses.replace(contract.limits, max_rows=20))
    monkeypatch.setattr(readers, "load_contract", lambda: small)
    write_bytes(landing / BATCH / name, data)
    out = ingest(landing, warehouse)[name]
    sheet = "工作表「导出」" if name.endswith(".xlsx") else "文件"
    advice = "请按月份拆分导出，或改用 CSV 格式导出" if name.endswith(".xlsx") else "请按月份拆分导出"
    assert (out.status, out.message) == ("rejected", f"{sheet}超过 20 行（每个文件的行数上限）：{advice}")
    assert raw_snapshot(warehouse) == baseline and reconciles(warehouse)
