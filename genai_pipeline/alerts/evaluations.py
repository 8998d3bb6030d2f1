"""Failed asset-check evaluations from the Dagster instance's event log, in storage order.

Only the instance is read (the evaluation events and their runs), never how a check ran,
so dbt tests, Python checks and anomaly checks are handled alike.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Optional

from dagster import AssetCheckEvaluation, AssetCheckKey, DagsterEventType, DagsterInstance, EventRecordsFilter
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)

from genai_pipeline.alerts.alert import Alert, alert_from_evaluation

BATCH_LIMIT = 500
# A run whose process died without run monitoring stays STARTED forever: past this age its
# evaluations are alerted anyway rather than holding back every later alert.
MAX_WAIT_SECONDS = 3600.0


@dataclass(frozen=True)
class EvaluationBatch:
    alerts: list[Alert]
    # Storage id of the last evaluation consumed: the sensor's next cursor.
    next_cursor: int
    evaluations_read: int
    # A run still in progress: its evaluations (and everything after) wait for the next tick,
    # so an alert only goes out once the run's outcome (and its evidence) is final.
    waiting_for_run: Optional[str] = None


def run_url(base_url: str, run_id: str) -> str:
    return f"{base_url.rstrip('/')}/runs/{run_id}"


def run_partition(tags: dict[str, str]) -> Optional[str]:
    if PARTITION_NAME_TAG in tags:
        return tags[PARTITION_NAME_TAG]
    if ASSET_PARTITION_RANGE_START_TAG in tags:
        return f"{tags[ASSET_PARTITION_RANGE_START_TAG]}...{tags.get(ASSET_PARTITION_RANGE_END_TAG, '')}"
    return None


def failed_evaluations(
    instance: DagsterInstance,
    after_storage_id: int,
    base_url: str,
    describe: Callable[[AssetCheckKey], Optional[str]] = lambda key: None,
    limit: int = BATCH_LIMIT,
    max_wait_seconds: float = MAX_WAIT_SECONDS,
) -> EvaluationBatch:
    records = instance.event_log_storage.get_event_records(
        EventRecordsFilter(event_type=DagsterEventType.ASSET_CHECK_EVALUATION, after_cursor=after_storage_id),
        limit=limit,
        ascending=True,
    )
    runs: dict[str, object] = {}
    alerts, cursor = [], after_storage_id
    for record in records:
        if record.run_id not in runs:
            runs[record.run_id] = instance.get_run_by_id(record.run_id) if record.run_id else None
        run = runs[record.run_id]
        if run is not None and not run.is_finished and time.time() - record.timestamp < max_wait_seconds:
            return EvaluationBatch(alerts, cursor, len(records), waiting_for_run=record.run_id)
        cursor = record.storage_id
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if not isinstance(evaluation, AssetCheckEvaluation) or evaluation.passed:
            continue
        alerts.append(
            alert_from_evaluation(
                evaluation,
                storage_id=record.storage_id,
                run_id=record.run_id,
                timestamp=record.timestamp,
                partition_key=run_partition(dict(run.tags)) if run is not None else None,
                run_url=run_url(base_url, record.run_id),
                description=describe(evaluation.asset_check_key),
            )
        )
    return EvaluationBatch(alerts, cursor, len(records))
