"""Dagster's state on a real PostgreSQL (make test-postgres): a throwaway server from Debian's
packages on 127.0.0.1, one fresh database per test, the CLI in child processes as users run it.

  a week of history, the 7th day one daily_job run  -> every check stored and passed
  a 7-day backfill of every metric                   -> each metric's 7 partitions recorded
  a fault in the day's raw data                      -> the alert sensor raises one alert
  a run worker killed mid-run                        -> marked failed, its pool slot freed
  two simulate commands started together             -> both succeed, writes serialized
  `bench storage --smoke`                             -> runs to its end (it needs the server)
"""

import datetime as dt
import re
import uuid

import duckdb
import psycopg2
import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance, DagsterRunStatus, build_sensor_context
from dagster_postgres import PostgresRunStorage
from pipeline_support import run_day
from reliability_support import checksums, child_env, files_containing, run_cli, run_together
from run_in_pool import claimed_slots, start_run_in_pool, wait_for_the_pool_slot

import genai_pipeline.landing.raw_tables as raw_module
from genai_pipeline.alerts.sensors import check_failure_alert_sensor
from genai_pipeline.alerts.sinks import AlertSinks
from genai_pipeline.core.jobs import HOST_TAGS, WORKER_HOST_TAG
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.definitions import defs
from genai_pipeline.instance.local_postgres import create_database, throwaway_postgres
from genai_pipeline.instance.run_recovery import dead_run_worker_sensor
from genai_pipeline.instance.storage import PG_URL_VAR
from genai_pipeline.metrics.catalog import registered_metrics

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

WEEK = [(dt.date(2025, 12, 1) + dt.timedelta(days=i)).isoformat() for i in range(7)]
TIER_CHECK = "source_not_null_raw_users_user_tier"


@pytest.fixture(scope="module")
def server():
    with throwaway_postgres() as url:
        yield url


@pytest.fixture
def storage(server, tmp_path, monkeypatch):
    """A fresh database, the home that points at it, and this process's environment set like
    the CLI's children (so an in-process instance loads the same storage)."""
    url = create_database(server, f"dagster_{uuid.uuid4().hex[:12]}")
    home = tmp_path / "home"
    monkeypatch.setenv(PG_URL_VAR, url)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return url, home


def env_for(storage, warehouse):
    url, home = storage
    return child_env(home, warehouse, **{PG_URL_VAR: url})


def rows(url: str, sql: str) -> list[tuple]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def week(server, tmp_path_factory):
    """Six days in one batch run, then day 7 as one daily_job run, from the CLI."""
    folder = tmp_path_factory.mktemp("week")
    url = create_database(server, "week")
    home, warehouse = folder / "home", folder / "warehouse.duckdb"
    env = child_env(home, warehouse, **{PG_URL_VAR: url})
    log = folder / "cli.log"
    assert run_cli(["simulate", "--days", "6", "--batch"], env, log) == 0, log.read_text()[-3000:]
    assert run_cli(["simulate", "--days", "7"], env, log) == 0, log.read_text()[-3000:]
    with pytest.MonkeyPatch.context() as patch:  # instances loaded here read the same storage
        patch.setenv(PG_URL_VAR, url)
        yield url, home, warehouse, env, log


