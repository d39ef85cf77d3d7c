"""Checking the rows of a group of staged files of one entity, set-based, in one pass for them all.

Planning DuckDB statements of this size costs tens of milliseconds whatever the row count, so the
files of a group are seen through one view of fixed shape (`_cells`: the contract's columns as
verbatim text, NULL where a file lacks the column) and checked together. What differs per file
(the header a message should name) comes from the `_files` table.

Pass 1, every row: typed values plus one cheap boolean flag per check -> temp table _checked.
Pass 2, only flagged rows: the Chinese messages -> temp table _problems (_file, _row_number, problems).

不予公示: pass 1 also decides, once per row, whether the row is exempt (_checked._exempt), on the
mapped column (whatever the file's header for it was): a result whose 不予公示原因 cell is not blank,
whatever its value (even one the contract does not know), and a result, decision or referral whose
结果编号 names a result that is exempt: its current version in raw.result, or a row of this run
(_exempt_run, filled as result groups are checked). A refused row that is exempt is stored masked
(load.py, conflicts.py).
"""
from __future__ import annotations

from pipelines.contract import Entity
from pipelines.contract.warehouse import RAW_SCHEMA, REJECT_KINDS

from pipelines.contract import load_contract

from .sql import (SELF_KEYED_TYPES, Check, cleaned_sql, column_sql, date_order_checks, lit, plain_sql, present,
                  range_checks)

CELLS = "_cells"
FILES = "_files"
EXEMPT_RUN = "_exempt_run"  # result keys (结果编号, key form) seen exempt in this run, accepted or refused
EXEMPT_KEYS = "_exempt_keys"  # those, plus the results whose current version in raw.result is exempt
PROBLEMS_DDL = ("CREATE TEMP TABLE _problems (_file INTEGER, _row_number BIGINT, "
                "problems STRUCT(kind VARCHAR, msg VARCHAR)[])")


def note_column(name: str) -> str:
    """_files column: the synonym note of a contract column for that file (see sql.synonym_note)."""
    return f"_note_{name}"


def header_column(name: str) -> str:
    """_files column: the header text that file uses for a contract column (NULL when absent)."""
    return f"_header_{name}"


# Columns whose values repeat across rows (dates, dictionary values, yes/no): each distinct cell is
# cleaned and typed once, in a lookup of its own, and joined back by the verbatim cell. The object
# register's 2.3 million rows at scale 14 hold a few thousand distinct dates and a handful of
# dictionary values. The expressions are the same; only how often they run changes.
LOOKUP_TYPES = ("date", "enum", "bool", "list")


def _lookup(col) -> bool:
    return col.type in LOOKUP_TYPES


def _checks(entity: Entity) -> tuple[list[str], list[str], list[str], list[str], list[Check]]:
    """(plain-test columns, cleaned columns, lookup CTEs, typed columns, checks) over the _cells table
    (alias s). A lookup column's cleaned text and typed value come from its CTE (_lk_<name>: _c_<name>
    the verbatim cell, _t_<name> its cleaned text, _v_<name> its typed value)."""
    plain, cleaned, lookups, values, checks = [], [], [], [], []
    for col in entity.columns:
        cell = f"s.{col.name}"
        # over the cleaned forms _t_/_k_: in the lookup's CTE or in the row's own layer, the same expression
        value, col_checks = column_sql(col, cell, f"_t_{col.name}", f"_k_{col.name}", f"f.{note_column(col.name)}")
        if _lookup(col):
            text_sql, key_sql = cleaned_sql(f"_c_{col.name}", f"_p_{col.name}")
            lookups.append(
                f"""_lk_{col.name} AS (
                    SELECT _c_{col.name}, _t_{col.name}, {value} AS _v_{col.name}
                    FROM (SELECT _c_{col.name}, {text_sql} AS _t_{col.name}, {key_sql} AS _k_{col.name}
                          FROM (SELECT _c_{col.name}, {plain_sql(f"_c_{col.name}")} AS _p_{col.name}
                                FROM (SELECT DISTINCT {col.name} AS _c_{col.name} FROM {CELLS}))))""")
            cleaned.append(f"{cell} AS _c_{col.name}")
            values += [f"_t_{col.name} IS NOT NULL AS {present(col)}", f"_v_{col.name} AS {col.name}"]
        else:
            plain.append(f"{plain_sql(cell)} AS _p_{col.name}")
            text_sql, key_sql = cleaned_sql(cell, f"_p_{col.name}")
            cleaned += [f"{text_sql} AS _t_{col.name}", f"{key_sql} AS _k_{col.name}"]
            values += [f"_t_{col.name} IS NOT NULL AS {present(col)}", f"{value} AS {col.name}"]
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
    return plain, cleaned, lookups, values, checks


