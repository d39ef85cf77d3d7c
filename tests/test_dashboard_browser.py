"""The dashboard as a user drives it in Chromium, on the end-to-end run's serving artefact: the view
(year, grain, period, county, department, language) holds through every page switch and reload."""
from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[1]

# the menu's order, as a user clicks through it; None: the page has no filters of its own
NAV = ["overview", "ranking", "county", "department", "publication", "joint", "sampling", "reports", "status"]
HAS_FILTERS = {"overview", "ranking", "county", "department", "publication", "joint", "sampling"}
HIDES_DEPT = {"county", "ranking"}
ANNUAL = {"ranking"}  # no period controls: the quarter chosen elsewhere stays in the view

SIDEBAR_STATE = """() => {
  const sb = document.querySelector('[data-testid="stSidebar"]'); const out = {};
  sb.querySelectorAll('[role=radiogroup]').forEach(g => {
    const c = g.querySelector('[aria-checked="true"]'); out[g.getAttribute('aria-label')] = c ? c.innerText : null; });
  sb.querySelectorAll('input[role=combobox]').forEach(i => { out[i.getAttribute('aria-label')] = i.value; });
  return out; }"""


def _idle(page) -> None:
    """The app has drawn a page (menu, language switch, a title) and its script is not running
    (Streamlit's own script state on the app root)."""
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stSidebar"] [role=radiogroup]')
              && document.querySelector('[data-testid="stMain"] h1')
              && document.querySelector('[data-testid="stApp"]')
                   .getAttribute('data-test-script-state') === 'notRunning'""", timeout=60_000)


def _eventually(check, timeout: float = 30.0) -> None:
    """`check()` passes before the timeout (a page's later elements may still be drawn); else its error."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)  # polling interval of the condition, not a wait for readiness


def _address(page) -> str:
    """The address bar as the browser has it now. `page.url` is Playwright's copy, refreshed only while
    the test waits on the browser; Streamlit rewrites the query string after its script run, so a
    check that polls `page.url` between sleeps can read one stale value for ever."""
    return page.evaluate("() => window.location.href")


def _params(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(_address(page)).query).items()}


def _choose(page, label: str, option: str) -> None:
    """Pick `option` in the sidebar selectbox labelled `label`, as a user does (open, type, click), and
    wait until the box shows it (a click that lands while the list redraws is made again)."""
    box = page.locator(f'[data-testid="stSidebar"] input[role=combobox][aria-label="{label}"]')

    def picked() -> None:
        if box.input_value() != option:
            box.click()
            box.fill(option)
            page.get_by_role("option", name=option, exact=True).first.click()
            _idle(page)
        assert box.input_value() == option

    _eventually(picked)
    _idle(page)


def _go(page, path: str) -> None:
    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').first.click()
    page.wait_for_url(f"**/{path}?**", timeout=30_000)
    _idle(page)


@pytest.fixture(scope="module")
def served(e2e_run):
    from tests.browser import dashboard_server

    serving = e2e_run["root"] / "serving" / "warehouse.duckdb"
    with duckdb.connect(str(serving), read_only=True) as con:
        units = con.execute(
            "SELECT scope, unit_code, unit_name_zh, unit_name_en, unit_short_name_zh, unit_short_name_en "
            "FROM marts.dim_unit WHERE scope <> 'city'").fetchall()
        years = [y for (y,) in con.execute("SELECT DISTINCT year FROM marts.fct_metric_values ORDER BY 1").fetchall()]
    with dashboard_server({"SSSG_SERVING_PATH": str(serving)}) as url:
        yield {"url": url.rstrip("/"), "units": units, "years": years}


