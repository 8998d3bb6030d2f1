"""The core's definitions: the daily jobs and schedule, the executor, the warehouse resource."""

from dagster import Definitions, in_process_executor

from genai_pipeline.core.jobs import daily_job, models_only_job, raw_only_job
from genai_pipeline.core.paths import warehouse_path
from genai_pipeline.core.schedules import daily_schedule
from genai_pipeline.core.warehouse import WarehouseResource

defs = Definitions(
    jobs=[daily_job, raw_only_job, models_only_job],
    schedules=[daily_schedule],
    # Every run, including UI-launched backfills, executes its steps in one process: a step
    # subprocess re-imports dagster, dbt and the manifest (seconds each), and the warehouse
    # takes one writer at a time anyway.
    executor=in_process_executor,
    resources={"warehouse": WarehouseResource(database=str(warehouse_path()))},
)
