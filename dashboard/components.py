"""Small Streamlit building blocks shared by the pages: labelled tables with CSV and Excel downloads,
charts with their data as a table.

Every download is neutralised against formula injection (`neutralise_formulas`): a text cell that
begins with =, +, -, @, a tab or a carriage return gets a leading single quote, so Excel/WPS show it
as text instead of evaluating it. Numbers stay numbers.
"""
from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import audit, auth, clickthrough
from dashboard.i18n import t
from serving import formatters as fmt
from serving.chart_text import plain_figure

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MARKDOWN_SPECIALS = set("\\`*_{}[]()<>#+-.!|~$:")


# Plotly's own toolbar (zoom, pan, "Download plot as a png", in English only) is left out: the data of
# every chart is in its table tab, with downloads in the reader's language.
CHART_CONFIG = {"displayModeBar": False}


# A table shows at most this many rows on screen (a grid of tens of thousands of rows is slow to send
# and to draw, and nobody reads it there); its downloads hold every row.
SCREEN_ROWS = 1000


def markdown_literal(value: object) -> str:
    """`value` as plain text inside Streamlit markdown: every character markdown (or its LaTeX, `$`)
    could read as syntax is backslash-escaped, so a name from an export such as `[机关](https://…)` shows
    as written, never as a link, emphasis or formula."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in str(value))


def neutralise_text(value: object) -> object:
    """`'=1+1` for `=1+1`; anything that is not text, or text that is safe, unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell (and column label) that a spreadsheet would read as a formula
    starts with a single quote. Numeric, boolean and date columns are untouched (a negative number
    stays a number); in mixed object columns only the strings change."""
    out = df.copy()
    for position, column in enumerate(df.columns):
        values = df.iloc[:, position]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        elif not (pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)):
            continue
        out.isetitem(position, values.map(neutralise_text))
    out.columns = [neutralise_text(c) if isinstance(c, str) else c for c in df.columns]
    return out


def csv_bytes(table: pd.DataFrame) -> bytes:
    """CSV with a byte-order mark, so Excel/WPS open the Chinese text correctly; formulas neutralised.
    CRLF line ends (RFC 4180): the csv writer then quotes any cell holding a carriage return, which
    with bare LF line ends it leaves unquoted, and Excel would start a new row (and read a formula)
    after it."""
    return neutralise_formulas(table).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


PERCENT_NAME = re.compile(r"(率|占比|比例|比重|百分比|rate|ratio|share|pct|percent)$", re.IGNORECASE)


def percent_columns(df: pd.DataFrame, extra: Iterable[str] = ()) -> set:
    """The numeric columns to show as 0.0%: those named in `extra`, and float columns whose name ends
    in 率/占比/比例/rate/share/... (values are fractions: 0.25 is 25%)."""
    chosen = set(extra) & set(df.columns)
    for column in df.columns:
        if (isinstance(column, str) and PERCENT_NAME.search(column.strip())
                and pd.api.types.is_float_dtype(df[column].dtype)):
            chosen.add(column)
    return chosen


def _display_width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)  # CJK characters are two columns wide


def xlsx_bytes(table: pd.DataFrame, *, sheet_name: str = "数据", percent: Iterable[str] = (),
               number_formats: Mapping[str, str] | None = None) -> bytes:
    """An Excel workbook of `table` (formulas neutralised): bold frozen header row with a filter,
    integers as #,##0, other numbers as #,##0.00, rates (see `percent_columns`) as 0.0%, dates as
    yyyy-mm-dd, timestamps as yyyy-mm-dd hh:mm, empty cells for missing values; `number_formats` gives
    a numeric column its own format (scores 0.0, changes +0.0)."""
    import xlsxwriter

    safe = neutralise_formulas(table)
    rates = percent_columns(table, percent)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {
        "in_memory": True,
        "strings_to_formulas": False,  # belt and braces: never write a formula, whatever the text
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "remove_timezone": True,
    })
    try:
        sheet = workbook.add_worksheet(re.sub(r"[\[\]:*?/\\]", "_", sheet_name)[:31] or "数据")
        header = workbook.add_format({"bold": True, "bg_color": "#eef2f7", "bottom": 1, "text_wrap": True,
                                      "valign": "top"})
        formats = {
            # the decimals of serving.formatters, as in the reports' workbooks
            "int": workbook.add_format({"num_format": fmt.XLSX_FORMATS["count"]}),
            "year": workbook.add_format({"num_format": "0"}),
            "float": workbook.add_format({"num_format": fmt.XLSX_FORMATS["number"]}),
            "pct": workbook.add_format({"num_format": fmt.XLSX_FORMATS["percent"]}),
            "date": workbook.add_format({"num_format": fmt.XLSX_FORMATS["date"]}),
            "datetime": workbook.add_format({"num_format": fmt.XLSX_FORMATS["datetime"]}),
            "text": None,
        }
        for position, column in enumerate(safe.columns):
            source = table.iloc[:, position]
            values = safe.iloc[:, position]
            kind = _column_kind(table.columns[position], source, rates)
            sheet.write_string(0, position, str(column), header)
            cell_format = formats[kind]
            own = (number_formats or {}).get(table.columns[position])
            if own and kind in ("int", "float"):
                kind, cell_format = "float", workbook.add_format({"num_format": own})
            for row, value in enumerate(values.tolist(), start=1):
                _write(sheet, row, position, value, kind, cell_format)
            width = max([_display_width(column), *(_display_width(v) for v in values.head(200).tolist())])
            sheet.set_column(position, position, min(max(width + 2, 8), 60))
        sheet.freeze_panes(1, 0)
        if len(safe.columns):
            sheet.autofilter(0, 0, max(len(safe), 1), len(safe.columns) - 1)
    finally:
        workbook.close()
    return buffer.getvalue()


YEAR_WORDS = ("年度", "year")  # a label ending so names years (年度, 首个考核年度, Year, First year)


def is_year_column(name, values: pd.Series) -> bool:
    """Whole numbers that are years, under a label that says so: written 2020, never 2,020."""
    if not str(name).lower().endswith(YEAR_WORDS) or not pd.api.types.is_numeric_dtype(values.dtype) \
            or pd.api.types.is_bool_dtype(values.dtype):
        return False
    present = values.dropna()
    return bool(len(present)) and bool(((present == present.round()) & present.between(1900, 2100)).all())


def _column_kind(name, values: pd.Series, rates: set) -> str:
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "text"
    if name in rates and pd.api.types.is_numeric_dtype(dtype):
        return "pct"
    if is_year_column(name, values):
        return "year"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        present = values.dropna()
        return "int" if len(present) and bool((present == present.round()).all()) else "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        present = values.dropna()
        if not len(present):
            return "date"
        naive = present.dt.tz_localize(None) if getattr(present.dt, "tz", None) is not None else present
        return "date" if bool((naive == naive.dt.normalize()).all()) else "datetime"
    return "text"


def _write(sheet, row: int, column: int, value, kind: str, cell_format) -> None:
    if value is None or (not isinstance(value, (str, bytes)) and pd.isna(value)):
        sheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, pd.Timestamp):
        stamp = value.tz_localize(None) if value.tzinfo is not None else value
        sheet.write_datetime(row, column, stamp.to_pydatetime(), cell_format)
    elif isinstance(value, (datetime, date)):
        sheet.write_datetime(row, column, value, cell_format)
    elif isinstance(value, (int, float)) or pd.api.types.is_number(value):
        sheet.write_number(row, column, float(value) if kind not in ("int", "year") or not float(value).is_integer()
                           else int(value), cell_format)
    else:
        sheet.write_string(row, column, str(value))


@dataclass(frozen=True)
class NumberText:
    """How a numeric column shows while it stays a number (so clicking its header sorts it by value):
    `write` turns each value into its text on screen (a serving.formatters function; a missing value
    shows —), `xlsx` is the Excel download's number format (serving.formatters.XLSX_FORMATS)."""
    write: Callable[[object], str]
    xlsx: str = fmt.XLSX_FORMATS["number"]


