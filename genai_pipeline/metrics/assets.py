"""Each registered backfill metric as a daily-partitioned asset with its checks.

The asset replaces the window's days of its own table ``backfill_metrics.<name>`` in ONE
transaction, then checks them (range, not_null, one row per entity-day, completeness
against the marts), both a chunk of days at a time (metrics/store.py, metrics/checks.py) so
a run's memory does not grow with the window. Marts are never altered: a dbt rebuild would
drop a column added to them. A backfill of N days is one run by default (single-run policy).
"""

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    BackfillPolicy,
    Failure,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableSchema,
    multi_asset,
)

from genai_pipeline.core.partition_metadata import PlottedTable, partition_metadata
from genai_pipeline.core.partitions import daily_partitions
from genai_pipeline.core.settings import SettingsError
from genai_pipeline.core.warehouse import WarehouseResource, duckdb_memory_limit, metric_memory_limit
from genai_pipeline.metrics.automation import FOLLOWS_ITS_MARTS
from genai_pipeline.metrics.catalog import registered_metrics
from genai_pipeline.metrics.checks import check_sql, evaluate_checks
from genai_pipeline.metrics.spec import MetricSpec, MetricWindow
from genai_pipeline.metrics.store import write_window
from genai_pipeline.transform.spark_target import dbt_target, engine_pool
from genai_pipeline.transform.sql_engine import DuckDBEngine, SparkEngine, engine_kind, target_engine

