"""What a backfill metric is, and the decorator that registers one.

A metric is a function ``(conn, window) -> conn.sql(query, params=...)`` over the marts, with one row
per (entity id, metric_date) for the days of ``window`` (end exclusive), declared with
``@backfill_metric``: its entity, the marts it reads, its value columns and their bounds.
metrics/assets.py turns each registered metric into a daily-partitioned asset.
"""

import datetime as dt
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dagster import AssetKey

SCHEMA = "backfill_metrics"
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
    min: float | None = None
    max: float | None = None
    values: tuple[str, ...] | None = None
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
    # (conn, window) -> conn.sql(query, params=...): a DuckDB relation on DuckDB; on Spark, conn is
    # transform/sql_engine.py's SparkEngine and the result the bound query (SQL both engines read)
    compute: Callable[[Any, MetricWindow], Any] = field(repr=False)

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

    def create_table_sql_spark(self) -> str:
        """The table on Spark: Parquet, one partition (folder) per metric_date."""
        columns = [f"{self.entity} BIGINT", *(f"{n} {spark_type(c.type)}" for n, c in self.columns.items())]
        return (
            f"CREATE TABLE IF NOT EXISTS {self.table} ({', '.join(columns)}, metric_date DATE) "
            "USING parquet PARTITIONED BY (metric_date)"
        )

    def column_names(self) -> list[str]:
        return [self.entity, "metric_date", *self.columns]


def spark_type(duckdb_type: str) -> str:
    """A column's DuckDB type as Spark spells it (VARCHAR -> STRING, X[] -> ARRAY<X>)."""
    text = duckdb_type.strip()
    if text.endswith("[]"):
        return f"ARRAY<{spark_type(text[:-2])}>"
    return "STRING" if text.upper() == "VARCHAR" else text


# Every metric registered so far, by name (metrics/catalog.py adds the built-in library).
REGISTRY: dict[str, MetricSpec] = {}


def backfill_metric(
    *,
    entity: str,
    reads: Sequence[str],
    columns: Mapping[str, Column],
    expected: str,
    owner: str = DEFAULT_OWNER,
    name: str | None = None,
    description: str | None = None,
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
        if metric_name in REGISTRY and REGISTRY[metric_name].compute is not fn:
            raise ValueError(f"backfill metric {metric_name!r} is already registered")
        REGISTRY[metric_name] = MetricSpec(
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


def unregister_metric(name: str) -> None:
    REGISTRY.pop(name, None)
