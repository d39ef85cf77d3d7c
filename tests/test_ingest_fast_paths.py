"""The ingest's fast paths give exactly what the general normalisation gives, on arbitrary strings.

Most cells of an export are already clean (codes, ISO dates, Chinese names) and skip the general
expressions (pipelines/ingest/sql.py: PLAIN_CELL, sssg_date_key); these tests hold them equal. The
CSV scanner's quoted lines (pipelines/ingest/csv_scan.py) are matched whole in C instead of walked
token by token; a test holds the two equal on arbitrary files.
"""
from __future__ import annotations

import re

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import pipelines.ingest.csv_scan as csv_scan
from pipelines.contract import Limits
from pipelines.ingest.errors import FileProblem
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


def _shape(path, limits):
    try:
        return csv_scan.scan_csv(path, limits)
    except FileProblem as problem:
        return str(problem)


CELL = st.one_of(st.text(alphabet='ab,"\n\r 甲', max_size=6),
                 st.text(alphabet='ab,"\n 甲', max_size=6).map(lambda t: '"' + t.replace('"', '""') + '"'))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=60), st.sampled_from(["\n", "\r\n"]),
       st.integers(min_value=3, max_value=12))
def test_quoted_lines_matched_whole_scan_as_the_token_walk_does(tmp_path_factory, rows, end, cell_limit):
    """Rows of well-formed quoted cells (commas, doubled quotes, line breaks inside), stray quotes and
    CRs, cells past a small length limit and rows past four columns: the same shape, or the same refusal,
    whether quoted lines are matched whole (one by one, or past the first records in runs) or walked."""
    path = tmp_path_factory.mktemp("scan") / "f.csv"
    path.write_bytes(end.join(",".join(r) for r in rows).encode() + end.encode())
    limits = Limits(max_rows=1000, max_columns=4, max_cell_chars=cell_limit, max_xlsx_unpacked_bytes=0,
                    max_xlsx_shared_strings_bytes=0, max_xlsx_cells=0, duplicate_rows_shown=0)
    fast = _shape(path, limits)
    with pytest.MonkeyPatch.context() as mp:  # every quoted line walked token by token
        mp.setattr(csv_scan, "_WELL_FORMED_LINE", re.compile(rb"(?!)"))
        mp.setattr(csv_scan, "_WELL_FORMED_RUN", re.compile(rb"(?!)"))
        walked = _shape(path, limits)
    assert fast == walked
