"""Per-partition numbers on the materializations of the dbt models the UI plots."""

from collections.abc import Mapping
from typing import Any

import duckdb
from dagster import AssetExecutionContext

from genai_pipeline.core.partition_metadata import PlottedTable, partition_metadata
from genai_pipeline.core.partitions import partition_days

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
PLOTTED_MODELS = {"daily_metrics": DAILY_METRICS_SERIES}


def add_partition_metadata(
    context: AssetExecutionContext,
    conn: duckdb.DuckDBPyConnection,
    node: Mapping[str, Any],
    output_name: str,
    window: Mapping[str, str],
) -> None:
    """Attaches each day's numbers to a plotted model's partitions.

    Called with the run's dbt window before the model's Output is yielded (Dagster reads
    partition metadata when it handles the Output). Other models and unpartitioned runs: no-op.
    """
    series = PLOTTED_MODELS.get(node["name"])
    day_column = node["config"].get("meta", {}).get("partition_column")
    if series is None or not window or not day_column:
        return
    table = PlottedTable(f'"{node["schema"]}"."{node["alias"]}"', day_column, series)
    key = context.asset_key_for_output(output_name)
    keys = [day.isoformat() for day in partition_days(context)]
    for partition, metadata in partition_metadata(conn, table, keys).items():
        context.add_asset_metadata(metadata, asset_key=key, partition_key=partition)
