"""The 数据状态 page on a hand-made serving artefact with known numbers, and without one; in Chinese
and in English (labels from the real label seeds, tests/serving_seeds.py)."""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving_seeds import LABEL_SEEDS, create_label_dims  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
PAGE = str(REPO_ROOT / "dashboard" / "views" / "data_status.py")
APP = str(REPO_ROOT / "dashboard" / "app.py")
DBT_MODELS = REPO_ROOT / "dbt_project" / "models" / "marts" / "data_status"

SERVING_SQL = """
CREATE SCHEMA marts;
CREATE SCHEMA meta;
CREATE TABLE meta.publish_log (published_at TIMESTAMP, run_id VARCHAR, warehouse_batches BIGINT,
                               latest_batch_date DATE);
INSERT INTO meta.publish_log VALUES
    ('2020-08-01 10:00:00', 'run-1', 1, '2020-07-31'),
    ('2020-09-01 10:05:00', 'run-2', 2, '2020-08-31');
CREATE TABLE marts.mart_data_status__files AS SELECT * FROM (VALUES
    ('20200731_月度导出', DATE '2020-07-31', '行政区划_202007.csv', 'jurisdiction', '行政区划', 'csv-utf-8', 900, 'a1',
     'loaded', '已加载', 7, 7, 0, NULL, TIMESTAMP '2020-08-01 09:00:00'),
    ('20200731_月度导出', DATE '2020-07-31', '抽查任务_202007.xlsx', 'task', '抽查任务', 'xlsx', 5000, 'a2',
     'loaded', '已加载（部分行拒收）', 10, 8, 2, NULL, TIMESTAMP '2020-08-01 09:00:00'),
    ('20200831_月度导出', DATE '2020-08-31', '抽查任务_202008.xlsx', 'task', '抽查任务', 'xlsx', 4000, 'a3',
     'loaded', '已加载', 5, 5, 0, NULL, TIMESTAMP '2020-09-01 09:30:00'),
    ('20200831_月度导出', DATE '2020-08-31', '说明.docx', NULL, '未识别', NULL, 100, 'a4',
     'rejected', '整文件拒收', 0, 0, 0, '无法识别的文件', TIMESTAMP '2020-09-01 09:30:00')
) AS t(batch_id, batch_date, file_name, entity, entity_title, file_format, file_bytes, file_sha256,
       status, status_label, rows_read, rows_loaded, rows_rejected, message, loaded_at);
CREATE TABLE marts.mart_data_status__entities AS SELECT * FROM (VALUES
    ('jurisdiction', '行政区划', '行政区划', 1, 1, 1, 0, 7, 7, 0, 0, DATE '2020-07-31', TIMESTAMP '2020-08-01 09:00:00'),
    ('task', '抽查任务', '抽查任务', 7, 2, 2, 0, 13, 11, 2, 2, DATE '2020-08-31', TIMESTAMP '2020-09-01 09:30:00'),
    ('referral', '线索移送', '线索移送', 13, 0, 0, 0, 0, 0, 0, 0, NULL, NULL)
) AS t(entity, entity_title, file_label, sort_order, files, files_loaded, files_rejected, rows_loaded,
       current_records, superseded_rows, rows_rejected, latest_batch_date, last_loaded_at);
CREATE TABLE marts.mart_data_status__rejects AS SELECT * FROM (VALUES
    ('task', '抽查任务', '20200731_月度导出', DATE '2020-07-31', '抽查任务_202007.xlsx', 3,
     '任务名称为空；开始日期“2020/13/01”无法识别', '必填项为空；日期无法识别',
     '{"任务编号": "RW-009", "开始日期": "2020/13/01"}', TIMESTAMP '2020-08-01 09:00:00'),
    ('task', '抽查任务', '20200731_月度导出', DATE '2020-07-31', '抽查任务_202007.xlsx', 7,
     '结束日期“下月底”无法识别', '日期无法识别',
     '{"任务编号": "RW-010", "结束日期": "下月底"}', TIMESTAMP '2020-08-01 09:00:00')
) AS t(entity, entity_title, batch_id, batch_date, file_name, file_row_number, reasons, reason_kinds,
       row_json, loaded_at);
CREATE TABLE marts.mart_data_status__reject_reasons AS SELECT * FROM (VALUES
    ('task', '抽查任务', 'missing_required', '必填项为空', 1, 1, 2),
    ('task', '抽查任务', 'bad_date', '日期无法识别', 2, 2, 2)
) AS t(entity, entity_title, reason_kind, reason_kind_label, reason_kind_sort_order, rejected_rows,
       entity_rejected_rows);
CREATE TABLE marts.mart_data_status__unresolved_department_names AS SELECT * FROM (VALUES
    ('task', '抽查任务', 'lead_dept_name', '发起部门', '市场监管局', '市场监管局', '名称对应多个部门', 3)
) AS t(entity, entity_title, column_name, column_label, dept_name, name_key, problem, records);
CREATE TABLE marts.mart_data_status__awaiting_calendar (calendar_year_needed INTEGER, obligations BIGINT,
    first_event_date DATE, last_event_date DATE);
"""

