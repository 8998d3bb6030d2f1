"""Same days, same answers for the backfill metric tables: each registered metric's table on
DuckDB and on Spark, through transform/engine_comparison.py's per-table comparison, keyed by
(entity, metric_date): counts and keys exactly, DECIMAL values exactly, doubles within 1e-9
relative."""

from typing import Any

from genai_pipeline.metrics.catalog import registered_metrics
from genai_pipeline.metrics.spec import SCHEMA
from genai_pipeline.transform.engine_comparison import EngineComparison, compare_table


def compare_metric_tables(
    duckdb_conn: Any, spark_conn: Any, result: EngineComparison | None = None
) -> EngineComparison:
    """Adds every registered metric's table to `result` (a new comparison when None)."""
    result = EngineComparison() if result is None else result
    for spec in registered_metrics().values():
        types = {spec.entity: "bigint", "metric_date": "date"}
        types.update({name: column.type.lower() for name, column in spec.columns.items()})
        key = [spec.entity, "metric_date"]
        compare_table(result, (SCHEMA, spec.name), types, key, duckdb_conn, spark_conn, exact_decimals=True)
    return result
