"""Loading export files into the raw schema: reconciled, idempotent, all or nothing per group.

Per file: read -> find the header row -> map headers to the contract -> copy the cells into the
entity's group. Per group (files of one entity, several batches): check every cell in SQL at once
(checks.py) -> accepted rows to raw.<entity>, rejected rows (verbatim, with reasons) to
raw.rejects, and one raw.load_log row per file, in one transaction. rows_read = rows_loaded +
rows_rejected for every file. A file refused as a whole is recorded at once, in its own transaction.

A record restated with other values by another file of the same batch is a conflict: both rows are
refused, each naming the other (conflicts.py). A later batch restating a record is a correction.

不予公示: a refused row the check pass found exempt (a result with a non-disclosure reason, a row
naming such a result; checks.py) is stored in raw.rejects masked: row_json NULL, reasons a fixed
text (WITHHELD_REASONS), reason kinds kept, is_withheld true. Its cells are never written anywhere.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from pipelines.contract import Entity, label_key, load_contract
from pipelines.contract.warehouse import (LOAD_LOG_COLUMNS, RAW_SCHEMA, REASON_SEPARATOR, WITHHELD_REASONS,
                                          create_raw_schema)
from pipelines.settings import paths

from .checks import CELLS, FILES, check_group, header_column, names_result, note_column
from .conflicts import withdraw_conflicts
from .discover import LandingFile, discover, display_name, unsafe_reason
from .errors import FileProblem
from .readers import HEADER_SEARCH_ROWS, STAGE, header_hits, header_keys, read_into_stage
from .sql import lit, macros, synonym_note

log = logging.getLogger(__name__)
# Files staged before their groups are checked and loaded: bounds what the staged copies hold.
GROUP_BYTES = 64 << 20


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


def _stage_columns(con, table: str = STAGE) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall() if r[0] != "_row_number"]


def _find_header(con, entity: Entity, stage_cols: list[str], stage: str) -> tuple[int, dict[str, str], list[str]]:
    """(header row number, {contract column: stage column}, header text per stage column)."""
    by_key = header_keys(entity)
    rows = con.execute(
        f"SELECT _row_number, {', '.join(stage_cols)} FROM {stage} ORDER BY _row_number LIMIT {HEADER_SEARCH_ROWS}"
    ).fetchall()
    best = None
    for row in rows:
        hits = header_hits(by_key, row[1:])
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
        hint = ("；文件中这些列名无法识别，可能是被改了名：" + "、".join(_shown_header(t) for t in unknown[:8])) if unknown else ""
        raise FileProblem(f"缺少必需的列：{detail}（表头在第 {header_row[0]} 行）{hint}")
    return header_row[0], mapping, texts




def _shown_header(text: str) -> str:
    """A header as a clerk can tell it apart: invisible characters (a BOM or zero-width space pasted
    into the cell) written out and named, since the header otherwise looks exactly like the right one."""
    shown = display_name(text[:30])
    odd = sorted({f"U+{ord(ch):04X}" for ch in text[:30] if display_name(ch) != ch})
    return f"「{shown}」" + (f"（含不可见字符 {'、'.join(odd)}，请在表格中删除后重新输入该列名）" if odd else "")


@dataclass
class StagedFile:
    """A file read and mapped, waiting in its entity's group to be checked and loaded."""
    landing_file: LandingFile
    entity: Entity
    sha: str
    fmt: str
    stage: str  # its own stage table, kept for the verbatim rows of rejects
    header_row: int
    texts: list[str]
    ignored: list[str]
    size: int
    cells_sql: str = ""  # its rows in the group's fixed shape (see _add_to_group)
    file_row: list = field(default_factory=list)  # its row of the group's files table (see _add_to_group)
    stage_cols: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # from the reader: e.g. the sheets left out


@dataclass
class Group:
    entity: Entity
    files: list[StagedFile] = field(default_factory=list)

    def has_batch(self, batch_id: str) -> bool:
        return any(f.landing_file.batch_id == batch_id for f in self.files)