def test_the_view_survives_every_page_switch_a_reload_and_changes_on_the_way(served):
    from tests.browser import ARTIFACTS, browser_page

    region = next(u for u in served["units"] if u[0] == "region" and u[1] != "210400")
    dept = next(u for u in served["units"] if u[0] == "department")
    year = served["years"][0]  # not the default (the latest year)
    assert year != served["years"][-1]
    expected = {"year": str(year), "grain": "quarter", "period": "2", "region": region[1], "lang": "en"}

    def check(page, path: str) -> None:
        _eventually(lambda: _check(page, path))

    def _check(page, path: str) -> None:
        assert _params(page) == expected, (path, _address(page))
        state = page.evaluate(SIDEBAR_STATE)
        english = expected.get("lang") == "en"
        assert state.get("语言 / Language") == ("English" if english else "中文"), (path, state)
        if path not in HAS_FILTERS:
            return
        want = {"Year": str(year), "Period type": "Quarter", "Quarter": "Q2",
                "County / district": region[3]} if english else \
            {"年度": str(year), "统计周期": "季", "季度": "第2季度", "县（市、区）": region[2]}
        if path in ANNUAL:
            want = {k: v for k, v in want.items() if k not in ("Period type", "Quarter", "统计周期", "季度")}
        if path not in HIDES_DEPT:
            name = dept[3] if english else dept[2]
            want["Department" if english else "部门"] = name if "dept" in expected else ("All" if english else "全部")
        assert {k: state.get(k) for k in want} == want, (path, state)

    ARTIFACTS.mkdir(exist_ok=True)
    with browser_page() as page:
        page.goto(f"{served['url']}/county?year={year}&grain=quarter&period=2&region={region[1]}&lang=en")
        _idle(page)
        check(page, "county")
        for path in NAV:  # twice round: the first switch after a shared link and every later one
            _go(page, path)
            check(page, path)
            if path == "department" and "dept" not in expected:  # a change on the way is kept as well
                _choose(page, "Department", dept[3])
                expected["dept"] = dept[1]
                check(page, path)
        _go(page, "joint")
        page.locator('[data-testid="stSidebar"] [role=radio]', has_text="中文").click()
        _idle(page)
        del expected["lang"]
        for path in NAV:
            _go(page, path)
            check(page, path)
        page.reload()
        _idle(page)
        check(page, "status")
        page.screenshot(path=str(ARTIFACTS / "view_state_after_switches.png"))


PAGE_TEXT = """() => {
  // Material icon ligatures (menu, badges, expanders) are drawn, not read: blank them before reading
  document.querySelectorAll('[data-testid="stIconMaterial"], span[role="img"][translate="no"]')
    .forEach(e => { e.textContent = ''; });
  // so is code (a command or a path in either language's sentence: `make reports`)
  document.querySelectorAll('[data-testid="stMain"] code').forEach(e => { e.textContent = ''; });
  const main = document.querySelector('[data-testid="stMain"]');
  const svg = [...main.querySelectorAll('svg text')].map(t => t.textContent);
  return [main.innerText, ...svg, document.querySelector('[data-testid="stSidebar"]').innerText].join('\\n'); }"""
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
NULLS = re.compile(r"(?<![\w/])(?:None|nan|NaN|null|NaT|<NA>)(?![\w/])")
BARE_NUMBER = re.compile(r"(?<![\d,.\-:/_#\w])\d{5,}(?![\d,.\-:/_\w])")  # 10000 and up, not in a date or a code
CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
LANGUAGE_SWITCH = ("语言 / Language", "中文", "English")
PRODUCT_WORDS = ("Excel", "CSV", "PDF", "Dagster", "Asia/Shanghai")
FILE_NAME = re.compile(r"[\w.\-]+\.(?:pdf|xlsx|docx|csv)\b")


def problems(text: str, lang: str, data_names: list[str]) -> dict[str, list[str]]:
    """What a reader must not see: code tokens, nulls, a number over 9,999 without separators, and the
    other language (stored names, which have no translation, taken out first; longest first)."""
    found = {"code token": SNAKE.findall(text), "null": NULLS.findall(text), "bare number": BARE_NUMBER.findall(text)}
    rest = text
    for word in (*LANGUAGE_SWITCH, *sorted(data_names, key=len, reverse=True)):
        rest = rest.replace(word, " ")
    if lang == "en":
        rest = re.sub(r"Document \(in Chinese\): [^\n]*", " ", rest)  # a report's own (Chinese) title
        found["Chinese in English"] = [line for line in rest.splitlines() if CJK.search(line)]
    else:
        rest = FILE_NAME.sub(" ", rest)
        for word in PRODUCT_WORDS:
            rest = rest.replace(word, " ")
        found["English in Chinese"] = [line for line in rest.splitlines() if LATIN_WORD.search(line)]
    return {kind: sorted(set(hits)) for kind, hits in found.items() if hits}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_reads_in_one_language_without_codes_nulls_or_bare_numbers(served, lang):
    """Every page of the menu, with its default view and with a county and a quarter chosen: the text
    a reader sees (page, charts' text, sidebar) in one language, with no code, null or bare number."""
    from tests.browser import ARTIFACTS, browser_page

    region = next(u for u in served["units"] if u[0] == "region" and u[1] != "210400")
    names = [n for u in served["units"] for n in u[2:] if n]
    failures = {}
    with browser_page() as page:
        for query in ("", f"&year={served['years'][-1]}&grain=quarter&period=3&region={region[1]}"):
            for path in NAV:
                page.goto(f"{served['url']}/{path}?lang={lang}{query}")
                _idle(page)
                found = problems(page.evaluate(PAGE_TEXT), lang, names)
                if found:
                    failures[f"/{path}?lang={lang}{query}"] = found
                    page.screenshot(path=str(ARTIFACTS / f"language_{lang}_{path}.png"), full_page=True)
    assert not failures, failures


