"""Fixtures shared across test modules."""
from __future__ import annotations

import ast
import fcntl
import functools
import gc
import json
import os
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager

import duckdb
import pytest

E2E_SIMULATION = ["--years", "2020-2021", "--seed", "11", "--scale", "0.05"]


# The longest modules first: under pytest-xdist (scripts/run-pytest.sh) each worker starts on one of them,
# instead of one being handed out last and running alone at the end. Order within a module is kept.
LONGEST_FIRST = ("test_reliability_crash.py", "test_spark_parity.py", "test_operated_system.py")


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def _parse_without_reentry(parse):
    """ast.parse with the cyclic garbage collector paused, one call at a time. On CPython 3.11 the AST
    constructor's recursion counter is global: when a collection inside a parse runs a finalizer that
    formats a traceback (which parses the failing line to place its ^^^ carets), the outer parse fails
    with "SystemError: AST constructor recursion depth mismatch". In this test process the finalizers
    are those of Dagster's SQLite connections left by earlier in-process runs, and the outer parse was
    Streamlit compiling a page for AppTest ("Script compilation error", its widgets missing)."""
    lock = threading.RLock()  # reentrant: a parse inside a parse (never expected) must not hang the run

    @functools.wraps(parse)
    def guarded(*args, **kwargs):
        with lock:
            was_enabled = gc.isenabled()
            gc.disable()
            try:
                return parse(*args, **kwargs)
            finally:
                if was_enabled:
                    gc.enable()
    return guarded


if sys.version_info < (3, 12):
    ast.parse = _parse_without_reentry(ast.parse)


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


def _run_summary(result) -> dict:
    """What the end-to-end tests read of a Dagster run, as plain data (another worker reads it from disk)."""
    from dagster import AssetCheckSeverity

    evaluations = result.get_asset_check_evaluations()
    return {"success": result.success,
            "failed_error_checks": sorted(f"{e.asset_key.to_user_string()}:{e.check_name}" for e in evaluations
                                          if not e.passed and e.severity == AssetCheckSeverity.ERROR),
            "check_names": sorted({e.check_name for e in evaluations})}


def _build_e2e(root) -> dict:
    """simulate -> Dagster ingest -> dbt build -> publish, twice, in `root`; the runs' summaries."""
    from dagster import materialize
    from dagster_dbt import DbtCliResource

    saved_env = dict(os.environ)  # the dbt asset exports the resolved paths for its child process
    mp = pytest.MonkeyPatch()
    # Only the data folder is configured, as an operator would: every other path (and dbt's) follows.
    mp.setenv("SSSG_DATA_DIR", str(root))
    for name in ("SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH"):
        mp.delenv(name, raising=False)
    try:
        subprocess.run([sys.executable, "-m", "pipelines.simulate", *E2E_SIMULATION, "--out", str(root / "landing")],
                       check=True)
        from pipelines.assets.dbt import sssg_dbt_assets
        from pipelines.assets.ingest import ingest_landing_files
        from pipelines.assets.publish import serving_artefact
        from pipelines.dbt_project import sssg_dbt_project
        from pipelines.settings import dbt_executable

        assets = [ingest_landing_files, sssg_dbt_assets, serving_artefact]
        resources = {"dbt": DbtCliResource(project_dir=sssg_dbt_project, dbt_executable=dbt_executable())}
        first = _run_summary(materialize(assets, resources=resources))
        counts_after_first = table_counts(root / "warehouse.duckdb")
        second = _run_summary(materialize(assets, resources=resources))
    finally:
        mp.undo()
        os.environ.clear()
        os.environ.update(saved_env)
    return {"first": first, "second": second, "counts_after_first": counts_after_first}


@contextmanager
def _exclusive(lock_path):
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def e2e_run(tmp_path_factory):
    """A small simulated Fushun (2020-2021) through Dagster twice: simulate -> ingest -> dbt build ->
    publish. The end-to-end tests assert on it; the crash tests compare their recovered warehouse with it.

    Built once per pytest run: under pytest-xdist the first worker that needs it builds it in the run's
    shared temporary folder while the others wait on a lock, then every worker reads the same folder.
    Tests treat it as read-only (they copy what they change)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder above each worker's own
    root, summary_file = shared / "e2e", shared / "e2e-summary.json"
    with _exclusive(shared / "e2e.lock"):
        if not summary_file.exists():
            shutil.rmtree(root, ignore_errors=True)  # what a failed attempt of another worker left
            root.mkdir()
            summary_file.write_text(json.dumps(_build_e2e(root)), encoding="utf-8")
    yield {"root": root, **json.loads(summary_file.read_text(encoding="utf-8"))}
