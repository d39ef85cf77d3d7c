"""Reading one export file, whatever its format, into a DuckDB temp table of text cells.

The stage table has columns c0..cN (VARCHAR) and `_row_number` (the row as a spreadsheet shows it,
1-based); the header row is in it too, so the validator sees the file exactly as a clerk would.
"""
from __future__ import annotations

import codecs
import re
import datetime as dt
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.contract import Entity, label_key, load_contract

from .csv_scan import CsvShape, scan_csv
from .errors import FileProblem
from .xlsx_scan import WorkbookFacts, check_workbook, formula_problem

STAGE = "_stage"
XLSX_CHUNK_ROWS = 10_000  # rows held as Python objects at a time
SPARE_CSV_COLUMNS = 4


HEAD_BYTES = 4096
REDOWNLOAD = "请重新从平台导出"
ENCODING_ADVICE = "请按 UTF-8 或 GB18030 重新导出"
# Text decoded as GB18030 with C1 control characters means the guess was wrong (e.g. Latin-1 or
# random bytes). Private-use characters are a sign too, but government systems also put rare name
# characters (生僻字) there: only a text where they are common is refused.
_C1 = re.compile("[\x80-\x9f]")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")
PRIVATE_USE_SHARE = 0.05  # of the non-ASCII characters


def _content_kind(head: bytes) -> str | None:
    """What the first bytes say the file really is, when that is not text CSV; None if it may be."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<!--", b"<meta", b"<script")):
        return "网页（HTML）"
    if head.startswith(b"PK"):
        return "Excel 工作簿或 ZIP 压缩包"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "旧版 Excel（.xls）文件"
    if head.startswith(b"%PDF"):
        return "PDF 文件"
    return None


def header_keys(entity: Entity) -> dict[str, str]:
    """label_key(header or synonym) -> contract column name."""
    return {label_key(h): col.name for col in entity.columns for h in col.headers}


def header_hits(keys: dict[str, str], cells) -> int:
    """How many cells of a row are headers of the entity (see header_keys)."""
    return sum(1 for cell in cells if isinstance(cell, str) and cell and label_key(cell) in keys)


def read_into_stage(con: duckdb.DuckDBPyConnection, path: Path, entity: Entity | None = None,
                    notes: list[str] | None = None, stage: str = STAGE) -> str:
    """Fill the stage table `stage` from `path`; returns the format read (csv-utf-8 | csv-gb18030 | xlsx).

    `entity` tells which sheet of a workbook holds the data (the one with its header); what was
    left out (other sheets) is added to `notes` for the load log."""
    con.execute(f"DROP TABLE IF EXISTS {stage}")
    if path.stat().st_size == 0:
        raise FileProblem(f"文件为空（0 字节）：{REDOWNLOAD}")
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        if not head.startswith(b"PK"):
            kind = _content_kind(head) or "其他格式"
            raise FileProblem(f"文件扩展名为 .xlsx，但内容是{kind}而不是 Excel 工作簿：请重新从平台下载")
        facts = check_workbook(path, load_contract().limits)
        _read_xlsx(con, path, entity, facts, notes if notes is not None else [], stage)
        return "xlsx"
    if kind := _content_kind(head):
        advice = "请另存为 .xlsx 后再放入" if kind.startswith("Excel") else "请重新从平台下载"
        raise FileProblem(f"文件扩展名为 .csv，但内容是{kind}而不是 CSV 文本：{advice}")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(f"CSV 文件是 UTF-16 编码（Excel「Unicode 文本」），本系统不支持：{ENCODING_ADVICE}")
    utf8, utf8_line = _utf8_state(path)
    if utf8 == "ok":
        _read_csv(con, path, stage)
        return "csv-utf-8"
    if utf8 == "truncated":
        raise FileProblem(f"文件末尾不完整（最后一个汉字只有一半），文件可能在下载或复制时被截断：{REDOWNLOAD}")
    with tempfile.TemporaryDirectory(prefix="sssg-transcode-") as tmp:
        utf8_copy = Path(tmp) / "utf8.csv"
        try:
            _transcode(path, utf8_copy, "gb18030")
        except FileProblem as exc:
            if getattr(exc, "line", 0) < utf8_line:  # UTF-8 up to a damaged spot, not GB18030 at all
                raise FileProblem(f"CSV 文件编码无法识别：第 {utf8_line} 行附近有既不是 UTF-8 也不是 GB18030 的字节"
                                  f"（此前的内容是 UTF-8），文件可能已损坏。{ENCODING_ADVICE}") from exc
            raise
        _read_csv(con, utf8_copy, stage)
    return "csv-gb18030"


def _utf8_state(path: Path) -> tuple[str, int]:
    """('ok' (valid UTF-8 text) | 'truncated' (valid up to a character cut at the very end) | 'no',
    the line of the first byte that is not UTF-8).

    Streams the file (constant memory). NUL bytes (UTF-16 without BOM, binary data) are refused
    here, whatever the encoding.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    state, lines = "ok", 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            if b"\x00" in chunk:
                raise FileProblem("文件含有空字节（NUL），不是文本 CSV：可能是 UTF-16 编码或二进制文件，"
                                  + ENCODING_ADVICE)
            if state == "ok":
                try:
                    decoder.decode(chunk)
                    lines += chunk.count(b"\n")
                except UnicodeDecodeError as exc:
                    state = "no"
                    lines += chunk[:max(exc.start, 0)].count(b"\n")
        if state == "ok":
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                state = "truncated"
    return state, lines + 1


