"""Building the dbt project on a temporary warehouse filled by a test's raw fixture."""
from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb

from pipelines.settings import REPO_ROOT, dbt_executable


def run_dbt(args: list[str], warehouse: Path, tmp: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    """`dbt <args>` against `warehouse`, with target and logs under `tmp` (parallel runs never collide)."""
    env = {**os.environ, "SSSG_WAREHOUSE_PATH": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(
        [dbt_executable(), *args, "--project-dir", "dbt_project", "--profiles-dir", "dbt_project",
         "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"), "--no-use-colors"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )


def build_warehouse(tmp: Path, fill_raw: Callable[[duckdb.DuckDBPyConnection], None]) -> tuple[Path, str]:
    """Fill raw.* with `fill_raw`, run `dbt build`, fail with dbt's output if it fails; (warehouse, stdout)."""
    warehouse = tmp / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        fill_raw(con)
    proc = run_dbt(["build"], warehouse, tmp)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    return warehouse, proc.stdout


def metric_fractions(con, code: str, year: int = 2020) -> dict:
    """{(scope, dept_code or region_code): (numerator, denominator)} of one metric in fct_metric_values."""
    got = {}
    cur = con.execute("SELECT scope, dept_code, region_code, numerator, denominator FROM marts.fct_metric_values "
                      "WHERE metric_code = ? AND year = ? AND grain = 'year'", [code, year])
    for scope, dept_code, region_code, numerator, denominator in cur.fetchall():
        key = (scope, dept_code if scope == "department" else region_code)
        assert key not in got, f"{code}: two rows for {key}"
        got[key] = (numerator, denominator)
    return got
