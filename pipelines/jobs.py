"""Jobs: the whole refresh (ingest -> dbt build -> publish) as one asset job."""
from dagster import AssetSelection, define_asset_job

refresh_warehouse_job = define_asset_job(
    "refresh_warehouse",
    selection=AssetSelection.all(),
    description="载入落地文件夹中的新导出文件，构建 dbt 模型并发布看板数据",
)
