"""Parameterised SQL: hostile filter values reach the serving loaders the dashboard reads through only
as bound parameters. Each loader runs on the hand-made serving artefact (plus the obligation, warning and
reject marts) with SQL-injection strings as every user choice: no error, no rows (nothing matches such a
code), and the tables are all still there afterwards. The dashboard itself holds no SQL at all."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard_fixture import make_assessment_serving  # noqa: E402

HOSTILE = ["x' OR '1'='1", "'; DROP TABLE marts.dim_region; --", "210402' --", "\" OR 1=1 --", "%", "_"]
REPO_ROOT = Path(__file__).resolve().parents[1]
D0, D1 = date(2023, 1, 1), date(2023, 12, 31)


@pytest.fixture
def serving(tmp_path, monkeypatch):
    path = make_assessment_serving(tmp_path / "serving" / "warehouse.duckdb")
    with duckdb.connect(str(path)) as con:
        con.execute("""CREATE TABLE marts.mart_publication__obligations AS SELECT
            'result' AS event_type, 'result|R1' AS obligation_key, 'R1' AS record_id, 'T1' AS task_id,
            '任务' AS task_name, '210402-JYJ' AS dept_code, '210402' AS region_code, '教育局' AS dept_name,
            2023 AS year, DATE '2023-03-01' AS event_date, DATE '2023-03-15' AS deadline_date,
            CAST(NULL AS DATE) AS published_date, 'overdue_unpublished' AS status, CAST(NULL AS INT) AS working_days_late,
            TRUE AS is_due, TRUE AS is_late, 'none' AS long_holiday,
            40 AS deadline_working_day_seq, DATE '2024-01-05' AS as_of_date""")
        con.execute("""CREATE TABLE marts.mart_early_warning__obligations AS
            SELECT *, as_of_date AS warning_date, -5 AS working_days_left, 'overdue' AS warning
            FROM marts.mart_publication__obligations""")
        con.execute("""CREATE TABLE marts.mart_early_warning__month_ends AS
            SELECT * REPLACE (DATE '2023-12-31' AS warning_date) FROM marts.mart_early_warning__obligations""")
        con.execute("""CREATE TABLE marts.mart_early_warning__tasks AS SELECT 'T1' AS task_id, '任务' AS task_name,
            '210402-JYJ' AS dept_code, '教育局' AS dept_name, '210402' AS region_code, DATE '2023-12-01' AS start_date,
            DATE '2024-01-10' AS end_date, DATE '2024-01-05' AS as_of_date, 3 AS working_days_left,
            4 AS objects_drawn, 1 AS objects_inspected, 3 AS objects_uninspected""")
        con.execute("""CREATE TABLE marts.mart_data_status__rejects AS SELECT
            'result' AS entity, '检查结果' AS entity_title, 'B1' AS batch_id, DATE '2023-12-01' AS batch_date,
            'f.csv' AS file_name, 2 AS file_row_number, '日期无效' AS reasons, '日期无效' AS reason_kinds,
            '{}' AS row_json, false AS is_withheld, TIMESTAMP '2023-12-02 09:00:00' AS loaded_at""")
    monkeypatch.setenv("SSSG_SERVING_PATH", str(path))
    st.cache_data.clear()
    yield path
    st.cache_data.clear()


def _tables(path) -> set:
    with duckdb.connect(str(path), read_only=True) as con:
        return {r[0] for r in con.execute("SELECT table_schema || '.' || table_name FROM information_schema.tables").fetchall()}


@pytest.mark.parametrize("bad", HOSTILE)
def test_hostile_filter_values_are_bound_parameters(serving, bad):
    from serving import assessment, metrics, publication, records, status, units

    before = _tables(serving)
    assert "marts.dim_region" in before
    empty = [
        metrics.unit_values(["on_time_publication", bad], "department", bad, "year", D0),
        metrics.unit_values(["on_time_publication"], "region", bad, "year", D0),
        metrics.unit_trend([bad], "region", bad),
        metrics.department_values(["on_time_publication"], "year", D0, region_code=bad),
        metrics.region_values([bad], "year", D0),
        metrics.unit_cells("department", bad, "year", 2023, D0),
        metrics.on_time_series("year", 2023, "department", bad),
        metrics.credit_gradient("department", bad, "year", D0),
        metrics.joint_partners(2023, bad, bad),
        assessment.circular(2023, bad),
        assessment.shortfalls(2023, [bad]),
        assessment.score_parts(2023, bad, [bad]),
        assessment.scores(2023, bad),
        assessment.mechanism_gaps(bad),
        units.department(bad),
        publication.problems(bad, D0, D1),
        publication.late_days(2023, bad, bad),
        publication.warnings(bad, bad),
        publication.warnings(bad, bad, on=date(2023, 12, 31)),
        publication.warning_tasks(bad, bad),
        publication.incomplete_tasks(bad, 2023, "month", D0, D1),
        records.metric_records(bad, "department", bad, "year", 2023, D0, D1),
        status.rejects(search=bad, entity=bad, batch_id=bad),
        status.rejects(entity=bad),
    ]
    assert [len(df) for df in empty] == [0] * len(empty)
    assert assessment.unit_score(2023, "department", bad) is None
    assert int(publication.long_holiday_effect(bad, bad)["due"].sum()) == 0
    assert records.record_counts(bad, "region", bad, "month", 2023, D0, D1) == \
        {"numerator": 0, "denominator": 0, "records": 0}
    if bad not in ("%", "_"):  # a plain substring search: only wildcards could match, and contains() has none
        assert status.rejects(search=bad).empty
    assert status.rejects(search="%").empty and status.rejects(search="_").empty
    assert _tables(serving) == before
    # the same loaders with real choices do find rows (the empty answers above are not vacuous)
    assert len(metrics.unit_values(["on_time_publication"], "region", "210402", "year", D0)) == 1
    assert len(publication.warnings("210402", "210402-JYJ")) == 1
    assert len(assessment.circular(2023, "210400")) == 2
    assert units.filter_options()["regions"]  # dim_region and dim_unit still there and readable


def test_the_dashboard_holds_no_sql():
    """Every query the pages run is a serving loader's: no SELECT, no SQL keyword in dashboard/."""
    offenders = []
    for path in (REPO_ROOT / "dashboard").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name == "audit.py":  # the access log's own SQLite table (dashboard/audit.py), never the serving file
            assert "marts" not in text and "duckdb" not in text
            continue
        for word in ("SELECT ", "FROM marts", "CASE WHEN", "duckdb", ".query("):
            if word in text:
                offenders.append((path.name, word))
    assert offenders == []
