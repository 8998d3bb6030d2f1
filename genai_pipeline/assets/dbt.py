"""The dbt project as Dagster assets: one @dbt_assets over staging, marts and metrics.

Every dbt data test becomes an asset check (source tests on the raw assets; multi-model
singular tests on the model named by their `meta.dagster.ref`).
"""

import json
from typing import Any, Mapping, Optional

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets

from genai_pipeline.dbt_resource import dbt_project
from genai_pipeline.dbt_resource import GenaiDbtCliResource
from genai_pipeline.partitions import daily_partitions

LAYERS = ("staging", "marts", "metrics")


class GenaiDbtTranslator(DagsterDbtTranslator):
    """Owns dbt asset keys and groups: groups are the dbt folders, sources are raw/<table>."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return AssetKey(dbt_resource_props["name"])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> Optional[str]:
        if dbt_resource_props["resource_type"] == "source":
            return "raw"
        folder = dbt_resource_props["fqn"][1] if len(dbt_resource_props["fqn"]) > 2 else None
        return folder if folder in LAYERS else None


translator = GenaiDbtTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_source_tests_as_checks=True)
)


def dbt_window_vars(context: AssetExecutionContext) -> dict[str, str]:
    """The run's partition window as dbt vars; max_date is exclusive, like Dagster's window end.

    A checks-only run (e.g. "Execute checks" in the UI) has no partition: no vars, so
    dbt tests read all history.
    """
    if not (context.has_partition_key or context.has_partition_key_range):
        return {}
    window = context.partition_time_window
    return {"min_date": window.start.date().isoformat(), "max_date": window.end.date().isoformat()}


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    partitions_def=daily_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    pool="duckdb",
)
def dbt_models(context: AssetExecutionContext, dbt: GenaiDbtCliResource):
    args = ["build"]
    window = dbt_window_vars(context)
    if window:
        args += ["--vars", json.dumps(window)]
    yield from dbt.cli(args, context=context, target_path=dbt.stable_target_path()).stream()