def _check_last_record(shape: CsvShape) -> None:
    """A CSV cut off mid-row. The platform (like Excel and every CSV writer) ends each row with a
    line break; a file with data rows whose end has none was cut during download or copy, and its
    last row may look complete yet hold a cut value (2020-07-1 for 2020-07-10)."""
    number = shape.records + shape.blank_lines  # the last row, as a spreadsheet numbers it
    if shape.ends_with_line_break or number <= 1:  # a lone header line without a line break holds no data to lose
        return
    short = (f"，且只有 {shape.last_fields} 列、表头有 {shape.header_width} 列"
             if shape.last_fields < shape.header_width else "")
    raise FileProblem(f"文件不完整：末尾没有换行符，最后一行（第 {number} 行）可能被截断{short}，"
                      f"文件可能没有完整下载或复制：{REDOWNLOAD}")


def _csv_error(exc: Exception) -> str:
    """DuckDB's CSV error, cut to what a clerk can use: line number, the line, the column counts."""
    text = str(exc)
    parts = []
    if m := re.search(r"CSV Error on Line: (\d+)", text):
        parts.append(f"第 {m.group(1)} 行")
    if m := re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text):
        parts.append(f"表头有 {m.group(1)} 列，该行有 {m.group(2)} 列")
    if (m := re.search(r"Original Line:[ \t]*\n?(.*)", text)) and m.group(1).strip():  # never an empty 原文
        parts.append(f"原文「{m.group(1).strip()[:120]}」")
    return "，".join(parts) or text.strip().splitlines()[0][:300]


def _count_blank_lines_in_row_numbers(con: duckdb.DuckDBPyConnection, blank_after: tuple[int, ...],
                                      stage: str = STAGE) -> None:
    """Row numbers as a spreadsheet shows them: DuckDB skips blank lines, Excel shows them as rows,
    so each record's number grows by the blank lines above it (a reject must name the row a clerk
    finds when opening the file). A blank line after k records is above records k+1 onwards."""
    if not blank_after:
        return
    con.register("_blank_after", pa.table({"after_records": pa.array(blank_after, type=pa.int64())}))
    con.execute(f"""CREATE TEMP TABLE _stage_numbered AS
        WITH steps AS (SELECT after_records, count(*) AS n FROM _blank_after GROUP BY ALL),
        above AS (SELECT after_records, sum(n) OVER (ORDER BY after_records) AS above FROM steps)
        SELECT s.* REPLACE (s._row_number + coalesce(a.above, 0) AS _row_number)
        FROM {stage} s ASOF LEFT JOIN above a ON s._row_number > a.after_records
        ORDER BY s._row_number""")
    con.unregister("_blank_after")
    con.execute(f"DROP TABLE {stage}")
    con.execute(f"ALTER TABLE _stage_numbered RENAME TO {stage}")


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, stage: str = STAGE) -> None:
    # The scanner is the authority on the file's structure (csv_scan.py): it refuses ambiguous
    # quoting and line ends and counts the records, which DuckDB must then reproduce exactly.
    shape = scan_csv(path, load_contract().limits)
    if shape.records == 0:
        raise FileProblem("文件没有任何内容行")
    # The dialect is fixed (the platform writes RFC 4180 CSV): no sniffing, which guesses wrong on
    # ragged files. Short rows are padded; the stage is as wide as the widest record (DuckDB drops
    # cells beyond its columns silently), and the validator reports cells beyond the header per row.
    # Not parallel: quoted line breaks.
    width = max(shape.width, shape.header_width + SPARE_CSV_COLUMNS)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    line_size = max(2_000_000, 2 * shape.longest_record_bytes + 1024)  # DuckDB's default is 2 MB
    # Read first, number after: a table's rowid follows insertion (= file) order.
    try:
        read = con.execute(  # the statement's result is the count of rows it stored
            f"""CREATE OR REPLACE TEMP TABLE _csv_raw AS
            SELECT * FROM read_csv(?, columns = {columns}, auto_detect = false, header = false,
                                   delim = ',', quote = '"', escape = '"', null_padding = true,
                                   parallel = false, strict_mode = false, max_line_size = {line_size})""",
            [str(path)],
        ).fetchone()[0]
    except duckdb.Error as exc:
        raise FileProblem(f"CSV 文件结构错误，无法逐行读取：{_csv_error(exc)}") from exc
    if read != shape.records:  # never trust the parser's own count: rows would be lost or made up
        con.execute("DROP TABLE _csv_raw")
        raise FileProblem(f"CSV 文件读取结果与逐行检查不一致：逐行检查有 {shape.records} 行记录，读取得到 {read} 行，"
                          f"文件的引号或换行可能有歧义：请用 Excel 打开核对，另存为 CSV 后再放入，或重新从平台导出")
    con.execute(f"CREATE TEMP TABLE {stage} AS SELECT rowid + 1 AS _row_number, * FROM _csv_raw")
    con.execute("DROP TABLE _csv_raw")
    _count_blank_lines_in_row_numbers(con, shape.blank_after, stage)
    _check_last_record(shape)


