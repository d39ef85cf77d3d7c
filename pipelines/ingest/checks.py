"""Checking the rows of a group of staged files of one entity, set-based, in one pass for them all.

Planning DuckDB statements of this size costs tens of milliseconds whatever the row count, so the
files of a group are seen through one view of fixed shape (`_cells`: the contract's columns as
verbatim text, NULL where a file lacks the column) and checked together. What differs per file
(the header a message should name) comes from the `_files` table.

Pass 1, every row: typed values plus one cheap boolean flag per check -> temp table _checked.
Pass 2, only flagged rows: the Chinese messages -> temp table _problems (_file, _row_number, problems).
"""
from __future__ import annotations

from pipelines.contract import Entity
from pipelines.contract.warehouse import REJECT_KINDS

from pipelines.contract import load_contract

from .sql import (SELF_KEYED_TYPES, Check, cleaned_sql, column_sql, date_order_checks, lit, plain_sql, present,
                  range_checks)

CELLS = "_cells"
FILES = "_files"
PROBLEMS_DDL = ("CREATE TEMP TABLE _problems (_file INTEGER, _row_number BIGINT, "
                "problems STRUCT(kind VARCHAR, msg VARCHAR)[])")


def note_column(name: str) -> str:
    """_files column: the synonym note of a contract column for that file (see sql.synonym_note)."""
    return f"_note_{name}"


def header_column(name: str) -> str:
    """_files column: the header text that file uses for a contract column (NULL when absent)."""
    return f"_header_{name}"


def _checks(entity: Entity) -> tuple[list[str], list[str], list[str], list[Check]]:
    """(plain-test columns, cleaned columns, typed columns, checks) over the _cells table (alias s)."""
    plain, cleaned, values, checks = [], [], [], []
    for col in entity.columns:
        cell = f"s.{col.name}"
        plain.append(f"{plain_sql(cell)} AS _p_{col.name}")
        text_sql, key_sql = cleaned_sql(cell, f"_p_{col.name}")
        cleaned += [f"{text_sql} AS _t_{col.name}", f"{key_sql} AS _k_{col.name}"]
        values.append(f"_t_{col.name} IS NOT NULL AS {present(col)}")
        value, col_checks = column_sql(col, cell, f"_t_{col.name}", f"_k_{col.name}", f"f.{note_column(col.name)}")
        values.append(f"{value} AS {col.name}")
        checks.extend(col_checks)
    headers = {c.name: f"f.{header_column(c.name)}" for c in entity.columns}
    checks.extend(range_checks(entity, headers, load_contract().earliest_date))
    checks.extend(date_order_checks(entity.name, headers))
    # e.g. a CSV row longer than its header: those values are not dropped silently
    checks.append(Check("cell_without_header", "_headless_cells > 0",
                        "'该行有 ' || c._headless_cells || ' 个单元格不在任何表头下（列数多于表头）'"))
    # Two rows with one natural key in one file: nobody can say which is right, so neither loads.
    key = entity.natural_key
    shown_key = " || '，' || ".join(f"{lit(entity.column(k).header + '=')} || CAST(c.{k} AS VARCHAR)" for k in key)
    # The rows of a key come from the _duplicates aggregate (one row per key, see check_group): a
    # per-row subquery listing every copy is quadratic, and a million copies ran DuckDB out of memory.
    checks.append(Check("duplicate_key", "_key_rows > 1",
                        f"'记录键（' || {shown_key} || '）在本文件中重复出现 ' || c._key_rows || ' 次：第 ' || "
                        f"array_to_string(d.shown, '、') || ' 行' || CASE WHEN c._key_rows > len(d.shown) THEN '等' ELSE '' END"))
    return plain, cleaned, values, checks