def labelled(df: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The columns in `labels`, in its order, renamed to their Chinese labels."""
    return df.loc[:, list(labels)].rename(columns=labels)


def date_columns(df: pd.DataFrame) -> dict:
    """Show DATE columns as 2020-07-03 and timestamps to the minute (DuckDB hands both over as datetimes)."""
    config = {}
    for name in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[name]):
            values = df[name].dropna()
            is_date = values.empty or bool((values == values.dt.normalize()).all())
            config[name] = (st.column_config.DateColumn(format="YYYY-MM-DD") if is_date
                            else st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"))
    return config


def display_frame(df: pd.DataFrame, percent: Iterable[str] = (),
                  keep: Iterable[str] = ()) -> tuple[pd.DataFrame, set]:
    """What a table shows on screen: every missing value as — (never None or NaN). A column with a
    missing value is written out as text by serving.formatters (dates ISO, timestamps in Asia/Shanghai,
    rates as percent, numbers with thousands separators); complete columns keep their type and the
    formats of `display_config`. Returns the frame and the names of the numeric columns written out
    (to keep them right-aligned). The downloads keep the typed values (an empty cell for missing).
    Columns in `keep` stay as they are (a `NumberText` column, written by the table itself)."""
    rates = percent_columns(df, percent)
    keep = set(keep)
    out = df.copy()
    numeric = set()
    for position, name in enumerate(df.columns):
        values = df.iloc[:, position]
        if name in keep or not values.isna().any():
            continue
        dtype = values.dtype
        if pd.api.types.is_datetime64_any_dtype(dtype):
            present = values.dropna()
            naive = present.dt.tz_localize(None) if getattr(present.dt, "tz", None) is not None else present
            is_date = bool((naive == naive.dt.normalize()).all())
            text = [fmt.iso_date(v) if is_date else fmt.timestamp(v) for v in values]
        elif pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            text = [fmt.MISSING if fmt.is_missing(v) else v for v in values]
        elif is_year_column(name, values):
            text = [fmt.year(v) for v in values]
        else:
            numeric.add(name)
            text = [fmt.percent(v) if name in rates else fmt.count(v) for v in values]
        out.isetitem(position, pd.Series(text, index=df.index, dtype=object))
    return out, numeric


def _shown_config(shown: pd.DataFrame, numeric: set, percent: Iterable[str] = ()) -> dict:
    config = display_config(shown, percent)
    for name in numeric:
        config[name] = st.column_config.TextColumn(alignment="right")
    return config


def table(df: pd.DataFrame, labels: dict[str, str], *, file_name: str, key: str, empty: str) -> None:
    """A full-width table with the headers in `labels` and a CSV download of exactly what is shown."""
    if df.empty:
        st.info(empty)
        return
    shown = labelled(df, labels)
    on_screen, numeric = display_frame(shown)
    st.dataframe(on_screen, width="stretch", hide_index=True, column_config=_shown_config(on_screen, numeric))
    st.download_button(
        t("download_csv"),
        data=audit.logged_download(auth.current(), file_name, partial(bytes, csv_bytes(shown))),
        file_name=file_name,
        mime="text/csv",
        key=f"download_{key}",
        on_click="ignore",
        icon=":material/download:",
    )


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _stem(file_name: str) -> str:
    return re.sub(r"\.(csv|xlsx)$", "", file_name, flags=re.IGNORECASE)


def display_config(df: pd.DataFrame, percent: Iterable[str] = ()) -> dict:
    """Column formats for st.dataframe: dates as in `date_columns`, rates as 12.5%, integers with
    thousands separators."""
    config = date_columns(df)
    rates = percent_columns(df, percent)
    for name in df.columns:
        if name in config or not pd.api.types.is_numeric_dtype(df[name].dtype) \
                or pd.api.types.is_bool_dtype(df[name].dtype):
            continue
        if name in rates:
            config[name] = st.column_config.NumberColumn(format="percent")
        elif is_year_column(name, df[name]):
            config[name] = st.column_config.NumberColumn(format="%d")
        elif _column_kind(name, df[name], set()) == "int":
            # wide enough for the largest value: the grid sizes columns on the first rows only
            largest = df[name].abs().max()
            digits = len(fmt.count(int(largest))) if pd.notna(largest) else 1
            config[name] = st.column_config.NumberColumn(format="localized", width=max(60, 10 * digits + 30))
    return config


def table_with_downloads(
    df: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    *,
    file_name: str,
    key: str,
    percent: Iterable[str] = (),
    empty: str | None = None,
    numbers: Mapping[str, NumberText] | None = None,
    max_rows: int = SCREEN_ROWS,
) -> None:
    """A full-width table and two downloads of exactly what is shown: CSV (UTF-8 with BOM) and Excel
    (frozen header, number formats). `labels` picks and renames columns (see `labelled`); `percent`
    names (labelled) columns holding fractions to show as 0.0% (columns ending in 率 etc. are found
    anyway); `numbers` (labelled) numeric columns that stay numbers, so they sort by value, shown as
    their `NumberText` writes them (— for a missing value) and downloaded as numbers in its Excel
    format; `file_name` is the stem (any .csv/.xlsx is dropped). Empty: a plain message instead. The
    screen shows the first `max_rows` rows (a caption says how many there are); the downloads hold all."""
    if df.empty:
        st.info(empty or t("no_data"))
        return
    shown = labelled(df, dict(labels)) if labels else df
    full, shown = shown, shown.head(max_rows)
    percent = list(percent)
    numbers = {name: spec for name, spec in (numbers or {}).items() if name in shown.columns}
    on_screen, numeric = display_frame(shown, percent, keep=numbers)
    config = _shown_config(on_screen, numeric, percent)
    data: object = on_screen
    if numbers:
        # the grid shows a Styler's text only in a number column without a format of its own
        config.update({name: st.column_config.NumberColumn() for name in numbers})
        data = on_screen.style.format({name: spec.write for name, spec in numbers.items()})
    st.dataframe(data, width="stretch", hide_index=True, column_config=config, placeholder=fmt.MISSING)
    if len(full) > len(shown):
        st.caption(t("rows_cut", shown=fmt.count(len(shown)), total=fmt.count(len(full))))
    shown = full  # the downloads: every row
    stem = _stem(file_name)
    formats = {n: spec.xlsx for n, spec in numbers.items()}
    col_csv, col_xlsx, _ = st.columns([1, 1, 4])
    # the files are written when a reader clicks (a callable), not on every run of the page
    reader = auth.current()  # every download is in the audit log (dashboard/audit.py)
    col_csv.download_button(
        t("download_csv"), data=audit.logged_download(reader, f"{stem}.csv", lambda: csv_bytes(shown)),
        file_name=f"{stem}.csv", mime="text/csv",
        key=f"download_csv_{key}", on_click="ignore", icon=":material/download:",
    )
    col_xlsx.download_button(
        t("download_xlsx"),
        data=audit.logged_download(reader, f"{stem}.xlsx",
                                   lambda: xlsx_bytes(shown, sheet_name=stem, percent=percent, number_formats=formats)),
        file_name=f"{stem}.xlsx", mime=XLSX_MIME,
        key=f"download_xlsx_{key}", on_click="ignore", icon=":material/table_view:",
    )


def _scrolling(key: str, min_width: int):
    """A container whose elements are at least `min_width` pixels wide and that scrolls sideways
    when the screen is narrower (Streamlit marks a keyed container with the class st-key-<key>)."""
    st.html(f"<style>.st-key-{key} {{ overflow-x: auto; }} "
            f".st-key-{key} [data-testid='stElementContainer'] {{ min-width: {int(min_width)}px; }}</style>")
    return st.container(key=key)


def chart_with_table(
    fig: go.Figure,
    df: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    *,
    file_name: str,
    key: str,
    percent: Iterable[str] = (),
    empty: str | None = None,
    drill: str | None = None,
    min_width: int | None = None,
) -> None:
    """A chart and, in a second tab, the data behind it with the downloads. With no data, one plain
    message (所选范围内没有数据) instead of an empty chart and an empty table. `drill`: the key of the
    page's drill-down that a click on a cell or bar opens (dashboard.clickthrough). `min_width`: the
    chart is never drawn narrower than this many pixels; on a narrower screen it scrolls sideways."""
    if df.empty:
        st.info(empty or t("no_data"))
        return
    tab_chart, tab_table = st.tabs([t("chart"), t("table")])
    with tab_chart, (_scrolling(f"scroll_{key}", min_width) if min_width else contextlib.nullcontext()):
        if drill is None:
            st.plotly_chart(plain_figure(fig), width="stretch", key=f"chart_{key}", config=CHART_CONFIG)
        else:
            st.plotly_chart(plain_figure(fig), width="stretch", key=f"chart_{key}", config=CHART_CONFIG,
                            on_select=partial(clickthrough.on_select, f"chart_{key}", drill),
                            selection_mode=("points",))
    with tab_table:
        table_with_downloads(df, labels, file_name=file_name, key=key, percent=percent)
