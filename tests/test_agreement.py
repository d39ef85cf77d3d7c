"""One truth: the dashboard, the PDF, the XLSX and the DOCX circular say the same thing.

The simulated Fushun platform for 2020-2025 (small scale) is ingested, built by dbt and published; then,
for every year, the 总览 page (Streamlit AppTest on the published file) and the annual report (PDF, XLSX,
DOCX) are produced from the same publish. For every unit named in the circular, its score, its rank and
each of its main shortfalls (with the points it lost) must read identically in all four; the units named
must be the same everywhere and equal the mart's; and the headline measures of 总览 must equal the annual
report's city figures. Nothing here knows a rule: the outputs are compared with each other and with the
mart, never with a second computation.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.settings import REPO_ROOT

pytestmark = pytest.mark.slow

YEARS = range(2020, 2026)
SIMULATION = ["--years", "2020-2025", "--seed", "7", "--scale", "0.05"]


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """simulate -> ingest -> dbt (seeds and models) -> publish, into a folder of its own."""
    from pipelines.publish import publish
    from tests.dbt_build import run_dbt

    root = tmp_path_factory.mktemp("agreement")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    subprocess.run([sys.executable, "-m", "pipelines.simulate", *SIMULATION, "--out", str(landing)], check=True,
                   cwd=REPO_ROOT, capture_output=True)
    subprocess.run([sys.executable, "-m", "pipelines.ingest", "--landing", str(landing), "--warehouse",
                    str(warehouse)], check=True, cwd=REPO_ROOT, capture_output=True)
    proc = run_dbt(["build", "--resource-type", "seed", "model"], warehouse, root, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:]
    serving = root / "serving" / "warehouse.duckdb"
    publish(warehouse, serving, "agreement-run-0001")
    return root, serving


@pytest.fixture(scope="module")
def reports(published):
    """Every year's annual report from the same publish (no charts: the tables are what is compared)."""
    from pipelines.reports.generate import generate

    root, serving = published
    out = {}
    for year in YEARS:
        man = generate("annual", str(year), serving=serving, root=root / "reports", charts=False)
        out[year] = {f["name"].rsplit(".", 1)[-1]: Path(f["path"]) for f in man["files"]}
    return out


@pytest.fixture(scope="module")
def dashboard(published):
    """The 总览 page of each year as a user opens it (year from the URL), read back from AppTest."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard.i18n import t

    _, serving = published
    saved = os.environ.get("SSSG_SERVING_PATH")
    os.environ["SSSG_SERVING_PATH"] = str(serving)
    columns = {"unit": t("unit", "zh"), "score": t("score", "zh"), "rank": t("rank", "zh"),
               "shortfalls": t("weakest_parts", "zh")}
    pages = {}
    try:
        st.cache_data.clear()
        for year in YEARS:
            at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "views" / "overview.py"), default_timeout=120)
            at.query_params["year"] = str(year)
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            tables = [d.value for d in at.dataframe if set(columns.values()) <= set(d.value.columns)]
            circular = tables[0] if tables else None
            pages[year] = {"circular": circular, "cards": {m.label: m.value for m in at.metric},
                           "info": " ".join(i.value for i in at.info)}
    finally:
        st.cache_data.clear()
        if saved is None:
            os.environ.pop("SSSG_SERVING_PATH", None)
        else:
            os.environ["SSSG_SERVING_PATH"] = saved
    return pages, columns


def _expected(serving):
    """The mart's circular entries per year, written by the one formatter module."""
    from serving import assessment, snapshot
    from serving import formatters as fmt

    out = {}
    with snapshot.pinned(serving):
        for year in YEARS:
            named = assessment.circular(year)
            main = assessment.shortfalls(year, named["unit_code"].tolist(), main_only=True)
            out[year] = [{
                "name": u.unit_name, "kind": u.unit_kind, "score": fmt.score(u.score),
                "rank": int(u.score_rank), "units_ranked": int(u.units_ranked), "rule": u.circular_rule_text,
                "shortfalls": assessment.shortfalls_text(
                    main[(main["scope"] == u.scope) & (main["unit_code"] == u.unit_code)]),
            } for u in named.itertuples()]
    return out