EMPTY_SQL = """
CREATE SCHEMA marts;
CREATE SCHEMA meta;
CREATE TABLE meta.publish_log (published_at TIMESTAMP, run_id VARCHAR, warehouse_batches BIGINT,
                               latest_batch_date DATE);
INSERT INTO meta.publish_log VALUES ('2020-09-01 10:05:00', 'run-1', 0, NULL);
CREATE TABLE marts.mart_data_status__files (batch_id VARCHAR, batch_date DATE, file_name VARCHAR,
    entity VARCHAR, entity_title VARCHAR, file_format VARCHAR, file_bytes BIGINT, file_sha256 VARCHAR,
    status VARCHAR, status_label VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT,
    message VARCHAR, loaded_at TIMESTAMP);
"""


def make_serving(path: Path, sql: str, label_dims: bool = True) -> Path:
    """A serving file of `sql`, with the published label dimensions read from the real seeds (as every
    artefact since dim_code_label has them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(sql)
        if label_dims:
            create_label_dims(con)
    return path


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(autouse=True)
def empty_access_log(tmp_path, monkeypatch):
    """The page ends with the access log (for 考核办 and the operator): empty here."""
    monkeypatch.setenv("SSSG_AUDIT_PATH", str(tmp_path / "audit.sqlite3"))


@pytest.fixture(autouse=True)
def utc_machine(monkeypatch):
    """The pipeline stamps loads and publishes in the machine's local time; the page shows them in
    Asia/Shanghai. Here the machine runs on UTC, so 09:30 is shown as 17:30."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def serving(tmp_path, monkeypatch) -> Path:
    path = make_serving(tmp_path / "serving" / "warehouse.duckdb", SERVING_SQL)
    monkeypatch.setenv("SSSG_SERVING_PATH", str(path))
    return path


