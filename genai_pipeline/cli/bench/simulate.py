"""Benchmark: `simulate` one run per day beside one run for the whole range, in one
process, each run's time split into dbt's own (parse, build) and the rest."""

import datetime as dt
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import DagsterInstance
from dbt.cli.main import dbtRunner

from genai_pipeline.cli.daily_runs import Simulation
from genai_pipeline.core.checksums import raw_zone_checksums, table_checksums
from genai_pipeline.core.paths import raw_zone_path
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.instance.home import dagster_home
from genai_pipeline.transform import runner as dbt_runner


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
                sums[mode] = table_checksums(conn, ("marts", "metrics"))
            sums[mode] |= raw_zone_checksums(raw_zone_path(warehouse=warehouse))
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