def _record(con, landing_file: LandingFile, entity: Entity | None, sha: str | None, size: int | None,
            fmt: str | None, status: str, read: int, ok: int, bad: int, message: str, loaded_at: datetime) -> FileOutcome:
    return _record_all(con, [(landing_file, entity, sha, size, fmt, status, read, ok, bad, message)], loaded_at)[0]


def _record_all(con, entries: list[tuple], loaded_at: datetime) -> list[FileOutcome]:
    """raw.load_log rows for files, one statement for all (a group's files load in one transaction);
    each entry holds _record's arguments from landing_file to message."""
    rows, outcomes = [], []
    for landing_file, entity, sha, size, fmt, status, read, ok, bad, message in entries:
        rows.append([landing_file.batch_id, landing_file.batch_date, landing_file.file_name,
                     entity.name if entity else None, sha, size, fmt, status, read, ok, bad, message, loaded_at])
        outcome = FileOutcome(landing_file.batch_id, landing_file.file_name, entity.name if entity else None,
                              status, read, ok, bad, message)
        log.info("batch %s file %s: %s (%s read, %s loaded, %s rejected) %s", outcome.batch_id, outcome.file_name,
                 outcome.status, read, ok, bad, message)
        outcomes.append(outcome)
    one = f"({', '.join('?' * len(LOAD_LOG_COLUMNS))})"
    con.execute(f"INSERT INTO raw.load_log VALUES {', '.join([one] * len(rows))}", [v for row in rows for v in row])
    return outcomes


def unexpected_problem(exc: BaseException) -> str:
    """The load-log reason for a failure nobody foresaw: what it was, and who can act on it."""
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    return (f"载入时出错（{type(exc).__name__}：{first}），文件未载入：请把此信息告知系统管理员；"
            "文件内容不变时不会重试，处理后请放入新的批次或删除该文件的载入记录")


def _drop_quietly(con, *tables: str) -> None:
    """Drop temp tables after a failure; a connection in trouble must not hide the first error."""
    for table in tables:
        try:
            con.execute(f"DROP TABLE IF EXISTS {table}")
        except duckdb.Error:
            log.warning("could not drop %s after a failure", table)


