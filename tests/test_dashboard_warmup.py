"""The dashboard server warms its query cache for a new publish with the queries its readers ran."""
from __future__ import annotations

import time

import pytest

from dashboard import warmup
from serving.scope import CITY, Scope

COUNTY = Scope(region="210402")


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setattr(warmup, "_seen", warmup.Counter())
    monkeypatch.setattr(warmup, "_params", {})
    monkeypatch.setattr(warmup, "_thread", None)
    yield
    warmup.stop()


def test_replay_runs_the_most_asked_queries_first_against_the_new_version(tmp_path, monkeypatch):
    version = tmp_path / "v2.duckdb"
    version.write_bytes(b"")
    for _ in range(3):
        warmup.seen("SELECT b", ("x", ["a", "b"]), CITY)  # a list among the params, as the loaders pass
    warmup.seen("SELECT a", (), COUNTY)
    calls = []
    done, _ = warmup.replay(lambda *args: calls.append(args), version)
    assert done == 2
    # each query is replayed in the scope of the reader who asked it: a county's cache is its own
    assert calls == [(str(version), version.stat().st_mtime_ns, "SELECT b", ("x", ["a", "b"]), CITY),
                     (str(version), version.stat().st_mtime_ns, "SELECT a", (), COUNTY)]


def test_a_failing_query_is_left_to_the_page_and_the_rest_still_run(tmp_path):
    version = tmp_path / "v2.duckdb"
    version.write_bytes(b"")
    warmup.seen("SELECT missing", (), CITY)
    warmup.seen("SELECT missing", (), CITY)
    warmup.seen("SELECT ok", (), CITY)
    ran = []

    def runner(path, mtime_ns, sql, params, scope):
        if "missing" in sql:
            raise RuntimeError("Catalog Error: no such table")
        ran.append(sql)

    assert warmup.replay(runner, version)[0] == 1
    assert ran == ["SELECT ok"]


def test_the_remembered_queries_are_bounded(monkeypatch):
    monkeypatch.setattr(warmup, "MAX_REMEMBERED", 2)
    for n in range(5):
        warmup.seen(f"SELECT {n}", (), CITY)
    warmup.seen("SELECT 0", (), CITY)
    assert dict(warmup._seen) == {("SELECT 0", "()", CITY): 2, ("SELECT 1", "()", CITY): 1}


def test_the_watcher_warms_a_new_publish_once_and_not_the_version_it_started_with(tmp_path, monkeypatch):
    versions = [tmp_path / "v1.duckdb", tmp_path / "v2.duckdb"]
    for v in versions:
        v.write_bytes(b"")
    current = {"version": versions[0]}
    monkeypatch.setattr(warmup.snapshot, "current_version", lambda: current["version"])
    warmup.seen("SELECT 1", (), CITY)
    calls = []
    warmup.start(lambda path, *rest: calls.append(path), poll=0.02)
    warmup.start(lambda path, *rest: calls.append(("second watcher", path)), poll=0.02)  # one per process
    time.sleep(0.2)
    assert calls == []  # the version the server started with is warmed by its readers
    current["version"] = versions[1]  # a publish
    deadline = time.monotonic() + 5
    while not calls and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)
    assert calls == [str(versions[1])]