def _mostly_private_use(text: str) -> re.Match | None:
    private = _PRIVATE_USE.findall(text)
    if not private:
        return None
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return _PRIVATE_USE.search(text) if len(private) > PRIVATE_USE_SHARE * non_ascii else None


def _transcode(src: Path, dst: Path, encoding: str) -> None:
    """Stream-decode `src` from `encoding` into UTF-8 (constant memory)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = 0  # line breaks written so far: where a clerk should look when decoding fails

    def refuse(line: int, detail: str) -> FileProblem:
        problem = FileProblem(f"CSV 文件编码无法识别（约第 {line} 行）：{detail}。{ENCODING_ADVICE}")
        problem.line = line
        return problem

    with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
        chunk = b""
        try:
            while chunk := fin.read(1 << 20):
                text = decoder.decode(chunk)
                if m := _C1.search(text) or _mostly_private_use(text):
                    raise refuse(lines + text.count("\n", 0, m.start()) + 1,
                                 "既不是 UTF-8，按 GB18030 解读又出现乱码")
                lines += text.count("\n")
                fout.write(text)
            fout.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            raise refuse(lines + chunk[:max(exc.start, 0)].count(b"\n") + 1,
                         "既不是 UTF-8 也不是 GB18030/GBK") from exc


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


HEADER_SEARCH_ROWS = 10  # a title line or two may stand above the header (load.py looks as far)


def _quoted_names(names: list[str]) -> str:
    return "".join(f"「{n}」" for n in names)


def _has_header(sheet, keys: dict[str, str]) -> bool:
    """Whether one of the sheet's first rows holds at least two of the entity's headers (one could
    be a word on a cover sheet)."""
    need = min(2, len(set(keys.values())))
    rows = [r for r in sheet.to_python(nrows=HEADER_SEARCH_ROWS * 3) if any(c not in (None, "") for c in r)]
    return any(header_hits(keys, row) >= need for row in rows[:HEADER_SEARCH_ROWS])


def _choose_sheet(book, entity: Entity | None, notes: list[str]):
    """The one sheet holding the data: among the non-empty sheets, the one with the entity's
    header. The others are named in `notes`; none, or several (row numbers would no longer
    identify a row), refuse the file."""
    keys = header_keys(entity) if entity else {}
    chosen, with_header, without = None, [], []
    for i, name in enumerate(book.sheet_names):  # each get_sheet_by_index parses the whole sheet
        sheet = book.get_sheet_by_index(i)
        if sheet.height == 0:
            continue
        if entity is None or _has_header(sheet, keys):
            with_header.append(name)
            if chosen is None:
                chosen = sheet
            if entity is None:
                break
        else:
            without.append(name)
        del sheet
    if not with_header and not without:
        raise FileProblem("Excel 工作簿没有任何数据")
    if not with_header:
        expected = "」「".join(c.header for c in entity.required[:4])
        raise FileProblem(f"未找到表头：已查看工作表{_quoted_names(without)}，前 {HEADER_SEARCH_ROWS} 行中都没有"
                          f"「{entity.title}」的列名（如「{expected}」）")
    if len(with_header) > 1:
        raise FileProblem(f"数据分在 {len(with_header)} 个工作表（{_quoted_names(with_header)}）："
                          "请合并到一个工作表，或每个工作表另存为一个文件")
    if without:
        notes.append("已忽略" + "、".join(f"工作表「{n}」" for n in without)
                     + f"（没有「{entity.title}」的列名）")
    return chosen


def _read_xlsx(con: duckdb.DuckDBPyConnection, path: Path, entity: Entity | None, facts: WorkbookFacts,
               notes: list[str], stage: str = STAGE) -> None:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = _choose_sheet(book, entity, notes)
    except FileProblem:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise FileProblem(f"Excel 工作簿已损坏或不完整，无法打开：{exc}") from exc
    found = facts.sheets.get(sheet.name)
    if found and (problem := formula_problem(WorkbookFacts(sheets={sheet.name: found}))):
        raise FileProblem(problem)
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
            con.execute(f"INSERT INTO {stage} SELECT * FROM _xlsx_chunk")
        else:
            con.execute(f"CREATE TEMP TABLE {stage} AS SELECT * FROM _xlsx_chunk")
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
