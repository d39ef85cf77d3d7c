"""考核办 regenerates a stored report from the reports page: the dashboard submits the report job for that
period to a real Dagster webserver (its GraphQL API), where it waits in the run queue (deploy/dagster.yaml)
for the daemon, tagged with the period's partition, who asked and no e-mail; the access log has it. With
no webserver the page says what to do. A reader without the right has no button."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import audit
from pipelines.reports import store
from tests.oidc_provider import free_port

pytestmark = pytest.mark.slow
REPO_ROOT = Path(__file__).resolve().parents[1]
PAGE = str(REPO_ROOT / "dashboard" / "views" / "reports.py")


@pytest.fixture
def stored(tmp_path, monkeypatch):
    monkeypatch.setenv("SSSG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SSSG_AUDIT_PATH", str(tmp_path / "audit.sqlite3"))
    store.save("annual", "2021", {"annual-2021.pdf": b"%PDF-1.4", "annual-2021.xlsx": b"xlsx"},
               {"title": "2021年度考核报告"})
    return tmp_path


@pytest.fixture
def dagster_webserver(stored):
    home = stored / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")  # the run queue, as make run
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "SSSG_DATA_DIR": str(stored / "data")}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("dagster-webserver")), "-w", "workspace.yaml",
                             "-h", "127.0.0.1", "-p", str(port)], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2):
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "dagster-webserver did not start"
                time.sleep(0.5)
        yield {"url": f"http://127.0.0.1:{port}", "home": home}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def run_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_assessment_office_regenerates_a_period_through_dagsters_run_queue(dagster_webserver, monkeypatch):
    monkeypatch.setenv("SSSG_DAGSTER_URL", dagster_webserver["url"])
    at = run_page()  # AppTest reads as the operator, who may regenerate as 考核办 may
    at.button(key="regenerate-annual-2021").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] and "已提交重新生成" in at.success[0].value
    from dagster import DagsterInstance, DagsterRunStatus

    monkeypatch.setenv("DAGSTER_HOME", str(dagster_webserver["home"]))
    with DagsterInstance.get() as instance:
        runs = instance.get_runs()
        assert len(runs) == 1
        run = runs[0]
        assert run.job_name == "annual_report_job" and run.status == DagsterRunStatus.QUEUED
        assert run.tags["dagster/partition"] == "2021" and run.tags["sssg/mail"] == "off"
        assert run.tags["sssg/requested_by"].startswith("operator@")
    events = audit.read()
    assert list(events["event"]) == [audit.REGENERATE]
    assert events["detail"][0] == f"annual 2021 run {run.run_id}"


def test_without_dagster_the_page_says_what_to_do(stored, monkeypatch):
    monkeypatch.setenv("SSSG_DAGSTER_URL", f"http://127.0.0.1:{free_port()}")
    at = run_page()
    at.button(key="regenerate-annual-2021").click().run()
    assert "无法提交重新生成" in at.error[0].value and "make run" in at.error[0].value
    assert audit.read().empty


def test_a_reader_without_the_right_has_no_button(stored, monkeypatch):
    from dashboard import auth, roles
    from serving.scope import CITY

    monkeypatch.setattr(auth, "current", lambda: roles.Reader("l@x", "l", roles.LEADING_GROUP, CITY))
    at = run_page()
    assert "annual-2021.pdf" in [b.label for b in at.get("download_button")] or at.get("download_button")
    assert not [b for b in at.button if (b.key or "").startswith("regenerate-")]
