"""`genai-pipeline backfill`: the backfill metrics over history, as Dagster partition backfills.

    backfill --list                                   metrics, their tables, partitions filled
    backfill --metric NAME [--from D] [--to D] [--dry-run]
    backfill --all [--from D] [--to D] [--dry-run]

A backfill is created on the persistent instance exactly as the UI's "Launch backfill"
does, so it is on the UI's backfills page with its runs; see backfill_engine.py for how it
is executed. --from/--to default to the days the marts have (fct_generations' materialized
partitions). Bad input: one line on stderr, exit 2, nothing written.
"""

import argparse
import datetime as dt
import time
from collections.abc import Callable

from dagster import AssetKey, multi_or_in_process_executor

from genai_pipeline.cli import backfill_engine as engine
from genai_pipeline.cli.backfill_report import Reporter, report
from genai_pipeline.cli.common import QUIET_CONSOLE, UsageError, fail
from genai_pipeline.core.partitions import partition_bounds
from genai_pipeline.core.paths import WarehousePathError, ensure_writable_warehouse, warehouse_path
from genai_pipeline.core.warehouse import (
    connect_with_lock_retry,
    duckdb_memory_limit,
    lock_timeout_seconds,
    metric_memory_limit,
)
from genai_pipeline.definitions import defs
from genai_pipeline.instance.home import dagster_home
from genai_pipeline.instance.run_recovery import fail_runs_with_dead_workers
from genai_pipeline.instance.storage import check_configured_storage
from genai_pipeline.metrics.catalog import registered_metrics
from genai_pipeline.metrics.spec import MetricWindow
from genai_pipeline.metrics.store import preview_counts
from genai_pipeline.transform.spark_target import dbt_target, is_spark
from genai_pipeline.transform.sql_engine import target_engine

MART_KEY = "fct_generations"
CLI_TAGS = {"genai/source": "backfill-cli"}


def plan_days(
    first: dt.date | None, last: dt.date | None, mart_days: set[dt.date], bounds: tuple[dt.date, dt.date]
) -> list[dt.date]:
    """The partitions to backfill: the marts' days by default, else every day of --from..--to."""
    if first and last and first > last:
        raise UsageError(f"--from {first} is after --to {last}")
    for flag, day in (("--from", first), ("--to", last)):
        if day is not None and not bounds[0] <= day <= bounds[1]:
            raise UsageError(f"{flag} {day} is outside the daily partitions {bounds[0]}..{bounds[1]}")
    if not mart_days:
        raise UsageError(f"the marts have no materialized partitions ({MART_KEY}); run `genai-pipeline simulate` first")
    start, end = first or min(mart_days), last or max(mart_days)
    if start > end:
        raise UsageError(f"empty range {start}..{end}: the marts cover {min(mart_days)}..{max(mart_days)}")
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    if first is None and last is None:
        return [d for d in days if d in mart_days]
    missing = [d for d in days if d not in mart_days]
    if missing:
        raise UsageError(
            f"{len(missing)} day(s) of {start}..{end} have no marts yet (first: {missing[0]}); "
            f"the marts have {len(mart_days)} day(s) in {min(mart_days)}..{max(mart_days)}"
        )
    return days


def run_backfill(args: argparse.Namespace, out: Callable[[str], None] = print) -> int:
    metrics = registered_metrics()
    try:
        if args.list and (args.first or args.last or args.dry_run or args.per_partition):
            raise UsageError("--from, --to, --dry-run and --per-partition go with --metric or --all")
        if args.metric is not None and args.metric not in metrics:
            raise UsageError(f"unknown metric {args.metric!r}; choose from {', '.join(metrics)}")
        check_configured_storage()  # Dagster's PostgreSQL, if configured, must answer first
        warehouse = ensure_writable_warehouse(warehouse_path())
        lock_timeout_seconds()  # a bad GENAI_LOCK_TIMEOUT_SECONDS fails here (SettingsError), not mid-run
        duckdb_memory_limit()
        metric_memory_limit()
    except (UsageError, WarehousePathError) as error:
        return fail(str(error))

    with engine.inprocess_instance(dagster_home()) as instance:
        fail_runs_with_dead_workers(instance, out)
        if args.list:
            return list_metrics(instance, metrics, out)
        mart_days = {dt.date.fromisoformat(k) for k in instance.get_materialized_partitions(AssetKey(MART_KEY))}
        try:
            days = plan_days(args.first, args.last, mart_days, partition_bounds())
        except UsageError as error:
            return fail(str(error))
        if not warehouse.exists():
            return fail(f"no warehouse at {warehouse}; run `genai-pipeline simulate` first")
        selected = [metrics[args.metric]] if args.metric else list(metrics.values())
        if args.dry_run:
            return dry_run(instance, warehouse, selected, days, out)
        return launch(instance, selected, days, args.per_partition, out)


