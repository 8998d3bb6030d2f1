"""check_failure_alert_sensor: one alert per failed asset-check evaluation.

Open-source Dagster does not alert on a failed check (and a failed non-blocking check does
not even fail its run). Each tick this sensor takes the runs that ended (success, failure,
cancel) since its cursor and reads their ASSET_CHECK_EVALUATION events. The cursor, kept by
the instance so it survives restarts, holds where each run-end event stream resumes, plus
whether some external delivery is still pending. It only moves after the alerts are in the
warehouse: a locked warehouse means the same runs are read again on the next tick, and the
alerts' stable ids make recording them twice a no-op.
"""

from __future__ import annotations

import json

import duckdb
from dagster import AssetCheckKey, DefaultSensorStatus, SensorEvaluationContext, SkipReason, sensor

from genai_pipeline.alerts.evaluations import failed_evaluations
from genai_pipeline.alerts.sinks import AlertSinks
from genai_pipeline.core.paths import WarehousePathError
from genai_pipeline.core.warehouse import WarehouseLockedError

SENSOR_NAME = "check_failure_alert_sensor"


def parse_cursor(cursor: str | None) -> tuple[dict[str, str], bool]:
    state = json.loads(cursor) if cursor else {}
    return dict(state.get("run_ends", {})), bool(state.get("retry_pending", False))


def make_cursor(run_ends: dict[str, str], retry_pending: bool) -> str:
    return json.dumps({"run_ends": run_ends, "retry_pending": retry_pending}, sort_keys=True)


def check_description(context: SensorEvaluationContext, key: AssetCheckKey) -> str | None:
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
    run_ends, retry_pending = parse_cursor(context.cursor)
    batch = failed_evaluations(
        context.instance, run_ends, alert_sinks.dagster_url, lambda key: check_description(context, key)
    )
    read = f"{batch.runs_read} ended run(s), {batch.evaluations_read} check evaluation(s) read"
    more = "; more runs on the next tick" if batch.has_more else ""
    if not batch.alerts and not retry_pending:
        context.update_cursor(make_cursor(batch.cursors, False))
        return SkipReason(f"{read}, none failed{more}")
    try:
        report = alert_sinks.deliver(batch.alerts, context.log)
    except (WarehouseLockedError, WarehousePathError, duckdb.Error) as error:
        context.log.error(f"{len(batch.alerts)} alert(s) not recorded, retried next tick: {error}")
        return SkipReason(f"warehouse unavailable, {len(batch.alerts)} alert(s) kept for the next tick")
    context.update_cursor(make_cursor(batch.cursors, report.failed > 0))
    return SkipReason(f"{read}; {report}{more}")
