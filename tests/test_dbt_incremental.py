"""Incremental staging equals a full rebuild: monthly batches loaded one after another, each followed
by an incremental dbt build, give the same staging, intermediate and mart tables, row for row, as
`dbt build --full-refresh` of the same raw data.

Beside the simulated months, a batch withdraws records: a second file of one batch restates two
objects with other values, so neither version stays in raw (pipelines/ingest/conflicts.py). One
object existed only in that batch (it must vanish from staging), the other had an older version
(staging must fall back to it). The withdrawal arrives with a new monthly batch, as it would in
operation, so the same run also loads new versions of other keys.
"""
from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb
import pytest

from pipelines.ingest.load import ingest_landing
from tests.conftest import E2E_SIMULATION
from tests.dbt_build import run_dbt
from tests.export_files import uscc, write_csv

OBJECT_HEADER = ["统一社会信用代码", "主体名称", "主体类型", "是否营利性", "所属区划代码", "登记状态"]
DRAW_HEADER = ["任务编号", "统一社会信用代码", "主体名称", "抽取日期", "抽取方式", "抽取时信用风险分类", "名单公示日期"]
ONLY_HERE = uscc("91210400MA0NCR001")
LATE_BATCH = "20221231_追加导出"


def _dbt_run(warehouse, tmp, *flags):
    """Seeds and models, as the nightly build makes them; the data tests have suites of their own."""
    proc = run_dbt(["build", "--exclude-resource-type", "test", "unit_test", *flags], warehouse, tmp)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    return proc.stdout


