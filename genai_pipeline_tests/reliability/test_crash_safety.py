"""SIGKILL in the middle of a day's run, at two points, then `simulate` again.

The reference is the same days simulated without a crash. After a kill in the landing, every
raw table-day file must be byte for byte as before the run or as the reference has it (no
half-written file, whatever temp file the kill left); after a kill in dbt every table must be
entirely as before the run or as the reference has it (no half-built model); the Dagster
instance must show the killed run as failed once the next command starts; re-running must
give the reference's checksums and raw files exactly, with no temp file left. Then, on that
recovered warehouse, `simulate` and `backfill` started together must both succeed.
"""

import re
import shutil

import duckdb
import pytest
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter
from reliability_support import (
    SECRETS,
    SMALL,
    DbtLog,
    checksums,
    child_env,
    files_containing,
    kill_tree,
    raw_files,
    run_cli,
    run_together,
    start,
    wait_until,
)

from genai_pipeline.cli.main import main

pytestmark = [pytest.mark.slow, pytest.mark.reliability]
# Checks do not touch the warehouse's tables; without them each dbt build is seconds shorter.
SIMULATE = ["simulate", "--skip-tests"]
COMMITTED = re.compile(r"OK created sql (incremental|table) model")
FINISHED = re.compile(r"Finished running \d+")


def simulate(env, log, days: int) -> None:
    assert run_cli([*SIMULATE, "--days", str(days)], env, log) == 0, log.read_text()


