"""Sign-in, roles and row-level scope as users meet them: a real OpenID Connect provider on localhost
(panva/oidc-provider, tests/oidc_provider.py) with one user per role, the dashboard started through its
launcher with sign-in configured, and headless Chromium signing in as each of them. Checked: the pages
and rows each sees, that a county's download holds only its rows, that a county asking for another
county in the URL gets nothing of it, that the draft circular (DOCX) is listed for 考核办 only, that an
unknown user gets the no-access page and nothing else, sign-out, and the audit log of it all."""
from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys
import time

import duckdb
import pytest

from tests import oidc_provider as op
from tests.browser import ARTIFACTS, SCRIPT_DONE, browser_page, wait_for_app

pytestmark = pytest.mark.slow

CLIENT_SECRET = "dashboard-client-secret-for-the-tests-only"


@pytest.fixture(scope="module")
def site(e2e_run, tmp_path_factory):
    folder = tmp_path_factory.mktemp("signin")
    serving = e2e_run["root"] / "serving" / "warehouse.duckdb"
    with duckdb.connect(str(serving), read_only=True) as con:
        regions = [r for (r,) in con.execute(
            "SELECT region_code FROM marts.dim_region WHERE NOT is_city ORDER BY region_code").fetchall()]
        names = dict(con.execute("SELECT region_code, region_name FROM marts.dim_region").fetchall())
        depts = con.execute("SELECT dept_code, dept_name, region_code FROM marts.dim_department").fetchall()
        busiest = con.execute("SELECT region_code FROM marts.mart_publication__obligations WHERE region_code IN "
                              "(SELECT region_code FROM marts.dim_region WHERE NOT is_city) GROUP BY 1 "
                              "ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
        dept = con.execute("SELECT dept_code FROM marts.mart_publication__obligations WHERE region_code <> ? "
                           "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1", (busiest,)).fetchone()[0]
    county, other = busiest, next(r for r in regions if r != busiest)
    data = folder / "data"
    (data / "reports").mkdir(parents=True)
    from pipelines.reports import store

    store.save("annual", "2021", {"annual-2021.pdf": b"%PDF-1.4 annual", "annual-2021.xlsx": b"xlsx",
                                  "annual-2021-circular-draft.docx": b"docx"},
               {"title": "2021年度考核报告", "generated_at": "2022-01-04 09:00:00"}, root=data / "reports")
    # the department user's platform sends no role: the operator's access file gives it one
    access = folder / "access.toml"
    access.write_text(f'[[users]]\nemail = "Dept@Fushun.test"\nrole = "部门"\ndepartment = "{dept}"\n',
                      encoding="utf-8")
    accounts = {
        "leader": {"email": "leader@fushun.test", "email_verified": True, "name": "领导小组成员",
                   "sssg_role": "leading_group"},
        "bureau": {"email": "bureau@fushun.test", "email_verified": True, "name": "市场监管局用户",
                   "sssg_role": "market_regulation"},
        "office": {"email": "office@fushun.test", "email_verified": True, "name": "考核办用户", "sssg_role": "考核办"},
        "county": {"email": "county@fushun.test", "email_verified": True, "name": "县区用户",
                   "sssg_role": "county", "sssg_county": county},
        "dept": {"email": "dept@fushun.test", "email_verified": True, "name": "部门用户"},
        "stranger": {"email": "stranger@example.test", "email_verified": True, "name": "访客"},
    }
    port = op.free_port()
    client = {"client_id": "sssg-dashboard", "client_secret": CLIENT_SECRET,
              "redirect_uris": [f"http://localhost:{port}/oauth2callback"],
              "post_logout_redirect_uris": [f"http://localhost:{port}/oauth2callback"]}
    audit_path = folder / "audit.sqlite3"
    env = {"SSSG_DATA_DIR": str(data), "SSSG_SERVING_PATH": str(serving), "SSSG_ACCESS_FILE": str(access),
           "SSSG_AUDIT_PATH": str(audit_path)}
    with op.provider(folder, accounts, client) as issuer:
        secrets = op.secrets_file(folder, issuer, port, client)
        with op.dashboard(port, secrets, env, folder / "dashboard.log") as url:
            yield {"url": url, "county": county, "other": other, "dept": dept, "names": names, "depts": depts,
                   "audit": audit_path}


def sign_in(page, url: str, login: str) -> None:
    page.goto(url)
    wait_for_app(page, "统一身份认证登录")
    page.get_by_role("button", name="统一身份认证登录").click()
    page.wait_for_selector("input[name=login]", timeout=30_000)  # the identity platform's own page
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if page.locator("button[type=submit]").count() and "/interaction/" in page.url:  # consent
        page.click("button[type=submit]")
    page.wait_for_url(f"{url}/**", timeout=30_000)
    page.wait_for_function(SCRIPT_DONE, timeout=60_000)


SCRIPT_RUNNING = """() => document.querySelector('[data-testid="stApp"]')
                            ?.getAttribute('data-test-script-state') === 'running'"""
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                          .every(chart => chart.querySelector('.main-svg .xtick, .main-svg .ytick, .main-svg path'))"""


def open_page(page, url: str, path: str, text: str) -> str:
    """The page's text once `text` is there, the script has finished and the text has settled (a page
    may run again at once, to write its view into the URL)."""
    page.goto(f"{url}/{path}")
    try:  # a new session's app says "not running" until its first run starts: see it start
        page.wait_for_function(SCRIPT_RUNNING, timeout=10_000, polling=20)
    except Exception:  # noqa: BLE001 (it may have started and ended between two polls)
        pass
    wait_for_app(page, text)
    shown, deadline = page.inner_text("[data-testid=stApp]"), time.monotonic() + 90
    while time.monotonic() < deadline:
        page.wait_for_timeout(1500)
        page.wait_for_function(SCRIPT_DONE, timeout=60_000)
        page.wait_for_function(CHARTS_DRAWN, timeout=60_000)  # Plotly draws after the script is done
        again = page.inner_text("[data-testid=stApp]")
        if again == shown:
            return shown
        shown = again
    return shown


def download(page, label: str) -> bytes:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=label).first.click()
    return open(info.value.path(), "rb").read()


def assert_no_figures_of(name: str, text: str) -> None:
    """The map names every county (the region list is public), but another county may appear only as
    outside the reader's view (不在查看范围, not 无数据, which would say it has no data): none of its
    figures is read."""
    at = text.find(name)
    while at >= 0:
        assert text[at + len(name):].startswith("（不在查看范围）"), text[max(0, at - 200):at + 200]
        at = text.find(name, at + 1)


def test_each_role_sees_its_own_scope_and_nothing_else(site):
    url, names = site["url"], site["names"]
    county_name, other_name = names[site["county"]], names[site["other"]]
    with browser_page() as page:
        sign_in(page, url, "leader")
        text = open_page(page, url, "county", other_name)
        assert "已登录：领导小组成员" in text and "领导小组 · 全市" in text
        assert county_name in text and other_name in text  # every county
        reports = open_page(page, url, "reports", "annual-2021.pdf")
        assert ".docx" not in reports  # the draft circular stays with 考核办
        status = open_page(page, url, "status", "各文件的加载明细、拒收行和运行记录由市考核办查看")
        assert "访问日志" not in status

    with browser_page() as page:
        sign_in(page, url, "office")
        assert "考核办 · 全市" in open_page(page, url, "overview", "核心指标")
        reports = open_page(page, url, "reports", "annual-2021.pdf")
        if "annual-2021-circular-draft.docx" not in reports:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "signin-office-reports.png"), full_page=True)
        assert "annual-2021-circular-draft.docx" in reports, reports[-1500:]
        status = open_page(page, url, "status", "访问日志")
        assert "无法匹配的部门名称" in status  # the details, to the last section  # the details and the access log

    with browser_page() as page:
        sign_in(page, url, "county")
        text = open_page(page, url, "county", "县区进展")
        assert f"县区 · {county_name}" in text
        assert_no_figures_of(other_name, text.replace(county_name, ""))
        # another county asked for by URL: the filter does not offer it and no row of it is read
        forged = open_page(page, url, f"county?region={site['other']}&year=2021&grain=year", "县区进展")
        assert_no_figures_of(other_name, forged.replace(county_name, ""))
        open_page(page, url, "reports", "考核报告包含全市所有县区和部门的数据")
        # a download: only the county's departments' records
        open_page(page, url, f"publication?year=2021&grain=year", "公示时效")
        rows = list(csv.DictReader(io.StringIO(download(page, "下载 CSV").decode("utf-8-sig"))))
        assert rows
        own = {name for code, name, region in site["depts"] if region == site["county"]}
        others = {name for code, name, region in site["depts"] if region != site["county"]} - own
        cells = {v for row in rows for v in row.values()}
        assert not (cells & others), sorted(cells & others)[:5]
        assert not any(other_name in v for v in cells)

    with browser_page() as page:
        sign_in(page, url, "dept")  # role from the access file (e-mail, case as the platform sends it)
        dept_name = next(name for code, name, region in site["depts"] if code == site["dept"])
        text = open_page(page, url, "department", "部门详情")
        assert "部门 · " in text and dept_name in text
        open_page(page, url, "publication?year=2021&grain=year", "公示时效")
        rows = list(csv.DictReader(io.StringIO(download(page, "下载 CSV").decode("utf-8-sig"))))
        assert rows
        others = {name for code, name, region in site["depts"] if code != site["dept"]} - {dept_name}
        cells = {v for row in rows for v in row.values()}
        assert not (cells & others), sorted(cells & others)[:5]


def test_an_unknown_user_gets_the_no_access_page_and_nothing_else(site):
    with browser_page() as page:
        sign_in(page, site["url"], "stranger")
        wait_for_app(page, "暂无访问权限")
        text = page.inner_text("[data-testid=stApp]")
        assert "请联系市考核办" in text
        assert "总览" not in text and "核心指标" not in text  # no menu, no figure
        assert page.locator("[data-testid=stSidebarNav]").count() == 0


def test_sign_out_ends_the_session(site):
    url = site["url"]
    with browser_page() as page:
        sign_in(page, url, "bureau")
        assert "市场监管局 · 全市" in page.inner_text("[data-testid=stApp]")
        page.get_by_role("button", name="退出登录").click()
        # the identity platform's own sign-out (RP-initiated logout) asks to confirm, then returns here
        page.wait_for_url("**/session/end**", timeout=60_000)
        page.get_by_role("button", name="Yes, sign me out").click()
        wait_for_app(page, "统一身份认证登录", timeout_ms=60_000)
        page.goto(f"{url}/overview")
        wait_for_app(page, "统一身份认证登录")  # signed out: the pages are gone too
        assert "核心指标" not in page.inner_text("[data-testid=stApp]")


def test_the_audit_log_holds_sign_ins_pages_downloads_and_refusals(site):
    # the other tests of this module ran first (file order): their events are in the log
    with sqlite3.connect(site["audit"]) as con:
        rows = con.execute("SELECT at, user_id, role, scope, event, detail FROM audit_log").fetchall()
    events = {(user, event) for _, user, _, _, event, _ in rows}
    for user in ("leader@fushun.test", "office@fushun.test", "county@fushun.test", "dept@fushun.test"):
        assert (user, "sign_in") in events and (user, "page_view") in events, user
    assert ("county@fushun.test", "download") in events
    assert ("stranger@example.test", "denied") in events
    assert ("bureau@fushun.test", "sign_out") in events
    assert all(at.endswith("+08:00") for at, *_ in rows)  # Asia/Shanghai
    scopes = {user: scope for _, user, _, scope, event, _ in rows if event == "sign_in"}
    assert scopes["county@fushun.test"] == f"county:{site['county']}"
    assert scopes["dept@fushun.test"] == f"department:{site['dept']}"
    assert scopes["leader@fushun.test"] == "city"


def test_the_launcher_refuses_a_non_loopback_bind_without_an_identity_provider(tmp_path):
    done = subprocess.run([sys.executable, "-m", "dashboard.serve", "--address", "0.0.0.0", "--port", "1",
                           "--secrets", str(tmp_path / "none.toml"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "refusing to serve on 0.0.0.0 without an identity provider" in done.stderr
    assert "[auth] section of .streamlit/secrets.toml" in done.stderr
    ok = subprocess.run([sys.executable, "-m", "dashboard.serve", "--address", "127.0.0.1", "--port", "1",
                         "--secrets", str(tmp_path / "none.toml"), "--check"],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "operator mode" in ok.stdout
