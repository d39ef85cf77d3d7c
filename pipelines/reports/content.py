"""Report content: pure functions from the serving artefact (a DuckDB connection) to sections.

Every figure is a value read from a mart (fct_metric_values, mart_assessment__*, mart_publication__*,
mart_early_warning__*), never re-aggregated: distinct-count metrics cannot be summed over months, so
"本年" columns are the year rows (grain = year) of the report's year as they stand in the data batch,
labelled with the batch date. A period without rows says what is missing instead of showing zeros.
"""
from __future__ import annotations

import calendar
import datetime as dt

import duckdb
import pandas as pd

from pipelines.reports.model import DATE, INT, NUM, PCT, RATE, Batch, Report, Section

CITY = "210400"
STATUS_ZH = {
    "on_time": "按时公示", "published_before_event": "事件前已公示", "late": "逾期公示",
    "overdue_unpublished": "逾期未公示", "exempt": "依法不予公示", "not_required": "无需公示",
    "not_yet_due": "未到期", "awaiting_event": "待事件发生",
}
EVENT_ZH = {"plan": "抽查计划", "task": "抽查任务", "draw_list": "抽取名单", "result": "检查结果",
            "decision": "处罚决定"}
DIRECTION_ZH = {"at_least": "不低于", "at_most": "不高于"}
COMPONENT_ZH = {"item_list": "抽查事项清单", "object_register": "检查对象名录库",
                "inspector_register": "执法检查人员名录库", "plan_filed": "年度计划按时制定",
                "plan_approval": "涉企计划经政府批准"}
NA = "不适用"
NO_ROW = "—"  # pivot cell with no row in the mart (distinct from a NULL rate, which is 不适用)


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def _none(v):
    """pandas NA/NaN -> None (renderers print None in a rate column as 不适用)."""
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def read_batch(con) -> Batch:
    try:
        row = con.execute("SELECT published_at, run_id, latest_batch_date FROM meta.publish_log "
                          "ORDER BY published_at DESC LIMIT 1").fetchone()
    except duckdb.CatalogException:
        row = None
    as_of = None
    try:
        as_of = con.execute("SELECT max(as_of_date) FROM marts.mart_early_warning__obligations").fetchone()[0]
    except duckdb.CatalogException:
        pass
    if not row:
        return Batch(None, None, None, str(as_of) if as_of else None)
    return Batch(str(row[0]), row[1], str(row[2]) if row[2] else None, str(as_of) if as_of else None)


def _metrics(con) -> pd.DataFrame:
    return _df(con, "SELECT metric_code, sort_order, name_zh, unit, is_scored FROM marts.dim_metric")


def _region_names(con) -> dict[str, str]:
    names = dict(con.execute("SELECT region_code, region_name FROM marts.dim_region").fetchall())
    return names


def _unit_label(region_code: str, names: dict[str, str]) -> str:
    """Region scope: 210400 is the city-level departments (市本级), as on the dashboard."""
    return "市本级" if region_code == CITY else names.get(region_code, region_code)


def _region_order(con) -> list[str]:
    rows = con.execute("SELECT region_code FROM marts.dim_region ORDER BY is_city DESC, region_code").fetchall()
    return [r[0] for r in rows]


