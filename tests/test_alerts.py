"""Failures reach a person (issue 19 #5): the run-failure sensor on real failed refresh runs, a refusal
a stage records itself, lock retries that run out (an error no stage records) and a run whose process
is killed, evaluated with Dagster's testing context; what it records for 数据状态 and `make check`,
and the e-mail that arrives at a real SMTP server (aiosmtpd); each linked section exists."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from dagster import DagsterEventType, DagsterInstance, DefaultSensorStatus, build_run_status_sensor_context

import smtp_sink
from pipelines import alerts, run_status
from pipelines.alerts import SECTIONS, FailedRun, StepFailure, run_failure_alert, section_key
from pipelines.check import FAIL, check_last_run
from pipelines.settings import REPO_ROOT
from smtp_sink import smtp  # noqa: F401 (the fixture)
from smtp_sink import ALERT_TO, MAIL_ENV, configure

REFRESH_STEPS = ("ingest_landing_files", "sssg_dbt_assets", "serving_artefact")


def headings() -> list[str]:
    text = (REPO_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    return [m.group(1).strip() for m in re.finditer(r"^#{2,3} (.+)$", text, re.MULTILINE)]


def test_every_linked_section_is_a_heading_of_the_operations_page():
    found = headings()
    for key, section in SECTIONS.items():
        assert section.heading in found, key
    assert SECTIONS["killed_ingest"].link == \
        "docs/operations.md#a-run-is-killed-kill--9-out-of-memory-power-loss-during-loading"
    assert SECTIONS["report_mail"].anchor == "e-mail-reports-and-failure-alerts"
    # the page's own links to these anchors (its table of failures) resolve to headings
    text = (REPO_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    anchors = {alerts.anchor(h) for h in found}
    for target in re.findall(r"\]\(#([^)]+)\)", text):
        assert target in anchors, target


def failed(step: str | None, error: str = "", job: str = "refresh_warehouse", interrupted=(), recorded=None):
    return FailedRun("run-1", job, None, "", [StepFailure(step, error)] if step and error else [],
                     list(interrupted), recorded=recorded)


@pytest.mark.parametrize("run, key", [
    (failed("ingest_landing_files", "另一个刷新运行（abc，2026-12-01 08:00 开始）正在使用数据仓库"), "two_runs"),
    (failed("sssg_dbt_assets", "Exceeded max_retries of 3 ← WarehouseLocked: 数据仓库文件被其他进程占用，等待 30 秒后仍未释放"), "locked"),
    (failed("ingest_landing_files", "DagsterAssetCheckFailedError: 1 blocking asset check failed with ERROR severity:\n"
                                    "raw/load_log: reconciliation"), "reconciliation"),
    (failed("sssg_dbt_assets", "dbt 构建未通过（1 项失败），本次运行不发布：\nnot_null_stg_x_id: fail: Got 3 results"), "dbt_test"),
    (failed("sssg_dbt_assets", "something", recorded={"stage": "dbt", "outcome": "failed", "message": "m",
                                                      "details": ["as_of_date_is_on_the_official_calendar: fail"]}),
     "calendar"),
    (failed("ingest_landing_files", "RuntimeError: disk full"), "killed_ingest"),
    (failed(None, interrupted=["ingest_landing_files", "sssg_dbt_assets"]), "killed_dbt"),
    (failed("serving_artefact", "OSError: No space left on device"), "killed_publish"),
    (failed(None), "killed_ingest"),  # a refresh that failed before any step began
    (failed("monthly_report", "报告已生成并保存，但邮件发送失败：…", job="monthly_report_job"), "report_mail"),
    (failed("annual_report", "ChromeNotFoundError: …", job="annual_report_job"), "report"),
    (failed("backup_warehouse_op", "Could not set lock on file …", job="backup_warehouse"), "backup"),
    (failed("some_op", "ValueError: x", job="other_job"), "other"),
])
def test_each_failure_links_the_section_that_says_what_to_do(run, key):
    assert section_key(run) == key


def test_a_failure_handled_after_a_later_publish_is_not_recorded(tmp_path, monkeypatch):
    """The daemon was down: by the time the sensor sees a crashed run, a later run has published. The
    failure is e-mailed but not appended, else 数据状态 and `make check` would report the dashboard
    stale although it is newer than the failure."""
    monkeypatch.setenv("SSSG_SERVING_PATH", str(tmp_path / "serving" / "warehouse.duckdb"))
    crashed = failed(None, interrupted=["sssg_dbt_assets"])
    crashed.ended = time.time() - 600
    run_status.record("later-run", "publish", "published", "已发布")
    assert alerts.published_since(crashed)
    assert alerts.record_if_unrecorded(crashed) is None
    assert check_last_run(tmp_path / "serving" / "warehouse.duckdb").status == "OK"
    crashed.ended = time.time() + 5  # ended after that publish: recorded
    assert alerts.record_if_unrecorded(crashed)["stage"] == "dbt"
    assert check_last_run(tmp_path / "serving" / "warehouse.duckdb").status == FAIL


def test_the_sensor_runs_by_default_for_every_run_of_the_instance():
    from pipelines.definitions import defs
    sensor = defs.get_sensor_def("run_failure_alert")
    assert sensor.default_status == DefaultSensorStatus.RUNNING


# --- real failed refresh runs ---------------------------------------------------------------------------

@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An operator's data folder (only SSSG_DATA_DIR set) with an empty landing folder."""
    monkeypatch.setenv("SSSG_DATA_DIR", str(tmp_path))
    for name in ("SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH", *MAIL_ENV):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "landing").mkdir()
    saved = dict(os.environ)  # the dbt asset exports the resolved paths for its child process
    yield tmp_path
    os.environ.clear()
    os.environ.update(saved)


