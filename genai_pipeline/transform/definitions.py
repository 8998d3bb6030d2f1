"""The transform stage's definitions: the dbt assets, the dbt resource, and the job that runs
on either engine."""

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor

from genai_pipeline.core.jobs import HOST_TAGS, RAW
from genai_pipeline.core.partitions import daily_partitions
from genai_pipeline.transform.assets import dbt_models
from genai_pipeline.transform.project import make_dbt_resource

DBT_JOB = "dbt_job"

# The raw landing, every dbt model and every dbt test, on DBT_TARGET's engine: the daily job
# without the backfill metrics and the anomaly checks, for building and checking the models
# alone (e.g. a new engine, the engine comparison, bench spark).
dbt_job = define_asset_job(
    name=DBT_JOB,
    selection=(RAW | AssetSelection.assets(dbt_models)).without_checks()
    | AssetSelection.checks(*dbt_models.check_keys),
    partitions_def=daily_partitions,
    executor_def=in_process_executor,
    tags=HOST_TAGS,
    description="Land raw activity, build the dbt models and run every dbt test (no backfill metrics, no anomaly checks).",
)

defs = Definitions(assets=[dbt_models], jobs=[dbt_job], resources={"dbt": make_dbt_resource()})
