"""Ingest assets: every raw table the export files fill, with the reconciliation check."""

from collections import Counter

import duckdb
from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, RetryPolicy, multi_asset

from pipelines import run_status
from pipelines.run_lock import hold_for_step, release, step_done
from pipelines.contract import load_contract
from pipelines.landing_state import landing_fingerprint, record_loaded
from pipelines.locks import warehouse_ready_or_retry
from pipelines.ingest.load import ingest_landing
from pipelines.ingest.parquet import export_raw_parquet
from pipelines.ingest.reconcile import reconciliation_problems
from pipelines.settings import paths, raw_parquet_dir

# Keys equal the dbt sources' keys (source `raw`), so lineage joins up with the staging models.
RAW_KEYS = {e.name: AssetKey(["raw", e.table]) for e in load_contract().entities}
LOAD_LOG_KEY = AssetKey(["raw", "load_log"])
REJECTS_KEY = AssetKey(["raw", "rejects"])


@multi_asset(
    name="ingest_landing_files",
    specs=[AssetSpec(key, group_name="ingest", description=f"平台导出「{load_contract().entity(name).title}」的原始记录（只追加，带来源批次/文件/行号）")
           for name, key in RAW_KEYS.items()]
    + [AssetSpec(LOAD_LOG_KEY, group_name="ingest", description="每个导出文件的载入记录：读取/载入/拒收行数与原因"),
       AssetSpec(REJECTS_KEY, group_name="ingest", description="被拒收的行：原样保留，附原因")],
    check_specs=[AssetCheckSpec("reconciliation", asset=LOAD_LOG_KEY,
                                description="每个文件：读取行数 = 载入行数 + 拒收行数，且与原始表/拒收表中的行数一致",
                                blocking=True)],  # a failed reconciliation stops the run before dbt and publish
    retry_policy=RetryPolicy(max_retries=2, delay=5),  # also covers a lock taken between the wait and the load
)
def ingest_landing_files(context: AssetExecutionContext):
    where = paths()  # the dbt subprocess reads the same SSSG_* environment
    hold_for_step(context, "ingest", where.warehouse)  # a second run at once is refused here, untouched
    warehouse_ready_or_retry(where.warehouse)
    fingerprint = landing_fingerprint(where.landing)  # before loading: a file added meanwhile starts a new run
    try:
        outcomes = ingest_landing(where.landing, where.warehouse)
        record_loaded(where.warehouse, fingerprint)
    except Exception as exc:
        run_status.record(context.run.run_id, "ingest", "failed", f"载入导出文件失败：{exc}")
        release(where.warehouse, context.run.run_id)
        raise
    loaded = Counter()
    for o in outcomes:
        if o.status != "unchanged":
            context.log.info(f"batch {o.batch_id} file {o.file_name}: {o.status}, read {o.rows_read}, "
                             f"loaded {o.rows_loaded}, rejected {o.rows_rejected}. {o.message}")
        if o.entity:
            loaded[o.entity] += o.rows_loaded
    new_files = [o for o in outcomes if o.status != "unchanged"]
    parquet_root = raw_parquet_dir()
    if parquet_root:  # raw for Spark (docs/scaling.md): only the months that changed are rewritten
        exports = export_raw_parquet(where.warehouse, parquet_root)
        context.log.info(f"raw Parquet in {parquet_root}: {sum(e.months_written for e in exports)} table-months "
                         f"rewritten, {sum(e.rows_written for e in exports)} rows")
    for name, key in RAW_KEYS.items():
        yield MaterializeResult(asset_key=key, metadata={"rows_loaded_this_run": loaded[name]})
    yield MaterializeResult(asset_key=LOAD_LOG_KEY, metadata={
        "files_seen": len(outcomes),
        "files_new": len(new_files),
        "files_rejected": sum(o.status == "rejected" for o in new_files),
    })
    yield MaterializeResult(asset_key=REJECTS_KEY, metadata={"rows_rejected_this_run": sum(o.rows_rejected for o in new_files)})
    with duckdb.connect(str(where.warehouse), read_only=True) as con:
        problems = reconciliation_problems(con)
    if problems:
        run_status.record(context.run.run_id, "ingest", "failed",
                          f"对账不平（{len(problems)} 个文件），本次运行不发布", problems)
        release(where.warehouse, context.run.run_id)  # the blocking check stops the run here
    else:
        step_done(context, where.warehouse)
    yield AssetCheckResult(
        check_name="reconciliation", asset_key=LOAD_LOG_KEY, passed=not problems,
        severity=AssetCheckSeverity.ERROR, metadata={"problems": "\n".join(problems[:50]) or "none"},
    )
