"""A sensor that starts the refresh when the landing folder's content changes."""

import hashlib

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from pipelines.ingest.discover import discover
from pipelines.jobs import refresh_warehouse_job
from pipelines.run_lock import dagster_run_state, holder, running_holder
from pipelines.settings import paths


def landing_fingerprint(landing) -> str:
    """A digest of every landing file's name, size and mtime: cheap, and it never opens the warehouse."""
    digest = hashlib.sha256()
    for f in discover(landing):
        stat = f.path.lstat()
        digest.update(f"{f.batch_id}/{f.file_name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@sensor(job=refresh_warehouse_job, minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING,
        description="落地文件夹出现新的或变化的导出文件时，运行 载入 -> dbt -> 发布")
def landing_folder_sensor(context: SensorEvaluationContext):
    fingerprint = landing_fingerprint(paths().landing)
    if fingerprint == context.cursor:
        return SkipReason("落地文件夹没有变化")
    if holder(paths().warehouse) and (busy := running_holder(paths().warehouse, dagster_run_state(context.instance))):
        # the cursor stays: the change is picked up once that run has ended
        return SkipReason(f"刷新运行 {busy.get('run_id')} 仍在进行，等它结束后再处理新的导出文件")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint)
