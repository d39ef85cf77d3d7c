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


# ---------------------------------------------------------------------------------------------
# Workbooks written part by part: for what no spreadsheet program writes (bombs, formulas without
# a cached value) and for sizes xlsxwriter would take minutes over. Rows are streamed.

_MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def xml_text(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()


def inline_row(values: list) -> bytes:
    """A sheet row of inline strings (None: no cell)."""
    return b"<row>" + b"".join(b'<c t="inlineStr"><is><t>' + xml_text(str(v)) + b"</t></is></c>"
                               for v in values if v is not None) + b"</row>"


def write_raw_xlsx(path: Path, sheets: dict[str, "Iterable[bytes]"], shared_strings: "Iterable[bytes] | None" = None) -> Path:
    """A workbook of `sheets` (name -> the <row> elements, streamed) and, optionally, a
    sharedStrings part made of the given <si> elements (streamed too)."""
    import zipfile

    path.parent.mkdir(parents=True, exist_ok=True)
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1))
    content_types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                     'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                     'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                     '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                     'sheet.main+xml"/>' + overrides + "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    sheet_list = "".join(f'<sheet name="{xml_text(n).decode()}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, n in enumerate(sheets, start=1))
    workbook = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                + sheet_list + "</sheets></workbook>")
    book_rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    if shared_strings is not None:
        book_rels += ('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                      'sharedStrings" Target="sharedStrings.xml"/>')
    book_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                 '2006/relationships">' + book_rels + "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("[Content_Types].xml", content_types), ("_rels/.rels", rels),
                           ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", book_rels)):
            zf.writestr(name, text)
        if shared_strings is not None:
            with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
                fh.write(b'<?xml version="1.0" encoding="UTF-8"?><sst ' + _MAIN_NS + b">")
                for si in shared_strings:
                    fh.write(si)
                fh.write(b"</sst>")
        for i, rows in enumerate(sheets.values(), start=1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as fh:
                fh.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + _MAIN_NS + b"><sheetData>")
                for row in rows:
                    fh.write(row)
                fh.write(b"</sheetData></worksheet>")
    return path


def raw_xlsx_bytes(sheets: dict, shared_strings=None) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sssg-xlsx-") as tmp:
        return write_raw_xlsx(Path(tmp) / "export.xlsx", sheets, shared_strings).read_bytes()
