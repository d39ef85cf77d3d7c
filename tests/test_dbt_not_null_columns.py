"""`not_null_columns` (dbt_project/macros/tests/not_null_columns.sql): one model-level test, one scan, for
every column of a model that must never be null. Checked on a real built warehouse (the session's
end-to-end run): a mart with nulls put into two of its columns fails that test, and its failing rows name
each column with its count of null rows; untouched, it passes."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.dbt_build import run_dbt

pytestmark = pytest.mark.slow


def test_nulls_in_two_columns_fail_one_test_that_names_both(e2e_run, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(e2e_run["root"] / "warehouse.duckdb", warehouse)
    select = ["--select", "fct_metric_values,test_name:not_null_columns"]
    passed = run_dbt(["test", *select], warehouse, tmp_path)
    assert passed.returncode == 0 and "PASS not_null_columns_fct_metric_values" in passed.stdout, passed.stdout[-3000:]
    with duckdb.connect(str(warehouse)) as con:
        numerators = con.execute("UPDATE marts.fct_metric_values SET numerator = NULL "
                                 "WHERE grain = 'year' AND scope = 'city'").fetchone()[0]
        periods = con.execute("UPDATE marts.fct_metric_values SET period_start = NULL WHERE rowid = 0").fetchone()[0]
    assert numerators > 0 and periods == 1
    failed = run_dbt(["test", *select, "--store-failures"], warehouse, tmp_path)
    assert failed.returncode == 1 and "FAIL 2 not_null_columns_fct_metric_values" in failed.stdout, failed.stdout[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (table,) = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'dbt_test__audit' "
                               "AND table_name LIKE 'not_null_columns%'").fetchone()
        rows = con.execute(f'SELECT column_name, null_rows FROM dbt_test__audit."{table}" ORDER BY 1').fetchall()
    assert rows == [("numerator", numerators), ("period_start", periods)]
