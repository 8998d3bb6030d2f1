"""The persistent Dagster home shared by `dagster dev`, the daemon and the CLI."""

import fcntl
import json
import os
import re
from pathlib import Path

from genai_pipeline.core.paths import DEFAULT_DAGSTER_HOME
from genai_pipeline.instance.storage import (
    EVENT_BATCH_SIZE,
    PG_URL_VAR,
    POSTGRES_STORAGE,
    SQLITE_STORAGE,
    InstanceStorageError,
    check_configured_storage,
    postgres_url,
)

# DuckDB takes one writer process at a time: every asset that writes the warehouse is in
# pool "duckdb", limited to one slot, and the run queue starts one run at a time, so a
# backfill, the schedule and the CLI wait for each other instead of failing on the lock.
DAGSTER_YAML_TEMPLATE = """\
# Written by genai-pipeline; rewritten only while unedited (GENAI_DAGSTER_PG_URL, a newer release).
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
"""
# The daemon looks at the run queue every second instead of Dagster's default 5 s: a run
# launched from the UI or by the schedule waited 2.5 s on average for nothing. The queue's
# limit stays in `concurrency:` (Dagster refuses it in both places); `run_coordinator`, not the
# `run_queue` shorthand, so that a command can still override it (cli/backfill_engine.py). Releases
# before it wrote no run_coordinator block (their unedited dagster.yaml is brought up to date).
# Dagster's SQLite run, event-log index and schedule databases: once they exist, the
# storage was created.
SQLITE_FILES = ("history/runs.db", "history/runs/index.db", "schedules/schedules.db")
RUN_QUEUE = """\
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    dequeue_interval_seconds: 1
"""


def dagster_yaml(home: Path, postgres: bool | None = None) -> str:
    """The project's dagster.yaml for the instance folder `home` and the configured storage."""
    event_log_dir = json.dumps(str(home.resolve() / "history" / "runs"))
    if postgres is None:
        postgres = postgres_url() is not None
    return (
        DAGSTER_YAML_TEMPLATE
        + RUN_QUEUE
        + (POSTGRES_STORAGE if postgres else SQLITE_STORAGE.format(event_log_dir=event_log_dir))
    )


def dagster_home() -> Path:
    """DAGSTER_HOME (created if missing) with the project's dagster.yaml; sets the env var.

    A configured PostgreSQL must answer before anything is written (InstanceStorageError).
    """
    url = check_configured_storage()
    home = Path(os.environ.get("DAGSTER_HOME") or DEFAULT_DAGSTER_HOME).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    _write_config(home, postgres=url is not None)
    os.environ["DAGSTER_HOME"] = str(home)
    if url is not None:
        # The pooled SQLite storage sets this when it loads; PostgreSQL stores each batch of
        # materializations in one statement too. Every process started from here inherits it.
        os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", str(EVENT_BATCH_SIZE))
    _create_storage_once(home, postgres=url is not None)
    return home


def _write_config(home: Path, postgres: bool) -> None:
    """Writes the dagster.yaml, or rewrites it for the other storage while nobody edited it.

    Once edited by hand it is the user's: it is left alone, and a storage setting it
    contradicts is an error rather than a silent switch.
    """
    config = home / "dagster.yaml"
    wanted = dagster_yaml(home, postgres)
    text = config.read_text() if config.exists() else ""
    # The first line is the header, which older releases worded differently.
    ours = {_body(dagster_yaml(home, storage)) for storage in (postgres, not postgres)}
    ours |= {body.replace(RUN_QUEUE, "") for body in ours}
    if not text or (_body(text) != _body(wanted) and _body(text) in ours):
        config.write_text(wanted)
        return
    if postgres and not re.search(r"^\s*(postgres|postgres_url|postgres_db):", text, re.MULTILINE):
        raise InstanceStorageError(
            f"{PG_URL_VAR} is set but {config}, edited by hand, does not store in PostgreSQL; "
            "add its storage: postgres block or use another DAGSTER_HOME"
        )


def _create_storage_once(home: Path, postgres: bool) -> None:
    """Creates the instance's storage under an exclusive file lock, unless its SQLite files exist.

    Two commands started together on a fresh home would both create its tables, and the
    second fails ("table alembic_version already exists"). The first to take the lock
    creates them; the others wait, then find them.
    """
    if not postgres and all((home / name).exists() for name in SQLITE_FILES):
        return
    # Imported here: `genai-pipeline dev` execs `dagster dev`, which imports Dagster itself;
    # importing it first too delayed the UI by ~1 s on every start.
    from dagster import DagsterInstance

    with (home / ".storage-init.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        DagsterInstance.get().dispose()


def _body(text: str) -> str:
    return text.split("\n", 1)[-1]
