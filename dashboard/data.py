"""The dashboard's side of the serving read layer (package `serving`): Streamlit's cache for queries,
keyed on the version file, so a new publish shows up without a restart and every page of a run reads
the publish it pinned (`pin_snapshot`, called by the router first). The loaders themselves live in
`serving`, shared with the reports.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import warmup
from serving import scope as _scope
from serving import snapshot as _snapshot
from serving.scope import Scope
from serving.snapshot import NotPublished, current_version, is_published, serving_path  # noqa: F401 (re-exported)

# Entries are keyed on the version file, so they never go stale; they expire only to give memory back,
# not within a day, so a morning's first reader finds yesterday's pages warm (max_entries bounds them).
CACHE_TTL_SECONDS = 24 * 3600
CACHE_MAX_ENTRIES = 1_000

NOT_PUBLISHED_MESSAGE = (
    "数据尚未发布：还没有可供看板读取的数据文件（{path}）。"
    "请先运行数据管道（加载导出文件、dbt 构建并发布）。"
)


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _cached_query(path: str, mtime_ns: int, sql: str, params: tuple, scope: Scope) -> pd.DataFrame:
    # mtime_ns is part of the cache key: a legacy artefact replaced in place changes its mtime; the
    # reader's scope is too: one county's rows are never another reader's cached answer
    return _snapshot.run_query(path, mtime_ns, sql, params, scope, keep=KEEP_CONNECTIONS)


def _reader_query(path: str, mtime_ns: int, sql: str, params: tuple, scope: Scope) -> pd.DataFrame:
    warmup.seen(sql, params, scope)  # what readers ask is what a new publish warms (dashboard.warmup)
    return _cached_query(path, mtime_ns, sql, params, scope)


def serving_readers() -> bool:
    """A Streamlit server with readers (not AppTest, whose runtime is a mock)."""
    from streamlit import runtime

    return runtime.exists() and type(runtime.Runtime.instance()) is runtime.Runtime


# A server keeps a database open per version it reads (serving.scope.connect): version files never
# change. Elsewhere (AppTest in the test process, which may rewrite a file it read) each query opens
# the file alone; the loader benchmark sets this to measure what the server does.
KEEP_CONNECTIONS = serving_readers()
_snapshot.set_runner(_reader_query)
if serving_readers():
    # Until the router has established a run's reader (dashboard.auth), its queries read no rows.
    _scope.set_default(_scope.NOTHING)
    warmup.start(_cached_query)

pin_snapshot = _snapshot.pin
snapshot = _snapshot.pinned
query = _snapshot.query
