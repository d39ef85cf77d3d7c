"""部门详情: one department's metrics with numerator and denominator, its score and weighted parts
(points, points available and points lost as the score parts mart has them), its late / overdue /
missing publications, its unfinished tasks, and the records behind any metric."""
from __future__ import annotations

import streamlit as st

from dashboard import i18n, page_common
from dashboard.components import markdown_literal, table_with_downloads
from dashboard.drilldown import render_drilldown
from serving import assessment, labels, publication, units
from serving import formatters as fmt
from serving.metrics import unit_cells

STRINGS: dict[str, dict[str, str]] = {
    "title": {"zh": "部门详情", "en": "Department detail"},
    "caption": {"zh": "一个部门的各项指标（含分子、分母）、考核得分构成、逾期或未公示事项、未完成任务，以及每个指标的明细记录。",
                "en": "One department's metrics with numerator and denominator, its score, its late or missing "
                      "publications, its unfinished tasks, and the records behind each metric."},
    "pick_dept": {"zh": "请在左侧“部门”中选择一个部门。", "en": "Choose a department in the sidebar (Department)."},
    "unknown_dept": {"zh": "部门名录中没有该部门。", "en": "This department is not in the register."},
    "region": {"zh": "所属县（市、区）", "en": "County / district"},
    "member": {"zh": "成员单位", "en": "Member unit"},
    "score": {"zh": "{year}年考核得分", "en": "Score {year}"},
    "rank": {"zh": "排名", "en": "Rank"},
    "circular": {"zh": "拟通报", "en": "Named in circular"},
    "yes": {"zh": "是", "en": "Yes"},
    "no": {"zh": "否", "en": "No"},
    "no_score": {"zh": "该部门本年度没有考核得分。", "en": "No score for this department this year."},
    "metrics": {"zh": "指标", "en": "Metrics"},
    "metrics_caption": {"zh": "{period}。“不适用”表示没有分母（不是 0%）；标注（年度）的指标只按年度统计。",
                        "en": "{period}. n/a means no denominator (not 0%); metrics marked (year) are annual only."},
    "col_metric": {"zh": "指标", "en": "Metric"},
    "col_num": {"zh": "分子", "en": "Numerator"},
    "col_den": {"zh": "分母", "en": "Denominator"},
    "col_value": {"zh": "数值", "en": "Value"},
    "col_target": {"zh": "目标", "en": "Target"},
    "col_met": {"zh": "达标", "en": "Met"},
    "col_num_def": {"zh": "分子口径", "en": "Numerator definition"},
    "col_den_def": {"zh": "分母口径", "en": "Denominator definition"},
    "annual": {"zh": "（年度）", "en": " (year)"},
    "parts": {"zh": "{year}年得分构成", "en": "Score parts {year}"},
    "parts_caption": {"zh": "得分 = 各考核指标得分之和；指标得分 = 权重 × 目标达成度（不适用的指标权重按比例分摊给其余指标）。",
                      "en": "Score = sum of the parts; a part = weight × attainment (weights of n/a parts are "
                            "spread over the others)."},
    "col_weight": {"zh": "权重", "en": "Weight"},
    "col_attain": {"zh": "达成度", "en": "Attainment"},
    "col_points": {"zh": "得分", "en": "Points"},
    "col_points_max": {"zh": "可得分", "en": "Points available"},
    "col_points_lost": {"zh": "失分", "en": "Points lost"},
    "ranking": {"zh": "排名情况", "en": "Ranking"},
    "obligations": {"zh": "逾期、未公示及异常公示事项", "en": "Late, overdue and irregular publications"},
    "obligations_caption": {"zh": "事项发生于 {period} 的公示义务；数据截至 {as_of}。",
                            "en": "Obligations whose event fell in {period}; data as of {as_of}."},
    "no_obligations": {"zh": "所选期间没有逾期或未公示的事项。", "en": "No late or missing publications in the period."},
    "col_event": {"zh": "事项类型", "en": "Event type"},
    "col_status": {"zh": "状态", "en": "Status"},
    "col_task_id": {"zh": "任务编号", "en": "Task id"},
    "col_task_name": {"zh": "任务名称", "en": "Task name"},
    "col_record": {"zh": "事项记录", "en": "Record"},
    "col_event_date": {"zh": "事项日期", "en": "Event date"},
    "col_deadline": {"zh": "公示期限", "en": "Deadline"},
    "col_published": {"zh": "公示日期", "en": "Published"},
    "col_days_late": {"zh": "逾期工作日", "en": "Working days late"},
    "tasks": {"zh": "未完成任务", "en": "Unfinished tasks"},
    "tasks_warning": {"zh": "临近结束仍有未检查对象的任务（截至 {as_of}，{n} 个工作日内结束）",
                      "en": "Tasks ending soon with uninspected objects (as of {as_of}, within {n} working days)"},
    "tasks_incomplete": {"zh": "有抽取对象未在任务结束日前形成结果的任务（任务完成率的分母记录中未计入分子者）",
                         "en": "Tasks with drawn objects without a result by the task end date (task completion "
                               "records in the denominator, not the numerator)"},
    "no_tasks": {"zh": "没有此类任务。", "en": "No such tasks."},
    "col_not_completed": {"zh": "未完成对象数", "en": "Objects not completed"},
    "col_first": {"zh": "首个统计日期", "en": "First period date"},
}


