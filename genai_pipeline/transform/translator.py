"""The one place that names dbt's assets: keys and groups.

Sources keep their dbt names (``raw/<table>``), so the raw asset's keys join the lineage;
models take their own names, in the group of their layer folder.
"""

from collections.abc import Mapping
from typing import Any

from dagster import AssetCheckSpec, AssetKey, AssetSpec
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

LAYERS = ("staging", "marts", "metrics")
RAW_GROUP = "raw"


class GenaiDbtTranslator(DagsterDbtTranslator):
    """Groups are the dbt folders; sources are ``<source>/<table>``."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return AssetKey(dbt_resource_props["name"])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return RAW_GROUP
        folder = dbt_resource_props["fqn"][1] if len(dbt_resource_props["fqn"]) > 2 else None
        return folder if folder in LAYERS else None

    def get_asset_check_spec(
        self, asset_spec: AssetSpec, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> AssetCheckSpec | None:
        """The check's description is the test's dbt `description:` (the rule it enforces),
        which the UI and the alerts show; dagster-dbt 0.29 reads only `meta.description`."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        description = manifest["nodes"].get(unique_id, {}).get("description")
        return spec._replace(description=description) if spec is not None and description else spec


# Every data test is a check, source tests on the raw assets included.
translator = GenaiDbtTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_source_tests_as_checks=True)
)
