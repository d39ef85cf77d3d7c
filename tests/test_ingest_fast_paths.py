"""The ingest's fast paths give exactly what the general normalisation gives, on arbitrary strings.

Most cells of an export are already clean (codes, ISO dates, Chinese names) and skip the general
expressions (pipelines/ingest/sql.py: PLAIN_CELL, sssg_date_key); these tests hold them equal.
"""
from __future__ import annotations

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipelines.ingest.sql import cleaned_sql, macros, plain_sql

DATE_ALPHABET = "0123456789-年月日/.:T 　１２"
DATE_FORMS = ["2020-07-03", "2020-7-3", "2020年7月3日", "2020年07月03日", "2020年13月1日", "2020-13-45",
              "2020-07-0-", "20200703", "2020/7/3", "2020.7.3", "2020-07-03T12:00", "2020-07-0312:00",
              "2020年7月3", "2020年7月3日日", "0000-00-00", "2020-02-30", "99999-1-1", "2020-07-03-"]


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    for statement in macros():
        connection.execute(statement)
    yield connection
    connection.close()


def _dates_differ(con, keys: list[str]) -> list[tuple]:
    return con.execute(
        """SELECT k, sssg_date_key(k), sssg_date_general(k) FROM unnest(?::VARCHAR[]) AS t(k)
        WHERE sssg_date_key(k) IS DISTINCT FROM sssg_date_general(k)""", [keys]).fetchall()


def test_the_usual_date_forms_parse_as_the_general_form_does(con):
    assert _dates_differ(con, DATE_FORMS) == []
    assert con.execute("SELECT sssg_date_key('2020年7月3日'), sssg_date_key('2020-07-03')").fetchone() == (
        con.execute("SELECT DATE '2020-07-03', DATE '2020-07-03'").fetchone())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=DATE_ALPHABET, max_size=16), min_size=1, max_size=40))
def test_fast_date_paths_equal_the_general_form_on_arbitrary_strings(con, keys):
    assert _dates_differ(con, keys) == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.text(), st.text(alphabet="Aa1 　\t\u00a0ＡＢ１企业-（）,"), st.none()),
                min_size=1, max_size=40))
def test_plain_cells_clean_to_what_the_general_normalisation_gives(con, cells):
    cells = [c.replace("\x00", "") if c is not None else None for c in cells]  # DuckDB strings hold no NUL
    fast_text, fast_key = cleaned_sql("c", "p")
    text, key = cleaned_sql("c")
    differ = con.execute(
        f"""WITH t AS (SELECT c, {plain_sql('c')} AS p FROM unnest(?::VARCHAR[]) AS u(c))
        SELECT c, {fast_text}, {text}, {fast_key}, {key} FROM t
        WHERE {fast_text} IS DISTINCT FROM {text} OR {fast_key} IS DISTINCT FROM {key}""", [cells]).fetchall()
    assert differ == []