def _metric_table(values: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """fct_metric_values rows of one unit and period -> one display row per metric."""
    return _metric_rows(values.merge(metrics, on="metric_code", how="left").sort_values("sort_order"))


def _metric_rows(v: pd.DataFrame) -> pd.DataFrame:
    """fct_metric_values rows already joined to dim_metric, in their order."""
    return pd.DataFrame({
        "指标": v["name_zh"].fillna(v["metric_code"]).tolist(),
        "分子": v["numerator"].tolist(),
        "分母": v["denominator"].tolist(),
        "数值": [_none(x) for x in v["rate"]],
        "目标": [_none(float(x)) if _none(x) is not None else None for x in v["target"]],
        "要求": [DIRECTION_ZH.get(x, "") if isinstance(x, str) else "" for x in v["target_direction"]],
        "是否达标": ["" if _none(x) is None else ("是" if x else "否") for x in v["target_met"]],
        "__unit": v["unit"].fillna("percent").tolist(),
        "指标代码": v["metric_code"].tolist(),
    })


METRIC_KINDS = {"分子": INT, "分母": INT, "数值": RATE, "目标": PCT}


def _pivot_rates(values: pd.DataFrame, metrics: pd.DataFrame, names: dict[str, str], order: list[str],
                 codes: list[str]) -> pd.DataFrame:
    """Region x metric rates; a missing row is "—", a NULL rate stays None (不适用)."""
    m = metrics.set_index("metric_code")
    cols = [c for c in codes if c in set(values["metric_code"])]
    out = []
    for region in [r for r in order if r in set(values["region_code"])]:
        row = {"县区": _unit_label(region, names)}
        sub = values[values["region_code"] == region].set_index("metric_code")
        for c in cols:
            row[m.loc[c, "name_zh"]] = _none(sub.loc[c, "rate"]) if c in sub.index else NO_ROW
        out.append(row)
    return pd.DataFrame(out)


def _period_bounds(period: str) -> tuple[int, int, dt.date, dt.date]:
    y, m = (int(x) for x in period.split("-"))
    return y, m, dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])


def _year_label(year: int, batch: Batch) -> str:
    if batch.latest_batch_date and batch.latest_batch_date >= f"{year + 1}-01-01":
        return f"{year}年全年（年度口径）"
    return f"{year}年截至{batch.latest_batch_date or '未知日期'}（年度口径，年度尚未结束）"


# --------------------------------------------------------------------------------------------- monthly

