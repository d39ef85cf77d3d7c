"""UI strings in Chinese (the default) and English, and the current language.

`t("no_data")` looks a key up in STRINGS for the current language: the session's view state
(dashboard.filters.view: the sidebar's choice, first taken from the URL's `?lang=en`), else Chinese. A key or translation that
is missing falls back to Chinese, then to the key itself; `t` never raises.
"""
from __future__ import annotations

from collections.abc import Mapping

DEFAULT_LANG = "zh"
LANGUAGES = {"zh": "中文", "en": "English"}
LANG_KEY = "lang"  # the session-state key and the URL query parameter

# One entry per UI string: {key: {"zh": ..., "en": ...}}. Chinese is required, English optional.
STRINGS: dict[str, dict[str, str]] = {
    # navigation (dashboard/app.py)
    "app_title": {"zh": "抚顺市“双随机、一公开”监管绩效看板", "en": "Fushun joint random inspection performance dashboard"},
    "nav_overview": {"zh": "总览", "en": "Overview"},
    "nav_county": {"zh": "县区进展", "en": "County progress"},
    "nav_department": {"zh": "部门详情", "en": "Department detail"},
    "nav_publication": {"zh": "公示时效", "en": "Publication timeliness"},
    "nav_joint": {"zh": "联合与临时", "en": "Joint and temporary tasks"},
    "nav_sampling": {"zh": "抽查与信用", "en": "Sampling and credit"},
    "nav_reports": {"zh": "考核报告", "en": "Reports"},
    "nav_status": {"zh": "数据状态", "en": "Data status"},
    "about": {"zh": "抚顺市“双随机、一公开”监管绩效看板：依据省“互联网+监管”系统导出数据，按年度考核规则计算各部门、"
                    "各县（市、区）的抽查、公示、联合与信用指标。口径见“考核报告”和“数据状态”。",
              "en": "Fushun joint random inspection performance dashboard: the sampling, publication, joint-"
                    "inspection and credit measures of every department and county, computed by the annual "
                    "assessment rules from the provincial platform's exports. Definitions: see Reports and "
                    "Data status."},
    # general
    "no_data": {"zh": "所选范围内没有数据", "en": "No data for the selected range"},
    "chart": {"zh": "图表", "en": "Chart"},
    "table": {"zh": "表格", "en": "Table"},
    "download_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "download_xlsx": {"zh": "下载 Excel", "en": "Download Excel"},
    "language": {"zh": "语言 / Language", "en": "语言 / Language"},
    # filters
    "filters": {"zh": "筛选", "en": "Filters"},
    "year": {"zh": "年度", "en": "Year"},
    "grain": {"zh": "统计周期", "en": "Period type"},
    "grain_year": {"zh": "年", "en": "Year"},
    "grain_quarter": {"zh": "季", "en": "Quarter"},
    "grain_month": {"zh": "月", "en": "Month"},
    "quarter": {"zh": "季度", "en": "Quarter"},
    "month": {"zh": "月份", "en": "Month"},
    "quarter_n": {"zh": "第{n}季度", "en": "Q{n}"},
    "month_n": {"zh": "{n}月", "en": "{month_name}"},
    "region": {"zh": "县（市、区）", "en": "County / district"},
    "all_regions": {"zh": "全市", "en": "Whole city"},
    "dept": {"zh": "部门", "en": "Department"},
    "all_depts": {"zh": "全部", "en": "All"},
    # assessment pages
    "not_applicable": {"zh": "不适用", "en": "n/a"},
    "target": {"zh": "目标", "en": "Target"},
    "attainment": {"zh": "目标达成度", "en": "Attainment"},
    "score": {"zh": "考核得分", "en": "Score"},
    "rank": {"zh": "排名", "en": "Rank"},
    "metric": {"zh": "指标", "en": "Metric"},
    "rate": {"zh": "比率", "en": "Rate"},
    "value": {"zh": "数值", "en": "Value"},
    "unit": {"zh": "单位", "en": "Unit"},
    "county": {"zh": "县（市、区）", "en": "County / district"},
    "department": {"zh": "部门", "en": "Department"},
    "year_col": {"zh": "年度", "en": "Year"},
    "target_met": {"zh": "是否达标", "en": "Target met"},
    "yes": {"zh": "是", "en": "Yes"},
    "no": {"zh": "否", "en": "No"},
    "annual_only": {"zh": "（年度）", "en": " (year)"},
    "vs_last_year": {"zh": "较上年同期", "en": "vs same period last year"},
    "showing_for": {"zh": "当前范围：{unit} · {period}", "en": "Showing: {unit} · {period}"},
    "annual_note": {"zh": "标注“（年度）”的指标只按年度统计，显示所选年度的数值。",
                    "en": "Metrics marked “(year)” are measured per year only; the selected year is shown."},
    "not_applicable_note": {"zh": "“不适用”表示该范围内没有分母（例如没有应公示事项），不是 0%。",
                            "en": "“n/a” means there is no denominator in this range (not 0%)."},
    # overview
    "page_overview": {"zh": "总览", "en": "Overview"},
    "overview_caption": {"zh": "面向领导小组：四项核心指标与考核得分对照目标，历年趋势，节点任务，部门与县区排名，拟通报名单。",
                         "en": "For the leading group: the four headline measures and the score against targets, trends, milestones, rankings and the units headed for the circular."},
    "headline": {"zh": "核心指标", "en": "Headline measures"},
    "coverage_note": {"zh": "覆盖面按三项衡量：抽查比例（抽取对象 / 年初名录库对象，目标 ≥3%）、制度机制全覆盖（机制全部到位的成员单位 / 成员单位）、抽查事项覆盖率（被任务使用的在册事项 / 在册事项）。",
                      "en": "Coverage is measured three ways: sampling ratio (objects drawn / objects registered at year start, target ≥3%), mechanism coverage (member units with all mechanisms / member units) and item coverage (listed items used / listed items)."},
    "unit_score": {"zh": "考核得分", "en": "Assessment score"},
    "trend_title": {"zh": "历年趋势（虚线为目标）", "en": "Trend over years (dashed: target)"},
    "trend_plain": {"zh": "历年趋势", "en": "Trend over years"},
    "log_note": {"zh": "纵轴为对数刻度，以便同时看清低风险类别的小比例。", "en": "Log scale, so the small ratios of low-risk classes stay visible."},
    "milestones": {"zh": "节点任务", "en": "Milestones"},
    "milestone_missing": {"zh": "节点日机制未全部到位的单位", "en": "Units incomplete at the milestone"},
    "heatmap_title": {"zh": "部门 × 指标：目标达成情况（格内为比率）", "en": "Department x metric: attainment (cell: rate)"},
    "heatmap_scope_city": {"zh": "全市范围下显示市本级部门；在侧栏选择县（市、区）可查看该县区的部门。",
                           "en": "For the whole city the city-level departments are shown; choose a county in the sidebar for its departments."},
    "county_ranking": {"zh": "县区考核得分排名（红色为拟通报）", "en": "County ranking by score (red: headed for the circular)"},
    "circular": {"zh": "拟通报名单", "en": "Headed for the circular"},
    "circular_none": {"zh": "本年度没有拟通报的单位。", "en": "No unit is headed for the circular this year."},
    "weakest_parts": {"zh": "失分最多的指标", "en": "Weakest parts"},
    "scope_label": {"zh": "类别", "en": "Kind"},
    "ranking_status": {"zh": "排名情况", "en": "Ranking"},
    "circular_status": {"zh": "通报情况", "en": "Circular"},
    "circular_rule": {"zh": "通报规则", "en": "Circular rule"},
    "missing_mechanisms": {"zh": "缺少的机制", "en": "Missing mechanisms"},
    # county progress
    "page_county": {"zh": "县区进展", "en": "County progress"},
    "county_caption": {"zh": "面向市局：各县（市、区）按任一指标的进展、对比与趋势，以及各县区部门的指标值。",
                       "en": "For the bureau: each county's progress on any metric, comparison, trend and its departments."},
    "choose_metric": {"zh": "选择指标", "en": "Metric"},
    "map_title": {"zh": "各县（市、区）{metric}", "en": "{metric} by county"},
    "compare_title": {"zh": "各县区对比", "en": "Comparison of counties"},
    "county_trend": {"zh": "各县区历年趋势", "en": "Trend by county"},
    "county_departments": {"zh": "各县区部门", "en": "Departments of each county"},
    "score_trend": {"zh": "各县区历年考核得分", "en": "Score by county over years"},
    # joint and temporary
    "page_joint": {"zh": "联合与临时", "en": "Joint and temporary"},
    "joint_caption": {"zh": "跨部门联合抽查（按任务、按检查户次）、“进一次门查多项事”、临时任务占比（按数量、按规模）。",
                      "en": "Joint inspection (by tasks and visits), items checked per visit, temporary tasks (by count and scale)."},
    "by_units": {"zh": "分单位对比", "en": "By unit"},
    "by_units_city": {"zh": "全市范围下按县区对比；选择县（市、区）后按该县区的部门对比。",
                      "en": "For the whole city counties are compared; choose a county to compare its departments."},
    "joint_shares": {"zh": "联合抽查占比", "en": "Joint inspection share"},
    "temporary_shares": {"zh": "临时任务占比", "en": "Temporary task share"},
    "visits_saved_title": {"zh": "每户次检查事项数（进一次门查多项事）", "en": "Item checks per visit"},
    "joint_pairs": {"zh": "谁与谁联合抽查（发起部门 × 配合部门，本年度任务数）",
                    "en": "Who inspects jointly with whom (lead x participating department, tasks this year)"},
    "score_change": {"zh": "考核得分较首个考核年度的变化", "en": "Assessment score change since the first assessed year"},
    "score_change_best": {"zh": "进步最大：{unit}（{first_year}年至{year}年 {change} 分）。",
                          "en": "Most improved: {unit} ({change} points, {first_year} to {year})."},
    "first_year": {"zh": "首个考核年度", "en": "First year"},
    "first_score": {"zh": "首年得分", "en": "First score"},
    "change_points": {"zh": "变化（分）", "en": "Change (points)"},
    # task lists (部门详情, 公示时效)
    "col_start": {"zh": "开始日期", "en": "Start"},
    "col_end": {"zh": "结束日期", "en": "End"},
    "col_days_left": {"zh": "剩余工作日", "en": "Working days left"},
    "col_drawn": {"zh": "抽取对象数", "en": "Objects drawn"},
    "col_inspected": {"zh": "已检查", "en": "Inspected"},
    "col_uninspected": {"zh": "未检查", "en": "Uninspected"},
    "units_ranked": {"zh": "参评单位数", "en": "Units ranked"},
    "joint_lead": {"zh": "发起部门", "en": "Lead department"},
    "joint_partner": {"zh": "配合部门", "en": "Participating department"},
    "joint_tasks_n": {"zh": "联合任务数", "en": "Joint tasks"},
    "dept_table": {"zh": "部门明细", "en": "Department detail"},
    # sampling and credit
    "page_sampling": {"zh": "抽查与信用", "en": "Sampling and credit"},
    "sampling_caption": {"zh": "按信用风险分类的抽查比例是否随风险升高、随机抽取与随机匹配的合规情况、抽查事项覆盖与检查人员参与。",
                         "en": "Sampling ratio by credit class against the intended gradient, random compliance, item coverage and inspector participation."},
    "credit_gradient": {"zh": "按信用风险分类的抽查比例", "en": "Sampling ratio by credit class"},
    "gradient_ok": {"zh": "符合预期梯度：风险越高（A→D）抽查比例越高。", "en": "Follows the intended gradient: the higher the risk (A→D), the higher the ratio."},
    "gradient_bad": {"zh": "不符合预期梯度：抽查比例没有随风险（A→D）逐级升高。", "en": "Does not follow the intended gradient: the ratio does not rise with risk (A→D)."},
    "gradient_unknown": {"zh": "无法判断梯度（某些类别没有对象）。", "en": "Gradient unknown (some classes have no objects)."},
    "credit_trend": {"zh": "各信用类别历年抽查比例", "en": "Sampling ratio by credit class over years"},
    "random_compliance": {"zh": "随机抽取与随机匹配", "en": "Random draw and random match"},
    "coverage_participation": {"zh": "事项覆盖与人员参与（年度）", "en": "Item coverage and inspector participation (year)"},
    "credit_class": {"zh": "信用风险类别", "en": "Credit class"},
    # maps
    "map_no_data": {"zh": "无数据", "en": "No data"},
    "map_outside_scope": {"zh": "不在查看范围", "en": "Outside your view"},
    "numerator": {"zh": "分子", "en": "Numerator"},
    "denominator": {"zh": "分母", "en": "Denominator"},
    # ranking (dashboard/views/ranking.py keeps its own strings)
    "nav_ranking": {"zh": "排名", "en": "Ranking"},
    "nav_section": {"zh": "监管绩效看板", "en": "Performance dashboard"},
    # KPI card status (dashboard/page_common.status_text)
    "status_met": {"zh": "达标", "en": "On target"},
    "status_behind": {"zh": "未达标", "en": "Behind target"},
    "no_target": {"zh": "无考核目标", "en": "No target"},
    "gap_to_target": {"zh": "距目标 {gap}", "en": "{gap} from target"},
    "rows_cut": {"zh": "显示前 {shown} 行，共 {total} 行；下载文件包含全部行。",
                 "en": "Showing the first {shown} of {total} rows; the downloads hold every row."},
    # a quarter or month without records (issue 18 #7)
    "period_no_records": {"zh": "{period}没有记录：按季、按月统计的指标没有数值（“—”，不是 0%，也不以全年数值代替）。",
                          "en": "No records in {period}: metrics measured per quarter or month have no value "
                                "(—, not 0%, and not the year's value instead)."},
    "period_first": {"zh": "最早的记录在{first}。", "en": " The first records are in {first}."},
    "period_some_missing": {"zh": "“—”表示该指标在所选期间没有记录（不是 0%）。",
                            "en": "— means the metric has no records in the period (not 0%)."},
}

