"""A warehouse held by a foreign process (a DuckDB shell or notebook left open).

Bounded wait (GENAI_LOCK_TIMEOUT_SECONDS, lowered here), then one line naming the file, the
holder's PID and how to free it; nothing written; the next run after release succeeds.
The code location (what the UI loads) never opens the warehouse, so it loads meanwhile.
"""

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterEventType, DagsterInstance, Definitions, build_sensor_context

from genai_pipeline.cli.main import EXIT_FAILURE, main
from genai_pipeline.core.warehouse import WarehouseResource

pytestmark = [pytest.mark.slow, pytest.mark.reliability]

HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(600)"


@pytest.fixture(scope="module")
def landed(tmp_path_factory) -> Path:
    """One raw day in a warehouse of its own, landed through the CLI."""
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


def raw_days(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute("select count(distinct partition_date) from raw.generations").fetchone()[0]


def test_the_cli_names_the_file_and_the_holder_then_succeeds_once_it_is_released(env, holder, capsys):
    before = digest(env)
    assert main(["simulate", "--days", "2", "--skip-dbt"]) == EXIT_FAILURE
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert str(env) in err and f"process {holder.pid}" in err and f"kill {holder.pid}" in err
    release(holder)
    assert digest(env) == before
    assert main(["simulate", "--days", "2", "--skip-dbt"]) == 0
    assert raw_days(env) == 2


def test_a_run_launched_meanwhile_fails_with_that_message_and_writes_nothing(env, holder):
    from genai_pipeline.definitions import defs

    before = digest(env)
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("raw_only_job").execute_in_process(
            partition_key="2025-12-03",
            instance=instance,
            resources={"warehouse": WarehouseResource(database=str(env))},
            raise_on_error=False,
        )
        assert not result.success
        [failure] = instance.all_logs(result.run_id, of_type=DagsterEventType.STEP_FAILURE)
    message = failure.dagster_event.step_failure_data.user_failure_data.description
    assert f"warehouse {env} is locked by process {holder.pid}" in message and f"kill {holder.pid}" in message
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
