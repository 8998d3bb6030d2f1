"""A bad row reaches the alert sensor: its check fails in the day's run, and the sensor
(run by `dagster dev`'s daemon) writes one alert per failed check evaluation."""

import datetime as dt
import time

import pytest
import ui_graphql
from e2e_env import day
from raw_edits import rewrite_day

from genai_pipeline.core.paths import raw_zone_path
from genai_pipeline.core.warehouse import connect_with_lock_retry

ALERT_SENSOR = "check_failure_alert_sensor"
ALERT_TIMEOUT_S = 180


pytestmark = pytest.mark.e2e


def test_the_alert_sensor_is_running(ui):
    sensors = {s["name"]: s["sensorState"]["status"] for s in ui_graphql.repository(ui)["sensors"]}
    assert sensors.get(ALERT_SENSOR) == "RUNNING"


@pytest.mark.corrupts_warehouse
def test_a_duplicated_user_fails_the_primary_key_check_and_the_sensor_records_the_alert(ui, server, history):
    # Day 1's users are not re-landed by day 8's run: the copy stays, every model joining
    # users sees the user twice, and fct_generations' day-8 rows of that user double.
    rewrite_day(
        raw_zone_path({}, server.warehouse),
        "users",
        dt.date.fromisoformat(day(1)),
        "select * from day_rows union all (select * from day_rows order by user_id limit 1)",
    )
    run_id = ui_graphql.run_job(ui, "daily_job", day(8))

    failed = {
        (e["assetKey"]["path"][-1], e["checkName"])
        for e in ui_graphql.check_evaluations(ui, run_id)
        if not e["success"]
    }
    assert ("fct_generations", "primary_key_fct_generations_generation_id") in failed
    alerts = wait_for_alerts(server.warehouse, run_id, len(failed))
    assert {(asset, check) for asset, check, *_ in alerts} >= {
        ("fct_generations", "primary_key_fct_generations_generation_id")
    }
    assert len(alerts) == len(failed)
    [(_, _, partition, failing_rows)] = [a for a in alerts if a[1] == "primary_key_fct_generations_generation_id"]
    assert str(partition) == day(8) and failing_rows >= 1


def wait_for_alerts(warehouse, run_id: str, expected: int) -> list[tuple]:
    """The run's rows in the `alerts` table (asset name, check, partition, failing rows), once
    the sensor has written ``expected`` of them; read-only between the sensor's writes."""
    deadline = time.monotonic() + ALERT_TIMEOUT_S
    rows: list[tuple] = []
    while time.monotonic() < deadline:
        conn = connect_with_lock_retry(str(warehouse), timeout_seconds=30, read_only=True)
        try:
            [(table,)] = conn.execute(
                "select table_schema || '.' || table_name from information_schema.tables where table_name = 'alerts'"
            ).fetchall() or [(None,)]
            if table:
                rows = conn.execute(
                    f"select asset_key, check_name, partition_key, failing_rows from {table} where run_id = ?", [run_id]
                ).fetchall()
        finally:
            conn.close()
        if len(rows) >= expected:
            # asset_key as the sensor stores it ("dim_users" or a path): its last component
            return [(str(a).strip('[]"').split("/")[-1].split(",")[-1].strip(' "'), c, p, f) for a, c, p, f in rows]
        time.sleep(5)
    raise AssertionError(f"{len(rows)} of {expected} alerts recorded for run {run_id} after {ALERT_TIMEOUT_S}s")
