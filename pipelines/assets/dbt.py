"""dbt models as Dagster assets; groups from the model folder, dbt tests as asset checks."""

import os
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetSpec
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipelines.dbt_project import sssg_dbt_project
from pipelines.settings import subprocess_env


class SssgTranslator(DagsterDbtTranslator):
    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        fqn = props.get("fqn", [])
        # models/<layer>/... -> group <layer>; sources keep their own key (raw/<table>)
        if props.get("resource_type") in ("model", "seed", "snapshot") and len(fqn) > 2:
            spec = spec.replace_attributes(group_name=fqn[1])
        elif props.get("resource_type") == "seed":
            spec = spec.replace_attributes(group_name="seeds")
        return spec


@dbt_assets(manifest=sssg_dbt_project.manifest_path, project=sssg_dbt_project, dagster_dbt_translator=SssgTranslator())
def sssg_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    # dbt runs as a child process and finds the warehouse through SSSG_WAREHOUSE_PATH: make it
    # the same file the ingest step wrote, however the paths were configured (e.g. SSSG_DATA_DIR only).
    os.environ.update(subprocess_env())
    yield from dbt.cli(["build"], context=context).stream()