GROUP = "backfill_metrics"
NUMERIC_TYPES = ("DECIMAL", "DOUBLE", "FLOAT", "REAL", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT")


def metric_series(columns: Mapping[str, Any]) -> dict[str, str]:
    """Aggregates for a backfill metric's value columns: the mean of each numeric one and
    the share of each allowed value of a categorical one."""
    series = {"rows": "count(*)"}
    for name, column in columns.items():
        if column.values is not None:
            for value in column.values:
                series[f"{name}_{value}_pct"] = f"100.0 * avg(case when {name} = '{value}' then 1 else 0 end)"
        elif column.type.upper().startswith(NUMERIC_TYPES):
            series[f"mean_{name}"] = f"avg({name})"
    return series


def window_of(context: AssetExecutionContext, engine: DuckDBEngine | SparkEngine, spec: MetricSpec) -> MetricWindow:
    """One partition or a whole single-run range (``context.partition_key`` raises on a
    range). A checks-only run has no partition: its checks read every day in the table."""
    if context.has_partition_key or context.has_partition_key_range:
        window = context.partition_time_window
        return MetricWindow(window.start.date(), window.end.date())
    try:
        [(first, last)] = engine.rows(f"select min(metric_date), max(metric_date) from {spec.table}")
    except Exception as error:  # no table yet: duckdb's CatalogException, Spark's TABLE_OR_VIEW_NOT_FOUND
        if not (isinstance(error, duckdb.CatalogException) or "TABLE_OR_VIEW_NOT_FOUND" in str(error)):
            raise
        first = last = None
    if first is None:
        return MetricWindow(dt.date.min, dt.date.min)
    return MetricWindow(first, last + dt.timedelta(days=1))


@contextmanager
def metric_step_memory(engine: DuckDBEngine | SparkEngine) -> Iterator[None]:
    """The step's DuckDB under GENAI_METRIC_MEMORY_LIMIT (a bad value fails the step with its
    message), and the warehouse's limit set back after.

    memory_limit belongs to DuckDB's database, which every connection to the file in this
    process shares (a connection opened meanwhile, e.g. by a test or another step in a threaded
    executor, would keep the lower limit): it is set back before the step's connection closes.
    """
    if not isinstance(engine, DuckDBEngine):  # Spark's memory is the server's
        yield
        return
    try:
        limit = metric_memory_limit()
    except SettingsError as error:
        raise Failure(description=str(error)) from None
    engine.conn.execute(f"set memory_limit = '{limit}'")
    try:
        yield
    finally:
        engine.conn.execute(f"set memory_limit = '{duckdb_memory_limit()}'")


def check_specs(spec: MetricSpec) -> list[AssetCheckSpec]:
    return [
        AssetCheckSpec(name, asset=spec.key, description=description)
        for name, (_, description) in check_sql(spec).items()
    ]


def build_metric_asset(spec: MetricSpec, backfill_policy: BackfillPolicy | None = None) -> AssetsDefinition:
    """The metric as a daily-partitioned asset; a backfill of N days is one run by default."""
    schema = TableSchema(
        columns=[
            TableColumn(spec.entity, "BIGINT", description=f"the {spec.entity.removesuffix('_id')} measured"),
            TableColumn("metric_date", "DATE", description="the partition day the row belongs to"),
            *[
                TableColumn(
                    name, c.type, description=f"{c.description} ({c.bounds()})" if c.bounds() else c.description
                )
                for name, c in spec.columns.items()
            ],
        ]
    )
    asset_spec = AssetSpec(
        spec.key,
        description=spec.description,
        group_name=GROUP,
        deps=[AssetKey(model) for model in spec.reads],
        owners=[spec.owner],
        automation_condition=FOLLOWS_ITS_MARTS,
        kinds={engine_kind(), "sql"},
        metadata={
            "dagster/table_name": spec.table,
            "dagster/column_schema": schema,
            "entity": spec.entity,
            "value_columns": ", ".join(spec.columns),
            "reads": ", ".join(f"marts.{m}" for m in spec.reads),
        },
    )

    # A multi_asset of one, only so the checks can be deselected (jobs built with
    # `without_checks()`): a plain @asset with check_specs cannot be subset.
    @multi_asset(
        name=spec.name,
        specs=[asset_spec],
        check_specs=check_specs(spec),
        partitions_def=daily_partitions,
        backfill_policy=backfill_policy or BackfillPolicy.single_run(),
        # the engine's pool, as the dbt assets' (DBT_TARGET when the code location loads)
        pool=engine_pool(dbt_target()),
        can_subset=True,
    )
    def metric_asset(context: AssetExecutionContext, warehouse: WarehouseResource) -> Iterator:
        selected_checks = {key.name for key in context.selected_asset_check_keys}
        # DBT_TARGET names the engine: the DuckDB warehouse, or the Spark server the marts are on
        with target_engine(warehouse) as engine, metric_step_memory(engine):
            window = window_of(context, engine, spec)
            counts = write_window(engine, spec, window) if spec.key in context.selected_asset_keys else None
            plotted = PlottedTable(spec.table, "metric_date", metric_series(spec.columns))
            days = [day.isoformat() for day in window.days] if counts is not None else []
            # the per-day plot numbers are DuckDB SQL (as for the dbt assets): left out on Spark
            per_partition = partition_metadata(engine.conn, plotted, days) if isinstance(engine, DuckDBEngine) else {}
            outcomes = [o for o in evaluate_checks(engine, spec, window) if o.name in selected_checks]
        # Per-day numbers for the UI's plots, even when one result covers a whole range.
        for partition, numbers in per_partition.items():
            context.add_asset_metadata(numbers, asset_key=spec.key, partition_key=partition)
        if counts is not None:
            rows = sum(counts.values())
            context.log.info(f"{spec.table}: {rows} rows over {len(window.days)} day(s) from {window.start}")
            # One result covers every partition of a range run: per-day counts go in one entry.
            if len(window.days) == 1:
                metadata = {"dagster/row_count": rows}
            else:
                metadata = {"rows_in_run": rows, "days_in_run": len(window.days)}
            metadata["rows_per_day"] = MetadataValue.json({d.isoformat(): counts.get(d, 0) for d in window.days})
            yield MaterializeResult(asset_key=spec.key, metadata=metadata)
        for outcome in outcomes:
            yield AssetCheckResult(
                asset_key=spec.key,
                check_name=outcome.name,
                passed=outcome.passed,
                severity=AssetCheckSeverity.ERROR,
                metadata={"failing_rows": outcome.failing_rows, "sample": MetadataValue.json(outcome.sample)},
            )

    return metric_asset


def build_metric_assets(backfill_policy: BackfillPolicy | None = None) -> list[AssetsDefinition]:
    return [build_metric_asset(spec, backfill_policy) for spec in registered_metrics().values()]
