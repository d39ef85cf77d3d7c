"""Loading export files into the raw schema: one transaction per file, reconciled, idempotent.

Per file: read -> find the header row -> map headers to the contract -> check every cell in SQL ->
accepted rows to raw.<entity>, rejected rows (verbatim, with reasons) to raw.rejects, and one
raw.load_log row; all or nothing. rows_read = rows_loaded + rows_rejected for every file.

A record restated with other values by another file of the same batch is a conflict: both rows are
refused, each naming the other (the earlier file's row is withdrawn from raw and its load-log
counts adjusted, in the same transaction). A later batch restating a record is a correction.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.contract import Entity, label_key, load_contract
from pipelines.contract.warehouse import LOAD_LOG_COLUMNS, RAW_SCHEMA, REASON_SEPARATOR, REJECT_KINDS, create_raw_schema

from .discover import LandingFile, discover, unsafe_reason
from .readers import STAGE, FileProblem, read_into_stage
from .sql import SELF_KEYED_TYPES, Check, cleaned_sql, column_sql, date_order_checks, lit, macros, plain_sql, present

log = logging.getLogger(__name__)
HEADER_SEARCH_ROWS = 10  # a title line or two may stand above the header in Excel exports


@dataclass(frozen=True)
class FileOutcome:
    batch_id: str
    file_name: str
    entity: str | None
    status: str  # loaded | rejected | unchanged (already loaded, skipped)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    message: str = ""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _stage_columns(con) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {STAGE}").fetchall() if r[0] != "_row_number"]


def _find_header(con, entity: Entity) -> tuple[int, dict[str, str], list[str]]:
    """(header row number, {contract column: stage column}, header text per stage column)."""
    stage_cols = _stage_columns(con)
    by_key = {label_key(h): col.name for col in entity.columns for h in col.headers}
    rows = con.execute(
        f"SELECT _row_number, {', '.join(stage_cols)} FROM {STAGE} ORDER BY _row_number LIMIT {HEADER_SEARCH_ROWS}"
    ).fetchall()
    best = None
    for row in rows:
        hits = sum(1 for cell in row[1:] if cell and label_key(cell) in by_key)
        if hits and (best is None or hits > best[0]):
            best = (hits, row)
    if best is None:
        expected = "」「".join(c.header for c in entity.required[:4])
        raise FileProblem(f"未找到表头：前 {HEADER_SEARCH_ROWS} 行中没有「{entity.title}」的列名（如「{expected}」）")
    header_row = best[1]
    texts = [(cell or "").strip() for cell in header_row[1:]]
    mapping: dict[str, str] = {}
    positions: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        name = by_key.get(label_key(text)) if text else None
        if name:
            positions.setdefault(name, []).append(i + 1)
            mapping[name] = stage_cols[i]
    doubled = {n: p for n, p in positions.items() if len(p) > 1}
    if doubled:
        detail = "；".join(f"「{entity.column(n).header}」在第 {'、'.join(map(str, p))} 列" for n, p in doubled.items())
        raise FileProblem(f"同一列出现多次（含同义列名）：{detail}。请删除重复的列")
    missing = [c for c in entity.required if c.name not in mapping]
    if missing:
        detail = "、".join(f"「{c.header}」" + (f"（或{'/'.join(c.synonyms)}）" if c.synonyms else "") for c in missing)
        unknown = [t for t in texts if t and label_key(t) not in by_key]
        hint = ("；文件中这些列名无法识别，可能是被改了名：" + "、".join(f"「{t[:30]}」" for t in unknown[:8])) if unknown else ""
        raise FileProblem(f"缺少必需的列：{detail}（表头在第 {header_row[0]} 行）{hint}")
    return header_row[0], mapping, texts


def _check_rows(con, entity: Entity, header_row: int, mapping: dict[str, str], texts: list[str]) -> None:
    """Check every data row of the stage table, set-based, in two passes.

    Pass 1, every row: typed values plus one cheap boolean flag per check -> temp table _checked.
    Pass 2, only flagged rows: the Chinese messages and the verbatim row -> temp table _problems.
    """
    stage_cols = _stage_columns(con)
    header_of = {name: texts[stage_cols.index(col)] for name, col in mapping.items()}
    plain, cleaned, values, checks = [], [], [], []
    for col in entity.columns:
        cell = f"s.{mapping[col.name]}" if col.name in mapping else None  # stage alias s, in both passes
        if cell:
            plain.append(f"{plain_sql(cell)} AS _p_{col.name}")
            text_sql, key_sql_ = cleaned_sql(cell, f"_p_{col.name}")
            cleaned += [f"{text_sql} AS _t_{col.name}", f"{key_sql_} AS _k_{col.name}"]
            values.append(f"_t_{col.name} IS NOT NULL AS {present(col)}")
        value, col_checks = column_sql(col, cell, f"_t_{col.name}", f"_k_{col.name}", header_of.get(col.name))
        values.append(f"{value} AS {col.name}")
        checks.extend(col_checks)
    checks.extend(date_order_checks(entity.name, header_of))
    unmapped = [c for c in stage_cols if c not in mapping.values()]
    headless = [c for c, t in zip(stage_cols, texts) if not t]
    filled = " + ".join(f"(s.{c} IS NOT NULL AND sssg_text(s.{c}) IS NOT NULL)::INT" for c in headless) or "0"
    if headless:  # e.g. a CSV row longer than its header: those values are not dropped silently
        values.append("_h0 AS _headless_cells")
        checks.append(Check("cell_without_header", "_headless_cells > 0",
                            f"'该行有 ' || ({filled}) || ' 个单元格不在任何表头下（列数多于表头）'"))
    # A row is blank when no cell holds more than whitespace, the unmapped ones included.
    other_filled = " OR ".join(f"(s.{c} IS NOT NULL AND sssg_text(s.{c}) IS NOT NULL)"
                               for c in unmapped if c not in headless) or "false"
    mapped_filled = " OR ".join(f"_t_{name} IS NOT NULL" for name in mapping) or "false"
    # Two rows with one natural key in one file: nobody can say which is right, so neither loads.
    # Codes, dates, numbers and dictionary values are their own keys; free text is folded first.
    key = entity.natural_key
    key_sql = ", ".join(k if entity.column(k).type in SELF_KEYED_TYPES else f"sssg_key(CAST({k} AS VARCHAR))"
                        for k in key)
    key_known = " AND ".join(f"{k} IS NOT NULL" for k in key)
    shown_key = " || '，' || ".join(f"{lit(entity.column(k).header + '=')} || CAST(c.{k} AS VARCHAR)" for k in key)
    checks.append(Check("duplicate_key", "_key_rows > 1",
                        f"'记录键（' || {shown_key} || '）在本文件中重复出现：第 ' || "
                        f"(SELECT array_to_string(list_sort(list(d._row_number)), '、') FROM _checked d "
                        f"WHERE {' AND '.join(f'd.{k} = c.{k}' for k in key)}) || ' 行'"))
    flags = ", ".join(f"({chk.flag}) AS _f{i}" for i, chk in enumerate(checks))
    # Typed first, into a table of its own: the key count below, planned as a self-join, would
    # otherwise recompute every cleaned and typed value a second time.
    con.execute("DROP TABLE IF EXISTS _checked")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _typed AS
        WITH plain AS (
            SELECT s.*, {', '.join(plain) or 'NULL AS _p'} FROM {STAGE} s WHERE _row_number > {header_row}),
        cleaned AS (
            SELECT _row_number, {', '.join(cleaned + [f'{filled} AS _h0', f'{other_filled} AS _o'])}
            FROM plain s)
        SELECT _row_number, {', '.join(values)}, ({mapped_filled} OR _h0 > 0 OR _o) AS _filled FROM cleaned""")
    con.execute(
        f"""CREATE TEMP TABLE _checked AS
        WITH keyed AS (
            SELECT *, CASE WHEN {key_known} THEN count(*) OVER (PARTITION BY {key_sql}) ELSE 1 END AS _key_rows
            FROM _typed WHERE _filled)  -- not a WHERE above: pushed down, it would clean every cell twice
        SELECT * EXCLUDE (_filled), {flags}, ({' OR '.join(f'_f{i}' for i in range(len(checks)))}) AS _bad FROM keyed"""
    )
    con.execute("DROP TABLE _typed")
    con.execute("DROP TABLE IF EXISTS _problems")
    if not con.execute("SELECT coalesce(bool_or(_bad), false) FROM _checked").fetchone()[0]:
        # the usual case: nothing to explain, so skip planning the message expressions
        con.execute("CREATE TEMP TABLE _problems (_row_number BIGINT, "
                    "problems STRUCT(kind VARCHAR, msg VARCHAR)[], row_json VARCHAR)")
        return
    json_pairs = _row_json_pairs(con, header_row, texts)
    messages = ", ".join(
        f"CASE WHEN c._f{i} THEN {{'kind': {lit(REJECT_KINDS[chk.kind])}, 'msg': {chk.message}}} END"
        for i, chk in enumerate(checks))
    con.execute(
        f"""CREATE TEMP TABLE _problems AS
        SELECT c._row_number, list_filter([{messages}], lambda p: p IS NOT NULL) AS problems,
               json_object({json_pairs}) AS row_json
        FROM _checked c JOIN {STAGE} s ON s._row_number = c._row_number
        WHERE c._bad"""
    )


