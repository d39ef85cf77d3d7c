"""Jobs: the whole refresh (ingest -> dbt build -> publish) as one asset job. The reports (group
`reports`, partitioned by month / year) run on their own schedules (pipelines/reports/dagster_defs.py)
and are left out: one asset job cannot mix partitioned and unpartitioned assets."""
from dagster import AssetSelection, define_asset_job

REPORTS_GROUP = "reports"
WAREHOUSE_TAG = "sssg/warehouse"

refresh_warehouse_job = define_asset_job(
    "refresh_warehouse",
    selection=AssetSelection.all() - AssetSelection.groups(REPORTS_GROUP),
    description="载入落地文件夹中的新导出文件，构建 dbt 模型并发布看板数据",
    tags={WAREHOUSE_TAG: "writer"},  # the run queue lets one warehouse writer run at a time (deploy/dagster.yaml)
)