def _record_refused(con, f: "StagedFile", problem: str, loaded_at: datetime) -> FileOutcome:
    """Record a staged file as refused whole, in its own transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        outcome = _record(con, f.landing_file, f.entity, f.sha, f.size, f.fmt, "rejected", 0, 0, 0, problem, loaded_at)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return outcome


def load_history(con) -> dict[tuple[str, str], list[tuple]]:
    """(batch, file) -> its earlier attempts in raw.load_log, newest first: (sha256, status, message)."""
    history: dict[tuple[str, str], list[tuple]] = {}
    for batch_id, file_name, sha, status, message in con.execute(
            "SELECT batch_id, file_name, file_sha256, status, message FROM raw.load_log ORDER BY loaded_at DESC").fetchall():
        history.setdefault((batch_id, file_name), []).append((sha, status, message))
    return history


def _stage_file(con, landing_file: LandingFile, stage: str, loaded_at: datetime,
                history: dict[tuple[str, str], list[tuple]] | None = None) -> FileOutcome | tuple[StagedFile, list[str], dict[str, str]]:
    """Read one file into the stage table `stage` and find its header. `history`: load_history(con),
    read once per run (a run stages each file once); read here when not given.

    Returns (the staged file, its stage columns, {contract column: stage column}), or the outcome
    when the file is already loaded or refused as a whole (then recorded at once). Never raises for
    bad content.
    """
    path, batch_id, file_name = landing_file.path, landing_file.batch_id, landing_file.file_name
    entity = load_contract().entity_for_file(file_name)
    unsafe = unsafe_reason(path, landing_file.landing)  # never open what is not a plain file inside the landing folder
    sha = sha256_of(path) if unsafe is None and landing_file.problem is None else None
    # Every earlier attempt counts, not only the latest: a batch file's content is fixed once it has
    # loaded (any other content is refused, however often it is tried), and content seen before, or a
    # refusal for the same reason, is a no-op rather than a second load or a second log line.
    history = (load_history(con) if history is None else history).get((batch_id, file_name), [])
    problem = landing_file.problem or (f"文件{unsafe}" if unsafe else None)
    unchanged = (history and history[0][1] == "rejected" and history[0][2] == problem) if problem else \
        any(h[0] == sha for h in history)
    if unchanged:
        return FileOutcome(batch_id, file_name, entity.name if entity else None, "unchanged")
    if not problem and any(h[1] == "loaded" for h in history):
        problem = "同一批次中同名文件已载入且内容不同：更正数据请放入新的批次文件夹（以新的导出日期命名）"
    if not problem and entity is None:
        labels = "、".join(e.file_label for e in load_contract().entities)
        problem = f"无法从文件名判断数据类别：文件名应以下列之一开头：{labels}"
    fmt = None
    if not problem:
        try:
            notes: list[str] = []
            fmt = read_into_stage(con, path, entity=entity, notes=notes, stage=stage)
            stage_cols = _stage_columns(con, stage)
            header_row, mapping, texts = _find_header(con, entity, stage_cols, stage)
            ignored = [t for t, c in zip(texts, stage_cols) if t and c not in mapping.values()]
            staged = StagedFile(landing_file, entity, sha, fmt, stage, header_row, texts, ignored, path.stat().st_size,
                                stage_cols=stage_cols, mapping=mapping, notes=notes)
            return staged, stage_cols, mapping
        except FileProblem as exc:
            con.execute(f"DROP TABLE IF EXISTS {stage}")
            problem = str(exc)
            if fmt == "csv-gb18030" and problem.startswith("未找到表头"):
                problem += "。文件不是 UTF-8，已按 GB18030 解读；若列名显示为乱码，说明编码不对：请按 UTF-8 或 GB18030 重新导出"
        except Exception as exc:  # e.g. DuckDB out of memory: this file is refused, the run goes on
            log.exception("batch %s file %s: reading failed", batch_id, file_name)
            _drop_quietly(con, stage)
            problem = unexpected_problem(exc)
    con.execute("BEGIN TRANSACTION")
    try:
        size = path.lstat().st_size if unsafe is None else None
        outcome = _record(con, landing_file, entity, sha, size, fmt, "rejected", 0, 0, 0, problem, loaded_at)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return outcome


def _add_to_group(entity: Entity, index: int, staged: StagedFile, stage_cols: list[str],
                  mapping: dict[str, str]) -> None:
    """Give the file its place in the group: a SELECT of its data rows in the group's fixed shape
    (contract columns, verbatim; the checks read the union of these), and a row of per-file facts
    (header texts, synonym notes) in the group's files table."""
    header_row, texts = staged.header_row, staged.texts
    headless = [f"s.{c}" for c, t in zip(stage_cols, texts) if not t]
    other = [f"s.{c}" for c, t in zip(stage_cols, texts) if t and c not in mapping.values()]
    cells = ", ".join(f"s.{mapping[c.name]} AS {c.name}" if c.name in mapping else f"NULL::VARCHAR AS {c.name}"
                      for c in entity.columns)
    # plain column references only: every file's part is planned with the checks, and expressions cost
    batch_date = lit(staged.landing_file.batch_date.isoformat())  # staged files always have one (discover)
    staged.cells_sql = (f"SELECT {index}::INTEGER AS _file, _row_number, DATE {batch_date} AS _batch_date, {cells}, "
                        f"[{', '.join(headless)}]::VARCHAR[] AS _headless, [{', '.join(other)}]::VARCHAR[] AS _other "
                        f"FROM {staged.stage} s WHERE _row_number > {header_row}")
    header_of = {name: texts[stage_cols.index(col)] for name, col in mapping.items()}
    lf = staged.landing_file
    staged.file_row = [index, lf.batch_id, lf.batch_date, lf.file_name,
                       *(synonym_note(c, header_of.get(c.name)) for c in entity.columns),
                       *(header_of.get(c.name) for c in entity.columns)]


