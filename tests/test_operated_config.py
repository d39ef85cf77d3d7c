"""The operated system's configuration: the instance template queues runs with one warehouse writer,
the refresh carries that tag, and the sensor and the report schedules run without a toggle."""
from __future__ import annotations

import shutil
from pathlib import Path

from dagster import DefaultScheduleStatus, DefaultSensorStatus

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_the_instance_template_queues_runs_with_one_warehouse_writer(tmp_path, monkeypatch):
    from dagster import DagsterInstance
    from dagster._core.run_coordinator import QueuedRunCoordinator

    shutil.copy(REPO_ROOT / "deploy" / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with DagsterInstance.get() as instance:  # the real loader validates every key of the template
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
        assert {"key": "sssg/warehouse", "limit": 1} in limits


def test_the_refresh_is_the_warehouse_writer_and_automation_is_on_by_default():
    from pipelines.definitions import defs
    from pipelines.jobs import WAREHOUSE_TAG

    assert defs.resolve_job_def("refresh_warehouse").tags.get(WAREHOUSE_TAG) == "writer"
    for name in ("monthly_report_job", "annual_report_job"):  # they read only the serving file
        assert WAREHOUSE_TAG not in defs.resolve_job_def(name).tags
    for name in ("refresh_warehouse", "monthly_report_job", "annual_report_job"):  # nothing runs for ever
        assert int(defs.resolve_job_def(name).tags["dagster/max_runtime"]) > 0
    statuses = {s.name: s.default_status for s in defs.schedules}
    assert statuses["monthly_report_schedule"] == statuses["annual_report_schedule"] == DefaultScheduleStatus.RUNNING
    assert defs.resolve_sensor_def("landing_folder_sensor").default_status == DefaultSensorStatus.RUNNING


def test_the_supervised_commands_are_dagsters_production_processes():
    conf = (REPO_ROOT / "deploy" / "supervisord.conf").read_text(encoding="utf-8")
    commands = [line.split("=", 1)[1] for line in conf.splitlines() if line.startswith("command=")]
    assert [c.split()[0].rsplit("/", 1)[-1] for c in commands] == ["dagster-daemon", "dagster-webserver", "sssg-dashboard"]
    assert not any(" dev " in c for c in commands)
    assert all("autorestart=true" in block for block in conf.split("[program:")[1:])