def monthly(con, period: str, charts: bool = True) -> Report:
    year, month, start, end = _period_bounds(period)
    batch = read_batch(con)
    metrics = _metrics(con)
    names = _region_names(con)
    order = _region_order(con)
    ylabel = _year_label(year, batch)
    plabel = f"{year}年{month}月"
    sections: list[Section] = []

    fct = "SELECT * FROM marts.fct_metric_values WHERE scope = ? AND grain = ? AND "
    city_m = _df(con, fct + "period_start = ?", ["city", "month", start])
    city_y = _df(con, fct + "year = ?", ["city", "year", year])
    s = Section("全市本月指标", f"一、全市{plabel}指标", kinds=METRIC_KINDS,
                note=f"月度口径（grain = month，{start} 至 {end}）。比率为空的指标（分母为0）显示“不适用”。")
    if city_m.empty:
        s.missing = f"{plabel}没有月度指标数据（fct_metric_values 中无该月的全市月度行；{batch.label()}）。"
    else:
        s.table = _metric_table(city_m, metrics)
    sections.append(s)
    s = Section("全市本年指标", f"二、全市本年累计指标：{ylabel}", kinds=METRIC_KINDS,
                note="本年数值取年度口径（grain = year）的行，不是各月相加：去重计数类指标（如抽取对象数）"
                     "不能按月累加。年度口径随数据批次更新，注明截至日期。")
    if city_y.empty:
        s.missing = f"{year}年没有年度指标数据（fct_metric_values 中无该年的全市年度行；{batch.label()}）。"
    else:
        s.table = _metric_table(city_y, metrics)
    sections.append(s)

    # County progress: the assessed metrics (score parts) that have rows at this grain.
    scored = metrics[metrics["is_scored"] & (metrics["unit"] == "percent")].sort_values("sort_order")
    codes = scored["metric_code"].tolist()
    reg_m = _df(con, fct + "period_start = ?", ["region", "month", start])
    reg_y = _df(con, fct + "year = ?", ["region", "year", year])
    for key, title, vals, what in (
        ("县区本月进展", f"三、各县区{plabel}进展（比率）", reg_m, f"{plabel}的县区月度"),
        ("县区本年进展", f"四、各县区本年进展（比率）：{ylabel}", reg_y, f"{year}年的县区年度"),
    ):
        s = Section(key, title, landscape=True,
                    note="“市本级”为市直部门合计。“—”表示该县区该指标无数据行，“不适用”表示分母为0。"
                         "分子、分母见 XLSX 工作簿“县区指标明细”。")
        if vals.empty:
            s.missing = f"没有{what}指标数据（{batch.label()}）。"
        else:
            s.table = _pivot_rates(vals, metrics, names, order, codes)
            s.kinds = {c: RATE for c in s.table.columns if c != "县区"}
        sections.append(s)
    detail = pd.concat([reg_m.assign(口径=f"{plabel}（月度）"), reg_y.assign(口径=ylabel)])
    s = Section("县区指标明细", "县区指标明细（分子、分母）", in_pdf=False, kinds={**METRIC_KINDS})
    if detail.empty:
        s.missing = f"没有{plabel}或{year}年的县区指标数据。"
    else:
        d = detail.merge(metrics, on="metric_code", how="left")
        d["_o"] = d["region_code"].map({r: i for i, r in enumerate(order)})
        d = d.sort_values(["口径", "_o", "sort_order"], ascending=[False, True, True])
        t = pd.DataFrame({"口径": d["口径"].tolist(), "县区": [_unit_label(r, names) for r in d["region_code"]],
                          "县区代码": d["region_code"].tolist()})
        s.table = pd.concat([t, _metric_rows(d)], axis=1)
    sections.append(s)

    # Publication obligations falling due in the month, by county and department.
    obl = _df(con, """
        SELECT o.region_code, o.dept_code, coalesce(d.dept_name, o.dept_name) AS dept_name, o.status,
               count(*) AS n
        FROM marts.mart_publication__obligations o
        LEFT JOIN marts.dim_department d USING (dept_code)
        WHERE o.deadline_date BETWEEN ? AND ?
        GROUP BY ALL""", [start, end])
    status_cols = ["on_time", "published_before_event", "late", "overdue_unpublished", "not_yet_due"]

    def status_pivot(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        p = frame.pivot_table(index=keys, columns="status", values="n", aggfunc="sum", fill_value=0)
        for c in status_cols:
            if c not in p.columns:
                p[c] = 0
        p = p[status_cols].reset_index()
        p.insert(len(keys), "本月到期事项", p[status_cols].sum(axis=1))
        return p.rename(columns={c: STATUS_ZH[c] for c in status_cols})

    okinds = {c: INT for c in ["本月到期事项", *[STATUS_ZH[c] for c in status_cols]]}
    onote = ("公示期限在本月内的公示义务（mart_publication__obligations，按期限日期归月），状态按数据批次"
             f"（截至 {batch.as_of_date or batch.latest_batch_date}）判断。")
    s = Section("本月到期公示_县区", f"五、{plabel}到期公示义务完成情况（按县区）", kinds=okinds, note=onote)
    if obl.empty:
        s.missing = f"{plabel}没有到期的公示义务数据（{batch.label()}）。"
    else:
        p = status_pivot(obl, ["region_code"])
        p["_o"] = p["region_code"].map({r: i for i, r in enumerate(order)})
        p = p.sort_values("_o").drop(columns="_o")
        p.insert(0, "县区", [_unit_label(r, names) for r in p["region_code"]])
        s.table = p.drop(columns="region_code")
    sections.append(s)
    s = Section("本月到期公示_部门", f"六、{plabel}存在逾期的部门", kinds=okinds,
                note="只列出本月到期事项中有逾期公示或逾期未公示的部门；全部部门见 XLSX 工作簿“本月到期公示_全部部门”。")
    s_all = Section("本月到期公示_全部部门", "本月到期公示义务（全部部门）", kinds=okinds, in_pdf=False, note=onote)
    if obl.empty:
        s.missing = s_all.missing = f"{plabel}没有到期的公示义务数据。"
    else:
        p = status_pivot(obl, ["region_code", "dept_code", "dept_name"])
        p.insert(0, "县区", [_unit_label(r, names) for r in p["region_code"]])
        p = p.rename(columns={"dept_name": "部门", "dept_code": "部门代码"}).drop(columns="region_code")
        p = p.sort_values(["逾期未公示", "逾期公示", "部门代码"], ascending=[False, False, True])
        p = p[["部门", "县区", "部门代码", *[c for c in p.columns if c not in ("部门", "县区", "部门代码")]]]
        s_all.table = p.reset_index(drop=True)
        bad = p[(p["逾期未公示"] > 0) | (p["逾期公示"] > 0)].reset_index(drop=True)
        if bad.empty:
            s.note = "本月到期事项均已按时公示。"
        s.table = bad
    sections += [s, s_all]

    # Early warning: the state at the data batch's as-of date.
    as_of = batch.as_of_date
    stale = as_of is not None and as_of > str(end + dt.timedelta(days=31))
    wnote = (f"预警状态截至数据日期 {as_of}。" +
             (f"注意：这是数据日期的当前状态，不是{plabel}月末的状态。" if stale else ""))
    ew = _df(con, """
        SELECT e.*, coalesce(d.dept_name, e.dept_name) AS dname
        FROM marts.mart_early_warning__obligations e LEFT JOIN marts.dim_department d USING (dept_code)""")
    over = ew[ew["warning"] == "overdue"] if not ew.empty else ew
    s = Section("逾期未公示_部门", "七、逾期未公示事项（按部门）", kinds={"逾期未公示事项": INT, "最早期限": DATE,
                "最长逾期（工作日）": INT}, note=wnote)
    if ew.empty:
        s.missing = "预警数据缺失（mart_early_warning__obligations 无记录）。"
    elif over.empty:
        s.note = wnote + "没有逾期未公示的事项。"
    else:
        g = over.groupby(["dept_code", "dname", "region_code"], as_index=False).agg(
            n=("obligation_key", "count"), first=("deadline_date", "min"), worst=("working_days_left", "min"))
        g = g.sort_values(["n", "worst"], ascending=[False, True])
        s.table = pd.DataFrame({"部门": g["dname"], "县区": [_unit_label(r, names) for r in g["region_code"]],
                                "逾期未公示事项": g["n"], "最早期限": g["first"],
                                "最长逾期（工作日）": -g["worst"]}).reset_index(drop=True)
    sections.append(s)
    s = Section("逾期未公示_明细", "逾期未公示事项明细", in_pdf=False, note=wnote,
                kinds={"公示期限": DATE, "逾期（工作日）": INT})
    if not over.empty:
        o = over.sort_values(["deadline_date", "dept_code"])
        s.table = pd.DataFrame({"部门": o["dname"], "县区": [_unit_label(r, names) for r in o["region_code"]],
                                "事项类型": o["event_type"].map(EVENT_ZH).fillna(o["event_type"]),
                                "事项编号": o["record_id"], "任务名称": o["task_name"],
                                "公示期限": o["deadline_date"], "逾期（工作日）": -o["working_days_left"]})
    else:
        s.note, s.table = wnote + "没有逾期未公示的事项。", pd.DataFrame()
    sections.append(s)
    soon = ew[ew["warning"] == "due_soon"] if not ew.empty else ew
    s = Section("即将到期公示", "八、即将到期的公示义务", note=wnote,
                kinds={"公示期限": DATE, "剩余工作日": INT})
    if soon.empty:
        if ew.empty:
            s.missing = "预警数据缺失（mart_early_warning__obligations 无记录）。"
        else:
            s.note, s.table = wnote + "没有即将到期的公示义务。", pd.DataFrame()
    else:
        o = soon.sort_values(["working_days_left", "dept_code"])
        s.table = pd.DataFrame({"部门": o["dname"], "县区": [_unit_label(r, names) for r in o["region_code"]],
                                "事项类型": o["event_type"].map(EVENT_ZH).fillna(o["event_type"]),
                                "事项编号": o["record_id"], "任务名称": o["task_name"], "公示期限": o["deadline_date"],
                                "剩余工作日": o["working_days_left"]}).reset_index(drop=True)
    sections.append(s)
    tasks = _df(con, """SELECT t.*, coalesce(d.dept_name, t.dept_name) AS dname FROM marts.mart_early_warning__tasks t
                        LEFT JOIN marts.dim_department d USING (dept_code) ORDER BY working_days_left, dept_code""")
    s = Section("即将结束的抽查任务", "九、即将结束且仍有未检查对象的抽查任务", note=wnote,
                kinds={"结束日期": DATE, "剩余工作日": INT, "抽取对象": INT, "已检查": INT, "未检查": INT})
    if tasks.empty:
        s.note, s.table = wnote + "没有即将结束且仍有未检查对象的任务。", pd.DataFrame()
    else:
        s.table = pd.DataFrame({"任务名称": tasks["task_name"], "部门": tasks["dname"],
                                "县区": [_unit_label(r, names) for r in tasks["region_code"]],
                                "结束日期": tasks["end_date"], "剩余工作日": tasks["working_days_left"],
                                "抽取对象": tasks["objects_drawn"], "已检查": tasks["objects_inspected"],
                                "未检查": tasks["objects_uninspected"]})
    sections.append(s)

    if charts and not reg_y.empty:
        from pipelines.reports import charts as ch
        v = reg_y[reg_y["metric_code"] == "on_time_publication"]
        if not v.empty:
            v = v.assign(label=[_unit_label(r, names) for r in v["region_code"]])
            sections[3].chart_png = ch.bar_rates(v["label"].tolist(), v["rate"].tolist(),
                                                 f"各县区按时公示率（{ylabel}）", target=_none(v["target"].iloc[0]))

    summary = []
    if not city_m.empty:
        row = city_m.set_index("metric_code")
        if "on_time_publication" in row.index:
            r = row.loc["on_time_publication"]
            summary.append(f"{plabel}全市按时公示率 {fmt_rate(r['rate'])}（{r['numerator']}/{r['denominator']}）。")
    if not over.empty:
        summary.append(f"截至 {as_of}，逾期未公示事项 {len(over)} 项，涉及 {over['dept_code'].nunique()} 个部门。")
    return Report("monthly", period, f"{plabel}“双随机、一公开”监管工作进展月报", plabel, batch, sections, summary)


def fmt_rate(x, unit: str = "percent") -> str:
    x = _none(x)
    if x is None:
        return NA
    if isinstance(x, str):
        return x
    return f"{x:.2f}" if unit == "ratio" else pct(x)


def pct(x: float) -> str:
    """Percent with one decimal; small non-zero shares keep two (0.01%) so they never read as 0%."""
    if x != 0 and abs(x) < 0.01:
        return f"{x * 100:.2f}%" if abs(x) >= 0.00005 else "<0.01%"
    return f"{x * 100:.1f}%"


# ---------------------------------------------------------------------------------------------- annual

def _rule_text(rule: str | None, param) -> str:
    param = _none(param)
    if rule == "bottom_n" and param is not None:
        return f"得分排名后{int(param)}位"
    if rule == "below_score" and param is not None:
        return f"得分低于{float(param):g}分"
    return f"{rule or ''} {param if param is not None else ''}".strip()


def annual(con, period: str, charts: bool = True) -> Report:
    year = int(period)
    batch = read_batch(con)
    metrics = _metrics(con)
    mname = metrics.set_index("metric_code")["name_zh"].to_dict()
    names = _region_names(con)
    order = _region_order(con)
    ylabel = _year_label(year, batch)
    sections: list[Section] = []
    depts = _df(con, "SELECT dept_code, dept_name, region_code FROM marts.dim_department")
    dname = depts.set_index("dept_code")["dept_name"].to_dict()

    city = _df(con, "SELECT * FROM marts.fct_metric_values WHERE scope='city' AND grain='year' AND year=?", [year])
    s = Section("全市年度指标", f"一、全市{year}年度指标（{ylabel}）", kinds=METRIC_KINDS)
    if city.empty:
        s.missing = f"{year}年没有年度指标数据（fct_metric_values 中无该年全市年度行；{batch.label()}）。"
    else:
        s.table = _metric_table(city, metrics)
    sections.append(s)

    scores = _df(con, "SELECT * FROM marts.mart_assessment__scores WHERE year = ?", [year])
    parts = _df(con, "SELECT * FROM marts.mart_assessment__score_parts WHERE year = ?", [year])

    def unit_name(scope, unit_code):
        return _unit_label(unit_code, names) if scope == "region" else dname.get(unit_code, unit_code)

    skinds = {"名次": INT, "得分": NUM, "适用权重": NUM, "考核项": INT, "不适用项": INT, "参与排名单位数": INT}
    for scope, key, title in (("region", "县区得分排名", f"二、{year}年度县区考核得分与排名"),
                              ("department", "部门得分排名", f"三、{year}年度部门考核得分与排名")):
        s = Section(key, title, kinds=skinds, note="得分按适用权重折算为百分制；“拟通报”依据通报规则（见第八部分）。")
        sc = scores[scores["scope"] == scope].sort_values(["score_rank", "unit_code"], na_position="last")
        if sc.empty:
            s.missing = f"{year}年度没有{'县区' if scope == 'region' else '部门'}考核得分（mart_assessment__scores 无记录；{batch.label()}）。"
        else:
            t = pd.DataFrame({"名次": sc["score_rank"].tolist(),
                              ("县区" if scope == "region" else "部门"): [unit_name(scope, u) for u in sc["unit_code"]]})
            if scope == "department":
                t["所属县区"] = [_unit_label(r, names) for r in sc["region_code"]]
            t["得分"] = sc["score"].tolist()
            t["适用权重"] = sc["applicable_weight"].tolist()
            t["考核项"] = sc["parts"].tolist()
            t["不适用项"] = [int(x) for x in sc["parts_not_applicable"].fillna(0)]
            t["参与排名单位数"] = sc["units_ranked"].tolist()
            t["拟通报"] = ["是" if x else "" for x in sc["named_in_circular"].fillna(False)]
            t["单位代码"] = sc["unit_code"].tolist()
            s.table = t
        sections.append(s)
        if scope == "region" and charts and not sc.empty:
            from pipelines.reports import charts as ch
            s.chart_png = ch.bar_scores([unit_name(scope, u) for u in sc["unit_code"]], sc["score"].tolist(),
                                        f"{year}年度县区考核得分")

    # Weighted parts: points per metric (pivot) for the PDF, the long list with rate/target/weight in XLSX.
    part_codes = [c for c in metrics.sort_values("sort_order")["metric_code"] if c in set(parts["metric_code"])]
    for scope, key, title in (("region", "县区分项得分", f"四、{year}年度县区分项得分（加权）"),
                              ("department", "部门分项得分", f"五、{year}年度部门分项得分（加权）")):
        s = Section(key, title, landscape=True,
                    note="各项得分 = 权重 × 达成度，按适用权重折算；“不适用”项不计分、不计权重。比率、目标、权重见 XLSX“分项得分明细”。")
        p = parts[parts["scope"] == scope]
        sc = scores[scores["scope"] == scope].sort_values(["score_rank", "unit_code"], na_position="last")
        if p.empty:
            s.missing = f"{year}年度没有{'县区' if scope == 'region' else '部门'}分项得分（mart_assessment__score_parts 无记录）。"
        else:
            rows = []
            for _, u in sc.iterrows():
                pu = p[p["unit_code"] == u["unit_code"]].set_index("metric_code")
                row = {"名次": u["score_rank"], "单位": unit_name(scope, u["unit_code"])}
                for c in part_codes:
                    if c not in pu.index:
                        row[mname.get(c, c)] = NO_ROW
                    elif pu.loc[c, "not_applicable"]:
                        row[mname.get(c, c)] = NA
                    else:
                        row[mname.get(c, c)] = float(pu.loc[c, "points"])
                row["总分"] = u["score"]
                rows.append(row)
            s.table = pd.DataFrame(rows)
            s.kinds = {c: NUM for c in s.table.columns if c not in ("单位",)} | {"名次": INT}
        sections.append(s)
    s = Section("分项得分明细", "分项得分明细", in_pdf=False,
                kinds={"比率": RATE, "目标": PCT, "权重": NUM, "达成度": RATE, "得分": NUM, "适用权重": NUM})
    if parts.empty:
        s.missing = f"{year}年度没有分项得分。"
    else:
        p = parts.merge(metrics[["metric_code", "sort_order"]], on="metric_code").sort_values(["scope", "unit_code", "sort_order"])
        s.table = pd.DataFrame({
            "范围": p["scope"].map({"region": "县区", "department": "部门"}),
            "单位": [unit_name(a, b) for a, b in zip(p["scope"], p["unit_code"])], "单位代码": p["unit_code"],
            "指标": p["metric_code"].map(mname), "比率": [_none(x) for x in p["rate"]],
            "目标": p["target"], "要求": p["target_direction"].map(DIRECTION_ZH),
            "权重": p["weight"], "不适用": ["是" if x else "" for x in p["not_applicable"]],
            "达成度": [_none(x) for x in p["attainment"]], "适用权重": p["applicable_weight"], "得分": p["points"]})
    sections.append(s)

    # Trend over the years up to this one.
    allsc = _df(con, "SELECT scope, unit_code, year, score, score_rank FROM marts.mart_assessment__scores "
                     "WHERE scope = 'region' AND year <= ? ORDER BY year", [year])
    s = Section("县区得分趋势", f"六、县区考核得分历年趋势（截至{year}年）")
    if allsc.empty:
        s.missing = "没有历年县区得分。"
    else:
        p = allsc.pivot_table(index="unit_code", columns="year", values="score", aggfunc="first")
        p = p.reindex([r for r in order if r in p.index])
        t = pd.DataFrame({"县区": [_unit_label(r, names) for r in p.index]})
        for y in p.columns:
            t[f"{y}年"] = [_none(x) if _none(x) is not None else NO_ROW for x in p[y]]
        s.table = t
        s.kinds = {c: NUM for c in t.columns if c != "县区"}
        if charts:
            from pipelines.reports import charts as ch
            s.chart_png = ch.lines({_unit_label(r, names): (list(p.columns), list(p.loc[r])) for r in p.index},
                                   "县区考核得分历年趋势", "得分")
    sections.append(s)
    ct = _df(con, "SELECT metric_code, year, rate FROM marts.fct_metric_values WHERE scope='city' AND grain='year' "
                  "AND year <= ?", [year])
    s = Section("全市指标趋势", f"全市主要指标历年趋势（截至{year}年）")
    sc_codes = [c for c in part_codes if c in set(ct["metric_code"])]
    if ct.empty:
        s.missing = "没有历年全市指标。"
    else:
        p = ct.pivot_table(index="metric_code", columns="year", values="rate", aggfunc="first", dropna=False)
        t = pd.DataFrame({"指标": [mname.get(c, c) for c in sc_codes]})
        for y in p.columns:
            t[f"{y}年"] = [(_none(p.loc[c, y]) if c in p.index else NO_ROW) for c in sc_codes]
        s.table = t
        s.kinds = {c: RATE for c in t.columns if c != "指标"}
    sections.append(s)

    # Milestone status: mechanism coverage (the 2020-09-30 milestone and every year's check).
    mc = _df(con, "SELECT metric_code, year, numerator, denominator, rate FROM marts.fct_metric_values "
                  "WHERE scope='city' AND grain='year' AND metric_code IN ('mechanism_coverage', "
                  "'mechanism_coverage_milestone') AND year <= ? ORDER BY metric_code DESC, year", [year])
    s = Section("制度机制节点", "七、制度机制建设节点完成情况",
                kinds={"到位单位数": INT, "成员单位数": INT, "覆盖率": RATE},
                note="2020年9月30日节点：各成员单位建立抽查事项清单、检查对象名录库、执法检查人员名录库，制定年度计划。")
    if mc.empty:
        s.missing = "没有制度机制覆盖数据。"
    else:
        s.table = pd.DataFrame({"考核口径": [mname.get(c, c) for c in mc["metric_code"]],
                                "年度": [str(y) for y in mc["year"]], "到位单位数": mc["numerator"],
                                "成员单位数": mc["denominator"], "覆盖率": [_none(x) for x in mc["rate"]]})
    sections.append(s)
    inc = _df(con, """SELECT * FROM marts.mart_metric__mechanism_coverage_detail
                      WHERE year = ? AND basis = 'annual' AND NOT is_complete ORDER BY region_code, dept_code""", [year])
    s = Section("制度机制未到位", f"{year}年度制度机制未全部到位的成员单位")
    if inc.empty:
        s.missing = (f"{year}年度成员单位制度机制均已到位。" if con.execute(
            "SELECT count(*) FROM marts.mart_metric__mechanism_coverage_detail WHERE year = ?", [year]).fetchone()[0]
            else f"{year}年度没有制度机制明细数据。")
    else:
        s.table = pd.DataFrame({
            "部门": [dname.get(d, n) for d, n in zip(inc["dept_code"], inc["dept_name"])],
            "县区": [_unit_label(r, names) for r in inc["region_code"]],
            "未到位事项": ["、".join(COMPONENT_ZH.get(c, c) for c in str(m).split(";")) if _none(m) else ""
                       for m in inc["missing_components"]]})
    sections.append(s)

    # The list headed for the circular, with each unit's shortfalls from the score parts.
    named = scores[scores["named_in_circular"].fillna(False).astype(bool)].sort_values(["scope", "score_rank"],
                                                                                        ascending=[False, True])
    units = []
    for _, u in named.iterrows():
        p = parts[(parts["scope"] == u["scope"]) & (parts["unit_code"] == u["unit_code"]) & ~parts["not_applicable"]]
        p = p[p["attainment"] < 1].copy()
        full = p["weight"] * 100.0 / p["applicable_weight"]
        p["lost"] = full - p["points"]
        p = p.sort_values("lost", ascending=False)
        units.append({
            "scope": u["scope"], "unit_code": u["unit_code"], "name": unit_name(u["scope"], u["unit_code"]),
            "region": _unit_label(u["region_code"], names) if u["scope"] == "department" else "",
            "score": float(u["score"]), "rank": int(u["score_rank"]), "units_ranked": int(u["units_ranked"]),
            "rule": _rule_text(u["circular_rule"], u["circular_parameter"]),
            "shortfalls": [{"metric": mname.get(r.metric_code, r.metric_code), "rate": _none(r.rate),
                            "target": _none(r.target), "direction": DIRECTION_ZH.get(r.target_direction, ""),
                            "lost": float(r.lost)} for r in p.itertuples()],
        })
    s = Section("拟通报名单", f"八、拟通报名单（{year}年度）", kinds={"得分": NUM, "名次": INT, "参与排名单位数": INT},
                note="依据通报规则（mart_assessment__scores.circular_rule）确定；主要失分项取失分最多的三项。")
    if scores.empty:
        s.missing = f"{year}年度没有考核得分，无法确定通报名单。"
    elif not units:
        s.note, s.table = f"{year}年度没有单位达到通报条件。", pd.DataFrame()
    else:
        s.table = pd.DataFrame({
            "类别": ["县区" if x["scope"] == "region" else "部门" for x in units],
            "单位": [x["name"] for x in units], "得分": [x["score"] for x in units],
            "名次": [x["rank"] for x in units], "参与排名单位数": [x["units_ranked"] for x in units],
            "通报规则": [x["rule"] for x in units],
            "主要失分项": ["；".join(f"{f['metric']} {fmt_rate(f['rate'])}（目标{f['direction']}{fmt_rate(f['target'])}，"
                               f"失{f['lost']:.1f}分）" for f in x["shortfalls"][:3]) or "无" for x in units]})
    sections.append(s)

    summary = []
    rs = scores[scores["scope"] == "region"]
    if not rs.empty:
        best = rs.sort_values("score_rank").iloc[0]
        summary.append(f"{year}年度参与考核县区（含市本级）{len(rs)}个，平均得分 {rs['score'].mean():.2f} 分，"
                       f"第一名{unit_name('region', best['unit_code'])}（{best['score']:.2f} 分）。")
    ds = scores[scores["scope"] == "department"]
    if not ds.empty:
        summary.append(f"参与考核部门 {len(ds)} 个，平均得分 {ds['score'].mean():.2f} 分。")
    if units:
        summary.append("拟通报：" + "、".join(x["name"] for x in units) + "。")
    circular = {"year": year, "units": units, "regions_assessed": int(len(rs)), "departments_assessed": int(len(ds)),
                "region_mean": float(rs["score"].mean()) if not rs.empty else None,
                "department_mean": float(ds["score"].mean()) if not ds.empty else None,
                "complete_year": ylabel.endswith("全年（年度口径）"), "year_label": ylabel}
    return Report("annual", str(year), f"{year}年度“双随机、一公开”监管工作考核报告", f"{year}年度", batch,
                  sections, summary, circular)
