"""Generate one report from the serving artefact and store it."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.reports import content, store
from pipelines.reports.model import Report
from pipelines.settings import paths
from serving import snapshot

TZ = ZoneInfo("Asia/Shanghai")


def check_period(kind: str, period: str) -> str:
    if kind == "monthly" and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        return period
    if kind == "annual" and re.fullmatch(r"\d{4}", period):
        return period
    raise ValueError(f"bad period {period!r} for a {kind} report (monthly: YYYY-MM, annual: YYYY)")


def build(kind: str, period: str, serving: Path | None = None, charts: bool = True) -> Report:
    """Read one publish of the serving artefact (pinned for the whole report, through the `serving`
    read layer the dashboard uses too) into the report content."""
    check_period(kind, period)
    serving = Path(serving or paths().serving)
    if not serving.exists():
        raise FileNotFoundError(f"serving artefact {serving} does not exist: run `make pipeline` first")
    with snapshot.pinned(serving):
        return (content.monthly if kind == "monthly" else content.annual)(period, charts=charts)


def render(report: Report, generated_at: str) -> dict[str, bytes]:
    from pipelines.reports.pdf import render_pdf
    from pipelines.reports.xlsx import render_xlsx
    stem = f"{report.kind}-{report.period}"
    files = {f"{stem}.pdf": render_pdf(report, generated_at), f"{stem}.xlsx": render_xlsx(report, generated_at)}
    if report.kind == "annual":
        from pipelines.reports.docx_circular import render_docx
        files[f"circular-{report.period}-draft.docx"] = render_docx(report, generated_at)
    return files


def generate(kind: str, period: str, serving: Path | None = None, root: Path | None = None,
             now: dt.datetime | None = None, charts: bool = True) -> dict:
    """Build, render and store a report; returns its manifest (with file paths). Fails at once, naming
    what to install, when the system lacks Chromium, the CJK font or Pango (charts.RendererMissing)."""
    from pipelines.reports.charts import require_system_parts

    require_system_parts(charts)
    report = build(kind, period, serving, charts)
    generated_at = (now or dt.datetime.now(TZ)).strftime("%Y-%m-%d %H:%M:%S")
    files = render(report, generated_at)
    b = report.batch
    store.save(kind, period, files, {
        "title": report.title, "period_label": report.period_label, "generated_at": generated_at,
        "timezone": "Asia/Shanghai",
        "batch": {"publish_run_id": b.run_id, "published_at": b.published_at,
                  "latest_batch_date": b.latest_batch_date, "as_of_date": b.as_of_date},
        "missing": report.missing, "serving": str(serving or paths().serving),
    }, root)
    return store.get_report(kind, period, root)
