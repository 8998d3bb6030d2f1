"""The dbt project as Dagster assets: one @dbt_assets over staging, marts and metrics.

Every dbt data test becomes an asset check (source tests on the raw assets; multi-model
singular tests on the model named by their `meta.dagster.ref`).
"""

import os
from contextlib import contextmanager
from typing import Any, Iterator, Mapping, Optional

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
    window = dbt_window_vars(context)
    context.log.info(f"dbt window: {window or 'all history (no partition)'}")
    # The window reaches dbt as env vars, not --vars: see macros/partition_window.sql.
    with window_env(window):
        invocation = dbt.cli(["build"], context=context, target_path=dbt.stable_target_path())
    yield from invocation.stream()


@contextmanager
def window_env(window: dict[str, str]) -> Iterator[None]:
    """Sets GENAI_WINDOW_MIN_DATE/MAX_DATE while dagster-dbt starts the dbt subprocess (it
    copies os.environ at that moment); always unset afterwards."""
    names = {f"GENAI_WINDOW_{key.upper()}": value for key, value in window.items()}
    saved = {name: os.environ.pop(name, None) for name in ("GENAI_WINDOW_MIN_DATE", "GENAI_WINDOW_MAX_DATE")}
    os.environ.update(names)
    try:
        yield
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value
