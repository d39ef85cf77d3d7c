"""Backups of the warehouse and the Dagster instance, their restore, and the retention of old versions.

A backup is one folder `<SSSG_BACKUP_DIR>/sssg-backup-<yyyymmddTHHMMSS+0800>/` (Asia/Shanghai time):

    warehouse/      DuckDB `EXPORT DATABASE ... (FORMAT parquet, COMPRESSION zstd)` of the warehouse:
                    schema.sql, load.sql and one Parquet file per table
    dagster_home/   dagster.yaml and every SQLite database of $DAGSTER_HOME (run history, event logs,
                    schedule and sensor state), each copied with SQLite's online backup API
    manifest.json   what, when, per table its rows and a content hash, per file its size and sha256

It is written under a hidden temporary name and renamed when complete (manifest last), so a backup that
died half-way is never listed and never restored; the next backup removes it. The newest
SSSG_BACKUP_KEEP (default 7) are kept.

Why an export and not a copy of the file (measured at scale 1, docs/operations.md): the Parquet export
is a third of the size, reads every row (a damaged block fails the backup instead of being copied),
and can be read by any DuckDB version and by other tools, while a DuckDB 2.0 file cannot be opened by
an older DuckDB. It takes about 2 s instead of a file copy's 0.1 s, at 02:30.

Consistency: the warehouse has one writer at a time. The backup takes the refresh run lock
(pipelines/run_lock.py) like a refresh step, so no refresh starts while it reads, and reads through
one read-only connection, which DuckDB refuses to open while any writer holds the file and which keeps
writers out while open: the export, the row counts and the hashes all see one state. Readers (the
dashboard reads the serving file, `make check` reads the warehouse read-only) are not disturbed.

Restore (`make restore BACKUP=<folder>`) checks the manifest and every file's sha256, imports into a
new file in a temporary folder beside the warehouse, compares every table's rows and content hash with
the manifest, and only then swaps it in with one rename; the replaced warehouse is kept as
`<name>.before-restore-<stamp>`. Anything wrong: a clear message, and the current warehouse untouched.

    python -m pipelines.backup create | restore BACKUP [--to PATH] [--dagster] | list | prune
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from pipelines import publish, run_lock
from pipelines.locks import is_lock_error, wait_seconds
from pipelines.reports import store
from pipelines.settings import backup_dir, backup_keep, dagster_home, paths, report_versions_keep, \
    serving_versions_keep

log = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Shanghai")
FORMAT = "sssg-backup"
FORMAT_VERSION = 1
PREFIX = "sssg-backup-"
MANIFEST = "manifest.json"
WAREHOUSE_DIR = "warehouse"
DAGSTER_DIR = "dagster_home"
EXPORT_OPTIONS = "FORMAT parquet, COMPRESSION zstd"
NAME_RE = re.compile(r"^sssg-backup-(\d{8}T\d{6}[+-]\d{4})(?:-(\d+))?$")
SQLITE_MAGIC = b"SQLite format 3\x00"
TMP_SUFFIX = ".tmp"


class BackupError(RuntimeError):
    """A backup could not be made (nothing was listed or changed)."""


class BackupInvalid(RuntimeError):
    """The folder given is not a complete, intact backup: nothing was restored."""


class RestoreFailed(RuntimeError):
    """The restored copy did not check out: the current warehouse was left as it was."""


# --- making a backup ------------------------------------------------------------------------------

def create(warehouse: Path | None = None, dest: Path | None = None, home: Path | None = None,
           keep: int | None = None, *, run_id: str | None = None,
           is_running: Callable[[str], bool | None] | None = None, wait: float = 0.0,
           include_dagster: bool = True, made_by: str = "cli") -> Path:
    """Back up the warehouse (and the Dagster instance) into a new folder under `dest`; keep the newest
    `keep`. Holds the refresh run lock while it reads the warehouse (waits up to `wait` seconds for a
    running refresh, then raises run_lock.RunInProgress naming it). Returns the backup folder."""
    warehouse = Path(warehouse or paths().warehouse)
    dest = Path(dest or backup_dir())
    home = Path(home or dagster_home())
    keep = backup_keep() if keep is None else max(1, keep)
    if not warehouse.is_file():
        raise BackupError(f"没有数据仓库文件 {warehouse}：没有可备份的内容")
    started = time.monotonic()
    now = datetime.now(TZ)
    dest.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(dest)
    name = _free_name(dest, now)
    tmp = dest / f".{name}.{os.getpid()}{TMP_SUFFIX}"
    tmp.mkdir()
    run_id = run_id or f"backup-{now:%Y%m%dT%H%M%S}-{os.getpid()}"
    try:
        _take_run_lock(warehouse, run_id, is_running or (lambda _run: None), wait, "备份")
        try:
            wh = export_warehouse(warehouse, tmp / WAREHOUSE_DIR)
        finally:
            run_lock.release(warehouse, run_id)
        dg = copy_dagster_home(home, tmp / DAGSTER_DIR) if include_dagster else None
        files = _file_entries(tmp)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "name": name,
            "created_at": now.isoformat(timespec="seconds"), "timezone": "Asia/Shanghai",
            "made_by": made_by, "host": socket.gethostname(), "duckdb_version": duckdb.__version__,
            "warehouse": wh, "dagster_home": dg, "files": files,
            "total_bytes": sum(f["bytes"] for f in files),
            "seconds": round(time.monotonic() - started, 2),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _fsync_tree(tmp)
        final = dest / name
        os.rename(tmp, final)
        publish.fsync_dir(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    removed = prune_backups(dest, keep)
    log.info("backup %s: %d tables, %d rows, %.1f MB in %.1f s (removed %d old backups)", final,
             len(wh["tables"]), sum(t["rows"] for t in wh["tables"]), manifest["total_bytes"] / 1e6,
             manifest["seconds"], len(removed))
    return final


def _take_run_lock(warehouse: Path, run_id: str, is_running: Callable[[str], bool | None], wait: float,
                   action: str) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            run_lock.acquire(warehouse, run_id, is_running)
            return
        except run_lock.RunInProgress as exc:
            current = run_lock.holder(warehouse) or {}
            if time.monotonic() >= deadline:
                raise run_lock.RunInProgress(
                    f"运行 {current.get('run_id', '?')}（{current.get('started_at', '?')} 开始，进程 "
                    f"{current.get('pid', '?')}）正在使用数据仓库，{action}没有进行"
                    + (f"（已等待 {wait:.0f} 秒）" if wait else "")
                    + f"；请等它结束后再{action}（运行状态见 Dagster 界面或 make check）") from exc
            log.warning("run %s holds the warehouse; the %s waits", current.get("run_id"), action)
            time.sleep(min(1.0, max(0.1, deadline - time.monotonic())))


def _connect_read_only(warehouse: Path, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection; while another process writes the file, wait a little, then refuse naming it."""
    wait = wait_seconds() if wait is None else wait
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(str(warehouse), read_only=True)
        except duckdb.IOException as exc:
            if not is_lock_error(exc) or time.monotonic() >= deadline:
                raise BackupError(f"无法只读打开数据仓库 {warehouse}（另一个进程正在写它？）：{exc}") from exc
            time.sleep(0.5)


