"""Report content: the pinned serving artefact (read through the `serving` layer) -> sections.

Every figure is a value read from a mart (fct_metric_values, mart_assessment__*, mart_publication__*,
mart_early_warning__*), never re-aggregated or recomputed: distinct-count metrics cannot be summed over
months, so "本年" columns are the year rows (grain = year) of the report's year as they stand in the data
batch, labelled with the data's as-of date; points lost, ranks, statuses and milestones are the marts'
own. Labels and names come from dim_code_label / dim_unit / dim_metric, text from `serving.formatters`.
A period without rows says what is missing instead of showing zeros. Reports are Chinese.
"""
from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd

from pipelines.reports.model import DATE, INT, NUM, PCT, RATE, Batch, Report, Section
from serving import assessment, labels, metrics, publication, status
from serving import formatters as fmt

LANG = "zh"
NO_ROW = fmt.MISSING  # pivot cell with no row in the mart (distinct from a NULL rate, which is 不适用)
METRIC_KINDS = {"分子": INT, "分母": INT, "数值": RATE, "目标": PCT}


def read_batch() -> Batch:
    """Which publish the report reflects: the latest publish_log row and the build's as-of date."""
    log = status.publish_log()
    as_of = labels.settings().as_of_date
    as_of_text = as_of.isoformat() if as_of else None
    if log.empty:
        return Batch(None, None, None, as_of_text)
    row = log.iloc[0]
    latest = row["latest_batch_date"]
    return Batch(str(row["published_at"]), row["run_id"], None if fmt.is_missing(latest) else fmt.iso_date(latest),
                 as_of_text)


def _metric_rows(v: pd.DataFrame) -> pd.DataFrame:
    """fct_metric_values rows joined to dim_metric -> one display row per metric, in their order."""
    v = v.sort_values("sort_order")
    return pd.DataFrame({
        "指标": v["name_zh"].fillna(v["metric_code"]).tolist(),
        "分子": v["numerator"].tolist(),
        "分母": v["denominator"].tolist(),
        "数值": [None if fmt.is_missing(x) else x for x in v["rate"]],
        "目标": [None if fmt.is_missing(x) else float(x) for x in v["target"]],
        "要求": labels.labelled(v["target_direction"], "target_direction", LANG),
        "是否达标": ["" if fmt.is_missing(x) else ("是" if x else "否") for x in v["target_met"]],
        "__unit": v["unit"].fillna("percent").tolist(),
        "指标代码": v["metric_code"].tolist(),
    })


def _pivot_rates(values: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """County x metric rates (counties in dim_unit order); a missing row is "—", a NULL rate stays None
    (不适用)."""
    names = labels.metric_names(LANG)
    cols = [c for c in codes if c in set(values["metric_code"])]
    out = []
    for region, sub in values.sort_values("unit_order").groupby("region_code", sort=False):
        row = {"县区": labels.unit_name("region", region, LANG)}
        by_metric = sub.set_index("metric_code")
        for c in cols:
            row[names.get(c, c)] = (None if fmt.is_missing(by_metric.loc[c, "rate"]) else by_metric.loc[c, "rate"]) \
                if c in by_metric.index else NO_ROW
        out.append(row)
    return pd.DataFrame(out)


def _period_bounds(period: str) -> tuple[int, int, dt.date, dt.date]:
    y, m = (int(x) for x in period.split("-"))
    return y, m, dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])


def _year_label(year: int, batch: Batch) -> str:
    if batch.as_of_date and batch.as_of_date >= f"{year + 1}-01-01":
        return f"{year}年全年（年度口径）"
    return f"{year}年截至{batch.as_of_date or '未知日期'}（年度口径，年度尚未结束）"


LATE_COLUMN = "逾期事项（逾期公示或逾期未公示）"


