"""What `simulate` prints: a line per day, a weekly growth table, a ticking progress line."""

import datetime as dt
import sys
import threading
import time
from dataclasses import dataclass, field


@dataclass
class DayOutcome:
    day: dt.date
    success: bool
    checks_passed: int
    checks_total: int
    failed_blocking: list[str] = field(default_factory=list)
    failed_warn: list[str] = field(default_factory=list)
    seconds: float = 0.0


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


def format_day_line(number: int, outcome: DayOutcome, stats: dict | None) -> str:
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
    lines = [
        "",
        "Weekly growth",
        f"{'week':<6}{'from':<12}{'users (end)':>12}{'new users':>11}{'generations':>13}{'revenue':>13}{'growth':>9}",
    ]
    previous = None
    for row in rows:
        growth = f"{100.0 * (row['generations'] / previous - 1):+.1f}%" if previous else "-"
        lines.append(
            f"{row['week']:<6}{row['first_day']:<12}{row['total_users']:>12,}{row['new_users']:>11,}"
            f"{row['generations']:>13,}{'$' + format(row['revenue_usd'], ',.2f'):>13}{growth:>9}"
        )
        previous = row["generations"] or None
    return "\n".join(lines)
