"""The circular (通报) draft for the annual report, as an editable DOCX (python-docx).

Customary structure: title, addressees, body (overall situation, the units named with their score,
rank and main shortfalls from the score parts, requirements), issuing unit and date. It is a draft
for the office to edit: marked 征求意见稿 and never sent as is.
"""
from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from pipelines.reports import ISSUING_UNIT
from pipelines.reports.model import Report

BODY_FONT = "仿宋_GB2312"  # the customary 公文 body font; WPS/Word substitute when it is missing
TITLE_FONT = "方正小标宋简体"
NUMERALS = "一二三四五六七八九十"


def _font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _para(doc, text: str, size: float = 16, indent: bool = True, bold: bool = False, font: str = BODY_FONT,
          align=None):
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing = Pt(28)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold)
    return p


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def shortfall_text(u: dict) -> str:
    """The unit's main shortfalls exactly as the report and the dashboard write them
    (serving.assessment.shortfalls_text)."""
    return u["shortfalls_text"] or "各项指标均已达到目标"


def render_docx(report: Report, generated_at: str) -> bytes:
    c = report.circular or {}
    year = c.get("year", report.period)
    doc = Document()
    sec = doc.sections[0]
    from docx.shared import Mm
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)

    p = _para(doc, "征求意见稿", size=12, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(ISSUING_UNIT), TITLE_FONT, 20, bold=True, color=RGBColor(0xC0, 0, 0))
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(18)
    _font(p.add_run(f"关于{year}年度“双随机、一公开”监管工作考核情况的通报"), TITLE_FONT, 22, bold=True)
    _para(doc, "各县区人民政府、市直各有关部门：", indent=False)

    complete = "" if c.get("complete_year") else f"（数据截至{report.batch.latest_batch_date}，年度数据尚不完整）"
    _para(doc, f"根据《抚顺市人民政府办公室关于在市场监管领域全面推行部门联合“双随机、一公开”监管的实施意见》"
               f"（抚政办发〔2020〕19号）要求，市推进“双随机、一公开”监管工作联席会议办公室依托辽宁省"
               f"“互联网+监管”系统数据，对各县区和市直有关部门{year}年度“双随机、一公开”监管工作进行了考核{complete}。"
               f"现将有关情况通报如下：")
    _para(doc, "一、总体情况", bold=True, font="黑体")
    overall = []
    if c.get("regions_assessed"):
        overall.append(f"参加考核的县区（含{c['city_level']}）{c['regions_assessed']}个，平均得分{c['region_mean']}分")
    if c.get("departments_assessed"):
        unranked = c.get("departments_unranked") or 0
        overall.append(f"参加考核的部门{c['departments_assessed']}个，平均得分{c['department_mean']}分"
                       + (f"，其中{unranked}个部门适用指标权重不足、不参与排名和通报" if unranked else ""))
    _para(doc, ("；".join(overall) + "。") if overall else f"{year}年度暂无考核得分数据。")
    _para(doc, "二、通报情况", bold=True, font="黑体")
    units = c.get("units", [])
    if not units:
        _para(doc, f"{year}年度没有县区或部门达到通报条件。")
    kinds = [k for k in dict.fromkeys(u["scope"] for u in units)]
    for number, kind in enumerate(kinds):
        group = [u for u in units if u["scope"] == kind]
        label = group[0]["kind"]
        _para(doc, f"（{NUMERALS[number]}）{label}。{group[0]['rule']}的{label}予以通报：", font="楷体_GB2312")
        for i, u in enumerate(group, start=1):
            where = f"（{u['region']}）" if u.get("region") else ""
            _para(doc, f"{i}. {u['name']}{where}：得分{u['score']}分，在{u['units_ranked']}个参与排名单位中排名第"
                       f"{u['rank']}位。主要失分项：{shortfall_text(u)}。")
    _para(doc, "三、工作要求", bold=True, font="黑体")
    _para(doc, "被通报的单位要认真分析原因，对照失分项目制定整改措施，于通报印发之日起30日内将整改情况书面报送"
               "市推进“双随机、一公开”监管工作联席会议办公室。各县区、各部门要严格落实抽查检查结果按期公示要求，"
               "提高跨部门联合抽查比例，确保“双随机、一公开”监管全覆盖、常态化。")
    doc.add_paragraph()
    p = _para(doc, ISSUING_UNIT, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    p = _para(doc, cn_date(dt.date.fromisoformat(generated_at[:10])), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, f"（本稿由系统根据{report.batch.label()}自动生成，数据以考核报告为准，印发前请核对修改。）",
          size=10.5, indent=False)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
