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
import sys
import threading
import time
from typing import Callable, Optional

EXIT_USAGE = 2
MART_KEY = "fct_generations"
CLI_TAGS = {"genai/source": "backfill-cli"}
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


class UsageError(ValueError):
    """A bad argument: one line, exit 2, before anything is written."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def add_backfill_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("backfill", help="fill backfill metrics over history with Dagster partition backfills")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--list", action="store_true", help="list the metrics, their tables and partitions filled")
    what.add_argument("--metric", metavar="NAME", help="backfill one metric")
    what.add_argument("--all", action="store_true", help="backfill every metric (one backfill, one run per range)")
    parser.add_argument("--from", dest="first", type=_date, metavar="DATE", help="first day (default: the marts' first)")
    parser.add_argument("--to", dest="last", type=_date, metavar="DATE", help="last day, inclusive (default: marts' last)")
    parser.add_argument("--dry-run", action="store_true", help="print the partitions and rows to write; write nothing")
    parser.add_argument(
        "--per-partition", action="store_true", help="for comparison: one run per day instead of one run per range"
    )
    return parser


def plan_days(
    first: Optional[dt.date], last: Optional[dt.date], mart_days: set[dt.date], bounds: tuple[dt.date, dt.date]
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
    from genai_pipeline.assets.metrics import registered_metrics
    from genai_pipeline.paths import WarehousePathError, ensure_writable_warehouse, warehouse_path
    from genai_pipeline.resources import lock_timeout_seconds

    metrics = registered_metrics()
    try:
        if args.list and (args.first or args.last or args.dry_run or args.per_partition):
            raise UsageError("--from, --to, --dry-run and --per-partition go with --metric or --all")
        if args.metric is not None and args.metric not in metrics:
            raise UsageError(f"unknown metric {args.metric!r}; choose from {', '.join(metrics)}")
        warehouse = ensure_writable_warehouse(warehouse_path())
        lock_timeout_seconds()  # a bad GENAI_LOCK_TIMEOUT_SECONDS fails here (SettingsError), not mid-run
    except (UsageError, WarehousePathError) as error:
        return _fail(str(error))

    from dagster import AssetKey

    from genai_pipeline.backfill_engine import inprocess_instance
    from genai_pipeline.instance import dagster_home
    from genai_pipeline.simulate import partition_bounds

    with inprocess_instance(dagster_home()) as instance:
        from genai_pipeline.run_recovery import fail_runs_with_dead_workers

        fail_runs_with_dead_workers(instance, out)
        if args.list:
            return list_metrics(instance, metrics, out)
        mart_days = {dt.date.fromisoformat(k) for k in instance.get_materialized_partitions(AssetKey(MART_KEY))}
        try:
            days = plan_days(args.first, args.last, mart_days, partition_bounds())
        except UsageError as error:
            return _fail(str(error))
        if not warehouse.exists():
            return _fail(f"no warehouse at {warehouse}; run `genai-pipeline simulate` first")
        selected = [metrics[args.metric]] if args.metric else list(metrics.values())
        if args.dry_run:
            return dry_run(instance, warehouse, selected, days, out)
        return launch(instance, selected, days, args.per_partition, out)


def _fail(message: str) -> int:
    print(f"genai-pipeline: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def list_metrics(instance, metrics, out) -> int:
    from dagster import AssetKey

    from genai_pipeline.simulate import partition_bounds

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
    from genai_pipeline.assets.metrics import MetricWindow
    from genai_pipeline.metric_store import preview_counts
    from genai_pipeline.resources import connect_with_lock_retry, lock_timeout_seconds

    window = MetricWindow(days[0], days[-1] + dt.timedelta(days=1))
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
        cells = [f"{counts[s.name].get(day, 0):,} {'redo' if day.isoformat() in filled[s.name] else 'new'}" for s in specs]
        out(f"{day.isoformat():<12}" + "".join(f"{cell:>{width}}" for cell in cells))
    totals = [f"{sum(counts[s.name].get(d, 0) for d in days):,}" for s in specs]
    out(f"{'total':<12}" + "".join(f"{total:>{width}}" for total in totals))
    return 0


def launch(instance, specs, days, per_partition: bool, out) -> int:
    from genai_pipeline import backfill_engine as engine

    started = time.perf_counter()
    names = [spec.name for spec in specs]
    partitions = [d.isoformat() for d in days]
    title = f"{'all metrics' if len(specs) > 1 else names[0]} {days[0]}..{days[-1]}"
    with engine.workspace_context(instance, per_partition=per_partition) as workspace:
        backfill_id = engine.submit_asset_backfill(
            instance, workspace.create_request_context().asset_graph, [spec.key for spec in specs], partitions,
            CLI_TAGS, title + (" per partition" if per_partition else ""),
            f"genai-pipeline backfill: {', '.join(names)}", _run_config(),
        )
        policy = "one run per day" if per_partition else "single-run policy"
        out(f"Backfill {backfill_id}: {', '.join(names)} over {len(days)} partition(s) {days[0]}..{days[-1]} ({policy})")
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
    from dagster import multi_or_in_process_executor

    from genai_pipeline.definitions import defs

    config = dict(QUIET_CONSOLE)
    if getattr(defs, "executor", None) in (None, multi_or_in_process_executor):
        config["execution"] = {"config": {"in_process": {}}}
    return config


class Reporter(threading.Thread):
    """Prints a progress line whenever the backfill's runs or materialized partitions change."""

    def __init__(self, instance, backfill_id: str, specs, days: int, out, interval: float = 1.0):
        super().__init__(daemon=True)
        self.instance, self.backfill_id, self.specs, self.days = instance, backfill_id, specs, days
        self.out, self.interval = out, interval
        self.started = time.perf_counter()
        self._stop_event = threading.Event()
        self._finished: dict = {}

    def run(self) -> None:
        last = None
        while not self._stop_event.wait(self.interval):
            try:
                line = self.line()
            except Exception:  # progress is best effort; the result is read again at the end
                continue
            if line != last:
                self.out(f"  {time.perf_counter() - self.started:6.1f}s  {line}")
                last = line

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join()

    def line(self) -> str:
        from genai_pipeline.backfill_engine import run_counts

        status = self.instance.get_backfill(self.backfill_id).status.value
        counts = run_counts(self.instance, self.backfill_id)
        done = materialized(self.instance, self.backfill_id, self._finished)
        per_metric = "  ".join(f"{s.name} {len(done.get(s.name, ())):>3}/{self.days}" for s in self.specs)
        state = ", ".join(f"{counts[k]} {k}" for k in ("running", "failed") if counts[k])
        runs = f"runs done {counts['done']}/{counts['runs']}" + (f" ({state})" if state else "")
        return f"{status.lower()}  {runs}  {per_metric}"


