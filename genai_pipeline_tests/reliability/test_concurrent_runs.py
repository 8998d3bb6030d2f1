"""Many writers at once, serialized by Dagster itself: the run queue and the "duckdb" pool
of the project's dagster.yaml (instance/home.py). DuckDB takes one writer process per file."""

import datetime as dt
import itertools
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter
from reliability_support import ROOT, SMALL, checksums, child_env, kill_tree, run_together

from genai_pipeline.core.warehouse import WarehouseResource

pytestmark = [pytest.mark.slow, pytest.mark.reliability]

DAYS = [(dt.date(2025, 12, 1) + dt.timedelta(days=i)).isoformat() for i in range(6)]
BUILT = ("marts", "metrics")  # with the raw zone (reliability_support.checksums)


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    """The same six days, one daily_job run after another: the reference."""
    from genai_pipeline.definitions import defs

    warehouse = tmp_path_factory.mktemp("sequential") / "warehouse.duckdb"
    job = defs.resolve_job_def("daily_job")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GENAI_BASE_USERS", SMALL["GENAI_BASE_USERS"])
        for day in DAYS:
            resources = {"warehouse": WarehouseResource(database=str(warehouse))}
            assert job.execute_in_process(
                partition_key=day, instance=DagsterInstance.ephemeral(), resources=resources
            ).success
    return checksums(warehouse, BUILT)


def project_home(path):
    """A Dagster home with the dagster.yaml that `make dev` and the CLI write."""
    from genai_pipeline.instance.home import dagster_yaml

    path.mkdir()
    (path / "dagster.yaml").write_text(dagster_yaml(path))
    return path


def write_intervals(instance, runs) -> list[tuple[float, float, str]]:
    """(start, end, run) of every step of these runs that writes the warehouse, from their
    event logs. Not the raw landing: it writes the raw zone's files, in no pool, and may
    overlap anything."""
    intervals = []
    for run in runs:
        starts = {}
        for entry in instance.all_logs(run.run_id):
            kind = entry.dagster_event_type
            if entry.step_key == "raw_activity":
                continue
            if kind == DagsterEventType.STEP_START:
                starts[entry.step_key] = entry.timestamp
            elif kind in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
                intervals.append((starts.pop(entry.step_key), entry.timestamp, run.run_id))
    return sorted(intervals)


def messages(instance, runs) -> list[str]:
    return [f"{entry.message} {entry.error_info or ''}" for run in runs for entry in instance.all_logs(run.run_id)]


def lock_errors(instance, runs) -> list[str]:
    return [m for m in messages(instance, runs) if "could not set lock" in m.lower() or "is locked by" in m]


def test_six_per_partition_runs_queued_at_once_all_succeed_through_the_daemon(tmp_path, sequential):
    """A job backfill (the UI's "one run per partition") queues six runs at once; the
    daemon's run queue launches them, each in its own run worker process."""
    home = project_home(tmp_path / "home")
    warehouse = tmp_path / "warehouse.duckdb"
    # A lock that cannot be waited for: any overlap of writers would fail its run.
    env = child_env(home, warehouse, GENAI_LOCK_TIMEOUT_SECONDS="0")
    bin_dir = Path(sys.executable).parent
    queued = subprocess.run(
        [
            f"{bin_dir}/dagster",
            "job",
            "backfill",
            "-w",
            "workspace.yaml",
            "-j",
            "daily_job",
            "--partitions",
            ",".join(DAYS),
            "--noprompt",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert queued.returncode == 0, queued.stdout + queued.stderr
    log = tmp_path / "daemon.log"
    with log.open("wb") as out:
        daemon = subprocess.Popen(
            [f"{bin_dir}/dagster-daemon", "run", "-w", "workspace.yaml"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        with DagsterInstance.from_config(str(home)) as instance:
            deadline = time.monotonic() + 600
            while True:
                runs = instance.get_runs(RunsFilter(job_name="daily_job"))
                if len(runs) == len(DAYS) and all(r.is_finished for r in runs):
                    break
                assert daemon.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, [(r.status, r.tags.get("dagster/partition")) for r in runs]
                time.sleep(2)
            assert sorted(r.tags["dagster/partition"] for r in runs) == DAYS
            assert {r.status for r in runs} == {DagsterRunStatus.SUCCESS}
            assert lock_errors(instance, runs) == []
            assert all(r.tags.get("dagster/backfill") for r in runs)
    finally:
        kill_tree(daemon)
    assert checksums(warehouse, BUILT) == sequential


def test_two_simulate_commands_started_together_both_succeed_with_writes_serialized(tmp_path, sequential):
    """execute_in_process runs skip the run queue: the pool alone keeps their writers apart."""
    home = project_home(tmp_path / "home")
    warehouse = tmp_path / "warehouse.duckdb"
    env = child_env(home, warehouse)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    # Whole days (raw + dbt, ~10 s each), so that the two commands surely overlap.
    codes = run_together([["simulate", "--days", str(len(DAYS))]] * 2, env, logs)
    assert codes == [0, 0], [log.read_text()[-2000:] for log in logs]
    assert checksums(warehouse, BUILT) == sequential
    with DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert {r.status for r in runs} == {DagsterRunStatus.SUCCESS}
        assert lock_errors(instance, runs) == []
        # the pool made one command's steps wait for the other's
        assert any("blocked by limit for pool duckdb" in m for m in messages(instance, runs))
        intervals = write_intervals(instance, runs)
    assert len({run for *_, run in intervals}) > len(DAYS)  # both commands ran days
    overlaps = [(a, b) for a, b in itertools.pairwise(intervals) if b[0] < a[1]]
    assert overlaps == []
