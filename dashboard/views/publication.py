"""公示时效: on-time publication per event type over time, how late the late ones were, the effect of
long holidays (the long holiday of each obligation's clock window, from the calendar, as dbt set it),
and the early warning (overdue, due within the warning horizon, tasks ending soon) as of the data's
as-of date or one of the last twelve month ends."""
from __future__ import annotations

import streamlit as st

from dashboard import i18n, page_common
from dashboard import figures_publication as fp
from dashboard.components import chart_with_table, table_with_downloads
from serving import labels, publication
from serving import formatters as fmt
from serving.metrics import on_time_series

STRINGS: dict[str, dict[str, str]] = {
    "title": {"zh": "公示时效", "en": "Publication timeliness"},
    "caption": {"zh": "抽查计划、任务、抽取名单、检查结果和处罚等决定是否在期限内公示；逾期多久；长假的影响；以及即将到期和已逾期的预警。",
                "en": "Whether plans, tasks, drawn lists, results and decisions were published by the deadline; how "
                      "late; the effect of long holidays; and the early warning."},
    "as_of": {"zh": "数据截至", "en": "Data as of"},
    "warning_on": {"zh": "预警基准日", "en": "Warning as of"},
    "warning_on_help": {"zh": "默认为数据截至日；选择此前的月末可查看当时待公示、即将到期和已逾期的事项。",
                        "en": "Defaults to the data's as-of date; a month end before it shows what was pending then."},
    "horizon": {"zh": "预警期（工作日）", "en": "Warning horizon (working days)"},
    "horizon_value": {"zh": "{n} 个工作日", "en": "{n} working days"},
    "overdue_n": {"zh": "已逾期未公示", "en": "Overdue, unpublished"},
    "due_soon_n": {"zh": "{n} 个工作日内到期", "en": "Due within {n} working days"},
    "unit": {"zh": "范围：{unit}", "en": "Scope: {unit}"},
    "trend": {"zh": "按时公示率（按事项类型）", "en": "On-time publication rate by event type"},
    "trend_years": {"zh": "历年（不受所选年度影响）。", "en": "Per year (all years)."},
    "trend_months": {"zh": "{year}年各月。", "en": "Months of {year}."},
    "na_note": {"zh": "某类事项在某期没有应公示事项时为“不适用”（图中断开），不是 0%。",
                "en": "n/a (a gap) where nothing of that type fell due; not 0%."},
    "late": {"zh": "逾期公示的逾期工作日分布", "en": "Working days late (published late)"},
    "late_caption": {"zh": "{year}年逾期公示的事项（已公示但晚于期限）共 {n} 项；逾期仍未公示的事项不在此图中。",
                     "en": "{n} obligations of {year} published after the deadline; unpublished ones are not included."},
    "holiday": {"zh": "长假的影响", "en": "Effect of long holidays"},
    "holiday_caption": {"zh": "历年应公示事项（按时、逾期公示、逾期未公示）按其公示期限（事项日期至期限日）是否跨越长假分组，比较逾期占比；长假为官方工作日历中包含该节日的整段连续休息日（含调休）。这是简单对比，不控制事项类型、部门等其他因素。",
                        "en": "Obligations due in all years, grouped by the long holiday their clock window (event "
                              "date to deadline) spans, if any: the whole run of days off around the holiday in the "
                              "official calendar (make-up days included); share late compared. A simple "
                              "comparison that controls for nothing else."},
    "warning": {"zh": "预警", "en": "Early warning"},
    "warning_overdue": {"zh": "已逾期仍未公示的事项", "en": "Overdue and not yet published"},
    "warning_soon": {"zh": "{n} 个工作日内到期、尚未公示的事项", "en": "Due within {n} working days, not yet published"},
    "warning_tasks": {"zh": "{n} 个工作日内结束、仍有未检查对象的任务", "en": "Tasks ending within {n} working days with uninspected objects"},
    "warning_caption": {"zh": "预警基准日 {as_of}，按官方工作日历计算。责任部门即公示义务所属部门。临期任务按数据截至日计算。",
                        "en": "Warning as of {as_of}, official working-day calendar. The owner is the department the obligation belongs to. Tasks ending soon: as of the data date."},
    "none": {"zh": "没有此类事项。", "en": "Nothing."},
    "col_event": {"zh": "事项类型", "en": "Event type"},
    "col_period": {"zh": "期间", "en": "Period"},
    "col_year": {"zh": "年度", "en": "Year"},
    "col_num": {"zh": "按时公示数", "en": "On time"},
    "col_den": {"zh": "应公示数", "en": "Due"},
    "col_rate": {"zh": "按时公示率", "en": "On-time rate"},
    "col_bucket": {"zh": "逾期工作日", "en": "Working days late"},
    "col_count": {"zh": "事项数", "en": "Obligations"},
    "col_share": {"zh": "占比", "en": "Share"},
    "col_holiday": {"zh": "公示期限", "en": "Clock window"},
    "col_due": {"zh": "应公示事项", "en": "Due"},
    "col_late": {"zh": "逾期（含未公示）", "en": "Late (incl. unpublished)"},
    "col_share_late": {"zh": "逾期占比", "en": "Share late"},
    "col_owner": {"zh": "责任部门", "en": "Owner (department)"},
    "col_task_id": {"zh": "任务编号", "en": "Task id"},
    "col_task_name": {"zh": "任务名称", "en": "Task name"},
    "col_record": {"zh": "事项记录", "en": "Record"},
    "col_event_date": {"zh": "事项日期", "en": "Event date"},
    "col_deadline": {"zh": "公示期限", "en": "Deadline"},
    "col_days_left": {"zh": "剩余工作日（负数为已逾期）", "en": "Working days left (negative: overdue)"},
}


