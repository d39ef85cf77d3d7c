"""The audit trail of a metric cell: the records behind its numerator and denominator.

A cell is (metric, scope, unit, grain, period). Its records in marts.fct_metric_records are those with
the metric's code and the year, a period_date inside the period (quarter / month), and the unit's
dept_code (scope `department`) or region_code (scope `region`; nothing for `city`).
`count(DISTINCT record_key)` over in_numerator / in_denominator equals the cell's numerator /
denominator; sampling ratios list their numerator only (the denominator is the object register).

Use from a page:

    from dashboard.drilldown import render_drilldown
    render_drilldown("department", "210400-SCJG", "quarter", 2023, date(2023, 4, 1), date(2023, 6, 30))

`scope`: "department" | "region" | "city"; `unit_code`: the dept_code, the region_code (210400 =
市本级), or anything for the city. `metric_codes` limits the picker; `key` keeps widget keys unique
when a page draws two drill-downs.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import i18n, queries_detail
from dashboard.components import table_with_downloads
from dashboard.data import query

RECORD_LIMIT = 5000  # rows listed (and downloaded); the counts always cover every record
NOT_LISTED = ("mechanism_coverage", "mechanism_coverage_milestone",
              "visits_saved")
REGISTER_DENOMINATOR = ("sampling_ratio", "sampling_ratio_a", "sampling_ratio_b", "sampling_ratio_c",
                        "sampling_ratio_d")

STRINGS: dict[str, dict[str, str]] = {
    "title": {"zh": "指标明细（审计线索）", "en": "Metric records (audit trail)"},
    "caption": {"zh": "选择一个指标，列出构成其分子和分母的每一条记录。",
                "en": "Pick a metric to list every record behind its numerator and denominator."},
    "pick": {"zh": "指标", "en": "Metric"},
    "numerator": {"zh": "分子", "en": "Numerator"},
    "denominator": {"zh": "分母", "en": "Denominator"},
    "value": {"zh": "数值", "en": "Value"},
    "not_applicable": {"zh": "不适用", "en": "n/a"},
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
    "truncated": {"zh": "记录较多，仅列出前 {limit:,} 条（共 {total:,} 条；计数按全部记录核对）。",
                  "en": "Only the first {limit:,} of {total:,} records are listed (the counts cover all)."},
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
}


_s = i18n.translator(STRINGS)


def _where(metric_code: str, scope: str, unit_code: str, grain: str, year: int,
           period_start: date, period_end: date) -> tuple[str, list]:
    clauses, params = ["r.metric_code = ?", "r.year = ?"], [metric_code, int(year)]
    if grain != "year":
        clauses.append("r.period_date BETWEEN ? AND ?")
        params += [period_start, period_end]
    if scope == "department":
        clauses.append("r.dept_code = ?")
        params.append(unit_code)
    elif scope == "region":
        clauses.append("r.region_code = ?")
        params.append(unit_code)
    return " AND ".join(clauses), params


def metric_records(metric_code: str, scope: str, unit_code: str, grain: str, year: int,
                   period_start: date, period_end: date, *, limit: int | None = RECORD_LIMIT) -> pd.DataFrame:
    """The records of one metric cell, numerator records first (one row per record_key)."""
    where, params = _where(metric_code, scope, unit_code, grain, year, period_start, period_end)
    limit_clause = ""
    if limit is not None:
        limit_clause = "LIMIT ?"
        params.append(int(limit))
    return query(
        f"""
        SELECT r.record_key, any_value(r.record_kind) AS record_kind, any_value(r.task_id) AS task_id,
               any_value(r.uscc) AS uscc, any_value(r.dept_code) AS dept_code,
               min(r.record_date) AS record_date, min(r.period_date) AS period_date,
               any_value(r.detail) AS detail,
               bool_or(r.in_numerator) AS in_numerator, bool_or(r.in_denominator) AS in_denominator
        FROM marts.fct_metric_records AS r
        WHERE {where}
        GROUP BY r.record_key
        ORDER BY bool_or(r.in_numerator) DESC, bool_or(r.in_denominator) DESC, min(r.period_date), r.record_key
        {limit_clause}
        """,
        tuple(params),
    )


def record_counts(metric_code: str, scope: str, unit_code: str, grain: str, year: int,
                  period_start: date, period_end: date) -> dict[str, int]:
    """{"numerator", "denominator", "records"}: distinct record keys of the cell."""
    where, params = _where(metric_code, scope, unit_code, grain, year, period_start, period_end)
    df = query(
        f"""SELECT count(DISTINCT r.record_key) FILTER (WHERE r.in_numerator) AS numerator,
                   count(DISTINCT r.record_key) FILTER (WHERE r.in_denominator) AS denominator,
                   count(DISTINCT r.record_key) AS records
            FROM marts.fct_metric_records AS r WHERE {where}""",
        tuple(params),
    )
    row = df.iloc[0] if not df.empty else {}
    return {k: int(row.get(k, 0) or 0) for k in ("numerator", "denominator", "records")}


def counts_match(cell: pd.Series | dict, counts: dict[str, int], metric_code: str) -> bool:
    """The listed counts equal the cell's numerator (and denominator, unless it is a register). Pure."""
    numerator_ok = int(cell["numerator"] or 0) == counts["numerator"]
    if metric_code in REGISTER_DENOMINATOR:
        return numerator_ok
    return numerator_ok and int(cell["denominator"] or 0) == counts["denominator"]


