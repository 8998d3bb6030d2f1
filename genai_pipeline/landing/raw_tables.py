"""The raw landing as plain functions: simulated days into the raw zone's Parquet files.
The raw asset, the benchmarks and the tests share it.

Each table-day file is replaced atomically (raw_files.py), so a failed or killed landing
leaves each table-day as it was or complete, and landing the day again makes it whole.
No warehouse is opened and no lock taken: days are independent, so a range lands in a
process pool.
"""

import datetime as dt
import multiprocessing
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from genai_pipeline.core.settings import SettingsError, SimulationSettings
from genai_pipeline.landing.raw_files import to_arrow, write_day
from genai_pipeline.simulation import generate_day

LANDING_WORKERS_ENV = "GENAI_LANDING_WORKERS"
MAX_LANDING_WORKERS = 256

FramesFor = Callable[[SimulationSettings, dt.date], dict[str, pd.DataFrame]]


def landing_workers(environ: Mapping[str, str] | None = None) -> int:
    """GENAI_LANDING_WORKERS: processes that land a range's days; default the CPU count."""
    environ = os.environ if environ is None else environ
    raw = environ.get(LANDING_WORKERS_ENV, "").strip()
    if not raw:
        return os.cpu_count() or 1
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LANDING_WORKERS:
        raise SettingsError(
            f"invalid setting {LANDING_WORKERS_ENV}={raw!r}: must be a whole number of processes "
            f"in 1..{MAX_LANDING_WORKERS}"
        )
    return int(raw)


def land_days(
    root: Path,
    settings: SimulationSettings,
    days: list[dt.date],
    workers: int = 1,
    frames_for: FramesFor | None = None,
) -> pd.DataFrame:
    """Writes every table-day of ``days`` under ``root``; returns per-day stats, in day order.

    workers > 1 lands the days in that many processes (one day each at a time). frames_for:
    where a day's rows come from (default: the simulation, looked up at call time so tests
    can patch it; a patch lives in this process only, so patched ranges use workers=1); the
    benchmark passes rows generated beforehand, to time the writes alone. It cannot cross
    into a worker process, so it lands in this one.
    """
    if workers > 1 and len(days) > 1 and frames_for is None:
        return pd.DataFrame(_land_in_pool(root, settings, days, workers))
    stats = []
    for day in days:
        frames = (frames_for or generate_day)(settings, day)
        stats.append(land_day(root, day, frames))
    return pd.DataFrame(stats)


def land_day(root: Path, day: dt.date, frames: dict[str, pd.DataFrame]) -> dict:
    """One day's four files. Every frame is converted first: a value the file's schema cannot
    hold fails the day before any of its files is replaced."""
    tables = {table: to_arrow(table, frame) for table, frame in frames.items()}
    for table, rows in tables.items():
        write_day(root, table, day, rows)
    return day_stats(day, frames)


def _land_in_pool(root: Path, settings: SimulationSettings, days: list[dt.date], workers: int) -> list[dict]:
    # forkserver: workers fork from a clean single-threaded server that has imported this
    # module once, instead of forking this (threaded) Dagster process or re-importing pandas
    # and the simulation in each spawned worker.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(max_workers=min(workers, len(days)), mp_context=context) as pool:
        return list(pool.map(_generate_and_land, [root] * len(days), [settings] * len(days), days))


def _generate_and_land(root: Path, settings: SimulationSettings, day: dt.date) -> dict:
    return land_day(root, day, generate_day(settings, day))


def day_stats(day: dt.date, frames: dict[str, pd.DataFrame]) -> dict:
    gens = frames["generations"]
    success = gens["status"] == "success"
    return {
        "day": day.isoformat(),
        **{table: len(frame) for table, frame in frames.items()},
        "successes": int(success.sum()),
        "revenue_usd": float(gens["revenue_usd"].sum()),
    }
