"""The dbt project as Dagster assets: one @dbt_assets over staging, marts and metrics.

Every dbt data test becomes an asset check (source tests on the raw assets; multi-model
singular tests on the model named by their `meta.dagster.ref`).
"""

import os
from contextlib import contextmanager
from typing import Any, Iterator, Mapping, Optional

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy, Output
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets
from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets

from genai_pipeline.dbt_resource import dbt_project
from genai_pipeline.dbt_runner import DbtRunnerResource
from genai_pipeline.metric_metadata import add_dbt_partition_metadata
from genai_pipeline.partitions import daily_partitions
from genai_pipeline.resources import WarehouseResource

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
def dbt_models(context: AssetExecutionContext, dbt: DbtRunnerResource, warehouse: WarehouseResource):
    window = dbt_window_vars(context)
    context.log.info(f"dbt window: {window or 'all history (no partition)'}")
    # The window reaches dbt as env vars, not --vars: see macros/partition_window.sql.
    manifest = get_manifest_and_translator_from_dbt_assets([context.assets_def])[0]
    with window_env(window):
        yield from with_row_counts(dbt.build(context, sample_from=warehouse.get_connection), manifest, window, warehouse)


def with_row_counts(
    events: Iterator[Any], manifest: Mapping[str, Any], window: dict[str, str], warehouse: WarehouseResource
) -> Iterator[Any]:
    """Adds row counts to each built table: the whole table, and the window's rows.

    dagster-dbt's fetch_row_counts keeps a dbt adapter connection open in this process,
    which holds DuckDB's file lock against the next writer. Here the events are collected
    first (dbt has finished by then), then counted through the warehouse resource's own
    short-lived connection.
    """
    collected, failure = [], None
    try:
        for event in events:
            collected.append(event)
    except Exception as error:  # a failed error-severity test: report every result, then fail
        failure = error
    tables = [
        (i, manifest["nodes"][uid])
        for i, event in enumerate(collected)
        if isinstance(event, Output)
        and (uid := _metadata_text(event, "unique_id")) in manifest["nodes"]
        and manifest["nodes"][uid]["config"].get("materialized") in ("table", "incremental")
    ]
    # After a failed dbt run the tables may be half-built: no counts rather than wrong ones.
    if tables and failure is None:
        with warehouse.get_connection() as conn:
            for i, node in tables:
                relation = f'"{node["schema"]}"."{node["alias"]}"'
                metadata = {"dagster/row_count": conn.execute(f"select count(*) from {relation}").fetchall()[0][0]}
                day_column = node["config"].get("meta", {}).get("partition_column")
                if window and day_column:
                    metadata["rows_in_partition_window"] = conn.execute(
                        f'select count(*) from {relation} where "{day_column}" >= ? and "{day_column}" < ?',
                        [window["min_date"], window["max_date"]],
                    ).fetchall()[0][0]
                collected[i] = collected[i].with_metadata({**collected[i].metadata, **metadata})
                add_dbt_partition_metadata(conn, node, collected[i].output_name, window)
    yield from collected
    if failure is not None:
        raise failure


def _metadata_text(event: Any, key: str) -> Optional[str]:
    value = getattr(event, "metadata", {}).get(key)
    return getattr(value, "value", value)


@contextmanager
def window_env(window: dict[str, str]) -> Iterator[None]:
    """Sets GENAI_WINDOW_MIN_DATE/MAX_DATE while dbt runs (its macros read them when each node
    executes); always unset afterwards."""
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
