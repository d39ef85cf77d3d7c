"""Row-level scope: which rows of the serving artefact a reader may see. Enforced here, in the read
layer, for every query a page, a drill-down, a download or a label lookup runs, never in a page.

A `Scope` is what the rows depend on: a county-level division (`region`), a department (`dept`), or
neither (the whole city); `details` adds the data-status details (考核办 and the operator at the
machine). Every published table has a `RULES` entry; a table without one shows no rows to a scoped
reader (a new mart is hidden until someone decides who may read it: tests/test_scope.py fails first).

A scoped reader's query runs on an in-memory DuckDB database that attaches the version file read-only
as `pub` and defines, for each published table, a view of the same name (`marts.x`) holding only the
rows of the scope: the loaders' SQL is unchanged and cannot reach a row outside it. The decisions
(docs/security.md): the whole city's own figures (scope = 'city', the city milestones) are published to
every reader; another county's or department's rows are not, nor the best-unit summary that names one.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass

import duckdb

REGION_CODE = re.compile(r"^\d{6}$")
DEPT_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")


@dataclass(frozen=True)
class Scope:
    region: str | None = None  # a county-level division's region code: its rows and its departments'
    dept: str | None = None  # one department's code: its rows only
    details: bool = False  # the data-status details (rejected rows, files): 考核办 and the operator
    nothing: bool = False  # no rows at all (no reader established yet)

    def __post_init__(self) -> None:
        if self.region is not None and self.dept is not None:
            raise ValueError("a scope is a county or a department, not both")
        if self.region is not None and not REGION_CODE.match(self.region):
            raise ValueError(f"county code {self.region!r}: expected six digits, e.g. 210402")
        if self.dept is not None and not DEPT_CODE.match(self.dept):
            raise ValueError(f"department code {self.dept!r}: expected letters, digits, '-' or '_', e.g. 210400-SCJG")

    @property
    def citywide(self) -> bool:
        return self.region is None and self.dept is None and not self.nothing

    def key(self) -> tuple:
        """What a cache of query results is keyed on besides the query."""
        return (self.region, self.dept, self.details, self.nothing)


CITY = Scope()  # every row except the data-status details
OPERATOR = Scope(details=True)  # every row (reports, pipelines, the operator at the machine, 考核办)
NOTHING = Scope(nothing=True)


@dataclass(frozen=True)
class Rule:
    kind: str  # public | units | records | citywide | details
    region: str = "region_code"
    dept: str = "dept_code"


PUBLIC = Rule("public")  # reference data and the city's own totals
UNITS = Rule("units")  # keyed by (scope, unit): the city row, and the units of the reader's scope
RECORDS = Rule("records")  # one row per record of a department: the reader's region's or department's
CITYWIDE = Rule("citywide")  # compares units with each other by name: city-wide readers only
DETAILS = Rule("details")  # the data-status details: readers with `details` only

RULES: dict[tuple[str, str], Rule] = {
    **{("marts", t): PUBLIC for t in (
        "dim_calendar", "dim_code_label", "dim_metric", "dim_metric_group", "dim_region", "dim_settings",
        "mart_assessment__milestones")},
    ("meta", "publish_log"): PUBLIC,
    **{("marts", t): UNITS for t in (
        "dim_unit", "fct_metric_values", "mart_assessment__circular_shortfalls", "mart_assessment__score_parts",
        "mart_assessment__scores", "mart_assessment__shortfalls", "mart_metric__credit_linked_tasks",
        "mart_metric__inspector_participation", "mart_metric__item_coverage", "mart_metric__joint_inspection",
        "mart_metric__mechanism_coverage", "mart_metric__publication", "mart_metric__random_compliance",
        "mart_metric__result_outcomes", "mart_metric__sampling_credit_trend", "mart_metric__sampling_ratio",
        "mart_metric__task_completion", "mart_metric__temporary_tasks")},
    **{("marts", t): RECORDS for t in (
        "dim_department", "fct_metric_records", "mart_early_warning__month_ends", "mart_early_warning__obligations",
        "mart_early_warning__tasks", "mart_metric__mechanism_coverage_detail", "mart_publication__obligations")},
    ("marts", "mart_joint__partners"): Rule("records", region="lead_region_code", dept="lead_dept_code"),
    ("marts", "mart_assessment__year_summary"): CITYWIDE,
    **{("marts", t): DETAILS for t in (
        "mart_data_status__awaiting_calendar", "mart_data_status__entities", "mart_data_status__files",
        "mart_data_status__reject_reasons", "mart_data_status__rejects",
        "mart_data_status__unresolved_department_names")},
}


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def predicate(rule: Rule | None, scope: Scope) -> str:
    """The SQL condition on a table's rows that `scope` may see under `rule`."""
    if scope.nothing or rule is None:
        return "false"
    if rule.kind == "public":
        return "true"
    if rule.kind == "details":
        return "true" if scope.details else "false"
    if scope.citywide:
        return "true"
    if rule.kind == "citywide":
        return "false"
    if rule.kind == "units":
        if scope.region is not None:
            return f"(scope = 'city' or {_ident(rule.region)} = {_literal(scope.region)})"
        return f"(scope = 'city' or (scope = 'department' and {_ident(rule.dept)} = {_literal(scope.dept)}))"
    if rule.kind == "records":
        if scope.region is not None:
            return f"{_ident(rule.region)} = {_literal(scope.region)}"
        return f"{_ident(rule.dept)} = {_literal(scope.dept)}"
    raise ValueError(f"unknown rule {rule.kind!r}")


