"""Publishing the serving artefact the dashboard reads.

The dashboard never opens the warehouse (DuckDB: one writer OR readers). After a successful build
the marts are copied into a new DuckDB file under a temporary name, checkpointed, closed and then
atomically renamed over the serving path: readers see the old publish or the new one, never a mix.
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts",)
PUBLISH_LOG_COLUMNS = "published_at TIMESTAMP, run_id VARCHAR, warehouse_batches BIGINT, latest_batch_date DATE, tables BIGINT"


def publish(warehouse: Path, serving: Path, run_id: str) -> dict:
    """Copy the published schemas of `warehouse` into a fresh file and swap it onto `serving`."""
    serving.parent.mkdir(parents=True, exist_ok=True)
    tmp = serving.with_name(f".{serving.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    published_at = datetime.now().replace(microsecond=0)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute("ATTACH ? AS srv (READ_WRITE)", [str(tmp)])
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() AND table_schema IN (SELECT unnest(?)) "
            "AND table_type = 'BASE TABLE' ORDER BY ALL",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        if not tables:
            raise RuntimeError(f"nothing to publish: no tables in schemas {PUBLISHED_SCHEMAS} of {warehouse}")
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS srv.{schema}")
        for schema, table in tables:
            con.execute(f'CREATE TABLE srv.{schema}."{table}" AS SELECT * FROM {schema}."{table}"')
        batches, latest = con.execute("SELECT count(DISTINCT batch_id), max(batch_date) FROM raw.load_log").fetchone()
        con.execute("CREATE SCHEMA srv.meta")
        con.execute(f"CREATE TABLE srv.meta.publish_log ({PUBLISH_LOG_COLUMNS})")
        if serving.exists():  # keep the publish history
            con.execute("ATTACH ? AS previous (READ_ONLY)", [str(serving)])
            try:
                con.execute("INSERT INTO srv.meta.publish_log SELECT * FROM previous.meta.publish_log")
            except duckdb.CatalogException:
                pass  # an artefact from before the publish log existed
            con.execute("DETACH previous")
        con.execute("INSERT INTO srv.meta.publish_log VALUES (?, ?, ?, ?, ?)",
                    [published_at, run_id, batches, latest, len(tables)])
        con.execute("CHECKPOINT srv")
        con.execute("DETACH srv")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, serving)
    return {"published_at": published_at.isoformat(), "tables": len(tables), "batches": batches,
            "latest_batch_date": latest.isoformat() if latest else None}
