"""The one place that names dbt's assets: keys and groups.

Sources keep their dbt names (``raw/<table>``), so the raw asset's keys join the lineage;
models take their own names, in the group of their layer folder.
"""

from collections.abc import Mapping
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

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


# Every data test is a check, source tests on the raw assets included.
translator = GenaiDbtTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_source_tests_as_checks=True)
)
