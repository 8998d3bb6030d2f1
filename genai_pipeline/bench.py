"""`genai-pipeline bench [NAME]`: every benchmark the issues ask for, one entry point.

Each prints its figures side by side from one run; nothing here asserts a time.
"""

import datetime as dt
import os
import platform
import sys
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


def bench_backfill() -> None:
    """`backfill --all` over a simulated month: the single-run backfill vs one run per day.

    A fresh warehouse and Dagster home in a temp dir; `simulate --days N --batch` builds the
    marts, then both backfills run as the CLI does (a process each, imports included) and
    must write identical rows. N = GENAI_BENCH_BACKFILL_DAYS (default 30).
    """
    import re
    import subprocess
    import sys

    import duckdb
    from dagster import DagsterInstance

    from genai_pipeline.assets.metrics import registered_metrics
    from genai_pipeline.backfill_engine import backfill_runs
    from genai_pipeline.checksums import table_checksums

    days = int(os.environ.get("GENAI_BENCH_BACKFILL_DAYS", "30"))
    scale = SimulationSettings.from_env().base_users
    print(f"backfill benchmark: {days} days, base_users={scale:,} ({_machine()})")
    cli = [str(Path(sys.executable).parent / "genai-pipeline")]
    with tempfile.TemporaryDirectory(prefix="genai-bench-backfill-") as folder:
        env = {**os.environ, "GENAI_DUCKDB_PATH": f"{folder}/warehouse.duckdb", "DAGSTER_HOME": f"{folder}/dagster_home"}

        def timed(*argv: str) -> tuple[float, str]:
            started = time.perf_counter()
            done = subprocess.run([*cli, *argv], env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            if done.returncode != 0:
                raise RuntimeError(f"genai-pipeline {' '.join(argv)} failed ({done.returncode}): {done.stderr[-2000:]}")
            return seconds, done.stdout

        setup, _ = timed("simulate", "--days", str(days), "--batch", "--skip-tests")
        # The daily job computes the metrics too: forget them, so the first backfill fills.
        metric_keys = [spec.key for spec in registered_metrics().values()]
        with duckdb.connect(env["GENAI_DUCKDB_PATH"]) as conn:
            conn.execute("drop schema if exists backfill_metrics cascade")
        with DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
            instance.wipe_assets(metric_keys)
        print(f"setup: simulate --days {days} --batch --skip-tests in {setup:.1f}s")
        results = []
        modes = (("single-run (backfill --all)", []), ("one run per day (--per-partition)", ["--per-partition"]))
        for label, flags in modes:
            seconds, out = timed("backfill", "--all", *flags)
            inner = float(re.search(r"COMPLETED_SUCCESS in ([0-9.]+)s", out).group(1))
            with duckdb.connect(env["GENAI_DUCKDB_PATH"], read_only=True) as conn:
                sums = table_checksums(conn, ("backfill_metrics",))
            with DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
                latest = instance.get_backfills(limit=1)[0]
                runs = len(backfill_runs(instance, latest.backfill_id))
            results.append((label, runs, seconds, inner, sums))
        rows = sum(count for count, _ in results[0][4].values())
        print(f"{f'backfill of {len(metric_keys)} metrics':<36}{'runs':>6}{'wall s':>9}{'backfill s':>12}{'rows':>11}")
        for label, runs, seconds, inner, _ in results:
            print(f"{label:<36}{runs:>6}{seconds:>9.1f}{inner:>12.1f}{rows:>11,}")
        single, per_day = results
        print(
            f"one run per day is {per_day[2] / single[2]:.1f}x the wall time "
            f"({per_day[3] / single[3]:.1f}x the backfill); identical rows: {'yes' if single[4] == per_day[4] else 'NO'}"
        )


def bench_incremental() -> None:
    from genai_pipeline.bench_dbt import bench_incremental as run

    run()


def bench_simulate() -> None:
    from genai_pipeline.bench_dbt import bench_simulate as run

    run()


BENCHMARKS: dict[str, Callable[[], None]] = {
    "generation": bench_generation,
    "incremental": bench_incremental,
    "simulate": bench_simulate,
    "backfill": bench_backfill,
}


def run_benchmarks(name: Optional[str]) -> int:
    # Figures must reach a log file as they are measured, not when a long run ends.
    sys.stdout.reconfigure(line_buffering=True)
    if name is not None and name not in BENCHMARKS:
        print(f"genai-pipeline: error: unknown benchmark {name!r}; choose from {sorted(BENCHMARKS)}")
        return 2
    for key, bench in BENCHMARKS.items():
        if name in (None, key):
            bench()
            print()
    return 0
