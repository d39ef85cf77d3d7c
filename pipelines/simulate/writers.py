"""Writing one export file: CSV (UTF-8 with or without BOM, GB18030) or XLSX (xlsxwriter).

XLSX files get fixed workbook properties (created = the export date) so that the same seed always
gives byte-identical files; big ones are written in constant_memory mode.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import xlsxwriter

from .mess import FileStyle

PLATFORM = "辽宁省“互联网+监管”系统"
EXCEL_DATE_FORMATS = ("yyyy-mm-dd", "yyyy/m/d", 'yyyy"年"m"月"d"日"')


def write_file(path: Path, style: FileStyle, columns: list[list], n_rows: int, export_date: dt.date,
               sheet: str, constant_memory_rows: int) -> None:
    if style.fmt == "xlsx":
        _write_xlsx(path, style, columns, n_rows, export_date, sheet, n_rows > constant_memory_rows)
    else:
        _write_csv(path, style, columns)


def _write_csv(path: Path, style: FileStyle, columns: list[list]) -> None:
    quoting = csv.QUOTE_ALL if style.quote_all else csv.QUOTE_MINIMAL
    with open(path, "w", encoding=style.encoding, newline="") as f:
        w = csv.writer(f, quoting=quoting, lineterminator=style.newline)
        w.writerow(style.headers)
        w.writerows(zip(*columns))


def _write_xlsx(path: Path, style: FileStyle, columns: list[list], n_rows: int, export_date: dt.date,
                sheet: str, constant_memory: bool) -> None:
    wb = xlsxwriter.Workbook(str(path), {
        "constant_memory": constant_memory,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    })
    stamp = dt.datetime(export_date.year, export_date.month, export_date.day, 9, 0, 0)
    wb.set_properties({"title": sheet, "author": PLATFORM, "company": PLATFORM, "created": stamp})
    date_fmt = wb.add_format({"num_format": EXCEL_DATE_FORMATS[style.date_style % len(EXCEL_DATE_FORMATS)]})
    ws = wb.add_worksheet(sheet[:31])
    for c, h in enumerate(style.headers):
        ws.write_string(0, c, h)
    write_string, write_number, write_datetime = ws.write_string, ws.write_number, ws.write_datetime
    for r, row in enumerate(zip(*columns), start=1):
        for c, v in enumerate(row):
            if v == "" or v is None:
                continue
            if isinstance(v, str):
                write_string(r, c, v)
            elif isinstance(v, dt.date):
                write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
            else:
                write_number(r, c, v)
    wb.close()
