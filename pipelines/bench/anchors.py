"""The two anchors the pipeline is measured against, both plain DuckDB.

(a) read_csv: every CSV export file of the landing folder read by DuckDB's own `read_csv`
    (all_varchar, sniffed header and dialect) into a plain table, one process, no validation.
    DuckDB reads UTF-8 only without extensions, so GB18030 exports are first transcoded to UTF-8
    copies, untimed (favouring the anchor; the copies are ~1.5x the bytes for Chinese text). Both
    sides' MB/s use the original CSV bytes. XLSX exports are not read: DuckDB has no XLSX reader.
(b) headline SQL: one hand-written query over the raw tables computing the four headline measures
    (on-time publication rate, temporary-task share, joint-inspection share, task completion) for
    every department and every county for one year. It is an approximation of the dbt models (see
    HEADLINE_SQL's comments); its city totals are printed beside the marts' for a sense of how close.
"""
from __future__ import annotations

import codecs
import time
from pathlib import Path

import duckdb

from pipelines.settings import REPO_ROOT

CALENDAR_CSV = REPO_ROOT / "dbt_project" / "seeds" / "official_calendar.csv"
CLOSED_CATEGORIES = ("未发现开展本次抽查涉及的经营活动", "已关闭停业或正在组织清算", "已注销或被吊销或迁出")


def landing_files(landing: Path) -> list[Path]:
    """Export files as the ingest sees them: under the landing folder, hidden entries skipped."""
    out = []
    for path in sorted(landing.rglob("*")):
        rel = path.relative_to(landing).parts
        if path.is_file() and not any(p.startswith((".", "_")) for p in rel):
            out.append(path)
    return out


def csv_files(landing: Path) -> list[Path]:
    return [p for p in landing_files(landing) if p.suffix.lower() == ".csv"]


def is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def transcode(src: Path, dst: Path, encoding: str = "gb18030") -> None:
    """Stream `src` into a UTF-8 copy (constant memory)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
        while chunk := fin.read(1 << 20):
            fout.write(decoder.decode(chunk))
        fout.write(decoder.decode(b"", final=True))


READ_OPTIONS = ("", ", null_padding = true", ", strict_mode = false", ", null_padding = true, parallel = false")


def read_csv_anchor(landing: Path, work: Path) -> dict:
    """Read every CSV file into a plain table of a database under `work`; seconds, bytes, rows, MB/s."""
    files = csv_files(landing)
    total_bytes = sum(p.stat().st_size for p in files)
    copies = work / "utf8"
    copies.mkdir(parents=True, exist_ok=True)
    sources = []
    for i, path in enumerate(files):  # untimed preparation
        if is_utf8(path):
            sources.append(path)
        else:
            transcode(path, copies / f"{i}.csv")
            sources.append(copies / f"{i}.csv")
    read_bytes = sum(p.stat().st_size for p in sources)
    rows = retried = failed = 0
    con = duckdb.connect(str(work / "anchor.duckdb"))
    con.execute("SET enable_progress_bar = false")
    started = time.perf_counter()
    for i, path in enumerate(sources):
        for options in READ_OPTIONS:  # the first that DuckDB accepts; the failed attempts count too
            try:
                con.execute(f"CREATE OR REPLACE TABLE f{i} AS SELECT * FROM read_csv(?, all_varchar = true{options})",
                            [str(path)])
                rows += con.execute(f"SELECT count(*) FROM f{i}").fetchone()[0]
                retried += options != ""
                break
            except duckdb.Error:
                if options == READ_OPTIONS[-1]:
                    failed += 1
    con.execute("CHECKPOINT")
    seconds = time.perf_counter() - started
    con.close()
    return {"files": len(files), "bytes": total_bytes, "bytes_read": read_bytes, "rows": rows,
            "seconds": seconds, "files_transcoded": sum(s.parent == copies for s in sources),
            "files_retried": retried, "files_failed": failed,
            "mb_per_s": total_bytes / 1e6 / seconds if seconds else None}


# Approximations against the dbt models (kept deliberately simple; this is a speed anchor):
# - current version of a record = its row in the latest batch (no correction / withdrawal rules);
# - departments resolved by exact full or short name only (no name-variant normalisation);
# - plans: event date = approval, else filing date; temporary tasks are not separate obligations;
#   a task's drawn list is one obligation, published when every drawn object's list date is set;
# - task completion counts drawn objects of tasks ended before the as-of date, closed objects out of
#   numerator and denominator;
# - the as-of date is the latest loaded batch date; the working-day calendar is the seed CSV.
HEADLINE_SQL = f"""
WITH
as_of AS (SELECT max(batch_date) AS d FROM raw.load_log WHERE status = 'loaded'),
dept AS (SELECT dept_code, dept_name, dept_short_name, region_code FROM raw.department
         QUALIFY row_number() OVER (PARTITION BY dept_code ORDER BY _batch_date DESC, _row_number DESC) = 1),