def _files_table(con, entity: Entity, files: list["StagedFile"]) -> None:
    """The group's files table (_files): one row of per-file facts per file, in one statement."""
    per_file = ", ".join([f"{note_column(c.name)} VARCHAR" for c in entity.columns]
                         + [f"{header_column(c.name)} VARCHAR" for c in entity.columns])
    con.execute(f"CREATE OR REPLACE TEMP TABLE {FILES} (_file INTEGER, batch_id VARCHAR, batch_date DATE, "
                f"file_name VARCHAR, {per_file})")
    one = f"({', '.join('?' * (4 + 2 * len(entity.columns)))})"
    con.execute(f"INSERT INTO {FILES} VALUES {', '.join([one] * len(files))}", [v for f in files for v in f.file_row])


def _row_json_pairs(con, f: StagedFile) -> str:
    """json_object() arguments giving a stage row (alias s) verbatim under the file's own headers;
    cells beyond the header appear as 第N列 when any row has one."""
    stage, header_row, texts, stage_cols = f.stage, f.header_row, f.texts, f.stage_cols
    headless = [c for c, t in zip(stage_cols, texts) if not t]
    used = []
    if headless:  # one scan for every column without a header
        filled = con.execute(f"SELECT {', '.join(f'bool_or(sssg_text({c}) IS NOT NULL)' for c in headless)} "
                             f"FROM {stage} WHERE _row_number > {header_row}").fetchone()
        used = [c for c, any_cell in zip(headless, filled) if any_cell]
    return ", ".join(f"{lit(text or f'第{i + 1}列')}, s.{c}"
                     for i, (c, text) in enumerate(zip(stage_cols, texts)) if text or c in used)


def _load_group(con, group: Group, loaded_at: datetime) -> list[FileOutcome]:
    """Check the group's staged files together and load them in one transaction."""
    entity, files = group.entity, dict(enumerate(group.files))  # indexes as given while staging
    _files_table(con, entity, list(files.values()))
    con.execute(f"CREATE OR REPLACE TEMP VIEW {CELLS} AS " + " UNION ALL ".join(f.cells_sql for f in files.values()))
    check_group(con, entity)
    con.execute("BEGIN TRANSACTION")
    try:
        withdraw_conflicts(con, entity, loaded_at)
        counts = _insert_checked(con, entity, files, loaded_at)
        entries = []
        for i, f in files.items():
            read, bad = counts.get(i, (0, 0))
            notes = (["文件只有表头，没有数据行"] if read == 0 else []) + (
                ["已忽略数据规范之外的列：" + "、".join(f"「{t}」" for t in f.ignored)] if f.ignored else []) + f.notes
            entries.append((f.landing_file, entity, f.sha, f.size, f.fmt, "loaded", read, read - bad, bad, "；".join(notes)))
        outcomes = _record_all(con, entries, loaded_at)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    con.execute(f"DROP VIEW IF EXISTS {CELLS}")
    for table in [FILES, "_checked", "_problems", "_row_json", "_withheld", *(f.stage for f in files.values())]:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return outcomes


