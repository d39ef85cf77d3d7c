"""dagster-dbt gives every dbt invocation a target folder of its own (`target/sssg_dbt_assets-<run>-<hash>`,
about 33 MB at scale 1, with the compiled SQL and run results of that run). Nothing removed them: an
operated system that refreshes monthly, and a developer's checkout, grew by gigabytes. After each
build the newest `KEEP` are kept (the current run's among them: its results are read after the build)."""
from __future__ import annotations

import shutil
from pathlib import Path

PREFIX = "sssg_dbt_assets-"
KEEP = 5


def prune_run_folders(target_root: Path, current: Path | None = None, keep: int = KEEP) -> list[Path]:
    """Remove all but the `keep` newest run folders under `target_root` (never `current`); the removed."""
    folders = sorted((p for p in target_root.glob(f"{PREFIX}*") if p.is_dir()),
                     key=lambda p: p.stat().st_mtime_ns, reverse=True)
    removed = []
    for folder in folders[keep:]:
        if current is not None and folder.resolve() == current.resolve():
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