def table_fingerprints(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> list[dict]:
    """Every base table of the database: schema, name, rows, and an order-independent hash of its rows."""
    catalog = catalog or con.execute("SELECT current_database()").fetchone()[0]
    tables = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_catalog = ? AND table_type = 'BASE TABLE' ORDER BY ALL", [catalog]).fetchall()
    out = []
    for schema, table in tables:
        rows, digest = con.execute(
            f"SELECT count(*), coalesce(sum(hash(*COLUMNS(*))), 0)::VARCHAR FROM {_qualified(catalog, schema, table)}"
        ).fetchone()
        out.append({"schema": schema, "table": table, "rows": rows, "content_hash": digest})
    return out


def export_warehouse(warehouse: Path, out: Path) -> dict:
    """EXPORT DATABASE through one read-only connection; the tables' rows and hashes from the same one."""
    started = time.monotonic()
    con = _connect_read_only(warehouse)
    try:
        con.execute("SET enable_progress_bar = false")  # no bar in the run's log
        tables = table_fingerprints(con)
        con.execute(f"EXPORT DATABASE '{_sql_str(out)}' ({EXPORT_OPTIONS})")
    except duckdb.Error as exc:
        raise BackupError(f"导出数据仓库失败，没有生成备份：{exc}") from exc
    finally:
        con.close()
    return {"source": str(warehouse), "source_bytes": warehouse.stat().st_size,
            "method": f"EXPORT DATABASE ({EXPORT_OPTIONS})", "folder": WAREHOUSE_DIR, "tables": tables,
            "seconds": round(time.monotonic() - started, 2)}


def copy_dagster_home(home: Path, out: Path) -> dict | None:
    """dagster.yaml and every SQLite database under DAGSTER_HOME (online backup API: a consistent copy
    even while the daemon writes). Compute logs (storage/) and the telemetry id are left out."""
    if not home.is_dir():
        log.warning("no Dagster home at %s: not backed up", home)
        return None
    out.mkdir(parents=True)
    copied = []
    for src in sorted(home.rglob("*")):
        rel = src.relative_to(home)
        if src.is_symlink() or not src.is_file() or rel.parts[0] in ("storage", ".telemetry"):
            continue
        if rel == Path("dagster.yaml"):
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, out / rel)
            copied.append(str(rel))
        elif _is_sqlite(src):
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            _sqlite_backup(src, out / rel)
            copied.append(str(rel))
    return {"source": str(home), "folder": DAGSTER_DIR, "files": copied}


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def _sqlite_backup(src: Path, dst: Path) -> None:
    source = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(dst)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _file_entries(folder: Path) -> list[dict]:
    return [{"path": p.relative_to(folder).as_posix(), "bytes": p.stat().st_size, "sha256": sha256(p)}
            for p in sorted(folder.rglob("*")) if p.is_file()]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _free_name(dest: Path, now: datetime) -> str:
    """sssg-backup-<time>, or with -2, -3, ... after the highest of that second (the newest name sorts last,
    even when older ones of the same second were pruned)."""
    base = f"{PREFIX}{now:%Y%m%dT%H%M%S%z}"
    taken = [_sort_key(Path(p.name.lstrip(".").split(".", 1)[0] if p.name.startswith(".") else p.name))
             for p in dest.glob(f"*{base}*")]
    taken = [n for stamp, n in taken if stamp == base.removeprefix(PREFIX)]
    return f"{base}-{max(taken) + 1}" if taken else base


