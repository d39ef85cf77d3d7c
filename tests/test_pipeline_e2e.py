"""End to end on a small simulated Fushun: simulate -> Dagster ingest -> dbt build -> publish.

One module-scoped run (about a minute) that the assertions below share.
"""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import timedelta

import duckdb
import pytest
from dagster import AssetKey

from tests.conftest import table_counts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(e2e_run):
    return e2e_run


def test_the_run_succeeds_and_every_check_passes(run):
    for result in (run["first"], run["second"]):
        assert result["success"]
        assert not result["failed_error_checks"]
    names = set(run["first"]["check_names"])
    assert "reconciliation" in names and len(names) > 10  # dbt tests surface as asset checks too


def test_every_invalid_row_the_simulator_wrote_is_rejected_with_its_reason_and_nothing_else(run):
    with open(run["root"] / "landing" / ".simulator" / "invalid_rows.csv", encoding="utf-8") as fh:
        truth = {(r["batch_id"], r["file_name"], int(r["row_number"])): r["reason_kind"] for r in csv.DictReader(fh)}
    assert truth, "the simulator should write some invalid rows"
    with duckdb.connect(str(run["root"] / "warehouse.duckdb"), read_only=True) as con:
        rejected = {(b, f, n): kinds for b, f, n, kinds in
                    con.execute("SELECT _batch_id, _file_name, _row_number, reason_kinds FROM raw.rejects").fetchall()}
        refused_files = con.execute("SELECT batch_id, file_name, message FROM raw.load_log WHERE status = 'rejected'").fetchall()
    assert refused_files == []
    assert set(rejected) == set(truth)
    wrong_reason = {k: (truth[k], rejected[k]) for k in truth if truth[k] not in rejected[k].split("；")}
    assert not wrong_reason


def test_reingesting_the_same_landing_folder_changes_nothing(run):
    assert table_counts(run["root"] / "warehouse.duckdb") == run["counts_after_first"]


def test_the_serving_artefact_holds_the_marts_and_the_publish_log(run):
    serving = run["root"] / "serving" / "warehouse.duckdb"
    with duckdb.connect(str(serving), read_only=True) as con:
        schemas = {r[0] for r in con.execute("SELECT DISTINCT table_schema FROM information_schema.tables").fetchall()}
        assert schemas == {"marts", "meta"}  # nothing raw, nothing staging
        assert con.execute("SELECT count(*) FROM meta.publish_log").fetchone()[0] == 2
        entities = dict(con.execute("SELECT entity, rows_loaded FROM marts.mart_data_status__entities").fetchall())
    assert len(entities) == 14 and entities["object"] > 0 and entities["result"] > 0


def test_staging_keeps_one_current_version_per_natural_key(run):
    with duckdb.connect(str(run["root"] / "warehouse.duckdb"), read_only=True) as con:
        raw_keys = con.execute("SELECT count(DISTINCT task_id) FROM raw.task").fetchone()[0]
        versions = con.execute("SELECT count(*) FROM raw.task").fetchone()[0]
        current = con.execute("SELECT count(*), count(DISTINCT task_id) FROM staging.stg_platform__task").fetchone()
    assert versions > raw_keys, "the simulator restates and corrects tasks across batches"
    assert current == (raw_keys, raw_keys)


def test_definitions_show_ingest_assets_dbt_models_sensor_and_checks(run):
    from pipelines.definitions import defs

    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"raw/task", "raw/result", "raw/load_log", "serving_artefact"} <= keys
    assert {"staging/stg_platform__task", "marts/mart_data_status__entities"} <= keys
    graph = defs.resolve_asset_graph()
    assert AssetKey(["raw", "task"]) in graph.get(AssetKey(["staging", "stg_platform__task"])).parent_keys
    assert graph.get(AssetKey(["staging", "stg_platform__task"])).group_name == "staging"
    assert defs.resolve_sensor_def("landing_folder_sensor")
    home = run["root"] / "dagster_home"
    home.mkdir(exist_ok=True)
    cli = subprocess.run([sys.executable, "-m", "dagster", "definitions", "validate", "-m", "pipelines.definitions"],
                         capture_output=True, text=True, env={**os.environ, "DAGSTER_HOME": str(home)})
    assert cli.returncode == 0, cli.stderr[-2000:]


