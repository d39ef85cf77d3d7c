"""The dashboard's side of the serving read layer (package `serving`): Streamlit's cache for queries,
keyed on the version file, so a new publish shows up without a restart and every page of a run reads
the publish it pinned (`pin_snapshot`, called by the router first). The loaders themselves live in
`serving`, shared with the reports.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from serving import snapshot as _snapshot
from serving.snapshot import NotPublished, current_version, is_published, serving_path  # noqa: F401 (re-exported)

CACHE_TTL_SECONDS = 300

NOT_PUBLISHED_MESSAGE = (
    "数据尚未发布：还没有可供看板读取的数据文件（{path}）。"
    "请先运行数据管道（加载导出文件、dbt 构建并发布）。"
)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _cached_query(path: str, mtime_ns: int, sql: str, params: tuple) -> pd.DataFrame:
    # mtime_ns is part of the cache key: a legacy artefact replaced in place changes its mtime
    return _snapshot.run_query(path, mtime_ns, sql, params)


_snapshot.set_runner(_cached_query)

pin_snapshot = _snapshot.pin
snapshot = _snapshot.pinned
query = _snapshot.query
