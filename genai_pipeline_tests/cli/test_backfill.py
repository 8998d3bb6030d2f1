"""`genai-pipeline backfill` end to end: real Dagster partition backfills over marts built
once per session by dbt, executed by the backfill daemon's own iteration."""

import datetime as dt
import hashlib
import logging
import os
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, AssetMaterialization, AssetSelection, DagsterInstance, materialize
from dagster._core.execution.backfill import BulkActionStatus
from dagster._daemon.backfill import execute_backfill_iteration
from dagster._daemon.types import DaemonHeartbeat

from genai_pipeline.cli import backfill_engine as engine
from genai_pipeline.cli.main import build_parser
from genai_pipeline.core.checksums import table_checksums
from genai_pipeline.core.partitions import PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG
from genai_pipeline.metrics.catalog import registered_metrics

pytestmark = pytest.mark.slow

DAYS = ["2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04"]
EXPECTED = {
    "prompt_toxicity": "select prompt_date, count(*) from marts.dim_prompts group by 1",
    "session_engagement_score": "select session_date, count(*) from marts.fct_sessions group by 1",
    "generation_quality_flag": "select generation_date, count(*) from marts.fct_generations group by 1",
    "user_lifetime_value": (
        "select d, count(*) from marts.dim_users, (select distinct session_date as d from marts.fct_sessions) "
        "where signup_date <= d group by 1"
    ),
}


@pytest.fixture(scope="session")
def marts() -> Path:
    """Raw + dbt models (no checks) for DAYS in one single-run range: dbt runs once. In the
    warehouse the code location's resource opens, since the backfills run through it."""
    from genai_pipeline.definitions import defs
    from genai_pipeline.landing.raw_asset import raw_activity
    from genai_pipeline.transform.assets import dbt_models

    warehouse = Path(defs.resources["warehouse"].database)
    result = materialize(
        [raw_activity, dbt_models],
        selection=AssetSelection.all().without_checks(),
        resources={"warehouse": defs.resources["warehouse"], "dbt": defs.resources["dbt"]},
        instance=DagsterInstance.ephemeral(),
        tags={PARTITION_RANGE_START_TAG: DAYS[0], PARTITION_RANGE_END_TAG: DAYS[-1]},
    )
    assert result.success
    return warehouse


@pytest.fixture
def warehouse(marts: Path, monkeypatch) -> Path:
    """The session's marts, with no metric computed yet; the CLI reads the same path."""
    monkeypatch.setenv("GENAI_DUCKDB_PATH", str(marts))
    with duckdb.connect(str(marts)) as conn:
        conn.execute("drop schema if exists backfill_metrics cascade")
    return marts


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh Dagster home that knows the marts' days (as `simulate` would have left it)."""
    from genai_pipeline.instance.home import dagster_home

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    path = dagster_home()
    with DagsterInstance.get() as instance:
        for day in DAYS:
            instance.report_runless_asset_event(AssetMaterialization(asset_key="fct_generations", partition=day))
    return path


def cli(*argv: str) -> int:
    from genai_pipeline.cli.backfill import run_backfill

    args = build_parser().parse_args(["backfill", *argv])
    return run_backfill(args)


def checksums(path: Path) -> dict:
    with duckdb.connect(str(path), read_only=True) as conn:
        return table_checksums(conn, ("backfill_metrics",))


def rows_per_day(path: Path, name: str) -> dict:
    with duckdb.connect(str(path), read_only=True) as conn:
        got = conn.execute(
            f"select metric_date, count(*), count(distinct {registered_metrics()[name].entity}) "
            f"from backfill_metrics.{name} group by 1"
        ).fetchall()
        expected = dict(conn.execute(EXPECTED[name]).fetchall())
    return {day: (rows, distinct, expected.get(day)) for day, rows, distinct in got}


def backfills(home: Path):
    with DagsterInstance.from_config(str(home)) as instance:
        return [(b, engine.backfill_runs(instance, b.backfill_id)) for b in instance.get_backfills()]


def test_backfill_all_fills_every_entity_of_every_day_once_in_one_run(warehouse, home, capsys):
    assert cli("--all") == 0
    out = capsys.readouterr().out
    for name in EXPECTED:
        per_day = rows_per_day(warehouse, name)
        assert sorted(d.isoformat() for d in per_day) == DAYS, name
        assert all(rows == distinct == expected > 0 for rows, distinct, expected in per_day.values()), (name, per_day)
        assert f"{name}" in out and "4/4 partitions" in out
    # The metric checks judge the backfilled days; the freshness checks (run with every
    # materialization) judge today's clock, which is long past these days: reported apart.
    assert out.count("checks 4/4 passed") == len(EXPECTED)
    assert {line.split()[2].split("'")[0] for line in out.splitlines() if "not fresh:" in line} == set(EXPECTED)
    [(backfill, runs)] = backfills(home)
    assert backfill.status == BulkActionStatus.COMPLETED_SUCCESS
    assert backfill.is_asset_backfill and set(backfill.asset_selection) == {AssetKey(n) for n in EXPECTED}
    assert len(runs) == 1 and runs[0].status.value == "SUCCESS"  # single-run policy: one run, four days
    # the name `dagster dev -w workspace.yaml` gives the location: the UI links the run to it
    assert runs[0].tags["dagster/code_location"] == "genai_pipeline.definitions:defs"
    with DagsterInstance.from_config(str(home)) as instance:
        for name in EXPECTED:
            assert instance.get_materialized_partitions(AssetKey(name)) == set(DAYS)


