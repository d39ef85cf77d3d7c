"""Reconciliation: for every loaded file, rows read = rows loaded + rows rejected, and the raw
and rejects tables really hold those rows (nothing lost, nothing doubled)."""
from __future__ import annotations

from pipelines.contract import load_contract


def reconciliation_problems(con) -> list[str]:
    """Human-readable mismatches; empty when everything reconciles."""
    counts = " UNION ALL ".join(
        f"SELECT {e.name!r} AS entity, _batch_id, _file_name, count(*) AS n FROM raw.{e.table} GROUP BY ALL"
        for e in load_contract().entities
    )
    rows = con.execute(
        f"""WITH loaded_log AS (
              SELECT batch_id, file_name, sum(rows_read) AS rows_read, sum(rows_loaded) AS rows_loaded,
                     sum(rows_rejected) AS rows_rejected
              FROM raw.load_log WHERE status = 'loaded' GROUP BY ALL),
            raw_counts AS (SELECT _batch_id, _file_name, sum(n) AS n FROM ({counts}) GROUP BY ALL),
            reject_counts AS (SELECT _batch_id, _file_name, count(*) AS n FROM raw.rejects GROUP BY ALL),
            files AS (SELECT batch_id, file_name FROM loaded_log
                      UNION SELECT _batch_id, _file_name FROM raw_counts
                      UNION SELECT _batch_id, _file_name FROM reject_counts)
        SELECT f.batch_id, f.file_name, coalesce(l.rows_read, 0), coalesce(l.rows_loaded, 0),
               coalesce(l.rows_rejected, 0), coalesce(r.n, 0), coalesce(j.n, 0)
        FROM files f
        LEFT JOIN loaded_log l USING (batch_id, file_name)
        LEFT JOIN raw_counts r ON r._batch_id = f.batch_id AND r._file_name = f.file_name
        LEFT JOIN reject_counts j ON j._batch_id = f.batch_id AND j._file_name = f.file_name
        WHERE coalesce(l.rows_read, 0) <> coalesce(l.rows_loaded, 0) + coalesce(l.rows_rejected, 0)
           OR coalesce(r.n, 0) <> coalesce(l.rows_loaded, 0) OR coalesce(j.n, 0) <> coalesce(l.rows_rejected, 0)
        ORDER BY ALL"""
    ).fetchall()
    return [
        f"{b}/{f}: read {read}, logged loaded {ok} / rejected {bad}, found {in_raw} in raw and {in_rej} in rejects"
        for b, f, read, ok, bad, in_raw, in_rej in rows
    ]