names AS (SELECT dept_name AS name, dept_code, region_code FROM dept
          UNION SELECT dept_short_name, dept_code, region_code FROM dept WHERE dept_short_name IS NOT NULL),
task AS (SELECT t.*, n.dept_code, n.region_code FROM raw.task AS t JOIN names AS n ON n.name = trim(t.lead_dept_name)
         QUALIFY row_number() OVER (PARTITION BY task_id ORDER BY _batch_date DESC, _row_number DESC) = 1),
draw AS (SELECT * FROM raw.draw
         QUALIFY row_number() OVER (PARTITION BY task_id, uscc ORDER BY _batch_date DESC, _row_number DESC) = 1),
result AS (SELECT r.*, n.dept_code, n.region_code FROM raw.result AS r LEFT JOIN names AS n ON n.name = trim(r.dept_name)
           QUALIFY row_number() OVER (PARTITION BY result_id ORDER BY _batch_date DESC, _row_number DESC) = 1),
plan AS (SELECT p.*, n.dept_code, n.region_code FROM raw.plan AS p JOIN names AS n ON n.name = trim(p.dept_name)
         QUALIFY row_number() OVER (PARTITION BY plan_id ORDER BY _batch_date DESC, _row_number DESC) = 1),
decision AS (SELECT * FROM raw.decision
             QUALIFY row_number() OVER (PARTITION BY decision_id ORDER BY _batch_date DESC, _row_number DESC) = 1),
cal AS (SELECT calendar_date, working_day_seq, is_working_day FROM read_csv('{CALENDAR_CSV}')),
-- tasks of the year: temporary and joint shares
task_measures AS (
    SELECT dept_code, region_code, count(*) AS tasks,
           count(*) FILTER (WHERE task_source <> '计划') AS temporary_tasks,
           count(*) FILTER (WHERE task_scope = '跨部门') AS joint_tasks
    FROM task WHERE year(start_date) = $year GROUP BY ALL),
-- task completion: drawn objects of ended tasks with a result formed by the task's end date
object_results AS (SELECT task_id, uscc, min(formed_date) AS first_formed,
                          bool_or(result_category IN {CLOSED_CATEGORIES}) AS closed
                   FROM result GROUP BY ALL),
completion AS (
    SELECT t.dept_code, t.region_code, count(*) AS drawn,
           count(*) FILTER (WHERE r.first_formed <= t.end_date) AS completed
    FROM draw AS d JOIN task AS t USING (task_id) LEFT JOIN object_results AS r USING (task_id, uscc)
    WHERE year(t.start_date) = $year AND t.end_date < (SELECT d FROM as_of) AND NOT coalesce(r.closed, false)
    GROUP BY ALL),
-- publication obligations: event date, published date, working days allowed
obligations AS (
    SELECT dept_code, region_code, coalesce(approved_date, filed_date) AS event_date, published_date, 10 AS days
    FROM plan
    UNION ALL
    SELECT dept_code, region_code, coalesce(approved_date, start_date), published_date, 10
    FROM task WHERE task_source = '计划' AND NOT coalesce(is_surprise, false)
    UNION ALL
    SELECT t.dept_code, t.region_code, max(d.draw_date),
           CASE WHEN count(d.list_published_date) = count(*) THEN max(d.list_published_date) END, 10
    FROM draw AS d JOIN task AS t USING (task_id) WHERE NOT coalesce(t.is_surprise, false)
    GROUP BY t.task_id, t.dept_code, t.region_code
    UNION ALL
    SELECT dept_code, region_code, formed_date, published_date, 10
    FROM result WHERE nondisclosure_reason IS NULL AND dept_code IS NOT NULL
    UNION ALL
    SELECT r.dept_code, r.region_code, x.decision_date, x.published_date, 7
    FROM decision AS x JOIN result AS r USING (result_id) WHERE r.dept_code IS NOT NULL),
