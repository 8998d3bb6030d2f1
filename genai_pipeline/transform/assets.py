"""The dbt project as Dagster assets: one @dbt_assets over staging, marts and metrics.

Every dbt data test becomes an asset check (source tests on the raw assets; multi-model
singular tests on the model named by their `meta.dagster.ref`).
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, BackfillPolicy, Output
from dagster_dbt import dbt_assets

from genai_pipeline.core.partitions import daily_partitions
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.transform.column_lineage import CACHE_FILE, as_metadata, lineage_of
from genai_pipeline.transform.plot_metadata import add_partition_metadata
from genai_pipeline.transform.project import dbt_project
from genai_pipeline.transform.runner import DbtRunnerResource, manifest_of, target_path_for_warehouse
from genai_pipeline.transform.spark_target import dbt_target, engine_pool, is_spark, quote_identifier, spark_connection
from genai_pipeline.transform.translator import translator

# The metadata key the UI reads a table's column lineage from.
LINEAGE_KEY = "dagster/column_lineage"


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
    # the engine's pool: DBT_TARGET decides the engine when the code location loads
    pool=engine_pool(dbt_target()),
)
def dbt_models(context: AssetExecutionContext, dbt: DbtRunnerResource, warehouse: WarehouseResource):
    window = dbt_window_vars(context)
    context.log.info(f"dbt window: {window or 'all history (no partition)'} on target {dbt.target}")
    # The window reaches dbt as env vars, not --vars (a var change forces a full re-parse):
    # see macros/partition_window.sql. The warehouse file is the warehouse resource's; on
    # Spark it only names dbt's target dir, and what the assets read back comes from Spark.
    connect = spark_connection if is_spark(dbt.target) else warehouse.get_connection
    if not is_spark(dbt.target):
        # Landing writes files only, so this is a run's first step to open the warehouse: a lock
        # held by another process fails it here, holder named, after a bounded wait (not as dbt's error).
        with warehouse.get_connection():
            pass
    events = dbt.build(context, warehouse.path(), window, sample_from=connect)
    target_path = target_path_for_warehouse(warehouse.path(), dbt.target)
    yield from with_row_counts(context, events, manifest_of(context), window, connect, target_path, dbt.target)


def lineage_file() -> Path:
    """Beside the manifest: the project's, shared by every warehouse's runs."""
    return dbt_project.manifest_path.parent / CACHE_FILE


def with_row_counts(
    context: AssetExecutionContext,
    events: Iterator[Any],
    manifest: Mapping[str, Any],
    window: dict[str, str],
    connect: Callable[[], AbstractContextManager[Any]],
    target_path: Path,
    target: str,
) -> Iterator[Any]:
    """Adds row counts to each built table (the whole table, and the window's rows), read
    through `connect` from the engine that built it, and its column lineage
    (transform/column_lineage.py).

    dagster-dbt's fetch_row_counts keeps a dbt adapter connection open in this process,
    which holds DuckDB's file lock against the next writer. Here the events are collected
    first (dbt has finished by then), then counted through the warehouse resource's own
    short-lived connection.

    On Spark, lineage comes from what DuckDB runs traced (it belongs to the project; the
    tracer reads DuckDB's SQL), and the per-day plot numbers are left out: they are DuckDB SQL.
    """
    collected, failure = [], None
    try:
        for event in events:
            collected.append(event)
    except Exception as error:  # a failed error-severity test: report every result, then fail
        failure = error
    models = [
        (i, manifest["nodes"][uid])
        for i, event in enumerate(collected)
        if isinstance(event, Output)
        and (uid := _metadata_text(event, "unique_id")) in manifest["nodes"]
        and manifest["nodes"][uid]["resource_type"] == "model"
    ]
    tables = [(i, node) for i, node in models if node["config"].get("materialized") in ("table", "incremental")]
    # After a failed dbt run the tables may be half-built: no counts rather than wrong ones.
    if models and failure is None:
        compiled_in = None if is_spark(target) else target_path
        lineage = lineage_of(manifest, [node["unique_id"] for _, node in models], compiled_in, lineage_file())
        for i, node in models:
            if node["unique_id"] in lineage:
                column_lineage = as_metadata(manifest, lineage[node["unique_id"]])
                collected[i] = collected[i].with_metadata({**collected[i].metadata, LINEAGE_KEY: column_lineage})
    if tables and failure is None:
        with connect() as conn:
            for i, node in tables:
                relation = f"{quote_identifier(node['schema'], target)}.{quote_identifier(node['alias'], target)}"
                metadata = {"dagster/row_count": conn.execute(f"select count(*) from {relation}").fetchall()[0][0]}
                day_column = node["config"].get("meta", {}).get("partition_column")
                if window and day_column:
                    # the window's dates come from Dagster's partitions: ISO dates, safe to paste
                    day = quote_identifier(day_column, target)
                    metadata["rows_in_partition_window"] = conn.execute(
                        f"select count(*) from {relation} where {day} >= cast('{window['min_date']}' as date)"
                        f" and {day} < cast('{window['max_date']}' as date)"
                    ).fetchall()[0][0]
                collected[i] = collected[i].with_metadata({**collected[i].metadata, **metadata})
                if not is_spark(target):
                    add_partition_metadata(context, conn, node, collected[i].output_name, window)
    yield from collected
    if failure is not None:
        raise failure


def _metadata_text(event: Any, key: str) -> str | None:
    value = getattr(event, "metadata", {}).get(key)
    return getattr(value, "value", value)
