"""Benchmark: is the incremental dbt build flat as history grows?

Builds with the dbt CLI (one `dbt build` process each, the window in GENAI_WINDOW_* env
vars as Dagster passes it, a stable target dir), at 100x the default scale: day 2 after one
day of history, a full rebuild of 30 days, and day 31 after 30 days, then what the
whole-history key tests cost. Dagster runs the same build in-process (transform/runner.py),
without the process start and parsing each CLI build includes here.
"""

import datetime as dt
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb

from genai_pipeline.core.paths import DBT_PROJECT_DIR, RAW_ZONE_ENV, raw_zone_path
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.landing.raw_tables import land_days, landing_workers
from genai_pipeline.transform.project import DBT_EXECUTABLE


def _dbt(
    warehouse: Path,
    window: tuple[dt.date, dt.date] | None,
    base_users: int,
    *extra: str,
    command: str = "build",
) -> float:
    """One dbt CLI command on `warehouse` with the run's window, as Dagster passes it."""
    env = {
        **os.environ,
        "GENAI_DUCKDB_PATH": str(warehouse),
        RAW_ZONE_ENV: str(raw_zone_path(warehouse=warehouse)),
        "GENAI_BASE_USERS": str(base_users),  # the statistical tests judge against this scale
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # the daily build's nodes (transform/runner.py): the unit tests run in `make test` only
        "DBT_EXCLUDE_RESOURCE_TYPES": "unit_test",
    }
    env.pop("GENAI_WINDOW_MIN_DATE", None)
    env.pop("GENAI_WINDOW_MAX_DATE", None)
    if window:
        env["GENAI_WINDOW_MIN_DATE"], env["GENAI_WINDOW_MAX_DATE"] = (d.isoformat() for d in window)
    args = [DBT_EXECUTABLE, command, "-q", "--target-path", str(_target(warehouse)), *extra]
    started = time.perf_counter()
    subprocess.run(args, cwd=DBT_PROJECT_DIR, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _target(warehouse: Path) -> Path:
    return warehouse.with_suffix(".target")


def _node_seconds(warehouse: Path) -> tuple[int, float]:
    """How many nodes the last dbt command ran and the sum of their execution times."""
    results = json.loads((_target(warehouse) / "run_results.json").read_text())["results"]
    return len(results), sum(r["execution_time"] for r in results)


def _land(warehouse: Path, settings: SimulationSettings, days: list[dt.date]) -> None:
    land_days(raw_zone_path(warehouse=warehouse), settings, days, workers=landing_workers())


def bench_incremental(smoke: bool = False) -> None:
    """Day 2, a full rebuild and day N+1 at 100x the default scale, then what the
    whole-history key tests (primary_key, unique_across_history) cost on day N+1 and on day 2.
    --smoke: 200 base users, 3 days of history."""
    base_users, history_days = (200, 3) if smoke else (int(os.environ.get("GENAI_BENCH_BASE_USERS", 500_000)), 30)
    settings = SimulationSettings(base_users=base_users)
    day = [settings.start_date + dt.timedelta(days=i) for i in range(history_days + 1)]
    one = dt.timedelta(days=1)
    key_tests = ("--select", "test_name:primary_key test_name:unique_across_history")
    print(f"incremental dbt benchmark: BASE_USERS={settings.base_users}, {history_days} days of history")
    with tempfile.TemporaryDirectory() as folder:
        warehouse = Path(folder) / "warehouse.duckdb"

        def window(i: int) -> tuple[dt.date, dt.date]:
            return day[i], day[i] + one

        _land(warehouse, settings, day[:1])
        _dbt(warehouse, None, base_users)
        _dbt(warehouse, window(0), base_users)  # warms dbt's parse cache for this warehouse
        _land(warehouse, settings, day[1:2])
        day2 = _dbt(warehouse, window(1), base_users)
        _dbt(warehouse, window(1), base_users, *key_tests, command="test")
        keys2 = _node_seconds(warehouse)
        _land(warehouse, settings, day[2:history_days])
        _dbt(warehouse, (day[2], day[history_days - 1] + one), base_users)
        full = _dbt(warehouse, None, base_users, "--full-refresh")
        _land(warehouse, settings, day[history_days:])
        last = _dbt(warehouse, window(history_days), base_users)
        _dbt(warehouse, window(history_days), base_users, *key_tests, command="test")
        keys_last = _node_seconds(warehouse)
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            gens = conn.execute("select count(*) from marts.fct_generations").fetchone()[0]
    n = history_days + 1
    print(f"  fct_generations rows after {n} days: {gens:,}")
    print(f"  {'build day 2 (1 day of history)':<44}{day2:8.1f}s")
    print(f"  {f'full rebuild of {history_days} days':<44}{full:8.1f}s")
    print(f"  {f'build day {n} ({history_days} days of history)':<44}{last:8.1f}s")
    print(
        f"  day {n} / day 2 = {last / day2:.2f}x (goal <= 1.3x); "
        f"day {n} / full rebuild = {100 * last / full:.0f}% (goal <= 40%)"
    )
    print(
        f"  whole-history key tests ({keys_last[0]}), dbt execution time: day 2 {keys2[1]:.2f}s, "
        f"day {n} {keys_last[1]:.2f}s"
    )