def simulate_here(env: dict, days: int) -> None:
    """The CLI in this (already warm) process: the setup runs that are not killed."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("DAGSTER_HOME", "GENAI_DUCKDB_PATH", *SMALL, *SECRETS):
            patch.setenv(name, env[name])
        assert main([*SIMULATE, "--days", str(days)]) == 0


@pytest.fixture(scope="module")
def crash(tmp_path_factory):
    """Day 1 simulated; a copy of it simulates day 2 without a crash: the reference.

    The tests below then kill day 2 twice in the other copy, in order: in the raw landing,
    then (the next command recovering the first) in the dbt build, and finally redo it.
    """
    root = tmp_path_factory.mktemp("crash")
    crashed, reference = root / "crashed", root / "reference"
    (crashed / "home").mkdir(parents=True)
    # dbt's log file (off by default) shows how far the build got
    env = child_env(crashed / "home", crashed / "warehouse.duckdb", DBT_LOG_LEVEL_FILE="info")
    simulate_here(env, 1)
    shutil.copytree(crashed, reference)
    simulate_here(child_env(reference / "home", reference / "warehouse.duckdb"), 2)
    expected = checksums(reference / "warehouse.duckdb")
    files = raw_files(reference / "warehouse.duckdb")
    return {"root": root, "dir": crashed, "env": env, "log": root / "cli.log", "expected": expected, "files": files}


def in_warehouse(sums: dict) -> dict:
    """The tables of the warehouse file (raw.* are the raw zone's)."""
    return {table: sums[table] for table in sums if not table.startswith("raw.")}


def unfinished_runs(home):
    with DagsterInstance.from_config(str(home)) as instance:
        return [
            r
            for r in instance.get_runs(RunsFilter(tags={"genai/source": "simulate"}))
            if r.status != DagsterRunStatus.SUCCESS
        ]


def test_a_kill_in_the_middle_of_raw_landing_leaves_each_table_day_as_before_or_complete(crash):
    warehouse, home = crash["dir"] / "warehouse.duckdb", crash["dir"] / "home"
    before, before_files = checksums(warehouse), raw_files(warehouse)
    marker = crash["root"] / "landing.paused"
    child = start([*SIMULATE, "--days", "2"], crash["env"], crash["log"], marker=marker)
    try:
        # the child has replaced the day's first file and written the second's temp file
        wait_until(marker.exists, child, "the landing to pause between two files of the day")
    finally:
        kill_tree(child)
    state = raw_files(warehouse)
    temps = [name for name in state if not name.endswith(".parquet")]
    assert len(temps) == 1 and temps[0].split("/")[-1].startswith("."), temps
    landed = {name: data for name, data in state.items() if name.endswith(".parquet")}
    neither = [
        n for n in set(landed) | set(before_files) if landed.get(n) not in (before_files.get(n), crash["files"].get(n))
    ]
    assert neither == [], f"table-days neither as before nor complete: {neither}"
    changed = [n for n in landed if landed[n] != before_files.get(n)]
    assert len(changed) == 1, "the kill came before or after the landing, not in its middle"
    assert in_warehouse(checksums(warehouse)) == in_warehouse(before)
    [killed] = unfinished_runs(home)
    assert killed.status == DagsterRunStatus.STARTED  # nothing in the dead process could say otherwise
    crash["killed"] = [killed.run_id]


def test_a_kill_in_the_middle_of_the_dbt_build_leaves_each_table_old_or_new_and_simulate_redoes_the_day(crash):
    warehouse, home = crash["dir"] / "warehouse.duckdb", crash["dir"] / "home"
    before, after = checksums(warehouse), crash["expected"]
    dbt_log = DbtLog(crash["root"])
    # this command first fails the run killed above, or its pool slot would block it for ever
    child = start([*SIMULATE, "--days", "2"], crash["env"], crash["log"])
    try:
        # dbt's own log: at least one table model committed, the build not finished
        wait_until(lambda: COMMITTED.search(dbt_log.text()) is not None, child, "dbt to commit its first table")
    finally:
        kill_tree(child)
    assert FINISHED.search(dbt_log.text()) is None, "dbt had finished: the kill came too late to test anything"
    state = checksums(warehouse)
    assert set(state) == set(after)
    mixed = {t: state[t] for t in after if state[t] not in (before.get(t), after[t])}
    assert mixed == {}, f"tables neither fully old nor fully new: {mixed}"
    assert all(state[t] == after[t] for t in after if t.startswith("raw.")), "the raw day committed before dbt"
    models = [t for t in after if not t.startswith("raw.")]
    assert any(state[t] == after[t] != before.get(t) for t in models), "no model committed before the kill"
    assert any(state[t] != after[t] for t in models), "every model was rebuilt: the kill was not mid-build"

    simulate(crash["env"], crash["log"], 2)
    assert checksums(warehouse) == after
    assert raw_files(warehouse) == crash["files"]  # the day whole again, no temp file left
    killed = [r.run_id for r in unfinished_runs(home)]
    earlier = crash.get("killed", [])  # the landing kill's run, when that test ran first
    assert len(killed) == 1 + len(earlier) and set(earlier) <= set(killed)
    for run_id in killed:
        assert_marked_failed(home, run_id)
    crash["killed"] = killed
    assert "Day  2 (2025-12-02)" in crash["log"].read_text().rsplit("Simulating", 1)[1]


def test_afterwards_simulate_and_backfill_started_together_both_succeed(crash):
    warehouse, home = crash["dir"] / "warehouse.duckdb", crash["dir"] / "home"
    logs = [crash["root"] / "together-simulate.log", crash["root"] / "together-backfill.log"]
    codes = run_together([[*SIMULATE, "--days", "3"], ["backfill", "--all"]], crash["env"], logs)
    assert codes == [0, 0], [log.read_text()[-2000:] for log in logs]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        mart_days = conn.execute("select count(distinct generation_date) from marts.fct_generations").fetchone()[0]
        metric_days = conn.execute(
            "select count(distinct metric_date) from backfill_metrics.generation_quality_flag"
        ).fetchone()[0]
    assert mart_days == 3 and metric_days >= 2
    killed = set(crash.get("killed", []))
    with DagsterInstance.from_config(str(home)) as instance:
        assert {r.status for r in instance.get_runs() if r.run_id not in killed} == {DagsterRunStatus.SUCCESS}


def test_no_secret_from_the_environment_reaches_a_log_or_the_instance(crash):
    # runs after the crashes above: their dbt logs, CLI output and event logs are all here
    for secret in (SECRETS["SLACK_BOT_TOKEN"], "sentinel-hook"):
        assert files_containing(crash["root"], secret) == []


def assert_marked_failed(home, run_id: str) -> None:
    with DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_run_by_id(run_id)
        assert run.status == DagsterRunStatus.FAILURE
        [failure] = instance.all_logs(run_id, of_type=DagsterEventType.RUN_FAILURE)
        assert "is gone (killed or crashed)" in failure.message
        assert instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots == []
