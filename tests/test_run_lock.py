"""Two refresh runs at once (issue 17): the second is refused at its first step, says who holds the
warehouse, is logged for the status page, and touches nothing; a lock left by a killed run is stale."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipelines import run_lock, run_status


def never_heard_of(run_id):
    return None


def test_a_second_run_is_refused_naming_the_first_and_the_same_run_passes(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    run_lock.acquire(wh, "run-A", never_heard_of)
    run_lock.acquire(wh, "run-A", never_heard_of)  # a later step (or a retry) of the holding run
    with pytest.raises(run_lock.RunInProgress, match="另一个刷新运行（run-A，.* 开始）正在使用数据仓库：本次运行没有开始"):
        run_lock.acquire(wh, "run-B", never_heard_of)
    run_lock.release(wh, "run-B")  # not the holder: nothing happens
    assert run_lock.holder(wh)["run_id"] == "run-A"
    run_lock.release(wh, "run-A")
    run_lock.acquire(wh, "run-B", never_heard_of)
    assert run_lock.holder(wh)["run_id"] == "run-B"


def test_a_lock_left_by_a_killed_run_or_an_ended_run_is_taken_over(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    lock = json.loads(json.dumps({"run_id": "run-killed", "started_at": "2026-01-01T00:00:00",
                                  "host": __import__("socket").gethostname(), "pid": gone.pid}))
    run_lock.lock_path(wh).write_text(json.dumps(lock), encoding="utf-8")
    run_lock.acquire(wh, "run-B", lambda run_id: True)  # its process is gone, whatever Dagster says
    assert run_lock.holder(wh)["run_id"] == "run-B"
    run_lock.acquire(wh, "run-C", lambda run_id: False)  # run-B's process lives (this one), but Dagster says it ended
    assert run_lock.holder(wh)["run_id"] == "run-C"


def test_the_second_dagster_run_fails_at_ingest_logged_and_untouched(tmp_path, monkeypatch):
    from dagster import materialize

    from pipelines.assets.ingest import ingest_landing_files

    (tmp_path / "landing").mkdir()
    monkeypatch.setenv("SSSG_DATA_DIR", str(tmp_path))
    for name in ("SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH"):
        monkeypatch.delenv(name, raising=False)
    wh = tmp_path / "warehouse.duckdb"
    run_lock.acquire(wh, "first-run", never_heard_of)  # held by a live process (this one), recently: running

    result = materialize([ingest_landing_files], raise_on_error=False)
    assert not result.success
    assert not wh.exists(), "the refused run must not open (or create) the warehouse"
    [event] = run_status.history(tmp_path / "serving" / "warehouse.duckdb")
    assert (event["stage"], event["outcome"]) == ("ingest", "failed")
    assert "另一个刷新运行（first-run" in event["message"] and "未做任何更改" in event["message"]

    run_lock.release(wh, "first-run")
    assert materialize([ingest_landing_files]).success
    assert run_lock.holder(wh) is None, "a run of the ingest alone gives the lock back when it ends"
