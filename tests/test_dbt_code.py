"""A release that changes the dbt code makes the next build a full refresh (pipelines/dbt_code.py): the
incremental staging models would otherwise keep every key the new load did not touch as the old code
computed it. The fingerprint covers the models, the macros and the project settings, not the seeds
(reloaded in full every build, and read by no incremental model)."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipelines import dbt_code

PROJECT = Path(__file__).resolve().parent.parent / "dbt_project"


def _project_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "dbt_project"
    for part in ("models", "macros", "seeds"):
        shutil.copytree(PROJECT / part, copy / part)
    shutil.copy(PROJECT / "dbt_project.yml", copy / "dbt_project.yml")
    return copy


def test_the_fingerprint_follows_models_macros_and_settings_not_seeds(tmp_path):
    project = _project_copy(tmp_path)
    first = dbt_code.code_fingerprint(project)
    assert first == dbt_code.code_fingerprint(project) == dbt_code.code_fingerprint(PROJECT)
    with (project / "seeds" / "calendar_overrides.csv").open("a") as fh:
        fh.write("\n")
    assert dbt_code.code_fingerprint(project) == first
    changed = []
    for path in (project / "macros" / "current_version.sql", project / "models" / "staging" / "platform"
                 / "stg_platform__object.sql", project / "dbt_project.yml"):
        original = path.read_bytes()
        path.write_bytes(original + b"\n-- a release\n")
        changed.append(dbt_code.code_fingerprint(project))
        path.write_bytes(original)
    assert first not in changed and len(set(changed)) == 3
    (project / "macros" / "new_rule.sql").write_text("{% macro new_rule() %}1{% endmacro %}\n")
    assert dbt_code.code_fingerprint(project) != first


def test_a_build_is_a_full_refresh_until_this_code_built_the_warehouse(tmp_path):
    project = _project_copy(tmp_path)
    warehouse = tmp_path / "warehouse.duckdb"
    code = dbt_code.code_fingerprint(project)
    assert dbt_code.needs_full_refresh(warehouse, code)  # no warehouse yet
    duckdb.connect(str(warehouse)).close()
    assert dbt_code.needs_full_refresh(warehouse, code)  # a warehouse from before the check
    dbt_code.record_build(warehouse, code)
    assert not dbt_code.needs_full_refresh(warehouse, code)
    dbt_code.record_build(warehouse, code)  # one row, whatever the number of builds
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(f"SELECT count(*) FROM {dbt_code.TABLE}").fetchone()[0] == 1
    (project / "macros" / "incremental_staging.sql").write_text("-- a release\n", encoding="utf-8")
    assert dbt_code.needs_full_refresh(warehouse, dbt_code.code_fingerprint(project))