def _status_table(counts: pd.DataFrame, keys: list[str], statuses: list[str]) -> pd.DataFrame:
    """Obligations due in a period per key: one column per status (labelled, in the seed's order), their
    total, and how many of them are late (the mart's is_late)."""
    names = labels.code_labels("publication_status", LANG)
    p = counts.pivot_table(index=keys, columns="status", values="obligations", aggfunc="sum", fill_value=0)
    for c in statuses:
        if c not in p.columns:
            p[c] = 0
    p = p[statuses].reset_index()
    p.insert(len(keys), "本月到期事项", p[statuses].sum(axis=1))
    late = counts[counts["is_late"]].groupby(keys)["obligations"].sum().rename(LATE_COLUMN).reset_index()
    p = p.merge(late, on=keys, how="left").fillna({LATE_COLUMN: 0})
    p[LATE_COLUMN] = p[LATE_COLUMN].astype(int)
    return p.rename(columns={c: names.get(c, c) for c in statuses})


# --------------------------------------------------------------------------------------------- monthly

def monthly(period: str, charts: bool = True) -> Report:
    year, month, start, end = _period_bounds(period)
    batch = read_batch()
    ylabel = _year_label(year, batch)
    plabel = f"{year}年{month}月"
    sections: list[Section] = []

    city_m = metrics.scope_values("city", "month", period_start=start)
    city_y = metrics.scope_values("city", "year", year=year)
    s = Section("全市本月指标", f"一、全市{plabel}指标", kinds=METRIC_KINDS,
                note=f"月度口径（grain = month，{start} 至 {end}）。比率为空的指标（分母为0）显示“不适用”。")
    if city_m.empty:
        s.missing = f"{plabel}没有月度指标数据（fct_metric_values 中无该月的全市月度行；{batch.label()}）。"
    else:
        s.table = _metric_rows(city_m)
    sections.append(s)
    s = Section("全市本年指标", f"二、全市本年累计指标：{ylabel}", kinds=METRIC_KINDS,
                note="本年数值取年度口径（grain = year）的行，不是各月相加：去重计数类指标（如抽取对象数）"
                     "不能按月累加。年度口径随数据批次更新，注明截至日期。")
    if city_y.empty:
        s.missing = f"{year}年没有年度指标数据（fct_metric_values 中无该年的全市年度行；{batch.label()}）。"
    else:
        s.table = _metric_rows(city_y)
    sections.append(s)

    # County progress: the scored rate metrics.
    dim = labels.metrics()
    codes = dim.loc[dim["is_scored"] & (dim["unit"] == "percent"), "metric_code"].tolist()
    reg_m = metrics.scope_values("region", "month", period_start=start)
    reg_y = metrics.scope_values("region", "year", year=year)
    city_level = labels.unit_name("region", labels.settings().city_code, LANG)
    for key, title, vals, what in (
        ("县区本月进展", f"三、各县区{plabel}进展（比率）", reg_m, f"{plabel}的县区月度"),
        ("县区本年进展", f"四、各县区本年进展（比率）：{ylabel}", reg_y, f"{year}年的县区年度"),
    ):
        s = Section(key, title, landscape=True,
                    note=f"“{city_level}”为市直部门合计。“—”表示该县区该指标无数据行，“不适用”表示分母为0。"
                         "分子、分母见 XLSX 工作簿“县区指标明细”。")
        if vals.empty:
            s.missing = f"没有{what}指标数据（{batch.label()}）。"
        else:
            s.table = _pivot_rates(vals, codes)
            s.kinds = {c: RATE for c in s.table.columns if c != "县区"}
        sections.append(s)
    detail = pd.concat([reg_m.assign(口径=f"{plabel}（月度）"), reg_y.assign(口径=ylabel)])
    s = Section("县区指标明细", "县区指标明细（分子、分母）", in_pdf=False, kinds={**METRIC_KINDS})
    if detail.empty:
        s.missing = f"没有{plabel}或{year}年的县区指标数据。"
    else:
        d = detail.sort_values(["口径", "unit_order", "sort_order"], ascending=[False, True, True])
        t = pd.DataFrame({"口径": d["口径"].tolist(),
                          "县区": [labels.unit_name("region", r, LANG) for r in d["region_code"]],
                          "县区代码": d["region_code"].tolist()})
        s.table = pd.concat([t, _metric_rows_in_order(d)], axis=1)
    sections.append(s)

    # Publication obligations falling due in the month, by county and department.
    due = publication.due_in(start, end, LANG)
    statuses = [c for c in labels.code_labels("publication_status", LANG) if c in set(due["status"])]
    okinds = {c: INT for c in ["本月到期事项", LATE_COLUMN, *labels.code_labels("publication_status", LANG).values()]}
    onote = ("公示期限在本月内的公示义务（mart_publication__obligations，按期限日期归月），状态按数据批次"
             f"（截至 {batch.as_of_date or batch.latest_batch_date}）判断。")
    s = Section("本月到期公示_县区", f"五、{plabel}到期公示义务完成情况（按县区）", kinds=okinds, note=onote)
    if due.empty:
        s.missing = f"{plabel}没有到期的公示义务数据（{batch.label()}）。"
    else:
        p = _status_table(due, ["region_code"], statuses)
        order = labels.units(LANG).query("scope == 'region'").set_index("unit_code")["sort_order"]
        p = p.assign(_o=p["region_code"].map(order)).sort_values("_o").drop(columns="_o")
        p.insert(0, "县区", [labels.unit_name("region", r, LANG) for r in p["region_code"]])
        s.table = p.drop(columns="region_code").reset_index(drop=True)
    sections.append(s)
    s = Section("本月到期公示_部门", f"六、{plabel}存在逾期的部门", kinds=okinds,
                note="只列出本月到期事项中有逾期公示或逾期未公示的部门；全部部门见 XLSX 工作簿“本月到期公示_全部部门”。")
    s_all = Section("本月到期公示_全部部门", "本月到期公示义务（全部部门）", kinds=okinds, in_pdf=False, note=onote)
    if due.empty:
        s.missing = s_all.missing = f"{plabel}没有到期的公示义务数据。"
    else:
        p = _status_table(due.assign(dept_name=due["dept_name"].fillna(due["dept_code"])),
                          ["region_code", "dept_code", "dept_name"], statuses)
        p.insert(0, "县区", [labels.unit_name("region", r, LANG) for r in p["region_code"]])
        p = p.rename(columns={"dept_name": "部门", "dept_code": "部门代码"}).drop(columns="region_code")
        p = p.sort_values([LATE_COLUMN, "部门代码"], ascending=[False, True])
        p = p[["部门", "县区", "部门代码", *[c for c in p.columns if c not in ("部门", "县区", "部门代码")]]]
        s_all.table = p.reset_index(drop=True)
        bad = p[p[LATE_COLUMN] > 0].reset_index(drop=True)
        if bad.empty:
            s.note = "本月到期事项均已按时公示。"
        s.table = bad
    sections += [s, s_all]

    # Early warning: the state at the data's as-of date.
    as_of = batch.as_of_date
    stale = as_of is not None and as_of > str(end + dt.timedelta(days=31))
    wnote = (f"预警状态截至数据日期 {as_of}。" +
             (f"注意：这是数据日期的当前状态，不是{plabel}月末的状态。" if stale else ""))
    ew = publication.warnings(lang=LANG)
    over = ew[ew["warning"] == "overdue"]
    s = Section("逾期未公示_部门", "七、逾期未公示事项（按部门）", kinds={"逾期未公示事项": INT, "最早期限": DATE,
                "最长逾期（工作日）": INT}, note=wnote)
    if not status.has_early_warning():
        s.missing = "预警数据缺失（mart_early_warning__obligations 无记录）。"
    elif over.empty:
        s.note = wnote + "没有逾期未公示的事项。"
        s.table = pd.DataFrame()
    else:
        g = over.groupby(["dept_code", "dept_name", "region_name"], as_index=False, dropna=False).agg(
            n=("obligation_key", "count"), first=("deadline_date", "min"), worst=("working_days_left", "min"))
        g = g.sort_values(["n", "worst"], ascending=[False, True])
        s.table = pd.DataFrame({"部门": g["dept_name"], "县区": g["region_name"], "逾期未公示事项": g["n"],
                                "最早期限": g["first"], "最长逾期（工作日）": -g["worst"]}).reset_index(drop=True)
    sections.append(s)
    s = Section("逾期未公示_明细", "逾期未公示事项明细", in_pdf=False, note=wnote,
                kinds={"公示期限": DATE, "逾期（工作日）": INT})
    if not over.empty:
        o = over.sort_values(["deadline_date", "dept_code"])
        s.table = pd.DataFrame({"部门": o["dept_name"], "县区": o["region_name"], "事项类型": o["event_label"],
                                "事项编号": o["record_id"], "任务名称": o["task_name"],
                                "公示期限": o["deadline_date"], "逾期（工作日）": -o["working_days_left"]})
    else:
        s.note, s.table = wnote + "没有逾期未公示的事项。", pd.DataFrame()
    sections.append(s)
    soon = ew[ew["warning"] == "due_soon"]
    s = Section("即将到期公示", "八、即将到期的公示义务", note=wnote, kinds={"公示期限": DATE, "剩余工作日": INT})
    if soon.empty:
        if not status.has_early_warning():
            s.missing = "预警数据缺失（mart_early_warning__obligations 无记录）。"
        else:
            s.note, s.table = wnote + "没有即将到期的公示义务。", pd.DataFrame()
    else:
        o = soon.sort_values(["working_days_left", "dept_code"])
        s.table = pd.DataFrame({"部门": o["dept_name"], "县区": o["region_name"], "事项类型": o["event_label"],
                                "事项编号": o["record_id"], "任务名称": o["task_name"], "公示期限": o["deadline_date"],
                                "剩余工作日": o["working_days_left"]}).reset_index(drop=True)
    sections.append(s)
    tasks = publication.warning_tasks(lang=LANG)
    s = Section("即将结束的抽查任务", "九、即将结束且仍有未检查对象的抽查任务", note=wnote,
                kinds={"结束日期": DATE, "剩余工作日": INT, "抽取对象": INT, "已检查": INT, "未检查": INT})
    if tasks.empty:
        s.note, s.table = wnote + "没有即将结束且仍有未检查对象的任务。", pd.DataFrame()
    else:
        s.table = pd.DataFrame({"任务名称": tasks["task_name"], "部门": tasks["dept_name"], "县区": tasks["region_name"],
                                "结束日期": tasks["end_date"], "剩余工作日": tasks["working_days_left"],
                                "抽取对象": tasks["objects_drawn"], "已检查": tasks["objects_inspected"],
                                "未检查": tasks["objects_uninspected"]})
    sections.append(s)

    if charts and not reg_y.empty:
        from pipelines.reports import charts as ch
        v = reg_y[reg_y["metric_code"] == "on_time_publication"].sort_values("unit_order")
        if not v.empty:
            sections[3].chart_png = ch.bar_rates([labels.unit_name("region", r, LANG) for r in v["region_code"]],
                                                 v["rate"].tolist(), f"各县区按时公示率（{ylabel}）",
                                                 target=None if fmt.is_missing(v["target"].iloc[0]) else float(v["target"].iloc[0]))

    summary = []
    if not city_m.empty:
        row = city_m.set_index("metric_code")
        if "on_time_publication" in row.index:
            r = row.loc["on_time_publication"]
            summary.append(f"{plabel}全市按时公示率 {fmt.percent(r['rate'])}（{fmt.fraction(r['numerator'], r['denominator'])}）。")
    if not over.empty:
        summary.append(f"截至 {as_of}，逾期未公示事项 {fmt.count(len(over))} 项，涉及 {over['dept_code'].nunique()} 个部门。")
    return Report("monthly", period, f"{plabel}“双随机、一公开”监管工作进展月报", plabel, batch, sections, summary)