def _row_json_pairs(con, header_row: int, texts: list[str]) -> str:
    """json_object() arguments giving a stage row (alias s) verbatim under the file's own headers;
    cells beyond the header appear as 第N列 when any row has one."""
    stage_cols = _stage_columns(con)
    used = [c for c, t in zip(stage_cols, texts) if not t and con.execute(
        f"SELECT bool_or(sssg_text({c}) IS NOT NULL) FROM {STAGE} WHERE _row_number > {header_row}").fetchone()[0]]
    return ", ".join(f"{lit(text or f'第{i + 1}列')}, s.{c}"
                     for i, (c, text) in enumerate(zip(stage_cols, texts)) if text or c in used)


def _withdraw_conflicts(con, entity: Entity, landing_file: LandingFile, row_json_pairs, loaded_at: datetime) -> None:
    """Same natural key, same batch, another file, other values: neither version is loaded.

    Within one batch nothing says which file is the later word (a later *batch* is: it supersedes,
    and is no conflict). The rows of this file go to _problems; the other file's rows, already
    loaded, are moved from raw.<entity> to raw.rejects and that file's load-log counts are adjusted,
    all in the caller's transaction. Rows restating the same values are harmless and stay.
    """
    table = f"{RAW_SCHEMA}.{entity.table}"
    if not con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE _batch_id = ? AND _file_name <> ? LIMIT 1)",
                       [landing_file.batch_id, landing_file.file_name]).fetchone()[0]:
        return  # the usual case: one file per entity in a batch
    key_match = " AND ".join(f"sssg_key(CAST(c.{k} AS VARCHAR)) = sssg_key(CAST(e.{k} AS VARCHAR))"
                             for k in entity.natural_key)
    differs = " OR ".join(f"c.{col.name} IS DISTINCT FROM e.{col.name}" for col in entity.columns)
    which = ", ".join(f"CASE WHEN c.{col.name} IS DISTINCT FROM e.{col.name} THEN {lit('「' + col.header + '」')} END"
                      for col in entity.columns)
    shown_key = " || '，' || ".join(f"{lit(entity.column(k).header + '=')} || CAST(c.{k} AS VARCHAR)"
                                    for k in entity.natural_key)
    con.execute("DROP TABLE IF EXISTS _conflicts")
    con.execute(
        f"""CREATE TEMP TABLE _conflicts AS
        SELECT c._row_number AS new_row, e.rowid AS other_rowid, e._file_name AS other_file,
               e._row_number AS other_row, {shown_key} AS shown_key, concat_ws('', {which}) AS differs
        FROM _checked c JOIN {table} e ON e._batch_id = ? AND e._file_name <> ? AND {key_match}
        WHERE NOT c._bad AND ({differs})""",
        [landing_file.batch_id, landing_file.file_name])
    if not con.execute("SELECT count(*) FROM _conflicts").fetchone()[0]:
        return
    kind = lit(REJECT_KINDS["conflicting_correction"])
    tail = "内容不同（' || k.differs || '不一致）：同一批次内无法判断哪一个正确，两处均不载入；请核实后把正确的记录放入新的批次（以新的导出日期命名）"
    con.execute(
        f"""INSERT INTO _problems
        SELECT k.new_row, list({{'kind': {kind},
                                'msg': '记录键（' || k.shown_key || '）与同一批次文件「' || k.other_file || '」第 '
                                       || k.other_row || ' 行的同一记录{tail}'}} ORDER BY k.other_file, k.other_row),
               any_value(json_object({row_json_pairs()}))
        FROM _conflicts k JOIN {STAGE} s ON s._row_number = k.new_row GROUP BY k.new_row""")
    stored_json = ", ".join(f"{lit(col.header)}, CAST(e.{col.name} AS VARCHAR)" for col in entity.columns)
    moved = con.execute(
        f"""INSERT INTO {RAW_SCHEMA}.rejects
        SELECT DISTINCT ON (k.other_rowid) {lit(entity.name)}, e._batch_id, e._batch_date, e._file_name, e._row_number,
               json_object({stored_json}),
               '记录键（' || k.shown_key || '）与同一批次文件「' || ? || '」第 ' || k.new_row || ' 行的同一记录{tail}。'
               || '该行此前已载入，现已撤回（原始行按载入后的值列出）',
               {kind}, ?
        FROM _conflicts k JOIN {table} e ON e.rowid = k.other_rowid
        RETURNING _file_name""",
        [landing_file.file_name, loaded_at]).fetchall()
    con.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT other_rowid FROM _conflicts)")
    for other_file in sorted({m[0] for m in moved}):
        n = sum(1 for m in moved if m[0] == other_file)
        con.execute(
            """UPDATE raw.load_log SET rows_loaded = rows_loaded - ?, rows_rejected = rows_rejected + ?,
                   message = concat_ws('；', nullif(message, ''), ? )
            WHERE batch_id = ? AND file_name = ? AND status = 'loaded'
              AND loaded_at = (SELECT max(loaded_at) FROM raw.load_log
                               WHERE batch_id = ? AND file_name = ? AND status = 'loaded')""",
            [n, n, f"{n} 行因与同批次文件「{landing_file.file_name}」的记录冲突已撤回（见拒收记录）",
             landing_file.batch_id, other_file, landing_file.batch_id, other_file])


