"""Runs the daily job on the persistent Dagster instance, one run per day or one run for a
range, in this process, and prints what each run did."""

import contextlib
import datetime as dt
import io
import shutil
from collections.abc import Callable
from pathlib import Path

from dagster import AssetCheckSeverity, AssetKey, DagsterInstance, JobDefinition

from genai_pipeline.cli import warehouse_stats
from genai_pipeline.cli.common import QUIET_CONSOLE
from genai_pipeline.cli.day_report import DayOutcome, Progress, format_day_line, format_weekly_summary
from genai_pipeline.core.jobs import DAILY_JOB, MODELS_ONLY_JOB, RAW_ONLY_JOB
from genai_pipeline.core.partitions import partition_bounds, range_tags
from genai_pipeline.core.paths import raw_zone_path
from genai_pipeline.core.settings import environment
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.definitions import defs
from genai_pipeline.metrics.spec import SCHEMA as METRICS_SCHEMA
from genai_pipeline.transform.runner import DbtRunnerResource
from genai_pipeline.transform.spark_target import dbt_target, is_spark, spark_connection

SIM_TAG = {"genai/source": "simulate"}
RAW_KEY = AssetKey(["raw", "generations"])
METRICS_KEY = AssetKey("daily_metrics")
# On Spark the tables live in the server's metastore, not in the warehouse file nor the raw
# zone: the schemas the pipeline writes there (the raw zone's tables, dbt's layers, the
# backfill metrics).
SPARK_SCHEMAS = ("raw", "staging", "marts", "metrics", METRICS_SCHEMA)


def run_days(
    days: list[dt.date],
    execute: Callable[[list[dt.date]], list[DayOutcome]],
    batch: bool,
    warehouse: Path,
    from_raw: bool,
    out=print,
) -> int:
    """Runs the plan (one run per day, or one batch run), printing a line per day."""
    outcomes: list[DayOutcome] = []
    groups = [days] if batch else [[d] for d in days]
    for group in groups:
        label = f"{group[0].isoformat()}..{group[-1].isoformat()}" if len(group) > 1 else group[0].isoformat()
        with Progress(f"running {label}"):
            result = execute(group)
        stats = warehouse_stats.day_stats(warehouse, group, from_raw=from_raw)
        for outcome in result:
            number = (outcome.day - partition_bounds()[0]).days + 1
            out(format_day_line(number, outcome, stats.get(outcome.day)))
        outcomes.extend(result)
        if not all(o.success for o in result):
            break
    # Weeks count from day 1 of the simulation, whichever days this invocation ran.
    first_day = min(days[0], partition_bounds()[0])
    out(
        format_weekly_summary(warehouse_stats.weekly_summary(warehouse, first_day, outcomes[-1].day, from_raw=from_raw))
    )
    passed = sum(o.checks_passed for o in outcomes)
    total = sum(o.checks_total for o in outcomes)
    failed = [f"{o.day.isoformat()} {name}" for o in outcomes for name in o.failed_blocking]
    warned = sum(len(o.failed_warn) for o in outcomes)
    out(f"\nChecks: {passed} passed, {total - passed} failed ({warned} warn-severity) over {len(outcomes)} day(s)")
    if failed or not all(o.success for o in outcomes):
        out("Blocking failure: " + (", ".join(failed) if failed else "a run failed (see the Dagster UI)"))
        return 1
    return 0


def drop_spark_schemas() -> None:
    """Every table of the pipeline on the Spark server (GENAI_SPARK_HOST/PORT). The raw tables
    are external: their drop leaves the raw zone's files, which the reset deletes itself."""
    with spark_connection() as conn:
        for schema in SPARK_SCHEMAS:
            conn.execute(f"drop schema if exists {schema} cascade")


