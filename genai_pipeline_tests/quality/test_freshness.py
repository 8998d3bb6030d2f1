"""Freshness of the daily outputs, with the clock moved instead of waited for: yesterday's
partition is due at 02:00 UTC; before that nothing is late, after it a missing day raises
one alert through the alert sensor, and evaluating again does not raise it twice."""

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from dagster import (
    AssetCheckKey,
    AssetKey,
    AssetMaterialization,
    AssetSelection,
    DagsterInstance,
    Definitions,
    RunRequest,
    build_sensor_context,
    define_asset_job,
)

# Test-only: the freshness checks and their sensor read Dagster's clock, which has no public
# way to be set; this is the helper Dagster's own tests use to set it.
from dagster._core.test_utils import freeze_time

from genai_pipeline.alerts.sensors import check_failure_alert_sensor
from genai_pipeline.alerts.sinks import AlertSinks
from genai_pipeline.core.jobs import FRESHNESS_CHECK_NAME
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.definitions import defs
from genai_pipeline.quality.freshness import SENSOR_NAME, fresh_by_deadline

TODAY = dt.date(2026, 3, 15)
YESTERDAY, DAY_BEFORE = "2026-03-14", "2026-03-13"
FRESHNESS_KEYS = [AssetCheckKey(key, FRESHNESS_CHECK_NAME) for key in fresh_by_deadline()]


def run_request(instance: DagsterInstance, request: RunRequest) -> None:
    """What the daemon does with the sensor's request: one run of exactly the requested checks."""
    job = define_asset_job("requested_checks", selection=AssetSelection.checks(*request.asset_check_keys))
    Definitions.merge(defs, Definitions(jobs=[job])).resolve_job_def(job.name).execute_in_process(instance=instance)


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(TODAY.year, TODAY.month, TODAY.day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def instance(tmp_path):
    (tmp_path / "dagster_home").mkdir()
    with DagsterInstance.local_temp(str(tmp_path / "dagster_home")) as instance:
        yield instance


@pytest.fixture
def alert_sinks(tmp_path):
    return AlertSinks(warehouse=WarehouseResource(database=str(tmp_path / "warehouse.duckdb"), lock_timeout_seconds=1))


class Clock:
    """The freshness sensor's ticks at chosen times, each request run like the daemon runs it,
    then one alert-sensor tick; the cursors carry over as they would in the daemon."""

    def __init__(self, instance: DagsterInstance, alert_sinks: AlertSinks):
        self.instance, self.alert_sinks = instance, alert_sinks
        self.freshness_cursor = self.alert_cursor = None
        self.requested: list[list[AssetCheckKey]] = []

    def materialize(self, now: dt.datetime, partition: str, keys=None) -> None:
        with freeze_time(now):
            for key in keys or fresh_by_deadline():
                self.instance.report_runless_asset_event(AssetMaterialization(key, partition=partition))

    def tick(self, now: dt.datetime) -> None:
        sensor = defs.resolve_sensor_def(SENSOR_NAME)
        with freeze_time(now):
            with build_sensor_context(
                instance=self.instance, cursor=self.freshness_cursor, definitions=defs
            ) as context:
                result = sensor.evaluate_tick(context)
                self.freshness_cursor = context.cursor
            for request in result.run_requests or []:
                assert isinstance(request, RunRequest)
                self.requested.append(sorted(request.asset_check_keys, key=str))
                run_request(self.instance, request)
        with build_sensor_context(
            instance=self.instance,
            cursor=self.alert_cursor,
            resources={"alert_sinks": self.alert_sinks},
            definitions=defs,
        ) as context:
            check_failure_alert_sensor.evaluate_tick(context)
            self.alert_cursor = context.cursor

    def alerts(self) -> list[tuple]:
        path = Path(self.alert_sinks.warehouse.database)
        if not path.exists():  # the sinks open the warehouse only when there is an alert
            return []
        with duckdb.connect(str(path), read_only=True) as conn:
            tables = conn.execute("select 1 from information_schema.tables where table_name = 'alerts'").fetchall()
            if not tables:
                return []
            return conn.execute(
                "select asset_key, check_name, severity, partition_key, description, summary from main.alerts"
            ).fetchall()


def test_the_freshness_checks_cover_daily_metrics_and_every_backfill_metric_and_stay_out_of_the_daily_job():
    checked = {key.asset_key for key in FRESHNESS_KEYS}
    assert AssetKey("daily_metrics") in checked
    assert {AssetKey(name) for name in ("prompt_toxicity", "user_lifetime_value")} <= checked
    assert set(FRESHNESS_KEYS) <= set(defs.resolve_asset_graph().asset_check_keys)
    daily = defs.resolve_job_def("daily_job").asset_layer.asset_graph.asset_check_keys
    assert not set(FRESHNESS_KEYS) & set(daily)
    assert defs.resolve_sensor_def(SENSOR_NAME).default_status.value == "RUNNING"


def test_yesterday_missing_before_the_deadline_raises_no_alert(instance, alert_sinks):
    clock = Clock(instance, alert_sinks)
    clock.materialize(at(0, 40) - dt.timedelta(days=1), DAY_BEFORE)
    clock.tick(at(1, 50))
    assert clock.requested == [sorted(FRESHNESS_KEYS, key=str)]
    assert clock.alerts() == []


def test_a_late_day_raises_one_alert_naming_the_partition_and_since_when(instance, alert_sinks):
    clock = Clock(instance, alert_sinks)
    clock.materialize(at(0, 40) - dt.timedelta(days=1), DAY_BEFORE)
    clock.materialize(at(0, 40), YESTERDAY, [key for key in fresh_by_deadline() if key != AssetKey("daily_metrics")])
    clock.tick(at(2, 5))
    [(asset, check, severity, partition, description, summary)] = clock.alerts()
    assert (asset, check, severity, partition) == ("daily_metrics", FRESHNESS_CHECK_NAME, "ERROR", YESTERDAY)
    assert (
        "due by 2026-03-15 02:00 UTC" in description
        and "last materialized (any partition) at 2026-03-14 00:40" in description.lower()
    )
    assert YESTERDAY in summary

    # The sensor does not evaluate a failed check again until the asset is materialized.
    clock.tick(at(2, 40))
    assert len(clock.requested) == 1 and len(clock.alerts()) == 1

    # Another run evaluates the check while the day is still late (a backfill of old days
    # materializing the asset runs its checks too): the same lateness, no second alert.
    with freeze_time(at(2, 50)):
        run_request(
            instance, RunRequest(asset_check_keys=[AssetCheckKey(AssetKey("daily_metrics"), FRESHNESS_CHECK_NAME)])
        )
    clock.tick(at(2, 55))
    assert len(clock.alerts()) == 1

    # The day arrives late: the check is evaluated again, passes, and nothing new is alerted.
    clock.materialize(at(3, 0), YESTERDAY, [AssetKey("daily_metrics")])
    clock.tick(at(3, 5))
    assert clock.requested[-1] == [AssetCheckKey(AssetKey("daily_metrics"), FRESHNESS_CHECK_NAME)]
    assert len(clock.alerts()) == 1


def test_every_day_on_time_raises_no_alert(instance, alert_sinks):
    clock = Clock(instance, alert_sinks)
    clock.materialize(at(0, 40), YESTERDAY)
    clock.tick(at(2, 5))
    assert clock.alerts() == []
