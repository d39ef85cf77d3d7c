"""Backups and restore (pipelines/backup.py, pipelines/backup_defs.py) and the retention of old versions.

Real DuckDB throughout. Most tests use a small hand-made warehouse (several schemas, every column type
the export has to carry, NULLs, duplicate rows, an empty table, a view) published to a real serving
file: building it takes well under a second. One slow test backs up the dbt-built warehouse of the
session's end-to-end run (`e2e_run`, shared with the other end-to-end tests) and restores it.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import backup, publish, run_lock
from pipelines.reports import store

REPO = Path(__file__).resolve().parent.parent

READER = r"""
import sys, time, duckdb
warehouse, serving = sys.argv[1], sys.argv[2]
# as the dashboard: the serving version the link points at, read-only; and a read-only warehouse connection
srv = duckdb.connect(serving, read_only=True)
wh = duckdb.connect(warehouse, read_only=True)
srv.execute("SELECT count(*) FROM marts.fct_score").fetchone()
wh.execute("SELECT count(*) FROM raw.load_log").fetchone()
print("ready", flush=True)
for line in sys.stdin:  # one query round per line; EOF ends
    srv.execute("SELECT sum(score) FROM marts.fct_score").fetchone()
    wh.execute("SELECT count(*) FROM raw.entity").fetchone()
    print("ok", flush=True)
