"""Fixtures shared across test modules."""
from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pytest

E2E_SIMULATION = ["--years", "2020-2021", "--seed", "11", "--scale", "0.05"]


# The longest modules first: under pytest-xdist (scripts/run-pytest.sh) each worker starts on one of them,
# instead of one being handed out last and running alone at the end. Order within a module is kept.
LONGEST_FIRST = ("test_reliability_crash.py", "test_spark_parity.py", "test_operated_system.py")


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


# what `make` exports, derived from its data folder; a test that sets only SSSG_DATA_DIR must get its paths
# from there, not the checkout's warehouse (their defaults follow SSSG_DATA_DIR: pipelines/settings.py)
DERIVED_PATHS = ("SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH", "SSSG_BACKUP_DIR",
                 "SSSG_AUDIT_PATH")


@pytest.fixture(autouse=True, scope="session")
def _data_folder_of_the_run(tmp_path_factory):
    """Nothing a test does reaches the checkout's data folder: the run's own data folder, Dagster home,
    Spark folder and audit log (dashboard/audit.py). Servers the tests start inherit them; a test that
    needs its own sets its own."""
    data = tmp_path_factory.mktemp("data")
    for name in DERIVED_PATHS:
        os.environ.pop(name, None)
    os.environ["SSSG_DATA_DIR"] = str(data)
    os.environ["DAGSTER_HOME"] = str(data / "dagster_home")
    (data / "dagster_home").mkdir()
    os.environ["SSSG_SPARK_DIR"] = str(data / "spark")
    yield


def table_counts(path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute("SELECT table_schema, table_name FROM information_schema.tables "
                             "WHERE table_type = 'BASE TABLE' ORDER BY ALL").fetchall()
        return {f"{s}.{t}": con.execute(f'SELECT count(*) FROM {s}."{t}"').fetchone()[0] for s, t in tables}


@pytest.fixture
def landing(tmp_path):
    """The landing folder of an ingest test (created by the test's first file)."""
    return tmp_path / "landing"


@pytest.fixture
def warehouse(tmp_path):
    return tmp_path / "warehouse.duckdb"


@pytest.fixture(scope="session")
def e2e_run(tmp_path_factory):
    """A small simulated Fushun (2020-2021) through Dagster twice: simulate -> ingest -> dbt build ->
    publish. The end-to-end tests assert on it; the crash tests compare their recovered warehouse with it."""
    from dagster import materialize
    from dagster_dbt import DbtCliResource

    root = tmp_path_factory.mktemp("e2e")
    saved_env = dict(os.environ)  # the dbt asset exports the resolved paths for its child process
    mp = pytest.MonkeyPatch()
    # Only the data folder is configured, as an operator would: every other path (and dbt's) follows.
    mp.setenv("SSSG_DATA_DIR", str(root))
    for name in ("SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH"):
        mp.delenv(name, raising=False)
    subprocess.run([sys.executable, "-m", "pipelines.simulate", *E2E_SIMULATION, "--out", str(root / "landing")],
                   check=True)
    from pipelines.assets.dbt import sssg_dbt_assets
    from pipelines.assets.ingest import ingest_landing_files
    from pipelines.assets.publish import serving_artefact
    from pipelines.dbt_project import sssg_dbt_project
    from pipelines.definitions import defs
    from pipelines.settings import dbt_executable

    assets = [ingest_landing_files, sssg_dbt_assets, serving_artefact]
    resources = {"dbt": DbtCliResource(project_dir=sssg_dbt_project, dbt_executable=dbt_executable())}
    first = materialize(assets, resources=resources)
    counts_after_first = table_counts(root / "warehouse.duckdb")
    second = materialize(assets, resources=resources)
    mp.undo()
    os.environ.clear()
    os.environ.update(saved_env)
    yield {"root": root, "first": first, "second": second, "defs": defs,
           "counts_after_first": counts_after_first}
