"""Benchmark: is the incremental dbt build flat as history grows?

Builds with the dbt CLI (one `dbt build` process each, the window in GENAI_WINDOW_* env
vars as Dagster passes it, a stable target dir), at 100x the default scale: day 2 after one
day of history, a full rebuild of 30 days, and day 31 after 30 days. Prints the three times
and the two ratios. Dagster runs the same build in-process (transform/runner.py), without the
process start and parsing each CLI build includes here.
"""

import datetime as dt
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import DagsterInstance
from dbt.cli.main import dbtRunner

from genai_pipeline.cli.daily_runs import Simulation
from genai_pipeline.core.checksums import table_checksums
from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.instance.home import dagster_home
from genai_pipeline.landing.raw_tables import land_days
from genai_pipeline.transform import runner as dbt_runner
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
        "GENAI_BASE_USERS": str(base_users),  # the statistical tests judge against this scale
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
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
    conn = duckdb.connect(str(warehouse))
    try:
        land_days(conn, settings, days)
    finally:
        conn.close()


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


@contextmanager
def _dbt_clock() -> Iterator[list[tuple[str, float, int]]]:
    """Times every dbtRunner invocation (the in-process dbt of transform/runner.py):
    (command, seconds, nodes run). What is left of a run's time is Dagster's and ours."""
    calls: list[tuple[str, float, int]] = []
    invoke = dbtRunner.invoke

    def timed(self, args, **kwargs):
        started = time.perf_counter()
        result = invoke(self, args, **kwargs)
        nodes = len(getattr(result.result, "results", None) or [])
        calls.append((args[0], time.perf_counter() - started, nodes))
        return result

    dbtRunner.invoke = timed
    try:
        yield calls
    finally:
        dbtRunner.invoke = invoke


def bench_simulate(smoke: bool = False) -> None:
    """`simulate` per-day (one run a day) beside `--batch` (one run), same process, same days,
    each run's time split into dbt's own (parse, build) and the rest (Dagster, landing,
    metrics): dbt's build time is the floor under any per-day figure. --smoke: 2 days."""
    days = 2 if smoke else 30
    start = SimulationSettings().start_date
    plan = [start + dt.timedelta(days=i) for i in range(days)]
    print(f"simulate benchmark: {days} days at the default scale, in-process runs on a temp instance")
    saved_home = os.environ.get("DAGSTER_HOME")
    with tempfile.TemporaryDirectory() as folder, _dbt_clock() as dbt_calls:
        os.environ["DAGSTER_HOME"] = folder
        dagster_home()  # the project's dagster.yaml, as the CLI uses
        instance = DagsterInstance.get()
        sums = {}
        for mode in ("per-day", "batch"):
            warehouse = Path(folder) / mode / "warehouse.duckdb"
            warehouse.parent.mkdir()
            # Each mode pays for parsing the dbt project once, as a fresh `simulate` process does.
            dbt_runner.forget_parsed_projects()
            dbt_calls.clear()
            sim = Simulation(warehouse=warehouse, instance=instance)
            started = time.perf_counter()
            if mode == "batch":
                outcomes = sim.execute(plan)
                seconds = [time.perf_counter() - started]
            else:
                seconds = []
                for day in plan:
                    t0 = time.perf_counter()
                    outcomes = sim.execute([day])
                    seconds.append(time.perf_counter() - t0)
            ok = all(o.success for o in outcomes)
            if not ok:
                raise RuntimeError(f"simulate benchmark, {mode}: a run failed")
            with duckdb.connect(str(warehouse), read_only=True) as conn:
                sums[mode] = table_checksums(conn, ("raw", "marts", "metrics"))
            parse = sum(t for command, t, _ in dbt_calls if command == "parse")
            builds = [(t, n) for command, t, n in dbt_calls if command == "build"]
            build = sum(t for t, _ in builds)
            nodes = max(n for _, n in builds)
            rest = sum(seconds) - parse - build
            if mode == "batch":
                print(
                    f"  --batch: one run for {days} days: {seconds[0]:.1f}s (success={ok}); "
                    f"dbt parse {parse:.1f}s, dbt build {build:.1f}s ({nodes} nodes), the rest {rest:.1f}s"
                )
            else:
                print(
                    f"  per-day: {sum(seconds):.1f}s in all, {sum(seconds) / days:.1f}s per day on average; "
                    f"day 2 {seconds[1]:.1f}s, day {days} {seconds[-1]:.1f}s ({seconds[-1] / seconds[1]:.2f}x) (success={ok})"
                )
                print(
                    f"  per-day, where a day goes on average: dbt build {build / days:.1f}s ({nodes} nodes, "
                    f"{1000 * build / days / nodes:.0f} ms each), the rest {rest / days:.1f}s; "
                    f"dbt parse {parse:.1f}s once"
                )
        instance.dispose()
    if saved_home is not None:
        os.environ["DAGSTER_HOME"] = saved_home
    if sums["per-day"] != sums["batch"]:
        raise RuntimeError("the per-day and batch warehouses differ (checksums)")
    print("  per-day and batch warehouses identical (checksums, checked)")