def load_file(con: duckdb.DuckDBPyConnection, landing_file: LandingFile, loaded_at: datetime | None = None) -> FileOutcome:
    """Validate and load one file (a transaction of its own). Never raises for bad content."""
    loaded_at = loaded_at or datetime.now().replace(microsecond=0)
    path, batch_id, file_name = landing_file.path, landing_file.batch_id, landing_file.file_name
    entity = load_contract().entity_for_file(file_name)
    unsafe = unsafe_reason(path, landing_file.landing)  # never open what is not a plain file inside the landing folder
    sha = sha256_of(path) if unsafe is None and landing_file.problem is None else None
    previous = con.execute(
        "SELECT file_sha256, status FROM raw.load_log WHERE batch_id = ? AND file_name = ? ORDER BY loaded_at DESC LIMIT 1",
        [batch_id, file_name],
    ).fetchone()
    if previous and previous[0] == sha:
        return FileOutcome(batch_id, file_name, entity.name if entity else None, "unchanged")

    def record(status: str, fmt: str | None, read: int, ok: int, bad: int, message: str) -> FileOutcome:
        row = [batch_id, landing_file.batch_date, file_name, entity.name if entity else None, sha,
               path.lstat().st_size if unsafe is None else None, fmt, status, read, ok, bad, message, loaded_at]
        con.execute(f"INSERT INTO raw.load_log VALUES ({', '.join('?' * len(LOAD_LOG_COLUMNS))})", row)
        return FileOutcome(batch_id, file_name, entity.name if entity else None, status, read, ok, bad, message)

    problem = landing_file.problem or (f"文件{unsafe}" if unsafe else None)
    if not problem and previous and previous[1] == "loaded":
        problem = "同一批次中同名文件已载入且内容不同：更正数据请放入新的批次文件夹（以新的导出日期命名）"
    if not problem and entity is None:
        labels = "、".join(e.file_label for e in load_contract().entities)
        problem = f"无法从文件名判断数据类别：文件名应以下列之一开头：{labels}"
    fmt, ignored = None, []
    if not problem:  # read and check in temp tables first: a failed read must not abort the load transaction
        try:
            fmt = read_into_stage(con, path)
            header_row, mapping, texts = _find_header(con, entity)
            _check_rows(con, entity, header_row, mapping, texts)
            row_json_pairs = lambda: _row_json_pairs(con, header_row, texts)  # noqa: E731 (only needed on conflict)
            ignored = [t for t, c in zip(texts, _stage_columns(con)) if t and c not in mapping.values()]
        except FileProblem as exc:
            problem = str(exc)
            if fmt == "csv-gb18030" and problem.startswith("未找到表头"):
                problem += "。文件不是 UTF-8，已按 GB18030 解读；若列名显示为乱码，说明编码不对：请按 UTF-8 或 GB18030 重新导出"

    con.execute("BEGIN TRANSACTION")
    try:
        if problem:
            outcome = record("rejected", fmt, 0, 0, 0, problem)
        else:
            _withdraw_conflicts(con, entity, landing_file, row_json_pairs, loaded_at)
            read, bad = _insert_checked(con, entity, landing_file, loaded_at)
            notes = (["文件只有表头，没有数据行"] if read == 0 else []) + (
                ["已忽略数据规范之外的列：" + "、".join(f"「{t}」" for t in ignored)] if ignored else [])
            outcome = record("loaded", fmt, read, read - bad, bad, "；".join(notes))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    log.info("batch %s file %s: %s (%s read, %s loaded, %s rejected) %s", batch_id, file_name, outcome.status,
             outcome.rows_read, outcome.rows_loaded, outcome.rows_rejected, outcome.message)
    return outcome


