"""Publishing: immutable version files behind an atomically re-pointed link; readers pin one version."""
from __future__ import annotations

import os
import time

import duckdb
import pytest

from pipelines import run_status
from pipelines.publish import GRACE_SECONDS, KEEP_VERSIONS, prune_versions, publish, versions_dir


def make_warehouse(path, value: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts; CREATE SCHEMA IF NOT EXISTS raw")
        con.execute("CREATE OR REPLACE TABLE marts.a AS SELECT ? AS v", [value])
        con.execute("CREATE OR REPLACE TABLE marts.b AS SELECT ? * 10 AS v", [value])
        con.execute("CREATE OR REPLACE TABLE raw.load_log AS SELECT 'b1' AS batch_id, DATE '2025-01-02' AS batch_date")


def read(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT (SELECT v FROM marts.a), (SELECT v FROM marts.b), "
                           "(SELECT count(*) FROM meta.publish_log)").fetchone()


def test_each_publish_is_a_new_file_and_the_link_moves_atomically(tmp_path):
    wh, serving = tmp_path / "wh.duckdb", tmp_path / "serving" / "warehouse.duckdb"
    make_warehouse(wh, 1)
    first = publish(wh, serving, "run-one")
    make_warehouse(wh, 2)
    second = publish(wh, serving, "run-two")
    assert serving.is_symlink() and serving.resolve().name == second["version"]
    assert (versions_dir(serving) / first["version"]).is_file()  # a reader mid-page can finish on it
    assert read(serving) == (2, 20, 2)  # the publish history is carried forward
    assert read(versions_dir(serving) / first["version"]) == (1, 10, 1)  # never modified again
    assert not list(serving.parent.glob(".*")) and not list(versions_dir(serving).glob(".*"))


def test_a_legacy_plain_file_is_replaced_by_the_link(tmp_path):
    wh, serving = tmp_path / "wh.duckdb", tmp_path / "warehouse.duckdb"
    make_warehouse(wh, 3)
    with duckdb.connect(str(serving)) as con:
        con.execute("CREATE SCHEMA meta; CREATE TABLE meta.publish_log AS SELECT TIMESTAMP '2024-01-01' AS published_at,"
                    " 'old' AS run_id, 1::BIGINT AS b, DATE '2024-01-01' AS d, 1::BIGINT AS t")
    publish(wh, serving, "run-new")
    assert serving.is_symlink() and read(serving) == (3, 30, 2)


def test_the_temporary_file_of_a_killed_publish_is_removed_and_a_live_ones_kept(tmp_path):
    wh, serving = tmp_path / "wh.duckdb", tmp_path / "warehouse.duckdb"
    make_warehouse(wh, 1)
    versions_dir(serving).mkdir(parents=True)
    dead = versions_dir(serving) / ".20250101T000000000000-x.duckdb.999999999.tmp"
    live = versions_dir(serving) / f".20250101T000000000000-y.duckdb.{os.getppid()}.tmp"
    dead.write_bytes(b"half a file")
    live.write_bytes(b"being written")
    publish(wh, serving, "run")
    assert not dead.exists() and live.exists()


def test_old_versions_go_only_after_the_grace_period_and_never_the_current(tmp_path):
    wh, serving = tmp_path / "wh.duckdb", tmp_path / "warehouse.duckdb"
    make_warehouse(wh, 1)
    for i in range(KEEP_VERSIONS + 2):
        publish(wh, serving, f"run-{i}")
    assert len(list(versions_dir(serving).glob("*.duckdb"))) == KEEP_VERSIONS + 2  # all within the grace period
    removed = prune_versions(serving, now=time.time() + GRACE_SECONDS + 1)
    left = sorted(versions_dir(serving).glob("*.duckdb"))
    assert len(removed) == 2 and len(left) == KEEP_VERSIONS and serving.resolve() in left


def test_a_page_reads_the_version_it_pinned_while_a_publish_lands(tmp_path, monkeypatch):
    from dashboard import data

    wh, serving = tmp_path / "wh.duckdb", tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("SSSG_SERVING_PATH", str(serving))
    make_warehouse(wh, 1)
    publish(wh, serving, "run-one")
    with data.snapshot():
        a = data.query("SELECT v FROM marts.a").iloc[0, 0]
        make_warehouse(wh, 2)
        publish(wh, serving, "run-two")
        b = data.query("SELECT v FROM marts.b").iloc[0, 0]
    assert (a, b) == (1, 10)  # both from the first publish, though the second landed in between
    assert data.query("SELECT v FROM marts.b").iloc[0, 0] == 20


def test_run_history_keeps_failures_until_a_run_publishes_and_skips_a_torn_line(tmp_path):
    serving = tmp_path / "warehouse.duckdb"
    assert run_status.last_failure_since_publish(serving) is None
    run_status.record("r1", "publish", "published", "ok", serving=serving)
    run_status.record("r2", "dbt", "failed", "dbt 构建未通过", ["not_null_x: fail: Got 3 results"], serving=serving)
    with run_status.history_path(serving).open("a") as fh:
        fh.write('{"at": "2025-')  # a writer killed mid-line
    failure = run_status.last_failure_since_publish(serving)
    assert failure["run_id"] == "r2" and failure["details"] == ["not_null_x: fail: Got 3 results"]
    run_status.record("r3", "publish", "published", "ok", serving=serving)
    assert run_status.last_failure_since_publish(serving) is None
    assert [e["run_id"] for e in run_status.history(serving)] == ["r3", "r2", "r1"]
