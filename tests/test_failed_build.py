"""A dbt data test that fails blocks publication of that run and says why: in Dagster, in the run
history, on the 数据状态 page and in `make check`. The failure is a real one: a new batch exported in
2031 with a task of 2031, so the data's as-of date lies in a year the official working-day calendar
does not cover and no working day could be counted from it (never guessed as Monday-Friday)."""
from __future__ import annotations

import csv
import io
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from pipelines import run_status

pytestmark = pytest.mark.slow


def read_csv(path):
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.reader(io.StringIO(raw.decode(encoding))))
        except UnicodeDecodeError:
            continue
    raise AssertionError(path)


@pytest.fixture(scope="module")
def failed(e2e_run, tmp_path_factory):
    from dagster import materialize
    from dagster_dbt import DbtCliResource

    from pipelines.assets.dbt import sssg_dbt_assets
    from pipelines.assets.ingest import ingest_landing_files
    from pipelines.assets.publish import serving_artefact
    from pipelines.dbt_project import sssg_dbt_project
    from pipelines.ingest import discover
    from pipelines.settings import dbt_executable

    root = tmp_path_factory.mktemp("failed")
    src = e2e_run["root"]
    for name in ("landing", "serving"):
        shutil.copytree(src / name, root / name, symlinks=True)
    shutil.copy(src / "warehouse.duckdb", root / "warehouse.duckdb")
    rows = read_csv(next((root / "landing").glob("2021*/抽查任务_*.csv")))
    header, row = rows[0], list(rows[1])
    row[header.index("任务编号")] = "TASK-2031-BEYOND-CALENDAR"
    for name in ("开始日期", "结束日期", "审批日期", "公示日期"):
        if name in header and row[header.index(name)]:
            row[header.index(name)] = "2031-03-0" + str(3 + ("结束日期" == name))
    batch = root / "landing" / "20310401_抚顺市双随机监管数据导出"
    batch.mkdir()
    with (batch / "抽查任务_203103.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, row])
    serving = root / "serving" / "warehouse.duckdb"
    before = serving.resolve()

    saved = dict(os.environ)
    os.environ["SSSG_DATA_DIR"] = str(root)
    for name in ("SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH"):
        os.environ.pop(name, None)
    try:
        # the run happens in April 2031 (a batch dated after today is refused, issue 17), when the
        # official calendar has not been extended yet
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(discover, "today_in_beijing", lambda: date(2031, 4, 2))
            result = materialize([ingest_landing_files, sssg_dbt_assets, serving_artefact], raise_on_error=False,
                                 resources={"dbt": DbtCliResource(project_dir=sssg_dbt_project,
                                                                  dbt_executable=dbt_executable())})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {"root": root, "result": result, "serving": serving, "before": before}


def test_the_run_fails_in_dbt_and_does_not_publish(failed):
    result = failed["result"]
    assert not result.success
    steps = {e.step_key: e for e in result.all_events if e.event_type_value == "STEP_FAILURE"}
    assert "sssg_dbt_assets" in steps
    assert "no official working-day calendar for 2031" in str(steps["sssg_dbt_assets"].event_specific_data.error)
    skipped = [e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"]
    assert "serving_artefact" in skipped or "serving_artefact" not in {e.step_key for e in result.all_events
                                                                       if e.event_type_value == "STEP_START"}
    assert failed["serving"].resolve() == failed["before"]  # the dashboard still reads the last good publish


def test_the_reason_is_in_the_run_history_and_make_check(failed):
    from pipelines.check import FAIL, run_checks
    from pipelines.settings import Paths

    failure = run_status.last_failure_since_publish(failed["serving"])
    assert failure["stage"] == "dbt" and "不发布" in failure["message"]
    assert any("as_of_date_is_on_the_official_calendar" in d and "2031" in d for d in failure["details"])
    root = failed["root"]
    results = {r.check: r for r in run_checks(Paths(root / "landing", root / "warehouse.duckdb", failed["serving"], root))}
    assert results["最近运行 last run"].status == FAIL and "2031" in results["最近运行 last run"].detail


def test_the_status_page_shows_why(failed, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SSSG_SERVING_PATH", str(failed["serving"]))
    page = Path(__file__).resolve().parent.parent / "dashboard" / "views" / "data_status.py"
    at = AppTest.from_file(str(page), default_timeout=60).run()
    assert not at.exception
    banner = " ".join(e.value for e in at.error)
    assert "未发布" in banner and "dbt 构建与数据测试" in banner
    assert any("2031" in c.value for c in at.code)
