"""Benchmark: generated rows per second for one day, and the landing rate."""

import datetime as dt
import tempfile
import time
from pathlib import Path

from genai_pipeline.cli.bench.machine import machine
from genai_pipeline.core.checksums import raw_zone_checksums
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.landing.raw_tables import land_days
from genai_pipeline.simulation import generate_day, signup_counts

GENERATIONS_PER_USER_DAY = 0.92  # measured mean at the default tier mix; only sizes the runs
BENCH_DAY_NUMBER = 30  # a day with a month of users behind it, like a real daily batch


def bench_generation(smoke: bool = False) -> None:
    """Generated rows/s for one day at 10k, 100k and 1M generations, cold (the user
    population built from nothing, as a fresh run worker does) and warm (population cached,
    best of 3), then the landing of the largest day: its Parquet writes timed on their own, on rows
    generated beforehand. --smoke: one 2k-generation day."""
    print(f"generation benchmark ({machine()})")
    print(
        f"{'target gens':>12}{'generations':>13}{'all rows':>11}{'cold s':>9}{'warm s':>9}"
        f"{'cold gen rows/s':>17}{'warm gen rows/s':>17}"
    )
    day = SimulationSettings().start_date + dt.timedelta(days=BENCH_DAY_NUMBER - 1)
    users_per_base_user = signup_counts(SimulationSettings(base_users=1_000_000), BENCH_DAY_NUMBER).sum() / 1e6
    frames, settings = {}, None
    for target in (2_000,) if smoke else (10_000, 100_000, 1_000_000):
        settings = SimulationSettings(base_users=int(target / (users_per_base_user * GENERATIONS_PER_USER_DAY)))
        started = time.perf_counter()
        frames = generate_day(settings, day)  # nothing cached for these settings yet
        cold = time.perf_counter() - started
        warm = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            generate_day(settings, day)
            warm = min(warm, time.perf_counter() - started)
        gens = len(frames["generations"])
        rows = sum(len(f) for f in frames.values())
        print(f"{target:>12,}{gens:>13,}{rows:>11,}{cold:>9.3f}{warm:>9.3f}{gens / cold:>17,.0f}{gens / warm:>17,.0f}")
    rows = sum(len(f) for f in frames.values())
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "raw"
        started = time.perf_counter()
        land_days(root, settings, [day], frames_for=lambda _settings, _day: frames)
        write = time.perf_counter() - started
        landed = sum(count for count, _ in raw_zone_checksums(root).values())
    if landed != rows:
        raise RuntimeError(f"landed {landed} rows of {rows}")
    print(f"landing that day, {rows:,} rows as 4 Parquet files: {write:.2f}s writing ({rows / write:,.0f} rows/s)")
