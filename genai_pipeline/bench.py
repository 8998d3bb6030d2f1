"""`genai-pipeline bench [NAME]`: every benchmark the issues ask for, one entry point.

Each prints its figures side by side from one run; nothing here asserts a time.
"""

import datetime as dt
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

from genai_pipeline.settings import SimulationSettings

GENERATIONS_PER_USER_DAY = 0.92  # measured mean at the default tier mix; only sizes the runs
BENCH_DAY_NUMBER = 30  # a day with a month of users behind it, like a real daily batch


def _machine() -> str:
    return f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"


def bench_generation() -> None:
    """Generated rows/s for one day at 10k, 100k and 1M generations, and the landing rate."""
    import duckdb

    from genai_pipeline.assets.raw import land_days
    from genai_pipeline.simulation import generate_day, signup_counts

    print(f"generation benchmark ({_machine()})")
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


BENCHMARKS: dict[str, Callable[[], None]] = {
    "generation": bench_generation,
}


def run_benchmarks(name: Optional[str]) -> int:
    if name is not None and name not in BENCHMARKS:
        print(f"genai-pipeline: error: unknown benchmark {name!r}; choose from {sorted(BENCHMARKS)}")
        return 2
    for key, bench in BENCHMARKS.items():
        if name in (None, key):
            bench()
            print()
    return 0