class Simulation:
    def __init__(
        self,
        warehouse: Path,
        skip_dbt: bool = False,
        skip_tests: bool = False,
        instance=None,
        dbt: DbtRunnerResource | None = None,
        job: JobDefinition | None = None,
    ):
        """dbt: another engine's dbt resource than the code location's (DBT_TARGET when it
        loaded), so one process can run both engines (bench spark); job: another resolved job
        than the daily job (e.g. a subset of its assets)."""
        self.warehouse = warehouse
        self.skip_dbt = skip_dbt
        self.instance = instance or DagsterInstance.get()
        self.dbt = dbt
        name = RAW_ONLY_JOB if skip_dbt else MODELS_ONLY_JOB if skip_tests else DAILY_JOB
        self.job = job or defs.resolve_job_def(name)
        self.progress_key = RAW_KEY if skip_dbt else METRICS_KEY

    def completed_days(self) -> set[dt.date]:
        in_warehouse = warehouse_stats.days_present(self.warehouse, from_raw=self.skip_dbt)
        recorded = {dt.date.fromisoformat(k) for k in self.instance.get_materialized_partitions(self.progress_key)}
        return recorded & in_warehouse

    def reset(self, out: Callable[[str], None]) -> None:
        keys = [spec.key for spec in defs.resolve_all_asset_specs()]
        recorded = len(
            self.instance.get_materialized_partitions(METRICS_KEY) | self.instance.get_materialized_partitions(RAW_KEY)
        )
        raw_zone = raw_zone_path(warehouse=self.warehouse)
        out(
            f"Reset: deleting warehouse {self.warehouse}, raw zone {raw_zone} and wiping {len(keys)} assets' "
            f"materializations ({recorded} recorded day(s)) from the Dagster instance; run history is kept."
        )
        if is_spark(self.dbt.target if self.dbt else dbt_target()):
            # First, so a server that does not answer fails the reset before anything is deleted.
            # Left there, the days of before would be history to the anomaly checks again.
            out(f"Reset: dropping Spark schemas {', '.join(SPARK_SCHEMAS)} and their tables.")
            drop_spark_schemas()
        for suffix in ("", ".wal"):
            Path(str(self.warehouse) + suffix).unlink(missing_ok=True)
        # dbt reads every landed day: days left from before the reset would be history again
        shutil.rmtree(raw_zone, ignore_errors=True)
        self.instance.wipe_assets(keys)

    def execute(self, days: list[dt.date]) -> list[DayOutcome]:
        started = dt.datetime.now()
        tags = dict(SIM_TAG)
        if len(days) == 1:
            partition_key = days[0].isoformat()
        else:
            partition_key = None
            tags.update(range_tags(days[0], days[-1]))
        # dagster-dbt echoes every dbt log line to stdout; the run's event log keeps them.
        with contextlib.redirect_stdout(io.StringIO()), self.engine_environment():
            result = self.job.execute_in_process(
                run_config=QUIET_CONSOLE,
                partition_key=partition_key,
                instance=self.instance,
                tags=tags,
                # dbt builds on the warehouse resource's file too: one override moves both.
                resources={
                    "warehouse": WarehouseResource(database=str(self.warehouse)),
                    **({"dbt": self.dbt} if self.dbt else {}),
                },
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
        quiet = [
            DayOutcome(day=d, success=outcome.success, checks_passed=0, checks_total=0, seconds=0.0) for d in days[:-1]
        ]
        return quiet + [outcome]

    def engine_environment(self) -> contextlib.AbstractContextManager[None]:
        """DBT_TARGET set to the dbt resource's target while this simulation runs: the metric
        assets, the anomaly checks and the day lines pick their engine from DBT_TARGET at run
        time, dbt from its resource; with another engine's resource they would differ."""
        return environment({"DBT_TARGET": self.dbt.target} if self.dbt else {})

    def run(self, days: list[dt.date], batch: bool) -> int:
        with self.engine_environment():
            return run_days(days, self.execute, batch=batch, warehouse=self.warehouse, from_raw=self.skip_dbt)