def refresh(instance):
    from dagster import materialize
    from dagster_dbt import DbtCliResource

    from pipelines.assets.dbt import sssg_dbt_assets
    from pipelines.assets.ingest import ingest_landing_files
    from pipelines.assets.publish import serving_artefact
    from pipelines.dbt_project import sssg_dbt_project
    from pipelines.settings import dbt_executable
    return materialize([ingest_landing_files, sssg_dbt_assets, serving_artefact], instance=instance,
                       raise_on_error=False,
                       resources={"dbt": DbtCliResource(project_dir=sssg_dbt_project, dbt_executable=dbt_executable())})


def evaluate_sensor(instance, dagster_run, failure_event):
    """The real sensor, as the daemon would call it for this failed run."""
    context = build_run_status_sensor_context(sensor_name="run_failure_alert", dagster_instance=instance,
                                              dagster_run=dagster_run, dagster_event=failure_event)
    return run_failure_alert(context)


def events_of(run_id: str, serving: Path) -> list[dict]:
    return [e for e in run_status.history(serving, limit=1000) if e["run_id"] == run_id]


@pytest.mark.slow
def test_a_refused_run_is_recorded_by_its_stage_and_emailed_once(data_dir, smtp):
    """A second refresh while another holds the warehouse: the ingest stage refuses and records it; the
    sensor adds no second record and e-mails the operators with the refusal and the section to read."""
    (data_dir / "refresh-run.lock").write_text(json.dumps({
        "run_id": "other-run", "started_at": datetime.now().replace(microsecond=0).isoformat(),
        "host": socket.gethostname(), "pid": os.getpid()}), encoding="utf-8")  # a live process holds it
    instance = DagsterInstance.ephemeral()
    result = refresh(instance)
    assert not result.success and result.get_failed_step_keys() == {"ingest_landing_files"}
    serving = data_dir / "serving" / "warehouse.duckdb"
    assert [e["stage"] for e in events_of(result.run_id, serving)] == ["ingest"]

    evaluate_sensor(instance, result.dagster_run, result.get_run_failure_event())

    assert len(events_of(result.run_id, serving)) == 1  # recorded once, by the stage
    msg = smtp.wait_for(1)[0]
    assert msg.rcpt_tos == ALERT_TO
    subject = str(msg.message["Subject"])
    assert f"运行 {result.run_id[:8]}" in subject and "「载入导出文件」失败" in subject
    body = msg.message.get_body().get_content()
    for text in (f"运行：{result.run_id}", "ingest_landing_files（载入导出文件）",
                 "错误：另一个刷新运行（other-run，", "本次运行没有开始，未做任何更改",
                 "docs/operations.md#two-refresh-runs-at-once", "「Two refresh runs at once」",
                 "怎么办：等正在进行的刷新运行结束后再运行"):
        assert text in body, text


@pytest.fixture
def held_warehouse(data_dir, monkeypatch):
    """Another process (an operator's duckdb shell) holds the warehouse open for writing."""
    warehouse = data_dir / "warehouse.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); time.sleep(300)", str(warehouse)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "open"
    monkeypatch.setenv("SSSG_LOCK_WAIT_SECONDS", "0.3")
    monkeypatch.setenv("SSSG_LOCK_RETRY_SECONDS", "0.1")
    yield holder
    holder.kill()
    holder.wait()