MONTH_NAMES_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def normalise_language(value: object) -> str:
    """`zh` or `en` from a URL/session value such as "en", "EN", "en-US", "zh_CN"; else the default."""
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    if not isinstance(value, str):
        return DEFAULT_LANG
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANG


def current_language() -> str:
    """The language of this run: the view state's (the sidebar choice, first `?lang=`), else Chinese.
    Outside a Streamlit run (plain Python, tests) this is Chinese."""
    try:
        from dashboard.filters import view  # the view state lives with the filters that draw it

        return normalise_language(view().get(LANG_KEY))
    except Exception:  # no script run context, or a session-state/query-param oddity: never fail on language
        return DEFAULT_LANG


def lookup(key: str, lang: str, strings: Mapping[str, Mapping[str, str]] = STRINGS) -> str:
    """The string for `key` in `lang`, else in Chinese, else the key itself."""
    entry = strings.get(key)
    if not isinstance(entry, Mapping):
        return key
    text = entry.get(normalise_language(lang)) or entry.get(DEFAULT_LANG)
    return text if isinstance(text, str) else key


def translator(strings: Mapping[str, Mapping[str, str]]):
    """A page's own lookup: `s(key, lang=None, **values)` finds `key` in the page's `strings`, else in
    the shared STRINGS, in `lang` (default: the current language), and fills in `values`."""
    def s(key: str, lang: str | None = None, **values: object) -> str:
        text = lookup(key, lang or current_language(), strings if key in strings else STRINGS)
        try:
            return text.format(**values) if values else text
        except (KeyError, IndexError, ValueError):
            return text
    return s


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The UI string for `key` in `lang` (default: the current language), formatted with `values`
    when given (`t("quarter_n", n=3)`); a bad placeholder leaves the text unformatted."""
    text = lookup(key, current_language() if lang is None else lang)
    if values:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError, AttributeError):
            return text
    return text


PUNCTUATION = {"zh": {"colon": "：", "sep": "；", "comma": "，", "open": "（", "close": "）"},
               "en": {"colon": ": ", "sep": "; ", "comma": ", ", "open": " (", "close": ")"}}


def punct(mark: str, lang: str | None = None) -> str:
    """A punctuation mark in the language's own form: `colon`, `sep` (between list items), `comma`,
    `open` / `close` (brackets)."""
    return PUNCTUATION[normalise_language(lang or current_language())][mark]


def paren(text: object, lang: str | None = None) -> str:
    """`（3）` / ` (3)`."""
    return f"{punct('open', lang)}{text}{punct('close', lang)}"


def period_label(grain: str, period: int, lang: str | None = None) -> str:
    """`第3季度` / `Q3`, `7月` / `Jul`; an empty string for a whole year."""
    if grain == "quarter":
        return t("quarter_n", lang, n=period)
    if grain == "month":
        name = MONTH_NAMES_EN[period - 1] if 1 <= period <= 12 else str(period)
        return t("month_n", lang, n=period, month_name=name)
    return ""
