"""A sensor that starts the refresh when the landing folder's content changes (and was not loaded
already by a refresh started otherwise: pipelines/landing_state.py)."""

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from pipelines.jobs import refresh_warehouse_job
from pipelines.run_lock import dagster_run_state, holder, running_holder
from pipelines.landing_state import landing_fingerprint, loaded_fingerprint
from pipelines.settings import paths


@sensor(job=refresh_warehouse_job, minimum_interval_seconds=30, default_status=DefaultSensorStatus.RUNNING,
        description="落地文件夹出现新的或变化的导出文件时，运行 载入 -> dbt -> 发布")
def landing_folder_sensor(context: SensorEvaluationContext):
    fingerprint = landing_fingerprint(paths().landing)
    if fingerprint == context.cursor:
        return SkipReason("落地文件夹没有变化")
    if fingerprint == loaded_fingerprint(paths().warehouse):
        context.update_cursor(fingerprint)
        return SkipReason("落地文件夹中的文件已由最近一次运行载入")
    if holder(paths().warehouse) and (busy := running_holder(paths().warehouse, dagster_run_state(context.instance))):
        # the cursor stays: the change is picked up once that run has ended
        return SkipReason(f"刷新运行 {busy.get('run_id')} 仍在进行，等它结束后再处理新的导出文件")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint)
