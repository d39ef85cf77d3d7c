"""Where things live. Read from the environment at call time, never at import time."""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    landing: Path  # export batches arrive here (simulated or real)
    warehouse: Path  # the DuckDB file the pipeline writes (one writer at a time)
    serving: Path  # the published artefact the dashboard reads

    @property
    def data_dir(self) -> Path:
        return self.warehouse.parent


def paths() -> Paths:
    data = Path(os.environ.get("SSSG_DATA_DIR", REPO_ROOT / "data"))
    return Paths(
        landing=Path(os.environ.get("SSSG_LANDING_DIR", data / "landing")),
        warehouse=Path(os.environ.get("SSSG_WAREHOUSE_PATH", data / "warehouse.duckdb")),
        serving=Path(os.environ.get("SSSG_SERVING_PATH", data / "serving" / "warehouse.duckdb")),
    )


def dagster_home() -> Path:
    """The Dagster instance's folder (DAGSTER_HOME; the Makefile's default is <data dir>/dagster_home)."""
    value = os.environ.get("DAGSTER_HOME")
    return Path(value) if value else paths().data_dir / "dagster_home"


def backup_dir() -> Path:
    """Where backups go (SSSG_BACKUP_DIR, default <data dir>/backups): pipelines/backup.py."""
    value = os.environ.get("SSSG_BACKUP_DIR")
    return Path(value) if value else paths().data_dir / "backups"


def _count(name: str, default: int) -> int:
    """A retention count from the environment: a whole number of at least 1 (the newest is never removed)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name}={value!r}: must be a whole number of at least 1") from None
    if number < 1:
        raise ValueError(f"{name}={value!r}: must be at least 1 (the newest is always kept)")
    return number


def backup_keep() -> int:
    """How many backups to keep (SSSG_BACKUP_KEEP, default 7: a week of daily backups)."""
    return _count("SSSG_BACKUP_KEEP", 7)


def serving_versions_keep() -> int:
    """How many published serving versions to keep at least (SSSG_SERVING_VERSIONS_KEEP, default 3)."""
    return _count("SSSG_SERVING_VERSIONS_KEEP", 3)


def report_versions_keep() -> int:
    """How many versions of each report period to keep (SSSG_REPORT_VERSIONS_KEEP, default 3)."""
    return _count("SSSG_REPORT_VERSIONS_KEEP", 3)


def raw_parquet_dir() -> Path | None:
    """Where the ingest also writes raw tables as monthly Parquet for Spark (SSSG_RAW_PARQUET_DIR); unset = not written."""
    value = os.environ.get("SSSG_RAW_PARQUET_DIR")
    return Path(value) if value else None


def subprocess_env() -> dict[str, str]:
    """The resolved paths as SSSG_* variables, for child processes (dbt reads SSSG_WAREHOUSE_PATH)."""
    where = paths()
    return {"SSSG_LANDING_DIR": str(where.landing), "SSSG_WAREHOUSE_PATH": str(where.warehouse),
            "SSSG_SERVING_PATH": str(where.serving)}


def dbt_executable() -> str:
    """The dbt beside this interpreter (the project's venv), whether or not the venv is activated."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else shutil.which("dbt") or "dbt"
