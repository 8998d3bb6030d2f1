"""`genai-pipeline simulate` end to end: real runs on a temp Dagster home and warehouse."""

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

from genai_pipeline.cli.main import main
from genai_pipeline.cli.simulate import UsageError, plan_days
from genai_pipeline.core.checksums import raw_zone_checksums, table_checksums
from genai_pipeline.core.paths import raw_zone_path
from genai_pipeline.definitions import defs

SCHEMAS = ("marts", "metrics")  # raw: the raw zone beside the warehouse
NOW = dt.datetime(2026, 1, 31, 12, tzinfo=dt.UTC)


@pytest.fixture
def pipeline_env(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("GENAI_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    # monkeypatch restores both variables even after simulate sets them directly.
    yield tmp_path / "warehouse.duckdb", home


def metric_days(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return [str(r[0]) for r in conn.execute("select metric_date from metrics.daily_metrics order by 1").fetchall()]


def checksums(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return table_checksums(conn, SCHEMAS) | raw_zone_checksums(raw_zone_path({}, warehouse))


def test_horizon_planning_skips_days_already_done():
    done = {dt.date(2025, 12, 1), dt.date(2025, 12, 2), dt.date(2025, 12, 3)}
    assert plan_days(5, None, done, now=NOW) == [dt.date(2025, 12, 4), dt.date(2025, 12, 5)]
    assert plan_days(3, None, done, now=NOW) == []
    assert plan_days(2, dt.date(2025, 12, 2), done, now=NOW) == [dt.date(2025, 12, 2), dt.date(2025, 12, 3)]


@pytest.mark.parametrize(
    "days, start, message",
    [
        (0, None, "--days must be a positive integer"),
        (3, dt.date(2025, 11, 30), "outside the partitions"),
        (10, dt.date(2026, 1, 28), "after the last complete day"),
    ],
)
def test_bad_plans_are_refused(days, start, message):
    with pytest.raises(UsageError, match=message):
        plan_days(days, start, set(), now=NOW)


@pytest.mark.parametrize(
    "argv, env",
    [
        (["simulate", "--days", "0"], {}),
        (["simulate", "--days", "three"], {}),
        (["simulate", "--start", "2025-02-30"], {}),
        (["simulate", "--start", "2020-01-01"], {}),
        (["simulate", "--bogus"], {}),
        (["simulate", "--days", "2"], {"GENAI_BASE_USERS": "lots"}),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(pipeline_env, monkeypatch, capsys, argv, env):
    warehouse, home = pipeline_env
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "error" in err
    assert not warehouse.exists()
    assert list(home.iterdir()) == []


@pytest.mark.slow
def test_simulate_runs_each_day_through_dagster_and_continues(pipeline_env, capsys):
    warehouse, _ = pipeline_env
    assert main(["simulate", "--days", "3"]) == 0
    out = capsys.readouterr().out
    assert metric_days(warehouse) == ["2025-12-01", "2025-12-02", "2025-12-03"]
    assert "Day  1 (2025-12-01)  +2000" in out and "Weekly growth" in out and "0 failed" in out
    instance = DagsterInstance.get()
    runs = instance.get_runs(RunsFilter(tags={"genai/source": "simulate"}))
    assert sorted(r.tags["dagster/partition"] for r in runs) == ["2025-12-01", "2025-12-02", "2025-12-03"]
    assert {r.status for r in runs} == {DagsterRunStatus.SUCCESS}
    every_check = defs.resolve_job_def("daily_job").asset_layer.asset_graph.asset_check_keys
    for run in runs:
        evaluations = [
            entry.dagster_event.event_specific_data
            for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
        ]
        assert {e.asset_check_key for e in evaluations} == set(every_check)
        assert len(evaluations) == len(every_check)
        assert [e.asset_check_key for e in evaluations if not e.passed] == []
    after_three = checksums(warehouse)

    assert main(["simulate", "--days", "5"]) == 0
    assert metric_days(warehouse) == ["2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04", "2025-12-05"]
    runs = instance.get_runs(RunsFilter(tags={"genai/source": "simulate"}))
    assert len(runs) == 5

    batch_home = warehouse.parent / "batch-home"
    batch_home.mkdir()
    os.environ["DAGSTER_HOME"] = str(batch_home)
    batch_warehouse = warehouse.parent / "batch" / "warehouse.duckdb"
    batch_warehouse.parent.mkdir()
    os.environ["GENAI_DUCKDB_PATH"] = str(batch_warehouse)
    assert main(["simulate", "--days", "3", "--batch"]) == 0
    assert checksums(batch_warehouse) == after_three


@pytest.mark.slow
def test_reset_wipes_the_warehouse_and_the_partitions_first(pipeline_env, capsys):
    warehouse, _ = pipeline_env
    assert main(["simulate", "--days", "2", "--skip-dbt"]) == 0
    assert main(["simulate", "--days", "1", "--skip-dbt", "--reset"]) == 0
    out = capsys.readouterr().out
    assert f"Reset: deleting warehouse {warehouse}, raw zone {raw_zone_path({}, warehouse)}" in out
    landed = sorted(p.name for p in (raw_zone_path({}, warehouse) / "generations").iterdir())
    assert landed == ["partition_date=2025-12-01"]
