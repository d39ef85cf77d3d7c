"""The landing-folder sensor asks for a run exactly when the folder's content changes."""
from dagster import RunRequest, SkipReason, build_sensor_context

from pipelines.sensors import landing_folder_sensor
from tests.export_files import write_csv


def tick(cursor):
    context = build_sensor_context(cursor=cursor)
    return landing_folder_sensor(context), context.cursor


import pytest


@pytest.fixture(autouse=True)
def own_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("SSSG_WAREHOUSE_PATH", str(tmp_path / "wh" / "warehouse.duckdb"))


def test_sensor_runs_on_new_files_and_skips_when_nothing_changed(tmp_path, monkeypatch):
    monkeypatch.setenv("SSSG_LANDING_DIR", str(tmp_path))
    write_csv(tmp_path / "20200803_导出" / "抽查任务_202007.csv", [["任务编号"], ["T-0001"]])
    first, cursor = tick(None)
    assert isinstance(first, RunRequest)
    again, same_cursor = tick(cursor)
    assert isinstance(again, SkipReason) and same_cursor == cursor
    write_csv(tmp_path / "20200901_导出" / "抽查任务_202008.csv", [["任务编号"], ["T-0002"]])
    new, new_cursor = tick(cursor)
    assert isinstance(new, RunRequest) and new.run_key == new_cursor != cursor


def test_sensor_ignores_tool_state_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("SSSG_LANDING_DIR", str(tmp_path))
    write_csv(tmp_path / "20200803_导出" / "抽查任务_202007.csv", [["任务编号"], ["T-0001"]])
    _, cursor = tick(None)
    write_csv(tmp_path / ".simulator" / "invalid_rows.csv", [["batch_id"]])
    assert isinstance(tick(cursor)[0], SkipReason)


def test_files_a_build_started_by_hand_loaded_are_not_loaded_again(tmp_path, monkeypatch):
    """make run's first build (or make pipeline) records what it loaded; the daemon's first tick skips it."""
    from pipelines.landing_state import landing_fingerprint, record_loaded

    landing = tmp_path / "landing"
    monkeypatch.setenv("SSSG_LANDING_DIR", str(landing))
    write_csv(landing / "20200803_导出" / "抽查任务_202007.csv", [["任务编号"], ["T-0001"]])
    (tmp_path / "wh").mkdir()
    record_loaded(tmp_path / "wh" / "warehouse.duckdb", landing_fingerprint(landing))
    skipped, cursor = tick(None)
    assert isinstance(skipped, SkipReason) and "已由最近一次运行载入" in skipped.skip_message
    assert cursor == landing_fingerprint(landing)
    write_csv(landing / "20200901_导出" / "抽查任务_202008.csv", [["任务编号"], ["T-0002"]])
    assert isinstance(tick(cursor)[0], RunRequest)
