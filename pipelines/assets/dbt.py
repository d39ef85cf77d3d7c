"""dbt models as Dagster assets; groups from the model folder, dbt tests as asset checks.

A failing data test fails the step (dbt build exits non-zero), so the publish step after it does not
run and the dashboard keeps the last good data; the failed tests are recorded for the status page.
"""

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetSpec, Failure, MetadataValue, Output
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipelines import dbt_code, run_status
from pipelines.dbt_runs import prune_run_folders
from pipelines.dbt_project import sssg_dbt_project
from pipelines.locks import warehouse_ready_or_retry
from pipelines.run_lock import hold_for_step, release, step_done
from pipelines.settings import engine, paths, raw_parquet_dir, spark_dir, spark_process_env, spark_remote, subprocess_env


# Unit tests check the SQL against fixed fixtures, so new data cannot change their outcome: they run in
# `make test` (tests/dbt_build.py builds with them) and are left out of the data runs, as dbt advises.
# Data tests still run on every build and still block publication.
NIGHTLY_BUILD_FLAGS = ("--exclude-resource-type", "unit_test")


class SssgTranslator(DagsterDbtTranslator):
    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        fqn = props.get("fqn", [])
        # models/<layer>/... -> group <layer>; sources keep their own key (raw/<table>)
        if props.get("resource_type") in ("model", "seed", "snapshot") and len(fqn) > 2:
            spec = spec.replace_attributes(group_name=fqn[1])
        elif props.get("resource_type") == "seed":
            spec = spec.replace_attributes(group_name="seeds")
        return spec


@dbt_assets(manifest=sssg_dbt_project.manifest_path, project=sssg_dbt_project, dagster_dbt_translator=SssgTranslator())
def sssg_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    # dbt runs as a child process and finds the warehouse through SSSG_WAREHOUSE_PATH: make it
    # the same file the ingest step wrote, however the paths were configured (e.g. SSSG_DATA_DIR only).
    os.environ.update(subprocess_env())
    hold_for_step(context, "dbt", paths().warehouse)
    warehouse_ready_or_retry(paths().warehouse)
    on_spark = engine() == "spark"
    args = ["build", *NIGHTLY_BUILD_FLAGS, *(spark_build_args() if on_spark else ())]
    code = dbt_code.code_fingerprint(sssg_dbt_project.project_dir)
    if not on_spark and dbt_code.needs_full_refresh(paths().warehouse, code):
        # new dbt code (a release) or a warehouse that never recorded its code: the incremental models
        # are rebuilt from all of raw, so no figure mixes two versions of a rule (pipelines/dbt_code.py)
        context.log.info("dbt 代码与上次构建不同（或未记录）：本次全量重建（--full-refresh）")
        args.append("--full-refresh")
    invocation = dbt.cli(args, context=context, raise_on_error=False)
    produced = set()
    for event in invocation.stream():
        if isinstance(event, Output):
            produced.add(context.asset_key_for_output(event.output_name))
        yield event
    prune_run_folders(Path(invocation.target_path).parent, current=Path(invocation.target_path))
    # dbt can exit 0 while Dagster read fewer results than it built (a line of dbt's JSON log broken by
    # other output on the same stream): the publish after an output that never came would be skipped
    # and the run still end in RUN_SUCCESS, with a dashboard that silently stays old
    lost = sorted(k.to_user_string() for k in context.selected_asset_keys - produced) if invocation.is_successful() else []
    if not invocation.is_successful() or lost:
        if lost:
            problems = [f"{name}: dbt 未报告结果" for name in lost]
            message = (f"dbt 报告成功，但有 {len(lost)} 个模型的结果没有被 Dagster 读到（dbt 日志可能被其他输出打断），"
                       "本次运行不发布，看板继续显示上一次发布的数据")
        else:
            problems = failed_nodes(_run_results(invocation)) or [str(invocation.get_error())]
            message = f"dbt 构建未通过（{len(problems)} 项失败），本次运行不发布，看板继续显示上一次发布的数据"
        run_status.record(context.run.run_id, "dbt", "failed", message, problems)
        release(paths().warehouse, context.run.run_id)
        raise Failure(description=message + "：\n" + "\n".join(problems[:20]),
                      metadata={"failed": MetadataValue.md("\n".join(f"- {p}" for p in problems[:50]))})
    if not on_spark:  # Spark's tables are rebuilt whole; the DuckDB warehouse's models were not touched
        dbt_code.record_build(paths().warehouse, code)
    step_done(context, paths().warehouse)


def spark_target() -> str:
    """The dbt target of SSSG_ENGINE=spark: a Spark Connect server when SPARK_REMOTE is set (a cluster),
    else a Spark driver in this machine's JVM (dbt_project/profiles.yml)."""
    return "spark_connect" if spark_remote() else "spark"


def spark_build_args() -> list[str]:
    """`--target spark[_connect]`, raw.* registered over the ingest's monthly Parquet inside the build
    (dbt_project/macros/spark_raw.sql; on a cluster the Parquet folder must be storage the cluster reads),
    Spark's local state in spark_dir()."""
    for name, value in spark_process_env(spark_dir().resolve()).items():
        os.environ.setdefault(name, value)
    return ["--target", spark_target(), "--vars", json.dumps({"raw_parquet_root": str(raw_parquet_dir().resolve())})]


def _run_results(invocation) -> dict:
    """dbt's run_results.json; empty when dbt stopped before writing it (e.g. it could not open the
    warehouse), so the failure is still recorded with dbt's own error."""
    try:
        return invocation.get_artifact("run_results.json")
    except (FileNotFoundError, ValueError):
        return {}


def failed_nodes(run_results: dict) -> list[str]:
    """One line per failed test or model: its name and dbt's message (e.g. 'Got 3 results, configured to fail if != 0')."""
    out = []
    for r in run_results.get("results", []):
        if r.get("status") in ("fail", "error", "runtime error"):
            name = r.get("unique_id", "?").split(".", 2)[-1]
            out.append(f"{name}: {r.get('status')}: {(r.get('message') or '').strip()[:300]}")
    return out
