"""The Dagster code location: assembles the per-domain modules."""
from dagster import Definitions, in_process_executor
from dagster_dbt import DbtCliResource

from pipelines.alerts import run_failure_alert
from pipelines.assets.dbt import sssg_dbt_assets
from pipelines.assets.ingest import ingest_landing_files
from pipelines.assets.publish import serving_artefact
from pipelines.backup_defs import backup_schedule
from pipelines.dbt_project import sssg_dbt_project
from pipelines.jobs import refresh_warehouse_job
from pipelines.reports.dagster_defs import report_assets, report_jobs, report_schedules
from pipelines.sensors import landing_folder_sensor
from pipelines.settings import dbt_executable



defs = Definitions(
    assets=[ingest_landing_files, sssg_dbt_assets, serving_artefact, *report_assets],
    jobs=[refresh_warehouse_job, *report_jobs],
    schedules=[*report_schedules, backup_schedule],
    sensors=[landing_folder_sensor, run_failure_alert],
    resources={
        "dbt": DbtCliResource(project_dir=sssg_dbt_project, dbt_executable=dbt_executable()),
    },
    # DuckDB takes one writer: every step of a run goes in one process, one after another.
    executor=in_process_executor,
)
