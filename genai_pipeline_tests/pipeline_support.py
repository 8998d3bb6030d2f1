"""Helpers shared by the suites that run the daily job for real."""

from pathlib import Path

from dagster import DagsterInstance

from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.definitions import defs


def run_day(warehouse: Path, day: str, instance=None, job_name: str = "daily_job"):
    """One daily_job run into `warehouse`: the warehouse resource names the file for the raw
    landing and for dbt alike (nothing else points dbt at it)."""
    return defs.resolve_job_def(job_name).execute_in_process(
        partition_key=day,
        instance=instance or DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(database=str(warehouse))},
        raise_on_error=False,
    )