# --- listing and retention ------------------------------------------------------------------------

@dataclass(frozen=True)
class Backup:
    path: Path
    created_at: str
    total_bytes: int
    tables: int
    rows: int


def _sort_key(path: Path) -> tuple:
    match = NAME_RE.match(path.name)
    return (match.group(1), int(match.group(2) or 1)) if match else ("", 0)


def list_backups(dest: Path | None = None) -> list[Backup]:
    """The complete backups under `dest`, oldest first (half-written ones are hidden, never listed)."""
    dest = Path(dest or backup_dir())
    out = []
    for folder in sorted((p for p in dest.glob(f"{PREFIX}*") if NAME_RE.match(p.name)), key=_sort_key):
        man = read_manifest(folder)
        if man is None or man.get("format") != FORMAT:
            continue
        tables = (man.get("warehouse") or {}).get("tables") or []
        out.append(Backup(folder, man.get("created_at", "?"), man.get("total_bytes", 0), len(tables),
                          sum(t.get("rows", 0) for t in tables)))
    return out


def prune_backups(dest: Path | None = None, keep: int | None = None) -> list[Path]:
    """Remove complete backups beyond the newest `keep` (SSSG_BACKUP_KEEP, default 7); never the newest."""
    keep = max(1, backup_keep() if keep is None else keep)
    removed = []
    for b in list_backups(dest)[:-keep]:
        shutil.rmtree(b.path)
        removed.append(b.path)
    return removed


def remove_stale_temporaries(dest: Path) -> None:
    """Temporary folders of backups that died (killed, disk full): their process is gone."""
    for tmp in dest.glob(f".{PREFIX}*{TMP_SUFFIX}"):
        pid = tmp.name.removesuffix(TMP_SUFFIX).rsplit(".", 1)[-1]
        if not (pid.isdigit() and publish.process_alive(int(pid))):
            log.warning("removing the temporary folder of an interrupted backup: %s", tmp.name)
            shutil.rmtree(tmp, ignore_errors=True)


