"""The stages that have no command line of their own, each run as a child process by the bench:

    python -m pipelines.bench.child ingest      --json OUT   (pipelines.ingest.load.ingest_landing, timed per file and group)
    python -m pipelines.bench.child publish     --json OUT   (pipelines.publish.publish)
    python -m pipelines.bench.child loaders     --json OUT --repeat N
    python -m pipelines.bench.child anchor-csv  --json OUT --work DIR
    python -m pipelines.bench.child anchor-sql  --json OUT
    python -m pipelines.bench.child anchor-dbt  --json OUT --work DIR --target-path DBT_TARGET

Paths come from SSSG_* as everywhere else; each writes its measurements as JSON to OUT.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pipelines.settings import paths


def ingest() -> dict:
    """The real ingest_landing, timed per file so CSV files can be compared with DuckDB's read_csv
    on their own. Files are checked and loaded in groups: a file's time is its own reading and
    staging plus its share, by bytes, of its group's check and load."""
    from pipelines.ingest import load

    where = paths()
    per_file: dict[tuple[str, str], dict] = {}
    real_stage, real_group = load._stage_file, load._load_group

    def charge(landing_file, seconds: float) -> None:
        path = Path(landing_file.path)
        entry = per_file.setdefault((landing_file.batch_id, landing_file.file_name), {
            "suffix": path.suffix.lower(), "bytes": path.lstat().st_size, "seconds": 0.0})
        entry["seconds"] += seconds

    def timed_stage(con, landing_file, *args, **kwargs):
        started = time.perf_counter()
        result = real_stage(con, landing_file, *args, **kwargs)
        charge(landing_file, time.perf_counter() - started)
        return result

    def timed_group(con, group, *args, **kwargs):
        started = time.perf_counter()
        result = real_group(con, group, *args, **kwargs)
        seconds, total = time.perf_counter() - started, sum(f.size for f in group.files) or 1
        for f in group.files:
            charge(f.landing_file, seconds * f.size / total)
        return result

    load._stage_file, load._load_group = timed_stage, timed_group
    started = time.perf_counter()
    try:
        outcomes = load.ingest_landing(where.landing, where.warehouse)
    finally:
        load._stage_file, load._load_group = real_stage, real_group
    seconds = time.perf_counter() - started
    per_file = list(per_file.values())
    csv = [f for f in per_file if f["suffix"] == ".csv"]
    return {"seconds": seconds, "files": len(outcomes), "per_file_timed": len(per_file),
            "refused": sum(o.status == "rejected" for o in outcomes),
            "rows_read": sum(o.rows_read for o in outcomes), "rows_rejected": sum(o.rows_rejected for o in outcomes),
            "csv_files": len(csv), "csv_bytes": sum(f["bytes"] for f in csv),
            "csv_seconds": sum(f["seconds"] for f in csv),
            "xlsx_files": sum(f["suffix"] == ".xlsx" for f in per_file),
            "xlsx_seconds": sum(f["seconds"] for f in per_file if f["suffix"] == ".xlsx")}


def publish() -> dict:
    from pipelines.publish import publish as run_publish

    where = paths()
    started = time.perf_counter()
    result = run_publish(where.warehouse, where.serving, "bench")
    return {"seconds": time.perf_counter() - started, "tables": result.get("tables")}


def raw_rows() -> dict:
    """Rows per raw table of the warehouse (what the scale means in records)."""
    import duckdb

    con = duckdb.connect(str(paths().warehouse), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw' ORDER BY 1").fetchall()]
        return {t: con.execute(f'SELECT count(*) FROM raw."{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipelines.bench.child")
    ap.add_argument("what", choices=["ingest", "publish", "loaders", "anchor-csv", "anchor-sql", "anchor-dbt",
                                       "raw-rows"])
    ap.add_argument("--json", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--target-path", type=Path, help="the dbt build's --target-path (anchor-dbt)")
    a = ap.parse_args(argv)
    if a.what == "ingest":
        out = ingest()
    elif a.what == "publish":
        out = publish()
    elif a.what == "raw-rows":
        out = raw_rows()
    elif a.what == "loaders":
        from pipelines.bench.loaders import time_loaders
        started = time.perf_counter()
        out = {"loaders": time_loaders(a.repeat), "repeat": a.repeat}
        out["seconds"] = time.perf_counter() - started
    elif a.what == "anchor-csv":
        from pipelines.bench.anchors import read_csv_anchor
        out = read_csv_anchor(paths().landing, a.work)
    elif a.what == "anchor-dbt":
        from pipelines.bench.dbt_anchor import run_anchor
        out = run_anchor(paths().warehouse, a.target_path, a.work)
    else:
        from pipelines.bench.anchors import headline_sql_anchor
        out = headline_sql_anchor(paths().warehouse)
    a.json.write_text(json.dumps(out, ensure_ascii=False, default=str, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