srv.close(); wh.close()
"""


def make_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute(r"""
        CREATE SCHEMA raw; CREATE SCHEMA staging; CREATE SCHEMA intermediate; CREATE SCHEMA marts;
        CREATE SCHEMA seeds; CREATE SCHEMA "奇 怪";
        CREATE TABLE raw.load_log (batch_id VARCHAR, batch_date DATE, file_name VARCHAR, rows_read BIGINT,
                                   loaded_at TIMESTAMP, sha256 VARCHAR);
        INSERT INTO raw.load_log VALUES
          ('20200803_导出', '2020-08-03', '市场主体名录.csv', 3, '2020-08-03 10:00:00.123456', repeat('a', 64)),
          ('20200903_导出', '2020-09-03', 'ｆｕｌｌ－ｗｉｄｔｈ.xlsx', 0, NULL, NULL);
        CREATE TABLE raw.entity (uscc VARCHAR, name VARCHAR, registered DATE, capital DECIMAL(18, 4),
            ratio DOUBLE, big HUGEINT, flags BOOLEAN[], attrs STRUCT(county VARCHAR, code INTEGER),
            tags MAP(VARCHAR, INTEGER), seen TIMESTAMPTZ, at_ns TIMESTAMP_NS, t TIME, payload BLOB, id UUID,
            span INTERVAL, u UBIGINT);
        INSERT INTO raw.entity VALUES
          ('91210400MA0QC1X29K', '抚顺市新抚区某某商贸有限公司', '1991-05-06', 12345678901234.5678, 0.1 + 0.2,
           170141183460469231731687303715884105727, [true, NULL], {'county': '新抚区', 'code': 210402},
           MAP {'a': 1}, '2020-07-03 10:11:12+08', '2020-01-01 00:00:00.123456789', '23:59:59.999999',
           '\xAA\x00\xFF'::BLOB, '8a0c1a40-2b7e-4c67-9f0b-6a1a5e4f0d11', INTERVAL '1 month 3 days', 18446744073709551615),
          ('91210400MA0QC1X29K', '抚顺市新抚区某某商贸有限公司', '1991-05-06', 12345678901234.5678, 0.1 + 0.2,
           170141183460469231731687303715884105727, [true, NULL], {'county': '新抚区', 'code': 210402},
           MAP {'a': 1}, '2020-07-03 10:11:12+08', '2020-01-01 00:00:00.123456789', '23:59:59.999999',
           '\xAA\x00\xFF'::BLOB, '8a0c1a40-2b7e-4c67-9f0b-6a1a5e4f0d11', INTERVAL '1 month 3 days', 18446744073709551615),
          (NULL, '', NULL, NULL, 'NaN'::DOUBLE, -1, [], {'county': NULL, 'code': NULL}, MAP {}, NULL, NULL, NULL,
           ''::BLOB, NULL, NULL, 0),
          ('x', '<a href="x">链接</a>; DROP TABLE t', '2999-12-31', -0.0001, '-inf'::DOUBLE, 0, NULL, NULL, NULL,
           'infinity', NULL, '00:00:00', NULL, NULL, INTERVAL '0 seconds', NULL);
        CREATE TABLE staging.stg_task AS
          SELECT range AS task_id, 'task ' || range AS name, DATE '2020-01-01' + (range % 2000)::INTEGER AS start_date,
                 CASE WHEN range % 7 = 0 THEN NULL ELSE range * 1.5 END AS amount
          FROM range(20000);
        CREATE TABLE intermediate.int_empty (a INTEGER, b VARCHAR);
        CREATE TABLE marts.fct_score AS
          SELECT '部门' || (range % 120) AS unit, 2020 + range % 6 AS year, round(random() * 100, 1) AS score
          FROM range(5000);
        CREATE TABLE marts.dim_settings AS SELECT DATE '2025-12-31' AS as_of_date;
        CREATE TABLE seeds.code_labels (code VARCHAR, label VARCHAR);
        INSERT INTO seeds.code_labels VALUES ('A', '甲'), ('B', '乙'), ('A', '甲');
        CREATE TABLE "奇 怪"."表 一" ("列 A" INTEGER, "select" VARCHAR);
        INSERT INTO "奇 怪"."表 一" VALUES (1, 'it''s'), (2, '"quoted"');
        CREATE VIEW marts.v_units AS SELECT DISTINCT unit FROM marts.fct_score;
    """)
    con.close()


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A data folder as the operated system has it: warehouse, a published serving file (a link into
    its versions), a Dagster home with a SQLite database, every path following SSSG_DATA_DIR."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("SSSG_DATA_DIR", str(data))
    for name in ("SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH", "SSSG_BACKUP_DIR",
                 "SSSG_BACKUP_KEEP", "SSSG_SERVING_VERSIONS_KEEP", "SSSG_REPORT_VERSIONS_KEEP"):
        monkeypatch.delenv(name, raising=False)
    home = data / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    db = sqlite3.connect(home / "probe.db")  # a SQLite database in WAL mode, its WAL not yet checkpointed
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE runs (run_id TEXT, status TEXT)")
    db.execute("INSERT INTO runs VALUES ('r1', 'SUCCESS')")
    db.commit()
    site_db.append(db)  # held open through the test, as the Dagster daemon holds its databases
    warehouse = data / "warehouse.duckdb"
    make_warehouse(warehouse)
    serving = data / "serving" / "warehouse.duckdb"
    publish.publish(warehouse, serving, "run-0001")
    yield {"data": data, "warehouse": warehouse, "serving": serving, "home": home, "backups": data / "backups"}
    site_db.pop().close()


site_db: list = []


def tables_of(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    return con.execute("SELECT table_schema, table_name FROM information_schema.tables WHERE table_catalog = ? "
                       "AND table_type = 'BASE TABLE' ORDER BY ALL", [catalog]).fetchall()


def assert_same_tables(original: Path, restored: Path) -> int:
    """Every table of every schema: the same tables, columns and types, and the same rows (EXCEPT ALL
    both ways, and the counts). Returns the number of tables compared."""
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ? AS a (READ_ONLY)", [str(original)])
    con.execute("ATTACH ? AS b (READ_ONLY)", [str(restored)])
    try:
        tables = tables_of(con, "a")
        assert tables == tables_of(con, "b")
        columns = ("SELECT table_schema, table_name, column_name, data_type, ordinal_position "
                   "FROM information_schema.columns WHERE table_catalog = ? ORDER BY ALL")
        assert con.execute(columns, ["a"]).fetchall() == con.execute(columns, ["b"]).fetchall()
        for schema, table in tables:
            a, b = f'a."{schema}"."{table}"', f'b."{schema}"."{table}"'
            only_a, only_b, rows_a, rows_b = con.execute(
                f"SELECT (SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})), "
                f"(SELECT count(*) FROM (SELECT * FROM {b} EXCEPT ALL SELECT * FROM {a})), "
                f"(SELECT count(*) FROM {a}), (SELECT count(*) FROM {b})").fetchone()
            assert (only_a, only_b, rows_a) == (0, 0, rows_b), f"{schema}.{table}"
        return len(tables)
    finally:
        con.close()


def snapshot_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def start_reader(warehouse: Path, serving: Path) -> subprocess.Popen:
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse), str(serving.resolve())],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == "ready"
    return reader


def reader_round(reader: subprocess.Popen) -> None:
    reader.stdin.write("go\n")
    reader.stdin.flush()
    assert reader.stdout.readline().strip() == "ok"


def stop_reader(reader: subprocess.Popen) -> None:
    reader.stdin.close()
    assert reader.wait(timeout=30) == 0


# --- backup while serving, restore, identical --------------------------------------------------------

def test_backup_taken_while_serving_restores_identical_tables(site, tmp_path):
    reader = start_reader(site["warehouse"], site["serving"])
    try:
        folder = backup.create()
        reader_round(reader)  # the reader went on reading both files throughout
    finally:
        stop_reader(reader)

    assert folder.parent == site["backups"] and backup.NAME_RE.match(folder.name)
    assert folder.name.endswith("+0800")  # Asia/Shanghai time in the name
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert man["created_at"].endswith("+08:00")
    by_table = {(t["schema"], t["table"]): t["rows"] for t in man["warehouse"]["tables"]}
    assert by_table[("raw", "entity")] == 4 and by_table[("staging", "stg_task")] == 20000
    assert by_table[("intermediate", "int_empty")] == 0 and by_table[("奇 怪", "表 一")] == 2
    paths = {f["path"] for f in man["files"]}
    assert {"warehouse/schema.sql", "warehouse/load.sql", "dagster_home/dagster.yaml",
            "dagster_home/probe.db"} <= paths
    assert all(len(f["sha256"]) == 64 and f["bytes"] >= 0 for f in man["files"])
    assert man["total_bytes"] == sum(f["bytes"] for f in man["files"])
    assert not list(site["backups"].glob(".*")), "no temporary folder left"
    assert not run_lock.lock_path(site["warehouse"]).exists(), "the run lock is given back"

    restored = tmp_path / "elsewhere" / "warehouse.duckdb"
    summary = backup.restore(folder, restored)
    assert summary["before_restore"] is None and summary["tables"] == 8
    assert assert_same_tables(site["warehouse"], restored) == 8
    probe = sqlite3.connect(folder / "dagster_home" / "probe.db")  # the WAL's rows are in the copy
    assert probe.execute("SELECT * FROM runs").fetchall() == [("r1", "SUCCESS")]
    probe.close()
    con = duckdb.connect(str(restored), read_only=True)  # the view came back too
    assert con.execute("SELECT count(*) FROM marts.v_units").fetchone()[0] == 120
    con.close()


def test_restore_in_place_swaps_and_keeps_the_replaced_warehouse(site, tmp_path):
    folder = backup.create()
    pristine = tmp_path / "pristine.duckdb"
    backup.restore(folder, pristine)
    con = duckdb.connect(str(site["warehouse"]))  # work after the backup, to be undone by the restore
    con.execute("INSERT INTO raw.load_log VALUES ('20201003_导出', '2020-10-03', 'later.csv', 1, NULL, NULL)")
    con.execute("DROP TABLE seeds.code_labels")
    con.close()

    summary = backup.restore(folder)
    assert Path(summary["warehouse"]) == site["warehouse"]
    assert_same_tables(pristine, site["warehouse"])
    before = Path(summary["before_restore"])
    assert before.name.startswith("warehouse.duckdb.before-restore-") and before.parent == site["data"]
    con = duckdb.connect(str(before), read_only=True)
    assert con.execute("SELECT count(*) FROM raw.load_log").fetchone()[0] == 3  # the replaced one, as it was
    con.close()
    assert not list(site["data"].glob(".*.tmp")) and not run_lock.lock_path(site["warehouse"]).exists()


def test_restore_replaces_a_damaged_warehouse(site, tmp_path):
    folder = backup.create()
    pristine = tmp_path / "pristine.duckdb"
    backup.restore(folder, pristine)
    site["warehouse"].write_bytes(b"not a database any more" * 100)  # the reason to restore
    summary = backup.restore(folder)
    assert_same_tables(pristine, site["warehouse"])
    assert Path(summary["before_restore"]).read_bytes() == b"not a database any more" * 100


# --- refusals: the current warehouse untouched ---------------------------------------------------------

def _untouched(site, before: dict[str, bytes]) -> None:
    assert snapshot_files(site["data"]) == before
    assert not list(site["data"].glob("*.before-restore-*")) and not list(site["data"].glob(".*"))


def test_restore_refuses_a_folder_without_manifest(site, tmp_path):
    before = snapshot_files(site["data"])
    fake = tmp_path / "not-a-backup"
    (fake / "warehouse").mkdir(parents=True)
    (fake / "warehouse" / "schema.sql").write_text("CREATE SCHEMA x;\n")
    with pytest.raises(backup.BackupInvalid, match="不是备份：没有可读的 manifest.json"):
        backup.restore(fake)
    (fake / "manifest.json").write_text('{"format": "something else"}')
    with pytest.raises(backup.BackupInvalid, match="不是 sssg-backup 格式"):
        backup.restore(fake)
    with pytest.raises(backup.BackupInvalid, match="不存在"):
        backup.restore(tmp_path / "missing")
    _untouched(site, before)


def test_restore_refuses_a_file_whose_sha256_does_not_match(site):
    folder = backup.create()
    before = snapshot_files(site["data"])
    parquet = next((folder / "warehouse").glob("raw_entity*.parquet"))
    data = bytearray(parquet.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, other content
    parquet.write_bytes(bytes(data))
    with pytest.raises(backup.BackupInvalid, match=rf"{parquet.name}：sha256 与清单不符"):
        backup.restore(folder)
    _untouched(site, before)
    assert folder in [b.path for b in backup.list_backups()]  # listed still, but never restored


def test_restore_refuses_while_another_process_writes_the_warehouse(site, tmp_path):
    folder = backup.create()
    before = snapshot_files(site["data"])
    writer = subprocess.Popen([sys.executable, "-c", "import sys, duckdb; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); sys.stdin.read()", str(site["warehouse"])],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        with pytest.raises(backup.RestoreFailed, match="另一个进程正打开数据仓库"):
            backup.restore(folder)
    finally:
        writer.stdin.close()
        writer.wait(timeout=30)
    _untouched(site, before)


def test_cli_and_make_refuse_clearly(site, tmp_path):
    env = {**os.environ}
    bad = subprocess.run([sys.executable, "-m", "pipelines.backup", "restore", str(tmp_path)], cwd=REPO, env=env,
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "不是备份" in bad.stderr
    made = subprocess.run(["make", "--no-print-directory", "-s", "restore"], cwd=REPO, env=env,
                          capture_output=True, text=True)
    assert made.returncode != 0 and "make restore needs BACKUP=<backup folder>" in made.stdout


# --- one writer: the run lock --------------------------------------------------------------------------

def test_backup_is_refused_while_a_refresh_holds_the_warehouse(site):
    refresh = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = run_lock.lock_path(site["warehouse"])
        lock.write_text(json.dumps({"run_id": "refresh-abc", "started_at": "2026-12-04T02:29:00",
                                    "host": __import__("socket").gethostname(), "pid": refresh.pid}))
        with pytest.raises(run_lock.RunInProgress, match="refresh-abc.*备份没有进行"):
            backup.create()
        assert backup.list_backups() == [] and not list(site["backups"].glob(".*"))
        assert json.loads(lock.read_text())["run_id"] == "refresh-abc"  # its lock left alone

        threading.Timer(1.0, lock.unlink).start()  # the refresh ends while the backup waits
        folder = backup.create(wait=30)
        assert folder.is_dir() and not lock.exists()
    finally:
        refresh.kill()
        refresh.wait()


# --- retention -----------------------------------------------------------------------------------------

def test_keeps_the_newest_backups(site, monkeypatch):
    monkeypatch.setenv("SSSG_BACKUP_KEEP", "2")
    stale = site["backups"] / ".sssg-backup-20200101T000000+0800.999999999.tmp"  # a backup that died
    stale.mkdir(parents=True)
    made = [backup.create(include_dagster=False) for _ in range(4)]
    assert [b.path for b in backup.list_backups()] == made[-2:]
    assert not stale.exists()
    assert all(not p.exists() for p in made[:2])
    monkeypatch.setenv("SSSG_BACKUP_KEEP", "0")
    with pytest.raises(ValueError, match="SSSG_BACKUP_KEEP"):
        backup.create()


def test_serving_pruning_never_removes_the_linked_version(site, monkeypatch):
    serving = site["serving"]
    for i in range(4):
        time.sleep(0.01)
        publish.publish(site["warehouse"], serving, f"run-{i + 2:04d}")
    versions = sorted(publish.versions_dir(serving).glob("*.duckdb"))
    assert len(versions) == 5  # all within the grace period a reader may still be on one
    publish.point_at(serving, versions[0])  # the link on the oldest (a publish rolled back by hand)
    monkeypatch.setenv("SSSG_SERVING_VERSIONS_KEEP", "2")
    removed = publish.prune_versions(serving, now=time.time() + publish.GRACE_SECONDS + 1)
    left = sorted(publish.versions_dir(serving).glob("*.duckdb"))
    assert left == [versions[0], *versions[-2:]] and sorted(removed) == versions[1:3]
    assert serving.resolve() == versions[0]
    assert publish.prune_versions(serving, now=time.time() + 10_000, keep=1) == [versions[3]]
    assert serving.resolve() == versions[0] and versions[4].exists()  # linked and newest


def test_report_pruning_never_removes_the_newest_version(site, monkeypatch):
    root = site["data"] / "reports"
    monkeypatch.setenv("SSSG_REPORT_VERSIONS_KEEP", "2")
    for i in range(4):
        store.save("monthly", "2025-06", {"r.pdf": f"v{i}".encode()}, {"generated_at": str(i)}, root)
        store.save("monthly", "2025-07", {"r.pdf": f"v{i}".encode()}, {"generated_at": str(i)}, root)
    for period in ("2025-06", "2025-07"):
        kept = store.versions("monthly", period, root)
        assert [v["generated_at"] for v in kept] == ["3", "2"]  # pruned as each report was stored
        assert store.get_report("monthly", period, root)["generated_at"] == "3"
    # the link put back on an older version by hand: neither it nor the newest is removed
    vdir = root / "monthly" / "versions" / "2025-06"
    older = sorted(p.name for p in vdir.iterdir())[0]
    link = root / "monthly" / "2025-06"
    link.unlink()
    link.symlink_to(Path("versions") / "2025-06" / older)
    assert store.prune("monthly", "2025-06", keep=1, root=root) == []
    monkeypatch.setenv("SSSG_REPORT_VERSIONS_KEEP", "1")
    assert [p.parent.name for p in store.prune_all(root=root)] == ["2025-07"]
    assert [v["generated_at"] for v in store.versions("monthly", "2025-07", root)] == ["3"]
    assert len(store.versions("monthly", "2025-06", root)) == 2


# --- Dagster -------------------------------------------------------------------------------------------

def test_backup_schedule_runs_daily_as_a_warehouse_writer():
    from dagster import DefaultScheduleStatus

    from pipelines.definitions import defs

    schedule = defs.resolve_schedule_def("backup_schedule")
    assert schedule.default_status == DefaultScheduleStatus.RUNNING
    assert schedule.cron_schedule == "30 2 * * *" and schedule.execution_timezone == "Asia/Shanghai"
    job = defs.resolve_job_def(schedule.job_name)
    assert job.name == "backup_warehouse" and job.tags.get("sssg/warehouse") == "writer"
    assert 0 < int(job.tags["dagster/max_runtime"]) <= 2 * 3600  # nothing runs for ever


def test_backup_job_backs_up_the_running_dagster_instance(site, tmp_path):
    from dagster import DagsterInstance

    from pipelines.backup_defs import backup_job

    home = site["home"]
    with DagsterInstance.from_config(str(home)) as instance:  # a real instance in DAGSTER_HOME (SQLite)
        result = backup_job.execute_in_process(instance=instance)
        assert result.success
        run_id = result.run_id
    [made] = backup.list_backups()
    man = backup.read_manifest(made.path)
    assert man["made_by"] == f"dagster run {run_id}"
    assert "dagster_home/history/runs.db" in {f["path"] for f in man["files"]}
    new_home = tmp_path / "restored_home"
    summary = backup.restore(made.path, tmp_path / "wh.duckdb", dagster=True, home=new_home)
    assert summary["dagster_home"]["before_restore"] is None
    with DagsterInstance.from_config(str(new_home)) as restored:
        assert restored.get_run_by_id(run_id) is not None  # the backup's own run, as it was when copied


# --- the dbt-built warehouse --------------------------------------------------------------------------

@pytest.mark.slow
def test_backup_of_the_built_warehouse_restores_identical_tables(e2e_run, tmp_path, monkeypatch):
    root = e2e_run["root"]
    warehouse, serving = root / "warehouse.duckdb", root / "serving" / "warehouse.duckdb"
    monkeypatch.setenv("SSSG_DATA_DIR", str(root))
    monkeypatch.setenv("SSSG_BACKUP_DIR", str(tmp_path / "backups"))
    reader = subprocess.Popen(
        [sys.executable, "-c", "import sys, duckdb; a = duckdb.connect(sys.argv[1], read_only=True); "
         "b = duckdb.connect(sys.argv[2], read_only=True); a.execute('SELECT count(*) FROM marts.dim_unit'); "
         "b.execute('SELECT count(*) FROM raw.load_log'); print('ready', flush=True); sys.stdin.read()",
         str(serving.resolve()), str(warehouse)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ready"
        folder = backup.create(warehouse, home=tmp_path / "no_dagster_home")
    finally:
        reader.stdin.close()
        assert reader.wait(timeout=30) == 0
    restored = tmp_path / "restored" / "warehouse.duckdb"
    backup.restore(folder, restored)
    assert assert_same_tables(warehouse, restored) >= 90  # raw, seeds, staging, intermediate, marts