def _tables(con, db: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? "
        "AND schema_name IN ('staging', 'intermediate', 'marts') ORDER BY ALL", [db]).fetchall()


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    simulated = root / "simulated"
    subprocess.run([sys.executable, "-m", "pipelines.simulate", *E2E_SIMULATION, "--out", str(simulated), "--quiet"],
                   check=True, capture_output=True)
    batches = sorted(p for p in simulated.iterdir() if p.is_dir())
    landing, warehouse = root / "landing", root / "incremental.duckdb"
    landing.mkdir()
    logs = []

    def load(step: int, *new_batches) -> None:
        for batch in new_batches:
            shutil.copytree(batch, landing / batch.name)
        ingest_landing(landing, warehouse)
        logs.append(_dbt_run(warehouse, root / f"run{step}"))

    load(0, *batches[: len(batches) // 2])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        older = con.execute("SELECT uscc, object_name FROM staging.stg_platform__object ORDER BY uscc LIMIT 1").fetchone()
        drawn = con.execute("SELECT task_id, uscc, object_name, strftime(draw_date, '%Y-%m-%d') "
                            "FROM staging.stg_platform__draw WHERE draw_date < '2022-12-01' ORDER BY ALL LIMIT 2").fetchall()
    row = lambda key, name: [key, name, "企业", "是", "210402", "存续"]  # noqa: E731
    # a draw key (composite: task and object) of its own in the late batch, and a restated one
    draw = lambda d, mode: [d[0], d[1], d[2], d[3], mode, "A类", ""]  # noqa: E731
    write_csv(landing / LATE_BATCH / "检查对象名录_甲.csv",
              [OBJECT_HEADER, row(ONLY_HERE, "仅此批次出现的主体"), row(older[0], "更正后的名称甲")])
    write_csv(landing / LATE_BATCH / "抽取名单_甲.csv",
              [DRAW_HEADER, draw((drawn[0][0], ONLY_HERE, "仅此批次出现的主体", drawn[0][3]), "随机抽取"),
               draw(drawn[1], "随机抽取")])
    load(1, *batches[len(batches) // 2:-1])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before_withdrawal = dict(con.execute(
            "SELECT uscc, object_name FROM staging.stg_platform__object WHERE uscc IN (?, ?)", [ONLY_HERE, older[0]]).fetchall())
    write_csv(landing / LATE_BATCH / "检查对象名录_乙.csv",
              [OBJECT_HEADER, row(ONLY_HERE, "另一个名称"), row(older[0], "更正后的名称乙")])
    write_csv(landing / LATE_BATCH / "抽取名单_乙.csv",
              [DRAW_HEADER, draw((drawn[0][0], ONLY_HERE, "另一个名称", drawn[0][3]), "全覆盖"),
               draw(drawn[1], "全覆盖")])
    load(2, batches[-1])  # a new month beside the withdrawal: the run's insert moves "since" past it
    full = root / "full.duckdb"
    shutil.copy(warehouse, full)
    _dbt_run(full, root / "full", "--full-refresh")
    return {"incremental": warehouse, "full": full, "older": older, "before": before_withdrawal, "logs": logs,
            "drawn": drawn}


def test_later_runs_recompute_only_the_keys_of_the_new_load(builds):
    """Later steps are incremental: staging kept the rows of keys they did not touch."""
    with duckdb.connect(str(builds["incremental"]), read_only=True) as con:
        loads = con.execute("SELECT count(DISTINCT _loaded_at) FROM staging.stg_platform__object").fetchone()[0]
    assert loads > 1  # rows from several ingest runs: earlier rows were kept, not rebuilt


def test_a_withdrawn_record_vanishes_or_falls_back_to_its_older_version(builds):
    key = builds["older"][0]
    assert builds["before"] == {ONLY_HERE: "仅此批次出现的主体", key: "更正后的名称甲"}
    with duckdb.connect(str(builds["incremental"]), read_only=True) as con:
        now = dict(con.execute("SELECT uscc, object_name FROM staging.stg_platform__object WHERE uscc IN (?, ?)",
                               [ONLY_HERE, key]).fetchall())
        newest_left = con.execute(
            "SELECT object_name FROM raw.object WHERE uscc = ? "
            "ORDER BY _batch_date DESC, _batch_id DESC, _row_number DESC LIMIT 1", [key]).fetchone()[0]
    assert newest_left not in ("更正后的名称甲", "更正后的名称乙")
    assert now == {key: newest_left}


def test_a_withdrawn_draw_of_a_composite_key_vanishes_or_falls_back(builds):
    only_here, restated = builds["drawn"]
    with duckdb.connect(str(builds["incremental"]), read_only=True) as con:
        draws = lambda task, uscc: con.execute(  # noqa: E731
            "SELECT draw_mode, _batch_id FROM staging.stg_platform__draw WHERE task_id = ? AND uscc = ?",
            [task, uscc]).fetchall()
        withdrawn = con.execute("SELECT count(*) FROM raw.rejects WHERE entity = 'draw'").fetchone()[0]
        assert withdrawn >= 4  # both files' rows of both keys
        assert draws(only_here[0], ONLY_HERE) == []
        assert [batch for _, batch in draws(*restated[:2])] != [LATE_BATCH]
        assert len(draws(*restated[:2])) == 1


def test_incremental_runs_equal_a_full_rebuild_row_for_row(builds):
    con = duckdb.connect()
    con.execute(f"ATTACH '{builds['incremental']}' AS inc (READ_ONLY)")
    con.execute(f"ATTACH '{builds['full']}' AS full_build (READ_ONLY)")
    tables = _tables(con, "inc")
    assert tables == _tables(con, "full_build") and len(tables) > 40
    differing = {}
    for schema, table in tables:
        # doubles to 9 places: parallel float sums differ in the last bit between any two builds
        cols = ", ".join(f'round("{name}", 9)' if typ == "DOUBLE" else f'"{name}"' for name, typ in con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'inc' AND schema_name = ? "
            "AND table_name = ? ORDER BY column_index", [schema, table]).fetchall())
        a, b = f"SELECT {cols} FROM inc.{schema}.{table}", f"SELECT {cols} FROM full_build.{schema}.{table}"
        only_inc = con.execute(f"SELECT count(*) FROM ({a} EXCEPT ALL {b})").fetchone()[0]
        only_full = con.execute(f"SELECT count(*) FROM ({b} EXCEPT ALL {a})").fetchone()[0]
        if only_inc or only_full:
            differing[f"{schema}.{table}"] = (only_inc, only_full)
    assert differing == {}
