"""The publish asset: after the dbt build, swap a fresh serving artefact in for the dashboard."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from pipelines import run_status
from pipelines.assets.dbt import sssg_dbt_assets
from pipelines.publish import publish
from pipelines.run_lock import hold_for_step, release, step_done
from pipelines.settings import engine, paths, spark_dir, spark_remote
from pipelines.spark.serving import marts_from_spark, marts_from_spark_session


@asset(
    name="serving_artefact",
    group_name="publish",
    deps=list(sssg_dbt_assets.keys),
    description="看板读取的发布文件（marts 的只读副本，原子替换）",
)
def serving_artefact(context: AssetExecutionContext) -> MaterializeResult:
    where = paths()
    hold_for_step(context, "publish", where.warehouse)
    try:
        source = where.warehouse
        if engine() == "spark":  # Spark's marts into a DuckDB file first (pipelines/spark/serving.py)
            source = spark_dir() / "published_marts.duckdb"
            if spark_remote():
                marts_from_spark_session(spark_remote(), where.warehouse, source)
            else:
                marts_from_spark(spark_dir() / "warehouse", where.warehouse, source)
        summary = publish(source, where.serving, context.run.run_id)
    except Exception as exc:
        run_status.record(context.run.run_id, "publish", "failed", f"发布失败，看板继续显示上一次发布的数据：{exc}")
        release(where.warehouse, context.run.run_id)
        raise
    run_status.record(context.run.run_id, "publish", "published",
                      f"已发布 {summary['tables']} 张表（{summary['version']}）")
    context.log.info(f"published {summary['tables']} tables to {where.serving} ({summary['version']})")
    step_done(context, where.warehouse)
    return MaterializeResult(metadata={**summary, "path": str(where.serving)})
