"""Runs whose worker process died (SIGKILL, OOM, a closed laptop) are marked failed.

Dagster's run monitoring cannot see a dead worker with the local run launcher
(``DefaultRunLauncher.supports_check_run_worker_health`` is False), and runs started by
``execute_in_process`` (the CLI's) have no launcher at all: such a run stays STARTED for
ever and keeps its slot of the "duckdb" pool, so every later run waits on that slot.

Every Dagster event records the pid of the process that emitted it; the RUN_START event
comes from the run worker itself. A STARTED run whose worker pid no longer exists on this
host is reported failed through the instance (as run monitoring does) and its pool slots
are freed. A pid means something only on its own host: with Dagster's state shared in
PostgreSQL, runs of other hosts are left alone (the jobs tag their worker's host).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

from dagster import (
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    DefaultSensorStatus,
    RunsFilter,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from genai_pipeline.core.jobs import WORKER_HOST_TAG


def process_alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (a killed, not yet reaped child)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        # the state letter follows the parenthesised command name, which may hold spaces
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def worker_pid(instance: DagsterInstance, run_id: str) -> int | None:
    starts = instance.all_logs(run_id, of_type=DagsterEventType.RUN_START)
    return starts[-1].dagster_event.pid if starts and starts[-1].dagster_event else None


def worker_on_this_host(instance: DagsterInstance, tags: dict[str, str]) -> bool:
    host = tags.get(WORKER_HOST_TAG)
    if host is not None:
        return host == socket.gethostname()
    # Untagged (e.g. an ad-hoc selection materialized from the UI): SQLite storage means one
    # host for every process of the instance; on shared storage its worker may be anywhere.
    return not _stored_in_postgres(instance)


def _stored_in_postgres(instance: DagsterInstance) -> bool:
    """By the storage classes' module, not isinstance: importing dagster_postgres to compare
    would add its import to every load of the code location (each run worker's too)."""
    return any(cls.__module__.split(".")[0] == "dagster_postgres" for cls in type(instance.run_storage).__mro__)


def fail_runs_with_dead_workers(instance: DagsterInstance, out: Callable[[str], None] = lambda _: None) -> list[str]:
    """Marks every STARTED run whose worker is gone as FAILURE and frees its pool slots."""
    failed = []
    for record in instance.get_run_records(RunsFilter(statuses=[DagsterRunStatus.STARTED])):
        run = record.dagster_run
        if not worker_on_this_host(instance, run.tags):
            continue
        pid = worker_pid(instance, run.run_id)
        if pid is None or process_alive(pid):
            continue
        current = instance.get_run_by_id(run.run_id)
        if current is None or current.status != DagsterRunStatus.STARTED:
            continue  # it finished between the two reads
        message = (
            f"run worker process {pid} is gone (killed or crashed) while the run was in progress; "
            "marked failed by genai-pipeline. Its writes were rolled back: re-run its partitions."
        )
        instance.report_run_failed(current, message)
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        partition = run.tags.get("dagster/partition", "")
        out(f"run {run.run_id} ({run.job_name} {partition}) had died with process {pid}: marked failed")
        failed.append(run.run_id)
    return failed


@sensor(
    name="dead_run_worker_sensor",
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Marks runs whose worker process died as failed and frees their duckdb pool slot.",
)
def dead_run_worker_sensor(context: SensorEvaluationContext):
    failed = fail_runs_with_dead_workers(context.instance, context.log.warning)
    return SkipReason(f"marked {len(failed)} run(s) with a dead worker as failed" if failed else "no dead run workers")
