"""The daily batch: the whole asset graph, checks included, for one daily partition.

The two narrower jobs serve `simulate --skip-dbt` and `--skip-tests`.
"""

from dagster import AssetSelection, define_asset_job, in_process_executor

from genai_pipeline.core.partitions import daily_partitions

DAILY_JOB = "daily_job"
RAW_ONLY_JOB = "raw_only_job"
MODELS_ONLY_JOB = "models_without_checks_job"

RAW = AssetSelection.groups("raw")

# In-process: the default multiprocess executor re-imports dagster, dbt and the manifest
# in every step's subprocess (seconds per step), and DuckDB's single-writer lock means the
# steps could not run in parallel anyway.
daily_job = define_asset_job(
    name=DAILY_JOB,
    selection=AssetSelection.all(),
    partitions_def=daily_partitions,
    executor_def=in_process_executor,
    description="Land one simulated day of raw activity, build the dbt models, run every check.",
)
raw_only_job = define_asset_job(
    name=RAW_ONLY_JOB,
    selection=RAW.without_checks(),
    partitions_def=daily_partitions,
    executor_def=in_process_executor,
    description="Land raw activity only (simulate --skip-dbt).",
)
models_only_job = define_asset_job(
    name=MODELS_ONLY_JOB,
    selection=AssetSelection.all().without_checks(),
    partitions_def=daily_partitions,
    executor_def=in_process_executor,
    description="Land raw activity and build every model without running checks (simulate --skip-tests).",
)
