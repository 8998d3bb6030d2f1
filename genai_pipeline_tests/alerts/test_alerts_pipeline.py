"""Alerts end to end on the real daily job: one module-scoped history, the sensor ticked
after each run, as the daemon would.

  2025-12-01..30  a clean 30-day simulation, one run      -> no alert (anomaly checks score 23 days)
  2025-12-31      a user from country 'XX' (warn test)    -> one WARN alert, downstream built,
                  and an outage: 10% of the sessions      -> the volume anomaly checks and the
                                                             per-tier volume rule alert
  2026-01-01      'XX' again + a user without a tier      -> WARN again + ERROR, downstream blocked
"""

import json

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, build_sensor_context
from pipeline_support import run_day

import genai_pipeline.landing.raw_tables as raw_module
from genai_pipeline.alerts.sensors import check_failure_alert_sensor
from genai_pipeline.alerts.sinks import AlertSinks
from genai_pipeline.core.partitions import PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.definitions import defs

pytestmark = pytest.mark.slow

CLEAN = ("2025-12-01", "2025-12-30")
WARN_DAY, ERROR_DAY = "2025-12-31", "2026-01-01"
COUNTRY_CHECK = "source_accepted_values_raw_users_country__US__GB__DE__FR__IN__BR__JP__CA__KR__ES"
TIER_CHECK = "source_not_null_raw_users_user_tier"


def foreign_country(frames):
    users = frames["users"].copy()
    users["country"] = users["country"].astype(str)
    users.loc[users.index[0], "country"] = "XX"
    return {**frames, "users": users}


def missing_tier(frames):
    users = frames["users"].copy()
    users["user_tier"] = users["user_tier"].astype(object)
    users.loc[users.index[1], "user_tier"] = None
    return {**frames, "users": users}


def outage(frames):
    """A tenth of the sessions, with their prompts and generations: a volume drop that
    breaks no data rule."""
    sessions = frames["sessions"].iloc[::10]
    kept = set(sessions["session_id"])
    return {
        **frames,
        "sessions": sessions,
        "prompts": frames["prompts"][frames["prompts"]["session_id"].isin(kept)],
        "generations": frames["generations"][frames["generations"]["session_id"].isin(kept)],
    }


INJECTIONS = {WARN_DAY: [foreign_country, outage], ERROR_DAY: [foreign_country, missing_tier]}


def alert_rows(warehouse, run_id: str) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        cursor = conn.execute("select * from main.alerts where run_id = ? order by check_name", [run_id])
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("alerts") / "warehouse.duckdb"
    sinks = AlertSinks(warehouse=WarehouseResource(database=str(warehouse)), dagster_url="http://ui.example")
    state = {"cursor": None}

    def tick() -> int:
        with build_sensor_context(
            instance=instance, cursor=state["cursor"], resources={"alert_sinks": sinks}, definitions=defs
        ) as context:
            state["cursor"] = check_failure_alert_sensor.evaluate_tick(context).cursor
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            tables = conn.execute("select count(*) from duckdb_tables() where table_name = 'alerts'").fetchall()[0][0]
            return conn.execute("select count(*) from main.alerts").fetchall()[0][0] if tables else 0

    generate = raw_module.generate_day

    def injected(settings, day):
        frames = generate(settings, day)
        for inject in INJECTIONS.get(day.isoformat(), []):
            frames = inject(frames)
        return frames

    runs, totals = {}, {}
    with DagsterInstance.ephemeral() as instance, pytest.MonkeyPatch.context() as patch:
        patch.setattr(raw_module, "generate_day", injected)
        runs["clean"] = defs.resolve_job_def("daily_job").execute_in_process(
            instance=instance,
            tags={PARTITION_RANGE_START_TAG: CLEAN[0], PARTITION_RANGE_END_TAG: CLEAN[1]},
            resources={"warehouse": WarehouseResource(database=str(warehouse))},
            raise_on_error=False,
        )
        totals["clean"] = tick()
        for day in (WARN_DAY, ERROR_DAY):
            runs[day] = run_day(warehouse, day, instance=instance)
            totals[day] = tick()
            totals[f"{day} again"] = tick()
        yield warehouse, runs, totals


