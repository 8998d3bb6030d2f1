"""Volume anomaly checks on daily_metrics: one check per KPI, scored per day of the run.

Severity WARN: an anomaly is a question for a person (an outage upstream, a tracking bug,
or a real marketing spike), not proof that the data is wrong, so it alerts and never
blocks. A day with too little history passes with `status: skipped, insufficient history`.

Partition-aware through the run: a run of one day scores that day, a single-run range scores
each of its days (the alert names the run's partition or range). The checks are not given a
partitions_def of their own: that is a preview API in Dagster 1.13.
"""

import datetime as dt
from collections.abc import Iterator

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    multi_asset_check,
)

from genai_pipeline.core.partitions import partition_days
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.quality.anomaly_scoring import (
    METRICS,
    MIN_HISTORY_DAYS,
    WINDOW_DAYS,
    Z_THRESHOLD,
    DayScore,
    score_day,
)
from genai_pipeline.transform.spark_target import dbt_target, engine_pool
from genai_pipeline.transform.sql_engine import target_engine

DAILY_METRICS = AssetKey("daily_metrics")
TABLE = "metrics.daily_metrics"


def check_name(metric: str) -> str:
    return f"{metric}_anomaly"


SPECS = [
    AssetCheckSpec(
        check_name(metric),
        asset=DAILY_METRICS,
        description=(
            f"The day's {metric} lies within {Z_THRESHOLD:g} trend-adjusted standard deviations of the previous "
            f"{WINDOW_DAYS} days (scored once {MIN_HISTORY_DAYS} of them exist; genai_pipeline/quality/anomaly_scoring.py)."
        ),
    )
    for metric in METRICS
]


def days_to_score(context: AssetCheckExecutionContext, last_day: dt.date | None) -> list[dt.date]:
    """The run's days (one partition or a range); a checks-only run scores the latest day."""
    if context.has_partition_key or context.has_partition_key_range:
        return partition_days(context)
    return [last_day] if last_day else []


def result(metric: str, scores: list[DayScore]) -> AssetCheckResult:
    anomalies = [s for s in scores if s.anomalous]
    unscored = [s for s in scores if not s.scored]
    worst = max((s for s in scores if s.scored), key=lambda s: abs(s.z), default=None)
    if not scores or len(unscored) == len(scores):
        status = (
            f"skipped, insufficient history: fewer than {MIN_HISTORY_DAYS} of the previous "
            f"{WINDOW_DAYS} days (or no row for the day)"
        )
    else:
        status = f"{len(anomalies)} anomalous day(s) of {len(scores) - len(unscored)} scored"
    return AssetCheckResult(
        asset_key=DAILY_METRICS,
        check_name=check_name(metric),
        passed=not anomalies,
        severity=AssetCheckSeverity.WARN,
        description=status,
        metadata={
            "status": status,
            "days_scored": len(scores) - len(unscored),
            "days_skipped_insufficient_history": len(unscored),
            "max_abs_z": MetadataValue.float(round(abs(worst.z), 3) if worst else 0.0),
            "z_threshold": MetadataValue.float(Z_THRESHOLD),
            "failing_rows": len(anomalies),
            "sample": MetadataValue.json([s.as_row() for s in anomalies[:10]]),
        },
    )


def daily_metrics_rows(warehouse: WarehouseResource, target: str | None = None) -> list[tuple]:
    """(metric_date, each KPI) per day, oldest first, from the engine DBT_TARGET names (the
    DuckDB warehouse or the Spark server the dbt assets built daily_metrics on)."""
    columns = ", ".join(rule.column for rule in METRICS.values())
    with target_engine(warehouse, target) as engine:
        return engine.rows(f"select metric_date, {columns} from {TABLE} order by metric_date")


@multi_asset_check(specs=SPECS, can_subset=True, pool=engine_pool(dbt_target()), name="daily_metrics_anomalies")
def daily_metrics_anomalies(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[AssetCheckResult]:
    rows = daily_metrics_rows(warehouse)
    history = {row[0]: dict(zip(METRICS, row[1:], strict=True)) for row in rows}
    days = days_to_score(context, rows[-1][0] if rows else None)
    selected = {key.name for key in context.selected_asset_check_keys}
    for metric, rule in METRICS.items():
        if check_name(metric) not in selected:
            continue
        series = {day: values[metric] for day, values in history.items()}
        yield result(metric, [score_day(series, day, rule) for day in days])
