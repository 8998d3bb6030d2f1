"""What the Spark suite's fixtures and tests share: the days, and runs on either engine."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from dagster import AssetSelection, DagsterInstance, ExecuteInProcessResult, materialize

from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.definitions import defs
from genai_pipeline.landing.raw_asset import raw_activity
from genai_pipeline.transform.assets import dbt_models
from genai_pipeline.transform.definitions import DBT_JOB
from genai_pipeline.transform.runner import DbtRunnerResource

FIRST_DAY, LAST_DAY = dt.date(2025, 12, 1), dt.date(2025, 12, 3)


@dataclass(frozen=True)
class Engines:
    duckdb: Path  # the DuckDB warehouse; the raw zone is `raw/` beside it
    spark: Path  # names Spark's dbt target dir, beside the same raw zone
    duckdb_run: ExecuteInProcessResult
    spark_run: ExecuteInProcessResult


def resources(warehouse: Path, target: str) -> dict:
    """The warehouse file (on Spark it only names dbt's target dir; the raw zone is beside it)
    and dbt on `target`'s engine."""
    return {
        "warehouse": WarehouseResource(database=str(warehouse)),
        "dbt": DbtRunnerResource(project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), target=target),
    }


def run_dbt_job(warehouse: Path, target: str, **run) -> ExecuteInProcessResult:
    """A run of dbt_job (raw landing, every dbt model and test), as a user launches it."""
    job = defs.resolve_job_def(DBT_JOB)
    return job.execute_in_process(
        instance=DagsterInstance.ephemeral(), resources=resources(warehouse, target), raise_on_error=False, **run
    )


def build_dbt_models(warehouse: Path, target: str, **run) -> ExecuteInProcessResult:
    """The dbt assets alone (their raw parents already landed, or not)."""
    return materialize(
        [raw_activity, dbt_models],
        selection=AssetSelection.assets(dbt_models),
        instance=DagsterInstance.ephemeral(),
        resources=resources(warehouse, target),
        raise_on_error=False,
        **run,
    )