def run_page(path: str = PAGE, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(path, default_timeout=30)
    if lang:
        at.query_params["lang"] = lang  # read once into the session's view state (dashboard.filters.view)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frame_with(at: AppTest, column: str):
    """The one table on the page that has `column` among its (Chinese) headers."""
    (frame,) = [d.value for d in at.dataframe if column in d.value.columns]
    return frame


def test_freshness_shows_latest_batch_last_load_and_last_publish(serving):
    at = run_page()
    shown = metrics(at)
    assert shown["最新批次导出日期"] == "2020-08-31"
    assert shown["最后加载时间"] == "2020-09-01 17:30:00"  # Asia/Shanghai
    assert shown["最后发布时间"] == "2020-09-01 18:05:00"
    assert (shown["批次数"], shown["文件数"], shown["加载行数"], shown["拒收行数"]) == ("2", "4", "20", "2")
    assert any("9.1%（2 / 22）" in c.value for c in at.caption)


def test_files_per_batch_with_status_and_row_counts(serving):
    at = run_page()
    per_batch = frame_with(at, "整文件拒收").set_index("批次")
    assert per_batch.loc["20200731_月度导出", ["文件数", "读取行数", "加载行数", "拒收行数"]].tolist() == [2, 17, 15, 2]
    assert per_batch.loc["20200831_月度导出", ["文件数", "已加载", "整文件拒收"]].tolist() == [2, 1, 1]
    assert per_batch.loc["20200831_月度导出", "加载时间"] == "2020-09-01 17:30:00"
    files = frame_with(at, "整文件拒收原因").set_index("文件名")
    assert len(files) == 4
    assert files.loc["说明.docx", "数据类别"] == "未识别"
    assert files.loc["说明.docx", "状态"] == "整文件拒收"
    assert files.loc["抽查任务_202007.xlsx", "状态"] == "已加载（部分行拒收）"

    at.selectbox(key="files_batch").select("20200731_月度导出").run()
    assert set(frame_with(at, "整文件拒收原因")["文件名"]) == {"行政区划_202007.csv", "抽查任务_202007.xlsx"}


def test_rows_per_entity_with_chinese_titles(serving):
    at = run_page()
    ents = frame_with(at, "当前记录数").set_index("数据类别")
    assert list(ents.index) == ["行政区划", "抽查任务", "线索移送"]
    assert ents.loc["抽查任务", ["加载行数", "当前记录数", "被取代行数", "拒收行数"]].tolist() == [13, 11, 2, 2]
    assert ents.loc["线索移送", "文件数"] == 0


def test_rejects_by_reason_kind_with_their_share(serving):
    at = run_page()
    kinds = frame_with(at, "占拒收行").set_index("原因类别")
    assert kinds.loc["日期无法识别", "拒收行数"] == 2
    assert kinds.loc["日期无法识别", "占拒收行"] == "100.0%（2 / 2）"
    assert kinds.loc["必填项为空", "占拒收行"] == "50.0%（1 / 2）"


def test_rejected_rows_are_searchable(serving):
    at = run_page()
    assert len(frame_with(at, "原始行")) == 2
    at.text_input(key="rejects_search").input("下月底").run()
    found = frame_with(at, "原始行")
    assert found[["文件名", "行号"]].values.tolist() == [["抽查任务_202007.xlsx", 7]]
    assert "下月底" in found.iloc[0]["原始行"]
    at.text_input(key="rejects_search").input("没有这样的内容").run()
    assert not [d for d in at.dataframe if "原始行" in d.value.columns]
    assert any(i.value == "没有符合条件的拒收行。" for i in at.info)


def test_rejected_rows_open_on_the_newest_batch_and_all_batches_are_one_choice_away(serving):
    at = run_page()
    assert at.selectbox(key="rejects_batch").value == "20200731_月度导出"  # the newest batch with rejects
    at.selectbox(key="rejects_batch").select("全部").run()
    assert len(frame_with(at, "原始行")) == 2


def test_every_table_has_a_csv_download(serving):
    at = run_page()
    downloads = [e for e in at.get("download_button")]
    assert len(downloads) == len(at.dataframe) == 7


def test_unresolved_department_names_are_listed(serving):
    at = run_page()
    names = frame_with(at, "名称原文")
    assert names.values.tolist() == [["抽查任务", "发起部门", "市场监管局", "名称对应多个部门", 3]]


def test_without_a_serving_file_the_page_says_data_is_not_published(tmp_path, monkeypatch):
    monkeypatch.setenv("SSSG_SERVING_PATH", str(tmp_path / "nothing" / "warehouse.duckdb"))
    at = run_page()
    assert [i.value for i in at.info][0].startswith("数据尚未发布")
    assert not at.dataframe and not at.metric


def test_a_publish_without_files_says_so(tmp_path, monkeypatch):
    path = make_serving(tmp_path / "warehouse.duckdb", EMPTY_SQL)
    monkeypatch.setenv("SSSG_SERVING_PATH", str(path))
    at = run_page()
    assert metrics(at)["最新批次导出日期"] == "—"
    assert any("还没有任何导出文件" in i.value for i in at.info)


def test_a_new_publish_is_picked_up_without_restart(serving):
    at = run_page()
    assert metrics(at)["文件数"] == "4"
    replacement = make_serving(serving.with_name("next.duckdb"), SERVING_SQL + """
        INSERT INTO marts.mart_data_status__files
        SELECT * REPLACE ('20200930_月度导出' AS batch_id, DATE '2020-09-30' AS batch_date)
        FROM marts.mart_data_status__files WHERE file_name = '行政区划_202007.csv';
    """)
    replacement.replace(serving)  # what the publish step does: atomic rename onto the path
    at.run()
    assert metrics(at)["文件数"] == "5"
    assert metrics(at)["最新批次导出日期"] == "2020-09-30"


def test_no_calendar_banner_while_the_calendar_covers_every_clock(serving):
    at = run_page()
    assert not [w for w in at.warning if "官方工作日历" in w.value]


def test_a_banner_names_each_year_the_calendar_must_be_extended_to_and_how(serving):
    with duckdb.connect(str(serving)) as con:
        con.execute("INSERT INTO marts.mart_data_status__awaiting_calendar VALUES "
                    "(2027, 1234, DATE '2026-12-20', DATE '2026-12-31')")
    at = run_page()
    (banner,) = [w.value for w in at.warning if "官方工作日历" in w.value]
    assert "2027年（1,234 项公示义务，事项日期 2026-12-20 至 2026-12-31）" in banner
    assert "dbt_project/seeds/calendar_overrides.csv" in banner and "chinese-calendar" in banner
    assert "make docs" in banner and "不计入任何比率" in banner
    assert metrics(at)["文件数"] == "4"  # the rest of the page as usual


def test_an_artefact_from_before_the_calendar_status_shows_no_banner(tmp_path, monkeypatch):
    path = make_serving(tmp_path / "old" / "warehouse.duckdb",
                        SERVING_SQL.replace("CREATE TABLE marts.mart_data_status__awaiting_calendar",
                                            "CREATE TABLE meta.not_the_calendar_table"))
    monkeypatch.setenv("SSSG_SERVING_PATH", str(path))
    at = run_page()
    assert not [w for w in at.warning if "官方工作日历" in w.value]
    assert metrics(at)["文件数"] == "4"


def test_the_router_opens_the_data_status_page(serving):
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("views/data_status.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "数据状态"
    assert metrics(at)["文件数"] == "4"


# --- English ---------------------------------------------------------------------------------------

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")  # ideographs and full-width punctuation
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
# What the export (or the pipeline's log) holds, shown as stored in either language: batch and file
# names, a rejected file's message, reasons, the row as exported, department names as written, a run's
# message.
STORED_COLUMNS = {"Batch", "File name", "Why the file was rejected", "Reasons", "Row as exported",
                  "Name as written", "Message"}
BATCH_CHOICES = {"files_batch", "rejects_batch"}


@pytest.fixture
def downloads(monkeypatch):
    """(label, file name) of every download button the page draws."""
    import dashboard.components as components

    seen: list[tuple[str, str]] = []
    real = components.st.download_button

    def download_button(label, *args, **kwargs):
        seen.append((label, kwargs.get("file_name")))
        return real(label, *args, **kwargs)

    monkeypatch.setattr(components.st, "download_button", download_button)
    return seen


def with_everything(serving: Path) -> Path:
    """The fixture plus what only some artefacts show: a year the calendar must be extended to, a failed
    run after the last publish, a withheld rejected row and a withheld department name (the marts'
    fixed texts), a file of no known entity."""
    from pipelines import run_status

    with duckdb.connect(str(serving)) as con:
        con.execute("INSERT INTO marts.mart_data_status__awaiting_calendar VALUES "
                    "(2027, 1234, DATE '2026-12-20', DATE '2026-12-31')")
        con.execute("""INSERT INTO marts.mart_data_status__rejects VALUES ('result', '检查结果', '20200731_月度导出',
            DATE '2020-07-31', '检查结果_202007.csv', 4,
            '该行涉及依法不予公示的检查结果，原始内容和原因明细不予展示（见原因类别）', '必填项为空', NULL,
            TIMESTAMP '2020-08-01 09:00:00')""")
        con.execute("""INSERT INTO marts.mart_data_status__unresolved_department_names VALUES
            ('result', '检查结果', 'dept_name', '检查实施机关', '（不予公示记录中的名称，不予展示）', NULL, '未找到该部门', 2)""")
    run_status.record("run-ok-1", "publish", "published", "已发布 40 张表（v1.duckdb）", serving=serving)
    run_status.record("deadbeef-run", "dbt", "failed", "dbt 构建未通过（1 项失败）", ["not_null_task_id: fail"],
                      serving=serving)
    return serving


def visible_text(at: AppTest, stored: set[str] = frozenset()) -> list[str]:
    """Every text the page shows (titles, captions, messages, labels, help, options as formatted, table
    headers and cells, chart specs), without the cells of the `stored` columns."""
    texts = [e.value for kind in ("title", "subheader", "caption", "info", "warning", "markdown")
             for e in getattr(at, kind)]
    texts += [e.label for e in at.expander]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    for box in at.selectbox:  # a batch is chosen by its name (stored); its first option is All / 全部
        texts += [box.label, box.help or "", *(box.options[:1] if box.key in BATCH_CHOICES else box.options)]
    texts += [f"{t.label} {t.help or ''}" for t in at.text_input]
    texts += [b.proto.label for b in at.get("download_button")]
    texts += [c.proto.spec for c in at.get("plotly_chart")]
    for frame in (d.value for d in at.dataframe):
        texts += [str(c) for c in frame.columns]
        for column in frame.columns:
            if column not in stored:
                texts += [str(v) for v in frame[column].tolist()]
    return texts


def test_the_english_page_shows_no_chinese_outside_stored_values(serving, downloads):
    with_everything(serving)
    at = run_page(lang="en")
    assert at.title[0].value == "Data status"
    shown = visible_text(at, STORED_COLUMNS)
    assert not [t for t in shown if CJK.search(t)]
    assert not [t for t in shown if re.search(r"\b(None|nan|NaN|NaT)\b", t)]
    # chart specs hold plotly's keys; `code` spans name files and commands to run
    assert not [t for t in shown if not t.startswith("{") and SNAKE.search(re.sub(r"`[^`]*`", "", t))]
    # the error names the failed stage in English; the run's own message is quoted as stored
    (error,) = [e.value for e in at.error]
    assert error.startswith("The latest data update was not published (")
    assert "failed stage: dbt build and data tests" in error
    assert "dbt 构建未通过" in error and not CJK.search(error.split("): ")[0])
    assert downloads and all(label == "Download CSV" and not CJK.search(name) for label, name in downloads)
    assert ("Download CSV", "batches.csv") in downloads


def test_english_labels_come_from_the_label_dimension_and_stored_values_stay(serving):
    with_everything(serving)
    at = run_page(lang="en")
    shown = metrics(at)
    assert (shown["Batches"], shown["Files"], shown["Rows loaded"], shown["Rows rejected"]) == ("2", "4", "20", "2")
    assert shown["Latest batch exported"] == "2020-08-31" and shown["Last published"] == "2020-09-01 18:05:00"
    assert any("Rejected rows of the rows read: 9.1% (2 / 22)" in c.value for c in at.caption)
    (banner,) = [w.value for w in at.warning]
    assert "does not cover 2027 (1,234 publication obligations, event dates 2026-12-20 to 2026-12-31)" in banner
    assert "Awaiting the official calendar" in banner and "dbt_project/seeds/calendar_overrides.csv" in banner

    runs = frame_with(at, "Outcome")
    assert runs[["Run", "Stage", "Outcome"]].values.tolist() == [
        ["deadbeef", "dbt build and data tests", "Failed"], ["run-ok-1", "Publish dashboard data", "Published"]]
    assert runs["Message"].tolist()[1] == "已发布 40 张表（v1.duckdb）"  # as the pipeline wrote it

    files = frame_with(at, "Why the file was rejected").set_index("File name")
    assert files.loc["说明.docx", ["Data category", "Status", "Why the file was rejected"]].tolist() == [
        "Not recognised", "Whole file rejected", "无法识别的文件"]
    assert files.loc["抽查任务_202007.xlsx", ["Data category", "Status"]].tolist() == [
        "Inspection tasks", "Loaded (some rows rejected)"]
    assert files.loc["行政区划_202007.csv", "Status"] == "Loaded"

    ents = frame_with(at, "Current records").set_index("Data category")
    assert list(ents.index) == ["Administrative divisions", "Inspection tasks", "Case referrals"]
    assert ents.loc["Case referrals", "Latest batch date"] == "—"

    kinds = frame_with(at, "Share of rejected rows").set_index("Reason kind")
    assert kinds.loc["Date not recognised", "Share of rejected rows"] == "100.0% (2 / 2)"
    assert kinds.loc["Required field empty", "Share of rejected rows"] == "50.0% (1 / 2)"

    at.selectbox(key="rejects_batch").select("All").run()
    rows = frame_with(at, "Row as exported").set_index("Row")
    assert rows.loc[3, "Reason kinds"] == "Required field empty; Date not recognised"
    assert rows.loc[3, "Reasons"] == "任务名称为空；开始日期“2020/13/01”无法识别"  # as stored
    assert rows.loc[4, "Reasons"].startswith("This row concerns an inspection result withheld from publication")
    assert rows.loc[4, "Row as exported"] == "—"
    assert at.selectbox(key="rejects_entity").options == ["All", "Inspection results", "Inspection tasks"]

    names = frame_with(at, "Name as written")
    assert names.values.tolist() == [
        ["Inspection tasks", "Lead department", "市场监管局", "Name matches several departments", 3],
        ["Inspection results", "Inspecting authority", "(name in a record withheld from publication; not shown)",
         "No such department", 2]]


def test_the_english_rejects_chart_and_rows_per_entity_chart(serving):
    at = run_page(lang="en")
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    rows, kinds = specs
    assert [t["name"] for t in rows["data"]] == ["Current records", "Superseded versions", "Rejected rows"]
    assert rows["data"][0]["y"] == ["Case referrals", "Inspection tasks", "Administrative divisions"]
    assert rows["layout"]["title"]["text"] == "Rows per data category"
    assert kinds["layout"]["xaxis"]["title"]["text"] == "Rejected rows"
    assert kinds["layout"]["yaxis"]["title"]["text"] == "Reason kind"
    assert kinds["data"][0]["y"] == ["Required field empty", "Date not recognised"]


def test_the_chinese_page_keeps_its_labels_run_history_and_downloads(serving, downloads):
    with_everything(serving)
    at = run_page()
    assert at.title[0].value == "数据状态"
    assert [s.value for s in at.subheader] == ["数据新鲜度", "各批次文件", "各实体记录数", "拒收原因", "拒收明细",
                                              "无法匹配的部门名称", "访问日志"]  # the access log: the operator's
    assert list(metrics(at)) == ["最新批次导出日期", "最后加载时间", "最后发布时间", "批次数", "文件数", "加载行数",
                                 "拒收行数"]
    (error,) = [e.value for e in at.error]
    assert error.startswith("最近一次数据更新未发布（") and "失败环节：dbt 构建与数据测试）" in error
    runs = frame_with(at, "结果")
    assert runs[["运行", "环节", "结果"]].values.tolist() == [
        ["deadbeef", "dbt 构建与数据测试", "失败"], ["run-ok-1", "发布看板数据", "已发布"]]
    (banner,) = [w.value for w in at.warning]
    assert "2027年（1,234 项公示义务，事项日期 2026-12-20 至 2026-12-31）" in banner and "待补充官方工作日历" in banner
    files = frame_with(at, "整文件拒收原因").set_index("文件名")
    assert files.loc["说明.docx", ["数据类别", "状态"]].tolist() == ["未识别", "整文件拒收"]
    at.selectbox(key="rejects_batch").select("全部").run()
    rows = frame_with(at, "原始行").set_index("行号")
    assert rows.loc[3, "原因类别"] == "必填项为空；日期无法识别"
    assert rows.loc[4, "拒收原因"] == "该行涉及依法不予公示的检查结果，原始内容和原因明细不予展示（见原因类别）"
    names = frame_with(at, "名称原文")
    assert names["名称原文"].tolist() == ["市场监管局", "（不予公示记录中的名称，不予展示）"]
    assert ("下载 CSV", "各批次汇总.csv") in downloads and ("下载 CSV", "运行记录.csv") in downloads
    assert {label for label, _ in downloads} == {"下载 CSV"}


def test_an_artefact_without_the_label_dimension_shows_the_marts_labels(tmp_path, monkeypatch):
    path = make_serving(tmp_path / "old" / "warehouse.duckdb", SERVING_SQL, label_dims=False)
    monkeypatch.setenv("SSSG_SERVING_PATH", str(path))
    zh = run_page()
    en = run_page(lang="en")
    assert metrics(en)["Files"] == "4"
    assert frame_with(en, "Current records")["Data category"].tolist() == \
        frame_with(zh, "当前记录数")["数据类别"].tolist() == ["行政区划", "抽查任务", "线索移送"]


def test_the_router_opens_the_data_status_page_in_english(serving):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("views/data_status.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Data status"
    assert metrics(at)["Files"] == "4"


# --- one place for each label: the seeds agree with the texts the marts write ------------------------

def _labels(domain: str) -> dict[str, tuple[str, str]]:
    seed = pd.read_csv(LABEL_SEEDS / "code_labels.csv", dtype=str, keep_default_na=False)
    seed = seed[seed["domain"] == domain]
    return {c: (zh, en) for c, zh, en in zip(seed["code"], seed["label_zh"], seed["label_en"])}


def test_the_data_status_labels_agree_with_the_contract_and_the_marts():
    from pipelines.contract import load_contract
    from pipelines.contract.warehouse import REJECT_KINDS
    from pipelines.run_status import STAGE_LABELS

    entities = _labels("platform_entity")
    assert {e.name: e.title for e in load_contract().entities} == \
        {c: zh for c, (zh, _) in entities.items() if c != "unidentified"}
    files_sql = (DBT_MODELS / "mart_data_status__files.sql").read_text(encoding="utf-8")
    assert f"'{entities['unidentified'][0]}'" in files_sql
    assert all(f"'{zh}'" in files_sql for zh, _ in _labels("load_status").values())
    kinds = _labels("reject_kind")
    assert REJECT_KINDS == {c: zh for c, (zh, _) in kinds.items() if c != "unclassified"}
    assert f"'{kinds['unclassified'][0]}'" in (DBT_MODELS / "mart_data_status__reject_reasons.sql").read_text(
        encoding="utf-8")
    names_sql = (DBT_MODELS / "mart_data_status__unresolved_department_names.sql").read_text(encoding="utf-8")
    written = set(re.findall(r"\{'entity': '(\w+)', 'column': '(\w+)', 'label': '([^']+)'", names_sql))
    assert written == {(*code.split("."), zh) for code, (zh, _) in _labels("department_name_column").items()}
    assert all(f"'{zh}'" in names_sql for zh, _ in _labels("unresolved_name_problem").values())
    withheld = _labels("withheld_text")
    assert f"'{withheld['department_name'][0]}'" in names_sql
    assert f"'{withheld['reject_reasons'][0]}'" in (DBT_MODELS / "mart_data_status__rejects.sql").read_text(
        encoding="utf-8")
    for domain in ("platform_entity", "load_status", "reject_kind", "department_name_column",
                   "unresolved_name_problem", "withheld_text"):
        assert all(en and not CJK.search(en) for _, en in _labels(domain).values()), domain
    assert set(STAGE_LABELS["en"]) == set(STAGE_LABELS["zh"])
    assert not [v for v in STAGE_LABELS["en"].values() if CJK.search(v)]
