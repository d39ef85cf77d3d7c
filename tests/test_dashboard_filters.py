"""Shared sidebar filters kept in the URL (Streamlit AppTest) and their pure helpers."""
from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from dashboard import filters

APP = '''
from datetime import date
import streamlit as st
from dashboard.filters import sidebar_filters
# the city's own code among the regions (市本级): the page passes the city code, which is dropped from
# the choices and in the URL means the whole city
sel = sidebar_filters([2020, 2021, 2022], {"210400": "市本级", "210402": "新抚区", "210411": "顺城区"},
                      {"D01": "市场监管局", "D02": "税务局"}, latest=date(2022, 8, 31), city_code="210400")
st.session_state["selection"] = sel
'''


def run(params: dict[str, str]) -> AppTest:
    at = AppTest.from_string(APP, default_timeout=30)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_url_parameters_set_the_initial_values():
    at = run({"year": "2021", "grain": "quarter", "period": "3", "region": "210411", "dept": "D02", "lang": "en"})
    sel = at.session_state["selection"]
    assert sel == filters.Selection(2021, "quarter", date(2021, 7, 1), "210411", "D02", "en")
    assert sel.period_end == date(2021, 9, 30)
    assert at.sidebar.selectbox(key="filter_region").label == "County / district"


def test_bad_parameters_fall_back_to_the_defaults():
    at = run({"year": "1999", "grain": "week", "period": "x", "region": "<script>", "dept": "", "lang": "fr"})
    sel = at.session_state["selection"]
    assert sel == filters.Selection(2022, "year", date(2022, 1, 1), None, None, "zh")
    assert dict(at.query_params) in ({"year": ["2022"], "grain": ["year"]}, {"year": "2022", "grain": "year"})
    at = run({"grain": "month", "period": "13", "region": "210400"})
    sel = at.session_state["selection"]
    assert (sel.grain, sel.period_start, sel.region_code) == ("month", date(2022, 8, 1), None)  # latest month
    assert at.sidebar.selectbox(key="filter_region").options == ["全市", "新抚区", "顺城区"]  # no 市本级 choice


def test_changing_a_widget_updates_the_url():
    at = run({})
    at.sidebar.selectbox(key="filter_year").select(2020).run()
    at.sidebar.selectbox(key="filter_dept").select("D01").run()
    at.sidebar.segmented_control(key="filter_grain").set_value("month").run()
    at.sidebar.selectbox(key="filter_month").select(11).run()
    params = {k: (v[-1] if isinstance(v, list) else v) for k, v in dict(at.query_params).items()}
    assert params == {"year": "2020", "grain": "month", "period": "11", "dept": "D01"}
    assert at.session_state["selection"] == filters.Selection(2020, "month", date(2020, 11, 1), None, "D01", "zh")
    at.sidebar.selectbox(key="filter_dept").select("all").run()
    assert "dept" not in dict(at.query_params)


def test_period_bounds():
    assert filters.period_bounds(2024, "quarter", 1) == (date(2024, 1, 1), date(2024, 3, 31))
    assert filters.period_bounds(2024, "month", 2) == (date(2024, 2, 1), date(2024, 2, 29))
    assert filters.period_bounds(2024, "month", 12) == (date(2024, 12, 1), date(2024, 12, 31))


def test_a_reader_of_one_county_or_one_department_opens_on_it():
    """A county's reader sees one county among the options (serving.scope), a department's one
    department: the view opens on it, and 全市 / 全部 would be the same unit again."""
    from dashboard.filters import ALL, Options, initial_state

    county = Options((2021,), {"210402": "新抚区"}, {"210402-SCJG": "a", "210402-GAJ": "b"})
    assert initial_state({}, county)["region"] == "210402" and initial_state({}, county)["dept"] == ALL
    assert initial_state({"region": "210403"}, county)["region"] == "210402"  # another county: not offered
    department = Options((2021,), {}, {"210411-GAJ": "c"})
    assert initial_state({}, department)["dept"] == "210411-GAJ" and initial_state({}, department)["region"] == ALL
    city = Options((2021,), {"210402": "新抚区", "210403": "东洲区"}, {})
    assert initial_state({}, city)["region"] == ALL
