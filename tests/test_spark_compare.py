"""The DuckDB/Spark comparison (pipelines/spark/compare.py) on hand-made tables: it forgives only
representation (float noise in the last bit, integer width, column-name case) and reports every
real difference with the rows that differ."""
from __future__ import annotations

import duckdb
import pytest

from pipelines.spark.compare import compare_relations, report


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect()
    con.execute("""CREATE TABLE ours AS SELECT * FROM (VALUES
        (1, 'A类', 0.1 + 0.2, DATE '2025-01-02', true, 3.5::DECIMAL(18,4)),
        (2, '抚顺县', 2.0 / 3, DATE '2025-02-03', false, NULL),
        (2, '抚顺县', 2.0 / 3, DATE '2025-02-03', false, NULL)) AS t(id, name, rate, day, flag, amount)""")
    yield con
    con.close()


def spark_copy(con, tmp_path, select: str) -> str:
    """What Spark would leave: a Parquet file, here written from `select` over table ours."""
    path = tmp_path / "spark.parquet"
    con.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet)")
    return f"read_parquet('{path}')"


def test_representation_alone_is_no_difference(con, tmp_path):
    spark = spark_copy(con, tmp_path, "SELECT id::INTEGER AS ID, name, rate + 1e-12 AS rate, day, flag, "
                                      "amount::DOUBLE AS amount FROM ours")
    diff = compare_relations(con, "t", "ours", spark)
    assert diff.equal, diff.problems
    assert (diff.rows_duckdb, diff.rows_spark) == (3, 3)


@pytest.mark.parametrize("select, problem", [
    ("SELECT id, CASE WHEN id = 2 THEN '抚顺市' ELSE name END AS name, rate, day, flag, amount FROM ours",
     "2 rows only on DuckDB"),
    ("SELECT id, name, rate + 1e-6 AS rate, day, flag, amount FROM ours", "3 rows only on DuckDB"),
    ("SELECT DISTINCT * FROM ours", "1 rows only on DuckDB"),  # a lost duplicate counts
    ("SELECT id, name, rate, day + 1 AS day, flag, amount FROM ours", "3 rows only on DuckDB"),
    ("SELECT id, name, rate, day, flag, amount FROM ours UNION ALL SELECT 3, NULL, NULL, NULL, NULL, NULL",
     "1 rows only on Spark"),
])
def test_a_changed_lost_or_extra_row_differs_and_is_shown(con, tmp_path, select, problem):
    diff = compare_relations(con, "marts.t", "ours", spark_copy(con, tmp_path, select))
    assert not diff.equal
    assert problem in diff.problems
    text = report([diff])
    assert "DIFFERS  marts.t" in text and "0 of 1 tables identical, 1 differ" in text
    assert "only on DuckDB: (" in text or "only on Spark: (" in text


def test_a_missing_column_or_missing_table_differs(con, tmp_path):
    diff = compare_relations(con, "t", "ours", spark_copy(con, tmp_path, "SELECT * EXCLUDE (amount) FROM ours"))
    assert diff.problems == ["columns missing on Spark: amount"]
    nothing = compare_relations(con, "t", "ours", None)
    assert nothing.problems == ["Spark wrote no data file, DuckDB has 3 rows"]
    con.execute("CREATE TABLE empty AS SELECT * FROM ours LIMIT 0")
    assert compare_relations(con, "e", "empty", None).equal
