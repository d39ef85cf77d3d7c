"""XLSX renderer (xlsxwriter): a 说明 sheet, then every section's table on its own sheet.

Header row frozen, numbers written as numbers with formats (rates 0.0%, counts #,##0), a NULL rate
as the text 不适用, and every text cell that a spreadsheet could read as a formula (= + - @ tab CR)
prefixed with a single quote. Strings are always written with write_string, never parsed.
"""
from __future__ import annotations

import io
import re

import pandas as pd
import xlsxwriter

from pipelines.reports import ISSUING_UNIT
from pipelines.reports.model import DATE, INT, NUM, PCT, RATE, Report
from serving import formatters

NA = formatters.not_applicable("zh")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(s: str) -> str:
    return "'" + s if s.startswith(FORMULA_START) else s


def sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "Sheet"
    out, i = base, 2
    while out.lower() in used:
        out = f"{base[:28]}_{i}"
        i += 1
    used.add(out.lower())
    return out


def render_xlsx(report: Report, generated_at: str) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    f = {
        "head": wb.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True, "valign": "top"}),
        # the decimals of serving.formatters: rates 0.0%, scores and points 0.0, counts #,##0
        INT: wb.add_format({"num_format": formatters.XLSX_FORMATS["count"]}),
        NUM: wb.add_format({"num_format": formatters.XLSX_FORMATS["score"]}),
        RATE: wb.add_format({"num_format": formatters.XLSX_FORMATS["percent"]}),
        PCT: wb.add_format({"num_format": formatters.XLSX_FORMATS["percent"]}),
        "ratio": wb.add_format({"num_format": formatters.XLSX_FORMATS["ratio"]}),
        DATE: wb.add_format({"num_format": formatters.XLSX_FORMATS["date"]}), "na": wb.add_format({"align": "center", "font_color": "#666666"}),
        "title": wb.add_format({"bold": True, "font_size": 14}), "bold": wb.add_format({"bold": True}),
        "missing": wb.add_format({"font_color": "#C00000", "bold": True}),
    }
    used: set[str] = set()
    info = wb.add_worksheet(sheet_name("说明", used))
    info.set_column(0, 0, 16)
    info.set_column(1, 1, 90)
    info.write_string(0, 0, safe_text(report.title), f["title"])
    rows = [("报告期", report.period_label), ("编制单位", ISSUING_UNIT), ("生成时间", generated_at),
            ("数据批次", report.batch.label()), ("发布运行", report.batch.run_id or ""),
            ("比率说明", "比率单元格为小数并以百分比格式（一位小数）显示；得分、失分为一位小数；“不适用”表示分母为0；“—”表示无数据行。")]
    rows += [("要点", x) for x in report.summary]
    rows += [("数据缺失", x) for x in report.missing]
    for i, (k, v) in enumerate(rows, start=2):
        info.write_string(i, 0, safe_text(k), f["bold"])
        info.write_string(i, 1, safe_text(str(v)), f["missing"] if k == "数据缺失" else None)
    info.freeze_panes(1, 0)
    r = len(rows) + 3
    info.write_string(r, 0, "工作表", f["head"])
    info.write_string(r, 1, "内容", f["head"])
    for s in report.sections:
        r += 1
        info.write_string(r, 0, safe_text(s.key))
        info.write_string(r, 1, safe_text(s.title + ("（数据缺失）" if s.missing else "")))

    for s in report.sections:
        ws = wb.add_worksheet(sheet_name(s.key, used))
        if s.missing or s.table is None:
            ws.write_string(0, 0, safe_text(s.title), f["bold"])
            ws.write_string(1, 0, safe_text("数据缺失：" + (s.missing or "无数据")), f["missing"])
            if s.note:
                ws.write_string(2, 0, safe_text(s.note))
            ws.freeze_panes(1, 0)
            continue
        t = s.table
        cols = [c for c in t.columns if not str(c).startswith("__")]
        units = t["__unit"].tolist() if "__unit" in t.columns else ["percent"] * len(t)
        for j, c in enumerate(cols):
            ws.write_string(0, j, safe_text(str(c)), f["head"])
            width = max([len(str(c)) * 2] + [min(len(str(v)) * 2 if isinstance(v, str) else 10, 60)
                                              for v in t[c].head(200)])
            ws.set_column(j, j, max(8, min(width, 60)))
        for i, row in enumerate(t[cols].itertuples(index=False), start=1):
            for j, (c, v) in enumerate(zip(cols, row)):
                kind = s.kinds.get(c, "text")
                if isinstance(v, str):
                    ws.write_string(i, j, safe_text(v), f["na"] if v in (NA, "—") else None)
                elif formatters.is_missing(v):
                    if kind == RATE:
                        ws.write_string(i, j, NA, f["na"])
                    else:
                        ws.write_blank(i, j, None)
                elif kind in (INT, NUM, RATE, PCT):
                    fmt = f["ratio"] if kind == RATE and units[i - 1] == "ratio" else f[kind]
                    ws.write_number(i, j, float(v), fmt)
                elif kind == DATE:
                    d = pd.Timestamp(v).to_pydatetime()
                    ws.write_datetime(i, j, d, f[DATE])
                else:
                    ws.write_string(i, j, safe_text(str(v)))
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(t), len(cols) - 1)
        if s.note:
            ws.write_string(len(t) + 2, 0, safe_text("说明：" + s.note))
    wb.close()
    return buf.getvalue()
