"""抚顺市“双随机、一公开”监管绩效看板: the router. Pages live in dashboard/views/ (not pages/: Streamlit
would also serve a pages/ folder as its legacy file-named pages, bypassing this router); url_path gives
each page a stable address, so a shared link (with its filters in the query string) opens the same view."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import auth, data, filters
from dashboard.i18n import t

PAGES = Path(__file__).resolve().parent / "views"

# The app menu holds only About (config.toml: client.toolbarMode = "minimal"), in the reader's language.
st.set_page_config(page_title=t("app_title"), layout="wide",
                   menu_items={"Get help": None, "Report a bug": None, "About": t("about")})
data.pin_snapshot()  # every query of this run reads the same publish, even if a new one lands meanwhile
# Who is reading, and so which rows every query of this run may read (serving.scope); a refusal, the
# sign-in page or the no-access page ends the run here, before any page or menu is drawn.
reader = auth.establish()
page = st.navigation(
    {
        t("nav_section"): [  # the full title would be cut off in the sidebar
            # The app's root shows the overview through a hidden default page, so that the menu's
            # 总览 keeps its own address: a shared link to /overview opens it (Streamlit serves a
            # default page only at the root and answers its url_path with "Page not found").
            st.Page(PAGES / "overview.py", title=t("nav_overview"), icon=":material/dashboard:",
                    url_path="home", default=True, visibility="hidden"),
            st.Page(PAGES / "overview.py", title=t("nav_overview"), icon=":material/dashboard:",
                    url_path="overview"),
            st.Page(PAGES / "ranking.py", title=t("nav_ranking"), icon=":material/leaderboard:", url_path="ranking"),
            st.Page(PAGES / "county_progress.py", title=t("nav_county"), icon=":material/map:", url_path="county"),
            st.Page(PAGES / "department_detail.py", title=t("nav_department"), icon=":material/apartment:",
                    url_path="department"),
            st.Page(PAGES / "publication.py", title=t("nav_publication"), icon=":material/schedule:",
                    url_path="publication"),
            st.Page(PAGES / "joint_temporary.py", title=t("nav_joint"), icon=":material/groups:", url_path="joint"),
            st.Page(PAGES / "sampling_credit.py", title=t("nav_sampling"), icon=":material/shuffle:",
                    url_path="sampling"),
            st.Page(PAGES / "reports.py", title=t("nav_reports"), icon=":material/description:", url_path="reports"),
            st.Page(PAGES / "data_status.py", title=t("nav_status"), icon=":material/database:", url_path="status"),
        ]
    }
)
filters.language_control()  # on every page, so the language holds on pages without filters
filters.mirror_url()  # every page's address carries the view; pages with filters rewrite it once checked
auth.sidebar(reader)
auth.page_viewed(reader, page.url_path)
page.run()
