"""Bad input wherever a user types: env vars, CLI arguments, launchpad run config, partition
keys. Each is refused with one line naming the value and what is allowed (exit 2 from the
CLI, a failed run from the UI) and the warehouse and the raw zone are left as they were."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterInvalidConfigError

from genai_pipeline.cli.main import main
from genai_pipeline.core.paths import raw_zone_path
from genai_pipeline.core.warehouse import WarehouseResource

pytestmark = pytest.mark.reliability


def read_only_folder(tmp_path: Path) -> Path:
    """A folder this user cannot write (root ignores permission bits: /proc/sys is read-only to it)."""
    if os.geteuid() == 0:
        return Path("/proc/sys")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


def cli(argv, capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    return code, capsys.readouterr().err.strip()


@pytest.mark.parametrize("command", [["simulate", "--days", "1"], ["backfill", "--all"]])
@pytest.mark.parametrize(
    "name, value, message",
    [
        ("GENAI_DUCKDB_PATH", "{tmp}/missing/warehouse.duckdb", "folder {tmp}/missing does not exist"),
        ("GENAI_DUCKDB_PATH", "{ro}/warehouse.duckdb", "not writable by this user"),
        ("GENAI_DUCKDB_PATH", "{tmp}", "is a directory"),
        ("GENAI_LOCK_TIMEOUT_SECONDS", "soon", "GENAI_LOCK_TIMEOUT_SECONDS='soon': must be a number of seconds"),
        ("GENAI_LOCK_TIMEOUT_SECONDS", "-1", "GENAI_LOCK_TIMEOUT_SECONDS='-1'"),
        ("GENAI_DUCKDB_MEMORY_LIMIT", "lots", "GENAI_DUCKDB_MEMORY_LIMIT='lots': must be a size"),
        ("GENAI_METRIC_MEMORY_LIMIT", "some", "GENAI_METRIC_MEMORY_LIMIT='some': must be a size"),
    ],
)
def test_a_bad_env_var_exits_2_with_one_line_before_anything_is_written(
    tmp_path, monkeypatch, capsys, command, name, value, message
):
    home = tmp_path / "home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("GENAI_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    fill = {"tmp": str(tmp_path), "ro": str(read_only_folder(tmp_path))}
    monkeypatch.setenv(name, value.format(**fill))
    code, err = cli(command, capsys)
    assert code == 2
    assert len(err.splitlines()) == 1 and message.format(**fill) in err
    assert not home.exists() and not (tmp_path / "warehouse.duckdb").exists()


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("GENAI_RAW_PATH", "{tmp}/a-file", "GENAI_RAW_PATH={tmp}/a-file is a file; give a folder"),
        ("GENAI_RAW_PATH", "{tmp}/missing/raw", "folder {tmp}/missing does not exist"),
        ("GENAI_RAW_PATH", "{ro}/raw", "not writable by this user"),
        ("GENAI_LANDING_WORKERS", "two", "GENAI_LANDING_WORKERS='two': must be a whole number of processes in 1..256"),
        ("GENAI_LANDING_WORKERS", "0", "GENAI_LANDING_WORKERS='0'"),
        ("GENAI_LANDING_WORKERS", "1000", "GENAI_LANDING_WORKERS='1000'"),
    ],
)
def test_a_bad_raw_zone_setting_makes_simulate_exit_2_with_one_line_before_anything_is_written(
    tmp_path, monkeypatch, capsys, name, value, message
):
    home = tmp_path / "home"
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("GENAI_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    fill = {"tmp": str(tmp_path), "ro": str(read_only_folder(tmp_path))}
    monkeypatch.setenv(name, value.format(**fill))
    code, err = cli(["simulate", "--days", "1"], capsys)
    assert code == 2
    assert len(err.splitlines()) == 1 and message.format(**fill) in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "read-only") == ["a-file"]


@pytest.mark.slow
def test_a_bad_start_date_exits_2_even_where_it_is_read_at_import(tmp_path):
    # backfill imports the asset graph, whose partitions read GENAI_START_DATE at import
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "home"), "GENAI_START_DATE": "2025-13-01"}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "genai-pipeline"), "backfill", "--list"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "genai-pipeline: error: invalid setting start_date='2025-13-01': must be a date YYYY-MM-DD"
    )
    assert not (tmp_path / "home").exists()


@pytest.fixture(scope="module")
def landed(tmp_path_factory) -> Path:
    """A warehouse holding one raw day, for the cases that must leave it unchanged."""
    from genai_pipeline.definitions import defs

    warehouse = tmp_path_factory.mktemp("bad-input") / "warehouse.duckdb"
    result = defs.resolve_job_def("raw_only_job").execute_in_process(
        partition_key="2025-12-01",
        instance=DagsterInstance.ephemeral(),
        run_config={"ops": {"raw_activity": {"config": {"base_users": 300}}}},
        resources={"warehouse": WarehouseResource(database=str(warehouse))},
    )
    assert result.success
    return warehouse


def launch(warehouse: Path, partition_key: str, run_config: dict, job: str = "raw_only_job"):
    from genai_pipeline.definitions import defs

    return defs.resolve_job_def(job).execute_in_process(
        partition_key=partition_key,
        instance=DagsterInstance.ephemeral(),
        run_config=run_config,
        resources={"warehouse": WarehouseResource(database=str(warehouse))},
        raise_on_error=False,
    )


def digest(warehouse: Path) -> str:
    """What a run may write: the warehouse file (if any) and the raw zone's files beside it."""
    sha = hashlib.sha256()
    for path in [warehouse, *sorted(raw_zone_path({}, warehouse).rglob("*"))]:
        if path.is_file():
            sha.update(str(path).encode() + path.read_bytes())
    return sha.hexdigest()


