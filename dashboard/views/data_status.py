"""数据状态 / Data status: how fresh the data is, what was loaded from which file, what was rejected and
why, and which publication clocks wait for the official calendar of a year it does not cover yet
(serving.status). Every string of the page is in STRINGS (Chinese and English); labels the marts hold
(entity titles, statuses, reason kinds, name problems) come from serving.status in the page's language;
what the export itself holds (batch and file names, reasons, rows, department names as written, a run's
message) is shown as stored."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import audit, auth, data, figures, i18n, roles
from dashboard.components import CHART_CONFIG, markdown_literal, table
from pipelines import run_status
from serving import formatters as fmt
from serving import labels, status
from serving.chart_text import plain_figure

STRINGS: dict[str, dict[str, str]] = {
    "title": {"zh": "数据状态", "en": "Data status"},
    "caption": {"zh": "省“互联网+监管”系统导出文件的加载情况：数据是否最新、每个文件加载了多少、哪些行被拒收及原因。",
                "en": "How the exports of the provincial “Internet + Supervision” platform were loaded: whether "
                      "the data is current, how much of each file was loaded, which rows were rejected and why."},
    "not_published": {"zh": data.NOT_PUBLISHED_MESSAGE,
                      "en": "The data has not been published yet: there is no data file for the dashboard to "
                            "read ({path}). Run the data pipeline first (load the export files, build with dbt "
                            "and publish)."},
    "all": {"zh": "全部", "en": "All"},
    # the latest runs
    "failure": {"zh": "最近一次数据更新未发布（{at}，运行 {run}，失败环节：{stage}）：{message}",
                "en": "The latest data update was not published ({at}, run {run}, failed stage: {stage}): "
                      "{message}"},
    "runs": {"zh": "最近的运行记录", "en": "Recent runs"},
    "runs_file": {"zh": "运行记录.csv", "en": "runs.csv"},
    "published": {"zh": "已发布", "en": "Published"},
    "failed": {"zh": "失败", "en": "Failed"},
    "c_at": {"zh": "时间", "en": "Time"},
    "c_run": {"zh": "运行", "en": "Run"},
    "c_stage": {"zh": "环节", "en": "Stage"},
    "c_outcome": {"zh": "结果", "en": "Outcome"},
    "c_message": {"zh": "说明", "en": "Message"},
    # the official calendar
    "calendar_year": {"zh": "{year}年（{n} 项公示义务，事项日期 {first} 至 {last}）",
                      "en": "{year} ({n} publication obligations, event dates {first} to {last})"},
    "calendar_years_glue": {"zh": "、", "en": "; "},
    "calendar": {"zh": "官方工作日历尚未覆盖：{years}。这些公示义务的期限无法计算，状态为“{status}”，"
                       "在补充日历前不计入任何比率。补充方法：把国务院办公厅公布的该年度节假日安排加入 "
                       "`dbt_project/seeds/calendar_overrides.csv`（或升级 chinese-calendar 到覆盖该年度的版本），"
                       "运行 `make docs` 重新生成日历，再重新构建（`make pipeline`）。",
                 "en": "The official working-day calendar does not cover {years} yet. The deadlines of these "
                       "publication obligations cannot be computed: their status is “{status}” and they count "
                       "in no rate until the calendar is extended. To extend it, add the year's public holiday "
                       "arrangements published by the General Office of the State Council to "
                       "`dbt_project/seeds/calendar_overrides.csv` (or upgrade chinese-calendar to a version "
                       "that covers the year), run `make docs` to regenerate the calendar, then rebuild "
                       "(`make pipeline`)."},
    # freshness
    "freshness": {"zh": "数据新鲜度", "en": "Data freshness"},
    "m_latest_batch": {"zh": "最新批次导出日期", "en": "Latest batch exported"},
    "m_last_loaded": {"zh": "最后加载时间", "en": "Last loaded"},
    "m_last_published": {"zh": "最后发布时间", "en": "Last published"},
    "m_batches": {"zh": "批次数", "en": "Batches"},
    "rejected_share": {"zh": "拒收行占读取行：{share}；时间为北京时间。",
                       "en": "Rejected rows of the rows read: {share}; times are Beijing time."},
    "no_files": {"zh": "已发布的数据中还没有任何导出文件的加载记录。",
                 "en": "The published data holds no record of any export file loaded yet."},
    # batches and files
    "batches": {"zh": "各批次文件", "en": "Files by batch"},
    "batches_file": {"zh": "各批次汇总.csv", "en": "batches.csv"},
    "no_batches": {"zh": "暂无批次。", "en": "No batches yet."},
    "files_of_batch": {"zh": "查看批次中的文件", "en": "Files of batch"},
    "files_file": {"zh": "文件加载明细.csv", "en": "files.csv"},
    "no_batch_files": {"zh": "该批次没有文件。", "en": "No files in this batch."},
    "c_batch": {"zh": "批次", "en": "Batch"},
    "c_batch_date": {"zh": "导出日期", "en": "Export date"},
    "c_files": {"zh": "文件数", "en": "Files"},
    "c_files_loaded": {"zh": "已加载", "en": "Loaded"},
    "c_files_rejected": {"zh": "整文件拒收", "en": "Rejected whole"},
    "c_rows_read": {"zh": "读取行数", "en": "Rows read"},
    "c_rows_loaded": {"zh": "加载行数", "en": "Rows loaded"},
    "c_rows_rejected": {"zh": "拒收行数", "en": "Rows rejected"},
    "c_loaded_at": {"zh": "加载时间", "en": "Loaded at"},
    "c_file_name": {"zh": "文件名", "en": "File name"},
    "c_entity": {"zh": "数据类别", "en": "Data category"},
    "c_status": {"zh": "状态", "en": "Status"},
    "c_file_message": {"zh": "整文件拒收原因", "en": "Why the file was rejected"},
    "c_format": {"zh": "格式", "en": "Format"},
    # entities
    "entities": {"zh": "各实体记录数", "en": "Records by data category"},
    "entities_caption": {"zh": "加载行数 = 当前记录 + 被后续批次取代的旧版本；拒收行不进入仓库。",
                         "en": "Rows loaded = current records + older versions superseded by later batches; "
                               "rejected rows never enter the warehouse."},
    "entities_file": {"zh": "各实体记录数.csv", "en": "records-by-category.csv"},
    "no_entities": {"zh": "暂无实体统计。", "en": "No counts by data category yet."},
    "c_current": {"zh": "当前记录数", "en": "Current records"},
    "c_superseded": {"zh": "被取代行数", "en": "Superseded rows"},
    "c_latest_batch_date": {"zh": "最新批次日期", "en": "Latest batch date"},
    "c_last_loaded_at": {"zh": "最后加载时间", "en": "Last loaded"},
    # reject reasons
    "reasons": {"zh": "拒收原因", "en": "Why rows were rejected"},
    "no_rejects": {"zh": "没有被拒收的行。", "en": "No rows were rejected."},
    "reasons_caption": {"zh": "一行可能有多个原因类别，在每个类别下各计一次；比例的分母为全部拒收行。",
                        "en": "A row can have several reason kinds and counts once under each; shares are of "
                              "all rejected rows."},
    "kinds_file": {"zh": "拒收原因类别.csv", "en": "reject-reason-kinds.csv"},
    "by_entity": {"zh": "按数据类别细分", "en": "By data category"},
    "by_entity_file": {"zh": "拒收原因_按数据类别.csv", "en": "reject-reason-kinds-by-category.csv"},
    "c_reason_kind": {"zh": "原因类别", "en": "Reason kind"},
    "c_share": {"zh": "占拒收行", "en": "Share of rejected rows"},
    "c_entity_rejected": {"zh": "该类别拒收行总数", "en": "Rejected rows of the category"},
    # rejected rows
    "rejects": {"zh": "拒收明细", "en": "Rejected rows"},
    "search": {"zh": "搜索（文件名、原因或原始内容）", "en": "Search (file name, reasons or the row as exported)"},
    "search_help": {"zh": "", "en": "Matches the text as stored: file names, reasons, reason kinds and rows as "
                                    "exported, in Chinese."},
    "batch": {"zh": "批次", "en": "Batch"},
    "batch_help": {"zh": "默认显示最新一个有拒收行的批次；选「全部」查看所有批次",
                   "en": "Opens on the newest batch with rejected rows; choose “All” for every batch"},
    "found": {"zh": "符合条件的拒收行：{n} 行", "en": "Matching rejected rows: {n}"},
    "rejects_file": {"zh": "拒收明细.csv", "en": "rejected-rows.csv"},
    "no_match": {"zh": "没有符合条件的拒收行。", "en": "No rejected rows match."},
    "c_row": {"zh": "行号", "en": "Row"},
    "c_reasons": {"zh": "拒收原因", "en": "Reasons"},
    "c_reason_kinds": {"zh": "原因类别", "en": "Reason kinds"},
    "c_row_json": {"zh": "原始行", "en": "Row as exported"},
    # department names
    "unresolved": {"zh": "无法匹配的部门名称", "en": "Department names that match no department"},
    "unresolved_caption": {"zh": "当前记录中无法对应到唯一监管部门的名称（部门名录中没有，或简称对应多个部门）。"
                                 "不予公示的检查结果及其线索移送中的名称不显示原文，只计数。",
                           "en": "Names in the current records that match no single regulatory department (not "
                                 "in the department register, or a short name several departments share). Names "
                                 "in inspection results withheld from publication, and in their case referrals, "
                                 "are not shown, only counted."},
    "unresolved_file": {"zh": "无法匹配的部门名称.csv", "en": "unmatched-department-names.csv"},
    "all_resolved": {"zh": "所有部门名称均已匹配。", "en": "Every department name matches a department."},
    "c_column": {"zh": "字段", "en": "Field"},
    "c_dept_name": {"zh": "名称原文", "en": "Name as written"},
    "c_problem": {"zh": "问题", "en": "Problem"},
    "c_records": {"zh": "记录数", "en": "Records"},
    # who may see what (dashboard/roles.py)
    "details_elsewhere": {"zh": "各文件的加载明细、拒收行和运行记录由市考核办查看。",
                          "en": "The loading details of each file, the rejected rows and the run history are "
                                "for the city assessment office."},
    # the audit log (dashboard/audit.py)
    "audit": {"zh": "访问日志", "en": "Access log"},
    "audit_caption": {"zh": "登录、页面访问、下载和报告重新生成的记录（北京时间），最新在前，最多显示 {n} 条。",
                      "en": "Sign-ins, pages viewed, downloads and report regenerations (Beijing time), newest "
                            "first, up to {n}."},
    "audit_file": {"zh": "访问日志.csv", "en": "access-log.csv"},
    "no_audit": {"zh": "还没有访问记录。", "en": "Nothing logged yet."},
    "c_user": {"zh": "用户", "en": "User"},
    "c_user_name": {"zh": "姓名", "en": "Name"},
    "c_role": {"zh": "角色", "en": "Role"},
    "c_scope": {"zh": "范围", "en": "Scope"},
    "c_event": {"zh": "事件", "en": "Event"},
    "c_detail": {"zh": "内容", "en": "Detail"},
    "e_sign_in": {"zh": "登录", "en": "Sign-in"},
    "e_sign_out": {"zh": "退出", "en": "Sign-out"},
    "e_page_view": {"zh": "访问页面", "en": "Page viewed"},
    "e_download": {"zh": "下载", "en": "Download"},
    "e_report_regenerate": {"zh": "重新生成报告", "en": "Report regenerated"},
    "e_denied": {"zh": "无权限", "en": "No access"},
}

_s = i18n.translator(STRINGS)


def columns(**keys: str) -> dict[str, str]:
    """{data column: its header in the page's language} from {data column: STRINGS key}."""
    return {column: _s(key, lang) for column, key in keys.items()}


lang = i18n.current_language()
ALL = _s("all", lang)

st.title(_s("title", lang))
st.caption(_s("caption", lang))
reader = auth.current()
details = reader.may(roles.STATUS_DETAILS)


def audit_log() -> None:
    """The access log, for the readers who may read it (考核办, the operator)."""
    shown = audit.read(limit=AUDIT_ROWS)
    st.subheader(_s("audit", lang))
    st.caption(_s("audit_caption", lang, n=fmt.count(AUDIT_ROWS)))
    if shown.empty:
        st.caption(_s("no_audit", lang))
        return
    table(shown.assign(event=[_s(f"e_{e}", lang) for e in shown["event"]],
                       role=[auth.role_label(r, lang) if r else ""
                             for r in shown["role"]]),
          columns(at="c_at", user_id="c_user", user_name="c_user_name", role="c_role", scope="c_scope",
                  event="c_event", detail="c_detail"),
          file_name=_s("audit_file", lang), key="audit", empty=_s("no_audit", lang))


AUDIT_ROWS = 5_000


def finish() -> None:
    """The end of the page, however early: the access log last, for those who may read it."""
    if reader.may(roles.AUDIT_LOG):
        audit_log()
    st.stop()


# --- 最近运行: a failed run publishes nothing, so its reason is only here ---------------------------
failure = run_status.last_failure_since_publish(data.serving_path()) if details else None
if failure:
    st.error(_s("failure", lang, at=fmt.timestamp(failure["at"]), run=failure["run_id"][:8],
                stage=run_status.stage_label(failure["stage"], lang),
                message=markdown_literal(failure["message"])))  # it can quote a file name
    if failure.get("details"):
        st.code("\n".join(failure["details"]), language=None, wrap_lines=True)
runs = run_status.history(data.serving_path(), limit=20) if details else []
if runs:
    with st.expander(_s("runs", lang), expanded=bool(failure)):
        table(pd.DataFrame([{"at": fmt.timestamp(r["at"]), "run_id": r["run_id"][:8],
                             "stage": run_status.stage_label(r["stage"], lang),
                             "outcome": _s("published" if r["outcome"] == "published" else "failed", lang),
                             "message": r["message"]} for r in runs]),
              columns(at="c_at", run_id="c_run", stage="c_stage", outcome="c_outcome", message="c_message"),
              file_name=_s("runs_file", lang), key="runs", empty="")

if not data.is_published():
    st.info(_s("not_published", lang, path=data.serving_path()))
    finish()

# --- 等待官方日历: publication clocks that need a year the calendar does not cover yet ----------------
waiting = status.awaiting_calendar()
if not waiting.empty:
    years = _s("calendar_years_glue", lang).join(
        _s("calendar_year", lang, year=fmt.year(r["calendar_year_needed"]), n=fmt.count(r["obligations"]),
           first=fmt.iso_date(r["first_event_date"]), last=fmt.iso_date(r["last_event_date"]))
        for _, r in waiting.iterrows())
    st.warning(_s("calendar", lang, years=years,
                  status=labels.label("publication_status", "awaiting_calendar", lang)))

# --- 数据新鲜度 ------------------------------------------------------------------------------------
fresh = status.freshness()
st.subheader(_s("freshness", lang))
col_batch, col_load, col_publish = st.columns(3)
col_batch.metric(_s("m_latest_batch", lang), fmt.iso_date(fresh.latest_batch_date))
col_load.metric(_s("m_last_loaded", lang), fmt.timestamp(fresh.last_loaded_at))
col_publish.metric(_s("m_last_published", lang), fmt.timestamp(fresh.last_published_at))
if not details:
    st.info(_s("details_elsewhere", lang))
    finish()
col_batches, col_files, col_loaded, col_rejected = st.columns(4)
col_batches.metric(_s("m_batches", lang), fmt.count(fresh.batches))
col_files.metric(_s("c_files", lang), fmt.count(fresh.files))
col_loaded.metric(_s("c_rows_loaded", lang), fmt.count(fresh.rows_loaded))
col_rejected.metric(_s("c_rows_rejected", lang), fmt.count(fresh.rows_rejected))
st.caption(_s("rejected_share", lang, share=fmt.share(fresh.rows_rejected, fresh.rows_read, lang)))

if fresh.files == 0:
    st.info(_s("no_files", lang))
    finish()

# --- 各批次文件 ------------------------------------------------------------------------------------
st.subheader(_s("batches", lang))
batches = status.batches()
table(
    batches.assign(last_loaded_at=[fmt.timestamp(v) for v in batches["last_loaded_at"]]),
    columns(batch_id="c_batch", batch_date="c_batch_date", files="c_files", files_loaded="c_files_loaded",
            files_rejected="c_files_rejected", rows_read="c_rows_read", rows_loaded="c_rows_loaded",
            rows_rejected="c_rows_rejected", last_loaded_at="c_loaded_at"),
    file_name=_s("batches_file", lang), key="batches", empty=_s("no_batches", lang),
)
batch_choice = st.selectbox(_s("files_of_batch", lang), [ALL, *batches["batch_id"].tolist()], key="files_batch")
files = status.files(None if batch_choice == ALL else batch_choice, lang=lang)
table(
    files.assign(loaded_at=[fmt.timestamp(v) for v in files["loaded_at"]]),
    columns(batch_id="c_batch", file_name="c_file_name", entity_title="c_entity", status_label="c_status",
            rows_read="c_rows_read", rows_loaded="c_rows_loaded", rows_rejected="c_rows_rejected",
            message="c_file_message", file_format="c_format", loaded_at="c_loaded_at"),
    file_name=_s("files_file", lang), key="files", empty=_s("no_batch_files", lang),
)

# --- 各实体记录数 ----------------------------------------------------------------------------------
st.subheader(_s("entities", lang))
st.caption(_s("entities_caption", lang))
entities = status.entities(lang=lang)
st.plotly_chart(plain_figure(figures.rows_per_entity_bar(entities, lang)), width="stretch", config=CHART_CONFIG)
table(
    entities.assign(last_loaded_at=[fmt.timestamp(v) for v in entities["last_loaded_at"]]),
    columns(entity_title="c_entity", files="c_files", rows_loaded="c_rows_loaded", current_records="c_current",
            superseded_rows="c_superseded", rows_rejected="c_rows_rejected",
            latest_batch_date="c_latest_batch_date", last_loaded_at="c_last_loaded_at"),
    file_name=_s("entities_file", lang), key="entities", empty=_s("no_entities", lang),
)

# --- 拒收原因 --------------------------------------------------------------------------------------
st.subheader(_s("reasons", lang))
kinds = status.reject_kinds(lang=lang)
if kinds.empty:
    st.info(_s("no_rejects", lang))
else:
    st.caption(_s("reasons_caption", lang))
    kinds = kinds.assign(share=[fmt.share(n, fresh.rows_rejected, lang) for n in kinds["rejected_rows"]])
    st.plotly_chart(plain_figure(figures.reject_kinds_bar(kinds, lang)), width="stretch", config=CHART_CONFIG)
    table(
        kinds,
        columns(reason_kind_label="c_reason_kind", rejected_rows="c_rows_rejected", share="c_share"),
        file_name=_s("kinds_file", lang), key="reject_kinds", empty=_s("no_rejects", lang),
    )
    with st.expander(_s("by_entity", lang)):
        table(
            status.reject_reasons_by_entity(lang=lang),
            columns(entity_title="c_entity", reason_kind_label="c_reason_kind", rejected_rows="c_rows_rejected",
                    entity_rejected_rows="c_entity_rejected"),
            file_name=_s("by_entity_file", lang), key="reject_reasons", empty=_s("no_rejects", lang),
        )

# --- 拒收明细 --------------------------------------------------------------------------------------
st.subheader(_s("rejects", lang))
if kinds.empty:
    st.info(_s("no_rejects", lang))
else:
    options = status.reject_filter_options(lang=lang)
    titles = dict(zip(options["entity"], options["entity_title"]))
    col_search, col_entity, col_batch = st.columns([2, 1, 1])
    search = col_search.text_input(_s("search", lang), key="rejects_search", help=_s("search_help", lang) or None)
    entity = col_entity.selectbox(
        _s("c_entity", lang), [ALL, *titles], format_func=lambda e: titles.get(e, e), key="rejects_entity"
    )
    # The newest batch first: what a clerk acts on; every batch (tens of thousands of rows at
    # province scale) is one choice away.
    batches = options["batch_id"].unique().tolist()  # newest first
    batch = col_batch.selectbox(_s("batch", lang), [ALL, *batches], index=1 if batches else 0, key="rejects_batch",
                                help=_s("batch_help", lang))
    found = status.rejects(
        search=search, entity=None if entity == ALL else entity, batch_id=None if batch == ALL else batch,
        lang=lang,
    )
    st.caption(_s("found", lang, n=fmt.count(len(found))))
    table(
        found,
        columns(batch_id="c_batch", file_name="c_file_name", file_row_number="c_row", entity_title="c_entity",
                reasons="c_reasons", reason_kinds="c_reason_kinds", row_json="c_row_json"),
        file_name=_s("rejects_file", lang), key="rejects", empty=_s("no_match", lang),
    )

# --- 无法匹配的部门名称 ----------------------------------------------------------------------------
st.subheader(_s("unresolved", lang))
st.caption(_s("unresolved_caption", lang))
table(
    status.unresolved_department_names(lang=lang),
    columns(entity_title="c_entity", column_label="c_column", dept_name="c_dept_name", problem="c_problem",
            records="c_records"),
    file_name=_s("unresolved_file", lang), key="unresolved", empty=_s("all_resolved", lang),
)

finish()
