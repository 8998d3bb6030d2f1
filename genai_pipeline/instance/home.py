"""The persistent Dagster home shared by `dagster dev`, the daemon and the CLI."""

import fcntl
import json
import os
from pathlib import Path

from dagster import DagsterInstance

from genai_pipeline.core.paths import DEFAULT_DAGSTER_HOME

# DuckDB takes one writer process at a time: every asset that writes the warehouse is in
# pool "duckdb", limited to one slot, and the run queue starts one run at a time, so a
# backfill, the schedule and the CLI wait for each other instead of failing on the lock.
DAGSTER_YAML_TEMPLATE = """\
# Written by genai-pipeline on first use; edit freely, it is not overwritten.
concurrency:
  pools:
    default_limit: 1
  runs:
    max_concurrent_runs: 1
# The daemon fails runs stuck STARTING and frees pool slots a finished run still holds.
# A dead run worker is not visible to it with the local launcher: see instance/run_recovery.py.
run_monitoring:
  enabled: true
  start_timeout_seconds: 300
  free_slots_after_run_end_seconds: 60
telemetry:
  enabled: false
# Dagster's SQLite event log with pooled connections: see genai_pipeline/instance/event_log_storage.py.
# base_dir is this folder's history/runs, Dagster's own default place (change it if you move
# the folder).
event_log_storage:
  module: genai_pipeline.instance.event_log_storage
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {event_log_dir}
"""


def dagster_yaml(home: Path) -> str:
    """The project's dagster.yaml for the instance folder `home`."""
    return DAGSTER_YAML_TEMPLATE.format(event_log_dir=json.dumps(str(home.resolve() / "history" / "runs")))


def dagster_home() -> Path:
    """DAGSTER_HOME (created if missing) with the project's dagster.yaml; sets the env var."""
    home = Path(os.environ.get("DAGSTER_HOME") or DEFAULT_DAGSTER_HOME).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(dagster_yaml(home))
    os.environ["DAGSTER_HOME"] = str(home)
    _create_storage_once(home)
    return home


def _create_storage_once(home: Path) -> None:
    """Creates the instance's sqlite storage under an exclusive file lock.

    Two commands started together on a fresh home would both create its tables, and the
    second fails ("table alembic_version already exists"). The first to take the lock
    creates them; the others wait, then find them.
    """
    with (home / ".storage-init.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        DagsterInstance.get().dispose()
