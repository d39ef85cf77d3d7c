"""The dbt anchor's reading of a manifest (pipelines/bench/dbt_anchor.py): models in dependency order,
ephemeral ones ordered through but not run, a manifest without compiled SQL refused by name, and dbt's
node time split by kind. The anchor run itself is exercised by tests/test_bench.py."""
from __future__ import annotations

import pytest

from pipelines.bench.dbt_anchor import ManifestError, compiled_models, node_seconds


def model(name: str, deps=(), materialized="table", sql="select 1"):
    return {"resource_type": "model", "depends_on": {"nodes": list(deps)}, "config": {"materialized": materialized},
            "compiled_code": sql, "relation_name": f'"warehouse"."marts"."{name}"'}


def test_models_come_dependencies_first_and_ephemeral_ones_are_not_run():
    manifest = {"nodes": {
        "model.p.c": model("c", ["model.p.e", "seed.p.s"]),
        "model.p.e": model("e", ["model.p.a"], materialized="ephemeral", sql=None),
        "model.p.a": model("a", ["source.p.raw.x"], sql="select 1;\n"),
        "test.p.t": {"resource_type": "test", "depends_on": {"nodes": ["model.p.c"]}},
        "model.p.v": model("v", ["model.p.c"], materialized="view"),
    }}
    got = compiled_models(manifest)
    assert [m["unique_id"] for m in got] == ["model.p.a", "model.p.c", "model.p.v"]
    assert got[0]["sql"] == "select 1" and got[2]["materialized"] == "view"


def test_a_manifest_without_compiled_sql_is_refused_naming_the_model():
    with pytest.raises(ManifestError, match="model.p.a has no compiled SQL"):
        compiled_models({"nodes": {"model.p.a": model("a", sql=None)}})
    with pytest.raises(ManifestError, match="no models"):
        compiled_models({"nodes": {}})


def test_dbt_node_time_is_split_by_kind():
    got = node_seconds({"elapsed_time": 9.0, "results": [
        {"unique_id": "model.p.a", "execution_time": 2.0}, {"unique_id": "test.p.t1", "execution_time": 0.5},
        {"unique_id": "test.p.t2", "execution_time": 1.5}, {"unique_id": "seed.p.s", "execution_time": 0.25}]})
    assert got["by_kind"]["model"] == 2.0 and got["by_kind"]["test"] == 2.0 and got["by_kind"]["seed"] == 0.25
    assert got["per_model"] == {"model.p.a": 2.0} and got["elapsed"] == 9.0
