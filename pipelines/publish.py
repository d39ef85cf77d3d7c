"""Publishing the serving artefact the dashboard reads.

The dashboard never opens the warehouse (DuckDB: one writer OR readers). After a successful build
the marts are copied into a new, never again modified file `<serving>.versions/<stamp>.duckdb`,
checkpointed and closed; then the serving path, a symbolic link, is atomically re-pointed at it.
A reader resolves the link once per page and reads that one file for all its queries, so it sees one
publish whole, never mart A from one run beside mart B from the next; a reader that is mid-page when
a publish lands finishes on the file it started with, which is kept for a grace period.
A publish killed half-way leaves only a temporary file (removed by the next publish); the link
still points at the last good publish.
"""
from __future__ import annotations

import logging
import os
import time
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.settings import serving_versions_keep

log = logging.getLogger(__name__)

PUBLISHED_SCHEMAS = ("marts",)
PUBLISH_LOG_COLUMNS = ("published_at TIMESTAMP, run_id VARCHAR, warehouse_batches BIGINT, latest_batch_date DATE, "
                       "tables BIGINT, as_of_date DATE")
KEEP_VERSIONS = 3  # the default of SSSG_SERVING_VERSIONS_KEEP: the current publish and two before it are always kept
GRACE_SECONDS = 600  # an older version is removed only this long after it was superseded
TMP_SUFFIX = ".tmp"


def versions_dir(serving: Path) -> Path:
    return serving.with_name(serving.name + ".versions")


def publish(warehouse: Path, serving: Path, run_id: str) -> dict:
    """Copy the published schemas of `warehouse` into a new version file and point `serving` at it."""
    versions = versions_dir(serving)
    versions.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(versions)
    published_at = datetime.now().replace(microsecond=0)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    target = versions / f"{stamp}-{run_id[:12]}.duckdb"
    tmp = versions / f".{target.name}.{os.getpid()}{TMP_SUFFIX}"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute("ATTACH ? AS srv (READ_WRITE)", [str(tmp)])
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() AND table_schema IN (SELECT unnest(?)) "
            "AND table_type = 'BASE TABLE' ORDER BY ALL",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        if not tables:
            raise RuntimeError(f"nothing to publish: no tables in schemas {PUBLISHED_SCHEMAS} of {warehouse}")
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS srv.{schema}")
        for schema, table in tables:
            con.execute(f'CREATE TABLE srv.{schema}."{table}" AS SELECT * FROM {schema}."{table}"')
        batches, latest = con.execute("SELECT count(DISTINCT batch_id), max(batch_date) FROM raw.load_log").fetchone()
        # the as-of date every status of this build was judged on (dbt's int_as_of_date, via dim_settings)
        as_of = (con.execute("SELECT max(as_of_date) FROM marts.dim_settings").fetchone()[0]
                 if ("marts", "dim_settings") in tables else None)
        con.execute("CREATE SCHEMA srv.meta")
        con.execute(f"CREATE TABLE srv.meta.publish_log ({PUBLISH_LOG_COLUMNS})")
        if serving.exists():  # keep the publish history
            con.execute("ATTACH ? AS previous (READ_ONLY)", [str(serving.resolve())])
            try:
                # by position: a log from an older release has the first columns only (the newer are NULL)
                width = con.execute("SELECT count(*) FROM information_schema.columns WHERE table_catalog = "
                                    "'previous' AND table_schema = 'meta' AND table_name = 'publish_log'").fetchone()[0]
                names = [c.split()[0] for c in PUBLISH_LOG_COLUMNS.split(", ")][:width]
                con.execute(f"INSERT INTO srv.meta.publish_log ({', '.join(names)}) "
                            "SELECT * FROM previous.meta.publish_log")
            except duckdb.CatalogException:
                pass  # an artefact from before the publish log existed
            con.execute("DETACH previous")
        con.execute("INSERT INTO srv.meta.publish_log VALUES (?, ?, ?, ?, ?, ?)",
                    [published_at, run_id, batches, latest, len(tables), as_of])
        con.execute("CHECKPOINT srv")
        con.execute("DETACH srv")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    _fsync(tmp)
    os.replace(tmp, target)
    point_at(serving, target)
    pruned = prune_versions(serving)
    log.info("published %s tables as %s (removed %d old versions)", len(tables), target.name, len(pruned))
    return {"published_at": published_at.isoformat(), "tables": len(tables), "batches": batches,
            "latest_batch_date": latest.isoformat() if latest else None,
            "as_of_date": as_of.isoformat() if as_of else None, "version": target.name}


def point_at(serving: Path, target: Path) -> None:
    """Atomically make `serving` a relative symbolic link to `target` (rename over the old link)."""
    link = serving.with_name(f".{serving.name}.{os.getpid()}.link")
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, serving.parent), link)
    os.replace(link, serving)
    fsync_dir(serving.parent)


def current_version(serving: Path) -> Path | None:
    try:
        return serving.resolve(strict=True)
    except FileNotFoundError:
        return None


def prune_versions(serving: Path, now: float | None = None, keep: int | None = None) -> list[Path]:
    """Remove versions beyond the newest `keep` (SSSG_SERVING_VERSIONS_KEEP, default KEEP_VERSIONS) that were
    superseded over GRACE_SECONDS ago (a reader may still be on one); never the one the link points at."""
    now = time.time() if now is None else now
    keep = max(1, serving_versions_keep() if keep is None else keep)
    current = current_version(serving)
    files = sorted(versions_dir(serving).glob("*.duckdb"), key=lambda p: p.name, reverse=True)
    created = [p.stat().st_mtime for p in files]
    removed = []
    for i in range(keep, len(files)):
        older, superseded_at = files[i], created[i - 1]  # the next newer version replaced it
        if older != current and now - superseded_at > GRACE_SECONDS:
            older.unlink(missing_ok=True)
            older.with_name(older.name + ".wal").unlink(missing_ok=True)
            removed.append(older)
    return removed


def remove_stale_temporaries(versions: Path) -> None:
    """Temporary files of publishes that died (kill -9, power loss): their writer is gone."""
    for tmp in versions.glob(f".*{TMP_SUFFIX}"):
        pid = tmp.name.removesuffix(TMP_SUFFIX).rsplit(".", 1)[-1]
        if not (pid.isdigit() and process_alive(int(pid))):
            log.warning("removing the temporary file of an interrupted publish: %s", tmp.name)
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether process `pid` of this machine still runs (this one always does)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