s = i18n.translator(STRINGS)


page_common.require_published()
sel = page_common.filters()
LANG = sel.lang
settings = labels.settings()
N = settings.early_warning_working_days
scope, code = page_common.unit_of(sel)

st.title(s("title"))
st.caption(s("caption"))
st.caption(s("unit", unit=page_common.unit_label(sel, LANG)))

# --- as-of and the warning counts -----------------------------------------------------------------
# the warning as of the data's as-of date or one of the month ends before it (dbt judged each)
dates = publication.warning_dates()
as_of = st.selectbox(s("warning_on"), dates, format_func=fmt.iso_date, key="warning_on",
                     help=s("warning_on_help")) if dates else None
warnings = publication.warnings(sel.region_code, sel.dept_code, on=as_of, lang=LANG)
c_asof, c_n, c_over, c_soon = st.columns(4)
c_asof.metric(s("as_of"), fmt.iso_date(settings.as_of_date))
c_n.metric(s("horizon"), fmt.count(N))
c_over.metric(s("overdue_n"), fmt.count(int((warnings["warning"] == "overdue").sum())))
c_soon.metric(s("due_soon_n", n=N), fmt.count(int((warnings["warning"] == "due_soon").sum())))

# --- on-time rate over time ------------------------------------------------------------------------
st.subheader(s("trend"))
trend_grain = "year" if sel.grain == "year" else "month"
series = on_time_series(trend_grain, sel.year, scope, code)
series = series.assign(event_label=labels.labelled(series["event_type"], "event_type", LANG))
frame = fp.on_time_frame(series, LANG)
st.caption((s("trend_years") if trend_grain == "year" else s("trend_months", year=fmt.year(sel.year))) + (" " if LANG == "en" else "") + s("na_note"))
chart_with_table(
    fp.on_time_trend(frame, grain=trend_grain, lang=LANG), frame,
    {"event_label": s("col_event"), ("year_text" if trend_grain == "year" else "period"):
        s("col_year") if trend_grain == "year" else s("col_period"),
     "numerator": s("col_num"), "denominator": s("col_den"), "rate_text": s("col_rate")},
    file_name="按时公示率", key="pub_trend",
)

# --- working days late -----------------------------------------------------------------------------
st.subheader(s("late"))
late = publication.late_days(sel.year, sel.region_code, sel.dept_code)
st.caption(s("late_caption", year=fmt.year(sel.year), n=fmt.count(len(late))))
buckets = fp.late_buckets(late, LANG)
chart_with_table(
    fp.lateness_histogram(buckets, lang=LANG), buckets if len(late) else buckets.iloc[0:0],
    {"bucket": s("col_bucket"), "obligations": s("col_count"), "share_text": s("col_share")},
    file_name="逾期工作日分布", key="pub_late",
)

# --- long holidays ---------------------------------------------------------------------------------
st.subheader(s("holiday"))
st.caption(s("holiday_caption"))
effect = publication.long_holiday_effect(sel.region_code, sel.dept_code, LANG)
effect = effect.assign(share_text=[fmt.percent(v, LANG) for v in effect["share_late"]])
chart_with_table(
    fp.holiday_bar(effect, lang=LANG), effect if int(effect["due"].sum()) else effect.iloc[0:0],
    {"label": s("col_holiday"), "due": s("col_due"), "late": s("col_late"), "share_text": s("col_share_late")},
    file_name="长假影响", key="pub_holiday",
)

# --- early warning ---------------------------------------------------------------------------------
st.subheader(s("warning"))
st.caption(s("warning_caption", as_of=fmt.iso_date(as_of)))
columns = {"dept_name": s("col_owner"), "event_label": s("col_event"), "task_id": s("col_task_id"),
           "task_name": s("col_task_name"), "record_id": s("col_record"), "event_date": s("col_event_date"),
           "deadline_date": s("col_deadline"), "working_days_left": s("col_days_left")}
st.markdown(f"**{s('warning_soon', n=N)}**")
table_with_downloads(warnings[warnings["warning"] == "due_soon"], columns, file_name="即将到期事项",
                     key="pub_due_soon", empty=s("none"))
st.markdown(f"**{s('warning_overdue')}**")
table_with_downloads(warnings[warnings["warning"] == "overdue"].sort_values("working_days_left", ascending=False),
                     columns, file_name="逾期未公示事项", key="pub_overdue", empty=s("none"))
st.markdown(f"**{s('warning_tasks', n=N)}**")
table_with_downloads(
    publication.warning_tasks(sel.region_code, sel.dept_code, LANG),
    {"dept_name": s("col_owner"), "task_id": s("col_task_id"), "task_name": s("col_task_name"),
     "start_date": s("col_start"), "end_date": s("col_end"), "working_days_left": s("col_days_left"),
     "objects_drawn": s("col_drawn"), "objects_inspected": s("col_inspected"),
     "objects_uninspected": s("col_uninspected")},
    file_name="临期任务", key="pub_tasks", empty=s("none"),
)
