"""The dashboard as a user drives it in Chromium, on the end-to-end run's serving artefact: the view
(year, grain, period, county, department, language) holds through every page switch and reload."""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest

pytestmark = pytest.mark.slow

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
    """The app has drawn a page (menu, language switch, a title) and is not running."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stSidebar\"] [role=radiogroup]')"
        " && document.querySelector('[data-testid=\"stMain\"] h1')"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


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


def _params(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def _choose(page, label: str, option: str) -> None:
    """Pick `option` in the sidebar selectbox labelled `label`, as a user does (open, type, Enter)."""
    box = page.locator(f'[data-testid="stSidebar"] input[role=combobox][aria-label="{label}"]')
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).first.click()
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
            "SELECT scope, unit_code, unit_name_zh, unit_name_en FROM marts.dim_unit WHERE scope <> 'city'").fetchall()
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
        assert _params(page) == expected, (path, page.url)
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
