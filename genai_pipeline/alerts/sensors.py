"""check_failure_alert_sensor: one alert per failed asset-check evaluation.

Open-source Dagster does not alert on a failed check (and a failed non-blocking check does
not even fail its run), so this sensor walks the instance's ASSET_CHECK_EVALUATION events
in storage order. Its cursor (kept by the instance, so it survives restarts) is the storage
id of the last evaluation it has recorded, plus whether some external delivery is still
pending. The cursor only moves after the alerts are in the warehouse: a locked warehouse
means the same evaluations are read again on the next tick, and their stable alert_id
makes recording them twice a no-op.
"""

from __future__ import annotations

import json
from typing import Optional

import duckdb
from dagster import AssetCheckKey, DefaultSensorStatus, SensorEvaluationContext, SkipReason, sensor

from genai_pipeline.alerts.evaluations import failed_evaluations
from genai_pipeline.alerts.sinks import AlertSinks
from genai_pipeline.paths import WarehousePathError
from genai_pipeline.resources import WarehouseLockedError

SENSOR_NAME = "check_failure_alert_sensor"


def parse_cursor(cursor: Optional[str]) -> tuple[int, bool]:
    state = json.loads(cursor) if cursor else {}
    return int(state.get("after_storage_id", 0)), bool(state.get("retry_pending", False))


def make_cursor(after_storage_id: int, retry_pending: bool) -> str:
    return json.dumps({"after_storage_id": after_storage_id, "retry_pending": retry_pending})


def check_description(context: SensorEvaluationContext, key: AssetCheckKey) -> Optional[str]:
    repository = context.repository_def
    if repository is None or key not in repository.asset_graph.asset_check_keys:
        return None
    return repository.asset_graph.get_check_spec(key).description


@sensor(
    name=SENSOR_NAME,
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Sends one alert per failed asset check (dbt tests, Python and anomaly checks) to the alert sinks.",
)
def check_failure_alert_sensor(context: SensorEvaluationContext, alert_sinks: AlertSinks) -> SkipReason:
    after, retry_pending = parse_cursor(context.cursor)
    batch = failed_evaluations(
        context.instance, after, alert_sinks.dagster_url, lambda key: check_description(context, key)
    )
    waiting = f"; waiting for run {batch.waiting_for_run} to finish" if batch.waiting_for_run else ""
    if not batch.alerts and not retry_pending:
        context.update_cursor(make_cursor(batch.next_cursor, False))
        return SkipReason(f"{batch.evaluations_read} evaluation(s) read, none failed{waiting}")
    try:
        report = alert_sinks.deliver(batch.alerts, context.log)
    except (WarehouseLockedError, WarehousePathError, duckdb.Error) as error:
        context.log.error(f"{len(batch.alerts)} alert(s) not recorded, retried next tick: {error}")
        return SkipReason(f"warehouse unavailable, {len(batch.alerts)} alert(s) kept for the next tick")
    context.update_cursor(make_cursor(batch.next_cursor, report.failed > 0))
    return SkipReason(f"{batch.evaluations_read} evaluation(s) read; {report}{waiting}")