def test_the_language_rules_catch_what_they_are_for():
    names = ["抚顺市公安局"]
    assert problems("抚顺市公安局 (Department): 90.0%", "en", names) == {}
    assert problems("Plan filed: plan_filed;plan_approval None 608565", "en", names) == {
        "code token": ["plan_approval", "plan_filed"], "null": ["None"], "bare number": ["608565"]}
    assert problems("拒收行 2,145 / 808,515（2025-12-04 05:14:22）", "zh", names) == {}
    assert problems("数据状态 Data status", "zh", names) == {"English in Chinese": ["数据状态 Data status"]}
    assert problems("Data status 数据新鲜度", "en", names) == {"Chinese in English": ["Data status 数据新鲜度"]}


VIEWS = {"overview": "overview.py", "ranking": "ranking.py", "county": "county_progress.py",
         "department": "department_detail.py", "publication": "publication.py", "joint": "joint_temporary.py",
         "sampling": "sampling_credit.py", "status": "data_status.py"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_table_on_any_page_holds_a_code_token_or_a_null(e2e_run, monkeypatch, lang):
    """The tables (drawn on a canvas, so not in the page text above): every header and cell a reader
    sees, on every page with a department chosen, has no code token and no None/nan."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    serving = e2e_run["root"] / "serving" / "warehouse.duckdb"
    monkeypatch.setenv("SSSG_SERVING_PATH", str(serving))
    with duckdb.connect(str(serving), read_only=True) as con:
        (dept,) = con.execute("SELECT unit_code FROM marts.dim_unit WHERE scope = 'department' AND is_member "
                              "ORDER BY sort_order LIMIT 1").fetchone()
    st.cache_data.clear()
    failures = {}
    for path, script in VIEWS.items():
        at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "views" / script), default_timeout=120)
        at.query_params["lang"] = lang
        if path == "department":
            at.query_params["dept"] = dept
        at.run()
        assert not at.exception, (path, [e.value for e in at.exception])
        for index, element in enumerate(at.dataframe):
            frame = getattr(element.value, "data", element.value)  # a Styler shows its data's cells
            cells = [str(c) for c in frame.columns]
            for column in frame.columns:
                if frame[column].dtype == object:
                    cells += [str(v) for v in frame[column].unique()]
            found = problems("\n".join(cells), "zh", [])  # codes and nulls: language is the text test's
            found = {k: v for k, v in found.items() if k in ("code token", "null")}
            if found:
                failures[f"{path} table {index}"] = found
    assert not failures, failures


HEATMAP_GEOMETRY = """() => {
  const box = document.querySelector('[class*="st-key-scroll_overview_heatmap"]');
  const plot = box && box.querySelector('.js-plotly-plot');
  return plot && plot.data ? {box: box.clientWidth, scroll: box.scrollWidth, plot: plot.getBoundingClientRect().width,
                              columns: plot.data[0].x.length} : null; }"""


@pytest.mark.parametrize("width", [420, 1400])
def test_the_heatmap_keeps_legible_cells_on_a_phone_and_scrolls_sideways(served, width):
    """At 420 px the department x metric heatmap is drawn at its readable width and its box scrolls
    sideways; on a desktop it fits without a scroll bar (figures_metrics.readable_width)."""
    from dashboard.figures_metrics import HEATMAP_CELL_PX, HEATMAP_NAMES_PX
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from tests.browser import ARTIFACTS, browser_page

    with browser_page(width=width) as page:
        page.goto(f"{served['url']}/overview?lang=zh")
        _idle(page)
        page.wait_for_function(f"() => ({HEATMAP_GEOMETRY})() !== null", timeout=30_000)
        try:  # Plotly may draw first at the box's width and widen the plot on its next layout pass
            page.wait_for_function(f"""() => {{ const g = ({HEATMAP_GEOMETRY})();
                return g.plot >= {HEATMAP_NAMES_PX} + {HEATMAP_CELL_PX} * g.columns - 1; }}""", timeout=30_000)
        except PlaywrightTimeout:
            pass  # the assertions below report the geometry as it is
        geometry = page.evaluate(HEATMAP_GEOMETRY)
        page.screenshot(path=str(ARTIFACTS / f"heatmap_{width}.png"), full_page=False)
    readable = HEATMAP_NAMES_PX + HEATMAP_CELL_PX * geometry["columns"]
    assert geometry["columns"] >= 10, geometry  # the scored metrics measured for the city's departments
    assert geometry["plot"] >= readable - 1, geometry
    if width == 420:
        assert geometry["scroll"] > geometry["box"] + 200, geometry  # the box scrolls sideways
    else:
        assert geometry["scroll"] <= geometry["box"] + 1, geometry  # no scroll bar on a desktop