def apply_retention(dest: Path | None = None) -> dict[str, list[Path]]:
    """Every retention rule at once: old backups, old serving versions, old report versions."""
    return {"backups": prune_backups(dest),
            "serving versions": publish.prune_versions(paths().serving, keep=serving_versions_keep()),
            "report versions": store.prune_all(keep=report_versions_keep())}


# --- restoring ------------------------------------------------------------------------------------

def verify(backup: Path) -> dict:
    """The manifest of a complete, intact backup, or BackupInvalid saying what is wrong."""
    backup = Path(backup)
    if not backup.exists():
        raise BackupInvalid(f"备份 {backup} 不存在")
    if not backup.is_dir():
        raise BackupInvalid(f"{backup} 不是备份文件夹（应为 {PREFIX}<时间> 文件夹）")
    man = read_manifest(backup)
    if man is None:
        raise BackupInvalid(f"{backup} 不是备份：没有可读的 {MANIFEST}（备份未完成，或不是 make backup 生成的文件夹）")
    if man.get("format") != FORMAT or not isinstance(man.get("files"), list) \
            or not isinstance((man.get("warehouse") or {}).get("tables"), list):
        raise BackupInvalid(f"{backup} 不是备份：{MANIFEST} 不是 {FORMAT} 格式")
    if man.get("format_version", 0) > FORMAT_VERSION:
        raise BackupInvalid(f"{backup} 是较新版本的备份格式（{man.get('format_version')}），本程序只认识 {FORMAT_VERSION}")
    root = backup.resolve()
    problems = []
    if not all(isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("bytes"), int)
               and isinstance(e.get("sha256"), str) for e in man["files"]):
        raise BackupInvalid(f"{backup} 不是备份：{MANIFEST} 的文件清单格式不对")
    for entry in man["files"]:
        path = (root / entry["path"]).resolve()
        if root not in path.parents:
            problems.append(f"{entry['path']}：路径在备份文件夹之外")
        elif not path.is_file():
            problems.append(f"{entry['path']}：文件缺失")
        elif path.stat().st_size != entry["bytes"]:
            problems.append(f"{entry['path']}：大小 {path.stat().st_size} 字节，清单记为 {entry['bytes']}")
        elif sha256(path) != entry["sha256"]:
            problems.append(f"{entry['path']}：sha256 与清单不符（文件已损坏或被改动）")
    listed = {e["path"] for e in man["files"]}
    for path in (root / man["warehouse"].get("folder", WAREHOUSE_DIR)).rglob("*"):
        if path.is_file() and path.relative_to(root).as_posix() not in listed:
            problems.append(f"{path.relative_to(root).as_posix()}：清单中没有这个文件")
    if problems:
        raise BackupInvalid(f"备份 {backup} 未通过校验，没有恢复任何内容：" + "；".join(problems[:10])
                            + (f"；另有 {len(problems) - 10} 个问题" if len(problems) > 10 else ""))
    return man


def restore(backup: Path, target: Path | None = None, *, dagster: bool = False, home: Path | None = None,
            wait: float = 0.0) -> dict:
    """Bring back the warehouse of `backup` at `target` (default: the configured warehouse), and with
    `dagster` the Dagster instance. The current warehouse is replaced only by a restored copy whose every
    table matches the manifest; it is kept as `<name>.before-restore-<stamp>`. Returns a summary."""
    started = time.monotonic()
    man = verify(backup)
    backup = Path(backup)
    if dagster and not man.get("dagster_home"):
        raise BackupInvalid(f"备份 {backup} 不含 Dagster 实例（备份时没有 DAGSTER_HOME），没有恢复任何内容；"
                            "不带 --dagster 可只恢复数据仓库")
    configured = paths().warehouse
    target = Path(target or configured)
    stamp = datetime.now(TZ).strftime("%Y%m%dT%H%M%S%z")
    run_id = f"restore-{stamp}-{os.getpid()}"
    in_place = target.exists() or target.resolve() == configured.resolve()
    if in_place:
        _take_run_lock(target, run_id, lambda _run: None, wait, "恢复")
    try:
        if target.exists():
            _refuse_if_open(target)
        work = target.parent / f".{target.name}.restore-{stamp}.{os.getpid()}{TMP_SUFFIX}"
        target.parent.mkdir(parents=True, exist_ok=True)
        work.mkdir()
        try:
            # the same file name: the catalog (and any view naming it) is the same as the original's
            restored = work / target.name
            _import(backup / man["warehouse"].get("folder", WAREHOUSE_DIR), restored)
            _check_restored(restored, man)
            before = None
            if target.exists():
                _refuse_if_open(target)  # again: a writer may have come during the import
                before = target.with_name(f"{target.name}.before-restore-{stamp}")
                _swap_keeping_aside(restored, target, before)
            else:
                os.replace(restored, target)
            publish.fsync_dir(target.parent)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    finally:
        if in_place:
            run_lock.release(target, run_id)
    summary = {"backup": str(backup), "warehouse": str(target), "before_restore": str(before) if before else None,
               "tables": len(man["warehouse"]["tables"]),
               "rows": sum(t["rows"] for t in man["warehouse"]["tables"])}
    if dagster:
        summary["dagster_home"] = restore_dagster_home(backup, man, Path(home or dagster_home()), stamp)
    summary["seconds"] = round(time.monotonic() - started, 2)
    return summary


