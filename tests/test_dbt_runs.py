"""dbt's per-run target folders are pruned after each build: the newest five and the current one stay."""
from __future__ import annotations

import os

from pipelines.dbt_runs import KEEP, prune_run_folders


def test_the_newest_folders_and_the_current_one_stay(tmp_path):
    folders = []
    for n in range(KEEP + 4):
        folder = tmp_path / f"sssg_dbt_assets-{n:07d}-abcdef0"
        folder.mkdir()
        (folder / "run_results.json").write_text("{}")
        os.utime(folder, ns=(n * 10**9, n * 10**9))
        folders.append(folder)
    (tmp_path / "manifest.json").write_text("{}")  # dbt's own files are not run folders
    (tmp_path / "compiled").mkdir()
    current = folders[0]  # the oldest by time, but the run that is reading its results
    removed = prune_run_folders(tmp_path, current=current)
    assert sorted(removed) == sorted(folders[1:4])
    assert {p.name for p in tmp_path.iterdir()} == (
        {f.name for f in folders[4:]} | {current.name, "manifest.json", "compiled"})