def check_group(con, entity: Entity) -> None:
    """Fill _checked and _problems from _cells (and _files, for the messages)."""
    plain, cleaned, values, checks = _checks(entity)
    filled = " OR ".join(f"_t_{c.name} IS NOT NULL" for c in entity.columns)
    # Codes, dates, numbers and dictionary values are their own keys; free text is folded first.
    key = entity.natural_key
    key_sql = ", ".join(k if entity.column(k).type in SELF_KEYED_TYPES else f"sssg_key(CAST({k} AS VARCHAR))"
                        for k in key)
    key_known = " AND ".join(f"{k} IS NOT NULL" for k in key)
    flags = ", ".join(f"({chk.flag}) AS _f{i}" for i, chk in enumerate(checks))
    # Typed first, into a table of its own: the key count below, planned as a self-join, would
    # otherwise recompute every cleaned and typed value a second time. Blank rows (no cell holds
    # more than whitespace) are dropped after, not in a WHERE here: pushed down, that would clean
    # every cell twice.
    con.execute("DROP TABLE IF EXISTS _checked")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _typed AS
        WITH plain AS (SELECT s.*, {', '.join(plain)} FROM {CELLS} s),
        cleaned AS (
            SELECT _file, _row_number, _batch_date, {', '.join(cleaned)},
                   -- cells beyond the header, and in columns outside the contract, that are not blank
                   len(list_filter(_headless, lambda x: sssg_text(x) IS NOT NULL)) AS _headless_cells,
                   len(list_filter(_other, lambda x: sssg_text(x) IS NOT NULL)) > 0 AS _other_filled
            FROM plain s)
        SELECT _file, _row_number, _batch_date, _headless_cells, {', '.join(values)},
               ({filled} OR _headless_cells > 0 OR _other_filled) AS _filled
        FROM cleaned""")
    con.execute(
        f"""CREATE TEMP TABLE _checked AS
        WITH keyed AS (
            SELECT * EXCLUDE (_filled),
                   CASE WHEN {key_known} THEN count(*) OVER (PARTITION BY _file, {key_sql}) ELSE 1 END AS _key_rows,
                   -- the key's first row: names the group of copies in _duplicates
                   CASE WHEN {key_known} THEN min(_row_number) OVER (PARTITION BY _file, {key_sql}) END AS _key_first
            FROM _typed WHERE _filled)
        SELECT *, {flags}, ({' OR '.join(f'_f{i}' for i in range(len(checks)))}) AS _bad FROM keyed""")
    con.execute("DROP TABLE _typed")
    con.execute("DROP TABLE IF EXISTS _problems")
    con.execute(PROBLEMS_DDL)
    if not con.execute("SELECT coalesce(bool_or(_bad), false) FROM _checked").fetchone()[0]:
        return  # the usual case: nothing to explain, so skip planning the message expressions
    _duplicates(con)
    messages = ", ".join(
        f"CASE WHEN c._f{i} THEN {{'kind': {lit(REJECT_KINDS[chk.kind])}, 'msg': {chk.message}}} END"
        for i, chk in enumerate(checks))
    con.execute(
        f"""INSERT INTO _problems
        SELECT c._file, c._row_number, list_filter([{messages}], lambda p: p IS NOT NULL)
        FROM _checked c JOIN {CELLS} s USING (_file, _row_number) JOIN {FILES} f USING (_file)
        LEFT JOIN _duplicates d ON d._file = c._file AND d._key_first = c._key_first
        WHERE c._bad""")
    con.execute("DROP TABLE _duplicates")


def _duplicates(con) -> None:
    """_duplicates: per key with copies in a file, the first row numbers (as many as a message shows),
    set-based: one aggregate, joined to the rows."""
    shown = load_contract().limits.duplicate_rows_shown
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _duplicates AS
        SELECT _file, _key_first, list(_row_number ORDER BY _row_number)[1:{shown}] AS shown
        FROM (SELECT _file, _key_first, _row_number,
                     row_number() OVER (PARTITION BY _file, _key_first ORDER BY _row_number) AS _copy
              FROM _checked WHERE _key_rows > 1)
        WHERE _copy <= {shown}
        GROUP BY _file, _key_first""")