@pytest.mark.slow
@pytest.mark.parametrize(
    "config, message",
    [
        ({"base_users": -5}, "invalid setting base_users=-5: must be a non-negative integer"),
        ({"success_rate": 2.0}, "invalid setting success_rate=2.0: must be between 0 and 1"),
        ({"max_users": 10**12, "base_users": 10**9}, "population_limit"),
    ],
)
def test_bad_launchpad_config_fails_the_run_with_the_setting_named(landed, config, message):
    before = digest(landed)
    result = launch(landed, "2025-12-02", {"ops": {"raw_activity": {"config": config}}})
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert message in failure.description and len(failure.description.splitlines()) == 1
    assert digest(landed) == before


@pytest.mark.slow
def test_launchpad_config_of_the_wrong_type_is_refused_before_the_run_starts(landed):
    before = digest(landed)
    with pytest.raises(DagsterInvalidConfigError, match="base_users"):
        launch(landed, "2025-12-02", {"ops": {"raw_activity": {"config": {"base_users": "lots"}}}})
    assert digest(landed) == before


@pytest.mark.slow
@pytest.mark.parametrize("key", ["2020-01-01", "2999-01-01", "yesterday", "2025-12-01' or 1=1 --"])
def test_a_partition_key_outside_the_partitions_is_refused_before_anything_runs(landed, key):
    before = digest(landed)
    with pytest.raises(Exception, match="(?i)partition"):
        launch(landed, key, {})
    assert digest(landed) == before


@pytest.mark.slow
def test_a_bad_lock_timeout_in_the_code_location_env_fails_the_first_step_that_opens_the_warehouse(landed, monkeypatch):
    # landing opens no warehouse: the dbt step is the first to read the lock timeout
    monkeypatch.setenv("GENAI_LOCK_TIMEOUT_SECONDS", "forever")
    result = launch(landed, "2025-12-02", {}, job="daily_job")
    assert not result.success
    [failed] = result.get_step_failure_events()
    assert failed.step_key == "dbt_models"
    assert "GENAI_LOCK_TIMEOUT_SECONDS='forever'" in failed.step_failure_data.user_failure_data.description
    assert not landed.exists()