def test_the_simulation_names_units_in_most_years(published):
    expected = _expected(published[1])
    assert sum(len(v) for v in expected.values()) >= 20
    assert all(e["shortfalls"] for v in expected.values() for e in v)


def test_dashboard_pdf_xlsx_and_docx_agree_on_every_circular_entry(published, reports, dashboard):
    import docx
    import openpyxl

    from serving import formatters as fmt

    expected = _expected(published[1])
    pages, columns = dashboard
    for year in YEARS:
        entries = expected[year]
        # 总览: the 拟通报 table
        table = pages[year]["circular"]
        if not entries:
            assert table is None or table.empty
            continue
        assert table is not None, f"{year}: no circular table on 总览"
        shown = {row[columns["unit"]]: row for _, row in table.iterrows()}
        assert set(shown) == {e["name"] for e in entries}, year
        # PDF (text in drawing order, whitespace removed: wrapped cells join up)
        pdf = _flat(subprocess.run(["pdftotext", "-raw", str(reports[year]["pdf"]), "-"], check=True,
                                   capture_output=True, text=True).stdout)
        # XLSX: the 拟通报名单 sheet, numbers formatted as the sheet shows them
        book = openpyxl.load_workbook(reports[year]["xlsx"])
        sheet = book["拟通报名单"]
        header = [c.value for c in sheet[1]]
        xlsx_rows = {}
        for cells in sheet.iter_rows(min_row=2):
            row = dict(zip(header, cells))
            if row.get("单位") is not None and row["单位"].value:
                xlsx_rows[row["单位"].value] = row
        assert set(xlsx_rows) == {e["name"] for e in entries}, year
        # DOCX circular draft
        paragraphs = [p.text for p in docx.Document(io.BytesIO(reports[year]["docx"].read_bytes())).paragraphs]
        for e in entries:
            rank_text = fmt.rank(e["rank"], e["units_ranked"])
            # dashboard
            row = shown[e["name"]]
            assert str(row[columns["score"]]) == e["score"], (year, e["name"])
            assert str(row[columns["rank"]]) == rank_text, (year, e["name"])
            assert row[columns["shortfalls"]] == e["shortfalls"], (year, e["name"])
            # PDF: the whole row in order
            assert _flat(f"{e['kind']}{e['name']}{e['score']}{e['rank']}{e['units_ranked']}{e['rule']}"
                         f"{e['shortfalls']}") in pdf, (year, e["name"])
            # XLSX
            x = xlsx_rows[e["name"]]
            assert x["得分"].number_format == "0.0" and fmt.score(x["得分"].value) == e["score"]
            assert x["名次"].value == e["rank"] and x["参与排名单位数"].value == e["units_ranked"]
            assert x["主要失分项"].value == e["shortfalls"], (year, e["name"])
            # DOCX
            para = next(p for p in paragraphs if f"{e['name']}" in p and "主要失分项" in p)
            assert f"得分{e['score']}分" in para and f"在{e['units_ranked']}个参与排名单位中排名第{e['rank']}位" in para
            assert para.endswith(f"主要失分项：{e['shortfalls']}。"), para


def test_the_headline_measures_of_the_overview_equal_the_annual_report(published, reports, dashboard):
    import openpyxl

    from serving import formatters as fmt
    from serving import labels, snapshot

    pages, _ = dashboard
    with snapshot.pinned(published[1]):
        names = labels.metric_names("zh")
        headline = [names[c] for c in labels.metric_codes("headline")]
    compared = 0
    for year in YEARS:
        cards = pages[year]["cards"]
        sheet = openpyxl.load_workbook(reports[year]["xlsx"])["全市年度指标"]
        header = [c.value for c in sheet[1]]
        rows = {r[0].value: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2)}
        pdf = _flat(subprocess.run(["pdftotext", "-raw", str(reports[year]["pdf"]), "-"], check=True,
                                   capture_output=True, text=True).stdout)
        for name in headline:
            if name not in rows:
                continue
            x = rows[name]
            value = x["数值"].value
            in_xlsx = value if isinstance(value, str) else fmt.percent(value)
            assert cards[name] == in_xlsx, (year, name)
            assert _flat(f"{name}{fmt.count(x['分子'].value)}{fmt.count(x['分母'].value)}{cards[name]}") in pdf, \
                (year, name)
            compared += 1
    assert compared >= 30
