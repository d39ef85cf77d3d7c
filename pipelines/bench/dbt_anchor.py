"""The dbt build against its own SQL: every model's compiled SELECT, taken from the build's own manifest,
run as `CREATE OR REPLACE TABLE <relation> AS <select>` in dependency order in one DuckDB connection on a
copy of the warehouse the build made. No dbt, no data tests, no unit tests; seeds are already in the copy
(a few small CSVs: the anchor's only head start). The dbt build's time is reported as a multiple of this,
with its data tests' share from run_results.json, and the models where dbt spends most beside their SQL.

    python -m pipelines.bench.child anchor-dbt --work DIR --target-path <the build's --target-path> --json OUT
"""
from __future__ import annotations

import graphlib
import json
import shutil
import time
from pathlib import Path

import duckdb

# node kinds of run_results.json, by unique_id prefix
KINDS = ("model", "seed", "test", "unit_test", "snapshot")


class ManifestError(RuntimeError):
    """The manifest cannot give the build's SQL (not written by a build or compile of this project)."""


def compiled_models(manifest: dict) -> list[dict]:
    """{unique_id, relation, materialized, sql} of every model the build materialises, dependencies first.
    Ephemeral models are inlined into their readers' compiled SQL by dbt, so they are ordered through but
    not run themselves."""
    nodes = {uid: n for uid, n in manifest.get("nodes", {}).items() if n.get("resource_type") == "model"}
    if not nodes:
        raise ManifestError("the manifest has no models")
    graph = graphlib.TopologicalSorter(
        {uid: [d for d in n.get("depends_on", {}).get("nodes", []) if d in nodes] for uid, n in nodes.items()})
    out = []
    for uid in graph.static_order():
        node = nodes[uid]
        materialized = node.get("config", {}).get("materialized")
        if materialized == "ephemeral":
            continue
        sql = node.get("compiled_code")
        if not sql or not node.get("relation_name"):
            raise ManifestError(f"{uid} has no compiled SQL: the manifest must come from a dbt build or compile")
        out.append({"unique_id": uid, "relation": node["relation_name"], "materialized": materialized,
                    "sql": sql.strip().rstrip(";")})
    return out


def node_seconds(run_results: dict) -> dict:
    """Seconds of node execution by kind (models, seeds, data tests, unit tests) and per model, summed over
    dbt's threads (node time, not wall time: its shares are what is meant)."""
    by_kind = dict.fromkeys(KINDS, 0.0)
    per_model = {}
    for r in run_results.get("results", []):
        kind = r["unique_id"].split(".", 1)[0]
        seconds = float(r.get("execution_time") or 0.0)
        by_kind[kind] = by_kind.get(kind, 0.0) + seconds
        if kind == "model":
            per_model[r["unique_id"]] = seconds
    return {"by_kind": by_kind, "per_model": per_model, "elapsed": run_results.get("elapsed_time")}


def run_anchor(warehouse: Path, target: Path, work: Path) -> dict:
    """Time the build's compiled SQL on a copy of `warehouse` (named as it is: relations carry its catalog
    name). `target` is the build's --target-path (manifest.json, run_results.json)."""
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    models = compiled_models(manifest)
    dbt = node_seconds(json.loads((target / "run_results.json").read_text(encoding="utf-8")))
    work.mkdir(parents=True, exist_ok=True)
    copy = work / warehouse.name
    shutil.copyfile(warehouse, copy)
    per_model = {}
    try:
        started = time.perf_counter()
        con = duckdb.connect(str(copy))
        con.execute("SET enable_progress_bar = false")
        for m in models:
            kind = "VIEW" if m["materialized"] == "view" else "TABLE"
            t0 = time.perf_counter()
            con.execute(f"CREATE OR REPLACE {kind} {m['relation']} AS {m['sql']}")
            per_model[m["unique_id"]] = time.perf_counter() - t0
        con.execute("CHECKPOINT")  # dbt's build ends with its tables on disk too
        con.close()
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    slowest = sorted(per_model, key=lambda uid: -(dbt["per_model"].get(uid) or 0.0))[:8]
    return {"seconds": seconds, "models": len(models), "dbt_node_seconds": dbt["by_kind"],
            "dbt_elapsed": dbt["elapsed"],
            "slowest": [{"model": uid.split(".")[-1], "dbt_seconds": dbt["per_model"].get(uid),
                         "sql_seconds": per_model[uid]} for uid in slowest]}