def test_a_daily_run_and_all_its_checks_are_stored_in_postgres_and_nothing_in_sqlite(week):
    url, home, _, env, log = week
    [passed] = re.findall(r"Checks: (\d+) passed, 0 failed", log.read_text().split("Simulating 1 day")[1])
    assert rows(url, "select count(*), min(status), max(status) from runs") == [(2, "SUCCESS", "SUCCESS")]
    assert not list(home.rglob("*.db")), "no SQLite storage may be created"
    assert env[PG_URL_VAR].split("//")[1].split("@")[0] not in (home / "dagster.yaml").read_text()
    with DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        [day_run] = [r for r in instance.get_runs() if r.tags.get("dagster/partition") == WEEK[-1]]
        assert day_run.tags[WORKER_HOST_TAG] == HOST_TAGS[WORKER_HOST_TAG]
        evaluations = [
            entry.dagster_event.event_specific_data
            for entry in instance.all_logs(day_run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
        ]
    assert len(evaluations) == int(passed) >= 105 and all(e.passed for e in evaluations)


def test_a_seven_day_backfill_of_every_metric_records_each_partition(week):
    url, home, _, env, _ = week
    log = home.parent / "backfill.log"
    assert run_cli(["backfill", "--all", "--from", WEEK[0], "--to", WEEK[-1]], env, log) == 0, log.read_text()[-3000:]
    with DagsterInstance.from_config(str(home)) as instance:
        for spec in registered_metrics().values():
            assert sorted(instance.get_materialized_partitions(spec.key)) == WEEK, spec.name
    assert rows(url, "select status from bulk_actions") == [("COMPLETED_SUCCESS",)]


def test_a_fault_in_the_days_raw_data_raises_exactly_one_alert(week, tmp_path, monkeypatch):
    url, home, warehouse_of_week, _, _ = week
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse_of_week), read_only=True) as source:
        source.execute(f"export database '{tmp_path / 'export'}'")
    with duckdb.connect(str(warehouse)) as target:
        target.execute(f"import database '{tmp_path / 'export'}'")
    generate = raw_module.generate_day

    def tier_missing(settings, day):
        frames = generate(settings, day)
        users = frames["users"].copy()
        users["user_tier"] = users["user_tier"].astype(object)
        users.loc[users.index[0], "user_tier"] = None
        return {**frames, "users": users}

    monkeypatch.setattr(raw_module, "generate_day", tier_missing)
    sinks = AlertSinks(warehouse=WarehouseResource(database=str(warehouse)), dagster_url="http://ui.example")
    with DagsterInstance.from_config(str(home)) as instance:
        cursor = None
        for _ in range(2):  # catch up on the week's clean runs first
            with build_sensor_context(
                instance=instance, cursor=cursor, resources={"alert_sinks": sinks}, definitions=defs
            ) as ctx:
                cursor = check_failure_alert_sensor.evaluate_tick(ctx).cursor
        result = run_day(warehouse, "2025-12-08", instance=instance)
        for _ in range(2):  # a second tick must not alert again
            with build_sensor_context(
                instance=instance, cursor=cursor, resources={"alert_sinks": sinks}, definitions=defs
            ) as ctx:
                cursor = check_failure_alert_sensor.evaluate_tick(ctx).cursor
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        alerts = conn.execute("select check_name from main.alerts where run_id = ?", [result.run_id]).fetchall()
    assert alerts == [(TIER_CHECK,)]


@pytest.mark.parametrize(
    ("tags", "judged"),
    [(HOST_TAGS, True), ({WORKER_HOST_TAG: "another-host"}, False), ({}, False)],
    ids=["this-host", "another-host", "untagged"],
)
def test_a_killed_run_worker_of_this_host_is_failed_and_freed_and_any_other_left_alone(storage, tags, judged):
    from genai_pipeline.instance.home import dagster_home

    dagster_home()
    worker = start_run_in_pool(tags)
    try:
        with DagsterInstance.get() as instance:
            wait_for_the_pool_slot(instance, worker)
            [run] = instance.get_runs()
            dead_run_worker_sensor.evaluate_tick(build_sensor_context(instance=instance))
            assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.STARTED
            worker.kill()
            worker.wait()
            result = dead_run_worker_sensor.evaluate_tick(build_sensor_context(instance=instance))
            if judged:
                assert "marked 1 run(s)" in result.skip_message
                assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.FAILURE
                assert claimed_slots(instance) == []
            else:
                # its pid means nothing here: the worker may be alive on its own host
                assert result.skip_message == "no dead run workers"
                assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.STARTED
    finally:
        worker.kill()
        worker.wait()


def test_two_simulate_commands_started_together_on_a_fresh_database_both_succeed(storage, tmp_path):
    url, home = storage
    warehouse = tmp_path / "warehouse.duckdb"
    env = env_for(storage, warehouse)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    codes = run_together([["simulate", "--days", "3"]] * 2, env, logs)
    assert codes == [0, 0], [log.read_text()[-2000:] for log in logs]
    statuses = rows(url, "select status, count(*) from runs group by status")
    assert dict(statuses)["SUCCESS"] >= 3 and set(dict(statuses)) == {"SUCCESS"}
    assert checksums(warehouse)["marts.fct_generations"][0] > 0
    password = url.split(":")[2].split("@")[0]
    assert files_containing(tmp_path, password) == []
    assert password not in "".join(log.read_text() for log in logs)
    with DagsterInstance.from_config(str(home)) as instance:
        materialized = instance.get_materialized_partitions(AssetKey("daily_metrics"))
    assert len(materialized) == 3


def test_a_smoke_run_of_the_storage_benchmark_runs_to_its_end(capsys, tmp_path, monkeypatch):
    from genai_pipeline.cli.main import main

    monkeypatch.setenv("GENAI_DUCKDB_PATH", str(tmp_path / "unused.duckdb"))
    assert main(["bench", "storage", "--smoke"]) == 0
    out = capsys.readouterr().out
    assert "every storage ran the same runs, every check passing (checked)" in out, out
    rows = re.findall(r"^  (\S+) +[\d.]+s +[\d,]+ +[\d.]+s +[\d,]+$", out, re.MULTILINE)
    assert rows == ["sqlite", "postgres", "postgres-stock"]
