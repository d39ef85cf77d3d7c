"""Jobs: the whole refresh (ingest -> dbt build -> publish) as one asset job. The reports (group
`reports`, partitioned by month / year) run on their own schedules (pipelines/reports/dagster_defs.py)
and are left out: one asset job cannot mix partitioned and unpartitioned assets."""
from dagster import AssetSelection, define_asset_job

REPORTS_GROUP = "reports"
WAREHOUSE_TAG = "sssg/warehouse"
MAX_RUNTIME_TAG = "dagster/max_runtime"  # seconds; enforced by the daemon's run monitoring

refresh_warehouse_job = define_asset_job(
    "refresh_warehouse",
    selection=AssetSelection.all() - AssetSelection.groups(REPORTS_GROUP),
    description="载入落地文件夹中的新导出文件，构建 dbt 模型并发布看板数据",
    # the run queue lets one warehouse writer run at a time (deploy/dagster.yaml); run monitoring fails a
    # run that hangs past its maximum (a refresh at scale 14 takes about 10 minutes)
    tags={WAREHOUSE_TAG: "writer", MAX_RUNTIME_TAG: str(2 * 3600)},
)
