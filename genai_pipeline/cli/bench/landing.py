"""Benchmark: a 30-day range landed into the raw zone by 1 process and by 2 (a process pool).

Landing takes no warehouse lock, so a range's days are independent: this is what the pool
buys on this machine. Each configuration lands into a fresh folder; the runs alternate
(1, 2, 1, 2) so a change of machine load hits both alike, and every run must write the same
bytes as the first (checked). The first pool of the process also starts the forkserver (it
imports the landing once): its time is the first 2-process figure.
"""

import datetime as dt
import hashlib
import os
import tempfile
import time
from pathlib import Path

from genai_pipeline.cli.bench.machine import machine
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.landing.raw_tables import land_days

DAYS = 30
SCALES = (5_000, 50_000)  # the default and 10x users


def _digest(root: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(root.rglob("*.parquet")):
        sha.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return sha.hexdigest()


def landing_speedup(base_users: int, days: int) -> tuple[int, dict[int, list[float]]]:
    """Rows landed, and each run's seconds by process count: a `days` range landed into fresh
    folders, runs alternating 1, 2, 1, 2, every run's files identical (checked). bench spark
    prints it too."""
    settings = SimulationSettings(base_users=base_users)
    range_ = [settings.start_date + dt.timedelta(days=i) for i in range(days)]
    seconds: dict[int, list[float]] = {1: [], 2: []}
    digests = set()
    rows = 0
    with tempfile.TemporaryDirectory() as folder:
        for run, workers in enumerate((1, 2, 1, 2)):
            root = Path(folder) / f"run-{run}"
            started = time.perf_counter()
            stats = land_days(root, settings, range_, workers=workers)
            seconds[workers].append(time.perf_counter() - started)
            digests.add(_digest(root))
            rows = int(stats[["users", "sessions", "prompts", "generations"]].to_numpy().sum())
    if len(digests) != 1:
        raise RuntimeError(f"BASE_USERS={base_users}: the runs landed different files")
    return rows, seconds


def bench_landing(smoke: bool = False) -> None:
    """--smoke: 200 base users, 3 days."""
    days, scales = (3, (200,)) if smoke else (DAYS, SCALES)
    print(f"landing benchmark: {days} days into the raw zone, 1 vs 2 processes ({machine()})")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for base_users in scales:
        rows, seconds = landing_speedup(base_users, days)
        one, two = min(seconds[1]), min(seconds[2])
        print(
            f"  BASE_USERS={base_users:,}: {rows:,} rows; 1 process {' / '.join(f'{s:.2f}' for s in seconds[1])} s, "
            f"2 processes {' / '.join(f'{s:.2f}' for s in seconds[2])} s; best {one:.2f} vs {two:.2f} s = "
            f"{one / two:.2f}x; identical files (checked)"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