deadlines AS (
    SELECT o.*, due.calendar_date AS deadline,
           CASE WHEN o.published_date <= (SELECT d FROM as_of) THEN o.published_date END AS published
    FROM obligations AS o
    JOIN cal AS ev ON ev.calendar_date = o.event_date
    JOIN cal AS due ON due.is_working_day AND due.working_day_seq = ev.working_day_seq + o.days
    WHERE year(o.event_date) = $year),
publication AS (
    SELECT dept_code, region_code,
           count(*) FILTER (WHERE published IS NOT NULL OR deadline < (SELECT d FROM as_of)) AS due,
           count(*) FILTER (WHERE published BETWEEN event_date AND deadline) AS on_time
    FROM deadlines GROUP BY ALL),
units AS (SELECT dept_code, region_code FROM task_measures UNION SELECT dept_code, region_code FROM completion
          UNION SELECT dept_code, region_code FROM publication),
per_department AS (
    SELECT u.dept_code, u.region_code,
           coalesce(p.on_time, 0) AS on_time, coalesce(p.due, 0) AS due,
           coalesce(t.temporary_tasks, 0) AS temporary_tasks, coalesce(t.joint_tasks, 0) AS joint_tasks,
           coalesce(t.tasks, 0) AS tasks, coalesce(c.completed, 0) AS completed, coalesce(c.drawn, 0) AS drawn
    FROM units AS u
    LEFT JOIN publication AS p USING (dept_code, region_code)
    LEFT JOIN task_measures AS t USING (dept_code, region_code)
    LEFT JOIN completion AS c USING (dept_code, region_code))
SELECT CASE WHEN grouping(dept_code) = 0 THEN 'department' WHEN grouping(region_code) = 0 THEN 'region'
            ELSE 'city' END AS scope,
       dept_code, region_code,
       sum(on_time) / nullif(sum(due), 0) AS on_time_publication,
       sum(temporary_tasks) / nullif(sum(tasks), 0) AS temporary_task_share_tasks,
       sum(joint_tasks) / nullif(sum(tasks), 0) AS joint_task_share_tasks,
       sum(completed) / nullif(sum(drawn), 0) AS task_completion_rate
FROM per_department
GROUP BY GROUPING SETS ((dept_code, region_code), (region_code), ())
ORDER BY ALL
"""
HEADLINE_CODES = ("on_time_publication", "temporary_task_share_tasks", "joint_task_share_tasks", "task_completion_rate")


def anchor_year(con: duckdb.DuckDBPyConnection) -> int:
    """The last year the data covers completely (the year of the month before the latest batch)."""
    return con.execute("SELECT year(max(batch_date) - INTERVAL 1 MONTH) FROM raw.load_log").fetchone()[0]


def headline_sql_anchor(warehouse: Path) -> dict:
    """Time the hand-written query (connect included); its row counts and city values beside the marts'."""
    started = time.perf_counter()
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute("SET enable_progress_bar = false")
    year = anchor_year(con)
    rows = con.execute(HEADLINE_SQL.replace("$year", str(int(year)))).fetchall()
    seconds = time.perf_counter() - started
    city = next((r for r in rows if r[0] == "city"), None)
    marts = {}
    try:
        marts = dict(con.execute(
            "SELECT metric_code, rate FROM marts.fct_metric_values WHERE scope = 'city' AND grain = 'year' "
            "AND year = ? AND list_contains(?::VARCHAR[], metric_code)", [year, list(HEADLINE_CODES)]).fetchall())
    except duckdb.Error:
        pass  # no marts (dbt failed): the anchor is still timed
    con.close()
    return {"year": year, "seconds": seconds,
            "departments": sum(r[0] == "department" for r in rows), "regions": sum(r[0] == "region" for r in rows),
            "city_anchor": dict(zip(HEADLINE_CODES, city[3:])) if city else {},
            "city_marts": {c: marts.get(c) for c in HEADLINE_CODES}}
