"""Trend-adjusted z-scores of a daily KPI against its trailing window (pure numpy).

A plain z-score against the trailing mean does not suit a product that grows a few percent
a day: on the default simulation a clean day sits well above its trailing mean from growth
alone, and a real drop lands near that mean (README, "Anomaly checks", has the figures).
So the expected value of day D is the least-squares line through the trailing days,
extrapolated to D, and the spread is the standard deviation of that line's residuals.
A nearly deterministic series (new users follow a formula) has residuals near zero, which
would turn rounding into alerts: the spread is floored per metric (see METRICS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

# Trailing days the expectation is fitted on, and how many of them must exist.
WINDOW_DAYS = 14
MIN_HISTORY_DAYS = 7
# |z| at or above this is an anomaly. On the clean 30-day default simulation the largest
# |z| measured was well under half of it (see README, "Alerts"); a day with 10% of its
# usual generations scores beyond -20.
Z_THRESHOLD = 4.0


@dataclass(frozen=True)
class MetricRule:
    column: str
    # Smallest spread, as a share of the expected value and as an absolute amount.
    relative_floor: float = 0.0
    absolute_floor: float = 0.0

    def floor(self, expected: float) -> float:
        return max(self.relative_floor * abs(expected), self.absolute_floor)


# With Z_THRESHOLD 4: counts and revenue alert from a deviation of 4 x 3% from their trend, the
# success rate from a 3-point one, whatever the day-to-day noise of a small product.
METRICS: dict[str, MetricRule] = {
    "generations": MetricRule("generations", relative_floor=0.03, absolute_floor=1.0),
    "revenue_usd": MetricRule("revenue_usd", relative_floor=0.03, absolute_floor=0.01),
    "success_rate_pct": MetricRule("success_rate_pct", absolute_floor=0.75),
    "new_users": MetricRule("new_users", relative_floor=0.03, absolute_floor=1.0),
}


@dataclass(frozen=True)
class DayScore:
    day: dt.date
    value: float | None
    history_days: int
    expected: float | None = None
    spread: float | None = None
    z: float | None = None

    @property
    def scored(self) -> bool:
        return self.z is not None

    @property
    def anomalous(self) -> bool:
        return self.z is not None and abs(self.z) >= Z_THRESHOLD

    def as_row(self) -> dict:
        rounded = lambda x: None if x is None else round(float(x), 4)  # noqa: E731
        return {
            "metric_date": self.day.isoformat(),
            "value": rounded(self.value),
            "expected": rounded(self.expected),
            "spread": rounded(self.spread),
            "z": rounded(self.z),
            "history_days": self.history_days,
        }


def score_day(series: Mapping[dt.date, float | None], day: dt.date, rule: MetricRule) -> DayScore:
    """Scores ``series[day]`` against the WINDOW_DAYS before it; unscored (z None) when the
    day has no value or fewer than MIN_HISTORY_DAYS of those days have one."""
    offsets = [(d, series.get(day - dt.timedelta(days=d))) for d in range(WINDOW_DAYS, 0, -1)]
    history = [(-d, float(v)) for d, v in offsets if v is not None]
    value = series.get(day)
    if value is None or len(history) < MIN_HISTORY_DAYS:
        return DayScore(day, value, len(history))
    x = np.array([h[0] for h in history], dtype=float)
    y = np.array([h[1] for h in history], dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    residuals = y - (slope * x + intercept)
    expected = float(intercept)  # the line at offset 0, i.e. on `day`
    # ddof=2: the line used two degrees of freedom.
    spread = max(float(np.sqrt((residuals**2).sum() / (len(y) - 2))), rule.floor(expected))
    z = (float(value) - expected) / spread
    return DayScore(day, float(value), len(history), expected, spread, z)