def test_rerunning_is_idempotent_and_one_run_per_day_gives_the_same_rows(warehouse, home):
    assert cli("--all") == 0
    first = checksums(warehouse)
    assert cli("--all", "--from", DAYS[1], "--to", DAYS[2]) == 0
    assert checksums(warehouse) == first
    assert cli("--all", "--per-partition") == 0
    assert checksums(warehouse) == first
    backfill, runs = backfills(home)[0]  # newest first
    assert backfill.status == BulkActionStatus.COMPLETED_SUCCESS and len(runs) == len(DAYS)
    assert sorted(run.tags[PARTITION_RANGE_START_TAG] for run in runs) == DAYS
    assert all(run.tags[PARTITION_RANGE_END_TAG] == run.tags[PARTITION_RANGE_START_TAG] for run in runs)


def test_dry_run_leaves_the_warehouse_byte_identical_and_previews_the_rows(warehouse, home, capsys):
    assert cli("--metric", "session_engagement_score") == 0
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    capsys.readouterr()
    assert cli("--all", "--dry-run") == 0
    out = capsys.readouterr().out
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before
    assert not Path(str(warehouse) + ".wal").exists()
    assert len(backfills(home)) == 1  # the dry run created no backfill
    for day in DAYS:
        line = next(line for line in out.splitlines() if line.startswith(day))
        assert line.count("redo") == 1 and line.count("new") == 3  # only session_engagement_score was filled
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        sessions = conn.execute("select count(*) from marts.fct_sessions where session_date = ?", [DAYS[0]]).fetchone()[
            0
        ]
    assert f"{sessions:,} redo" in next(line for line in out.splitlines() if line.startswith(DAYS[0]))


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--metric", "no_such_metric"], "unknown metric 'no_such_metric'"),
        (["--all", "--from", DAYS[2], "--to", DAYS[0]], "is after --to"),
        (["--all", "--from", DAYS[0], "--to", "2025-12-20"], "have no marts yet"),
        (["--all", "--from", "2020-01-01"], "outside the daily partitions"),
        (["--list", "--dry-run"], "go with --metric or --all"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(warehouse, home, capsys, argv, message):
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    assert cli(*argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before
    assert backfills(home) == []


def test_list_shows_each_metric_its_table_and_partitions_filled(warehouse, home, capsys):
    assert cli("--metric", "prompt_toxicity", "--from", DAYS[0], "--to", DAYS[1]) == 0
    capsys.readouterr()
    assert cli("--list") == 0
    lines = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[1:5]}
    assert set(lines) == set(EXPECTED)
    assert lines["prompt_toxicity"][1:4] == ["backfill_metrics.prompt_toxicity", "2", "4"]
    assert lines["user_lifetime_value"][2:4] == ["0", "4"]


def test_a_backfill_launched_like_the_ui_completes_when_the_daemon_runs_it(warehouse, home):
    """The UI's launchPartitionBackfill adds a REQUESTED asset backfill; the daemon's backfill
    iteration (the real one, over every requested backfill) plans and submits its run."""
    instance = engine.inprocess_instance(home)
    with instance, engine.workspace_context(instance) as workspace:
        asset_graph = workspace.create_request_context().asset_graph
        backfill_id = engine.submit_asset_backfill(
            instance, asset_graph, [AssetKey("generation_quality_flag")], DAYS, {}, "ui", "from the UI"
        )
        assert instance.get_backfill(backfill_id).status == BulkActionStatus.REQUESTED
        for _ in range(5):
            list(execute_backfill_iteration(workspace, logging.getLogger("test")))
            instance.run_launcher.execute_launched()
            if engine.is_done(instance, backfill_id):
                break
        assert instance.get_backfill(backfill_id).status == BulkActionStatus.COMPLETED_SUCCESS
        runs = engine.backfill_runs(instance, backfill_id)
        assert len(runs) == 1 and runs[0].tags["dagster/asset_partition_range_start"] == DAYS[0]
    per_day = rows_per_day(warehouse, "generation_quality_flag")
    assert len(per_day) == 4 and all(r == d == e for r, d, e in per_day.values())


def test_a_running_daemon_is_detected_by_its_heartbeat(home):
    with DagsterInstance.get() as instance:
        assert not engine.daemon_is_running(instance)
        now = dt.datetime.now().timestamp()
        instance.add_daemon_heartbeat(DaemonHeartbeat(now, "BACKFILL", "test-daemon", None))
        assert engine.daemon_is_running(instance)
        assert not engine.daemon_is_running(instance, now=now + engine.DAEMON_STALE_SECONDS + 1)


@pytest.mark.skipif(
    not os.environ.get("TEST_REAL_DAGSTER_DAEMON"),
    reason="starts dagster-daemon (~1.5 min); set TEST_REAL_DAGSTER_DAEMON=1",
)
def test_with_a_real_daemon_running_the_cli_leaves_the_backfill_to_it(warehouse, home, capsys):
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parents[2]
    instance = engine.inprocess_instance(home)
    with instance, engine.workspace_context(instance) as workspace:
        # only the backfill should run: the daily schedule would simulate yesterday
        location = workspace.create_request_context().get_code_location(engine.LOCATION_NAME)
        schedule = next(iter(location.get_repositories().values())).get_schedule("daily_schedule")
        instance.stop_schedule(schedule.get_remote_origin_id(), schedule.selector_id, schedule)
    daemon = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", str(root / "workspace.yaml")],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        with DagsterInstance.get() as probe:
            while not engine.daemon_is_running(probe):
                assert time.monotonic() < deadline and daemon.poll() is None, "the daemon did not start"
                time.sleep(1)
        assert cli("--metric", "session_engagement_score") == 0
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
    assert "a Dagster daemon is running" in capsys.readouterr().out
    per_day = rows_per_day(warehouse, "session_engagement_score")
    assert len(per_day) == len(DAYS) and all(r == d == e for r, d, e in per_day.values())
