"""50 MB exports, generated at test time: loaded (or refused with a reason) without Python ever
holding the file. Each file is loaded in a child process that reports, per file, wall time, the
peak of Python's own allocations (tracemalloc: the file's bytes would show here if Python read
it whole) and the process's peak RSS (DuckDB's memory included)."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from pipelines.ingest.reconcile import reconciliation_problems
from tests.test_ingest import TASK_HEADER, task_row

SIZE = 50 * 2**20
BATCH = "20200803_大文件"
PYTHON_PEAK_MB = 16  # far below the file's 50 MB
RSS_MB = 1200
SECONDS = 60

CHILD = r"""
import json, resource, sys, time, tracemalloc
from pathlib import Path
from pipelines.ingest.discover import discover
from pipelines.ingest.load import load_file, open_warehouse
import pyarrow, python_calamine  # imported up front: module code is not the file's memory
tracemalloc.start()
con = open_warehouse(Path(sys.argv[2]))
report = {}
for landing_file in discover(Path(sys.argv[1])):
    tracemalloc.reset_peak()
    started = time.perf_counter()
    out = load_file(con, landing_file)
    report[out.file_name] = {
        "seconds": round(time.perf_counter() - started, 2),
        "python_peak_mb": round(tracemalloc.get_traced_memory()[1] / 2**20, 1),
        "rss_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "outcome": [out.status, out.rows_read, out.rows_loaded, out.rows_rejected, out.message]}
con.close()
print(json.dumps(report, ensure_ascii=False))
"""


def write_large(folder: Path) -> int:
    """Task exports of ~50 MB each: UTF-8, GB18030, one cut at its end; every 1000th row a bad date."""
    folder.mkdir(parents=True)
    files = {name: (folder / name).open("w", encoding=enc, newline="")
             for name, enc in (("抽查任务_大_utf8.csv", "utf-8"), ("抽查任务_大_gb18030.csv", "gb18030"),
                               ("抽查任务_大_截断.csv", "utf-8"))}
    writers = [csv.writer(fh) for fh in files.values()]
    rows = 0
    for w in writers:
        w.writerow(TASK_HEADER)
    while files["抽查任务_大_utf8.csv"].tell() < SIZE:
        block = [task_row(f"T-{rows + i:07d}", **({"开始日期": "2020-13-01"} if (rows + i) % 1000 == 999 else {}))
                 for i in range(1000)]
        rows += len(block)
        for w in writers:
            w.writerows(block)
    for fh in files.values():
        fh.close()
    cut = folder / "抽查任务_大_截断.csv"
    with cut.open("r+b") as fh:
        fh.truncate(cut.stat().st_size - 30)  # the last row loses its last cells and line break
    with (folder / "抽查任务_大_单行.csv").open("wb") as fh:  # one 50 MB line: no header, no rows
        for _ in range(SIZE // 2**20):
            fh.write(b"x" * 2**20)
        fh.write(b"\r\n")
    return rows


def test_50_mb_files_load_or_are_refused_in_bounded_python_memory(tmp_path):
    rows = write_large(tmp_path / "landing" / BATCH)
    warehouse = tmp_path / "warehouse.duckdb"
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "landing"), str(warehouse)],
                          capture_output=True, text=True, check=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    report = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(report, ensure_ascii=False, indent=1))  # shown with -s: the measurements
    bad = rows // 1000
    assert report["抽查任务_大_utf8.csv"]["outcome"] == ["loaded", rows, rows - bad, bad, ""]
    # the same records restated with the same values in the same batch: harmless, no conflict
    assert report["抽查任务_大_gb18030.csv"]["outcome"] == ["loaded", rows, rows - bad, bad, ""]
    assert report["抽查任务_大_截断.csv"]["outcome"] == [
        "rejected", 0, 0, 0,
        f"文件不完整：末尾没有换行符，最后一行（第 {rows + 1} 行）可能被截断，且只有 10 列、表头有 12 列，"
        "文件可能没有完整下载或复制：请重新从平台导出"]
    assert report["抽查任务_大_单行.csv"]["outcome"][:4] == ["rejected", 0, 0, 0]
    for name, measured in report.items():
        assert measured["python_peak_mb"] < PYTHON_PEAK_MB, (name, measured)
        assert measured["rss_peak_mb"] < RSS_MB and measured["seconds"] < SECONDS, (name, measured)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert reconciliation_problems(con) == []
        assert con.execute("SELECT count(*) FROM raw.rejects").fetchone() == (2 * bad,)
        assert con.execute("SELECT count(*) FROM raw.task").fetchone() == (2 * (rows - bad),)
