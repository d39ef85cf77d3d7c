"""Downloads: formula neutralisation, CSV with BOM, XLSX formats, and the table/chart helpers."""
from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
from streamlit.testing.v1 import AppTest

from dashboard.components import csv_bytes, neutralise_formulas, xlsx_bytes


def sample():
    return pd.DataFrame({
        "名称": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "正常", None],
        "数量": [1, -2, 3, -4, 5, 6, 7000, 8],
        "完成率": [0.5, -0.25, 1.0, 0.0, None, 0.1, 0.2, 0.3],
        "金额": [1.5, -2.25, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    })


def test_neutralise_formulas_quotes_text_and_keeps_numbers_numbers():
    out = neutralise_formulas(sample())
    assert out["名称"].tolist()[:7] == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "正常"]
    assert pd.isna(out["名称"].iloc[7])
    assert out["数量"].tolist()[:2] == [1, -2] and out["数量"].dtype == sample()["数量"].dtype
    assert out["完成率"].iloc[1] == -0.25 and out["金额"].iloc[1] == -2.25
    mixed = neutralise_formulas(pd.DataFrame({"m": ["=x", -3, 2.5], "=col": ["a", "b", "c"]}))
    assert mixed["m"].tolist() == ["'=x", -3, 2.5] and list(mixed.columns) == ["m", "'=col"]


def test_csv_has_a_bom_and_neutralised_cells():
    data = csv_bytes(sample())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert rows["名称"].tolist()[:4] == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)"]
    assert ",-2," in text  # the negative number is still a plain number


def test_xlsx_has_frozen_header_number_formats_and_no_formulas():
    data = xlsx_bytes(sample())
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        styles = zf.read("xl/styles.xml").decode()
        strings = zf.read("xl/sharedStrings.xml").decode()
    assert 'state="frozen"' in sheet and 'ySplit="1"' in sheet
    assert "<f>" not in sheet
    assert 'formatCode="0.0%"' in styles and 'formatCode="#,##0"' in styles
    assert "&apos;=HYPERLINK" in strings or "'=HYPERLINK" in strings
    assert re.search(r"<v>-2</v>", sheet) and re.search(r"<v>-0.25</v>", sheet)


APP = '''
import pandas as pd
import plotly.graph_objects as go
from dashboard.components import chart_with_table, table_with_downloads
df = pd.DataFrame({"部门": ["=a", "b"], "完成率": [0.5, 0.75], "任务数": [1200, 3]})
empty = df.iloc[0:0]
chart_with_table(go.Figure(go.Bar(x=df["部门"], y=df["完成率"])), df, file_name="完成率.csv", key="full")
chart_with_table(go.Figure(), empty, file_name="空", key="empty")
table_with_downloads(empty, file_name="空表", key="empty_table")
'''


def test_chart_with_table_and_empty_frames_show_the_plain_message():
    at = AppTest.from_string(APP, default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [i.value for i in at.info] == ["所选范围内没有数据", "所选范围内没有数据"]
    assert [tab.label for tab in at.tabs] == ["图表", "表格"]
    (frame,) = at.dataframe
    assert frame.value["部门"].tolist() == ["=a", "b"]  # shown as is, neutralised only in downloads
    assert len(at.get("download_button")) == 2


def test_a_table_shows_missing_values_as_a_dash_never_none():
    from dashboard.components import display_frame

    df = pd.DataFrame({
        "名称": ["甲", None], "完成率": [0.25, None], "逾期工作日": pd.array([3, None], dtype="Int64"),
        "数量": [1200, 5], "公示日期": pd.to_datetime(["2023-07-04", None]),
    })
    shown, numeric = display_frame(df)
    assert shown["名称"].tolist() == ["甲", "—"]
    assert shown["完成率"].tolist() == ["25.0%", "不适用"]  # a rate without a value is n/a, not 0%
    assert shown["逾期工作日"].tolist() == ["3", "—"]
    assert shown["公示日期"].tolist() == ["2023-07-04", "—"]
    assert shown["数量"].tolist() == [1200, 5] and shown["数量"].dtype == df["数量"].dtype  # complete: as is
    assert numeric == {"完成率", "逾期工作日"}
    assert df["名称"].isna().sum() == 1  # the downloads' frame is untouched


def test_a_year_is_written_2020_never_2_020_on_screen_and_in_excel():
    """Issue 18 #3: a year column was shown "2,020" (integers get thousands separators)."""
    import io
    import zipfile

    from dashboard.components import display_config, display_frame, is_year_column, xlsx_bytes

    df = pd.DataFrame({"年度": [2020, 2021], "首个考核年度": pd.array([2020, None], dtype="Int64"),
                       "Year": [2024.0, 2025.0], "读取行数": [608565, 2020], "年度得分": [85.5, 90.0],
                       "年度计划数": [1999, 2001]})
    assert [c for c in df.columns if is_year_column(c, df[c])] == ["年度", "首个考核年度", "Year"]
    config = display_config(df)
    assert config["年度"]["type_config"]["format"] == "%d" and config["Year"]["type_config"]["format"] == "%d"
    assert config["读取行数"]["type_config"]["format"] == "localized"  # a count keeps its separators
    shown, numeric = display_frame(df)
    assert shown["首个考核年度"].tolist() == ["2020", "—"] and "首个考核年度" not in numeric
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(df))) as z:
        styles = z.read("xl/styles.xml").decode()
    assert 'formatCode="0"' in styles or "numFmtId=\"1\"" in styles


