"""Where reports live: <data dir>/reports/<kind>/<period>/ with manifest.json.

Each generation is written completely into versions/<period>/<stamp>/ (files, then manifest.json),
and <kind>/<period> is a symlink that is swapped onto it with os.replace: readers see the old report
or the new one, never a mix. Earlier versions stay under <kind>/versions/<period>/, the newest
SSSG_REPORT_VERSIONS_KEEP (default 3) of each period.

    list_reports() -> [{"kind", "period", "generated_at", "batch", "files": [{"name", "path", ...}], ...}]
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

from pipelines.settings import paths, report_versions_keep

MANIFEST = "manifest.json"


def reports_root() -> Path:
    return paths().data_dir / "reports"


def save(kind: str, period: str, files: dict[str, bytes], manifest: dict, root: Path | None = None) -> Path:
    """Write a report atomically; returns the report folder (<root>/<kind>/<period>)."""
    root = Path(root or reports_root())
    kind_dir = root / kind
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    vdir = kind_dir / "versions" / period
    vdir.mkdir(parents=True, exist_ok=True)
    tmp = vdir / f".{stamp}.{os.getpid()}.tmp"
    tmp.mkdir()
    entries = []
    for name, data in files.items():
        (tmp / name).write_bytes(data)
        entries.append({"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    man = {**manifest, "kind": kind, "period": period, "version": stamp, "files": entries}
    (tmp / MANIFEST).write_text(json.dumps(man, ensure_ascii=False, indent=2), encoding="utf-8")
    final = vdir / stamp
    os.replace(tmp, final)
    link = kind_dir / period
    if link.exists() and not link.is_symlink():  # a plain folder from elsewhere: keep it as a version
        os.replace(link, vdir / f"{stamp}-previous")
    tmp_link = kind_dir / f".{period}.{os.getpid()}.link"
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(Path("versions") / period / stamp)
    os.replace(tmp_link, link)
    prune(kind, period, root=root)  # older versions beyond SSSG_REPORT_VERSIONS_KEEP
    return link


def read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def get_report(kind: str, period: str, root: Path | None = None) -> dict | None:
    folder = Path(root or reports_root()) / kind / period
    man = read_manifest(folder)
    if man is None:
        return None
    real = folder.resolve()
    for f in man["files"]:
        f["path"] = str(real / f["name"])
    man["folder"] = str(real)
    man["previous_versions"] = [v["version"] for v in versions(kind, period, root) if v["version"] != man["version"]]
    return man


def versions(kind: str, period: str, root: Path | None = None) -> list[dict]:
    """Every stored version of a report, newest first (the current one included)."""
    vdir = Path(root or reports_root()) / kind / "versions" / period
    out = []
    if vdir.is_dir():
        for d in sorted(vdir.iterdir(), reverse=True):
            if d.name.startswith("."):
                continue
            man = read_manifest(d)
            if man:
                man.setdefault("version", d.name)
                man["folder"] = str(d)
                out.append(man)
    return out


def list_reports(kind: str | None = None, root: Path | None = None) -> list[dict]:
    """The current version of every report, newest period first within each kind."""
    root = Path(root or reports_root())
    out = []
    for k in ([kind] if kind else sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []):
        kdir = root / k
        if not kdir.is_dir():
            continue
        for entry in sorted(kdir.iterdir(), key=lambda p: p.name, reverse=True):
            if entry.name.startswith(".") or entry.name == "versions":
                continue
            man = get_report(k, entry.name, root)
            if man:
                out.append(man)
    return out


def prune(kind: str, period: str, keep: int | None = None, root: Path | None = None) -> list[Path]:
    """Drop all but the newest `keep` versions of a period (SSSG_REPORT_VERSIONS_KEEP, default 3); never
    the newest, never the one <kind>/<period> points at. Returns the folders removed."""
    keep = max(1, report_versions_keep() if keep is None else keep)
    root = Path(root or reports_root())
    try:
        current = (root / kind / period).resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        current = None
    removed = []
    for v in versions(kind, period, root)[keep:]:
        folder = Path(v["folder"])
        if folder.resolve() != current:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def prune_all(keep: int | None = None, root: Path | None = None) -> list[Path]:
    """prune() for every period of every kind (the backup job runs it: a lowered setting takes effect)."""
    root = Path(root or reports_root())
    removed = []
    for vdir in sorted(root.glob("*/versions/*")):
        if vdir.is_dir() and not vdir.name.startswith("."):
            removed += prune(vdir.parent.parent.name, vdir.name, keep, root)
    return removed