def _views(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    tables = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_catalog = 'pub' "
        "ORDER BY 1, 2").fetchall()
    for schema in sorted({s for s, _ in tables}):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS memory.{_ident(schema)}")
    for schema, table in tables:
        where = predicate(RULES.get((schema, table)), scope)
        con.execute(f"CREATE VIEW memory.{_ident(schema)}.{_ident(table)} AS "
                    f"SELECT * FROM pub.{_ident(schema)}.{_ident(table)} WHERE {where}")


_MAX_OPEN = 16  # versions x scopes kept open: the newest publish's readers, a few of the last
_MEMORY_LIMIT = "1GB"  # each kept database's cache of the file's blocks
_open: OrderedDict[tuple, duckdb.DuckDBPyConnection] = OrderedDict()
_open_lock = threading.Lock()


def _scoped_cursor(path: str, mtime_ns: int, scope: Scope) -> duckdb.DuckDBPyConnection:
    """A cursor on the in-memory database of views of (version file, scope), made once and kept while
    in use. The version file is never modified (a new publish is a new file)."""
    key = (path, mtime_ns, scope.key())
    with _open_lock:
        con = _open.get(key)
        if con is None:
            con = duckdb.connect(":memory:", config={"memory_limit": _MEMORY_LIMIT})
            try:
                con.execute(f"ATTACH {_literal(path)} AS pub (READ_ONLY)")
                _views(con, scope)
            except BaseException:
                con.close()
                raise
            _open[key] = con
            while len(_open) > _MAX_OPEN:
                _open.popitem(last=False)[1].close()
        _open.move_to_end(key)
        return con.cursor()


def connect(path: str, mtime_ns: int, scope: Scope, keep: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection for one query of `scope` on a version file; the caller closes it. A scoped reader's
    query, or any query with `keep` (the dashboard server's), takes a cursor on a database kept open
    for that version (opening the file costs more than most queries); otherwise the file is opened
    for this query alone, so that the process holds no handle on it afterwards."""
    if scope == OPERATOR and not keep:
        return duckdb.connect(path, read_only=True)
    return _scoped_cursor(path, mtime_ns, scope)


# The reader of this context (a Streamlit script run). Outside the dashboard (reports, pipelines, the
# checks) nobody sets it and the default is the operator's; the dashboard sets its process default to
# NOTHING (dashboard.data), so a query before the reader is known reads no rows.
_current: ContextVar[Scope | None] = ContextVar("serving_scope", default=None)
_default: Scope = OPERATOR


def set_default(scope: Scope) -> None:
    global _default
    _default = scope


def use(scope: Scope) -> None:
    """Every query of this context reads through `scope`."""
    _current.set(scope)


def current() -> Scope:
    scope = _current.get()
    return _default if scope is None else scope
