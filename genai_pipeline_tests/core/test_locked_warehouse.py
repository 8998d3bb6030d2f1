"""A warehouse held by a foreign process (a DuckDB shell or notebook left open).

Landing writes the raw zone's files and takes no lock, so it goes on meanwhile. The first
step that opens the warehouse, dbt's, waits a bounded time (GENAI_LOCK_TIMEOUT_SECONDS,
lowered here), then fails in one line naming the file, the holder's PID and how to free it,
with nothing written to the warehouse; the next run after release succeeds. The code
location (what the UI loads) never opens the warehouse, so it loads meanwhile.
"""

import hashlib
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterEventType, DagsterInstance, Definitions, build_sensor_context

import genai_pipeline.transform.runner as runner
from genai_pipeline.cli.main import EXIT_FAILURE, main
from genai_pipeline.core.partitions import partition_bounds
from genai_pipeline.core.paths import raw_zone_path
from genai_pipeline.core.warehouse import WarehouseResource

pytestmark = [pytest.mark.slow, pytest.mark.reliability]

HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(600)"


@pytest.fixture(scope="module")
def landed(tmp_path_factory) -> Path:
    """One raw day in a raw zone of its own, landed through the CLI (no warehouse file yet)."""
    folder = tmp_path_factory.mktemp("locked")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(folder / "home"))
        env.setenv("GENAI_DUCKDB_PATH", str(folder / "warehouse.duckdb"))
        env.setenv("GENAI_BASE_USERS", "300")
        assert main(["simulate", "--days", "1", "--skip-dbt"]) == 0
    return folder / "warehouse.duckdb"


@pytest.fixture
def env(landed, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(landed.parent / "home"))
    monkeypatch.setenv("GENAI_DUCKDB_PATH", str(landed))
    monkeypatch.setenv("GENAI_BASE_USERS", "300")
    monkeypatch.setenv("GENAI_LOCK_TIMEOUT_SECONDS", "1")
    return landed


@pytest.fixture
def holder(env):
    """Another python process with a read-write DuckDB connection on the warehouse."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(env)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    yield process
    process.kill()
    process.wait()


def release(process: subprocess.Popen) -> None:
    process.kill()
    process.wait()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def landed_days(warehouse: Path) -> list[str]:
    return sorted(p.name for p in (raw_zone_path({}, warehouse) / "generations").iterdir())


def metric_days(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute("select count(*) from metrics.daily_metrics").fetchone()[0]


def test_landing_goes_on_while_another_process_holds_the_warehouse(env, holder):
    before = digest(env)
    assert main(["simulate", "--days", "2", "--skip-dbt"]) == 0
    assert landed_days(env) == ["partition_date=2025-12-01", "partition_date=2025-12-02"]
    assert digest(env) == before and holder.poll() is None


def test_the_cli_names_the_file_and_the_holder_then_succeeds_once_it_is_released(env, holder, capsys):
    before = digest(env)
    assert main(["simulate", "--days", "2", "--skip-tests"]) == EXIT_FAILURE
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert str(env) in err and f"process {holder.pid}" in err and f"kill {holder.pid}" in err
    release(holder)
    assert digest(env) == before
    assert main(["simulate", "--days", "2", "--skip-tests"]) == 0
    assert metric_days(env) == 2


def test_a_run_launched_meanwhile_lands_its_day_then_fails_at_the_dbt_step_with_that_message(env, holder):
    from genai_pipeline.definitions import defs

    before = digest(env)
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("daily_job").execute_in_process(
            partition_key="2025-12-03",
            instance=instance,
            resources={"warehouse": WarehouseResource(database=str(env))},
            raise_on_error=False,
        )
        assert not result.success
        [failure] = instance.all_logs(result.run_id, of_type=DagsterEventType.STEP_FAILURE)
    assert failure.step_key == "dbt_models"
    message = failure.dagster_event.step_failure_data.user_failure_data.description
    assert f"warehouse {env} is locked by process {holder.pid}" in message and f"kill {holder.pid}" in message
    assert len(message.splitlines()) == 1
    assert "partition_date=2025-12-03" in landed_days(env)
    release(holder)
    assert digest(env) == before


def test_the_code_location_loads_and_its_sensor_runs_without_opening_the_warehouse(env, holder, tmp_path):
    from genai_pipeline.definitions import build_defs
    from genai_pipeline.instance.run_recovery import dead_run_worker_sensor

    defs = build_defs()
    Definitions.validate_loadable(defs)
    with DagsterInstance.ephemeral() as instance:
        dead_run_worker_sensor.evaluate_tick(build_sensor_context(instance=instance))
    # what `dagster dev` does on each code-location load (prepare_if_dev): dbt parse
    dbt = Path(sys.executable).parent / "dbt"
    parsed = subprocess.run(
        [str(dbt), "parse", "--quiet", "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=Path(__file__).resolve().parents[2] / "dbt_project",
        capture_output=True,
        text=True,
    )
    assert parsed.returncode == 0, parsed.stdout + parsed.stderr
    assert holder.poll() is None  # still holding: nothing above needed the lock


def test_a_lock_taken_between_the_steps_wait_and_dbts_open_is_waited_for(tmp_path, monkeypatch):
    # the alert sensor records alerts in the warehouse: its lock can land after the dbt
    # step's wait, so dbt's own open finds the file locked before any node ran
    from genai_pipeline.definitions import defs

    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("GENAI_BASE_USERS", "300")
    monkeypatch.setenv("GENAI_LOCK_TIMEOUT_SECONDS", "30")
    invoke = runner.DbtRunnerResource._invoke
    calls = []

    def locked_at_the_first_open(self, *args):
        calls.append(args)
        if len(calls) > 1:
            return invoke(self, *args)
        process = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse)], stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "held"
        try:
            return invoke(self, *args)
        finally:
            threading.Timer(1.0, release, [process]).start()

    monkeypatch.setattr(runner.DbtRunnerResource, "_invoke", locked_at_the_first_open)
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("daily_job").execute_in_process(
            partition_key=partition_bounds()[0].isoformat(),  # the first day: its users all landed
            instance=instance,
            resources={"warehouse": WarehouseResource(database=str(warehouse))},
            raise_on_error=False,
        )
    assert result.success and len(calls) == 2
    assert all(e.passed for e in result.get_asset_check_evaluations())
