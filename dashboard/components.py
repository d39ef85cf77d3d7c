"""Small Streamlit building blocks shared by the pages: labelled tables with a CSV download."""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

MISSING = "—"


def fmt_date(value: date | None) -> str:
    return value.isoformat() if value else MISSING


def fmt_datetime(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else MISSING


def fmt_share(numerator: int, denominator: int) -> str:
    """`2.5%（3 / 120）`: the rate with its numerator and denominator; `—` without a denominator."""
    if not denominator:
        return f"{MISSING}（{numerator:,} / 0）"
    return f"{numerator / denominator:.1%}（{numerator:,} / {denominator:,}）"


def csv_bytes(table: pd.DataFrame) -> bytes:
    """CSV with a byte-order mark, so Excel opens the Chinese text correctly."""
    return table.to_csv(index=False).encode("utf-8-sig")


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


def table(df: pd.DataFrame, labels: dict[str, str], *, file_name: str, key: str, empty: str) -> None:
    """A full-width table with Chinese headers and a CSV download of exactly what is shown."""
    if df.empty:
        st.info(empty)
        return
    shown = labelled(df, labels)
    st.dataframe(shown, width="stretch", hide_index=True, column_config=date_columns(shown))
    st.download_button(
        "下载 CSV",
        data=csv_bytes(shown),
        file_name=file_name,
        mime="text/csv",
        key=f"download_{key}",
        on_click="ignore",
        icon=":material/download:",
    )
