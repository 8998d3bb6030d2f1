"""Numbers per daily partition for the UI's asset plots, and a week-over-week summary.

The Plots tab of a partitioned asset charts every numeric metadata entry against the
partition key, taking each partition's latest materialization. A single-run backfill
materializes many partitions from one result, so the numbers are attached per partition
with ``context.add_asset_metadata(..., partition_key=day)``; the Markdown summary goes on
the window's last day, the latest materialization a run makes.
"""

import datetime as dt
import decimal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
from dagster import MetadataValue

SUMMARY_KEY = "summary_last_7_days"
WEEK = 7


@dataclass(frozen=True)
class PlottedTable:
    """A table with one or more rows per day, and the per-day aggregates to chart."""

    relation: str
    day_column: str
    series: Mapping[str, str]  # metadata key -> SQL aggregate over that day's rows


def daily_values(
    conn: duckdb.DuckDBPyConnection, table: PlottedTable, start: dt.date, end: dt.date
) -> dict[dt.date, dict[str, Any]]:
    """Each day in ``start <= day < end`` that has rows -> its aggregates."""
    names = list(table.series)
    selects = ", ".join(f'{sql} as "{name}"' for name, sql in table.series.items())
    rows = conn.execute(
        f"select {table.day_column} as day, {selects} from {table.relation} "
        f"where {table.day_column} >= $start and {table.day_column} < $end group by 1 order by 1",
        {"start": start, "end": end},
    ).fetchall()
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows}


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


def _mean(values: Mapping[dt.date, Mapping[str, Any]], days: Sequence[dt.date], name: str) -> float | None:
    points = [float(values[d][name]) for d in days if d in values and values[d].get(name) is not None]
    return sum(points) / len(points) if points else None


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"