def materialized(instance, backfill_id: str, finished: Optional[dict] = None) -> dict[str, set[str]]:
    """Partitions each asset materialized in the backfill's runs; ``finished`` caches the
    runs that can no longer change, so polling reads only the runs in flight."""
    from dagster import DagsterEventType

    from genai_pipeline.backfill_engine import backfill_runs

    finished = {} if finished is None else finished
    done: dict[str, set[str]] = {}
    for run in backfill_runs(instance, backfill_id):
        per_run = finished.get(run.run_id)
        if per_run is None:
            per_run = {}
            for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION):
                event = entry.dagster_event
                per_run.setdefault(event.asset_key.to_user_string(), set()).add(event.partition)
            if run.is_finished:
                finished[run.run_id] = per_run
        for name, partitions in per_run.items():
            done.setdefault(name, set()).update(partitions)
    return done


def report(instance, backfill_id: str, specs, days: int, seconds: float, out) -> int:
    """The result from the instance: status, runs, and per metric partitions, rows, checks."""
    from dagster import DagsterEventType, DagsterRunStatus

    from genai_pipeline.backfill_engine import backfill_runs

    backfill = instance.get_backfill(backfill_id)
    runs = backfill_runs(instance, backfill_id)
    rows: dict[str, int] = {}
    checks: dict[str, list[bool]] = {}
    for run in runs:
        for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
            evaluation = entry.dagster_event.event_specific_data
            checks.setdefault(evaluation.asset_key.to_user_string(), []).append(evaluation.passed)
        counted = set()
        for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION):
            materialization = entry.dagster_event.event_specific_data.materialization
            name = materialization.asset_key.to_user_string()
            value = materialization.metadata.get("rows_in_run") or materialization.metadata.get("dagster/row_count")
            # a range run repeats its one result on every partition of the range: count it once
            if value is not None and name not in counted:
                rows[name] = rows.get(name, 0) + int(value.value)
                counted.add(name)
    done = materialized(instance, backfill_id)
    succeeded = sum(run.status == DagsterRunStatus.SUCCESS for run in runs)
    out(f"Backfill {backfill_id} {backfill.status.value} in {seconds:.1f}s: {len(runs)} run(s), {succeeded} succeeded")
    failed_checks = 0
    for spec in specs:
        results = checks.get(spec.name, [])
        failed_checks += results.count(False)
        out(
            f"  {spec.name:<26}{len(done.get(spec.name, ())):>4}/{days} partitions{rows.get(spec.name, 0):>11,} rows  "
            f"checks {results.count(True)}/{len(results)} passed  -> {spec.table}"
        )
    out(f"  in the UI: Overview > Backfills > {backfill_id} (DAGSTER_HOME={instance.root_directory})")
    return 0 if backfill.status.value == "COMPLETED_SUCCESS" and not failed_checks else 1