s = i18n.translator(STRINGS)


page_common.require_published()
sel = page_common.filters()
LANG = sel.lang
settings = labels.settings()

st.title(s("title"))
st.caption(s("caption"))
if not sel.dept_code:
    st.info(s("pick_dept"))
    st.stop()
dept = units.department(sel.dept_code, LANG)
if dept.empty:
    st.warning(s("unknown_dept"))
    st.stop()
info = dept.iloc[0]
period_text = page_common.period_text(sel, LANG)
st.header(markdown_literal(info["dept_name"]))

# --- header: unit and score ------------------------------------------------------------------------
score = assessment.unit_score(sel.year, "department", sel.dept_code, LANG)
c_region, c_member, c_score, c_rank, c_circ = st.columns(5)
c_region.metric(s("region"), str(info["region_name"]))
c_member.metric(s("member"), s("yes") if bool(info["is_member"]) else s("no"))
if score is None or fmt.is_missing(score["score"]):
    c_score.metric(s("score", year=fmt.year(sel.year)), fmt.MISSING)
    c_rank.metric(s("rank"), fmt.MISSING)
    c_circ.metric(s("circular"), fmt.MISSING)
else:
    c_score.metric(s("score", year=fmt.year(sel.year)), fmt.score(score["score"]))
    ranked = not fmt.is_missing(score["score_rank"])
    # an unranked department: why (ranking status), never a rank
    c_rank.metric(s("rank"), fmt.rank(score["score_rank"], score["units_ranked"]),
                  delta=None if ranked else score["ranking_status_label"], delta_color="off", delta_arrow="off",
                  help=score["ranking_status_label"])
    c_circ.metric(s("circular"), s("yes") if bool(score["named_in_circular"]) else s("no"),
                  help=score["circular_status_label"])
    st.caption(f"{s('ranking')}{i18n.punct('colon', LANG)}{score['ranking_status_label']}"
               f"{i18n.punct('sep', LANG)}{score['circular_status_label']}")

# --- metrics ---------------------------------------------------------------------------------------
st.subheader(s("metrics"))
st.caption(s("metrics_caption", period=period_text))
cells = unit_cells("department", sel.dept_code, sel.grain, sel.year, sel.period_start)
page_common.period_notice(sel, labels.metrics()["metric_code"].tolist(), cells, LANG, some=False)
if not cells.empty:
    names = labels.metric_names(LANG)
    cells = cells.assign(
        label=[f"{names.get(c, c)}{s('annual') if a else ''}" for c, a in zip(cells["metric_code"], cells["annual_only"])],
        value=[fmt.rate(r, u, LANG) for r, u in zip(cells["rate"], cells["unit"])],
        target_text=[labels.target_text(t_, d, u, LANG)
                     for t_, d, u in zip(cells["target"], cells["target_direction"], cells["unit"])],
        met=[fmt.MISSING if fmt.is_missing(m) else (s("yes") if bool(m) else s("no")) for m in cells["target_met"]],
        num_def=cells["numerator_en" if LANG == "en" else "numerator_zh"],
        den_def=cells["denominator_en" if LANG == "en" else "denominator_zh"],
    )
