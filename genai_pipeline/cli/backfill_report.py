"""What `backfill` prints while a backfill runs and when it ends, read from the instance."""

import threading
import time

from dagster import DagsterEventType, DagsterRunStatus

from genai_pipeline.alerts.lateness import lateness
from genai_pipeline.cli.backfill_engine import backfill_runs, run_counts
from genai_pipeline.core.jobs import FRESHNESS_CHECK_NAME


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
        status = self.instance.get_backfill(self.backfill_id).status.value
        counts = run_counts(self.instance, self.backfill_id)
        done = materialized(self.instance, self.backfill_id, self._finished)
        per_metric = "  ".join(f"{s.name} {len(done.get(s.name, ())):>3}/{self.days}" for s in self.specs)
        state = ", ".join(f"{counts[k]} {k}" for k in ("running", "failed") if counts[k])
        runs = f"runs done {counts['done']}/{counts['runs']}" + (f" ({state})" if state else "")
        return f"{status.lower()}  {runs}  {per_metric}"


def materialized(instance, backfill_id: str, finished: dict | None = None) -> dict[str, set[str]]:
    """Partitions each asset materialized in the backfill's runs; ``finished`` caches the
    runs that can no longer change, so polling reads only the runs in flight."""
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
    backfill = instance.get_backfill(backfill_id)
    runs = backfill_runs(instance, backfill_id)
    rows: dict[str, int] = {}
    checks: dict[str, list[bool]] = {}
    late: dict[str, str] = {}
    for run in runs:
        for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
            evaluation = entry.dagster_event.event_specific_data
            name = evaluation.asset_key.to_user_string()
            if evaluation.check_name == FRESHNESS_CHECK_NAME:
                # It judges today's clock, not the backfilled days: reported apart, not counted.
                found = None if evaluation.passed else lateness(evaluation.metadata or {}, "")
                if found is not None:
                    late[name] = found[0]
                continue
            checks.setdefault(name, []).append(evaluation.passed)
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
    for name, partition in sorted(late.items()):
        out(f"  not fresh: {name}'s latest day {partition} is late (its freshness check, not these days' data)")
    out(f"  in the UI: Overview > Backfills > {backfill_id} (DAGSTER_HOME={instance.root_directory})")
    return 0 if backfill.status.value == "COMPLETED_SUCCESS" and not failed_checks else 1
