"""An XLSX workbook's container, checked while it is streamed, before the reader opens it.

The reader (calamine) holds the shared strings and a whole sheet in memory, so a 1 MB file whose
parts unpack to gigabytes (a ZIP bomb) would exhaust it. Every part is decompressed here in pieces,
counting bytes (the sizes the ZIP header declares may lie), and the file is refused at the first
limit passed. The same pass counts the rows of each sheet and finds formula cells without a
cached value (the reader would report them as 0 or empty, a value nobody wrote).
"""
from __future__ import annotations

import posixpath
import re
import zipfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.contract import Limits

from .errors import FileProblem

CHUNK_BYTES = 1 << 20
SMALL_PART_BYTES = 4 << 20  # workbook.xml and its relationships are read whole: kept small
REDOWNLOAD = "请重新从平台下载"
SPLIT = "请按月份拆分导出，或改用 CSV 格式导出"
_FORMULA = re.compile(rb"<f[\s>/]")
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3}[0-9]{1,7})"')
# Positions that make the reader's cell grid large. Literal prefixes keep these fast (~1 ms/MB):
# row numbers of row elements; cells in column AA or beyond; cells in row 1,000,000 or beyond.
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{2,3})(\d+)"')
_DEEP_CELL = re.compile(rb'<c r="[A-Z](\d{7,})"')
_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


@dataclass
class SheetFacts:
    rows: int = 0  # row elements
    last_row: int = 0  # the highest row number given (a row's r, or a cell reference's)
    last_column: int = 0  # the highest column: given by a cell reference, or cells counted in a row
    row_cells: int = 0  # cells of the row still open at the end of the last piece
    formulas_without_value: int = 0
    first_formula: str = ""  # its cell reference, e.g. C5


@dataclass
class WorkbookFacts:
    sheet_names: dict[str, str] = field(default_factory=dict)  # part name -> sheet name
    sheets: dict[str, SheetFacts] = field(default_factory=dict)  # by sheet name


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.0f} MB"


