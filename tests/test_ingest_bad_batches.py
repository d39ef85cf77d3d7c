"""Bad input at the level of batches and folders (issue 17): a batch from the future, a batch file
whose content changes after it loaded, files hidden in a sub-folder of a batch.

Each case says what a clerk reads, and that nothing is loaded twice or skipped without a word.
"""
from __future__ import annotations

from datetime import date

from pipelines.ingest import discover as discover_module
from pipelines.ingest.load import ingest_landing
from tests.export_files import write_csv
from tests.test_ingest import TASK_HEADER, task_row
from tests.test_ingest_bad_input import BATCH, query, reconciles

LATER = "20200901_更正导出"


def ingest(landing, warehouse):
    return {f"{o.batch_id}/{o.file_name}": o for o in ingest_landing(landing, warehouse) if o.status != "unchanged"}


def log_rows(warehouse):
    return query(warehouse, "SELECT batch_id, file_name, status, rows_loaded, message FROM raw.load_log ORDER BY loaded_at, file_name")


# --- a batch dated in the future -------------------------------------------------------------------

def test_a_batch_dated_in_the_future_is_refused_until_its_date_and_moves_nothing(landing, warehouse, monkeypatch):
    write_csv(landing / BATCH / "抽查任务_202007.csv", [TASK_HEADER, task_row("T-0101")])
    write_csv(landing / "20991231_导出" / "抽查任务_209912.csv", [TASK_HEADER, task_row("T-0101", 任务名称="未来的任务")])
    out = ingest(landing, warehouse)
    future = out["20991231_导出/抽查任务_209912.csv"]
    assert future.status == "rejected"
    assert future.message.startswith("批次文件夹的导出日期 2099-12-31 晚于今天（") and "北京时间）：导出日期不可能在未来" in future.message
    assert query(warehouse, "SELECT DISTINCT _batch_id FROM raw.task") == [(BATCH,)]
    assert ingest(landing, warehouse) == {}  # refused once, not logged again on every run
    assert len(log_rows(warehouse)) == 2
    # when the day comes (here: the clock moves on), the batch is looked at again and loads
    monkeypatch.setattr(discover_module, "today_in_beijing", lambda: date(2100, 1, 1))
    again = ingest(landing, warehouse)
    assert again["20991231_导出/抽查任务_209912.csv"].status == "loaded" and reconciles(warehouse)


def test_today_is_taken_in_beijing_time(monkeypatch):
    import datetime as dt

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):  # 20:30 UTC on 31 Dec is already 1 Jan in Beijing
            return dt.datetime(2025, 12, 31, 20, 30, tzinfo=dt.timezone.utc).astimezone(tz)

    monkeypatch.setattr(discover_module, "datetime", Clock)
    assert discover_module.today_in_beijing() == date(2026, 1, 1)


# --- a batch file's content is fixed once it has loaded ----------------------------------------------

def test_a_loaded_batch_file_cannot_be_replaced_and_putting_it_back_is_a_no_op(landing, warehouse):
    path = landing / BATCH / "抽查任务_202007.csv"
    contents = {
        "A": [TASK_HEADER, task_row("T-0101")],
        "B": [TASK_HEADER, task_row("T-0101", 任务名称="改过的名称")],
        "C": [TASK_HEADER, task_row("T-0101"), task_row("T-0102")],
    }
    statuses = []
    for name in ("A", "B", "C", "A", "B"):
        write_csv(path, contents[name])
        out = ingest(landing, warehouse)
        statuses.append(out[f"{BATCH}/抽查任务_202007.csv"].status if out else "unchanged")
    assert statuses == ["loaded", "rejected", "rejected", "unchanged", "unchanged"]
    assert query(warehouse, "SELECT task_id, task_name FROM raw.task") == [("T-0101", "2020年食品经营抽查")]
    refusals = [m for _, _, s, _, m in log_rows(warehouse) if s == "rejected"]
    assert refusals == ["同一批次中同名文件已载入且内容不同：更正数据请放入新的批次文件夹（以新的导出日期命名）"] * 2
    assert reconciles(warehouse)


def test_a_file_refused_whole_may_be_fixed_under_the_same_name(landing, warehouse):
    path = landing / BATCH / "抽查任务_202007.csv"
    write_csv(path, [["任务编号", "任务名称"], ["T-0101", "甲"]])  # required columns missing
    assert ingest(landing, warehouse)[f"{BATCH}/抽查任务_202007.csv"].status == "rejected"
    write_csv(path, [TASK_HEADER, task_row("T-0101")])
    assert ingest(landing, warehouse)[f"{BATCH}/抽查任务_202007.csv"].status == "loaded"


# --- files in a sub-folder of a batch ------------------------------------------------------------------

def test_a_sub_folder_of_a_batch_is_reported_not_skipped(landing, warehouse):
    write_csv(landing / BATCH / "抽查任务_202007.csv", [TASK_HEADER, task_row("T-0101")])
    write_csv(landing / BATCH / "补充" / "抽查任务_补充.csv", [TASK_HEADER, task_row("T-0102")])
    write_csv(landing / BATCH / "补充" / "更深" / "检查结果_补充.csv", [TASK_HEADER, task_row("T-0103")])
    out = ingest(landing, warehouse)
    sub = out[f"{BATCH}/补充"]
    assert sub.status == "rejected"
    assert sub.message == ("「补充」是子文件夹（内含 2 个文件）：只载入直接放在批次文件夹中的文件，子文件夹中的文件不会被载入；"
                           f"请把其中的导出文件移到「{BATCH}」中")
    assert query(warehouse, "SELECT task_id FROM raw.task") == [("T-0101",)]
    assert ingest(landing, warehouse) == {}  # said once
    write_csv(landing / BATCH / "补充" / "第三个.csv", [TASK_HEADER])
    assert "内含 3 个文件" in ingest(landing, warehouse)[f"{BATCH}/补充"].message  # said again when it changes

