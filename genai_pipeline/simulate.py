"""`genai-pipeline simulate`: the original 30-day daily-batch demo, driven through Dagster.

Every simulated day is a real run of the daily job on the persistent instance, so the UI
shows its runs, materializations and check results afterwards.
"""

import datetime as dt
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from genai_pipeline import warehouse_stats
from genai_pipeline.partitions import daily_partitions

SIM_TAG = {"genai/source": "simulate"}


class UsageError(ValueError):
    """A bad argument: reported in one line with exit status 2, before anything is written."""


@dataclass
class DayOutcome:
    day: dt.date
    success: bool
    checks_passed: int
    checks_total: int
    failed_blocking: list[str] = field(default_factory=list)
    failed_warn: list[str] = field(default_factory=list)
    seconds: float = 0.0


def partition_bounds(now: Optional[dt.datetime] = None) -> tuple[dt.date, dt.date]:
    keys = daily_partitions.get_partition_keys(current_time=now)
    return dt.date.fromisoformat(keys[0]), dt.date.fromisoformat(keys[-1])


def plan_days(
    days: int, start: Optional[dt.date], done: set[dt.date], now: Optional[dt.datetime] = None
) -> list[dt.date]:
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
        raise UsageError(f"--start {begin.isoformat()} is outside the partitions {first.isoformat()}..{last.isoformat()}")
    end = begin + dt.timedelta(days=days - 1)
    if end > last:
        raise UsageError(
            f"{days} day(s) from {begin.isoformat()} end on {end.isoformat()}, after the last complete day "
            f"{last.isoformat()}; use fewer --days or an earlier --start"
        )
    wanted = [begin + dt.timedelta(days=i) for i in range(days)]
    return wanted if start is not None else [d for d in wanted if d not in done]


class Progress:
    """A one-line ticking indicator on stderr while a run is in flight (TTYs only)."""

    def __init__(self, label: str):
        self.label = label
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)

    def __enter__(self) -> "Progress":
        if sys.stderr.isatty():
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
            sys.stderr.write("\r\033[K")

    def _tick(self) -> None:
        started = time.monotonic()
        frames = "|/-\\"
        i = 0
        while not self._stop.wait(0.2):
            sys.stderr.write(f"\r{frames[i % 4]} {self.label} {time.monotonic() - started:5.1f}s")
            sys.stderr.flush()
            i += 1


def format_day_line(number: int, outcome: DayOutcome, stats: Optional[dict]) -> str:
    head = f"Day {number:2d} ({outcome.day.isoformat()})"
    if stats is None:
        body = "no data"
    else:
        body = (
            f"+{stats['new_users']:<6d} users  +{stats['generations']:<7d} gens  "
            f"${stats['revenue_usd']:>9,.2f} revenue  {stats['success_rate_pct']:5.1f}% success"
        )
    checks = f"checks {outcome.checks_passed}/{outcome.checks_total}" if outcome.checks_total else "checks skipped"
    tail = "" if outcome.success else "  FAILED: " + ", ".join(outcome.failed_blocking or ["run failed"])
    return f"{head}  {body}  {checks}  {outcome.seconds:5.1f}s{tail}"


def format_weekly_summary(rows: list[dict]) -> str:
    lines = ["", "Weekly growth", f"{'week':<6}{'from':<12}{'users (end)':>12}{'new users':>11}{'generations':>13}{'revenue':>13}{'growth':>9}"]
    previous = None
    for row in rows:
        growth = f"{100.0 * (row['generations'] / previous - 1):+.1f}%" if previous else "-"
        lines.append(
            f"{row['week']:<6}{row['first_day']:<12}{row['total_users']:>12,}{row['new_users']:>11,}"
            f"{row['generations']:>13,}{'$' + format(row['revenue_usd'], ',.2f'):>13}{growth:>9}"
        )
        previous = row["generations"] or None
    return "\n".join(lines)


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
    out(format_weekly_summary(warehouse_stats.weekly_summary(warehouse, first_day, outcomes[-1].day, from_raw=from_raw)))
    passed = sum(o.checks_passed for o in outcomes)
    total = sum(o.checks_total for o in outcomes)
    failed = [f"{o.day.isoformat()} {name}" for o in outcomes for name in o.failed_blocking]
    warned = sum(len(o.failed_warn) for o in outcomes)
    out(f"\nChecks: {passed} passed, {total - passed} failed ({warned} warn-severity) over {len(outcomes)} day(s)")
    if failed or not all(o.success for o in outcomes):
        out("Blocking failure: " + (", ".join(failed) if failed else "a run failed (see the Dagster UI)"))
        return 1
    return 0
