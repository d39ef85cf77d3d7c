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
