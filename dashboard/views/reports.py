"""考核报告: the stored monthly and annual reports (pipelines/reports/store.py), newest period first, with the
data batch each one reflects, its 数据缺失 notes, and a download for every file; earlier versions of a
period sit in an expander with their own downloads."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import audit, auth, i18n, regenerate, roles
from dashboard.components import markdown_literal
from dashboard.page_common import period_name
from pipelines.reports import store
from serving import formatters as fmt

KINDS = ("monthly", "annual")
MIME = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
MISSING = "—"

STRINGS: dict[str, dict[str, str]] = {
    "title": {"zh": "考核报告", "en": "Reports"},
    "caption": {"zh": "已生成的月度报告和年度考核报告，最新期在前。每份报告注明所依据的数据批次；"
                      "同一期重新生成后，旧版本保留在“历史版本”中。",
                "en": "The monthly and annual assessment reports generated so far, newest period first. Each "
                      "states the data batch it reflects; when a period is regenerated, earlier versions are "
                      "kept under “Earlier versions”."},
    "monthly": {"zh": "月度报告", "en": "Monthly reports"},
    "annual": {"zh": "年度考核报告", "en": "Annual assessment reports"},
    "none_kind": {"zh": "还没有{kind}。", "en": "No {kind} yet."},
    "none": {"zh": "还没有生成任何报告。报告的生成方式：在项目目录运行 `make reports`（生成上月月度报告和上年度考核报告），"
                   "或由 Dagster 定时任务自动生成——月度报告在每月第一个法定工作日生成上月报告，年度考核报告在每年"
                   "1月第一个法定工作日生成上年度报告。报告保存在 `{root}`。",
             "en": "No reports have been generated yet. To make them, run `make reports` in the project folder "
                   "(last month's monthly report and last year's annual report), or let the Dagster schedules "
                   "do it: the monthly report on the first official working day of each month, the annual "
                   "report on the first official working day of January. Reports are stored in `{root}`."},
    "generated_at": {"zh": "生成时间", "en": "Generated"},
    "batch": {"zh": "数据批次", "en": "Data batch"},
    "batch_text": {"zh": "最新导出批次 {latest}，数据截至 {as_of}，发布于 {published}",
                   "en": "latest export batch {latest}, data as of {as_of}, published {published}"},
    "missing_title": {"zh": "数据缺失", "en": "Missing data"},
    "file_gone": {"zh": "文件 {name} 已不在磁盘上。", "en": "File {name} is no longer on disk."},
    "earlier": {"zh": "历史版本（{n}）", "en": "Earlier versions ({n})"},
    "version": {"zh": "版本", "en": "Version"},
    "colon": {"zh": "：", "en": ": "},
    "document_title": {"zh": "{title}", "en": "Document (in Chinese): {title}"},
    "citywide_only": {"zh": "考核报告包含全市所有县区和部门的数据，仅供市领导小组、市场监管局和市考核办查看。"
                            "本单位的指标、得分和明细请在其他页面查看和下载。",
                      "en": "The reports hold every county's and department's figures, so they are for the "
                            "leading group, the market regulation bureau and the assessment office. Your own "
                            "figures, score and records are on the other pages, with their downloads."},
    "regenerate": {"zh": "重新生成", "en": "Regenerate"},
    "regenerate_help": {"zh": "用当前发布的数据重新生成本期报告（由 Dagster 运行，不重发邮件）；旧版本保留在“历史版本”中。",
                        "en": "Generate this period's report again from the data published now (a Dagster run; "
                              "not e-mailed again); the current version moves to “Earlier versions”."},
    "regenerate_sent": {"zh": "已提交重新生成（Dagster 运行 {run}）。报告通常在一分钟内生成，届时刷新本页即可看到新版本。",
                        "en": "Regeneration submitted (Dagster run {run}). The report is usually ready within a "
                              "minute: reload this page to see the new version."},
    "regenerate_failed": {"zh": "无法提交重新生成：Dagster 未响应（{reason}）。请确认系统已通过 make run 启动，"
                                "或在项目目录运行 make reports。",
                          "en": "Could not submit the regeneration: Dagster did not answer ({reason}). Check that "
                                "the system runs (make run), or run make reports in the project folder."},
    "draft_note": {"zh": "通报草稿（DOCX）仅市考核办可见，正式印发前不对外提供。",
                   "en": "The draft circular (DOCX) is for the assessment office only until it is issued."},
}


_s = i18n.translator(STRINGS)


def _batch_text(man: dict, lang: str) -> str:
    batch = man.get("batch") or {}
    return _s("batch_text", lang, latest=batch.get("latest_batch_date") or MISSING,
              as_of=batch.get("as_of_date") or MISSING,
              # stored as meta.publish_log has it (the machine's local time); shown in Asia/Shanghai like
              # the generation time beside it, the report itself and its e-mail
              published=fmt.timestamp(batch.get("published_at")))


def _downloads(man: dict, folder: Path, key: str, lang: str) -> None:
    reader = auth.current()
    files = [f for f in man.get("files") or [] if may_download(reader, f["name"])]
    cols = st.columns(max(len(files), 4))
    for col, f in zip(cols, files):
        name = f["name"]
        path = Path(f.get("path") or folder / name)
        if not path.is_file():
            col.warning(_s("file_gone", lang, name=name))
            continue
        col.download_button(name, data=audit.logged_download(reader, f"{key}/{name}", path.read_bytes),
                            file_name=name, mime=MIME.get(path.suffix.lower(), "application/octet-stream"),
                            key=f"dl-{key}-{name}", icon=":material/download:", on_click="ignore")


def _regenerate_button(kind: str, period: str, lang: str) -> None:
    key = f"regenerate-{kind}-{period}"
    if st.button(_s("regenerate", lang), key=key, help=_s("regenerate_help", lang), icon=":material/refresh:"):
        reader = auth.current()
        try:
            run_id = regenerate.submit(kind, period, reader)
        except regenerate.RegenerateError as exc:
            st.error(_s("regenerate_failed", lang, reason=markdown_literal(str(exc))))
            return
        audit.record(audit.REGENERATE, reader, f"{kind} {period} run {run_id}")
        st.success(_s("regenerate_sent", lang, run=run_id[:8]))


def may_download(reader: roles.Reader, file_name: str) -> bool:
    """The reports hold every unit's figures: city-wide readers only; the DOCX is the draft circular,
    for the assessment office until it is issued."""
    if not reader.citywide:
        return False
    return reader.may(roles.DRAFTS) or Path(file_name).suffix.lower() != ".docx"


def period_heading(kind: str, period: str, lang: str) -> str:
    """`2025年12月` / `2025 Dec` (as the pages write a month) for a monthly period `2025-12`, `2025年度` / `2025` for a year; the
    period as stored when it has neither form. Pure."""
    year, _, month = str(period).partition("-")
    if not year.isdigit():
        return str(period)
    if kind == "monthly" and month.isdigit() and 1 <= int(month) <= 12:
        return period_name(int(year), "month", int(month), lang)  # as the pages write a month
    return f"{year}年度" if lang == "zh" else year


def _report(kind: str, man: dict, lang: str) -> None:
    period = man.get("period", "")
    with st.container(border=True):
        st.markdown(f"#### {period_heading(kind, period, lang)}")
        if man.get("title"):  # the document's own title: the reports are written in Chinese
            st.caption(man["title"] if lang == "zh" else _s("document_title", lang, title=man["title"]))
        tz = f"（{man['timezone']}）" if lang == "zh" and man.get("timezone") else (
            f" ({man['timezone']})" if man.get("timezone") else "")
        c = _s("colon", lang)
        st.markdown(
            f"**{_s('generated_at', lang)}**{c}{man.get('generated_at') or MISSING}{tz}  \n"
            f"**{_s('batch', lang)}**{c}{_batch_text(man, lang)}"
        )
        missing = man.get("missing") or []
        if missing:
            st.warning(f"**{_s('missing_title', lang)}**\n\n" + "\n".join(f"- {m}" for m in missing))
        _downloads(man, Path(man.get("folder", "")), f"{kind}-{period}-{man.get('version', 'current')}", lang)
        if auth.current().may(roles.REGENERATE):
            _regenerate_button(kind, str(period), lang)
        earlier = [v for v in store.versions(kind, period) if v.get("version") != man.get("version")]
        if earlier:
            with st.expander(_s("earlier", lang, n=len(earlier))):
                for v in earlier:
                    st.markdown(
                        f"**{_s('version', lang)} {v.get('version') or MISSING}** · "
                        f"{_s('generated_at', lang)}{c}{v.get('generated_at') or MISSING} · "
                        f"{_s('batch', lang)}{c}{_batch_text(v, lang)}"
                    )
                    for m in v.get("missing") or []:
                        st.caption(f"{_s('missing_title', lang)}{c}{m}")
                    _downloads(v, Path(v["folder"]), f"{kind}-{period}-{v.get('version')}", lang)


lang = i18n.current_language()
st.title(_s("title", lang))
st.caption(_s("caption", lang))
if not auth.current().citywide:
    st.info(_s("citywide_only", lang))
    st.stop()
if not auth.current().may(roles.DRAFTS):
    st.caption(_s("draft_note", lang))

reports = {kind: store.list_reports(kind) for kind in KINDS}
if not any(reports.values()):
    st.info(_s("none", lang, root=store.reports_root()))
    st.stop()

for kind in KINDS:
    st.subheader(_s(kind, lang))
    found = sorted(reports[kind], key=lambda m: str(m.get("period", "")), reverse=True)
    if not found:
        st.info(_s("none_kind", lang, kind=_s(kind, lang).lower()))
        continue
    for man in found:
        _report(kind, man, lang)
