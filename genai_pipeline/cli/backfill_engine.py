"""Partition backfills on the Dagster instance, created and executed the way the UI and the
daemon do it, so the CLI's backfills are the UI's backfills.

Create: ``PartitionBackfill.from_asset_partitions`` + ``instance.add_backfill`` is what the
UI's launchPartitionBackfill mutation does for an asset selection and a partition range.
Execute: the backfill daemon's own iteration (``execute_backfill_jobs``), which honours
each asset's BackfillPolicy (single_run: one run for the whole range). When a daemon is
running (``dagster dev``) it is left to it; otherwise the CLI runs that iteration itself,
with a run launcher that executes the runs it submits synchronously in this process,
instead of a run queue nobody would drain.
"""

import logging
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster import (
    AssetKey,
    BackfillPolicy,
    DagsterInstance,
    DagsterRunStatus,
    Definitions,
    RunsFilter,
    in_process_executor,
)

# and running the runs it submits here, through a run launcher of our own (a pluggable
# instance class, configured through an InstanceRef).
from dagster._core.execution.api import execute_run

# Dagster's private API, the only way to do what the UI and the daemon do here:
# creating an asset backfill (PartitionBackfill, make_new_backfill_id, its statuses), as the
# UI's launchPartitionBackfill mutation does;
from dagster._core.execution.backfill import BULK_ACTION_TERMINAL_STATUSES, BulkActionStatus, PartitionBackfill
from dagster._core.instance.ref import InstanceRef
from dagster._core.launcher import LaunchRunContext, RunLauncher
from dagster._core.remote_origin import InProcessCodeLocationOrigin
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster._core.utils import make_new_backfill_id
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget

# executing it with the backfill daemon's own iteration, over the code location loaded in
# this process;
from dagster._daemon.backfill import execute_backfill_jobs
from dagster._serdes import ConfigurableClass
from dagster._time import get_current_timestamp
from dagster._utils.hosted_user_process import recon_job_from_origin

from genai_pipeline.core.jobs import HOST_TAGS
from genai_pipeline.core.paths import PROJECT_ROOT
from genai_pipeline.definitions import defs
from genai_pipeline.landing.raw_asset import raw_activity
from genai_pipeline.metrics.assets import build_metric_assets
from genai_pipeline.transform.assets import dbt_models

# The code location `dagster dev -w workspace.yaml` serves, under the name Dagster gives it
# ("module:attribute"): runs launched here carry the same location and repository names,
# so the UI links them to its jobs and assets.
MODULE, ATTRIBUTE = "genai_pipeline.definitions", "defs"
LOCATION_NAME = f"{MODULE}:{ATTRIBUTE}"
PER_PARTITION_LOCATION_NAME = "genai_pipeline.per_partition"
BACKFILL_DAEMON = "BACKFILL"
# The daemon heartbeats every 30 s; older than this and it is gone.
DAEMON_STALE_SECONDS = 75
MAX_ITERATIONS = 100


class InProcessRunLauncher(RunLauncher, ConfigurableClass):
    """Collects the runs the backfill iteration submits; ``execute_launched`` then executes
    them in this process (a daemon would start a run worker per run). Deferred, so runs do
    not execute inside the iteration's event loop."""

    def __init__(self, inst_data=None):
        self._inst_data = inst_data
        self.launched: list[tuple[Any, str]] = []
        super().__init__()

    @property
    def inst_data(self):
        return self._inst_data

    @classmethod
    def config_type(cls):
        return {}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data)

    def launch_run(self, context: LaunchRunContext) -> None:
        # Its worker is this process: dead-run recovery may judge it on this host only.
        self._instance.add_run_tags(context.dagster_run.run_id, HOST_TAGS)
        self.launched.append((context.job_code_origin, context.dagster_run.run_id))

    def execute_launched(self) -> int:
        executed = 0
        while self.launched:
            origin, run_id = self.launched.pop(0)
            execute_run(recon_job_from_origin(origin), self._instance.get_run_by_id(run_id), self._instance)
            executed += 1
        return executed

    def terminate(self, run_id: str) -> bool:
        return False


def inprocess_instance(home: Path) -> DagsterInstance:
    """The instance at ``home`` (same storage: the UI sees everything), except that submitted
    runs start at once and execute in this process instead of waiting in the run queue."""
    overrides = {
        "run_coordinator": {"module": "dagster._core.run_coordinator", "class": "DefaultRunCoordinator", "config": {}},
        "run_launcher": {"module": __name__, "class": "InProcessRunLauncher", "config": {}},
    }
    return DagsterInstance.from_ref(InstanceRef.from_dir(str(home), overrides=overrides))