def test_the_dashboard_serves_the_published_data_in_a_real_browser(run):
    from tests.browser import ARTIFACTS, browser_page, dashboard_server, wait_for_app

    serving = run["root"] / "serving" / "warehouse.duckdb"
    with duckdb.connect(str(serving), read_only=True) as con:
        files = con.execute("SELECT count(*) FROM marts.mart_data_status__files").fetchone()[0]
    ARTIFACTS.mkdir(exist_ok=True)
    with dashboard_server({"SSSG_SERVING_PATH": str(serving)}) as url, browser_page() as page:
        page.goto(f"{url.rstrip('/')}/status")
        wait_for_app(page, "数据新鲜度")
        page.screenshot(path=str(ARTIFACTS / "data_status_1400.png"))  # evidence first, if a wait below fails
        # waited for, not read once: on a loaded machine the lower sections may still be rendering
        # (the rendered text, not locators: a data grid keeps hidden header cells such as 整文件拒收原因)
        page.wait_for_function(
            "texts => texts.every(t => document.body.innerText.includes(t))", arg=["拒收原因", f"{files:,}"],
            timeout=30_000)
        # Chinese glyphs really render (a CJK font is installed): the title is wider than boxes would be
        title = page.get_by_role("heading", name="数据状态").first
        assert title.bounding_box()["width"] > 100
        with page.expect_download() as download:
            page.get_by_role("button", name="下载 CSV").first.click()
        assert download.value.suggested_filename.endswith(".csv")


PAGES = {  # url path -> a heading the page shows once it has run (every address a link may carry)
    "": "总览", "overview": "总览", "ranking": "排名", "county": "县区进展", "department": "部门详情",
    "publication": "公示时效", "reports": "考核报告", "joint": "联合与临时", "sampling": "抽查与信用",
    "status": "数据状态",
}


def test_every_dashboard_page_works_in_a_real_browser(run):
    """Every page renders without an exception and with Chinese glyphs, at 1400x900 and on a narrow
    window; a filter change reaches the URL; the department page's drill-down lists records whose
    counts match the metric cell; a table downloads as XLSX. Screenshots go to test-artifacts/."""
    from tests.browser import ARTIFACTS, browser_page, dashboard_server, wait_for_app

    serving = run["root"] / "serving" / "warehouse.duckdb"
    with duckdb.connect(str(serving), read_only=True) as con:
        year, dept = con.execute(
            "SELECT year, dept_code FROM marts.fct_metric_records WHERE metric_code = 'temporary_task_share_tasks' "
            "AND dept_code IN (SELECT dept_code FROM marts.dim_department WHERE is_member) "
            "GROUP BY ALL ORDER BY year DESC, count(*) DESC, dept_code LIMIT 1").fetchone()
    ARTIFACTS.mkdir(exist_ok=True)
    with dashboard_server({"SSSG_SERVING_PATH": str(serving)}) as url:
        base = url.rstrip("/")
        for width in (1400, 420):
            with browser_page(width, 900) as page:
                for path, heading in PAGES.items():
                    page.goto(f"{base}/{path}")
                    wait_for_app(page, heading)
                    assert page.locator('[data-testid="stException"]').count() == 0, path
                    assert page.get_by_text("Page not found").count() == 0, f"/{path}: a shared link must open its page"
                    title = page.get_by_role("heading", name=heading).first
                    assert title.bounding_box()["width"] > 60, f"{path}: CJK glyphs missing?"
                    page.screenshot(path=str(ARTIFACTS / f"page_{path or 'root'}_{width}.png"))

        with browser_page() as page:
            page.goto(f"{base}/")
            wait_for_app(page, "核心指标")
            page.get_by_text("季", exact=True).first.click()
            page.wait_for_url("**grain=quarter**", timeout=30_000)

            page.goto(f"{base}/department?dept={dept}&year={year}")
            wait_for_app(page, "指标明细（审计线索）")
            page.get_by_text("明细核对一致", exact=False).first.wait_for(timeout=30_000)
            page.screenshot(path=str(ARTIFACTS / "department_drilldown_1400.png"))
            with page.expect_download() as download:
                page.get_by_role("button", name="下载 Excel").first.click()
            assert download.value.suggested_filename.endswith(".xlsx")