def check_workbook(path: Path, limits: Limits) -> WorkbookFacts:
    """Refuse (FileProblem) a damaged workbook, a ZIP that is not one, or one over the limits."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = [i.filename for i in infos]
            if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
                shown = "、".join(f"「{n}」" for n in names[:5]) + ("等" if len(names) > 5 else "")
                raise FileProblem(f"文件扩展名为 .xlsx，但内容是 ZIP 压缩包（内含 {shown or '无文件'}）而不是 Excel 工作簿："
                                  "请解压后放入其中的导出文件")
            # cheap first tests on the declared sizes; the stream below is the real one (zipfile
            # never yields more than a part declares, and refuses a part whose CRC then fails)
            declared = sum(i.file_size for i in infos)
            if declared > limits.max_xlsx_unpacked_bytes:
                raise _too_big(declared, limits)
            for info in infos:
                if _is_shared_strings(info) and info.file_size > limits.max_xlsx_shared_strings_bytes:
                    raise _too_many_strings(limits)
            facts = WorkbookFacts(sheet_names=_sheet_parts(zf))
            total = 0
            for info in infos:
                total = _stream_part(zf, info, total, limits, facts)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise FileProblem("Excel 工作簿已损坏或不完整（文件可能在下载或复制时被截断），无法打开："
                          f"{REDOWNLOAD}") from exc
    return facts


def _too_big(size: int, limits: Limits) -> FileProblem:
    return FileProblem(f"Excel 工作簿解压后超过 {_mb(limits.max_xlsx_unpacked_bytes)}（上限；已解压 {_mb(size)}），"
                       f"可能是异常文件（压缩炸弹）：{SPLIT}")


def _too_many_strings(limits: Limits) -> FileProblem:
    return FileProblem(f"Excel 工作簿的共享字符串解压后超过 {_mb(limits.max_xlsx_shared_strings_bytes)}（上限），"
                       f"可能是异常文件（压缩炸弹）：{SPLIT}")


def _is_shared_strings(info: zipfile.ZipInfo) -> bool:
    return info.filename.lower().endswith("sharedstrings.xml")


def _stream_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, total: int, limits: Limits, facts: WorkbookFacts) -> int:
    """Decompress one part in pieces, counting; returns the running total of unpacked bytes."""
    shared = _is_shared_strings(info)
    sheet = facts.sheet_names.get(info.filename)
    found = facts.sheets.setdefault(sheet, SheetFacts()) if sheet is not None else None
    part, tail = 0, b""
    with zf.open(info) as fh:
        while chunk := fh.read(CHUNK_BYTES):
            part += len(chunk)
            if total + part > limits.max_xlsx_unpacked_bytes:
                raise _too_big(total + part, limits)
            if shared and part > limits.max_xlsx_shared_strings_bytes:
                raise _too_many_strings(limits)
            if found is not None:
                tail = _scan_sheet_xml(tail + chunk, found, sheet, limits)
    if found is not None and tail:
        _scan_sheet_xml(tail + b"</c>", found, sheet, limits)
    return total + part


def _scan_sheet_xml(data: bytes, found: SheetFacts, sheet: str, limits: Limits) -> bytes:
    """Count rows and formulas without a cached value in the complete cells of `data`; returns
    the unfinished rest (kept for the next piece)."""
    cut = data.rfind(b"</c>") + 4
    if cut < 4:  # no complete cell: rows only, up to the last tag
        cut = data.rfind(b">") + 1
    done, rest = data[:cut], data[cut:]
    found.rows += done.count(b"<row ") + done.count(b"<row>") + done.count(b"<row/>")
    if found.rows > limits.max_rows:
        raise FileProblem(f"工作表「{sheet}」超过 {limits.max_rows} 行（每个文件的行数上限）：{SPLIT}")
    _track_extent(done, found, sheet, limits)
    for m in _FORMULA.finditer(done):
        start = max(done.rfind(b"<c ", 0, m.start()), done.rfind(b"<c>", 0, m.start()))
        end = done.find(b"</c>", m.start())
        cell = done[start:end if end >= 0 else len(done)]
        if b"<v" not in cell:
            found.formulas_without_value += 1
            if not found.first_formula and (ref := _CELL_REF.search(cell)):
                found.first_formula = ref.group(1).decode()
    return rest


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _last_narrow_column(done: bytes, known: int) -> int:
    """The last one-letter column referenced (A..Z), searched from Z down to what is known already."""
    for number in range(26, known, -1):
        if b'<c r="' + _LETTERS[number - 1:number] in done:
            return number
    return known


def _track_extent(done: bytes, found: SheetFacts, sheet: str, limits: Limits) -> None:
    """The reader allocates the sheet's whole grid (last row x last column, 32 bytes a cell) before
    reading a value: two cells at A1 and XFD1048576 ask for 512 GiB and abort the process. So the
    grid is bounded here: by the row and cell numbers given, and by cells counted per row (cells
    without a reference take the next column)."""
    pieces = done.split(b"<row")
    counts = [piece.count(b"<c") for piece in pieces]
    counts[0] += found.row_cells  # the row left open by the previous piece continues here
    found.row_cells = counts[-1]
    found.last_column = max(found.last_column, max(counts), _last_narrow_column(done, found.last_column))
    found.last_row = max([found.last_row, found.rows, *map(int, _ROW_NUMBER.findall(done)),
                          *map(int, _DEEP_CELL.findall(done))])
    for letters, row in _WIDE_CELL.findall(done):
        found.last_column = max(found.last_column, _column_number(letters))
        found.last_row = max(found.last_row, int(row))
    cells = found.last_row * found.last_column
    if cells > limits.max_xlsx_cells:
        raise FileProblem(f"工作表「{sheet}」的范围达 {found.last_row} 行 × {found.last_column} 列（{cells} 个单元格），"
                          f"超过上限 {limits.max_xlsx_cells}：可能是异常文件，或表格远处有零散的单元格。"
                          f"请删除多余的行列后另存，或{SPLIT}")


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> the sheet's name, from the workbook and its relationships."""
    try:
        book = ET.fromstring(_small_part(zf, "xl/workbook.xml"))
        rels = ET.fromstring(_small_part(zf, "xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return {}  # the reader will say what is wrong with the workbook
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iterfind("rel:Relationship", _NS)}
    parts = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[part] = sheet.get("name", "")
    return parts


def _small_part(zf: zipfile.ZipFile, name: str) -> bytes:
    with zf.open(name) as fh:
        data = fh.read(SMALL_PART_BYTES + 1)
    if len(data) > SMALL_PART_BYTES:
        raise FileProblem(f"Excel 工作簿的结构部分（{name}）异常地大，可能是异常文件：{REDOWNLOAD}")
    return data


def formula_problem(facts: WorkbookFacts) -> str | None:
    """The reason to refuse a workbook with formula cells that hold no computed value."""
    for name, sheet in facts.sheets.items():
        if sheet.formulas_without_value:
            where = f"（如 {sheet.first_formula}）" if sheet.first_formula else ""
            return (f"工作表「{name}」有 {sheet.formulas_without_value} 个公式单元格没有计算结果{where}："
                    "请在 Excel 中重新计算并保存，或把公式粘贴为数值")
    return None