def _refuse_if_open(target: Path) -> None:
    """No other process may have the warehouse open while it is swapped (a writer would go on writing
    into the replaced file): one exclusive open proves it, then it is closed again."""
    try:
        duckdb.connect(str(target)).close()
    except duckdb.IOException as exc:
        if is_lock_error(exc):
            raise RestoreFailed(f"另一个进程正打开数据仓库 {target}，没有恢复：请先关闭它（make stop，或关闭 duckdb 窗口）。{exc}") \
                from exc
        log.warning("the current warehouse %s does not open (%s): it is replaced and kept aside", target, exc)
    except duckdb.Error as exc:  # damaged: nobody can be writing it
        log.warning("the current warehouse %s does not open (%s): it is replaced and kept aside", target, exc)


def _import(export: Path, restored: Path) -> None:
    con = duckdb.connect(str(restored))
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"IMPORT DATABASE '{_sql_str(export)}'")
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise RestoreFailed(f"导入备份失败，当前数据仓库未改动：{exc}") from exc
    finally:
        con.close()
    if restored.with_name(restored.name + ".wal").exists():
        raise RestoreFailed("导入后的数据仓库仍有未合并的 WAL 文件，当前数据仓库未改动")


def _check_restored(restored: Path, man: dict) -> None:
    """Every table of the manifest, with its rows (and, on the same DuckDB version, its content hash);
    no table more."""
    con = duckdb.connect(str(restored), read_only=True)
    try:
        got = {(t["schema"], t["table"]): t for t in table_fingerprints(con)}
    finally:
        con.close()
    want = {(t["schema"], t["table"]): t for t in man["warehouse"]["tables"]}
    same_engine = man.get("duckdb_version") == duckdb.__version__
    problems = [f"{s}.{t}：缺少这张表" for s, t in sorted(want.keys() - got.keys())]
    problems += [f"{s}.{t}：备份清单中没有这张表" for s, t in sorted(got.keys() - want.keys())]
    for key in sorted(want.keys() & got.keys()):
        w, g = want[key], got[key]
        if w["rows"] != g["rows"]:
            problems.append(f"{key[0]}.{key[1]}：{g['rows']} 行，备份时 {w['rows']} 行")
        elif same_engine and w.get("content_hash") != g["content_hash"]:
            problems.append(f"{key[0]}.{key[1]}：行数相同但内容不同")
    if problems:
        raise RestoreFailed("恢复出的数据仓库与备份清单不一致，当前数据仓库未改动：" + "；".join(problems[:10]))


def _swap_keeping_aside(restored: Path, target: Path, before: Path) -> None:
    """Put `restored` at `target` with one rename; the replaced file stays as `before` (a hard link made
    first: the name `target` never disappears), with its WAL if it has one (never replayed onto the new)."""
    try:
        os.link(target, before)
    except OSError:
        shutil.copy2(target, before)
    wal, before_wal = (p.with_name(p.name + ".wal") for p in (target, before))
    moved = wal.exists()
    if moved:
        os.replace(wal, before_wal)
    try:
        os.replace(restored, target)
    except BaseException:
        if moved:
            os.replace(before_wal, wal)
        raise