def _fmt_rate(rate, unit: str, lang: str) -> str:
    if rate is None or pd.isna(rate):
        return _s("not_applicable", lang)
    return f"{float(rate):.2f}" if unit == "ratio" else f"{float(rate):.1%}"


def render_drilldown(scope: str, unit_code: str, grain: str, year: int, period_start: date, period_end: date,
                     *, metric_codes: list[str] | None = None, default_metric: str | None = None,
                     key: str = "drill", lang: str | None = None) -> None:
    """A metric picker, the chosen cell's numerator / denominator / value, and its records (numerator
    first) with CSV / Excel downloads; warns when the listed counts differ from the cell."""
    lang = lang or i18n.current_language()
    st.subheader(_s("title", lang))
    st.caption(_s("caption", lang))
    cells = queries_detail.unit_cells(scope, unit_code, grain, int(year), period_start)
    if metric_codes is not None:
        cells = cells[cells["metric_code"].isin(metric_codes)]
    if cells.empty:
        st.info(_s("no_cell", lang))
        return
    name_col = "name_en" if lang == "en" else "name_zh"
    names = {c: (n if isinstance(n, str) and n else c) for c, n in zip(cells["metric_code"], cells[name_col])}
    options = list(names)
    listed = [c for c in options if c not in NOT_LISTED]
    annual = set(cells.loc[cells["annual_only"].astype(bool), "metric_code"]) if "annual_only" in cells else set()
    # default: the first metric with records of the selected period itself, else any listed one
    first = ([c for c in listed if c not in annual] or listed or options)[0]
    index = options.index(default_metric if default_metric in options else first)
    metric = st.selectbox(_s("pick", lang), options, index=index, format_func=names.get, key=f"{key}_metric")
    cell = cells[cells["metric_code"] == metric].iloc[0]

    cols = st.columns(3)
    cols[0].metric(_s("numerator", lang), f"{int(cell['numerator'] or 0):,}")
    cols[1].metric(_s("denominator", lang), f"{int(cell['denominator'] or 0):,}")
    cols[2].metric(_s("value", lang), _fmt_rate(cell["rate"], cell.get("unit") or "percent", lang))
    num_text = cell.get("numerator_en" if lang == "en" else "numerator_zh")
    den_text = cell.get("denominator_en" if lang == "en" else "denominator_zh")
    if isinstance(num_text, str) and isinstance(den_text, str):
        st.caption(f"{_s('numerator', lang)}：{num_text}　｜　{_s('denominator', lang)}：{den_text}")

    if metric in NOT_LISTED:
        st.info(_s("not_listed", lang))
        return
    cell_grain = str(cell["grain"])
    if bool(cell.get("annual_only", False)):
        st.caption(_s("annual", lang, year=int(year)))
        period_start, period_end = date(int(year), 1, 1), date(int(year), 12, 31)
    args = (metric, scope, unit_code, cell_grain, int(year), period_start, period_end)
    counts = record_counts(*args)
    if metric in REGISTER_DENOMINATOR:
        st.caption(_s("register", lang, n=f"{int(cell['denominator'] or 0):,}"))
    if counts_match(cell, counts, metric):
        st.success(_s("match", lang, n=f"{counts['numerator']:,}",
                      d=f"{counts['denominator']:,}" if metric not in REGISTER_DENOMINATOR else "—"))
    else:
        st.warning(_s("mismatch", lang, rn=counts["numerator"], rd=counts["denominator"],
                      n=int(cell["numerator"] or 0), d=int(cell["denominator"] or 0)))
    records = metric_records(*args)
    if counts["records"] > len(records):
        st.caption(_s("truncated", lang, limit=len(records), total=counts["records"]))
    yes, no = _s("yes", lang), _s("no", lang)
    shown = records.assign(
        in_num=[yes if bool(v) else no for v in records["in_numerator"]],
        in_den=[yes if bool(v) else no for v in records["in_denominator"]],
    )
    labels = {"in_num": _s("col_in_num", lang), "in_den": _s("col_in_den", lang),
              "record_kind": _s("col_kind", lang), "record_key": _s("col_key", lang),
              "task_id": _s("col_task", lang), "uscc": _s("col_uscc", lang), "dept_code": _s("col_dept", lang),
              "record_date": _s("col_date", lang), "period_date": _s("col_period_date", lang),
              "detail": _s("col_detail", lang)}
    table_with_downloads(shown, labels, file_name=f"{metric}_{unit_code}_{period_start.isoformat()}_records",
                         key=f"{key}_records", empty=_s("no_records", lang))