def _insert_checked(con, entity: Entity, landing_file: LandingFile, loaded_at: datetime) -> tuple[int, int]:
    """Move _checked / _problems into raw.<entity> and raw.rejects; returns (rows read, rows rejected)."""
    lineage = [landing_file.batch_id, landing_file.batch_date, landing_file.file_name]
    cols = ", ".join(c.name for c in entity.columns)
    con.execute(
        f"""INSERT INTO {RAW_SCHEMA}.{entity.table} ({cols}, _batch_id, _batch_date, _file_name, _row_number, _loaded_at)
        SELECT {cols}, ?, ?, ?, _row_number, ? FROM _checked ANTI JOIN _problems USING (_row_number)""",
        [*lineage, loaded_at],
    )
    con.execute(
        f"""INSERT INTO {RAW_SCHEMA}.rejects
        SELECT ?, ?, ?, ?, _row_number, row_json,
               array_to_string(list_transform(problems, lambda p: p.msg), {lit(REASON_SEPARATOR)}),
               array_to_string(list_sort(list_distinct(list_transform(problems, lambda p: p.kind))), {lit(REASON_SEPARATOR)}),
               ?
        FROM _problems ORDER BY _row_number""",
        [entity.name, *lineage, loaded_at],
    )
    return con.execute("SELECT (SELECT count(*) FROM _checked), (SELECT count(*) FROM _problems)").fetchone()


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")  # a large file must not paint bars into the run's output
    create_raw_schema(con)
    for statement in macros():
        con.execute(statement)
    return con


def ingest_landing(landing: Path, warehouse: Path) -> list[FileOutcome]:
    """Load every new file under `landing` into `warehouse`, oldest batch first."""
    con = open_warehouse(warehouse)
    try:
        loaded_at = datetime.now().replace(microsecond=0)
        return [load_file(con, f, loaded_at) for f in discover(landing)]
    finally:
        con.execute("CHECKPOINT")
        con.close()
