"""`column_checks` (dbt_project/macros/tests/column_checks.sql): one model-level test, one node, for a model's
never-null columns, accepted values and unique keys. Checked on a real built warehouse (the session's
end-to-end run): untouched, fct_metric_values passes; with nulls put into two columns, a value outside an
accepted list and a duplicated key, that one test fails and its failing rows name each broken rule, its
column(s), how many rows break it and an example."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.dbt_build import run_dbt

pytestmark = pytest.mark.slow


def test_each_broken_rule_is_one_failing_row_that_names_it(e2e_run, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(e2e_run["root"] / "warehouse.duckdb", warehouse)
    select = ["--select", "fct_metric_values,test_name:column_checks"]
    passed = run_dbt(["test", *select], warehouse, tmp_path)
    assert passed.returncode == 0 and "PASS column_checks_fct_metric_values" in passed.stdout, passed.stdout[-3000:]
    with duckdb.connect(str(warehouse)) as con:
        numerators = con.execute("UPDATE marts.fct_metric_values SET numerator = NULL "
                                 "WHERE grain = 'year' AND scope = 'city'").fetchone()[0]
        periods = con.execute("UPDATE marts.fct_metric_values SET period_start = NULL WHERE rowid = 0").fetchone()[0]
        grains = con.execute("UPDATE marts.fct_metric_values SET grain = 'week' WHERE rowid IN (1, 2)").fetchone()[0]
        # a copy of a department's annual row: its key occurs twice
        con.execute("INSERT INTO marts.fct_metric_values SELECT * FROM marts.fct_metric_values "
                    "WHERE scope = 'department' AND grain = 'year' AND dept_code IS NOT NULL AND rowid > 2 LIMIT 1")
        copied = con.execute("SELECT concat_ws('|', metric_code, scope, dept_code, region_code, grain, period_start) "
                             "FROM marts.fct_metric_values GROUP BY ALL HAVING count(*) > 1").fetchall()
    assert numerators > 0 and periods == 1 and grains == 2 and len(copied) == 1
    failed = run_dbt(["test", *select, "--store-failures"], warehouse, tmp_path)
    assert failed.returncode == 1 and "FAIL 4 column_checks_fct_metric_values" in failed.stdout, failed.stdout[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (table,) = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'dbt_test__audit' "
                               "AND table_name LIKE 'column_checks%'").fetchone()
        rows = con.execute(f'SELECT rule_name, column_name, failing_rows, example FROM dbt_test__audit."{table}" '
                           "ORDER BY 1, 2").fetchall()
    assert rows == [
        ("accepted_values", "grain", 2, "week"),
        ("not_null", "numerator", numerators, None),
        ("not_null", "period_start", periods, None),
        ("unique", "metric_code, scope, dept_code, region_code, grain, period_start", 1, copied[0][0]),
    ]
