"""`genai-pipeline simulate`: the original 30-day daily-batch demo, driven through Dagster.

Every simulated day is a real run of the daily job on the persistent instance, so the UI
shows its runs, materializations and check results afterwards.
"""

import argparse
import datetime as dt
import time

from genai_pipeline.cli.common import UsageError, fail
from genai_pipeline.cli.daily_runs import Simulation
from genai_pipeline.core.partitions import partition_bounds
from genai_pipeline.core.paths import WarehousePathError, ensure_writable_warehouse, warehouse_path, writable_raw_zone
from genai_pipeline.core.settings import SettingsError, SimulationSettings
from genai_pipeline.core.warehouse import duckdb_memory_limit, lock_timeout_seconds, metric_memory_limit
from genai_pipeline.instance.home import dagster_home
from genai_pipeline.instance.run_recovery import fail_runs_with_dead_workers
from genai_pipeline.instance.storage import check_configured_storage
from genai_pipeline.landing.raw_tables import landing_workers


def run_simulate(args: argparse.Namespace) -> int:
    try:
        check_configured_storage()  # Dagster's PostgreSQL, if configured, must answer first
        SimulationSettings.from_env()
        lock_timeout_seconds()
        duckdb_memory_limit()
        metric_memory_limit()
        warehouse = ensure_writable_warehouse(warehouse_path())
        landing_workers()
        writable_raw_zone(warehouse=warehouse)
        plan_days(args.days, args.start, set())
    except (SettingsError, WarehousePathError, UsageError) as error:
        return fail(str(error))
    dagster_home()
    sim = Simulation(warehouse=warehouse, skip_dbt=args.skip_dbt, skip_tests=args.skip_tests)
    # A run killed earlier still holds its pool slot: this run would wait on it for ever.
    fail_runs_with_dead_workers(sim.instance, print)
    if args.reset:
        sim.reset(print)
    try:
        days = plan_days(args.days, args.start, sim.completed_days())
    except UsageError as error:
        return fail(str(error))
    if not days:
        print(f"Nothing to do: days 1..{args.days} are already in the warehouse and the Dagster instance.")
        return 0
    print(
        f"Simulating {len(days)} day(s) {days[0].isoformat()}..{days[-1].isoformat()} "
        f"({'one batch run' if args.batch else 'one run per day'}) into {warehouse}"
    )
    started = time.perf_counter()
    code = sim.run(days, batch=args.batch)
    print(f"Done in {time.perf_counter() - started:.1f}s")
    return code


def plan_days(days: int, start: dt.date | None, done: set[dt.date], now: dt.datetime | None = None) -> list[dt.date]:
    """The days to run.

    Without --start, --days N is the simulation's horizon, days 1..N: the days the pipeline
    has already done are skipped, so a second `simulate --days 5` after three days runs days
    4 and 5. With --start, N days from that date, whether done or not.
    """
    if days <= 0:
        raise UsageError(f"--days must be a positive integer, got {days}")
    first, last = partition_bounds(now)
    begin = first if start is None else start
    if begin < first or begin > last:
        raise UsageError(
            f"--start {begin.isoformat()} is outside the partitions {first.isoformat()}..{last.isoformat()}"
        )
    end = begin + dt.timedelta(days=days - 1)
    if end > last:
        raise UsageError(
            f"{days} day(s) from {begin.isoformat()} end on {end.isoformat()}, after the last complete day "
            f"{last.isoformat()}; use fewer --days or an earlier --start"
        )
    wanted = [begin + dt.timedelta(days=i) for i in range(days)]
    return wanted if start is not None else [d for d in wanted if d not in done]
