"""Runs the daily job on the persistent Dagster instance for the simulate command."""

import contextlib
import datetime as dt
import io
import os
from pathlib import Path
from typing import Callable

from dagster import AssetCheckSeverity, AssetKey, DagsterInstance
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from genai_pipeline import warehouse_stats
from genai_pipeline.definitions import defs
from genai_pipeline.jobs import DAILY_JOB, MODELS_ONLY_JOB, RAW_ONLY_JOB
from genai_pipeline.resources import WarehouseResource
from genai_pipeline.simulate import SIM_TAG, DayOutcome, run_days

RAW_KEY = AssetKey(["raw", "generations"])
METRICS_KEY = AssetKey("daily_metrics")
# The run's full log goes to the instance (the UI shows it); the terminal gets one line a day.
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


class Simulation:
    def __init__(self, warehouse: Path, skip_dbt: bool = False, skip_tests: bool = False, instance=None):
        self.warehouse = warehouse
        # dbt (a subprocess) finds the warehouse through this variable: same file as ours.
        os.environ["GENAI_DUCKDB_PATH"] = str(warehouse)
        self.skip_dbt = skip_dbt
        self.instance = instance or DagsterInstance.get()
        name = RAW_ONLY_JOB if skip_dbt else MODELS_ONLY_JOB if skip_tests else DAILY_JOB
        self.job = defs.resolve_job_def(name)
        self.progress_key = RAW_KEY if skip_dbt else METRICS_KEY

    def completed_days(self) -> set[dt.date]:
        in_warehouse = warehouse_stats.days_present(self.warehouse, from_raw=self.skip_dbt)
        recorded = {dt.date.fromisoformat(k) for k in self.instance.get_materialized_partitions(self.progress_key)}
        return recorded & in_warehouse

    def reset(self, out: Callable[[str], None]) -> None:
        keys = [spec.key for spec in defs.resolve_all_asset_specs()]
        recorded = len(self.instance.get_materialized_partitions(METRICS_KEY) | self.instance.get_materialized_partitions(RAW_KEY))
        out(
            f"Reset: deleting warehouse {self.warehouse} and wiping {len(keys)} assets' materializations "
            f"({recorded} recorded day(s)) from the Dagster instance; run history is kept."
        )
        for suffix in ("", ".wal"):
            Path(str(self.warehouse) + suffix).unlink(missing_ok=True)
        self.instance.wipe_assets(keys)

    def execute(self, days: list[dt.date]) -> list[DayOutcome]:
        started = dt.datetime.now()
        tags = dict(SIM_TAG)
        if len(days) == 1:
            partition_key = days[0].isoformat()
        else:
            partition_key = None
            tags[ASSET_PARTITION_RANGE_START_TAG] = days[0].isoformat()
            tags[ASSET_PARTITION_RANGE_END_TAG] = days[-1].isoformat()
        # dagster-dbt echoes every dbt log line to stdout; the run's event log keeps them.
        with contextlib.redirect_stdout(io.StringIO()):
            result = self.job.execute_in_process(
                run_config=QUIET_CONSOLE,
                partition_key=partition_key,
                instance=self.instance,
                tags=tags,
                resources={"warehouse": WarehouseResource(database=str(self.warehouse))},
                raise_on_error=False,
            )
        seconds = (dt.datetime.now() - started).total_seconds()
        evaluations = result.get_asset_check_evaluations()
        failed = [e for e in evaluations if not e.passed]
        blocking = [e.asset_check_key.to_user_string() for e in failed if e.severity == AssetCheckSeverity.ERROR]
        warn = [e.asset_check_key.to_user_string() for e in failed if e.severity != AssetCheckSeverity.ERROR]
        outcome = DayOutcome(
            day=days[-1],
            success=result.success and not blocking,
            checks_passed=len(evaluations) - len(failed),
            checks_total=len(evaluations),
            failed_blocking=blocking,
            failed_warn=warn,
            seconds=seconds,
        )
        if len(days) == 1:
            return [outcome]
        # One batch run covers the range: its checks are reported once, on the last day.
        quiet = [DayOutcome(day=d, success=outcome.success, checks_passed=0, checks_total=0, seconds=0.0) for d in days[:-1]]
        return quiet + [outcome]

    def run(self, days: list[dt.date], batch: bool) -> int:
        return run_days(days, self.execute, batch=batch, warehouse=self.warehouse, from_raw=self.skip_dbt)