@contextmanager
def workspace_context(instance: DagsterInstance, per_partition: bool = False) -> Iterator[WorkspaceProcessContext]:
    """The project's code location, loaded in this process (no gRPC server subprocess).

    per_partition: the same graph with every metric on BackfillPolicy.multi_run(1), in a
    location of its own: the one-run-per-day baseline the benchmark compares against.
    """
    origin = InProcessCodeLocationOrigin(
        LoadableTargetOrigin(
            executable_path=sys.executable,
            module_name=__name__ if per_partition else MODULE,
            attribute="per_partition_defs" if per_partition else ATTRIBUTE,
            working_directory=str(PROJECT_ROOT),
        ),
        location_name=PER_PARTITION_LOCATION_NAME if per_partition else LOCATION_NAME,
    )
    with WorkspaceProcessContext(instance, InProcessWorkspaceLoadTarget(origin)) as context:
        yield context


def per_partition_defs():
    """The definitions with the metrics backfilled one partition per run (Dagster calls this)."""
    return Definitions(
        assets=[raw_activity, dbt_models, *build_metric_assets(BackfillPolicy.multi_run(1))],
        resources=defs.resources,
        # Same executor as the project's own runs: the baseline differs only in runs per day.
        executor=in_process_executor,
    )


def submit_asset_backfill(
    instance: DagsterInstance,
    asset_graph,
    keys: Sequence[AssetKey],
    partition_names: Sequence[str],
    tags: Mapping[str, str],
    title: str,
    description: str,
    run_config: Mapping[str, Any] | None = None,
) -> str:
    """Adds a REQUESTED asset backfill, exactly as the UI's "Launch backfill" does."""
    backfill_id = make_new_backfill_id()
    backfill = PartitionBackfill.from_asset_partitions(
        backfill_id=backfill_id,
        asset_graph=asset_graph,
        partition_names=list(partition_names),
        asset_selection=list(keys),
        backfill_timestamp=get_current_timestamp(),
        tags=dict(tags),
        dynamic_partitions_store=instance,
        all_partitions=False,
        title=title,
        description=description,
        run_config=run_config,
    )
    instance.add_backfill(backfill)
    return backfill_id


def daemon_is_running(instance: DagsterInstance, now: float | None = None) -> bool:
    """True when a backfill daemon (e.g. `dagster dev`'s) heartbeated on this instance lately."""
    heartbeat = instance.get_daemon_heartbeats().get(BACKFILL_DAEMON)
    return heartbeat is not None and (now or time.time()) - heartbeat.timestamp < DAEMON_STALE_SECONDS


def is_done(instance: DagsterInstance, backfill_id: str) -> bool:
    return instance.get_backfill(backfill_id).status in BULK_ACTION_TERMINAL_STATUSES


def drive(
    workspace: WorkspaceProcessContext,
    backfill_id: str,
    on_error: Callable[[str], None] = print,
) -> BulkActionStatus:
    """Runs the backfill daemon's iteration over this one backfill, executing the runs it
    submits, until the backfill is done (the daemon's loop, minus its 30 s sleeps)."""
    instance = workspace.instance
    launcher = instance.run_launcher
    if not isinstance(launcher, InProcessRunLauncher):
        raise TypeError("drive() needs an instance from inprocess_instance()")
    logger = logging.getLogger("genai_pipeline.cli.backfill")
    for _ in range(MAX_ITERATIONS):
        backfill = instance.get_backfill(backfill_id)
        if backfill.status in BULK_ACTION_TERMINAL_STATUSES:
            return backfill.status
        for error in execute_backfill_jobs(workspace, logger, [backfill]):
            if error is not None:
                on_error(error.message.strip().splitlines()[0])
        launcher.execute_launched()
    return instance.get_backfill(backfill_id).status


def wait_for_daemon(instance: DagsterInstance, backfill_id: str, poll_seconds: float = 1.0) -> bool:
    """Waits while a running daemon works the backfill; False if the daemon went away first."""
    while not is_done(instance, backfill_id):
        if not daemon_is_running(instance):
            return False
        time.sleep(poll_seconds)
    return True


def backfill_runs(instance: DagsterInstance, backfill_id: str):
    return list(reversed(instance.get_runs(filters=RunsFilter.for_backfill(backfill_id))))


def run_counts(instance: DagsterInstance, backfill_id: str) -> dict[str, int]:
    runs = backfill_runs(instance, backfill_id)
    done = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}
    return {
        "runs": len(runs),
        "done": sum(r.status in done for r in runs),
        "running": sum(r.status in (DagsterRunStatus.STARTING, DagsterRunStatus.STARTED) for r in runs),
        "failed": sum(r.status in (DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED) for r in runs),
    }


def cancel_here(instance: DagsterInstance, backfill_id: str) -> None:
    """After Ctrl-C in this process: its in-flight runs died with it, so say so."""
    for run in backfill_runs(instance, backfill_id):
        if run.status in (DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.NOT_STARTED):
            instance.report_run_failed(run, "interrupted (Ctrl-C in genai-pipeline backfill)")
            # the run monitoring daemon would free its pool slot; there may be none running
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    backfill = instance.get_backfill(backfill_id)
    if backfill.status not in BULK_ACTION_TERMINAL_STATUSES:
        instance.update_backfill(backfill.with_status(BulkActionStatus.CANCELED))
