"""The backfill-metric registry: one decorated function -> one daily-partitioned asset.

A metric is a function ``(conn, window) -> DuckDBPyRelation`` over the marts, with one row
per (entity id, metric_date) for the days of ``window`` (end exclusive). The factory turns
it into an asset in group ``backfill_metrics`` that replaces the window's days of its own
table ``backfill_metrics.<name>`` in ONE transaction, then checks them (range, not_null,
one row per entity-day, completeness against the marts). Marts are never altered: a dbt
rebuild would drop a column added to them.
"""

import datetime as dt
import inspect
from dataclasses import dataclass, field
from typing import Callable, Iterator, Mapping, Optional, Sequence

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
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableSchema,
    multi_asset,
)

from genai_pipeline.partitions import daily_partitions
from genai_pipeline.resources import WarehouseResource

SCHEMA = "backfill_metrics"
GROUP = "backfill_metrics"
DEFAULT_OWNER = "team:product-analytics"


@dataclass(frozen=True)
class MetricWindow:
    """The days a run computes: ``start <= day < end`` (Dagster's time window, end exclusive)."""

    start: dt.date
    end: dt.date

    @property
    def params(self) -> dict[str, dt.date]:
        return {"start": self.start, "end": self.end}

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days)]


@dataclass(frozen=True)
class Column:
    """A value column: its DuckDB type, its meaning, and the values it may take."""

    type: str
    description: str
    min: Optional[float] = None
    max: Optional[float] = None
    values: Optional[tuple[str, ...]] = None
    nullable: bool = False

    def bounds(self) -> str:
        """The values allowed, in words ('' when any value goes)."""
        if self.values is not None:
            return "one of " + ", ".join(self.values)
        if self.min is None and self.max is None:
            return ""
        low = "-inf" if self.min is None else f"{self.min:g}"
        high = "+inf" if self.max is None else f"{self.max:g}"
        return f"in [{low}, {high}]"


@dataclass(frozen=True)
class MetricSpec:
    name: str
    description: str
    entity: str
    reads: tuple[str, ...]
    columns: Mapping[str, Column]
    expected: str
    owner: str
    compute: Callable[[duckdb.DuckDBPyConnection, MetricWindow], duckdb.DuckDBPyRelation] = field(repr=False)

    @property
    def table(self) -> str:
        return f"{SCHEMA}.{self.name}"

    @property
    def key(self) -> AssetKey:
        return AssetKey(self.name)

    def create_table_sql(self) -> str:
        columns = [f"{self.entity} BIGINT NOT NULL", "metric_date DATE NOT NULL"]
        columns += [f"{name} {column.type}" for name, column in self.columns.items()]
        return f"CREATE TABLE IF NOT EXISTS {self.table} ({', '.join(columns)})"

    def column_names(self) -> list[str]:
        return [self.entity, "metric_date", *self.columns]


_REGISTRY: dict[str, MetricSpec] = {}


def backfill_metric(
    *,
    entity: str,
    reads: Sequence[str],
    columns: Mapping[str, Column],
    expected: str,
    owner: str = DEFAULT_OWNER,
    name: Optional[str] = None,
    description: Optional[str] = None,
):
    """Registers ``fn(conn, window) -> relation`` as a backfill metric; returns ``fn`` unchanged.

    entity: the id column, one row per (entity, metric_date).
    reads: the mart models it selects from (dbt model names = asset keys): its upstream deps.
    columns: the value columns it returns, in order, with their types, meaning and bounds.
    expected: SQL with ``$start``/``$end`` selecting the (entity id, day) pairs the marts say
        must have a row: the completeness check compares the table against it.
    description: defaults to the function's docstring.
    """

    def register(fn):
        metric_name = name or fn.__name__
        if metric_name in _REGISTRY and _REGISTRY[metric_name].compute is not fn:
            raise ValueError(f"backfill metric {metric_name!r} is already registered")
        _REGISTRY[metric_name] = MetricSpec(
            name=metric_name,
            description=description or inspect.cleandoc(fn.__doc__ or metric_name),
            entity=entity,
            reads=tuple(reads),
            columns=dict(columns),
            expected=expected,
            owner=owner,
            compute=fn,
        )
        return fn

    return register


def registered_metrics() -> dict[str, MetricSpec]:
    """Every registered metric by name (the built-in library included)."""
    import genai_pipeline.metric_library  # noqa: F401  (registers the built-in metrics)

    return dict(_REGISTRY)


def unregister_metric(name: str) -> None:
    _REGISTRY.pop(name, None)


def window_of(context: AssetExecutionContext, conn: duckdb.DuckDBPyConnection, spec: MetricSpec) -> MetricWindow:
    """One partition or a whole single-run range (``context.partition_key`` raises on a
    range). A checks-only run has no partition: its checks read every day in the table."""
    if context.has_partition_key or context.has_partition_key_range:
        window = context.partition_time_window
        return MetricWindow(window.start.date(), window.end.date())
    try:
        [(first, last)] = conn.execute(f"select min(metric_date), max(metric_date) from {spec.table}").fetchall()
    except duckdb.CatalogException:
        first = last = None
    if first is None:
        return MetricWindow(dt.date.min, dt.date.min)
    return MetricWindow(first, last + dt.timedelta(days=1))


def check_specs(spec: MetricSpec) -> list[AssetCheckSpec]:
    from genai_pipeline.metric_store import check_sql

    return [
        AssetCheckSpec(name, asset=spec.key, description=description)
        for name, (_, description) in check_sql(spec).items()
    ]


def build_metric_asset(spec: MetricSpec, backfill_policy: Optional[BackfillPolicy] = None) -> AssetsDefinition:
    """The metric as a daily-partitioned asset; a backfill of N days is one run by default."""
    schema = TableSchema(
        columns=[
            TableColumn(spec.entity, "BIGINT", description=f"the {spec.entity.removesuffix('_id')} measured"),
            TableColumn("metric_date", "DATE", description="the partition day the row belongs to"),
            *[
                TableColumn(name, c.type, description=f"{c.description} ({c.bounds()})" if c.bounds() else c.description)
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
        kinds={"duckdb", "sql"},
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
        pool="duckdb",
        can_subset=True,
    )
    def metric_asset(context: AssetExecutionContext, warehouse: WarehouseResource) -> Iterator:
        from genai_pipeline.metric_metadata import PlottedTable, metric_series, partition_metadata
        from genai_pipeline.metric_store import evaluate_checks, write_window

        selected_checks = {key.name for key in context.selected_asset_check_keys}
        with warehouse.get_connection() as conn:
            window = window_of(context, conn, spec)
            counts = write_window(conn, spec, window) if spec.key in context.selected_asset_keys else None
            plotted = PlottedTable(spec.table, "metric_date", metric_series(spec.columns))
            days = [day.isoformat() for day in window.days] if counts is not None else []
            per_partition = partition_metadata(conn, plotted, days)
            outcomes = [o for o in evaluate_checks(conn, spec, window) if o.name in selected_checks]
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


def build_metric_assets(backfill_policy: Optional[BackfillPolicy] = None) -> list[AssetsDefinition]:
    return [build_metric_asset(spec, backfill_policy) for spec in registered_metrics().values()]

