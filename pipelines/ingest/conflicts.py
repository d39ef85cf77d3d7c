"""Conflicting restatements inside one batch: neither version is loaded.

Same natural key, same batch, another file, other values. Within one batch nothing says which file
is the later word (a later *batch* is: it supersedes, and is no conflict). The checked rows of the
group go to _problems; the other file's rows, already loaded, are moved from raw.<entity> to
raw.rejects and that file's load-log counts are adjusted, all in the caller's transaction. Rows
restating the same values are harmless and stay. A group never holds two files of one batch and
entity (see load.py), so the other file is always already in raw.
"""
from __future__ import annotations

from datetime import datetime

from pipelines.contract import Entity
from pipelines.contract.warehouse import RAW_SCHEMA, REJECT_KINDS, WITHHELD_REASONS

from .checks import FILES, exempt_sql
from .sql import lit

TAIL = ("内容不同（' || k.differs || '不一致）：同一批次内无法判断哪一个正确，两处均不载入；"
        "请核实后把正确的记录放入新的批次（以新的导出日期命名）")


def withdraw_conflicts(con, entity: Entity, loaded_at: datetime) -> None:
    table = f"{RAW_SCHEMA}.{entity.table}"
    same_batch_other_file = "e._batch_id = f.batch_id AND e._file_name <> f.file_name"
    if not con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} e JOIN {FILES} f ON {same_batch_other_file} "
                       "LIMIT 1)").fetchone()[0]:
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
        SELECT c._file, c._row_number AS new_row, f.file_name AS new_file, e.rowid AS other_rowid,
               e._batch_id AS other_batch, e._file_name AS other_file, e._row_number AS other_row,
               {shown_key} AS shown_key, concat_ws('', {which}) AS differs,
               c._exempt OR coalesce({exempt_sql(entity, 'e.nondisclosure_reason', 'e.result_id')}, false) AS withheld
        FROM _checked c JOIN {FILES} f USING (_file) JOIN {table} e ON {same_batch_other_file} AND {key_match}
        WHERE NOT c._bad AND ({differs})""")
    if not con.execute("SELECT count(*) FROM _conflicts").fetchone()[0]:
        return
    # 不予公示: when either side is exempt, both are (the new row is stored masked by load.py too)
    con.execute("UPDATE _checked SET _exempt = true WHERE (_file, _row_number) IN "
                "(SELECT _file, new_row FROM _conflicts WHERE withheld)")
    kind = lit(REJECT_KINDS["conflicting_correction"])
    con.execute(
        f"""INSERT INTO _problems
        SELECT k._file, k.new_row, list({{'kind': {kind},
                                'msg': '记录键（' || k.shown_key || '）与同一批次文件「' || k.other_file || '」第 '
                                       || k.other_row || ' 行的同一记录{TAIL}'}} ORDER BY k.other_file, k.other_row)
        FROM _conflicts k GROUP BY k._file, k.new_row""")
    stored_json = ", ".join(f"{lit(col.header)}, CAST(e.{col.name} AS VARCHAR)" for col in entity.columns)
    moved = con.execute(
        f"""INSERT INTO {RAW_SCHEMA}.rejects
        SELECT {lit(entity.name)}, e._batch_id, e._batch_date, e._file_name, e._row_number,
               CASE WHEN NOT w.withheld THEN json_object({stored_json}) END,
               CASE WHEN w.withheld THEN {lit(WITHHELD_REASONS)}
                    ELSE '记录键（' || k.shown_key || '）与同一批次文件「' || k.new_file || '」第 ' || k.new_row
                         || ' 行的同一记录{TAIL}。' || '该行此前已载入，现已撤回（原始行按载入后的值列出）' END,
               {kind}, ?, w.withheld
        FROM (SELECT DISTINCT ON (other_rowid) * FROM _conflicts ORDER BY other_rowid, new_file, new_row) k
        JOIN (SELECT other_rowid, bool_or(withheld) AS withheld FROM _conflicts GROUP BY other_rowid) w USING (other_rowid)
        JOIN {table} e ON e.rowid = k.other_rowid
        RETURNING _batch_id, _file_name""",
        [loaded_at]).fetchall()
    con.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT other_rowid FROM _conflicts)")
    new_file_of = dict(con.execute(f"SELECT batch_id, file_name FROM {FILES}").fetchall())
    for batch_id, other_file in sorted(set(moved)):
        n = moved.count((batch_id, other_file))
        con.execute(
            """UPDATE raw.load_log SET rows_loaded = rows_loaded - ?, rows_rejected = rows_rejected + ?,
                   message = concat_ws('；', nullif(message, ''), ? )
            WHERE batch_id = ? AND file_name = ? AND status = 'loaded'
              AND loaded_at = (SELECT max(loaded_at) FROM raw.load_log
                               WHERE batch_id = ? AND file_name = ? AND status = 'loaded')""",
            [n, n, f"{n} 行因与同批次文件「{new_file_of[batch_id]}」的记录冲突已撤回（见拒收记录）",
             batch_id, other_file, batch_id, other_file])