def list_metrics(instance, metrics, out) -> int:
    first, last = partition_bounds()
    total = (last - first).days + 1
    marts = len(instance.get_materialized_partitions(AssetKey(MART_KEY)))
    out(f"{'metric':<26}{'table':<43}{'filled':>8}{'marts':>7}{'total':>7}  description")
    for spec in metrics.values():
        filled = len(instance.get_materialized_partitions(spec.key))
        summary = spec.description.splitlines()[0]
        out(f"{spec.name:<26}{spec.table:<43}{filled:>8}{marts:>7}{total:>7}  {summary}")
    out(f"filled = partitions materialized; marts = days the marts have; total = partitions {first}..{last}")
    return 0


def dry_run(instance, warehouse, specs, days, out) -> int:
    window = MetricWindow(days[0], days[-1] + dt.timedelta(days=1))
    if is_spark(dbt_target()):  # the marts are on the Spark server
        with target_engine(None) as engine:
            counts = {spec.name: preview_counts(engine, spec, window) for spec in specs}
    else:
        conn = connect_with_lock_retry(str(warehouse), timeout_seconds=lock_timeout_seconds(), read_only=True)
        try:
            counts = {spec.name: preview_counts(conn, spec, window) for spec in specs}
        finally:
            conn.close()
    filled = {spec.name: set(instance.get_materialized_partitions(spec.key)) for spec in specs}
    width = max(len(spec.name) for spec in specs) + 3
    out(f"Dry run: {len(days)} partition(s) {days[0]}..{days[-1]} x {len(specs)} metric(s); nothing is written.")
    out("Rows each partition would write; new = not filled yet, redo = replaces a filled partition.")
    out(f"{'day':<12}" + "".join(f"{spec.name:>{width}}" for spec in specs))
    for day in days:
        cells = [
            f"{counts[s.name].get(day, 0):,} {'redo' if day.isoformat() in filled[s.name] else 'new'}" for s in specs
        ]
        out(f"{day.isoformat():<12}" + "".join(f"{cell:>{width}}" for cell in cells))
    totals = [f"{sum(counts[s.name].get(d, 0) for d in days):,}" for s in specs]
    out(f"{'total':<12}" + "".join(f"{total:>{width}}" for total in totals))
    return 0


def launch(instance, specs, days, per_partition: bool, out) -> int:
    started = time.perf_counter()
    names = [spec.name for spec in specs]
    partitions = [d.isoformat() for d in days]
    title = f"{'all metrics' if len(specs) > 1 else names[0]} {days[0]}..{days[-1]}"
    with engine.workspace_context(instance, per_partition=per_partition) as workspace:
        backfill_id = engine.submit_asset_backfill(
            instance,
            workspace.create_request_context().asset_graph,
            [spec.key for spec in specs],
            partitions,
            CLI_TAGS,
            title + (" per partition" if per_partition else ""),
            f"genai-pipeline backfill: {', '.join(names)}",
            _run_config(),
        )
        policy = "one run per day" if per_partition else "single-run policy"
        out(
            f"Backfill {backfill_id}: {', '.join(names)} over {len(days)} partition(s) {days[0]}..{days[-1]} ({policy})"
        )
        reporter = Reporter(instance, backfill_id, specs, len(days), out)
        reporter.start()
        here = False
        try:
            if engine.daemon_is_running(instance):
                out("  a Dagster daemon is running on this instance: it executes the backfill; waiting for it")
                if not engine.wait_for_daemon(instance, backfill_id):
                    out("  the daemon stopped heartbeating: executing the backfill here")
            if not engine.is_done(instance, backfill_id):
                here = True
                engine.drive(workspace, backfill_id, on_error=lambda m: out(f"  error: {m}"))
        except KeyboardInterrupt:
            reporter.stop()
            if here:
                engine.cancel_here(instance, backfill_id)
                out(f"interrupted: backfill {backfill_id} canceled")
            else:
                out(f"interrupted: the daemon carries on with backfill {backfill_id} (see the UI)")
            return 130
        finally:
            reporter.stop()
    seconds = time.perf_counter() - started
    return report(instance, backfill_id, specs, len(days), seconds, out)


def _run_config() -> dict:
    """Quiet console, and in-process steps when the asset job would fork a process per step
    (each re-imports dagster, dbt and the manifest, seconds, for a sub-second query)."""
    config = dict(QUIET_CONSOLE)
    if getattr(defs, "executor", None) in (None, multi_or_in_process_executor):
        config["execution"] = {"config": {"in_process": {}}}
    return config
