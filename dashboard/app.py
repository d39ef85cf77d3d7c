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
            st.Page(PAGES / "overview.py", title="总览", icon=":material/dashboard:", default=True),
            st.Page(PAGES / "county_progress.py", title="县区进展", icon=":material/map:"),
            # 部门详情 and 公示时效 go here
            st.Page(PAGES / "joint_temporary.py", title="联合与临时", icon=":material/groups:"),
            st.Page(PAGES / "sampling_credit.py", title="抽查与信用", icon=":material/shuffle:"),
            st.Page(PAGES / "data_status.py", title="数据状态", icon=":material/database:"),
        ]
    }
)
page.run()
