"""Benchmark: generated rows per second for one day, and the landing rate."""

import datetime as dt
import tempfile
import time
from pathlib import Path

import duckdb

from genai_pipeline.cli.bench.machine import machine
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.landing.raw_tables import land_days
from genai_pipeline.simulation import generate_day, signup_counts

GENERATIONS_PER_USER_DAY = 0.92  # measured mean at the default tier mix; only sizes the runs
BENCH_DAY_NUMBER = 30  # a day with a month of users behind it, like a real daily batch


def bench_generation() -> None:
    """Generated rows/s for one day at 10k, 100k and 1M generations, and the landing rate."""
    print(f"generation benchmark ({machine()})")
    print(f"{'target gens':>12}{'generations':>13}{'all rows':>11}{'seconds':>9}{'gen rows/s':>14}{'all rows/s':>14}")
    day = SimulationSettings().start_date + dt.timedelta(days=BENCH_DAY_NUMBER - 1)
    users_per_base_user = signup_counts(SimulationSettings(base_users=1_000_000), BENCH_DAY_NUMBER).sum() / 1e6
    biggest = None
    for target in (10_000, 100_000, 1_000_000):
        settings = SimulationSettings(base_users=int(target / (users_per_base_user * GENERATIONS_PER_USER_DAY)))
        generate_day(settings, day)  # warm the cohort cache and numpy; measure the steady state
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            frames = generate_day(settings, day)
            best = min(best, time.perf_counter() - started)
        gens = len(frames["generations"])
        rows = sum(len(f) for f in frames.values())
        print(f"{target:>12,}{gens:>13,}{rows:>11,}{best:>9.3f}{gens / best:>14,.0f}{rows / best:>14,.0f}")
        biggest = settings
    with tempfile.TemporaryDirectory() as folder:
        conn = duckdb.connect(str(Path(folder) / "bench.duckdb"))
        started = time.perf_counter()
        stats = land_days(conn, biggest, [day])
        total = time.perf_counter() - started
        conn.close()
    rows = int(stats[["users", "sessions", "prompts", "generations"]].sum(axis=1).iloc[0])
    print(
        f"landing day {BENCH_DAY_NUMBER} at 1M generations, {rows:,} rows in one transaction: {total:.2f}s in all, "
        f"{total - best:.2f}s of it inserting ({rows / (total - best):,.0f} rows/s) after {best:.2f}s generating"
    )
