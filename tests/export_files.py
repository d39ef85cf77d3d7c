"""Writing small export files the way the platform does, for tests."""
from __future__ import annotations

import csv
from pathlib import Path

import xlsxwriter


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list], title_rows: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("导出")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    if title_rows:
        sheet.write(0, 0, "辽宁省互联网+监管系统 数据导出")
    for r, row in enumerate(rows, start=title_rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if hasattr(value, "year"):
                sheet.write_datetime(r, c, value, date_format)
            else:
                sheet.write(r, c, value)
    book.close()
    return path


def uscc(body17: str) -> str:
    """Complete a 17-character USCC body with its GB 32100-2015 check digit."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    assert len(body17) == 17, body17
    total = sum(chars.index(ch) * w for ch, w in zip(body17, weights))
    return body17 + chars[(31 - total % 31) % 31]


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    """The bytes write_csv would write (the platform's CSV dialect, CRLF line ends)."""
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], title_rows: int = 0) -> bytes:
    """The bytes write_xlsx would write."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sssg-xlsx-") as tmp:
        return write_xlsx(Path(tmp) / "export.xlsx", rows, title_rows).read_bytes()


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