def _metric_rows_in_order(d: pd.DataFrame) -> pd.DataFrame:
    """Like _metric_rows, keeping the rows in the given order (the county detail table)."""
    out = _metric_rows(d.assign(sort_order=range(len(d))))
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- annual

def annual(period: str, charts: bool = True) -> Report:
    year = int(period)
    batch = read_batch()
    names = labels.metric_names(LANG)
    ylabel = _year_label(year, batch)
    sections: list[Section] = []

    city = metrics.scope_values("city", "year", year=year)
    s = Section("全市年度指标", f"一、全市{year}年度指标（{ylabel}）", kinds=METRIC_KINDS)
    if city.empty:
        s.missing = f"{year}年没有年度指标数据（fct_metric_values 中无该年全市年度行；{batch.label()}）。"
    else:
        s.table = _metric_rows(city)
    sections.append(s)

    scores = assessment.scores(year, None, LANG)
    parts = assessment.score_parts(year, None, None, LANG)
    skinds = {"名次": INT, "得分": NUM, "适用权重": NUM, "考核项": INT, "不适用项": INT, "参与排名单位数": INT}
    for scope, key, title in (("region", "县区得分排名", f"二、{year}年度县区考核得分与排名"),
                              ("department", "部门得分排名", f"三、{year}年度部门考核得分与排名")):
        s = Section(key, title, kinds=skinds,
                    note="得分按适用权重折算为百分制；适用权重不足规定比例的单位不参与排名、不通报（见“排名状态”）；"
                         "“拟通报”依据通报规则（见第八部分）。")
        sc = scores[scores["scope"] == scope]
        what = labels.label("scope", scope, LANG)
        if sc.empty:
            s.missing = f"{year}年度没有{what}考核得分（mart_assessment__scores 无记录；{batch.label()}）。"
        else:
            t = pd.DataFrame({"名次": sc["score_rank"].tolist(), what: sc["unit_name"].tolist()})
            if scope == "department":
                t["所属县区"] = sc["region_name"].tolist()
            t["得分"] = sc["score"].tolist()
            t["适用权重"] = sc["applicable_weight"].tolist()
            t["考核项"] = sc["parts"].tolist()
            t["不适用项"] = [int(x) for x in sc["parts_not_applicable"].fillna(0)]
            t["参与排名单位数"] = sc["units_ranked"].tolist()
            t["排名状态"] = sc["ranking_status_label"].tolist()
            t["通报状态"] = sc["circular_status_label"].tolist()
            t["拟通报"] = ["是" if x else "" for x in sc["named_in_circular"].fillna(False)]
            t["单位代码"] = sc["unit_code"].tolist()
            s.table = t.reset_index(drop=True)
        sections.append(s)
        if scope == "region" and charts and not sc.empty:
            from pipelines.reports import charts as ch
            s.chart_png = ch.bar_scores(sc["unit_name"].tolist(), sc["score"].tolist(), f"{year}年度县区考核得分")

    # Weighted parts: points per metric (pivot) for the PDF, the long list with rate/target/weight in XLSX.
    part_codes = [c for c in labels.metrics()["metric_code"] if c in set(parts["metric_code"])]
    na = fmt.not_applicable(LANG)
    for scope, key, title in (("region", "县区分项得分", f"四、{year}年度县区分项得分（加权）"),
                              ("department", "部门分项得分", f"五、{year}年度部门分项得分（加权）")):
        s = Section(key, title, landscape=True,
                    note="各项得分 = 权重 × 达成度，按适用权重折算；“不适用”项不计分、不计权重。比率、目标、权重、失分见 XLSX“分项得分明细”。")
        p = parts[parts["scope"] == scope]
        sc = scores[scores["scope"] == scope]
        if p.empty:
            s.missing = f"{year}年度没有{labels.label('scope', scope, LANG)}分项得分（mart_assessment__score_parts 无记录）。"
        else:
            rows = []
            for _, u in sc.iterrows():
                pu = p[p["unit_code"] == u["unit_code"]].set_index("metric_code")
                row = {"名次": u["score_rank"], "单位": u["unit_name"]}
                for c in part_codes:
                    if c not in pu.index:
                        row[names.get(c, c)] = NO_ROW
                    elif pu.loc[c, "not_applicable"]:
                        row[names.get(c, c)] = na
                    else:
                        row[names.get(c, c)] = float(pu.loc[c, "points"])
                row["总分"] = u["score"]
                rows.append(row)
            s.table = pd.DataFrame(rows)
            s.kinds = {c: NUM for c in s.table.columns if c != "单位"} | {"名次": INT}
        sections.append(s)
    s = Section("分项得分明细", "分项得分明细", in_pdf=False,
                kinds={"比率": RATE, "目标": PCT, "权重": NUM, "达成度": RATE, "满分": NUM, "得分": NUM, "失分": NUM,
                       "适用权重": NUM})
    if parts.empty:
        s.missing = f"{year}年度没有分项得分。"
    else:
        unit_names = {(a, b): n for a, b, n in zip(scores["scope"], scores["unit_code"], scores["unit_name"])}
        p = parts.sort_values(["scope", "unit_code", "sort_order"])
        s.table = pd.DataFrame({
            "范围": labels.labelled(p["scope"], "scope", LANG),
            "单位": [unit_names.get((a, b), b) for a, b in zip(p["scope"], p["unit_code"])], "单位代码": p["unit_code"],
            "指标": p["metric_name"], "比率": [None if fmt.is_missing(x) else x for x in p["rate"]],
            "目标": p["target"], "要求": labels.labelled(p["target_direction"], "target_direction", LANG),
            "权重": p["weight"], "不适用": ["是" if x else "" for x in p["not_applicable"]],
            "达成度": [None if fmt.is_missing(x) else x for x in p["attainment"]], "适用权重": p["applicable_weight"],
            "满分": p["points_max"], "得分": p["points"], "失分": p["points_lost"]})
    sections.append(s)

    # Trend over the years up to this one.
    history = assessment.scores(None, "region", LANG)
    history = history[history["year"] <= year]
    s = Section("县区得分趋势", f"六、县区考核得分历年趋势（截至{year}年）")
    if history.empty:
        s.missing = "没有历年县区得分。"
    else:
        p = history.pivot_table(index="unit_code", columns="year", values="score", aggfunc="first")
        order = history.drop_duplicates("unit_code").sort_values("unit_order")
        p = p.reindex(order["unit_code"])
        region_names = dict(zip(order["unit_code"], order["unit_name"]))
        t = pd.DataFrame({"县区": [region_names[r] for r in p.index]})
        for y in p.columns:
            t[f"{y}年"] = [NO_ROW if fmt.is_missing(x) else x for x in p[y]]
        s.table = t
        s.kinds = {c: NUM for c in t.columns if c != "县区"}
        if charts:
            from pipelines.reports import charts as ch
            s.chart_png = ch.lines({region_names[r]: (list(p.columns), list(p.loc[r])) for r in p.index},
                                   "县区考核得分历年趋势", "得分")
    sections.append(s)
    ct = metrics.scope_values("city", "year", year_until=year)
    s = Section("全市指标趋势", f"全市主要指标历年趋势（截至{year}年）")
    sc_codes = [c for c in part_codes if c in set(ct["metric_code"])]
    if ct.empty:
        s.missing = "没有历年全市指标。"
    else:
        p = ct.pivot_table(index="metric_code", columns="year", values="rate", aggfunc="first", dropna=False)
        t = pd.DataFrame({"指标": [names.get(c, c) for c in sc_codes]})
        for y in p.columns:
            t[f"{y}年"] = [(None if fmt.is_missing(p.loc[c, y]) else p.loc[c, y]) if c in p.index else NO_ROW
                           for c in sc_codes]
        s.table = t
        s.kinds = {c: RATE for c in t.columns if c != "指标"}
    sections.append(s)

    # Milestones (mart_assessment__milestones) due by this year.
    ms = assessment.milestones(LANG)
    ms = ms[ms["year"] <= year]
    s = Section("制度机制节点", "七、政策节点完成情况",
                kinds={"分子": INT, "分母": INT, "数值": RATE},
                note="节点及衡量指标见 seed milestones（抚政办发〔2020〕19号 二 工作目标）；节点全部指标达到目标即为达成。")
    if ms.empty:
        s.missing = "没有节点数据。"
    else:
        s.table = pd.DataFrame({
            "节点": ms["milestone_label"], "节点日期": [fmt.iso_date(d) for d in ms["due_date"]],
            "衡量指标": ms["metric_name"], "分子": ms["numerator"], "分母": ms["denominator"],
            "数值": [None if fmt.is_missing(x) else x for x in ms["rate"]],
            "节点状态": [fmt.MISSING if fmt.is_missing(a) else labels.label(
                "milestone_status", "achieved" if a else "not_achieved", LANG) for a in ms["milestone_achieved"]]})
    sections.append(s)
    gaps = assessment.mechanism_gaps("annual", year, LANG)
    s = Section("制度机制未到位", f"{year}年度制度机制未全部到位的成员单位")
    if gaps.empty:
        s.missing = (f"{year}年度成员单位制度机制均已到位。" if assessment.mechanism_rows(year)
                     else f"{year}年度没有制度机制明细数据。")
    else:
        s.table = pd.DataFrame({"部门": gaps["dept_name"], "县区": gaps["region_name"], "未到位事项": gaps["missing_text"]})
    sections.append(s)

    # The list headed for the circular, with each unit's main shortfalls (mart_assessment__circular_shortfalls).
    named = assessment.circular(year, None, LANG)
    main = assessment.shortfalls(year, named["unit_code"].tolist(), main_only=True, lang=LANG)
    units = []
    for _, u in named.iterrows():
        own = main[(main["scope"] == u["scope"]) & (main["unit_code"] == u["unit_code"])]
        units.append({
            "scope": u["scope"], "unit_code": u["unit_code"], "name": u["unit_name"], "kind": u["unit_kind"],
            "region": u["region_name"] if u["scope"] == "department" else "",
            "score": fmt.score(u["score"]), "rank": int(u["score_rank"]), "units_ranked": int(u["units_ranked"]),
            "rule": u["circular_rule_text"],
            "shortfalls_text": assessment.shortfalls_text(own, LANG),
        })
    s = Section("拟通报名单", f"八、拟通报名单（{year}年度）", kinds={"得分": NUM, "名次": INT, "参与排名单位数": INT},
                note="依据通报规则（seed circular_rules）确定；主要失分项为失分最多的几项（mart_assessment__circular_shortfalls），"
                     "失分按适用权重折算，与得分同一口径。")
    if scores.empty:
        s.missing = f"{year}年度没有考核得分，无法确定通报名单。"
    elif not units:
        s.note, s.table = f"{year}年度没有单位达到通报条件。", pd.DataFrame()
    else:
        s.table = pd.DataFrame({
            "类别": [x["kind"] for x in units], "单位": [x["name"] for x in units],
            "得分": [float(x) for x in named["score"]], "名次": [x["rank"] for x in units],
            "参与排名单位数": [x["units_ranked"] for x in units], "通报规则": [x["rule"] for x in units],
            "主要失分项": [x["shortfalls_text"] or "无" for x in units], "单位代码": [x["unit_code"] for x in units]})
    sections.append(s)

    summary = []
    overview = assessment.year_summary(year, LANG).set_index("scope")
    city_level = labels.unit_name("region", labels.settings().city_code, LANG)
    rs = overview.loc["region"] if "region" in overview.index else None
    ds = overview.loc["department"] if "department" in overview.index else None
    if rs is not None:
        best = (f"，第一名{rs['best_unit_name']}（{fmt.score(rs['best_score'])} 分）"
                if not fmt.is_missing(rs["best_unit_code"]) else "")
        summary.append(f"{year}年度参与考核县区（含{city_level}）{fmt.count(rs['units_assessed'])}个，"
                       f"平均得分 {fmt.score(rs['mean_score'])} 分{best}。")
    if ds is not None:
        unranked = int(ds["units_not_ranked"])
        summary.append(f"参与考核部门 {fmt.count(ds['units_assessed'])} 个，平均得分 {fmt.score(ds['mean_score'])} 分"
                       + (f"；其中 {unranked} 个部门适用指标权重不足，不参与排名" if unranked else "") + "。")
    if units:
        summary.append("拟通报：" + "、".join(x["name"] for x in units) + "。")
    circular = {"year": year, "units": units, "city_level": city_level,
                "regions_assessed": fmt.count(rs["units_assessed"]) if rs is not None else None,
                "departments_assessed": fmt.count(ds["units_assessed"]) if ds is not None else None,
                "region_mean": fmt.score(rs["mean_score"]) if rs is not None else None,
                "department_mean": fmt.score(ds["mean_score"]) if ds is not None else None,
                "departments_unranked": int(ds["units_not_ranked"]) if ds is not None else 0,
                "complete_year": ylabel.endswith("全年（年度口径）"), "year_label": ylabel}
    return Report("annual", str(year), f"{year}年度“双随机、一公开”监管工作考核报告", f"{year}年度", batch,
                  sections, summary, circular)
