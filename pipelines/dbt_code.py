"""Which dbt code built the warehouse: a release that changes it makes the next build a full refresh.

Four staging models are incremental (dbt_project/macros/incremental_staging.sql): a build recomputes
only the keys a new load touched. A release that changes what they compute (their SQL, a macro they
use, a setting of dbt_project.yml) would leave every other key as the old code computed it, and the
figures on the dashboard would mix two versions of a rule, with no error. So the code's fingerprint
is stored in the warehouse after every successful build, and a build whose code differs (or a
warehouse that has none: the first build, a warehouse from before this check) runs with
`--full-refresh`. Stored inside the warehouse, it travels with a backup and its restore.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

TABLE = "main.sssg_dbt_code"
# what the models compute: their SQL and YAML (configs), the macros, the project settings and vars.
# Not the seeds: they are reloaded in full on every build, and the incremental models do not read them.
CODE_PARTS = ("dbt_project.yml", "models", "macros")


def code_fingerprint(project_dir: Path) -> str:
    """sha256 over the relative path and bytes of every file of CODE_PARTS, in path order."""
    digest = hashlib.sha256()
    files = []
    for part in CODE_PARTS:
        path = project_dir / part
        files += [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for path in sorted(files, key=lambda p: p.relative_to(project_dir).as_posix()):
        digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def stored_fingerprint(warehouse: Path) -> str | None:
    """The fingerprint of the code of the warehouse's last successful build; None when it has none."""
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                           "AND table_name = 'sssg_dbt_code'").fetchone()[0]:
            return None
        row = con.execute(f"SELECT fingerprint FROM {TABLE}").fetchone()
    return row[0] if row else None


def needs_full_refresh(warehouse: Path, fingerprint: str) -> bool:
    """Whether code of this fingerprint did not build the warehouse."""
    return stored_fingerprint(warehouse) != fingerprint


def record_build(warehouse: Path, fingerprint: str) -> None:
    """After a successful build: the fingerprint of the code that built the warehouse, as taken before the
    build (a release unpacked while it ran must not be recorded as built)."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (fingerprint VARCHAR NOT NULL, built_at TIMESTAMPTZ NOT NULL)")
        con.execute("BEGIN")
        con.execute(f"DELETE FROM {TABLE}")
        con.execute(f"INSERT INTO {TABLE} VALUES (?, now())", [fingerprint])
        con.execute("COMMIT")
