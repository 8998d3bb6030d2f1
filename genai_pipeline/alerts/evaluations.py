"""Failed asset-check evaluations of the runs that ended since the last tick.

Only the Dagster instance is read (run-end events, then each run's evaluation events),
never how a check ran, so dbt tests, Python checks and anomaly checks are handled alike.
Runs are found through their end events because those are indexed across runs on every
event-log storage; check evaluations are not (the default SQLite storage shards events per
run). Reading a run once it has ended also means its outcome and evidence are final.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dagster import AssetCheckEvaluation, AssetCheckKey, DagsterEventType, DagsterInstance

from genai_pipeline.alerts.alert import Alert, alert_from_evaluation
from genai_pipeline.core.partitions import run_partition

RUN_END_EVENTS = (DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE, DagsterEventType.RUN_CANCELED)
RUNS_PER_TICK = 25


@dataclass(frozen=True)
class EvaluationBatch:
    alerts: list[Alert]
    # Where each run-end event stream resumes: the sensor's next cursor.
    cursors: dict[str, str]
    runs_read: int
    evaluations_read: int
    has_more: bool


def run_url(base_url: str, run_id: str) -> str:
    return f"{base_url.rstrip('/')}/runs/{run_id}"


def failed_evaluations(
    instance: DagsterInstance,
    cursors: dict[str, str],
    base_url: str,
    describe: Callable[[AssetCheckKey], str | None] = lambda key: None,
    runs_per_tick: int = RUNS_PER_TICK,
) -> EvaluationBatch:
    alerts, next_cursors, runs_read, evaluations_read, has_more = [], dict(cursors), 0, 0, False
    for event_type in RUN_END_EVENTS:
        ended = instance.fetch_run_status_changes(
            event_type, limit=runs_per_tick, cursor=cursors.get(event_type.value), ascending=True
        )
        for run_record in ended.records:
            run = instance.get_run_by_id(run_record.run_id)
            partition = run_partition(dict(run.tags)) if run is not None else None
            records = instance.event_log_storage.get_records_for_run(
                run_record.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
            ).records
            runs_read, evaluations_read = runs_read + 1, evaluations_read + len(records)
            for record in records:
                evaluation = record.event_log_entry.dagster_event.event_specific_data
                if not isinstance(evaluation, AssetCheckEvaluation) or evaluation.passed:
                    continue
                alerts.append(
                    alert_from_evaluation(
                        evaluation,
                        storage_id=record.storage_id,
                        run_id=run_record.run_id,
                        timestamp=record.timestamp,
                        partition_key=partition,
                        run_url=run_url(base_url, run_record.run_id),
                        description=describe(evaluation.asset_check_key),
                    )
                )
        if ended.records:
            next_cursors[event_type.value] = ended.cursor
        has_more = has_more or ended.has_more
    return EvaluationBatch(alerts, next_cursors, runs_read, evaluations_read, has_more)
