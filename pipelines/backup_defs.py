"""Dagster: the nightly backup (pipelines/backup.py) as a job and its schedule.

`backup_warehouse` carries the run tag sssg/warehouse=writer like the refresh: the instance's run queue
(tag_concurrency_limits on sssg/warehouse, limit 1) starts it only when no refresh runs, and a refresh
queued meanwhile waits for it. It also takes the refresh run lock (pipelines/run_lock.py), which keeps
out a refresh started outside the queue (`make pipeline`); it waits for such a run up to
`wait_seconds` (30 min), then fails naming it; the run's maximum runtime is an hour. After the backup
it applies every retention setting: old backups, serving versions and report versions (a lowered
setting takes effect by the next night, even for a report period that is never generated again).
"""
from dagster import Config, DefaultScheduleStatus, Failure, OpExecutionContext, ScheduleDefinition, job, op

from pipelines.run_lock import RunInProgress, dagster_run_state
from pipelines.jobs import MAX_RUNTIME_TAG, WAREHOUSE_TAG

TIMEZONE = "Asia/Shanghai"


class BackupConfig(Config):
    wait_seconds: float = 1800.0  # for a refresh started outside the run queue (about 10 min at scale 14)


@op(description="备份数据仓库（EXPORT DATABASE，Parquet）与 Dagster 实例，按保留设置清理旧备份和旧版本")
def backup_warehouse_op(context: OpExecutionContext, config: BackupConfig) -> None:
    from pipelines import backup

    try:
        folder = backup.create(run_id=context.run.run_id, is_running=dagster_run_state(context.instance),
                               wait=config.wait_seconds, made_by=f"dagster run {context.run.run_id}")
    except (RunInProgress, backup.BackupError) as exc:
        raise Failure(description=str(exc), allow_retries=False) from exc
    man = backup.read_manifest(folder) or {}
    tables = man.get("warehouse", {}).get("tables", [])
    context.log.info(f"backup {folder}: {len(tables)} tables, {sum(t['rows'] for t in tables):,} rows, "
                     f"{man.get('total_bytes', 0) / 1e6:.1f} MB in {man.get('seconds')} s")
    for what, removed in backup.apply_retention().items():
        context.log.info(f"retention, {what}: removed {len(removed)}" + "".join(f"; {p.name}" for p in removed))


@job(name="backup_warehouse", tags={WAREHOUSE_TAG: "writer", MAX_RUNTIME_TAG: str(3600)},
     description="每日备份：数据仓库（Parquet 导出）、Dagster 实例；保留最新 SSSG_BACKUP_KEEP 个")
def backup_job():
    backup_warehouse_op()


backup_schedule = ScheduleDefinition(
    name="backup_schedule", cron_schedule="30 2 * * *", execution_timezone=TIMEZONE, job=backup_job,
    default_status=DefaultScheduleStatus.RUNNING, description="每天 02:30（北京时间）备份数据仓库与 Dagster 实例")
