"""The report content model shared by every renderer."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from serving import formatters as fmt

# Column kinds: how a renderer formats a column. "rate" cells that are None/NaN print 不适用.
TEXT, INT, RATE, NUM, DATE, BOOL = "text", "int", "rate", "num", "date", "bool"
PCT = "pct"  # a percentage where None is simply blank (targets)


@dataclass
class Section:
    key: str  # short id, also the XLSX sheet name (<= 31 chars)
    title: str  # heading in the PDF
    table: pd.DataFrame | None = None  # display columns (Chinese headers), raw values
    kinds: dict[str, str] = field(default_factory=dict)  # column -> kind (default text)
    note: str = ""  # explanation printed under the heading
    missing: str = ""  # set when the period has no data for this section: printed instead of the table
    chart_png: bytes | None = None  # rendered chart, optional
    in_pdf: bool = True  # False: XLSX only (long detail lists)
    landscape: bool = False  # PDF: put the section on landscape pages (wide tables)


@dataclass
class Batch:
    """Which publish of the serving artefact the report reflects (meta.publish_log, latest row) and the
    as-of date its figures were judged on (dim_settings)."""
    published_at: str | None
    run_id: str | None
    latest_batch_date: str | None
    as_of_date: str | None = None  # the build's as-of date (dim_settings.as_of_date)

    def label(self) -> str:
        if not self.run_id:
            return "发布记录缺失（meta.publish_log 无记录）"
        return (f"数据截至 {self.as_of_date or self.latest_batch_date}（发布于 {self.published_at_shanghai()}，"
                f"运行 {self.run_id[:8]}）")

    def published_at_shanghai(self) -> str:
        """meta.publish_log.published_at is the publishing machine's local time without a zone; reports
        print every time in Asia/Shanghai (serving.formatters.timestamp)."""
        return fmt.timestamp(self.published_at)


@dataclass
class Report:
    kind: str  # monthly | annual
    period: str  # 2025-12 | 2025
    title: str
    period_label: str  # 2025年12月
    batch: Batch
    sections: list[Section]
    summary: list[str] = field(default_factory=list)  # key sentences for the PDF's first page
    circular: dict | None = None  # annual: data for the DOCX circular draft

    @property
    def missing(self) -> list[str]:
        return [f"{s.title}：{s.missing}" for s in self.sections if s.missing]
