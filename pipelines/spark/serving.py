"""Publishing what Spark built (SSSG_ENGINE=spark): Spark's marts become the marts of a DuckDB file that
`pipelines.publish.publish` then copies into the serving artefact, with the same atomic swap as a DuckDB
build. So the dashboard and the reports read one kind of artefact whatever the engine.

Two ways to read Spark's marts:
- session mode (pyspark in this machine's JVM): the Parquet files Spark wrote under its warehouse
  (<spark dir>/warehouse/marts.db/<table>/), read by DuckDB;
- Spark Connect (SPARK_REMOTE=sc://host:port, a cluster): through a Connect session, one table at a
  time as Arrow (the warehouse's storage need not be visible from here).
Only representation changes: integer columns are widened to BIGINT (Spark's `int` where DuckDB gives
BIGINT; no value changes), every other column keeps the type Spark gave. The load log the publish
records (batches, latest batch date) is the ingest's, from the DuckDB warehouse.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from pipelines.spark.compare import spark_table_relation

_NARROW_INTEGERS = {"TINYINT", "SMALLINT", "INTEGER"}
# table name -> a function that makes the table readable in the connection and returns its relation
Readers = Iterator[tuple[str, Callable[[duckdb.DuckDBPyConnection], str]]]


def _select_list(con, relation: str) -> str:
    columns = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    return ", ".join(f'CAST("{name}" AS BIGINT) AS "{name}"' if typ in _NARROW_INTEGERS else f'"{name}"'
                     for name, typ, *_ in columns)


def _write(readers: Readers, warehouse: Path, out: Path) -> int:
    """`out` (replaced whole): schema marts with every table `readers` gives, schema raw with the
    warehouse's load_log. Returns the number of marts."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.unlink(missing_ok=True)
    try:
        count = _fill(readers, warehouse, tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    return count


def _fill(readers: Readers, warehouse: Path, tmp: Path) -> int:
    count = 0
    with duckdb.connect(str(tmp)) as con:
        con.execute("CREATE SCHEMA marts")
        for table, readable in readers:
            relation = readable(con)
            con.execute(f'CREATE TABLE marts."{table}" AS SELECT {_select_list(con, relation)} FROM {relation}')
            count += 1
        if not count:
            raise RuntimeError("Spark 的 marts 模式是空的：没有可发布的表（Spark 构建是否已完成？）")
        con.execute("ATTACH ? AS ingest (READ_ONLY)", [str(warehouse)])
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE TABLE raw.load_log AS SELECT * FROM ingest.raw.load_log")
        con.execute("DETACH ingest")
        con.execute("CHECKPOINT")
    return count


def _parquet_readers(spark_warehouse: Path) -> Readers:
    folder = spark_warehouse / "marts.db"
    if not folder.is_dir():
        raise FileNotFoundError(f"Spark 仓库中没有 marts 模式（{folder}）：Spark 构建是否已完成？")
    for table in sorted(t.name for t in folder.iterdir() if t.is_dir() and not t.name.startswith((".", "_"))):
        relation = spark_table_relation(spark_warehouse, "marts", table)
        if relation is None:  # Spark writes a part file with the schema even for no rows
            raise RuntimeError(f"Spark 表 marts.{table} 没有 Parquet 文件（{folder / table}），无法得知其结构")
        yield table, lambda con, relation=relation: relation


def marts_from_spark(spark_warehouse: Path, warehouse: Path, out: Path) -> int:
    """Session mode: Spark's marts from the Parquet under its warehouse folder."""
    return _write(_parquet_readers(spark_warehouse), warehouse, out)


def _session_readers(spark) -> Readers:
    tables = sorted(t.name for t in spark.catalog.listTables("marts") if (t.tableType or "").upper() != "VIEW")
    for table in tables:
        def readable(con, table=table):
            con.register("spark_table", spark.table(f"marts.`{table}`").toArrow())
            return "spark_table"
        yield table, readable


def marts_from_spark_session(remote: str, warehouse: Path, out: Path) -> int:
    """Spark Connect: Spark's marts through a Connect session to `remote` (sc://host:port)."""
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(remote).getOrCreate()
    try:
        return _write(_session_readers(spark), warehouse, out)
    finally:
        spark.stop()
