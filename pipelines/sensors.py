"""A sensor that starts the refresh when the landing folder's content changes."""

import hashlib

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from pipelines.ingest.discover import discover
from pipelines.jobs import refresh_warehouse_job
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
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint)
