"""What the landing folder holds, as one digest, and the digest of what the last refresh loaded.

The landing sensor starts a refresh when the folder's digest differs both from what it last asked
for (its cursor) and from what a refresh last loaded: a build started by hand (`make pipeline`, the
first build of `make run`) then does not make the sensor load the same files a second time.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from pipelines.ingest.discover import discover

LOADED_NAME = "landing-loaded.sha256"  # beside the warehouse


def landing_fingerprint(landing: Path) -> str:
    """A digest of every landing file's name, size and mtime: cheap, and it never opens the warehouse."""
    digest = hashlib.sha256()
    for f in discover(landing):
        stat = f.path.lstat()
        digest.update(f"{f.batch_id}/{f.file_name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def record_loaded(warehouse: Path, fingerprint: str) -> None:
    """After an ingest: the landing folder as it was when the ingest began has been loaded."""
    target = warehouse.parent / LOADED_NAME
    temporary = target.with_name(f".{LOADED_NAME}.tmp")
    temporary.write_text(fingerprint + "\n", encoding="utf-8")
    temporary.replace(target)


def loaded_fingerprint(warehouse: Path) -> str | None:
    try:
        return (warehouse.parent / LOADED_NAME).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None