def names_result(entity: Entity) -> bool:
    """Whether the entity's rows name a result (结果编号): their exempt flag follows the result's."""
    return any(c.name == "result_id" for c in entity.columns)


def exempt_sql(entity: Entity, reason: str = "_t_nondisclosure_reason", result_key: str = "_k_result_id") -> str:
    """A row's exempt flag: by default over the cleaned layer of check_group (_t_ / _k_ columns);
    with other column expressions, of a row already stored in raw.<entity>. Needs _exempt_keys."""
    terms = []
    if any(c.name == "nondisclosure_reason" for c in entity.columns):
        terms.append(f"{reason} IS NOT NULL")
    if names_result(entity):
        terms.append(f"coalesce({result_key} IN (SELECT result_id FROM {EXEMPT_KEYS}), false)")
    return " OR ".join(terms) or "false"


def _prepare_exempt_keys(con) -> None:
    """_exempt_keys: the results exempt now. Only the keys that ever had a reason are looked at
    (few), so the current-version window never runs over the whole of raw.result. Same order of
    versions as the dbt macro current_version."""
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {EXEMPT_RUN} (result_id VARCHAR)")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {EXEMPT_KEYS} AS
        WITH ever AS (SELECT DISTINCT result_id FROM {RAW_SCHEMA}.result WHERE nondisclosure_reason IS NOT NULL),
        current AS (
            SELECT result_id, nondisclosure_reason FROM {RAW_SCHEMA}.result
            WHERE result_id IN (SELECT result_id FROM ever)
            QUALIFY row_number() OVER (PARTITION BY result_id ORDER BY _batch_date DESC NULLS LAST,
                _batch_id DESC NULLS LAST, _row_number DESC NULLS LAST, _loaded_at DESC NULLS LAST) = 1)
        SELECT result_id FROM current WHERE nondisclosure_reason IS NOT NULL
        UNION SELECT result_id FROM {EXEMPT_RUN} WHERE result_id IS NOT NULL""")


def check_group(con, entity: Entity) -> None:
    """Fill _checked and _problems from _cells (and _files, for the messages)."""
    plain, cleaned, lookups, values, checks = _checks(entity)
    if names_result(entity):
        _prepare_exempt_keys(con)
    # the 结果编号 as a key even when it is no valid code, so a refused row naming a secret result is caught
    result_key = ", _k_result_id AS _result_key" if names_result(entity) else ""
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
    joins = " ".join(f"LEFT JOIN _lk_{c.name} USING (_c_{c.name})" for c in entity.columns if _lookup(c))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _typed AS
        WITH plain AS (SELECT s.*{''.join(', ' + p for p in plain)} FROM {CELLS} s),
        cleaned AS (
            SELECT _file, _row_number, _batch_date, {', '.join(cleaned)},
                   -- cells beyond the header, and in columns outside the contract, that are not blank
                   len(list_filter(_headless, lambda x: sssg_text(x) IS NOT NULL)) AS _headless_cells,
                   len(list_filter(_other, lambda x: sssg_text(x) IS NOT NULL)) > 0 AS _other_filled
            FROM plain s){''.join(', ' + lk for lk in lookups)}
        SELECT _file, _row_number, _batch_date, _headless_cells, {', '.join(values)},
               ({filled} OR _headless_cells > 0 OR _other_filled) AS _filled,
               coalesce({exempt_sql(entity)}, false) AS _exempt{result_key}
        FROM cleaned {joins}""")
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
    if entity.name == "result":  # decisions and referrals loaded later in this run see these
        con.execute(f"INSERT INTO {EXEMPT_RUN} SELECT DISTINCT _result_key FROM _checked "
                    "WHERE _exempt AND _result_key IS NOT NULL")
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