def restore_dagster_home(backup: Path, man: dict, home: Path, stamp: str) -> dict:
    """Put the backed-up Dagster instance in place of `home` (stop the Dagster daemon and UI first);
    the replaced one is kept as `<home>.before-restore-<stamp>`."""
    dg = man["dagster_home"]
    work = home.with_name(f".{home.name}.restore-{stamp}.{os.getpid()}{TMP_SUFFIX}")
    shutil.copytree(Path(backup) / dg.get("folder", DAGSTER_DIR), work)
    for rel in dg["files"]:
        if _is_sqlite(work / rel):
            con = sqlite3.connect(work / rel)
            try:
                ok = con.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                con.close()
            if ok != "ok":
                shutil.rmtree(work, ignore_errors=True)
                raise RestoreFailed(f"Dagster 数据库 {rel} 校验失败（{ok}），Dagster 实例未改动（数据仓库已恢复）")
    before = None
    if home.exists():
        before = home.with_name(f"{home.name}.before-restore-{stamp}")
        os.rename(home, before)
    os.rename(work, home)
    return {"home": str(home), "before_restore": str(before) if before else None, "files": len(dg["files"])}


# --- helpers --------------------------------------------------------------------------------------

def read_manifest(folder: Path) -> dict | None:
    try:
        man = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return man if isinstance(man, dict) else None


def _qualified(*parts: str) -> str:
    return ".".join('"' + p.replace('"', '""') + '"' for p in parts)


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    for d in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        publish.fsync_dir(d)


def _human(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.backup", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create", help="back up the warehouse and the Dagster instance")
    c.add_argument("--wait", type=float, default=0.0, help="seconds to wait for a running refresh (default: refuse at once)")
    c.add_argument("--no-dagster", action="store_true", help="the warehouse only")
    r = sub.add_parser("restore", help="bring back the warehouse (and with --dagster the Dagster instance)")
    r.add_argument("backup", nargs="?", help="the backup folder (python -m pipelines.backup list)")
    r.add_argument("--to", type=Path, help="restore to this path instead of the configured warehouse")
    r.add_argument("--dagster", action="store_true", help="also restore $DAGSTER_HOME (stop make run first)")
    r.add_argument("--wait", type=float, default=0.0, help="seconds to wait for a running refresh")
    sub.add_parser("list", help="the complete backups, oldest first")
    sub.add_parser("prune", help="apply the retention settings now (backups, serving and report versions)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        if args.command == "create":
            folder = create(wait=args.wait, include_dagster=not args.no_dagster)
            man = read_manifest(folder)
            print(f"备份完成 backup written: {folder}\n  {len(man['warehouse']['tables'])} 张表，"
                  f"{sum(t['rows'] for t in man['warehouse']['tables']):,} 行，{_human(man['total_bytes'])}，"
                  f"{man['seconds']} 秒；保留最新 {backup_keep()} 个（{backup_dir()}）")
        elif args.command == "restore":
            if not args.backup:
                print("请指定要恢复的备份：make restore BACKUP=<备份文件夹>；现有备份（{}）：".format(backup_dir()),
                      file=sys.stderr)
                for b in list_backups():
                    print(f"  {b.path}", file=sys.stderr)
                return 2
            s = restore(Path(args.backup), args.to, dagster=args.dagster, wait=args.wait)
            print(f"已恢复 restored: {s['warehouse']}（{s['tables']} 张表，{s['rows']:,} 行，与备份逐表核对一致，{s['seconds']} 秒）")
            if s["before_restore"]:
                print(f"  原数据仓库保留为 the replaced warehouse is kept as {s['before_restore']}")
            if s.get("dagster_home"):
                print(f"  Dagster 实例已恢复：{s['dagster_home']['home']}（原实例保留为 {s['dagster_home']['before_restore']}）")
            print("  下一步：make pipeline（载入备份之后到达的导出文件并重新发布看板数据）")
        elif args.command == "list":
            backups = list_backups()
            if not backups:
                print(f"没有备份（{backup_dir()}）")
            for b in backups:
                print(f"{b.path}  {b.created_at}  {b.tables} 张表  {b.rows:,} 行  {_human(b.total_bytes)}")
        elif args.command == "prune":
            for what, removed in apply_retention().items():
                print(f"{what}: removed {len(removed)}" + "".join(f"\n  {p}" for p in removed))
    except (BackupError, BackupInvalid, RestoreFailed, run_lock.RunInProgress, ValueError) as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, BackupInvalid) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
