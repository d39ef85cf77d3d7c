"""A warehouse lock held by another process: a step waits it out, else Dagster retries the step."""
from __future__ import annotations

import subprocess
import sys
import time

import duckdb
import pytest

from pipelines.locks import WarehouseLocked, wait_for_warehouse


def hold_lock(path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('locked', flush=True); time.sleep(float(sys.argv[2]))", str(path),
                               str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_step_waits_out_a_short_lock_and_names_the_holder_of_a_long_one(tmp_path):
    wh = tmp_path / "wh.duckdb"
    duckdb.connect(str(wh)).close()
    holder = hold_lock(wh, 1.5)
    with pytest.raises(WarehouseLocked, match="PID"):
        wait_for_warehouse(wh, wait=0.2)
    start = time.monotonic()
    wait_for_warehouse(wh, wait=30)
    assert time.monotonic() - start > 0.3
    holder.wait()


def test_dagster_retries_the_ingest_step_while_the_warehouse_is_locked(tmp_path, monkeypatch):
    from dagster import materialize

    from pipelines.assets.ingest import ingest_landing_files

    (tmp_path / "landing").mkdir()
    wh = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(wh)).close()
    monkeypatch.setenv("SSSG_DATA_DIR", str(tmp_path))
    for name in ("SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSSG_LOCK_WAIT_SECONDS", "0.5")
    monkeypatch.setenv("SSSG_LOCK_RETRY_SECONDS", "1")
    holder = hold_lock(wh, 2.5)
    try:
        result = materialize([ingest_landing_files])
    finally:
        holder.kill()
        holder.wait()
    assert result.success
    kinds = [e.event_type_value for e in result.all_events]
    assert "STEP_UP_FOR_RETRY" in kinds and kinds.count("STEP_START") + kinds.count("STEP_RESTARTED") >= 2