def materialized(result) -> set[AssetKey]:
    return {e.asset_key for e in result.get_asset_materialization_events()}


def downstream_of(key: AssetKey) -> set[AssetKey]:
    graph = defs.resolve_asset_graph()
    found, frontier = set(), {key}
    while frontier:
        children = set().union(*(graph.get(k).child_keys for k in frontier)) - found
        found |= children
        frontier = children
    return found


def test_a_clean_range_of_days_raises_no_alert(history):
    _, runs, totals = history
    assert runs["clean"].success and totals["clean"] == 0
    evaluations = runs["clean"].get_asset_check_evaluations()
    anomaly = [e for e in evaluations if e.check_name.endswith("_anomaly")]
    assert len(anomaly) == 4 and all(e.passed for e in anomaly)
    # every day from the 8th on has the 7 days of history a score needs
    assert all(e.metadata["days_scored"].value == 23 for e in anomaly)


def test_a_warn_failure_alerts_once_with_its_failing_rows_and_lets_the_day_build(history):
    warehouse, runs, totals = history
    result = runs[WARN_DAY]
    [alert] = [a for a in alert_rows(warehouse, result.run_id) if a["asset_key"] == "raw/users"]
    assert (alert["asset_key"], alert["check_name"], alert["severity"]) == ("raw/users", COUNTRY_CHECK, "WARN")
    assert alert["partition_key"] == WARN_DAY and alert["failing_rows"] == 1 and not alert["blocked_downstream"]
    assert [row["value_field"] for row in json.loads(alert["sample"])] == ["XX"]
    assert alert["sample_source"] == "check metadata"
    assert alert["run_url"] == f"http://ui.example/runs/{result.run_id}"
    assert result.success and downstream_of(AssetKey(["raw", "users"])) <= materialized(result)
    # the country, the two volume anomalies and the tiers' volume against the stated model
    assert {a["check_name"] for a in alert_rows(warehouse, result.run_id)} == {
        COUNTRY_CHECK,
        "generations_anomaly",
        "revenue_usd_anomaly",
        "assert_generation_volume_per_tier_fits_the_model",
    }
    assert totals[f"{WARN_DAY} again"] == totals[WARN_DAY] == 4


def test_a_volume_drop_trips_the_generation_and_revenue_anomaly_checks(history):
    warehouse, runs, _ = history
    alerts = [a for a in alert_rows(warehouse, runs[WARN_DAY].run_id) if a["asset_key"] == "daily_metrics"]
    assert {(a["check_name"], a["severity"], a["blocked_downstream"]) for a in alerts} == {
        ("generations_anomaly", "WARN", False),
        ("revenue_usd_anomaly", "WARN", False),
    }
    for alert in alerts:
        [day] = json.loads(alert["sample"])
        assert day["metric_date"] == WARN_DAY and day["z"] < -10 and alert["failing_rows"] == 1
        assert alert["sample_source"] == "check metadata"


def test_an_error_failure_blocks_the_days_downstream_and_says_so(history):
    warehouse, runs, totals = history
    result = runs[ERROR_DAY]
    alerts = {a["check_name"]: a for a in alert_rows(warehouse, result.run_id)}
    assert set(alerts) == {COUNTRY_CHECK, TIER_CHECK}
    error = alerts[TIER_CHECK]
    assert (error["severity"], error["blocked_downstream"], error["failing_rows"]) == ("ERROR", True, 1)
    [row] = json.loads(error["sample"])
    assert row["user_tier"] is None
    assert "NOT materialized" in error["summary"]
    # The same warn check failed in an earlier run: this run alerts it again.
    assert alerts[COUNTRY_CHECK]["severity"] == "WARN"
    assert not result.success
    assert not (downstream_of(AssetKey(["raw", "users"])) & materialized(result))
    assert totals[f"{ERROR_DAY} again"] == totals[ERROR_DAY] == 6
    # Blocked upstream, the anomaly checks did not run at all: no evaluation, no alert.
    assert not [e for e in result.get_asset_check_evaluations() if e.check_name.endswith("_anomaly")]
