"""The audit trail of a metric cell on a page: a metric picker, the cell's numerator / denominator /
value, and the records behind it (serving.records) with CSV / Excel downloads.

Which metrics list their records, and whether the denominator's records are listed too, is dim_metric's
(records_listed, denominator_listed); the counts are checked against the cell by
`serving.records.counts_match`.

Use from a page:

    from dashboard.drilldown import render_drilldown
    render_drilldown("department", dept_code, "quarter", 2023, date(2023, 4, 1), date(2023, 6, 30))

`scope`: "department" | "region" | "city"; `unit_code`: the dept_code, the region_code (the city's own
code is the city-level departments), or anything for the city. `metric_codes` limits the picker; `key` keeps widget keys
unique when a page draws two drill-downs.
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import i18n
from dashboard.components import table_with_downloads
from serving import formatters as fmt
from serving import labels, records
from serving.metrics import unit_cells

STRINGS: dict[str, dict[str, str]] = {
    "title": {"zh": "指标明细（审计线索）", "en": "Metric records (audit trail)"},
    "caption": {"zh": "选择一个指标，列出构成其分子和分母的每一条记录。",
                "en": "Pick a metric to list every record behind its numerator and denominator."},
    "pick": {"zh": "指标", "en": "Metric"},
    "numerator": {"zh": "分子", "en": "Numerator"},
    "denominator": {"zh": "分母", "en": "Denominator"},
    "value": {"zh": "数值", "en": "Value"},
    "no_cell": {"zh": "所选范围内该指标没有数值。", "en": "This metric has no value for the selection."},
    "not_listed": {"zh": "该指标的明细记录不逐条列出（按名录或清单统计，不是逐条业务记录）。",
                   "en": "Records are not listed for this metric (it counts registers or lists, not records)."},
    "register": {"zh": "分母为年初名录库对象数（{n}），来自名录库，不逐条列出；下表只列分子记录。",
                 "en": "The denominator is the object register at 1 January ({n}); it is not listed. "
                       "Only numerator records are shown."},
    "annual": {"zh": "该指标只按年度统计，显示{year}年全年的记录。",
               "en": "This metric is measured per year only; the records of {year} are shown."},
    "match": {"zh": "明细核对一致：分子 {n} 条、分母 {d} 条记录与指标数值相符。",
              "en": "Records match the cell: {n} numerator and {d} denominator records."},
    "mismatch": {"zh": "明细与指标数值不一致：记录中分子 {rn}、分母 {rd}，指标为分子 {n}、分母 {d}。请核查数据。",
                 "en": "Records do not match the cell: records give {rn} / {rd}, the cell {n} / {d}."},
    "truncated": {"zh": "记录较多，仅列出前 {limit} 条（共 {total} 条；计数按全部记录核对）。",
                  "en": "Only the first {limit} of {total} records are listed (the counts cover all)."},
    "col_in_num": {"zh": "计入分子", "en": "In numerator"},
    "col_in_den": {"zh": "计入分母", "en": "In denominator"},
    "col_kind": {"zh": "记录类型", "en": "Record kind"},
    "col_key": {"zh": "记录标识", "en": "Record key"},
    "col_task": {"zh": "任务编号", "en": "Task id"},
    "col_uscc": {"zh": "统一社会信用代码", "en": "USCC"},
    "col_date": {"zh": "记录日期", "en": "Record date"},
    "col_period_date": {"zh": "统计日期", "en": "Period date"},
    "col_detail": {"zh": "说明", "en": "Detail"},
    "col_dept": {"zh": "部门", "en": "Department"},
    "yes": {"zh": "是", "en": "Yes"},
    "no": {"zh": "否", "en": "No"},
    "no_records": {"zh": "该指标在所选范围内没有记录。", "en": "No records for this metric in the selection."},
    "picked": {"zh": "图表中选中：{unit} · {metric}（{period}）。", "en": "Picked in a chart: {unit} · {metric} ({period})."},
    "clear_pick": {"zh": "改看侧栏所选范围", "en": "Back to the sidebar's selection"},
}


_s = i18n.translator(STRINGS)
drill_text = _s  # the drill-down's strings, for the page that feeds it a clicked cell


def picker_state(options: list[str], first: str, default: str | None, current: str | None,
                 source: str, last_source: str | None) -> str | None:
    """What the metric picker must be set to before it is drawn, or None to leave the user's choice. A
    default (the metric the page's chart shows, or a clicked cell's) wins once whenever it, or the unit
    it is for (`source`), is new since the last run; a choice that is no longer among the options, or
    none yet, gives way to the default, else to `first`. Pure."""
    wanted = default if default in options else None
    if wanted is not None and source != last_source:
        return wanted
    if current not in options:
        return wanted or first
    return None


def render_drilldown(scope: str, unit_code: str, grain: str, year: int, period_start: date, period_end: date,
                     *, metric_codes: list[str] | None = None, default_metric: str | None = None,
                     key: str = "drill", lang: str | None = None, note: str | None = None,
                     on_clear=None) -> None:
    """A metric picker, the chosen cell's numerator / denominator / value, and its records (numerator
    first) with CSV / Excel downloads; warns when the listed counts differ from the cell. `default_metric`
    opens the picker on that metric whenever it changes (the user's own choice holds until then);
    `note` says where the unit and metric came from (a click in a chart), `on_clear` adds a button that
    goes back to the sidebar's unit."""
    lang = lang or i18n.current_language()
    st.subheader(_s("title", lang))
    st.caption(_s("caption", lang))
    if note:
        st.info(note)  # no icons: their ligature names would read as English words in the page's text
        if on_clear is not None:
            st.button(_s("clear_pick", lang), key=f"{key}_clear", on_click=on_clear)
    cells = unit_cells(scope, unit_code, grain, int(year), period_start)
    if metric_codes is not None:
        cells = cells[cells["metric_code"].isin(metric_codes)]
    if cells.empty:
        st.info(_s("no_cell", lang))
        return
    names = labels.metric_names(lang)
    names = {c: names.get(c, c) for c in cells["metric_code"]}
    options = list(names)
    listed = cells.loc[cells["records_listed"].fillna(False).astype(bool), "metric_code"].tolist()
    annual = set(cells.loc[cells["annual_only"].astype(bool), "metric_code"])
    # default: the page's (or the clicked) metric, else the first metric with records of the selected
    # period itself, else any listed one
    first = ([c for c in listed if c not in annual] or listed or options)[0]
    state_key, seen_key = f"{key}_metric", f"{key}_metric_default"
    source = f"{scope}|{unit_code}|{default_metric}" if default_metric in options else None
    wanted = picker_state(options, first, default_metric, st.session_state.get(state_key), source,
                          st.session_state.get(seen_key))
    if wanted is not None:
        st.session_state[state_key] = wanted
    st.session_state[seen_key] = source
    metric = st.selectbox(_s("pick", lang), options, format_func=names.get, key=state_key)
    cell = cells[cells["metric_code"] == metric].iloc[0]
    unit = cell.get("unit") or "percent"

    cols = st.columns(3)
    cols[0].metric(_s("numerator", lang), fmt.count(cell["numerator"]))
    cols[1].metric(_s("denominator", lang), fmt.count(cell["denominator"]))
    cols[2].metric(_s("value", lang), fmt.rate(cell["rate"], unit, lang))
    num_text = cell.get("numerator_en" if lang == "en" else "numerator_zh")
    den_text = cell.get("denominator_en" if lang == "en" else "denominator_zh")
    if isinstance(num_text, str) and isinstance(den_text, str):
        colon = i18n.punct("colon", lang)
        st.caption(f"{_s('numerator', lang)}{colon}{num_text}　｜　{_s('denominator', lang)}{colon}{den_text}")

    if not bool(cell["records_listed"]):
        st.info(_s("not_listed", lang))
        return
    denominator_listed = bool(cell["denominator_listed"])
    cell_grain = str(cell["grain"])
    if bool(cell.get("annual_only", False)):
        st.caption(_s("annual", lang, year=fmt.year(year)))
        period_start, period_end = date(int(year), 1, 1), date(int(year), 12, 31)
    args = (metric, scope, unit_code, cell_grain, int(year), period_start, period_end)
    counts = records.record_counts(*args)
    if not denominator_listed:
        st.caption(_s("register", lang, n=fmt.count(cell["denominator"])))
    if records.counts_match(cell, counts):
        st.success(_s("match", lang, n=fmt.count(counts["numerator"]),
                      d=fmt.count(counts["denominator"]) if denominator_listed else fmt.MISSING))
    else:
        st.warning(_s("mismatch", lang, rn=fmt.count(counts["numerator"]), rd=fmt.count(counts["denominator"]),
                      n=fmt.count(cell["numerator"]), d=fmt.count(cell["denominator"])))
    found = records.metric_records(*args, lang=lang)
    if counts["records"] > len(found):
        st.caption(_s("truncated", lang, limit=fmt.count(len(found)), total=fmt.count(counts["records"])))
    yes, no = _s("yes", lang), _s("no", lang)
    shown = found.assign(
        in_num=[yes if bool(v) else no for v in found["in_numerator"]],
        in_den=[yes if bool(v) else no for v in found["in_denominator"]],
        kind=labels.labelled(found["record_kind"], "record_kind", lang),
        # a publication obligation's record carries its status code as the detail; other details are text
        detail_text=labels.labelled(found["detail"], "publication_status", lang),
    )
    columns = {"in_num": _s("col_in_num", lang), "in_den": _s("col_in_den", lang),
               "kind": _s("col_kind", lang), "record_key": _s("col_key", lang),
               "task_id": _s("col_task", lang), "uscc": _s("col_uscc", lang), "dept_name": _s("col_dept", lang),
               "record_date": _s("col_date", lang), "period_date": _s("col_period_date", lang),
               "detail_text": _s("col_detail", lang)}
    table_with_downloads(shown, columns, file_name=f"{metric}_{unit_code}_{fmt.iso_date(period_start)}_records",
                         key=f"{key}_records", empty=_s("no_records", lang))
