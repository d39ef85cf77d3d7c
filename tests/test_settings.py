"""Where things live (pipelines/settings.py): the data folder is SSSG_DATA_DIR, whatever the warehouse path.
`make` exports every derived path, so a folder set on its own must still hold the reports, backups and
access log, and nothing must follow the warehouse into another folder (it did, and tests wrote the
checkout's reports)."""
from __future__ import annotations

from pipelines import settings


def test_the_data_folder_is_sssg_data_dir_not_the_warehouses_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SSSG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SSSG_WAREHOUSE_PATH", str(tmp_path / "elsewhere" / "warehouse.duckdb"))
    for name in ("SSSG_BACKUP_DIR", "DAGSTER_HOME"):
        monkeypatch.delenv(name, raising=False)
    where = settings.paths()
    assert where.data_dir == tmp_path / "data"
    assert where.warehouse == tmp_path / "elsewhere" / "warehouse.duckdb"
    assert settings.backup_dir() == tmp_path / "data" / "backups"
    assert settings.dagster_home() == tmp_path / "data" / "dagster_home"
    from pipelines.reports import store

    assert store.reports_root() == tmp_path / "data" / "reports"


def test_the_tests_never_reach_the_checkouts_data_folder():
    assert not settings.paths().data_dir.resolve().is_relative_to(settings.REPO_ROOT.resolve())
