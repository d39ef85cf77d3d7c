"""Formula injection: every text cell of a dashboard download (CSV, XLSX) and of a report XLSX that
begins with =, +, -, @, a tab or a carriage return is written with a leading single quote, so Excel /
WPS show it as text. Numbers stay numbers (a negative number is written as a number)."""
from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from dashboard.components import FORMULA_PREFIXES, csv_bytes, neutralise_formulas, xlsx_bytes
from pipelines.reports.model import INT, Batch, Report, Section
from pipelines.reports.xlsx import FORMULA_START, render_xlsx, safe_text

HOSTILE = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")']
SAFE = ["普通文本", "a=b", "", "1-2"]


def test_both_neutralisers_know_all_six_leading_characters():
    assert set(FORMULA_PREFIXES) == set(FORMULA_START) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_text_and_neutralise_quote_every_hostile_start(text):
    assert safe_text(text) == "'" + text
    assert neutralise_formulas(pd.DataFrame({"c": [text]}))["c"].tolist() == ["'" + text]


@pytest.mark.parametrize("text", SAFE)
def test_safe_text_leaves_other_text_alone(text):
    assert safe_text(text) == text


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"文本": HOSTILE, "数值": [-1, -2.5, 3, -4, 5, 6, 7],
                         "=列名": SAFE + ["x", "y", "z"]})


def test_csv_download_quotes_hostile_cells_and_headers_and_keeps_negative_numbers():
    import csv

    text = csv_bytes(_frame()).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert header == ["文本", "数值", "'=列名"]
    assert [r[0] for r in rows] == ["'" + h for h in HOSTILE]
    assert [float(r[1]) for r in rows] == [-1, -2.5, 3, -4, 5, 6, 7]  # numbers unquoted, sign kept


def _cells(xlsx: bytes) -> tuple[list[str], str]:
    """(shared strings, first sheet XML) of a workbook."""
    import re
    from xml.sax.saxutils import unescape

    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        shared = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in z.namelist() else ""
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        formulas = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    strings = [unescape(s).replace("_x0009_", "\t").replace("_x000D_", "\r").replace("&#13;", "\r")
               for s in re.findall(r"<t[^>]*>(.*?)</t>", shared, re.S)]
    assert not any("<f>" in f for f in formulas), "a formula was written"
    return strings, sheet


def _assert_no_unquoted(strings: list[str]):
    bad = [s for s in strings if s.startswith(tuple(FORMULA_START))]
    assert bad == [], bad


def test_xlsx_download_quotes_hostile_cells_and_writes_negative_numbers_as_numbers():
    strings, sheet = _cells(xlsx_bytes(_frame()))
    _assert_no_unquoted(strings)
    assert "'=1+1" in strings and "'-1+1" in strings and "'@SUM(A1)" in strings
    assert "<v>-2.5</v>" in sheet and "<v>-4</v>" in sheet


def test_report_xlsx_quotes_hostile_text_in_every_place_and_keeps_numbers():
    table = pd.DataFrame({"部门": HOSTILE, "数量": [-1, 2, -3, 4, 5, 6, 7], "-表头": SAFE + ["a", "b", "c"]})
    report = Report(kind="monthly", period="2024-06", title="=标题", period_label="+2024年6月",
                    batch=Batch(published_at="2024-07-01", run_id="-run", latest_batch_date="2024-07-01"),
                    sections=[Section(key="表", title="@节", table=table, kinds={"数量": INT}, note="-说明"),
                              Section(key="缺失", title="=缺失", missing="=没有数据", note="\t注")],
                    summary=["=要点"])
    strings, _ = _cells(render_xlsx(report, "2024-07-01 09:00:00"))
    _assert_no_unquoted(strings)
    assert {"'=1+1", "'\t=1", "'-表头", "'=要点"} <= set(strings)
    with zipfile.ZipFile(io.BytesIO(render_xlsx(report, "x"))) as z:
        data_sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert any("<v>-3</v>" in s for s in data_sheets)
