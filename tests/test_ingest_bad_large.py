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
import pytest

from pipelines.ingest.reconcile import reconciliation_problems
from tests.export_files import inline_row, write_raw_xlsx, xml_text
from tests.test_ingest import GOOD_USCC, TASK_HEADER, task_row
from tests.test_ingest_bad_input import DRAW_HEADER, draw_row

# peak RSS is asserted: run alone, after the parallel part of make test (scripts/run-pytest.sh)
pytestmark = pytest.mark.serial

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


# ---------------------------------------------------------------------------------------------
# Bombs (issue 17): the largest sheet Excel allows, every row the same record, and a workbook whose
# shared strings unpack to 257 MB; loaded (or refused) under a memory cap, in a child process.

MEMORY_LIMIT = "512MB"  # SSSG_INGEST_MEMORY_LIMIT: DuckDB's share
DATA_LIMIT = 3 << 30  # prlimit --data: a backstop for the whole process (private mappings exceed RSS)
PEAK_RSS_MB = 1024
EXCEL_ROWS = 1_048_576

BOMB_CHILD = r"""
import json, resource, sys
from pathlib import Path
from pipelines.ingest.load import ingest_landing
outcomes = ingest_landing(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps({"outcomes": {o.file_name: [o.status, o.rows_read, o.rows_loaded, o.rows_rejected, o.message]
                               for o in outcomes},
                  "rss_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}, ensure_ascii=False))
"""


def write_identical_rows_xlsx(path: Path) -> None:
    """A draw list filling a sheet: the header and 1,048,575 copies of one record (0.3 MB on disk)."""
    strings = DRAW_HEADER + draw_row()
    shared = [b"<si><t>" + xml_text(s) + b"</t></si>" for s in strings]

    def row(first: int) -> bytes:
        return b"<row>" + b"".join(b'<c t="s"><v>%d</v></c>' % (first + i) for i in range(4)) + b"</row>"

    def rows():
        yield row(0)
        copies = EXCEL_ROWS - 1
        for _ in range(copies // 1000):
            yield row(4) * 1000
        yield row(4) * (copies % 1000)

    write_raw_xlsx(path, {"Sheet1": rows()}, shared)


def write_shared_strings_bomb(path: Path) -> None:
    def strings():
        block = b"<si><t>" + b"x" * (1 << 20) + b"</t></si>"
        for _ in range(257):
            yield block

    write_raw_xlsx(path, {"Sheet1": [inline_row(DRAW_HEADER), inline_row(draw_row())]}, strings())


def run_capped(landing: Path, warehouse: Path) -> dict:
    """The ingest in a child process under prlimit --data (an address-space limit, --as, does not
    work: DuckDB and its allocator reserve far more virtual memory than they use)."""
    done = subprocess.run(["prlimit", f"--data={DATA_LIMIT}", sys.executable, "-c", BOMB_CHILD, str(landing), str(warehouse)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "SSSG_INGEST_MEMORY_LIMIT": MEMORY_LIMIT,
                               "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_sheet_of_one_record_repeated_and_a_shared_strings_bomb_stay_under_the_memory_cap(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    write_identical_rows_xlsx(landing / BATCH / "抽取名单_满表.xlsx")
    write_shared_strings_bomb(landing / BATCH / "抽取名单_炸弹.xlsx")
    report = run_capped(landing, warehouse)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    copies = EXCEL_ROWS - 1
    assert report["outcomes"] == {
        "抽取名单_满表.xlsx": ["loaded", copies, 0, copies, ""],
        "抽取名单_炸弹.xlsx": ["rejected", 0, 0, 0, "Excel 工作簿的共享字符串解压后超过 256 MB（上限），可能是异常文件（压缩炸弹）："
                                                 "请按月份拆分导出，或改用 CSV 格式导出"]}
    assert report["rss_peak_mb"] < PEAK_RSS_MB
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert reconciliation_problems(con) == []
        assert con.execute("SELECT DISTINCT reasons FROM raw.rejects").fetchall() == [(
            f"记录键（任务编号=T-0001，统一社会信用代码={GOOD_USCC}）在本文件中重复出现 {copies} 次："
            "第 2、3、4、5、6、7、8、9、10、11 行等",)]
    # both are logged: the next run skips them as unchanged instead of failing the same way again
    assert run_capped(landing, warehouse)["outcomes"] == {
        name: ["unchanged", 0, 0, 0, ""] for name in ("抽取名单_满表.xlsx", "抽取名单_炸弹.xlsx")}
