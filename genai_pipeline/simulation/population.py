"""Who exists on a given day: signup counts and the attributes of each signup cohort.

Each cohort (the users who signed up on day s) is drawn from its own random stream keyed
by (seed, s), so the user base of day D is rebuilt from D alone, without reading earlier
partitions, and is the same whatever order days are run in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from genai_pipeline.core.settings import SettingsError, SimulationSettings

TIERS = np.array(["free", "pro", "enterprise"], dtype=object)
ID_DAY_FACTOR = 1_000_000_000
# New users sign up before 20:00 so their first session still fits inside the same day.
LATEST_SIGNUP_SECOND = 20 * 3600
STREAM_COHORT = 1
# Share of signups per country and per acquisition channel, in schema.py's order.
COUNTRY_MIX = (0.34, 0.1, 0.08, 0.07, 0.12, 0.08, 0.06, 0.05, 0.05, 0.05)
CHANNEL_MIX = (0.4, 0.25, 0.2, 0.1, 0.05)


@dataclass(frozen=True)
class Cohort:
    user_id: np.ndarray  # int64
    tier: np.ndarray  # int8 index into TIERS
    signup_second: np.ndarray  # float64 seconds after midnight of the signup day
    last_active_day: np.ndarray  # int64 day number; churn draws it, else "forever"
    country: np.ndarray  # int8
    channel: np.ndarray  # int8


def epoch_day(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def signup_counts(settings: SimulationSettings, through_day: int) -> np.ndarray:
    """New users for day numbers 1..through_day (index 0 is day 1)."""
    return _signup_counts(settings, through_day)


def cohort(settings: SimulationSettings, day_number: int) -> Cohort:
    return _cohort(settings, day_number)


def population(settings: SimulationSettings, day_number: int) -> Cohort:
    """Every user who signed up on day 1..day_number, oldest cohort first."""
    total = int(signup_counts(settings, day_number).sum())
    if total > settings.population_limit:
        raise SettingsError(
            f"day {day_number} would simulate {total:,} users, over population_limit="
            f"{settings.population_limit:,}; for long histories set GENAI_MAX_USERS (saturating growth) "
            f"or GENAI_DAILY_CHURN_RATE, or raise GENAI_POPULATION_LIMIT"
        )
    parts = [cohort(settings, s) for s in range(1, day_number + 1)]
    return Cohort(*(np.concatenate([getattr(p, f) for p in parts]) for f in Cohort.__dataclass_fields__))


@lru_cache(maxsize=8)
def _signup_counts(settings: SimulationSettings, through_day: int) -> np.ndarray:
    days = np.arange(1, through_day + 1)
    uncapped = settings.base_users * settings.daily_signup_share * (1 + settings.growth_rate) ** (days - 1)
    uncapped[0] = settings.base_users * settings.first_day_share
    if not settings.max_users:
        return np.rint(uncapped).astype(np.int64)
    # Saturating growth: each day's signups shrink with the share of the market already taken.
    counts = np.zeros(through_day, dtype=np.int64)
    total = 0
    for i, wanted in enumerate(uncapped):
        headroom = max(0.0, 1.0 - total / settings.max_users)
        counts[i] = min(int(round(wanted * headroom)), settings.max_users - total)
        total += counts[i]
    return counts


@lru_cache(maxsize=4096)
def _cohort(settings: SimulationSettings, day_number: int) -> Cohort:
    n = int(signup_counts(settings, day_number)[day_number - 1])
    rng = np.random.default_rng([settings.seed, STREAM_COHORT, day_number])
    shares = np.array([settings.tier_mix[t] for t in TIERS], dtype=float)
    tier = rng.choice(len(TIERS), size=n, p=shares / shares.sum()).astype(np.int8)
    signup_second = rng.uniform(0, LATEST_SIGNUP_SECOND, size=n)
    if settings.daily_churn_rate > 0:
        # Geometric lifetime: each day after signup a user leaves with daily_churn_rate.
        lifetime = rng.geometric(settings.daily_churn_rate, size=n)
        last_active = day_number + lifetime - 1
    else:
        last_active = np.full(n, np.iinfo(np.int64).max)
    country = rng.choice(len(COUNTRY_MIX), size=n, p=COUNTRY_MIX)
    channel = rng.choice(len(CHANNEL_MIX), size=n, p=CHANNEL_MIX)
    day = settings.start_date + dt.timedelta(days=day_number - 1)
    user_id = epoch_day(day) * ID_DAY_FACTOR + np.arange(n, dtype=np.int64)
    return Cohort(
        user_id=user_id,
        tier=tier,
        signup_second=signup_second,
        last_active_day=last_active.astype(np.int64),
        country=country.astype(np.int8),
        channel=channel.astype(np.int8),
    )
