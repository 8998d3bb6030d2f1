"""Simulation parameters as one typed, validated object.

Defaults reproduce the original daily simulator. Every field can be overridden by an env
var (``GENAI_<FIELD>``, e.g. ``GENAI_BASE_USERS=500000``) or, per run, by Dagster run
config on the raw asset; both paths go through ``SimulationSettings.validate``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

DEFAULT_START_DATE = dt.date(2025, 12, 1)


class SettingsError(ValueError):
    """A setting has a value the simulation cannot use; the message names it."""


@contextmanager
def environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """Sets the env vars in `values` (None unsets one) for the block, then restores each one's
    value from before, whatever happened inside: settings read at run time (DBT_TARGET, the
    Spark server, the base users) follow what one process runs now, as a shell would set them."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        _set_environment(values)
        yield
    finally:
        _set_environment(saved)


def _set_environment(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@dataclass(frozen=True)
class SimulationSettings:
    start_date: dt.date = DEFAULT_START_DATE
    base_users: int = 5000
    first_day_share: float = 0.40
    daily_signup_share: float = 0.02
    growth_rate: float = 0.03
    tier_mix: Mapping[str, float] = field(default_factory=lambda: {"free": 0.70, "pro": 0.25, "enterprise": 0.05})
    tier_activity: Mapping[str, float] = field(default_factory=lambda: {"free": 1.0, "pro": 3.0, "enterprise": 8.0})
    activity_scale: float = 0.5
    daily_generation_cap: int = 5
    success_rate: float = 0.94
    retry_probability: float = 0.6
    video_share: float = 0.2
    image_price_usd: float = 0.04
    video_price_usd: float = 0.25
    tier_price_multiplier: Mapping[str, float] = field(
        default_factory=lambda: {"free": 1.0, "pro": 0.9, "enterprise": 0.75}
    )
    seed: int = 42
    # Off by default (0): the original semantics keep every user active forever and
    # compound growth, which explodes over a year. These make long histories realistic.
    daily_churn_rate: float = 0.0
    max_users: int = 0
    # A safety stop: 3%/day compounding reaches ~140M users after a year, which would
    # exhaust a laptop. Days beyond it fail with a message naming the settings to use.
    population_limit: int = 20_000_000

    def __post_init__(self) -> None:
        self.validate()

    def __hash__(self) -> int:
        # The mappings make the generated hash fail; the repr is faithful and lets the
        # simulation cache cohorts per settings.
        return hash(repr(self))

    def validate(self) -> None:
        def fail(name: str, value: Any, allowed: str) -> None:
            raise SettingsError(f"invalid setting {name}={value!r}: {allowed}")

        if not isinstance(self.start_date, dt.date):
            fail("start_date", self.start_date, "must be a date YYYY-MM-DD")
        for name in ("base_users", "daily_generation_cap", "seed", "max_users", "population_limit"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                fail(name, value, "must be a non-negative integer")
        if self.base_users == 0:
            fail("base_users", 0, "must be at least 1")
        for name in (
            "first_day_share",
            "daily_signup_share",
            "success_rate",
            "retry_probability",
            "video_share",
            "daily_churn_rate",
        ):
            value = getattr(self, name)
            if not 0.0 <= float(value) <= 1.0:
                fail(name, value, "must be between 0 and 1")
        for name in ("growth_rate", "activity_scale", "image_price_usd", "video_price_usd"):
            if float(getattr(self, name)) < 0:
                fail(name, getattr(self, name), "must be >= 0")
        tiers = {"free", "pro", "enterprise"}
        for name in ("tier_mix", "tier_activity", "tier_price_multiplier"):
            mapping = getattr(self, name)
            if set(mapping) != tiers:
                fail(name, dict(mapping), f"must have exactly the tiers {sorted(tiers)}")
            if any(float(v) < 0 for v in mapping.values()):
                fail(name, dict(mapping), "values must be >= 0")
        if abs(sum(self.tier_mix.values()) - 1.0) > 1e-6:
            fail("tier_mix", dict(self.tier_mix), "shares must sum to 1")

    def day_number(self, day: dt.date) -> int:
        """1 for the start date; the simulation has no day 0 or before."""
        number = (day - self.start_date).days + 1
        if number < 1:
            raise SettingsError(f"day {day.isoformat()} is before the simulation start {self.start_date.isoformat()}")
        return number

    def replace(self, **changes: Any) -> SimulationSettings:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> SimulationSettings:
        """Builds settings from strings or typed values (env vars, run config, CLI)."""
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise SettingsError(f"unknown setting(s) {unknown}; known: {sorted(known)}")
        parsed = {name: _parse(name, known[name].type, raw) for name, raw in values.items()}
        return cls(**parsed)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SimulationSettings:
        environ = os.environ if environ is None else environ
        values = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(f"GENAI_{f.name.upper()}")
            if raw is not None and raw.strip() != "":
                values[f.name] = raw
        return cls.from_mapping(values)


def _parse(name: str, kind: str, raw: Any) -> Any:
    if not isinstance(raw, str):
        if kind == "dt.date" and isinstance(raw, dt.datetime):
            return raw.date()
        return raw
    text = raw.strip()
    try:
        if kind == "dt.date":
            return dt.date.fromisoformat(text)
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        mapping = json.loads(text)
        if not isinstance(mapping, dict):
            raise ValueError("not a JSON object")
        return {str(k): float(v) for k, v in mapping.items()}
    except ValueError:
        expected = {
            "dt.date": "a date YYYY-MM-DD",
            "int": "an integer",
            "float": "a number",
        }.get(kind, 'a JSON object such as {"free": 0.7, "pro": 0.25, "enterprise": 0.05}')
        raise SettingsError(f"invalid setting {name}={raw!r}: must be {expected}") from None
