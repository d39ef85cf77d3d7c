"""数据状态: how fresh the data is, what was loaded from which file, what was rejected and why, and which
publication clocks wait for the official calendar of a year it does not cover yet (serving.status)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, figures
from dashboard.components import CHART_CONFIG, markdown_literal, table
from pipelines import run_status
from serving import formatters as fmt
from serving import status
from serving.chart_text import plain_figure

ALL = "全部"

st.title("数据状态")
st.caption("省“互联网+监管”系统导出文件的加载情况：数据是否最新、每个文件加载了多少、哪些行被拒收及原因。")

# --- 最近运行: a failed run publishes nothing, so its reason is only here ---------------------------
failure = run_status.last_failure_since_publish(data.serving_path())
if failure:
    stage = run_status.STAGES.get(failure["stage"], failure["stage"])
    st.error(f"最近一次数据更新未发布（{fmt.timestamp(failure['at'])}，运行 {failure['run_id'][:8]}，"
             f"失败环节：{stage}）：{markdown_literal(failure['message'])}")  # it can quote a file name
    if failure.get("details"):
        st.code("\n".join(failure["details"]), language=None, wrap_lines=True)
runs = run_status.history(data.serving_path(), limit=20)
if runs:
    with st.expander("最近的运行记录", expanded=bool(failure)):
        table(pd.DataFrame([{"at": fmt.timestamp(r["at"]), "run_id": r["run_id"][:8],
                             "stage": run_status.STAGES.get(r["stage"], r["stage"]),
                             "outcome": "已发布" if r["outcome"] == "published" else "失败",
                             "message": r["message"]} for r in runs]),
              {"at": "时间", "run_id": "运行", "stage": "环节", "outcome": "结果", "message": "说明"},
              file_name="运行记录.csv", key="runs", empty="")

if not data.is_published():
    st.info(data.NOT_PUBLISHED_MESSAGE.format(path=data.serving_path()))
    st.stop()

# --- 等待官方日历: publication clocks that need a year the calendar does not cover yet ----------------
waiting = status.awaiting_calendar()
if not waiting.empty:
    years = "、".join(f"{fmt.year(r['calendar_year_needed'])}年（{fmt.count(r['obligations'])} 项公示义务，"
                     f"事项日期 {fmt.iso_date(r['first_event_date'])} 至 {fmt.iso_date(r['last_event_date'])}）"
                     for _, r in waiting.iterrows())
    st.warning(
        f"官方工作日历尚未覆盖：{years}。这些公示义务的期限无法计算，状态为“待补充官方工作日历”，"
        "在补充日历前不计入任何比率。补充方法：把国务院办公厅公布的该年度节假日安排加入 "
        "`dbt_project/seeds/calendar_overrides.csv`（或升级 chinese-calendar 到覆盖该年度的版本），"
        "运行 `make docs` 重新生成日历，再重新构建（`make pipeline`）。"
    )

# --- 数据新鲜度 ------------------------------------------------------------------------------------
fresh = status.freshness()
st.subheader("数据新鲜度")
col_batch, col_load, col_publish = st.columns(3)
col_batch.metric("最新批次导出日期", fmt.iso_date(fresh.latest_batch_date))
col_load.metric("最后加载时间", fmt.timestamp(fresh.last_loaded_at))
col_publish.metric("最后发布时间", fmt.timestamp(fresh.last_published_at))
col_batches, col_files, col_loaded, col_rejected = st.columns(4)
col_batches.metric("批次数", fmt.count(fresh.batches))
col_files.metric("文件数", fmt.count(fresh.files))
col_loaded.metric("加载行数", fmt.count(fresh.rows_loaded))
col_rejected.metric("拒收行数", fmt.count(fresh.rows_rejected))
st.caption(f"拒收行占读取行：{fmt.share(fresh.rows_rejected, fresh.rows_read)}；时间为北京时间。")

if fresh.files == 0:
    st.info("已发布的数据中还没有任何导出文件的加载记录。")
    st.stop()

# --- 各批次文件 ------------------------------------------------------------------------------------
st.subheader("各批次文件")
batches = status.batches()
table(
    batches.assign(last_loaded_at=[fmt.timestamp(v) for v in batches["last_loaded_at"]]),
    {"batch_id": "批次", "batch_date": "导出日期", "files": "文件数", "files_loaded": "已加载",
     "files_rejected": "整文件拒收", "rows_read": "读取行数", "rows_loaded": "加载行数",
     "rows_rejected": "拒收行数", "last_loaded_at": "加载时间"},
    file_name="各批次汇总.csv", key="batches", empty="暂无批次。",
)
batch_choice = st.selectbox("查看批次中的文件", [ALL, *batches["batch_id"].tolist()], key="files_batch")
files = status.files(None if batch_choice == ALL else batch_choice)
table(
    files.assign(loaded_at=[fmt.timestamp(v) for v in files["loaded_at"]]),
    {"batch_id": "批次", "file_name": "文件名", "entity_title": "数据类别", "status_label": "状态",
     "rows_read": "读取行数", "rows_loaded": "加载行数", "rows_rejected": "拒收行数",
     "message": "整文件拒收原因", "file_format": "格式", "loaded_at": "加载时间"},
    file_name="文件加载明细.csv", key="files", empty="该批次没有文件。",
)

# --- 各实体记录数 ----------------------------------------------------------------------------------
st.subheader("各实体记录数")
st.caption("加载行数 = 当前记录 + 被后续批次取代的旧版本；拒收行不进入仓库。")
entities = status.entities()
st.plotly_chart(plain_figure(figures.rows_per_entity_bar(entities)), width="stretch", config=CHART_CONFIG)
table(
    entities.assign(last_loaded_at=[fmt.timestamp(v) for v in entities["last_loaded_at"]]),
    {"entity_title": "数据类别", "files": "文件数", "rows_loaded": "加载行数", "current_records": "当前记录数",
     "superseded_rows": "被取代行数", "rows_rejected": "拒收行数", "latest_batch_date": "最新批次日期",
     "last_loaded_at": "最后加载时间"},
    file_name="各实体记录数.csv", key="entities", empty="暂无实体统计。",
)

# --- 拒收原因 --------------------------------------------------------------------------------------
st.subheader("拒收原因")
kinds = status.reject_kinds()
if kinds.empty:
    st.info("没有被拒收的行。")
else:
    st.caption("一行可能有多个原因类别，在每个类别下各计一次；比例的分母为全部拒收行。")
    kinds = kinds.assign(share=[fmt.share(n, fresh.rows_rejected) for n in kinds["rejected_rows"]])
    st.plotly_chart(plain_figure(figures.reject_kinds_bar(kinds)), width="stretch", config=CHART_CONFIG)
    table(
        kinds,
        {"reason_kind_label": "原因类别", "rejected_rows": "拒收行数", "share": "占拒收行"},
        file_name="拒收原因类别.csv", key="reject_kinds", empty="没有被拒收的行。",
    )
    with st.expander("按数据类别细分"):
        table(
            status.reject_reasons_by_entity(),
            {"entity_title": "数据类别", "reason_kind_label": "原因类别", "rejected_rows": "拒收行数",
             "entity_rejected_rows": "该类别拒收行总数"},
            file_name="拒收原因_按数据类别.csv", key="reject_reasons", empty="没有被拒收的行。",
        )

# --- 拒收明细 --------------------------------------------------------------------------------------
st.subheader("拒收明细")
if kinds.empty:
    st.info("没有被拒收的行。")
else:
    options = status.reject_filter_options()
    titles = dict(zip(options["entity"], options["entity_title"]))
    col_search, col_entity, col_batch = st.columns([2, 1, 1])
    search = col_search.text_input("搜索（文件名、原因或原始内容）", key="rejects_search")
    entity = col_entity.selectbox(
        "数据类别", [ALL, *titles], format_func=lambda e: titles.get(e, e), key="rejects_entity"
    )
    # The newest batch first: what a clerk acts on; every batch (tens of thousands of rows at
    # province scale) is one choice away.
    batches = options["batch_id"].unique().tolist()  # newest first
    batch = col_batch.selectbox("批次", [ALL, *batches], index=1 if batches else 0, key="rejects_batch",
                                help="默认显示最新一个有拒收行的批次；选「全部」查看所有批次")
    found = status.rejects(
        search=search, entity=None if entity == ALL else entity, batch_id=None if batch == ALL else batch
    )
    st.caption(f"符合条件的拒收行：{fmt.count(len(found))} 行")
    table(
        found,
        {"batch_id": "批次", "file_name": "文件名", "file_row_number": "行号", "entity_title": "数据类别",
         "reasons": "拒收原因", "reason_kinds": "原因类别", "row_json": "原始行"},
        file_name="拒收明细.csv", key="rejects", empty="没有符合条件的拒收行。",
    )

# --- 无法匹配的部门名称 ----------------------------------------------------------------------------
st.subheader("无法匹配的部门名称")
st.caption("当前记录中无法对应到唯一监管部门的名称（部门名录中没有，或简称对应多个部门）。"
           "不予公示的检查结果及其线索移送中的名称不显示原文，只计数。")
table(
    status.unresolved_department_names(),
    {"entity_title": "数据类别", "column_label": "字段", "dept_name": "名称原文", "problem": "问题",
     "records": "记录数"},
    file_name="无法匹配的部门名称.csv", key="unresolved", empty="所有部门名称均已匹配。",
)
