"""Reading one export file, whatever its format, into a DuckDB temp table of text cells.

The stage table has columns c0..cN (VARCHAR) and `_row_number` (the row as a spreadsheet shows it,
1-based); the header row is in it too, so the validator sees the file exactly as a clerk would.
"""
from __future__ import annotations

import codecs
import csv
import re
import datetime as dt
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

STAGE = "_stage"
XLSX_CHUNK_ROWS = 50_000
HEADER_PROBE_RECORDS = 20
SPARE_CSV_COLUMNS = 4


class FileProblem(Exception):
    """The file as a whole cannot be loaded; the message tells a clerk what to do."""


def read_into_stage(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """Fill the stage table from `path`; returns the format read (csv-utf-8 | csv-gb18030 | xlsx)."""
    con.execute(f"DROP TABLE IF EXISTS {STAGE}")
    if path.stat().st_size == 0:
        raise FileProblem("文件为空（0 字节）：请重新从平台导出")
    with path.open("rb") as fh:
        head = fh.read(8)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        if not head.startswith(b"PK"):
            kind = "网页（HTML）" if head.lstrip().lower().startswith((b"<!do", b"<htm")) else "其他格式"
            raise FileProblem(f"文件扩展名为 .xlsx，但内容是{kind}而不是 Excel 工作簿：请重新从平台下载")
        _read_xlsx(con, path)
        return "xlsx"
    if _is_utf8(path):
        _read_csv(con, path)
        return "csv-utf-8"
    with tempfile.TemporaryDirectory(prefix="sssg-transcode-") as tmp:
        utf8 = Path(tmp) / "utf8.csv"
        _transcode(path, utf8, "gb18030")
        _read_csv(con, utf8)
    return "csv-gb18030"


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _column_count(path: Path) -> int:
    """Columns of the widest of the first records (a title line may stand above the header)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        try:
            widths = [len(record) for _, record in zip(range(HEADER_PROBE_RECORDS), csv.reader(fh))]
        except csv.Error as exc:
            raise FileProblem(f"CSV 文件结构错误：{exc}") from exc
    if not widths or max(widths) == 0:
        raise FileProblem("文件没有任何内容行")
    return max(widths)


def _csv_error(exc: Exception) -> str:
    """DuckDB's CSV error, cut to what a clerk can use: line number, the line, the column counts."""
    text = str(exc)
    parts = []
    if m := re.search(r"CSV Error on Line: (\d+)", text):
        parts.append(f"第 {m.group(1)} 行")
    if m := re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text):
        parts.append(f"表头有 {m.group(1)} 列，该行有 {m.group(2)} 列")
    if m := re.search(r"Original Line: (.*)", text):
        parts.append(f"原文「{m.group(1).strip()[:120]}」")
    return "，".join(parts) or text.strip().splitlines()[0][:300]


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    # The dialect is fixed (the platform writes RFC 4180 CSV): no sniffing, which guesses wrong on
    # ragged files. Short rows are padded; spare columns catch cells beyond the header, which the
    # validator reports per row (the lenient parser would otherwise drop them silently).
    # Not parallel: quoted line breaks.
    width = _column_count(path) + SPARE_CSV_COLUMNS
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    # Read first, number after: a table's rowid follows insertion (= file) order.
    con.execute("DROP TABLE IF EXISTS _csv_raw")
    try:
        con.execute(
            f"""CREATE TEMP TABLE _csv_raw AS
            SELECT * FROM read_csv(?, columns = {columns}, auto_detect = false, header = false,
                                   delim = ',', quote = '"', escape = '"', null_padding = true,
                                   parallel = false, strict_mode = false)""",
            [str(path)],
        )
    except duckdb.Error as exc:
        raise FileProblem(f"CSV 文件结构错误，无法逐行读取：{_csv_error(exc)}") from exc
    con.execute(f"CREATE TEMP TABLE {STAGE} AS SELECT rowid + 1 AS _row_number, * FROM _csv_raw")
    con.execute("DROP TABLE _csv_raw")


def _transcode(src: Path, dst: Path, encoding: str) -> None:
    """Stream-decode `src` from `encoding` into UTF-8 (constant memory)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
        try:
            while chunk := fin.read(1 << 20):
                fout.write(decoder.decode(chunk))
            fout.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            raise FileProblem(
                "CSV 文件编码无法识别：既不是 UTF-8 也不是 GB18030/GBK。请按 UTF-8 或 GB18030 重新导出"
            ) from exc


def _cell_text(value) -> str | None:
    """Excel cell -> the text a clerk would read in it."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _read_xlsx(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = next((book.get_sheet_by_index(i) for i in range(len(book.sheet_names))
                      if book.get_sheet_by_index(i).height > 0), None)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise FileProblem(f"Excel 工作簿已损坏或不完整，无法打开：{exc}") from exc
    if sheet is None:
        raise FileProblem("Excel 工作簿没有任何数据")
    width = sheet.width
    names = ["_row_number"] + [f"c{i}" for i in range(width)]
    created = False
    batch: list[list] = []

    def flush() -> None:
        nonlocal created, batch
        columns = list(zip(*batch)) if batch else [[] for _ in names]
        table = pa.table({n: pa.array(col, type=pa.int64() if n == "_row_number" else pa.string())
                          for n, col in zip(names, columns)})
        con.register("_xlsx_chunk", table)
        if created:
            con.execute(f"INSERT INTO {STAGE} SELECT * FROM _xlsx_chunk")
        else:
            con.execute(f"CREATE TEMP TABLE {STAGE} AS SELECT * FROM _xlsx_chunk")
            created = True
        con.unregister("_xlsx_chunk")
        batch = []

    try:
        for row_index, row in enumerate(sheet.iter_rows(), start=1):
            cells = [_cell_text(v) for v in row][:width]
            if not any(c is not None for c in cells):
                continue
            batch.append([row_index, *cells, *([None] * (width - len(cells)))])
            if len(batch) >= XLSX_CHUNK_ROWS:
                flush()
    except Exception as exc:
        raise FileProblem(f"Excel 工作表读取中断（文件可能被截断）：{exc}") from exc
    flush()
