"""The ingest's raw Parquet export (pipelines/ingest/parquet.py): monthly partitions that read back
equal to the warehouse, and a new batch rewrites only its own month."""
from __future__ import annotations

import duckdb

from pipelines.contract.warehouse import create_raw_schema
from pipelines.ingest.parquet import export_raw_parquet, raw_parquet_tables, read_raw_parquet_sql


def _add_region(warehouse, code: str, batch_date: str, row: int = 2) -> None:
    with duckdb.connect(str(warehouse)) as con:
        create_raw_schema(con)
        con.execute("INSERT INTO raw.jurisdiction VALUES (?, '某区', '区', '210400', ?, ?, '行政区划.csv', ?, "
                    "TIMESTAMP '2026-01-01 08:00:00')", [code, batch_date, batch_date, row])


def _read_back_equals_raw(warehouse, root) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in raw_parquet_tables():
            back = f"(SELECT * EXCLUDE (batch_month) FROM {read_raw_parquet_sql(root, table)})" \
                if any(root.joinpath(table).glob("batch_month=*")) else None
            raw = con.execute(f"SELECT * FROM raw.{table} ORDER BY ALL").fetchall()
            assert (con.execute(f"SELECT * FROM {back} ORDER BY ALL").fetchall() if back else []) == raw, table


def _month_files(root, table="jurisdiction") -> dict[str, int]:
    return {p.parent.name: p.stat().st_mtime_ns for p in (root / table).glob("batch_month=*/*.parquet")}


def test_export_is_monthly_and_reads_back_equal(tmp_path):
    warehouse, root = tmp_path / "w.duckdb", tmp_path / "raw_parquet"
    _add_region(warehouse, "210402", "2025-10-31")
    _add_region(warehouse, "210403", "2025-11-30")
    _add_region(warehouse, "210404", "2025-11-30", row=3)
    exports = {e.table: e for e in export_raw_parquet(warehouse, root)}
    assert set(exports) == set(raw_parquet_tables())
    assert sorted(_month_files(root)) == ["batch_month=2025-10", "batch_month=2025-11"]
    assert (exports["jurisdiction"].months_written, exports["jurisdiction"].rows_written) == (2, 3)
    assert exports["object"].months_total == 0 and not any((root / "object").iterdir())
    _read_back_equals_raw(warehouse, root)


def test_a_new_batch_rewrites_only_its_month(tmp_path):
    warehouse, root = tmp_path / "w.duckdb", tmp_path / "raw_parquet"
    _add_region(warehouse, "210402", "2025-10-31")
    _add_region(warehouse, "210403", "2025-11-30")
    export_raw_parquet(warehouse, root)
    before = _month_files(root)
    assert sum(e.months_written for e in export_raw_parquet(warehouse, root)) == 0  # nothing changed
    assert _month_files(root) == before

    _add_region(warehouse, "210404", "2025-12-31")  # next month's batch
    _add_region(warehouse, "210411", "2025-11-30", row=3)  # a late file of November
    jurisdiction = {e.table: e for e in export_raw_parquet(warehouse, root)}["jurisdiction"]
    after = _month_files(root)
    assert (jurisdiction.months_written, jurisdiction.months_total) == (2, 3)
    assert after["batch_month=2025-10"] == before["batch_month=2025-10"]  # untouched
    assert after["batch_month=2025-11"] != before["batch_month=2025-11"]
    assert "batch_month=2025-12" in after
    assert not list(root.rglob("*.tmp")) and not list(root.rglob("*.old"))
    _read_back_equals_raw(warehouse, root)


def test_the_dagster_ingest_asset_writes_the_parquet_when_asked(tmp_path, monkeypatch):
    from dagster import materialize

    from pipelines.assets.ingest import ingest_landing_files
    from tests.export_files import write_csv
    from tests.test_ingest import BATCH, TASK_HEADER, task_row

    write_csv(tmp_path / "landing" / BATCH / "抽查任务_202007.csv", [TASK_HEADER, task_row(), task_row("T-2020-0002")])
    monkeypatch.setenv("SSSG_DATA_DIR", str(tmp_path))
    for name in ("SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSSG_RAW_PARQUET_DIR", str(tmp_path / "raw_parquet"))
    assert materialize([ingest_landing_files]).success
    months = sorted(p.relative_to(tmp_path / "raw_parquet").parent.as_posix()
                    for p in (tmp_path / "raw_parquet").glob("*/batch_month=*/*.parquet"))
    assert months == ["load_log/batch_month=2020-08", "task/batch_month=2020-08"]
    _read_back_equals_raw(tmp_path / "warehouse.duckdb", tmp_path / "raw_parquet")
