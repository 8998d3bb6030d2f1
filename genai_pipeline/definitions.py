"""The code location: one Definitions object for `dagster dev` and the CLI."""

import os

from dagster import Definitions, in_process_executor

from genai_pipeline.alerts.sensors import check_failure_alert_sensor
from genai_pipeline.alerts.sinks import alert_sinks_from_env
from genai_pipeline.assets.anomalies import daily_metrics_anomalies
from genai_pipeline.assets.dbt import dbt_models
from genai_pipeline.assets.metrics import build_metric_assets
from genai_pipeline.assets.raw import raw_activity
from genai_pipeline.jobs import daily_job, models_only_job, raw_only_job
from genai_pipeline.dbt_resource import make_dbt_resource
from genai_pipeline.paths import warehouse_path
from genai_pipeline.resources import WarehouseResource
from genai_pipeline.run_recovery import dead_run_worker_sensor
from genai_pipeline.schedules import daily_schedule

# dbt runs as a subprocess that reads GENAI_DUCKDB_PATH from its profile: make it the same
# absolute path the Dagster resource opens, whatever the cwd.
os.environ["GENAI_DUCKDB_PATH"] = str(warehouse_path())


def build_defs() -> Definitions:
    """The Definitions; a function so that metrics registered later (tests) are picked up."""
    return Definitions(
        assets=[raw_activity, dbt_models, *build_metric_assets()],
        jobs=[daily_job, raw_only_job, models_only_job],
        asset_checks=[daily_metrics_anomalies],
        schedules=[daily_schedule],
        sensors=[dead_run_worker_sensor, check_failure_alert_sensor],
        # Every run, including UI-launched backfills, executes its steps in one process:
        # a step subprocess re-imports dagster, dbt and the manifest (seconds each), and the
        # warehouse takes one writer at a time anyway.
        executor=in_process_executor,
        resources={
            "warehouse": WarehouseResource(database=os.environ["GENAI_DUCKDB_PATH"]),
            "dbt": make_dbt_resource(),
            "alert_sinks": alert_sinks_from_env(os.environ["GENAI_DUCKDB_PATH"]),
        },
    )


defs = build_defs()
