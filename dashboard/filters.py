"""The shared sidebar filters, kept in the URL so a view can be bookmarked and sent on.

`sidebar_filters(years, regions, depts)` renders 年度, 统计周期 (年 / 季 / 月) with the quarter or month,
县（市、区） (incl. 全市) and 部门 (incl. 全部), and returns a frozen `Selection`.

URL parameters (all optional): `year=2023`, `grain=year|quarter|month`, `period=1..4|1..12`,
`region=<GB/T 2260 code>` (the city's own code, passed in by the page, means the whole city), `dept=<dept_code>`,
`lang=zh|en`. A value that is missing, malformed or not
among the options falls back to the default; nothing in the URL can make a page fail. The URL is read
once, on a session's first run, into the session's one view state (`view()`); from then on the view wins,
every page (with or without filters) writes it back into the URL, and other parameters are kept.

The parsing and the period arithmetic are pure functions (tested without Streamlit).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from dashboard import i18n
from dashboard.i18n import t

GRAINS = ("year", "quarter", "month")
PERIODS = {"year": (1,), "quarter": (1, 2, 3, 4), "month": tuple(range(1, 13))}
ALL = "all"  # the option value for 全市 / 全部; never in the URL

# URL parameter names and widget keys (one namespace so the pages do not collide with them)
PARAMS = ("year", "grain", "period", "region", "dept", i18n.LANG_KEY)
KEYS = {"year": "filter_year", "grain": "filter_grain", "quarter": "filter_quarter", "month": "filter_month",
        "region": "filter_region", "dept": "filter_dept", i18n.LANG_KEY: "filter_lang"}
VIEW_KEY = "view"  # the session's one view state (see view() below)


@dataclass(frozen=True)
class Selection:
    year: int
    grain: str  # "year" | "quarter" | "month"
    period_start: date
    region_code: str | None  # None: 全市
    dept_code: str | None  # None: 全部
    lang: str = i18n.DEFAULT_LANG

    @property
    def period(self) -> int:
        """1 for a year, the quarter 1-4, or the month 1-12."""
        if self.grain == "quarter":
            return (self.period_start.month - 1) // 3 + 1
        if self.grain == "month":
            return self.period_start.month
        return 1

    @property
    def period_end(self) -> date:
        """The last day of the period (inclusive)."""
        return period_bounds(self.year, self.grain, self.period)[1]


# --- pure helpers --------------------------------------------------------------------------------

def period_bounds(year: int, grain: str, period: int) -> tuple[date, date]:
    """First and last day of a year, quarter or month."""
    if grain == "year":
        return date(year, 1, 1), date(year, 12, 31)
    first_month = (period - 1) * 3 + 1 if grain == "quarter" else period
    months = 3 if grain == "quarter" else 1
    start = date(year, first_month, 1)
    next_month = first_month + months
    end = (date(year + 1, 1, 1) if next_month > 12 else date(year, next_month, 1)) - timedelta(days=1)
    return start, end


def _text(value: object) -> str | None:
    """A query parameter as one stripped string (the last one when repeated)."""
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    if value is None:
        return None
    return str(value).strip()


def parse_int(value: object, allowed: Sequence[int], default: int) -> int:
    text = _text(value)
    try:
        number = int(text) if text is not None else None
    except ValueError:
        return default
    return number if number in allowed else default


def parse_choice(value: object, allowed: Sequence[str], default: str) -> str:
    text = _text(value)
    return text if text in allowed else default


def default_period(grain: str, year: int, latest: date | None) -> int:
    """The period holding `latest` when it falls in `year`, else the first one."""
    if latest is None or latest.year != year or grain == "year":
        return 1
    return (latest.month - 1) // 3 + 1 if grain == "quarter" else latest.month


@dataclass(frozen=True)
class Options:
    years: tuple[int, ...]
    regions: dict[str, str]  # region_code -> name, without 全市
    depts: dict[str, str]  # dept_code -> name, without 全部
    latest: date | None = None
    default_grain: str = "year"

    # A reader whose scope holds one county (or one department) opens on it (serving.scope)
    @property
    def default_region(self) -> str:
        return next(iter(self.regions)) if len(self.regions) == 1 else ALL

    @property
    def default_dept(self) -> str:
        return next(iter(self.depts)) if len(self.depts) == 1 else ALL

    @property
    def default_year(self) -> int:
        if self.latest is not None and self.latest.year in self.years:
            return self.latest.year
        return max(self.years)


def initial_state(params: Mapping[str, object], options: Options) -> dict[str, object]:
    """Widget values from URL parameters, each validated on its own (bad values fall back)."""
    year = parse_int(params.get("year"), options.years, options.default_year)
    grain = parse_choice(params.get("grain"), GRAINS, options.default_grain)
    period = parse_int(params.get("period"), PERIODS[grain], default_period(grain, year, options.latest))
    region = parse_choice(params.get("region"), list(options.regions), options.default_region)
    dept = parse_choice(params.get("dept"), list(options.depts), options.default_dept)
    return {"year": year, "grain": grain, "period": period, "region": region, "dept": dept,
            i18n.LANG_KEY: i18n.normalise_language(params.get(i18n.LANG_KEY))}


def selection(state: Mapping[str, object]) -> Selection:
    year, grain = int(state["year"]), str(state["grain"])
    period = int(state["period"]) if grain != "year" else 1
    return Selection(
        year=year,
        grain=grain,
        period_start=period_bounds(year, grain, period)[0],
        region_code=None if state["region"] == ALL else str(state["region"]),
        dept_code=None if state["dept"] == ALL else str(state["dept"]),
        lang=i18n.normalise_language(state[i18n.LANG_KEY]),
    )


# --- the widgets ---------------------------------------------------------------------------------

def _options(years, regions, depts, latest, default_grain, city_code: str | None = None) -> Options:
    clean_years = tuple(sorted({int(y) for y in years}))
    if not clean_years:
        clean_years = ((latest or date.today()).year,)
    regions = {str(code): str(name) for code, name in dict(regions).items() if str(code) not in (ALL, city_code)}
    depts = {str(code): str(name) for code, name in dict(depts).items() if str(code) != ALL}
    return Options(clean_years, regions, depts, latest,
                   default_grain if default_grain in GRAINS else "year")


def checked_view(state: Mapping[str, object], options: Options, city_code: str | None = None) -> dict[str, object]:
    """The view with every value checked against the options (a bad or missing one falls back to its
    default); the period of the grain not chosen is kept when valid, so switching back restores it. Pure."""
    params = {name: state.get(name) for name in ("year", "grain", "region", "dept", i18n.LANG_KEY)}
    if city_code and _text(params.get("region")) == city_code:
        params["region"] = ALL
    grain = parse_choice(params.get("grain"), GRAINS, options.default_grain)
    params["period"] = state.get(grain) if grain != "year" else None
    out = initial_state(params, options)
    for other in ("quarter", "month"):
        fallback = default_period(other, int(out["year"]), options.latest)
        out[other] = out["period"] if other == grain else parse_int(state.get(other), PERIODS[other], fallback)
    del out["period"]
    return out


def sidebar_filters(
    years: Sequence[int],
    regions: Mapping[str, str],
    depts: Mapping[str, str],
    *,
    latest: date | None = None,
    default_grain: str = "year",
    show_period: bool = True,
    show_region: bool = True,
    show_dept: bool = True,
    city_code: str | None = None,
) -> Selection:
    """Draw the shared filters in the sidebar and return the selection.

    `years`: the years with data; `regions`: region_code -> name of the county-level divisions
    (全市 is added; `city_code`, the city's own code, is dropped if present and in the URL means 全市);
    `depts`: dept_code -> name (全部 is added); `latest`: the latest data date, whose year and period are
    the defaults. A page without a period (an annual page), region or department dimension hides that
    filter: the choice stays in the view (and the URL) for the next page, and this page's selection has
    the whole year, or None, for it."""
    options = _options(years, regions, depts, latest, default_grain, city_code)
    state = view()
    state.update(checked_view(state, options, city_code))
    lang = str(state[i18n.LANG_KEY])

    sidebar = st.sidebar
    sidebar.header(t("filters", lang))
    year = sidebar.selectbox(t("year", lang), options.years[::-1], key=_draw("year", state["year"]),
                             on_change=_keep, args=("year",))
    grain, period = "year", 1
    if show_period:
        grain = sidebar.segmented_control(
            t("grain", lang), GRAINS, format_func=lambda g: t(f"grain_{g}", lang),
            key=_draw("grain", state["grain"]), on_change=_keep, args=("grain",), required=True,
        ) or options.default_grain
    if grain != "year":  # one widget per grain: quarter 3 does not turn into March
        period = sidebar.selectbox(
            t(grain, lang), PERIODS[grain], format_func=lambda p: i18n.period_label(grain, p, lang),
            key=_draw(grain, state[grain]), on_change=_keep, args=(grain,),
        )
    region = dept = ALL
    if show_region:
        # a reader of one county has no 全市 to choose: it would be that county again
        names = {**({} if options.default_region != ALL else {ALL: t("all_regions", lang)}), **options.regions}
        region = sidebar.selectbox(t("region", lang), list(names), format_func=names.get,
                                   key=_draw("region", state["region"]), on_change=_keep, args=("region",))
    if show_dept:
        names = {**({} if options.default_dept != ALL else {ALL: t("all_depts", lang)}), **options.depts}
        dept = sidebar.selectbox(t("dept", lang), list(names), format_func=names.get,
                                 key=_draw("dept", state["dept"]), on_change=_keep, args=("dept",))
    mirror_url()
    return selection({"year": year, "grain": grain, "period": period, "region": region, "dept": dept,
                      i18n.LANG_KEY: lang})


# --- the one view state --------------------------------------------------------------------------
# st.session_state[VIEW_KEY] holds the user's choices (year, grain, quarter, month, region, dept, lang)
# for the whole session. It is a plain entry, not a widget's: Streamlit drops a widget's state when a
# page without that widget runs, which is why choices used to fall back to their defaults after a page
# switch. Widgets are drawn from the view on every run and copy a change back into it (on_change), and
# every page writes the view into the URL, so a reload or a shared link opens the same view.

def view() -> dict[str, object]:
    """The session's view state, created from the URL on the session's first run (values are checked
    against the data's options when the filters are drawn)."""
    state = st.session_state.get(VIEW_KEY)
    if not isinstance(state, dict):
        state = view_from_params({name: st.query_params.get(name) for name in PARAMS})
        st.session_state[VIEW_KEY] = state
    return state


def view_from_params(params: Mapping[str, object]) -> dict[str, object]:
    """The raw view of URL parameters: text as given (checked later), the period under its grain."""
    grain = _text(params.get("grain"))
    state: dict[str, object] = {name: _text(params.get(name)) for name in ("year", "grain", "region", "dept")}
    state["quarter"] = state["month"] = None
    if grain in ("quarter", "month"):
        state[grain] = _text(params.get("period"))
    state[i18n.LANG_KEY] = i18n.normalise_language(params.get(i18n.LANG_KEY))
    return state


def view_params(state: Mapping[str, object]) -> dict[str, str]:
    """The URL parameters of a view: the values it holds, the period of its grain, 中文 left out."""
    out: dict[str, str] = {}
    for name in ("year", "grain", "region", "dept"):
        if state.get(name) not in (None, "", ALL):
            out[name] = str(state[name])
    grain = state.get("grain")
    if grain in ("quarter", "month") and state.get(grain) is not None:
        out["period"] = str(state[grain])
    if state.get(i18n.LANG_KEY, i18n.DEFAULT_LANG) != i18n.DEFAULT_LANG:
        out[i18n.LANG_KEY] = str(state[i18n.LANG_KEY])
    return out


def write_url(wanted: Mapping[str, str]) -> None:
    """Make the URL's filter parameters exactly `wanted` (other parameters are kept)."""
    for name in PARAMS:
        if name in wanted:
            if st.query_params.get(name) != wanted[name]:
                st.query_params[name] = wanted[name]
        elif name in st.query_params:
            del st.query_params[name]


def _keep(name: str) -> None:
    """on_change of a filter widget: its new value into the view."""
    view()[name] = st.session_state[KEYS[name]]


def _draw(name: str, value: object) -> str:
    """The widget key of `name`, holding `value` before the widget is drawn (from the view, every run)."""
    st.session_state[KEYS[name]] = value
    return KEYS[name]


def language_control() -> str:
    """The language switch, drawn by the router on every page (pages without filters included)."""
    state = view()
    lang = st.sidebar.segmented_control(
        i18n.t("language"), list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get,
        key=_draw(i18n.LANG_KEY, state[i18n.LANG_KEY]), on_change=_keep, args=(i18n.LANG_KEY,), required=True,
    ) or i18n.DEFAULT_LANG
    return str(lang)


def mirror_url() -> None:
    """Write the view into the URL: every page calls this (through the router), so a page without
    filters keeps them in its address too."""
    write_url(view_params(view()))
