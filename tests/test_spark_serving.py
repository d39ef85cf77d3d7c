"""SSSG_ENGINE=spark (issue 22): the setting, and the publish's reading of Spark's marts into the DuckDB
file `pipelines.publish.publish` copies (pipelines/spark/serving.py). The whole refresh on Spark, through
Dagster and a Spark Connect server, is tests/test_spark_parity.py."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.settings import engine, raw_parquet_dir
from pipelines.spark.serving import marts_from_spark


def test_the_engine_is_duckdb_unless_set_and_a_wrong_value_is_named(monkeypatch, tmp_path):
    monkeypatch.delenv("SSSG_ENGINE", raising=False)
    monkeypatch.delenv("SSSG_RAW_PARQUET_DIR", raising=False)
    monkeypatch.setenv("SSSG_DATA_DIR", str(tmp_path))
    assert engine() == "duckdb" and raw_parquet_dir() is None
    monkeypatch.setenv("SSSG_ENGINE", " Spark ")
    assert engine() == "spark" and raw_parquet_dir() == tmp_path / "raw_parquet"
    monkeypatch.setenv("SSSG_ENGINE", "postgres")
    with pytest.raises(ValueError, match=r"SSSG_ENGINE='postgres': must be one of duckdb, spark"):
        engine()


def _spark_warehouse(root: Path) -> Path:
    """Tables laid out as Spark writes them: <warehouse>/marts.db/<table>/part-*.parquet."""
    marts = root / "spark" / "warehouse" / "marts.db"
    with duckdb.connect() as con:
        for table, select in {
            "mart_a": "SELECT 7::INTEGER AS n, 2.5::DOUBLE AS x, DATE '2025-01-01' AS d, 'O''Brien 甲' AS s, "
                      "TIMESTAMP '2025-01-02 03:04:05' AS t, 1.25::DECIMAL(9,4) AS target "
                      "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL",
            "mart_empty": "SELECT 1::INTEGER AS n, 'a' AS s WHERE false",
        }.items():
            (marts / table).mkdir(parents=True)
            con.execute(f"COPY ({select}) TO '{marts / table / 'part-00000.snappy.parquet'}' (FORMAT parquet)")
    (marts / "_temporary").mkdir()  # Spark's scratch: not a table
    return root / "spark" / "warehouse"


def _warehouse(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE TABLE raw.load_log AS SELECT 'b1' AS batch_id, DATE '2025-01-04' AS batch_date")
    return path


def test_spark_marts_become_the_marts_publish_copies_with_integers_widened_only(tmp_path):
    out = tmp_path / "published_marts.duckdb"
    assert marts_from_spark(_spark_warehouse(tmp_path), _warehouse(tmp_path / "w.duckdb"), out) == 2
    with duckdb.connect(str(out), read_only=True) as con:
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL").fetchall()
        assert tables == [("marts", "mart_a"), ("marts", "mart_empty"), ("raw", "load_log")]
        types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'mart_a'").fetchall())
        assert types == {"n": "BIGINT", "x": "DOUBLE", "d": "DATE", "s": "VARCHAR", "t": "TIMESTAMP",
                         "target": "DECIMAL(9,4)"}
        assert con.execute("SELECT n, x, d::VARCHAR, s, t::VARCHAR, target::VARCHAR FROM marts.mart_a ORDER BY n").fetchall() == [
            (7, 2.5, "2025-01-01", "O'Brien 甲", "2025-01-02 03:04:05", "1.2500"), (None,) * 6]
        assert con.execute("SELECT count(*) FROM marts.mart_empty").fetchone() == (0,)
        assert con.execute("DESCRIBE marts.mart_empty").fetchall()[0][:2] == ("n", "BIGINT")
        assert con.execute("SELECT * FROM raw.load_log").fetchall()[0][0] == "b1"


def test_a_missing_spark_build_or_a_table_without_files_is_refused_by_name(tmp_path):
    warehouse = _warehouse(tmp_path / "w.duckdb")
    with pytest.raises(FileNotFoundError, match="Spark 仓库中没有 marts 模式"):
        marts_from_spark(tmp_path / "nowhere", warehouse, tmp_path / "out.duckdb")
    spark = _spark_warehouse(tmp_path)
    (spark / "marts.db" / "mart_broken").mkdir()
    with pytest.raises(RuntimeError, match="marts.mart_broken 没有 Parquet 文件"):
        marts_from_spark(spark, warehouse, tmp_path / "out.duckdb")
    assert not list(tmp_path.glob("out.duckdb*"))  # nothing half-written left behind
