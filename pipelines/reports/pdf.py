"""PDF renderer: an HTML document printed by weasyprint (Noto Sans CJK SC embedded).

Cover page (issuing unit, title, period, generation time, data batch), page numbers from CSS @page
counters, tables whose header row repeats on every page and whose rows never split, wide tables on
landscape pages, charts as embedded PNGs.
"""
from __future__ import annotations

import base64
import html

import pandas as pd

from pipelines.reports import ISSUING_UNIT
from pipelines.reports.model import DATE, INT, NUM, PCT, RATE, Report, Section
from serving import formatters as fmt

NA = fmt.not_applicable("zh")

PDF_HIDDEN = {"指标代码", "单位代码", "县区代码", "部门代码"}  # kept in the XLSX for tracing

CSS = """
@page { size: A4; margin: 22mm 18mm 20mm 18mm;
  @top-center { content: string(doctitle); font-size: 8.5pt; color: #666; }
  @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-size: 9pt; color: #333; } }
@page :first { @top-center { content: none; } @bottom-center { content: none; } }
@page wide { size: A4 landscape; margin: 18mm 15mm 16mm 15mm; }
html { font-family: "Noto Sans CJK SC", sans-serif; font-size: 10pt; color: #000; }
h1.doctitle { string-set: doctitle content(); }
.cover { page-break-after: always; text-align: center; height: 240mm; position: relative; }
.cover .unit { color: #c00000; font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-weight: bold;
  font-size: 17pt; margin-top: 30mm; white-space: nowrap; }
.cover .redline { border-top: 2.5pt solid #c00000; margin: 6mm 0 0 0; }
.cover h1 { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 22pt; margin-top: 40mm;
  line-height: 1.5; }
.cover .period { font-size: 15pt; margin-top: 10mm; }
.cover .meta { position: absolute; bottom: 10mm; left: 0; right: 0; font-size: 10.5pt; line-height: 2; }
.cover .mark { text-align: left; font-size: 10pt; }
.cover .mark span { border: 1pt solid #000; padding: 1mm 3mm; }
h2 { font-size: 13pt; margin: 8mm 0 2mm 0; border-left: 4pt solid #c00000; padding-left: 2mm;
  page-break-after: avoid; }
p.note { font-size: 8.5pt; color: #444; margin: 0 0 2mm 0; page-break-after: avoid; }
p.missing { border: 1pt solid #c00000; color: #c00000; padding: 2mm 3mm; font-size: 10pt; }
.summary { border: 0.75pt solid #999; background: #f6f6f6; padding: 3mm 4mm; margin-bottom: 4mm; }
.summary p { margin: 1mm 0; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin-bottom: 4mm; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
th { white-space: nowrap; background: #dde4ee; border: 0.5pt solid #555; padding: 1.2mm 1.2mm; font-weight: bold; }
td { border: 0.5pt solid #777; padding: 1mm 1.2mm; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
td.t { white-space: nowrap; }
section.wide th { white-space: normal; }
td.na { text-align: center; color: #666; }
td.bad { color: #c00000; }
section.wide { page: wide; }
section.wide table { font-size: 7.5pt; }
img.chart { width: 100%; margin: 2mm 0 4mm 0; }
.sign { margin-top: 12mm; text-align: right; line-height: 1.8; }
"""


def cell(value, kind: str, unit: str = "percent") -> tuple[str, str]:
    """(text, css class) of one table cell."""
    if isinstance(value, str):
        return value, ("na" if value in (NA, "—") else "")
    missing = fmt.is_missing(value)
    if kind == RATE:
        if missing:
            return NA, "na"
        return fmt.rate(value, unit), "n"
    if missing:
        return "", ""
    if kind == PCT:
        return fmt.percent(value), "n"
    if kind == INT:
        return fmt.count(value), "n"
    if kind == NUM:
        return fmt.score(value), "n"
    if kind == DATE:
        return fmt.iso_date(value), "n"
    return str(value), ""


def table_html(s: Section) -> str:
    t = s.table
    cols = [c for c in t.columns if not str(c).startswith("__") and c not in PDF_HIDDEN]
    units = t["__unit"].tolist() if "__unit" in t.columns else ["percent"] * len(t)
    out = ["<table><thead><tr>", *(f"<th>{html.escape(str(c))}</th>" for c in cols), "</tr></thead><tbody>"]
    for i, row in enumerate(t[cols].itertuples(index=False)):
        out.append("<tr>")
        for c, v in zip(cols, row):
            text, cls = cell(v, s.kinds.get(c, "text"), units[i])
            if c in ("是否达标", "拟通报") and text in ("否", "是"):
                cls += " bad" if (text == "否") == (c == "是否达标") else ""
            if not cls and len(text) <= 4:
                cls = "t"
            out.append(f'<td class="{cls}">{html.escape(text)}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def section_html(s: Section) -> str:
    parts = [f"<section class=\"{'wide' if s.landscape else ''}\"><h2>{html.escape(s.title)}</h2>"]
    if s.note:
        parts.append(f'<p class="note">{html.escape(s.note)}</p>')
    if s.missing:
        parts.append(f'<p class="missing">数据缺失：{html.escape(s.missing)}</p>')
    elif s.table is not None:
        if s.chart_png:
            parts.append(f'<img class="chart" src="data:image/png;base64,{base64.b64encode(s.chart_png).decode()}">')
        parts.append(table_html(s) if len(s.table) else '<p class="note">（无记录）</p>')
    return "".join(parts) + "</section>"


def render_html(report: Report, generated_at: str) -> str:
    b = report.batch
    summary = "".join(f"<p>{html.escape(x)}</p>" for x in report.summary)
    missing = "".join(f"<p>· {html.escape(x)}</p>" for x in report.missing)
    body = [
        '<div class="cover"><div class="mark"><span>内部资料</span></div>',
        f'<div class="unit">{html.escape(ISSUING_UNIT)}</div><div class="redline"></div>',
        f'<h1>{html.escape(report.title).replace("“", "<br>“", 1)}</h1><div class="period">报告期：{html.escape(report.period_label)}</div>',
        f'<div class="meta">编制单位：{html.escape(ISSUING_UNIT)}<br>生成时间：{html.escape(generated_at)}<br>'
        f'{html.escape(b.label())}</div></div>',
        f'<h1 class="doctitle" style="font-size:15pt;text-align:center">{html.escape(report.title)}</h1>',
        '<div class="summary"><p><b>要点</b></p>' + (summary or "<p>（无）</p>") +
        (f"<p><b>数据缺失</b></p>{missing}" if missing else "") + "</div>",
        *(section_html(s) for s in report.sections if s.in_pdf),
        f'<div class="sign">{html.escape(ISSUING_UNIT)}<br>{html.escape(generated_at[:10])}</div>',
    ]
    return f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{CSS}</style></head>' \
           f'<body>{"".join(body)}</body></html>'


def render_pdf(report: Report, generated_at: str) -> bytes:
    import weasyprint
    return weasyprint.HTML(string=render_html(report, generated_at)).write_pdf()
