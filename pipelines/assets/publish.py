"""The publish asset: after the dbt build, swap a fresh serving artefact in for the dashboard."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from pipelines.assets.dbt import sssg_dbt_assets
from pipelines.publish import publish
from pipelines.settings import paths


@asset(
    name="serving_artefact",
    group_name="publish",
    deps=list(sssg_dbt_assets.keys),
    description="看板读取的发布文件（marts 的只读副本，原子替换）",
)
def serving_artefact(context: AssetExecutionContext) -> MaterializeResult:
    where = paths()
    summary = publish(where.warehouse, where.serving, context.run.run_id)
    context.log.info(f"published {summary['tables']} tables to {where.serving}")
    return MaterializeResult(metadata={**summary, "path": str(where.serving)})
