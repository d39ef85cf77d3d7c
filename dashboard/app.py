"""抚顺市“双随机、一公开”监管绩效看板: the router. Pages live in dashboard/pages/."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

TITLE = "抚顺市“双随机、一公开”监管绩效看板"
PAGES = Path(__file__).resolve().parent / "pages"

st.set_page_config(page_title=TITLE, layout="wide")
page = st.navigation(
    {
        TITLE: [
            st.Page(PAGES / "data_status.py", title="数据状态", icon=":material/database:", default=True),
        ]
    }
)
page.run()
