"""UI strings in Chinese (the default) and English, and the current language.

`t("no_data")` looks a key up in STRINGS for the current language: the language chosen in the
sidebar (st.session_state["lang"]), else the URL (`?lang=en`), else Chinese. A key or translation that
is missing falls back to Chinese, then to the key itself; `t` never raises.
"""
from __future__ import annotations

from collections.abc import Mapping

DEFAULT_LANG = "zh"
LANGUAGES = {"zh": "中文", "en": "English"}
LANG_KEY = "lang"  # the session-state key and the URL query parameter

# One entry per UI string: {key: {"zh": ..., "en": ...}}. Chinese is required, English optional.
STRINGS: dict[str, dict[str, str]] = {
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
    # maps
    "map_no_data": {"zh": "无数据", "en": "No data"},
    "numerator": {"zh": "分子", "en": "Numerator"},
    "denominator": {"zh": "分母", "en": "Denominator"},
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
    """The language of this run: the sidebar choice, else `?lang=`, else Chinese. Outside a Streamlit
    run (plain Python, tests) this is Chinese."""
    try:
        import streamlit as st

        if LANG_KEY in st.session_state:
            return normalise_language(st.session_state[LANG_KEY])
        return normalise_language(st.query_params.get(LANG_KEY))
    except Exception:  # no script run context, or a session-state/query-param oddity: never fail on language
        return DEFAULT_LANG


def lookup(key: str, lang: str, strings: Mapping[str, Mapping[str, str]] = STRINGS) -> str:
    """The string for `key` in `lang`, else in Chinese, else the key itself."""
    entry = strings.get(key)
    if not isinstance(entry, Mapping):
        return key
    text = entry.get(normalise_language(lang)) or entry.get(DEFAULT_LANG)
    return text if isinstance(text, str) else key


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


def period_label(grain: str, period: int, lang: str | None = None) -> str:
    """`第3季度` / `Q3`, `7月` / `Jul`; an empty string for a whole year."""
    if grain == "quarter":
        return t("quarter_n", lang, n=period)
    if grain == "month":
        name = MONTH_NAMES_EN[period - 1] if 1 <= period <= 12 else str(period)
        return t("month_n", lang, n=period, month_name=name)
    return ""