NUMBERS_APP = '''
import pandas as pd
from dashboard.components import NumberText, table_with_downloads
from serving import formatters as fmt
df = pd.DataFrame({"单位": ["甲", "乙", "丙"], "得分": [70.2, 100.0, None],
                   "名次": pd.array([2, 1, None], dtype="Int64"), "说明": ["a", None, "c"]})
table_with_downloads(df, file_name="得分", key="scores",
                     numbers={"得分": NumberText(fmt.score, fmt.XLSX_FORMATS["score"]),
                              "名次": NumberText(lambda r: fmt.rank(r, 2), fmt.XLSX_FORMATS["rank"])})
'''


def test_number_columns_stay_numbers_shown_by_their_formatter():
    """Issue 18 #5: a ranking sorts by value, so its numbers stay numbers on screen (a text "100.0" would
    sort before "70.2"), written by serving.formatters through a Styler; missing values show —."""
    import pyarrow as pa

    at = AppTest.from_string(NUMBERS_APP, default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (frame,) = at.dataframe
    assert frame.value["得分"].dtype.kind == "f" and frame.value["名次"].dtype.name == "Int64"
    assert frame.proto.placeholder == "—"
    text = pa.ipc.open_stream(frame.proto.arrow_data.styler.display_values).read_all().to_pandas()
    assert text["得分"].tolist() == ["70.2", "100.0", "—"] and text["名次"].tolist() == ["2 / 2", "1 / 2", "—"]
    assert text["说明"].tolist() == ["a", "—", "c"]  # other columns as before


def test_xlsx_number_formats_per_column():
    df = pd.DataFrame({"得分": [70.2, None], "变化": [2.5, -1.0], "名次": pd.array([3, None], dtype="Int64")})
    data = xlsx_bytes(df, number_formats={"得分": "0.0", "变化": "+0.0;-0.0;0.0", "名次": "0"})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        styles = zf.read("xl/styles.xml").decode()
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert 'formatCode="0.0"' in styles and 'formatCode="+0.0;-0.0;0.0"' in styles
    assert re.search(r"<v>70.2</v>", sheet) and re.search(r"<v>-1</v>", sheet) and re.search(r"<v>3</v>", sheet)


def test_a_long_table_shows_its_first_rows_and_downloads_every_row(monkeypatch):
    """A grid of tens of thousands of rows is slow to send and draw: the screen takes the first rows
    and says so; the CSV and Excel files hold them all."""
    from streamlit.delta_generator import DeltaGenerator

    written = []
    real_button = DeltaGenerator.download_button

    def click(self, label, data=None, *args, **kwargs):
        written.append(data() if callable(data) else data)
        return real_button(self, label, written[-1], *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", click)
    at = AppTest.from_string('''
import pandas as pd
from dashboard.components import table_with_downloads
table_with_downloads(pd.DataFrame({"编号": [f"R{i}" for i in range(12)], "数量": range(12)}),
                     file_name="长表", key="long", max_rows=5)
''', default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (frame,) = at.dataframe
    assert frame.value["编号"].tolist() == ["R0", "R1", "R2", "R3", "R4"]
    assert "显示前 5 行，共 12 行" in at.caption[0].value
    csv_text = written[0].decode("utf-8-sig")
    assert csv_text.count("\n") == 13 and "R11" in csv_text  # header + every row
    with zipfile.ZipFile(io.BytesIO(written[1])) as z:
        assert "R11" in z.read("xl/sharedStrings.xml").decode()