table_with_downloads(
    cells,
    {"label": s("col_metric"), "numerator": s("col_num"), "denominator": s("col_den"), "value": s("col_value"),
     "target_text": s("col_target"), "met": s("col_met"), "num_def": s("col_num_def"),
     "den_def": s("col_den_def")},
    file_name=f"部门指标_{sel.dept_code}_{fmt.iso_date(sel.period_start)}", key="dept_metrics",
)

# --- score parts -----------------------------------------------------------------------------------
st.subheader(s("parts", year=fmt.year(sel.year)))
parts = assessment.score_parts(sel.year, "department", [sel.dept_code], LANG)
if parts.empty:
    st.info(s("no_score"))
else:
    st.caption(s("parts_caption"))
    parts = parts.assign(
        weight_text=[fmt.score(w) for w in parts["weight"]],
        value=[fmt.rate(r, u, LANG) for r, u in zip(parts["rate"], parts["unit"])],
        attain=[fmt.not_applicable(LANG) if na else fmt.percent(a, LANG)
                for a, na in zip(parts["attainment"], parts["not_applicable"])],
        points_text=[fmt.score(p) for p in parts["points"]],
        points_max_text=[fmt.score(p) for p in parts["points_max"]],
        points_lost_text=[fmt.score(p) for p in parts["points_lost"]],
    )
    table_with_downloads(
        parts,
        {"metric_name": s("col_metric"), "weight_text": s("col_weight"), "value": s("col_value"),
         "target_text": s("col_target"), "attain": s("col_attain"), "points_max_text": s("col_points_max"),
         "points_text": s("col_points"), "points_lost_text": s("col_points_lost")},
        file_name=f"得分构成_{sel.dept_code}_{fmt.year(sel.year)}", key="dept_parts",
    )

# --- publication problems --------------------------------------------------------------------------
st.subheader(s("obligations"))
as_of = fmt.iso_date(settings.as_of_date)
st.caption(s("obligations_caption", period=period_text, as_of=as_of))
table_with_downloads(
    publication.problems(sel.dept_code, sel.period_start, sel.period_end, LANG),
    {"status_label": s("col_status"), "event_label": s("col_event"), "task_id": s("col_task_id"),
     "task_name": s("col_task_name"), "record_id": s("col_record"), "event_date": s("col_event_date"),
     "deadline_date": s("col_deadline"), "published_date": s("col_published"),
     "working_days_late": s("col_days_late")},
    file_name=f"逾期公示事项_{sel.dept_code}_{fmt.iso_date(sel.period_start)}", key="dept_obligations",
    empty=s("no_obligations"),
)

# --- unfinished tasks ------------------------------------------------------------------------------
st.subheader(s("tasks"))
st.markdown(f"**{s('tasks_warning', as_of=as_of, n=settings.early_warning_working_days)}**")
table_with_downloads(
    publication.warning_tasks(None, sel.dept_code, LANG),
    {"task_id": s("col_task_id"), "task_name": s("col_task_name"), "start_date": s("col_start"),
     "end_date": s("col_end"), "working_days_left": s("col_days_left"), "objects_drawn": s("col_drawn"),
     "objects_inspected": s("col_inspected"), "objects_uninspected": s("col_uninspected")},
    file_name=f"临期任务_{sel.dept_code}", key="dept_warning_tasks", empty=s("no_tasks"),
)
st.markdown(f"**{s('tasks_incomplete')}**")
table_with_downloads(
    publication.incomplete_tasks(sel.dept_code, sel.year, sel.grain, sel.period_start, sel.period_end),
    {"task_id": s("col_task_id"), "task_name": s("col_task_name"), "objects_drawn": s("col_drawn"),
     "objects_not_completed": s("col_not_completed"), "period_date": s("col_first")},
    file_name=f"未完成任务_{sel.dept_code}_{fmt.iso_date(sel.period_start)}", key="dept_incomplete_tasks",
    empty=s("no_tasks"),
)

# --- drill-down ------------------------------------------------------------------------------------
render_drilldown("department", sel.dept_code, sel.grain, sel.year, sel.period_start, sel.period_end,
                 key="dept_drill", lang=LANG)