def _insert_checked(con, entity: Entity, files: dict[int, StagedFile], loaded_at: datetime) -> dict[int, tuple[int, int]]:
    """Move _checked / _problems into raw.<entity> and raw.rejects; {file: (rows read, rows rejected)}."""
    cols = ", ".join(c.name for c in entity.columns)
    con.execute(
        f"""INSERT INTO {RAW_SCHEMA}.{entity.table} ({cols}, _batch_id, _batch_date, _file_name, _row_number, _loaded_at)
        SELECT {cols}, f.batch_id, f.batch_date, f.file_name, c._row_number, ?
        FROM _checked c JOIN {FILES} f USING (_file)
        WHERE NOT EXISTS (SELECT 1 FROM _problems p WHERE p._file = c._file AND p._row_number = c._row_number)""",
        [loaded_at],
    )
    # 不予公示: an exempt refused row (_checked._exempt, decided in the check pass) is stored masked:
    # its cells are never turned into row_json, its reasons (which can quote the key or a cell) are
    # a fixed text, its reason kinds stay so counts by kind are right.
    con.execute("CREATE OR REPLACE TEMP TABLE _withheld AS SELECT p._file, p._row_number, "
                "coalesce(c._exempt, false) AS is_withheld FROM _problems p "
                "LEFT JOIN _checked c USING (_file, _row_number)")
    con.execute("CREATE OR REPLACE TEMP TABLE _row_json (_file INTEGER, _row_number BIGINT, row_json VARCHAR)")
    for i in (r[0] for r in con.execute("SELECT DISTINCT _file FROM _withheld WHERE NOT is_withheld ORDER BY 1").fetchall()):
        f = files[i]
        con.execute(
            f"""INSERT INTO _row_json SELECT {i}, s._row_number, json_object({_row_json_pairs(con, f)})
            FROM {f.stage} s WHERE s._row_number IN (SELECT _row_number FROM _withheld WHERE _file = {i} AND NOT is_withheld)""")
    con.execute(
        f"""INSERT INTO {RAW_SCHEMA}.rejects
        SELECT ?, f.batch_id, f.batch_date, f.file_name, p._row_number,
               CASE WHEN NOT w.is_withheld THEN j.row_json END,
               CASE WHEN w.is_withheld THEN {lit(WITHHELD_REASONS)}
                    ELSE array_to_string(list_transform(p.problems, lambda x: x.msg), {lit(REASON_SEPARATOR)}) END,
               array_to_string(list_sort(list_distinct(list_transform(p.problems, lambda x: x.kind))), {lit(REASON_SEPARATOR)}),
               ?, w.is_withheld
        FROM _problems p JOIN {FILES} f USING (_file) JOIN _withheld w USING (_file, _row_number)
        LEFT JOIN _row_json j USING (_file, _row_number)
        ORDER BY p._file, p._row_number""",
        [entity.name, loaded_at],
    )
    read = dict(con.execute("SELECT _file, count(*) FROM _checked GROUP BY 1").fetchall())
    bad = dict(con.execute("SELECT _file, count(*) FROM _problems GROUP BY 1").fetchall())
    return {i: (read.get(i, 0), bad.get(i, 0)) for i in files}


