"""Raw tables as Parquet, partitioned by month, the way raw data reaches a Spark cluster.

Layout (Hive-style, which Spark and DuckDB both read):
    <root>/<table>/batch_month=2025-11/data.parquet
`batch_month` is the month of the export batch (`_batch_date`, for load_log `batch_date`); it lives
in the folder name only, not in the files. Raw tables are append-only, so a new monthly batch changes
only its own month: each month is rewritten only when its rows changed (a signature per month kept in
<root>/_months/<table>.json, outside the table folders that engines scan), and every rewrite goes to a
temporary folder first and is swapped in with renames, so a reader never sees half a month. Months
gone from the warehouse are removed.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.contract.warehouse import RAW_SCHEMA, all_raw_tables

PARTITION_COLUMN = "batch_month"
MANIFESTS = "_months"


@dataclass(frozen=True)
class ParquetExport:
    table: str
    months_total: int
    months_written: int
    rows_written: int


def raw_parquet_tables() -> list[str]:
    """Every table of schema raw the dbt sources read: the entities, rejects and load_log."""
    return [*all_raw_tables(), "rejects", "load_log"]


def _month_expr(table: str) -> str:
    # The export batch's date: lineage column _batch_date, except in the load log (warehouse.py).
    date_column = "batch_date" if table == "load_log" else "_batch_date"
    return f"coalesce(strftime({date_column}, '%Y-%m'), 'unknown')"


def _signatures(con, table: str, month: str) -> dict[str, list]:
    """Per month: row count and an order-free digest of every row's content."""
    rows = con.execute(
        f"SELECT {month} AS m, count(*), bit_xor(hash(t)) FROM {RAW_SCHEMA}.{table} AS t GROUP BY m").fetchall()
    return {m: [int(n), str(digest)] for m, n, digest in rows}


def _swap_in(staged: Path, final: Path) -> None:
    """Replace `final` by `staged` (both folders): rename the old one aside, then remove it."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(staged, final)
    shutil.rmtree(old, ignore_errors=True)


def export_table(con, table: str, root: Path) -> ParquetExport:
    month = _month_expr(table)
    folder = root / table
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = root / MANIFESTS / f"{table}.json"
    manifest_path.parent.mkdir(exist_ok=True)
    before = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    now = _signatures(con, table, month)
    written = rows = 0
    for m, signature in sorted(now.items()):
        final = folder / f"{PARTITION_COLUMN}={m}"
        if before.get(m) == signature and final.exists():
            continue
        staged = folder / f".{PARTITION_COLUMN}={m}.tmp"
        shutil.rmtree(staged, ignore_errors=True)
        staged.mkdir()
        # Sorted by lineage so a rewrite of unchanged rows gives the same file.
        con.execute(
            f"COPY (SELECT * FROM {RAW_SCHEMA}.{table} WHERE {month} = ? "
            f"ORDER BY ALL) TO '{staged / 'data.parquet'}' (FORMAT parquet, COMPRESSION zstd)", [m])
        _swap_in(staged, final)
        written += 1
        rows += signature[0]
    for gone in sorted(set(before) - set(now)):
        shutil.rmtree(folder / f"{PARTITION_COLUMN}={gone}", ignore_errors=True)
    tmp_manifest = manifest_path.with_suffix(".tmp")
    tmp_manifest.write_text(json.dumps(now, indent=1, sort_keys=True))
    os.replace(tmp_manifest, manifest_path)
    return ParquetExport(table, len(now), written, rows)


def export_raw_parquet(warehouse: Path, root: Path) -> list[ParquetExport]:
    """Write (or bring up to date) every raw table under `root`; the warehouse is opened read-only."""
    root.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [export_table(con, table, root) for table in raw_parquet_tables()]


def read_raw_parquet_sql(root: Path, table: str) -> str:
    """The DuckDB expression that reads one exported table back (the month from the folder name)."""
    return (f"read_parquet('{root / table}/{PARTITION_COLUMN}=*/*.parquet', hive_partitioning = true, "
            f"hive_types = {{'{PARTITION_COLUMN}': VARCHAR}})")
