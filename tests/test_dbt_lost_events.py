"""dbt exits 0 but Dagster reads fewer results than it built (a line of dbt's JSON log broken by other
output on the same stream, as Spark's console progress bar once did): the run fails in its dbt step,
says which models went unreported, and publishes nothing, instead of skipping the publish and ending
in RUN_SUCCESS with a dashboard that silently stays old."""
from __future__ import annotations

import os
import shutil

import pytest
from dagster import AssetKey, Output

from pipelines import run_status

pytestmark = pytest.mark.slow

LOST = AssetKey(["seeds", "publication_deadlines"])


def test_a_model_result_dagster_never_read_fails_the_run_and_publishes_nothing(e2e_run, tmp_path, monkeypatch):
    from dagster import materialize
    from dagster_dbt import DbtCliResource
    from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation

    from pipelines.assets.dbt import sssg_dbt_assets
    from pipelines.assets.publish import serving_artefact
    from pipelines.dbt_project import sssg_dbt_project
    from pipelines.settings import dbt_executable

    root = tmp_path / "data"
    shutil.copytree(e2e_run["root"] / "serving", root / "serving", symlinks=True)
    shutil.copy(e2e_run["root"] / "warehouse.duckdb", root / "warehouse.duckdb")
    serving = root / "serving" / "warehouse.duckdb"
    before = serving.resolve()
    real_stream = DbtCliInvocation.stream
    seen = []

    def stream_losing_one(self, *args, **kwargs):
        for event in real_stream(self, *args, **kwargs):
            if isinstance(event, Output) and self.context.asset_key_for_output(event.output_name) == LOST:
                seen.append(event.output_name)
                continue  # the event dbt wrote and Dagster never parsed
            yield event

    monkeypatch.setattr(DbtCliInvocation, "stream", stream_losing_one)
    monkeypatch.setenv("SSSG_DATA_DIR", str(root))
    for name in ("SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH"):
        monkeypatch.delenv(name, raising=False)
    saved = dict(os.environ)  # the dbt step exports the resolved paths for its child process
    try:
        # one small seed and the publish: a real dbt build of that seed, whose result is then lost
        result = materialize([sssg_dbt_assets, serving_artefact], selection=[LOST, AssetKey("serving_artefact")],
                             raise_on_error=False,
                             resources={"dbt": DbtCliResource(project_dir=sssg_dbt_project,
                                                              dbt_executable=dbt_executable())})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert seen, "the seed was built and its result dropped"
    assert not result.success
    failures = {e.step_key: e for e in result.all_events if e.event_type_value == "STEP_FAILURE"}
    assert "sssg_dbt_assets" in failures
    assert "没有被 Dagster 读到" in str(failures["sssg_dbt_assets"].event_specific_data.error)
    started = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    assert "serving_artefact" not in started
    assert serving.resolve() == before  # the dashboard still reads the last good publish
    failure = run_status.last_failure_since_publish(serving)
    assert failure["stage"] == "dbt" and failure["details"] == ["seeds/publication_deadlines: dbt 未报告结果"]
