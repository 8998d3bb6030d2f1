"""What the Spark suite's fixtures and tests share: the days, and one run of the raw and dbt
assets on either engine."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from dagster import AssetSelection, DagsterInstance, ExecuteInProcessResult, materialize

from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.landing.raw_asset import raw_activity
from genai_pipeline.transform.assets import dbt_models
from genai_pipeline.transform.runner import DbtRunnerResource

FIRST_DAY, LAST_DAY = dt.date(2025, 12, 1), dt.date(2025, 12, 3)


@dataclass(frozen=True)
class Engines:
    duckdb: Path  # the DuckDB warehouse; the raw zone is `raw/` beside it
    spark: Path  # names Spark's dbt target dir, beside the same raw zone
    duckdb_run: ExecuteInProcessResult
    spark_run: ExecuteInProcessResult


def build(warehouse: Path, target: str, selection: AssetSelection, **run) -> ExecuteInProcessResult:
    """A run of the raw and dbt assets on `target`'s engine (the raw zone beside `warehouse`)."""
    return materialize(
        [raw_activity, dbt_models],
        selection=selection,
        instance=DagsterInstance.ephemeral(),
        resources={
            "warehouse": WarehouseResource(database=str(warehouse)),
            "dbt": DbtRunnerResource(
                project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), target=target
            ),
        },
        raise_on_error=False,
        **run,
    )
