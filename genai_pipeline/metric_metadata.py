"""Numbers per daily partition for the UI's asset plots, and a week-over-week summary.

The Plots tab of a partitioned asset charts every numeric metadata entry against the
partition key, taking each partition's latest materialization. A single-run backfill
materializes many partitions from one result, so the numbers are attached per partition
with ``context.add_asset_metadata(..., partition_key=day)``; the Markdown summary goes on
the window's last day, the latest materialization a run makes.
"""

import datetime as dt
import decimal
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

import duckdb
from dagster import AssetExecutionContext, MetadataValue

from genai_pipeline.partitions import partition_days

SUMMARY_KEY = "summary_last_7_days"
WEEK = 7
NUMERIC_TYPES = ("DECIMAL", "DOUBLE", "FLOAT", "REAL", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT")


@dataclass(frozen=True)
class PlottedTable:
    """A table with one or more rows per day, and the per-day aggregates to chart."""

    relation: str
    day_column: str
    series: Mapping[str, str]  # metadata key -> SQL aggregate over that day's rows


# daily_metrics has one row per day, so each aggregate is that day's value.
DAILY_METRICS_SERIES = {
    "new_users": "sum(new_users)",
    "active_users": "sum(active_users)",
    "sessions": "sum(sessions)",
    "generations": "sum(generations)",
    "success_rate_pct": "avg(success_rate_pct)",
    "revenue_usd": "sum(revenue_usd)",
    "margin_usd": "sum(margin_usd)",
    "avg_friction_score": "avg(avg_friction_score)",
    "avg_latency_ms": "avg(avg_latency_ms)",
}
DBT_SERIES = {"daily_metrics": DAILY_METRICS_SERIES}


def metric_series(columns: Mapping[str, Any]) -> dict[str, str]:
    """Aggregates for a backfill metric's value columns: the mean of each numeric one and
    the share of each allowed value of a categorical one (``Column`` from assets/metrics)."""
    series = {"rows": "count(*)"}
    for name, column in columns.items():
        if column.values is not None:
            for value in column.values:
                series[f"{name}_{value}_pct"] = f"100.0 * avg(case when {name} = '{value}' then 1 else 0 end)"
        elif column.type.upper().startswith(NUMERIC_TYPES):
            series[f"mean_{name}"] = f"avg({name})"
    return series


def daily_values(
    conn: duckdb.DuckDBPyConnection, table: PlottedTable, start: dt.date, end: dt.date
) -> dict[dt.date, dict[str, Any]]:
    """Each day in ``start <= day < end`` that has rows -> its aggregates."""
    names = list(table.series)
    selects = ", ".join(f"{sql} as \"{name}\"" for name, sql in table.series.items())
    rows = conn.execute(
        f"select {table.day_column} as day, {selects} from {table.relation} "
        f"where {table.day_column} >= $start and {table.day_column} < $end group by 1 order by 1",
        {"start": start, "end": end},
    ).fetchall()
    return {row[0]: dict(zip(names, row[1:])) for row in rows}


def partition_metadata(
    conn: duckdb.DuckDBPyConnection, table: PlottedTable, partition_keys: Sequence[str]
) -> dict[str, dict[str, MetadataValue]]:
    """Partition key -> numeric metadata; the last key also gets the weekly Markdown summary.

    A day without rows gets no numbers (a gap in the plot, not a misleading zero).
    """
    if not partition_keys:
        return {}
    days = sorted(dt.date.fromisoformat(key) for key in partition_keys)
    first = min(days[0], days[-1] - dt.timedelta(days=2 * WEEK - 1))
    values = daily_values(conn, table, first, days[-1] + dt.timedelta(days=1))
    result = {day.isoformat(): _numbers(values.get(day, {})) for day in days}
    result[days[-1].isoformat()][SUMMARY_KEY] = MetadataValue.md(weekly_summary(values, table.series, days[-1]))
    return result


def weekly_summary(values: Mapping[dt.date, Mapping[str, Any]], names: Sequence[str], last_day: dt.date) -> str:
    """Markdown: each series' daily average over the 7 days ending ``last_day`` vs the 7 before."""
    this_week = [last_day - dt.timedelta(days=i) for i in range(WEEK)]
    last_week = [day - dt.timedelta(days=WEEK) for day in this_week]
    lines = [
        f"**Last 7 days ({this_week[-1]} to {last_day}) vs the 7 before**, daily averages",
        "",
        "| series | last 7 days | previous 7 days | change |",
        "|---|---:|---:|---:|",
    ]
    for name in names:
        now, before = _mean(values, this_week, name), _mean(values, last_week, name)
        change = "n/a" if now is None or not before else f"{100.0 * (now - before) / abs(before):+.1f}%"
        lines.append(f"| {name} | {_fmt(now)} | {_fmt(before)} | {change} |")
    days_with_data = sum(day in values for day in this_week + last_week)
    lines += ["", f"{days_with_data} of 14 days have data; n/a = no data to compare."]
    return "\n".join(lines)


def add_dbt_partition_metadata(
    conn: duckdb.DuckDBPyConnection, node: Mapping[str, Any], output_name: str, window: Mapping[str, str]
) -> None:
    """Hook for assets/dbt.py: per-partition numbers on a plotted dbt model's materializations.

    Called with the run's dbt window before the model's Output is yielded (Dagster reads
    partition metadata when it handles the Output). Other models and unpartitioned runs: no-op.
    """
    series = DBT_SERIES.get(node["name"])
    day_column = node["config"].get("meta", {}).get("partition_column")
    if series is None or not window or not day_column:
        return
    context = AssetExecutionContext.get()
    table = PlottedTable(f'"{node["schema"]}"."{node["alias"]}"', day_column, series)
    key = context.asset_key_for_output(output_name)
    keys = [day.isoformat() for day in partition_days(context)]
    for partition, metadata in partition_metadata(conn, table, keys).items():
        context.add_asset_metadata(metadata, asset_key=key, partition_key=partition)


def _numbers(values: Mapping[str, Any]) -> dict[str, MetadataValue]:
    numbers: dict[str, MetadataValue] = {}
    for name, value in values.items():
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int):
            numbers[name] = MetadataValue.int(value)
        elif isinstance(value, (float, decimal.Decimal)):
            numbers[name] = MetadataValue.float(round(float(value), 4))
    return numbers


def _mean(values: Mapping[dt.date, Mapping[str, Any]], days: Sequence[dt.date], name: str) -> Optional[float]:
    points = [float(values[d][name]) for d in days if d in values and values[d].get(name) is not None]
    return sum(points) / len(points) if points else None


def _fmt(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:,.2f}"
