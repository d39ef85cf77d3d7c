"""Parameterised SQL: hostile filter values reach the dashboard's query functions only as bound
parameters. Each function runs on the hand-made serving artefact (plus the obligation and reject
marts) with SQL-injection strings as every user choice: no error, no rows (nothing matches such a
code), and the tables are all still there afterwards."""
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
            40 AS deadline_working_day_seq, DATE '2023-12-31' AS as_of_date""")
        con.execute("""CREATE TABLE marts.mart_early_warning__obligations AS
            SELECT *, 'overdue' AS warning, -5 AS working_days_left FROM marts.mart_publication__obligations""")
        con.execute("""CREATE TABLE marts.dim_calendar AS SELECT DATE '2023-12-31' AS calendar_date,
            false AS is_working_day, 245 AS working_day_seq""")
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
    from dashboard import data, drilldown, queries, queries_detail
    from dashboard.filters import Selection

    before = _tables(serving)
    assert "marts.dim_region" in before
    sel_dept = Selection(year=2023, grain="year", period_start=D0, region_code=bad, dept_code=bad)
    sel_region = Selection(year=2023, grain="year", period_start=D0, region_code=bad, dept_code=None)
    empty = [
        queries.unit_values(["on_time_publication", bad], sel_dept),
        queries.unit_trend([bad], sel_region),
        queries.department_values(["on_time_publication"], "year", D0, region_code=bad),
        queries.circular(2023, bad),
        queries.score_parts(2023, [bad]),
        queries.unit_score(2023, "department", bad),
        queries.joint_partners(2023, bad, bad),
        queries.credit_gradient(sel_dept),
        queries_detail.department(bad),
        queries_detail.unit_cells("department", bad, "year", 2023, D0),
        queries_detail.dept_score(bad, 2023),
        queries_detail.dept_obligation_problems(bad, D0, D1),
        queries_detail.on_time_series("year", 2023, bad, bad),
        queries_detail.late_obligations(2023, bad, bad),
        queries_detail.due_obligations(2023, bad, bad),
        queries_detail.warning_obligations(bad, bad),
        queries_detail.warning_obligations_on(D1, bad, bad),
        drilldown.metric_records(bad, "department", bad, "year", 2023, D0, D1),
        data.rejects(search=bad, entity=bad, batch_id=bad),
        data.rejects(entity=bad),
    ]
    assert [len(df) for df in empty] == [0] * len(empty)
    assert drilldown.record_counts(bad, "region", bad, "month", 2023, D0, D1) == \
        {"numerator": 0, "denominator": 0, "records": 0}
    if bad not in ("%", "_"):  # a plain substring search: only wildcards could match, and contains() has none
        assert data.rejects(search=bad).empty
    assert data.rejects(search="%").empty and data.rejects(search="_").empty
    assert _tables(serving) == before
    assert len(queries.region_names()) > 0  # dim_region still there and readable
