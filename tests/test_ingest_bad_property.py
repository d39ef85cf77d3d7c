"""Property-based: whatever lands, each file is loaded (and reconciles) or refused with a reason.

Arbitrary bytes as .csv and as .xlsx (also damaged real workbooks), and arbitrary rows (random cell
text under random subsets and orders of the real headers, synonyms included) written as CSV or
XLSX. Never an unhandled exception.
"""
from __future__ import annotations

import itertools
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipelines.contract import load_contract
from pipelines.ingest.discover import LandingFile
from pipelines.ingest.load import load_file, open_warehouse
from pipelines.ingest.reconcile import reconciliation_problems
from tests.export_files import csv_bytes, xlsx_bytes
from tests.test_ingest import TASK_HEADER, task_row

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
GOOD_XLSX = xlsx_bytes([TASK_HEADER, task_row("T-0001"), task_row("T-0002")])
GOOD_CSV = csv_bytes([TASK_HEADER, task_row("T-0001"), task_row("T-0002")])
_counter = itertools.count()


@pytest.fixture(scope="module")
def loader():
    """One warehouse (in memory) and landing folder for all examples; each file gets a new name."""
    with tempfile.TemporaryDirectory(prefix="sssg-prop-") as tmp:
        landing = Path(tmp).resolve()
        con = open_warehouse(Path(":memory:"))

        def load(data: bytes, suffix: str, label: str = "抽查任务"):
            n = next(_counter)
            batch = f"20200{n % 9 + 1}01_性质测试"  # a few batches: same-batch conflicts happen too
            path = landing / batch / f"{label}_{n}{suffix}"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
            before = con.execute("SELECT count(*) FROM raw.load_log").fetchone()[0]
            out = load_file(con, LandingFile(path, batch, date(2020, n % 9 + 1, 1), None, landing))
            assert con.execute("SELECT count(*) FROM raw.load_log").fetchone()[0] == before + 1
            if out.status == "rejected":
                assert out.message and (out.rows_read, out.rows_loaded, out.rows_rejected) == (0, 0, 0)
            else:
                assert out.status == "loaded"
                assert out.rows_read == out.rows_loaded + out.rows_rejected
            assert reconciliation_problems(con) == []
            event(f"{out.status}: {out.message[:14] if out.status == 'rejected' else 'rows ' + str(min(out.rows_read, 3))}")
            return out

        yield load
        con.close()


CSV_PREFIXES = st.sampled_from([b"", b"\xef\xbb\xbf", GOOD_CSV[:GOOD_CSV.index(b"\r\n") + 2], GOOD_CSV,
                                b"<html>", b"PK\x03\x04", b"\xff\xfe"])


@settings(max_examples=150, **SETTINGS)
@given(prefix=CSV_PREFIXES, body=st.binary(max_size=600))
def test_arbitrary_bytes_as_csv(loader, prefix, body):
    loader(prefix + body, ".csv")


@settings(max_examples=100, **SETTINGS)
@given(data=st.one_of(
    st.binary(max_size=400),
    st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b),
    st.tuples(st.integers(0, len(GOOD_XLSX)), st.binary(min_size=1, max_size=8)).map(
        lambda t: GOOD_XLSX[:t[0]] + t[1] + GOOD_XLSX[t[0] + len(t[1]):]),  # bytes overwritten somewhere
    st.integers(1, len(GOOD_XLSX) - 1).map(lambda cut: GOOD_XLSX[:cut]),  # cut anywhere
))
def test_arbitrary_bytes_as_xlsx(loader, data):
    loader(data, ".xlsx")


ENTITIES = ["task", "result", "object", "item"]
CELL = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12),
    st.text(alphabet="0123456789-/.年月日 ，,;、\"'\n\r\tＴ－　是否YN", max_size=14),
    st.sampled_from(["", " ", "2020-07-03", "2020/7/3/", "20200230", "是", "否", "计划", "T-0001", "91210400MA0T123454",
                     "未发现问题", "实地检查、书面检查", "=1+1", "#N/A", "\u202e", "\x0b", "2019-01-01"]),
)


RARELY = st.sampled_from([False] * 15 + [True])


@st.composite
def export_rows(draw):
    """Headers: usually every required column (some synonym), some optional ones, shuffled; now and
    then one dropped or doubled, plus columns outside the contract. Rows: any cells, any length."""
    entity = load_contract().entity(draw(st.sampled_from(ENTITIES)))
    chosen = [draw(st.sampled_from(col.headers)) for col in entity.required]
    chosen += draw(st.lists(st.sampled_from([h for col in entity.columns if not col.required for h in col.headers]),
                            unique=True, max_size=4))
    chosen += draw(st.lists(st.sampled_from(["备注", "", "序号"]), max_size=2))
    chosen = draw(st.permutations(chosen))
    if chosen and draw(RARELY):
        del chosen[draw(st.integers(0, len(chosen) - 1))]
    if chosen and draw(RARELY):
        chosen.append(draw(st.sampled_from(chosen)))
    width = len(chosen)
    rows = draw(st.lists(st.lists(CELL, min_size=max(width - 2, 0), max_size=width + 1), max_size=6))
    return entity.file_label, [chosen, *rows]


@settings(max_examples=120, **SETTINGS)
@given(export=export_rows(), fmt=st.sampled_from(["csv-utf-8", "csv-gb18030", "xlsx"]))
def test_arbitrary_rows_under_real_headers(loader, export, fmt):
    label, rows = export
    if fmt == "xlsx":
        # Excel cells cannot hold control characters other than tab and line breaks
        rows = [[c.translate({i: None for i in range(32) if i not in (9, 10, 13)}) for c in row] for row in rows]
        data = xlsx_bytes(rows)
    else:
        try:
            data = csv_bytes(rows, fmt[4:])
        except UnicodeEncodeError:
            data = csv_bytes(rows)
    loader(data, ".xlsx" if fmt == "xlsx" else ".csv", label)
