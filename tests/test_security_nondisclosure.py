"""不予公示: a result marked for non-disclosure (国家秘密 / 商业秘密 / 个人隐私), and the decisions and referrals
on it, never leave the warehouse except as counts.

A small simulated Fushun (2021) gets one extra export batch whose records all carry a unique marker:
a non-disclosed result (result_id containing MARKER), a decision on it (decision_id containing MARKER, unpublished
so it is overdue and lands in the early warning), a referral on it, a second non-disclosed result
whose 检查实施机关 is a name holding the marker that resolves to no department (with a decision on
it), a referral whose 接收部门 holds the marker and resolves to nothing, and rejected rows (a result
row with a reason and a bad date, a decision row on the secret result with a bad type, a referral on
it with a bad date, and, in a file of its own, a result row whose reason, a value the contract does
not know, stands under the header `不予公示 原因` -- with a space, a synonym the contract accepts). The
warehouse is built by dbt, the serving artefact published, and then the marker is looked for in
every output: every column of every table of the warehouse (all schemas) and of the serving
artefact, every dashboard page (all elements' protobufs, dataframes included; the department page
with the marker's department and its drill-downs), every CSV / XLSX download the pages build, and
the monthly and annual reports (PDF text via pdftotext, XLSX and DOCX XML). It must be in the
records themselves (raw.result, raw.decision, raw.referral, stored exactly) and the internal layers
listed in INTERNAL_COLUMNS and nowhere else -- not in raw.rejects, which stores refused rows carrying
the flag masked -- while the results still count (status exempt, exempt_obligations) and the
rejected rows and unresolved names are still counted.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.load import ingest_landing
from pipelines.ingest.reconcile import reconciliation_problems
from pipelines.publish import publish
from tests.dbt_build import run_dbt
from tests.export_files import write_csv

pytestmark = pytest.mark.slow

MARKER = "ZZSECRETMARK01"
# not MARKER itself: every marker row would then contain a secret result's id, and the dbt rule that
# withholds a reject naming a current secret result would hide a leak of the refused rows' own flag
RESULT_ID = f"{MARKER}-A"
BAD_RESULT_ID = "ZZSECRETMARK01-X"
DECISION_ID = f"抚市监罚〔2021〕{MARKER}号"
BAD_DECISION_ID = f"{MARKER}-BAD"
REFERRAL_ID = f"{MARKER}-R"
RESULT2_ID = f"{MARKER}-U"  # non-disclosed, its 检查实施机关 resolves to no department
DEPT2_NAME = f"{MARKER}局"
DECISION2_ID = f"抚市监罚〔2021〕{MARKER}U号"
REFERRAL2_ID = f"{MARKER}-R2"  # on the secret result, to a receiving department that resolves to nothing
RECEIVING2_NAME = f"{MARKER}接收局"
BAD_REFERRAL_ID = f"{MARKER}-RBAD"  # refused (移送日期 is no date)
SPACED_RESULT_ID = f"{MARKER}-S"  # refused: reason not in the contract, under the header `不予公示 原因`
REPO_ROOT = Path(__file__).resolve().parents[1]
VIEWS = REPO_ROOT / "dashboard" / "views"
RESULT_HEADER = ["结果编号", "任务编号", "统一社会信用代码", "检查实施机关", "检查事项编码", "检查日期", "检查结果",
                 "结果形成日期", "结果公示日期", "不予公示原因", "告知书送达日期", "后续处置状态", "处置办结日期"]


def _pick_result(warehouse: Path) -> dict:
    """A simulated 2021 result of a department that resolves, to attach the marker records to."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            """SELECT r.task_id, r.uscc, r.dept_name, r.item_codes, r.inspection_date, r.formed_date,
                      d.dept_name AS other_dept
               FROM raw.result AS r
               JOIN raw.department AS d ON d.dept_name <> r.dept_name
               WHERE r.dept_name IN (SELECT dept_name FROM raw.department)
                 AND r.formed_date BETWEEN DATE '2021-03-01' AND DATE '2021-09-30'
                 AND r.inspection_date IS NOT NULL
               ORDER BY r.formed_date, r.result_id, d.dept_name LIMIT 1""").fetchone()
        latest = con.execute("SELECT max(batch_date) FROM raw.load_log").fetchone()[0]
    assert row, "the simulation should have a 2021 result of a known department"
    keys = ["task_id", "uscc", "dept_name", "item_codes", "inspection_date", "formed_date", "other_dept"]
    return {**dict(zip(keys, row)), "latest": latest}


def _write_marker_batch(landing: Path, base: dict) -> None:
    batch = landing / f"{base['latest']:%Y%m%d}_补充导出"
    day = base["formed_date"]
    write_csv(batch / "检查结果_补充.csv", [
        RESULT_HEADER,
        [RESULT_ID, base["task_id"], base["uscc"], base["dept_name"], base["item_codes"] or "",
         base["inspection_date"].isoformat(), "发现问题待后续处理", day.isoformat(), "", "涉及国家秘密", "",
         "处置中", ""],
        # rejected (形成日期 is no date): its cells must be withheld on the data-status page
        [BAD_RESULT_ID, base["task_id"], base["uscc"], base["dept_name"], "", base["inspection_date"].isoformat(),
         "未发现问题", "2021年13月45日", "", "涉及商业秘密", "", "", ""],
        # accepted, exempt, its 检查实施机关 a name no department has: never shown as written
        [RESULT2_ID, base["task_id"], base["uscc"], DEPT2_NAME, base["item_codes"] or "",
         base["inspection_date"].isoformat(), "发现问题待后续处理", day.isoformat(), "", "涉及商业秘密", "",
         "处置中", ""],
    ])
    # one file has one header: the spaced synonym of 不予公示原因 needs a file of its own
    spaced_header = [h if h != "不予公示原因" else "不予公示 原因" for h in RESULT_HEADER]
    write_csv(batch / "检查结果_补充二.csv", [
        spaced_header,
        # rejected (a reason the contract does not know): withheld all the same
        [SPACED_RESULT_ID, base["task_id"], base["uscc"], base["dept_name"], "", base["inspection_date"].isoformat(),
         "未发现问题", day.isoformat(), "", "依法不宜公开", "", "", ""],
    ])
    write_csv(batch / "处理决定_补充.csv", [
        ["决定书文号", "结果编号", "决定类型", "决定日期", "公示日期"],
        [DECISION_ID, RESULT_ID, "行政处罚", (day + dt.timedelta(days=3)).isoformat(), ""],  # unpublished: overdue
        [BAD_DECISION_ID, RESULT_ID, "不存在的决定类型", (day + dt.timedelta(days=3)).isoformat(), ""],  # rejected
        [DECISION2_ID, RESULT2_ID, "行政处罚", (day + dt.timedelta(days=3)).isoformat(), ""],
    ])
    write_csv(batch / "线索移送_补充.csv", [
        ["移送编号", "结果编号", "接收部门", "移送日期"],
        [REFERRAL_ID, RESULT_ID, base["other_dept"], (day + dt.timedelta(days=5)).isoformat()],
        [REFERRAL2_ID, RESULT_ID, RECEIVING2_NAME, (day + dt.timedelta(days=5)).isoformat()],
        [BAD_REFERRAL_ID, RESULT_ID, base["other_dept"], "2021-02-30"],  # rejected
    ])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("nondisclosure")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    serving = root / "serving" / "warehouse.duckdb"
    subprocess.run([sys.executable, "-m", "pipelines.simulate", "--years", "2021", "--seed", "11", "--scale", "0.03",
                    "--out", str(landing), "--quiet"], check=True, cwd=REPO_ROOT)
    ingest_landing(landing, warehouse)
    base = _pick_result(warehouse)
    _write_marker_batch(landing, base)
    outcomes = {o.file_name: o for o in ingest_landing(landing, warehouse)}
    assert {"检查结果_补充.csv", "检查结果_补充二.csv", "处理决定_补充.csv", "线索移送_补充.csv"} <= set(outcomes)
    assert outcomes["检查结果_补充二.csv"].rows_rejected == 1, outcomes["检查结果_补充二.csv"]
    proc = run_dbt(["build"], warehouse, root, timeout=900)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    publish(warehouse, serving, "security-test")
    mp = pytest.MonkeyPatch()
    mp.setenv("SSSG_DATA_DIR", str(root))
    mp.setenv("SSSG_SERVING_PATH", str(serving))
    mp.setenv("SSSG_WAREHOUSE_PATH", str(warehouse))
    mp.setenv("SSSG_LANDING_DIR", str(landing))
    from pipelines.reports.generate import generate

    deadline_month = f"{base['formed_date'] + dt.timedelta(days=20):%Y-%m}"
    reports = [generate("monthly", month, serving=serving, root=root / "reports", charts=False)
               for month in sorted({deadline_month, "2021-12"})]
    reports.append(generate("annual", "2021", serving=serving, root=root / "reports", charts=False))
    yield {"root": root, "warehouse": warehouse, "serving": serving, "base": base, "reports": reports}
    mp.undo()


def _contains(text: str | bytes) -> bool:
    if isinstance(text, bytes):
        return MARKER.encode("utf-8") in text
    return MARKER in text


def _tables_with_marker(path: Path, schemas: tuple[str, ...]) -> dict[str, int]:
    """{schema.table.column: rows whose value, as text, contains MARKER}."""
    found = {}
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_schema IN (SELECT unnest(?)) ORDER BY ALL", [list(schemas)]).fetchall()
        assert columns
        for schema, table, column in columns:
            n = con.execute(f'SELECT count(*) FROM {schema}."{table}" '
                            f'WHERE contains(CAST("{column}" AS VARCHAR), ?)', [MARKER]).fetchone()[0]
            if n:
                found[f"{schema}.{table}.{column}"] = n
    return found


# --- the seed loaded, and only the records themselves and the internal layers hold it ---------------

# Where the marker may be: the records themselves, stored exactly (raw.result, raw.decision,
# raw.referral) ...
RECORD_COLUMNS = {
    "raw.result.result_id": 2, "raw.result.dept_name": 1,
    "raw.decision.decision_id": 2, "raw.decision.result_id": 2,
    "raw.referral.referral_id": 2, "raw.referral.result_id": 2, "raw.referral.receiving_dept_name": 1,
}
# ... and the internal dbt layers that carry the records' ids and names because the marts are built
# from them: staging (the current version of each record, typed: schema staging) and the
# intermediate models that join a decision to its result and resolve department names before the
# marts mask them (schema intermediate). Neither is published (publish copies marts and meta only)
# nor read by the dashboard or the reports. Nothing else: not raw.rejects (refused rows carrying
# the flag are stored masked), not raw.load_log, not marts, not seeds (meta exists only in the serving
# artefact, scanned below).
INTERNAL_SCHEMAS = ("staging", "intermediate")


def test_the_marker_records_are_in_the_raw_layer(built):
    found = _tables_with_marker(built["warehouse"], ("raw",))
    assert found == RECORD_COLUMNS
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        withheld = con.execute("SELECT entity, row_json, reasons, reason_kinds FROM raw.rejects WHERE is_withheld "
                               "AND _batch_id LIKE '%补充导出' ORDER BY entity, _file_name").fetchall()
        problems = reconciliation_problems(con)
    # the bad result row, the spaced-header result row, the bad decision row, the bad referral row
    assert sorted(w[0] for w in withheld) == ["decision", "referral", "result", "result"]
    assert all(w[1] is None and w[3] for w in withheld), withheld  # no cells; reason kinds kept
    assert problems == []


def test_no_table_of_the_warehouse_holds_the_marker_outside_the_records_and_internal_layers(built):
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        schemas = tuple(r[0] for r in con.execute(
            "SELECT DISTINCT table_schema FROM information_schema.columns ORDER BY 1").fetchall())
    assert {"raw", "staging", "intermediate", "marts", "seeds"} <= set(schemas), schemas
    found = _tables_with_marker(built["warehouse"], schemas)
    elsewhere = {k: n for k, n in found.items()
                 if k not in RECORD_COLUMNS and k.split(".")[0] not in INTERNAL_SCHEMAS}
    assert elsewhere == {}


def test_no_published_table_or_column_holds_the_marker_but_the_records_still_count(built):
    assert _tables_with_marker(built["serving"], ("marts", "meta")) == {}
    with duckdb.connect(str(built["serving"]), read_only=True) as con:
        tables = con.execute("SELECT DISTINCT table_schema FROM information_schema.tables").fetchall()
        assert {t[0] for t in tables} == {"marts", "meta"}
        masked = con.execute("SELECT event_type, status, record_id FROM marts.mart_publication__obligations "
                             "WHERE is_nondisclosed ORDER BY event_type").fetchall()
        withheld = con.execute("SELECT entity, row_json, reasons FROM marts.mart_data_status__rejects "
                               "WHERE is_withheld ORDER BY entity").fetchall()
        exempt = con.execute("SELECT sum(numerator) FROM marts.fct_metric_values WHERE metric_code = "
                             "'exempt_obligations' AND scope = 'city' AND grain = 'year' AND year = 2021").fetchone()[0]
    kinds = {(e, s) for e, s, _ in masked}
    assert ("result", "exempt") in kinds and ("decision", "overdue_unpublished") in kinds
    assert all(r.startswith("不予公示-") for _, _, r in masked)
    assert [w[0] for w in withheld].count("decision") >= 1 and [w[0] for w in withheld].count("result") >= 1
    assert all(w[1] is None for w in withheld)
    assert exempt >= 2
    # the unresolved names of the withheld records are still counted, their text masked
    with duckdb.connect(str(built["serving"]), read_only=True) as con:
        masked_names = con.execute(
            "SELECT entity, column_name, records FROM marts.mart_data_status__unresolved_department_names "
            "WHERE is_withheld ORDER BY entity").fetchall()
        dept_names = con.execute("SELECT event_type, dept_code, dept_name FROM marts.mart_publication__obligations "
                                 "WHERE is_nondisclosed ORDER BY event_type, dept_name").fetchall()
    assert {(e, c) for e, c, _ in masked_names} == {("result", "dept_name"), ("referral", "receiving_dept_name")}
    assert all(n >= 1 for _, _, n in masked_names)
    # a non-disclosed row shows its department's canonical name when the name resolves, else nothing
    assert all((code is None) == (name is None) for _, code, name in dept_names), dept_names
    assert sum(1 for _, code, _ in dept_names if code is None) >= 2, dept_names  # RESULT2 and its decision


# --- the dashboard ---------------------------------------------------------------------------------

DRILL_METRICS = ("follow_up_closure_rate", "problem_finding_rate", "joint_visit_share", "exempt_obligations",
                 "on_time_publication", "on_time_publication_result", "on_time_publication_decision",
                 "publication_rate")


def _elements(node):
    """Every node of the rendered tree: blocks (tabs, expanders, columns) and their elements."""
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _elements(child)


def _page_leaks(at) -> list[str]:
    leaks = []
    for element in _elements(at._tree):
        proto = getattr(element, "proto", None)
        if proto is not None and _contains(proto.SerializeToString()):
            leaks.append(f"{type(element).__name__}: {str(proto)[:300]}")
        value = getattr(element, "value", None)
        if hasattr(value, "to_csv") and _contains(value.to_csv()):
            leaks.append(f"{type(element).__name__} dataframe")
    return leaks


def _xlsx_text(payload: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(payload)) as z:
        return b"".join(z.read(n) for n in z.namelist())


@pytest.fixture
def downloads(monkeypatch):
    """Every CSV / XLSX payload the pages build (dashboard.components), recorded."""
    import dashboard.components as components

    payloads: list[tuple[str, bytes]] = []
    real_csv, real_xlsx = components.csv_bytes, components.xlsx_bytes

    def csv_bytes(table):
        out = real_csv(table)
        payloads.append(("csv", out))
        return out

    def xlsx_bytes(table, **kw):
        out = real_xlsx(table, **kw)
        payloads.append(("xlsx", _xlsx_text(out)))
        return out

    monkeypatch.setattr(components, "csv_bytes", csv_bytes)
    monkeypatch.setattr(components, "xlsx_bytes", xlsx_bytes)
    # a download's file is built when the reader clicks (dashboard.audit.logged_download): build each
    # one as the page offers it, as a click would, so that every payload is checked
    import dashboard.audit as audit

    offered = audit.logged_download

    def logged_download(reader, file_name, produce):
        produce()
        return offered(reader, file_name, produce)

    monkeypatch.setattr(audit, "logged_download", logged_download)
    return payloads


def _run(page: str, **params):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(str(VIEWS / page), default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def reader_scope(request):
    """The pages read through a role's row scope (serving.scope), as a signed-in reader's would."""
    from serving import scope

    yield scope
    scope.set_default(scope.OPERATOR)


# every role: the assessment office (and the operator) read every row, the leading group and the
# bureau every unit's, a county and a department their own (the marker result's county and department)
@pytest.mark.parametrize("role", ["assessment_office", "leading_group", "county", "department"])
def test_no_dashboard_page_or_download_shows_the_marker(built, downloads, reader_scope, role):
    with duckdb.connect(str(built["serving"]), read_only=True) as con:
        dept_code, region_code = con.execute(
            "SELECT dept_code, region_code FROM marts.mart_publication__obligations "
            "WHERE is_nondisclosed AND event_type = 'result' ORDER BY dept_code NULLS LAST LIMIT 1").fetchone()
    assert dept_code, "the marker result's department resolves (so the department views list it)"
    scope = reader_scope
    reader_scope.set_default({"assessment_office": scope.OPERATOR, "leading_group": scope.CITY,
                              "county": scope.Scope(region=region_code), "department": scope.Scope(dept=dept_code)}[role])
    leaks = {}
    runs = [(p.name, {}) for p in sorted(VIEWS.glob("*.py"))]
    runs += [("department_detail.py", {"year": "2021", "grain": "year", "dept": dept_code}),
             ("publication.py", {"year": "2021", "grain": "year", "region": region_code, "dept": dept_code}),
             ("overview.py", {"year": "2021", "grain": "year"}),
             ("data_status.py", {})]
    for page, params in runs:
        at = _run(page, **params)
        leaks[f"{page} {params}"] = _page_leaks(at)
        if page == "department_detail.py" and params:
            picker = at.selectbox(key="dept_drill_metric")
            for metric in DRILL_METRICS:
                if metric in picker.options:
                    at.selectbox(key="dept_drill_metric").set_value(metric).run()
                    assert not at.exception, [e.value for e in at.exception]
                    leaks[f"{page} drill {metric}"] = _page_leaks(at)
        if page == "data_status.py" and role == "assessment_office":  # the rejected rows: its details
            at.text_input(key="rejects_search").set_value(MARKER).run()
            assert not at.exception
            leaks[f"{page} search"] = _page_leaks(at)
    assert {k: v for k, v in leaks.items() if v} == {}
    assert downloads, "the pages offer downloads"
    assert [kind for kind, payload in downloads if _contains(payload)] == []


# --- the reports -----------------------------------------------------------------------------------

def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_no_report_file_shows_the_marker(built):
    files = [Path(f["path"]) for man in built["reports"] for f in man["files"]]
    assert {p.suffix for p in files} == {".pdf", ".xlsx", ".docx"}
    for path in files:
        if path.suffix == ".pdf":
            text = _pdf_text(path)
            assert text.strip(), path
            assert not _contains(text), path
            assert not _contains(path.read_bytes()), path
        else:
            assert not _contains(_xlsx_text(path.read_bytes())), path  # XLSX and DOCX are zipped XML


def test_the_marker_csv_is_what_the_seed_wrote(built):
    """Guard for the test itself: the marker batch is really on disk with the marker in it."""
    files = sorted((built["root"] / "landing").glob("*_补充导出/*.csv"))
    assert len(files) == 4
    text = "".join(p.read_text(encoding="utf-8") for p in files)
    assert text.count(MARKER) >= 16
    assert "不予公示 原因" in text and DEPT2_NAME in text and RECEIVING2_NAME in text
    rows = list(csv.reader(io.StringIO(files[0].read_text(encoding="utf-8"))))
    assert rows[0]
