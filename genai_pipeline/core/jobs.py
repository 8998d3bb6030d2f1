"""The daily batch: the whole asset graph, checks included, for one daily partition.

The two narrower jobs serve `simulate --skip-dbt` and `--skip-tests`. The freshness checks
(quality/freshness.py) are the one exception: they judge the wall clock, not the run's day,
so a run of any earlier day would fail them; their own sensor runs them.
"""

import socket

from dagster import AssetSelection, define_asset_job, in_process_executor

from genai_pipeline.core.partitions import daily_partitions

DAILY_JOB = "daily_job"
RAW_ONLY_JOB = "raw_only_job"
MODELS_ONLY_JOB = "models_without_checks_job"

RAW = AssetSelection.groups("raw")

# Where a run's worker process lives. The local launcher starts run workers beside the code
# location that defines these jobs, and the CLI runs them in its own process: either way, the
# host that loaded this module. Dead-run recovery judges a worker's pid only on its own host
# (instance/run_recovery.py), which matters once Dagster's state is shared (PostgreSQL).
WORKER_HOST_TAG = "genai/worker_host"
HOST_TAGS = {WORKER_HOST_TAG: socket.gethostname()}
# The name Dagster's freshness-check factories give every check they build.
FRESHNESS_CHECK_NAME = "freshness_check"


class ChecksNamed(AssetSelection):
    """Every asset check of the graph with this name, and no asset.

    AssetSelection selects checks only by key or by asset, and the freshness checks' keys are
    known only to a later stage (quality/, which core may not import): selecting them by name
    keeps the jobs here. Overrides AssetSelection's resolve hooks, as its own subclasses do.
    """

    def __init__(self, name: str):
        self.name = name

    def resolve_inner(self, asset_graph, allow_missing):
        return set()

    def resolve_checks_inner(self, asset_graph, allow_missing):
        return {key for key in asset_graph.asset_check_keys if key.name == self.name}


# In-process: the default multiprocess executor re-imports dagster, dbt and the manifest
# in every step's subprocess (seconds per step), and DuckDB's single-writer lock means the
# steps could not run in parallel anyway.
daily_job = define_asset_job(
    name=DAILY_JOB,
    selection=AssetSelection.all() - ChecksNamed(FRESHNESS_CHECK_NAME),
    partitions_def=daily_partitions,
    executor_def=in_process_executor,
    tags=HOST_TAGS,
    description="Land one simulated day of raw activity, build the dbt models, run every check.",
)
raw_only_job = define_asset_job(
    name=RAW_ONLY_JOB,
    selection=RAW.without_checks(),
    partitions_def=daily_partitions,
    executor_def=in_process_executor,
    tags=HOST_TAGS,
    description="Land raw activity only (simulate --skip-dbt).",
)
models_only_job = define_asset_job(
    name=MODELS_ONLY_JOB,
    selection=AssetSelection.all().without_checks(),
    partitions_def=daily_partitions,
    executor_def=in_process_executor,
    tags=HOST_TAGS,
    description="Land raw activity and build every model without running checks (simulate --skip-tests).",
)