def test_the_warning_dates_are_the_as_of_date_then_the_month_ends_each_as_dbt_judged_it(run, monkeypatch):
    """The publication page's warning dates (serving.publication.warning_dates): the data's as-of date,
    then the last month ends before it, newest first. As of the as-of date the page lists
    mart_early_warning__obligations, as of a month end that month end's rows of
    mart_early_warning__month_ends: the dashboard computes no warning of its own."""
    serving = run["root"] / "serving" / "warehouse.duckdb"
    monkeypatch.setenv("SSSG_SERVING_PATH", str(serving))
    from serving import labels, publication

    dates = publication.warning_dates()
    as_of = labels.settings().as_of_date
    ends = dates[1:]
    assert dates[0] == as_of and 1 <= len(ends) <= 12
    assert ends == sorted(ends, reverse=True) and all(d < as_of for d in ends)
    assert all((d + timedelta(days=1)).day == 1 for d in ends)  # month ends
    key = ["obligation_key", "warning", "working_days_left"]
    with duckdb.connect(str(serving), read_only=True) as con:
        mart = sorted(con.execute("SELECT obligation_key, warning, working_days_left "
                                  "FROM marts.mart_early_warning__obligations").fetchall())
        month_end = sorted(con.execute("SELECT obligation_key, warning, working_days_left "
                                       "FROM marts.mart_early_warning__month_ends WHERE warning_date = ?",
                                       [ends[0]]).fetchall())
    assert len(mart) > 0 and len(month_end) > 0
    assert sorted(map(tuple, publication.warnings(on=as_of)[key].values.tolist())) == mart
    assert sorted(map(tuple, publication.warnings(on=ends[0])[key].values.tolist())) == month_end


def test_every_report_figure_equals_its_mart_on_the_simulated_data(run, tmp_path):
    """The reports for the last complete year and month, read back from their XLSX, against the marts."""
    openpyxl = pytest.importorskip("openpyxl")
    from pipelines.reports.generate import generate

    serving = run["root"] / "serving" / "warehouse.duckdb"
    annual = generate("annual", "2021", serving=serving, root=tmp_path, charts=False)
    monthly = generate("monthly", "2021-12", serving=serving, root=tmp_path, charts=False)
    assert annual["missing"] == [] and monthly["missing"] == []

    def sheet(man, name):
        path = next(f["path"] for f in man["files"] if f["name"].endswith(".xlsx"))
        rows = list(openpyxl.load_workbook(path, read_only=True)[name].iter_rows(values_only=True))
        end = next((i for i, r in enumerate(rows) if all(v is None for v in r)), len(rows))  # a note follows
        return [dict(zip(rows[0], r)) for r in rows[1:end]]

    def rate(v):
        return None if v == "不适用" else pytest.approx(v)

    with duckdb.connect(str(serving), read_only=True) as con:
        def city(grain, start):
            return {m: (n, d, r) for m, n, d, r in con.execute(
                "SELECT metric_code, numerator, denominator, rate FROM marts.fct_metric_values "
                "WHERE scope = 'city' AND grain = ? AND period_start = ?", [grain, start]).fetchall()}

        for name, man, grain, start in (("全市年度指标", annual, "year", "2021-01-01"),
                                        ("全市本年指标", monthly, "year", "2021-01-01"),
                                        ("全市本月指标", monthly, "month", "2021-12-01")):
            mart = city(grain, start)
            got = {r["指标代码"]: (r["分子"], r["分母"], r["数值"]) for r in sheet(man, name)}
            assert set(got) == set(mart), name
            for code, (n, d, r) in got.items():
                assert (n, d) == mart[code][:2] and rate(r) == mart[code][2], (name, code)

        scores = {(s, u): (sc, rk) for s, u, sc, rk in con.execute(
            "SELECT scope, unit_code, score, score_rank FROM marts.mart_assessment__scores WHERE year = 2021"
        ).fetchall()}
        got = {(scope, r["单位代码"]): (pytest.approx(r["得分"]), r["名次"])
               for scope, name in (("region", "县区得分排名"), ("department", "部门得分排名"))
               for r in sheet(annual, name)}
        assert got == scores

        parts = {(u, m): p for u, m, p in con.execute(
            "SELECT unit_code, metric_code, points FROM marts.mart_assessment__score_parts WHERE year = 2021"
        ).fetchall()}
        names = dict(con.execute("SELECT name_zh, metric_code FROM marts.dim_metric").fetchall())
        got = {(r["单位代码"], names[r["指标"]]): r["得分"] for r in sheet(annual, "分项得分明细")}
        assert set(got) == set(parts)
        assert all(got[k] == pytest.approx(parts[k]) for k in parts)

        named = {u for (u,) in con.execute("SELECT unit_code FROM marts.mart_assessment__scores "
                                           "WHERE year = 2021 AND named_in_circular").fetchall()}
        assert len(sheet(annual, "拟通报名单")) == len(named) > 0

        overdue = con.execute("SELECT count(*) FROM marts.mart_early_warning__obligations "
                              "WHERE warning = 'overdue'").fetchone()[0]
        assert sum(r["逾期未公示事项"] for r in sheet(monthly, "逾期未公示_部门")) == overdue