@pytest.mark.slow
def test_lock_retries_running_out_are_recorded_by_the_sensor(held_warehouse, data_dir, smtp):
    """The ingest waits for the lock, Dagster retries it, the retries run out: no stage records that.
    Without the sensor 数据状态 and `make check` would not show it; the sensor records it and e-mails."""
    instance = DagsterInstance.ephemeral()
    started = time.monotonic()
    result = refresh(instance)
    assert not result.success and result.get_failed_step_keys() == {"ingest_landing_files"}
    serving = data_dir / "serving" / "warehouse.duckdb"
    assert events_of(result.run_id, serving) == []  # what a crash shows today: nothing
    assert check_last_run(serving).status != FAIL

    evaluate_sensor(instance, result.dagster_run, result.get_run_failure_event())

    [event] = events_of(result.run_id, serving)
    assert (event["stage"], event["outcome"]) == ("ingest", "failed")
    assert event["message"].startswith("运行在「载入导出文件」阶段出错：Exceeded max_retries of 3 ← WarehouseLocked: "
                                       "数据仓库文件被其他进程占用")
    assert event["details"][-1] == "处理办法：docs/operations.md「The warehouse is locked」"
    check = check_last_run(serving)
    assert check.status == FAIL and "在「载入导出文件」失败" in check.detail and "数据仓库文件被其他进程占用" in check.detail
    assert run_status.last_failure_since_publish(serving)["run_id"] == result.run_id  # the 数据状态 banner

    body = smtp.wait_for(1)[0].message.get_body().get_content()
    for text in ("失败的步骤：", "ingest_landing_files（载入导出文件）", "WarehouseLocked: 数据仓库文件被其他进程占用",
                 "位置：", "pipelines/locks.py", "docs/operations.md#the-warehouse-is-locked",
                 "（已由本告警记入 pipeline_runs.jsonl）", "看板继续显示上一次发布的数据"):
        assert text in body, text

    evaluate_sensor(instance, result.dagster_run, result.get_run_failure_event())  # the tick evaluated again
    assert len(events_of(result.run_id, serving)) == 1
    print(f"\nlocked-warehouse run, sensor and e-mail: {time.monotonic() - started:.1f} s")


@pytest.mark.slow
def test_a_killed_run_is_recorded_and_emailed(e2e_run, data_dir, monkeypatch):
    """`kill -9` of a refresh while it loads (the process of `make pipeline`, i.e. `dagster job execute`).
    Dagster's code server marks such a run failed for a run the daemon launched; the test does what
    it does (pipelines/alerts.py reads the same events). Without SMTP the sensor records and logs only;
    with SMTP it e-mails the operators."""
    from dagster._core.instance.ref import InstanceRef
    from dagster._utils import get_run_crash_explanation

    shutil.copytree(e2e_run["root"] / "landing", data_dir / "landing", dirs_exist_ok=True)
    home = data_dir / "dagster_home"
    home.mkdir()
    env = {**os.environ, "DAGSTER_HOME": str(home), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    run = subprocess.Popen([str(Path(sys.executable).with_name("dagster")), "job", "execute", "-j", "refresh_warehouse",
                            "-m", "pipelines.definitions"], cwd=REPO_ROOT, env=env, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    instance = DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            runs = instance.get_runs()
            if runs and any(e.dagster_event.step_key == "ingest_landing_files" for e in
                            instance.all_logs(runs[0].run_id, of_type=DagsterEventType.STEP_START)):
                break
            assert run.poll() is None, "the refresh ended before it could be killed"
            time.sleep(0.1)
        else:
            pytest.fail("the refresh did not start loading within 120 s")
        os.killpg(run.pid, signal.SIGKILL)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    dagster_run = instance.get_run_by_id(runs[0].run_id)
    instance.report_engine_event(get_run_crash_explanation(f"Run execution process for {dagster_run.run_id}",
                                                           run.returncode), dagster_run)
    failure = instance.report_run_failed(dagster_run)
    # The step the kill landed in: loading, unless that was over within the poll (then the dbt build).
    ended = {e.dagster_event.step_key for e in instance.all_logs(dagster_run.run_id, of_type={
        DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE})}
    step = [e.dagster_event.step_key for e in instance.all_logs(dagster_run.run_id, of_type=DagsterEventType.STEP_START)
            if e.dagster_event.step_key not in ended][-1]
    stage, anchor = {"ingest_landing_files": ("载入导出文件", "a-run-is-killed-kill--9-out-of-memory-power-loss-during-loading"),
                     "sssg_dbt_assets": ("dbt 构建与数据测试", "a-run-is-killed-during-the-dbt-build")}[step]
    serving = data_dir / "serving" / "warehouse.duckdb"
    assert events_of(dagster_run.run_id, serving) == []  # what a killed run shows today: nothing

    evaluate_sensor(instance, instance.get_run_by_id(dagster_run.run_id), failure)  # no SMTP configured

    [event] = events_of(dagster_run.run_id, serving)
    assert event["stage"] == alerts.STAGE_OF_STEP[step]
    assert f"运行在「{stage}」阶段时进程被终止" in event["message"] and "SIGKILL" in event["message"]
    check = check_last_run(serving)
    assert check.status == FAIL and f"在「{stage}」失败" in check.detail

    sink, controller = smtp_sink.start()
    try:
        configure(monkeypatch, sink.port)
        evaluate_sensor(instance, instance.get_run_by_id(dagster_run.run_id), failure)
        msg = sink.wait_for(1)[0]
    finally:
        controller.stop()
    assert len(events_of(dagster_run.run_id, serving)) == 1
    body = msg.message.get_body().get_content()
    for text in ("作业：refresh_warehouse", f"运行进程在步骤 {step}（{stage}）中被终止",
                 "terminated by signal 9 (SIGKILL)", f"docs/operations.md#{anchor}", "怎么办：重新运行 make pipeline"):
        assert text in body, text
    assert "（已由本告警记入" not in body  # recorded by the first evaluation
