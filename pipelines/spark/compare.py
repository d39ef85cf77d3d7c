"""Compare the DuckDB build with the Spark build, table for table, row for row.

Spark's tables are read back as the Parquet files Spark wrote (<spark warehouse>/<schema>.db/<table>/),
by DuckDB, next to the DuckDB warehouse. Raw tables are compared too: DuckDB's raw.* against the
monthly Parquet export Spark read them from.

Values are compared after a normalisation that removes only representation, never meaning:
integers as BIGINT, floating and decimal numbers rounded to 9 places (two engines sum floats in
different orders and differ in the last bit), booleans and everything else as text. Column names are
compared case-blind (the Hive metastore lowercases them). A table differs when a column is missing on
one side or when the multisets of normalised rows differ (EXCEPT ALL both ways); the report shows
the first rows that differ.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.ingest.parquet import PARTITION_COLUMN, raw_parquet_tables, read_raw_parquet_sql

MODEL_SCHEMAS = ("seeds", "staging", "intermediate", "marts")
_INTEGER = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
_APPROXIMATE = ("DOUBLE", "FLOAT", "REAL", "DECIMAL", "HUGEINT", "UHUGEINT")
SHOW_ROWS = 5


@dataclass
class TableDiff:
    name: str  # schema.table
    rows_duckdb: int = 0
    rows_spark: int = 0
    problems: list[str] = field(default_factory=list)
    only_duckdb: list[tuple] = field(default_factory=list)
    only_spark: list[tuple] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.problems


def _normalised(column: str, duckdb_type: str) -> str:
    quoted = f'"{column}"'
    kind = duckdb_type.upper()
    if kind in _INTEGER:
        return f"try_cast({quoted} AS BIGINT)"
    if kind.startswith(_APPROXIMATE):
        return f"round(try_cast({quoted} AS DOUBLE), 9)"
    if kind == "BOOLEAN":
        return f"cast(try_cast({quoted} AS BOOLEAN) AS VARCHAR)"
    return f"cast({quoted} AS VARCHAR)"


def _columns(con, relation: str) -> dict[str, str]:
    return {name.lower(): typ for name, typ, *_ in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}


def compare_relations(con, name: str, duckdb_relation: str, spark_relation: str | None,
                      ignore: tuple[str, ...] = ()) -> TableDiff:
    """`spark_relation` None: Spark wrote no file for the table (it then must be empty on DuckDB too)."""
    diff = TableDiff(name)
    diff.rows_duckdb = con.execute(f"SELECT count(*) FROM {duckdb_relation}").fetchone()[0]
    if spark_relation is None:
        if diff.rows_duckdb:
            diff.problems.append(f"Spark wrote no data file, DuckDB has {diff.rows_duckdb} rows")
        return diff
    diff.rows_spark = con.execute(f"SELECT count(*) FROM {spark_relation}").fetchone()[0]
    ours, theirs = _columns(con, duckdb_relation), _columns(con, spark_relation)
    for column in ignore:
        ours.pop(column, None), theirs.pop(column, None)
    missing = sorted(set(ours) - set(theirs))
    extra = sorted(set(theirs) - set(ours))
    if missing:
        diff.problems.append(f"columns missing on Spark: {', '.join(missing)}")
    if extra:
        diff.problems.append(f"columns only on Spark: {', '.join(extra)}")
    shared = [c for c in ours if c in theirs]
    diff.columns = shared
    select = ", ".join(f"{_normalised(c, ours[c])} AS \"{c}\"" for c in shared)
    for side, left, right in (("duckdb", duckdb_relation, spark_relation), ("spark", spark_relation, duckdb_relation)):
        query = f"(SELECT {select} FROM {left}) EXCEPT ALL (SELECT {select} FROM {right})"
        count = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
        if count:
            diff.problems.append(f"{count} rows only on {'DuckDB' if side == 'duckdb' else 'Spark'}")
            rows = con.execute(f"SELECT * FROM ({query}) ORDER BY ALL NULLS FIRST LIMIT {SHOW_ROWS}").fetchall()
            setattr(diff, f"only_{side}", rows)
    return diff


def spark_table_relation(spark_warehouse: Path, schema: str, table: str) -> str | None:
    folder = spark_warehouse / f"{schema}.db" / table
    if not any(folder.rglob("*.parquet")):
        return None
    return f"read_parquet('{folder}/**/*.parquet', hive_partitioning = true)"


def compare_builds(duckdb_warehouse: Path, spark_warehouse: Path, raw_parquet: Path) -> list[TableDiff]:
    """Every dbt-built table of the DuckDB warehouse and every raw table against the Spark side."""
    diffs = []
    with duckdb.connect(str(duckdb_warehouse), read_only=True) as con:
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        for table in raw_parquet_tables():
            diffs.append(compare_relations(con, f"raw.{table}", f"raw.{table}",
                                           read_raw_parquet_sql(raw_parquet, table), ignore=(PARTITION_COLUMN,)))
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            f"AND table_schema IN ({', '.join(repr(s) for s in MODEL_SCHEMAS)}) ORDER BY ALL").fetchall()
        for schema, table in tables:
            diffs.append(compare_relations(con, f"{schema}.{table}", f"{schema}.{table}",
                                           spark_table_relation(spark_warehouse, schema, table)))
        views = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_type = 'VIEW' "
            f"AND table_schema IN ({', '.join(repr(s) for s in MODEL_SCHEMAS)})").fetchone()[0]
        if views:
            raise ValueError(f"{views} dbt views in the DuckDB warehouse: views leave no Parquet on Spark to compare; "
                             "materialise them as tables")
    return diffs


def compare_serving(duckdb_serving: Path, spark_serving: Path) -> list[TableDiff]:
    """The serving artefacts the dashboard reads, from a DuckDB build and from a Spark build: every
    published table, and what the publish log says of the data (batches, latest batch date, tables,
    as-of date; not when or by which run)."""
    diffs = []
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        con.execute("ATTACH ? AS d (READ_ONLY)", [str(duckdb_serving.resolve())])
        con.execute("ATTACH ? AS s (READ_ONLY)", [str(spark_serving.resolve())])
        listed = {side: {(schema, table) for schema, table in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name <> 'meta'",
            [side]).fetchall()} for side in ("d", "s")}
        for schema, table in sorted(listed["d"] | listed["s"]):
            name = f"serving {schema}.{table}"
            if (schema, table) not in listed["s"] or (schema, table) not in listed["d"]:
                side = "Spark" if (schema, table) not in listed["s"] else "DuckDB"
                diffs.append(TableDiff(name, problems=[f"not in the {side} build's serving artefact"]))
                continue
            diffs.append(compare_relations(con, name, f'd.{schema}."{table}"', f's.{schema}."{table}"'))
        logged = "SELECT warehouse_batches, latest_batch_date, tables, as_of_date FROM {}.meta.publish_log"
        diffs.append(compare_relations(con, "serving meta.publish_log", f"({logged.format('d')})",
                                       f"({logged.format('s')})"))
    return diffs


def report(diffs: list[TableDiff]) -> str:
    """Plain text: one line per table, then the first differing rows of each table that differs."""
    lines = []
    for d in diffs:
        mark = "same" if d.equal else "DIFFERS"
        lines.append(f"{mark:8} {d.name:55} duckdb {d.rows_duckdb:>9,}  spark {d.rows_spark:>9,}")
    for d in (d for d in diffs if not d.equal):
        lines += ["", f"== {d.name}: {'; '.join(d.problems)}", f"   columns: {', '.join(d.columns)}"]
        for side, rows in (("DuckDB", d.only_duckdb), ("Spark", d.only_spark)):
            for row in rows:
                lines.append(f"   only on {side}: {row}")
    same = sum(d.equal for d in diffs)
    lines += ["", f"{same} of {len(diffs)} tables identical" + ("" if same == len(diffs) else f", {len(diffs) - same} differ")]
    return "\n".join(lines)
