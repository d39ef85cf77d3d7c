"""`make check` on a copy of the session's end-to-end warehouse: healthy as built, then each fault is named."""
from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date

import duckdb
import pytest

from pipelines import run_status
from pipelines.check import FAIL, OK, WARN, run_checks
from pipelines.settings import Paths

pytestmark = pytest.mark.slow


@pytest.fixture()
def copy(e2e_run, tmp_path):
    src = e2e_run["root"]
    for name in ("landing", "serving"):
        shutil.copytree(src / name, tmp_path / name, symlinks=True)
    shutil.copy(src / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    return Paths(landing=tmp_path / "landing", warehouse=tmp_path / "warehouse.duckdb",
                 serving=tmp_path / "serving" / "warehouse.duckdb", data_dir=tmp_path)


def by_name(results):
    return {r.check.strip(): r for r in results}


def test_a_healthy_build_passes_every_check(copy):
    results = by_name(run_checks(copy, today=date(2022, 1, 20)))
    assert results["最近运行 last run"].status == OK
    assert results["对账 reconciliation"].status == OK
    assert results["待载入 waiting files"].status == OK
    assert results["新鲜度 freshness"].status == OK and "2022-01-04" in results["新鲜度 freshness"].detail
    assert results["待更正 rejects"].status == WARN  # the simulator writes some invalid rows on purpose
    assert results["工作日历 calendar"].status == OK
    assert not [r for r in results.values() if r.status == FAIL]


def test_clocks_waiting_for_the_official_calendar_are_a_warning_naming_the_year(copy):
    with duckdb.connect(str(copy.serving.resolve())) as con:
        con.execute("INSERT INTO marts.mart_data_status__awaiting_calendar VALUES (2027, 1234, DATE '2026-12-14', "
                    "DATE '2026-12-31')")
    results = by_name(run_checks(copy, today=date(2022, 1, 20)))
    calendar = results["工作日历 calendar"]
    assert calendar.status == WARN and "2027年（1,234 项）" in calendar.detail
    assert "calendar_overrides.csv" in calendar.detail and "make docs" in calendar.detail


def test_each_fault_is_named(copy):
    run_status.record("deadbeef-run", "dbt", "failed", "dbt 构建未通过（1 项失败）", ["not_null_task_id: fail"],
                      serving=copy.serving)
    (copy.landing / "20220201_新批次").mkdir()
    shutil.copy(sorted(copy.landing.glob("*/抽查任务*"))[-1], copy.landing / "20220201_新批次" / "抽查任务_202202.csv")
    with duckdb.connect(str(copy.warehouse)) as con:
        con.execute("DELETE FROM raw.task WHERE rowid = (SELECT min(rowid) FROM raw.task)")
    results = by_name(run_checks(copy, today=date(2022, 6, 1)))
    assert results["最近运行 last run"].status == FAIL and "deadbeef" in results["最近运行 last run"].detail
    assert "dbt 构建与数据测试" in results["最近运行 last run"].detail
    assert results["对账 reconciliation"].status == FAIL and "found" in results["对账 reconciliation"].detail
    assert results["待载入 waiting files"].status == WARN and "20220201_新批次" in results["待载入 waiting files"].detail
    assert results["新鲜度 freshness"].status == WARN  # 148 days after the newest export


def test_a_running_pipeline_is_reported_not_fatal_and_the_exit_status_follows_failures(copy):
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('locked', flush=True); time.sleep(30)", str(copy.warehouse)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        results = by_name(run_checks(copy, today=date(2022, 1, 20)))
        assert results["数据仓库 warehouse"].status == WARN and "占用" in results["数据仓库 warehouse"].detail
    finally:
        holder.kill()
        holder.wait()
    env = {"SSSG_DATA_DIR": str(copy.warehouse.parent), "PATH": "/usr/bin:/bin"}
    ok = subprocess.run([sys.executable, "-m", "pipelines.check", "--max-age-days", "100000"], env=env,
                        capture_output=True, text=True)
    assert ok.returncode == 0 and "HEALTHY" in ok.stdout, ok.stdout + ok.stderr
    run_status.record("r-fail", "publish", "failed", "发布失败", serving=copy.serving)
    bad = subprocess.run([sys.executable, "-m", "pipelines.check"], env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and "UNHEALTHY" in bad.stdout


def test_a_newest_batch_after_today_is_a_failure_not_a_negative_age(copy):
    """Issue 17: a future-dated batch loaded before the ingest refused them read as "-26691 天前", healthy."""
    freshness = by_name(run_checks(copy, today=date(2021, 12, 1)))["新鲜度 freshness"]
    assert freshness.status == FAIL and "晚于今天 2021-12-01" in freshness.detail and "天前" not in freshness.detail
