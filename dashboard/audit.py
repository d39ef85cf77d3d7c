"""The audit log: who signed in, viewed which page, downloaded which file and regenerated which report,
with the time in Asia/Shanghai and the reader's scope. One SQLite table (the warehouse is the
pipeline's to write and the serving file is immutable), at SSSG_AUDIT_PATH, default
<data dir>/audit/audit.sqlite3; 考核办 reads and exports it on 数据状态. Writing it never stops a page:
a failure is logged to the server log and the reader goes on.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from dashboard.roles import Reader
from pipelines.settings import paths

log = logging.getLogger(__name__)

TIMEZONE = ZoneInfo("Asia/Shanghai")
SIGN_IN, SIGN_OUT, PAGE_VIEW, DOWNLOAD, REGENERATE, DENIED = (
    "sign_in", "sign_out", "page_view", "download", "report_regenerate", "denied")
COLUMNS = ("at", "user_id", "user_name", "role", "scope", "event", "detail")
_SCHEMA = """CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,          -- ISO 8601 with +08:00 (Asia/Shanghai)
    user_id TEXT NOT NULL,     -- the e-mail, else the identity platform's subject
    user_name TEXT,
    role TEXT,
    scope TEXT,                -- city | county:<code> | department:<code>
    event TEXT NOT NULL,
    detail TEXT
)"""
_lock = threading.Lock()


def log_path() -> Path:
    value = os.environ.get("SSSG_AUDIT_PATH", "").strip()
    return Path(value) if value else paths().data_dir / "audit" / "audit.sqlite3"


def _connect() -> sqlite3.Connection:
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10)
    con.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
    con.execute(_SCHEMA)
    return con


def scope_text(reader: Reader | None) -> str:
    if reader is None:
        return ""
    if reader.scope.region:
        return f"county:{reader.scope.region}"
    if reader.scope.dept:
        return f"department:{reader.scope.dept}"
    return "city"


def now() -> str:
    return datetime.now(TIMEZONE).isoformat(timespec="seconds")


def record(event: str, reader: Reader | None, detail: str = "", *, user_id: str = "", user_name: str = "") -> None:
    """Append one event. `reader` None: a user who got no access (user_id names them)."""
    row = (now(), reader.user if reader else user_id, reader.name if reader else user_name,
           reader.role if reader else "", scope_text(reader), event, detail)
    try:
        with _lock:
            con = _connect()
            try:
                with con:
                    con.execute(f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)", row)
            finally:
                con.close()
    except (sqlite3.Error, OSError) as exc:
        log.error("audit log %s: cannot record %s of %s: %s", log_path(), event, row[1], exc)


def has_event(event: str, user_id: str, detail: str) -> bool:
    """Whether this event is already logged (a sign-in seen again by a reloaded page)."""
    if not log_path().exists():
        return False
    try:
        con = _connect()
        try:
            return con.execute("SELECT 1 FROM audit_log WHERE event = ? AND user_id = ? AND detail = ? LIMIT 1",
                               (event, user_id, detail)).fetchone() is not None
        finally:
            con.close()
    except (sqlite3.Error, OSError):
        return False


def read(limit: int = 5_000) -> pd.DataFrame:
    """The newest `limit` events, newest first."""
    if not log_path().exists():
        return pd.DataFrame(columns=list(COLUMNS))
    con = _connect()
    try:
        return pd.read_sql_query(f"SELECT {', '.join(COLUMNS)} FROM audit_log ORDER BY id DESC LIMIT ?", con,
                                 params=(int(limit),))
    finally:
        con.close()


def logged_download(reader: Reader, file_name: str, produce: Callable[[], bytes]) -> Callable[[], bytes]:
    """A download's data callable that records the download when the reader clicks (Streamlit runs
    it then, outside the page's run: the reader is captured here)."""

    def data() -> bytes:
        record(DOWNLOAD, reader, file_name)
        return produce()

    return data