class Loader:
    """Stages files as they come and loads them in groups (one per entity), in bounded memory.

    A group never holds two files of one batch and entity: the second waits for the first to be
    loaded, so that a conflict between them is found against raw (conflicts.py).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, loaded_at: datetime):
        self.con, self.loaded_at = con, loaded_at
        self.groups: dict[str, Group] = {}
        self.outcomes: dict[tuple[str, str], FileOutcome] = {}
        self.staged_bytes = 0
        self.count = 0
        self.history = load_history(con)

    def add(self, landing_file: LandingFile) -> None:
        entity = load_contract().entity_for_file(landing_file.file_name)
        if entity and (group := self.groups.get(entity.name)) and group.has_batch(landing_file.batch_id):
            self._flush(entity.name)
        self.count += 1
        result = _stage_file(self.con, landing_file, f"_stage_{self.count}", self.loaded_at, self.history)
        if isinstance(result, FileOutcome):
            self.outcomes[(landing_file.batch_id, landing_file.file_name)] = result
            return
        staged, stage_cols, mapping = result
        if entity.name not in self.groups:
            self.groups[entity.name] = Group(entity)
        group = self.groups[entity.name]
        _add_to_group(entity, len(group.files), staged, stage_cols, mapping)
        group.files.append(staged)
        self.staged_bytes += staged.size
        if self.staged_bytes >= GROUP_BYTES:
            for name in sorted(self.groups, key=lambda n: n != "result"):
                self._flush(name)

    def _flush(self, name: str) -> None:
        if name != "result" and "result" in self.groups and names_result(load_contract().entity(name)):
            # first: its exempt results decide which of these rows (decisions, referrals) are withheld
            self._flush("result")
        if name not in self.groups:
            return
        group = self.groups.pop(name)
        self.staged_bytes -= sum(f.size for f in group.files)
        for outcome in self._load_or_refuse(group):
            self.outcomes[(outcome.batch_id, outcome.file_name)] = outcome

    def _load_or_refuse(self, group: Group) -> list[FileOutcome]:
        """Load a group; when it fails unexpectedly (e.g. DuckDB out of memory), load its files one
        by one, so that only the file that fails is refused, with the reason, and the run goes on."""
        try:
            return _load_group(self.con, group, self.loaded_at)
        except Exception as exc:
            log.exception("loading a group of %s files of %s failed", len(group.files), group.entity.name)
            _drop_quietly(self.con, FILES, "_checked", "_problems", "_row_json", "_typed", "_duplicates")
            if len(group.files) == 1:
                [f] = group.files
                _drop_quietly(self.con, f.stage)
                return [_record_refused(self.con, f, unexpected_problem(exc), self.loaded_at)]
        outcomes = []
        for f in group.files:
            alone = Group(group.entity)
            _add_to_group(group.entity, 0, f, f.stage_cols, f.mapping)
            alone.files.append(f)
            outcomes += self._load_or_refuse(alone)
        return outcomes

    def finish(self) -> dict[tuple[str, str], FileOutcome]:
        for name in sorted(self.groups, key=lambda n: n != "result"):
            self._flush(name)
        return self.outcomes


def load_file(con: duckdb.DuckDBPyConnection, landing_file: LandingFile, loaded_at: datetime | None = None) -> FileOutcome:
    """Validate and load one file on its own. Never raises for bad content."""
    loader = Loader(con, loaded_at or datetime.now().replace(microsecond=0))
    loader.add(landing_file)
    return loader.finish()[(landing_file.batch_id, landing_file.file_name)]


MEMORY_LIMIT_ENV = "SSSG_INGEST_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "2GB"
_MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def memory_limit() -> str:
    """DuckDB's memory cap for the ingest ($SSSG_INGEST_MEMORY_LIMIT, e.g. 2GB): beyond it DuckDB
    spills to disk, and a statement that still does not fit fails (its file is then refused)."""
    value = os.environ.get(MEMORY_LIMIT_ENV, "").strip() or DEFAULT_MEMORY_LIMIT
    if not _MEMORY_SIZE.fullmatch(value):
        raise ValueError(f"{MEMORY_LIMIT_ENV}={value!r}: expected a size such as 2GB or 512MB")
    return value


def spill_directory(path: Path) -> Path:
    """Where DuckDB spills: beside the warehouse file (in the data folder), never the system /tmp."""
    if str(path) == ":memory:":
        return paths().data_dir / "duckdb_spill"
    return path.parent / f"{path.name}.spill"


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")  # a large file must not paint bars into the run's output
    con.execute(f"SET memory_limit = {lit(memory_limit())}")
    con.execute(f"SET temp_directory = {lit(str(spill_directory(path)))}")
    create_raw_schema(con)
    for statement in macros():
        con.execute(statement)
    return con


def run_timestamp(con) -> datetime:
    """This run's _loaded_at: now, but always later than every earlier run's (a clock set back
    must not break it), so the incremental dbt models can take what is newer than they hold."""
    now = datetime.now().replace(microsecond=0)
    last = con.execute("SELECT max(loaded_at) FROM raw.load_log").fetchone()[0]
    return max(now, last + timedelta(seconds=1)) if last else now


def ingest_landing(landing: Path, warehouse: Path) -> list[FileOutcome]:
    """Load every new file under `landing` into `warehouse`, oldest batch first."""
    con = open_warehouse(warehouse)
    try:
        loader = Loader(con, run_timestamp(con))
        files = discover(landing)
        for landing_file in files:
            loader.add(landing_file)
        outcomes = loader.finish()
        return [outcomes[(f.batch_id, f.file_name)] for f in files]
    finally:
        con.execute("CHECKPOINT")
        con.close()
