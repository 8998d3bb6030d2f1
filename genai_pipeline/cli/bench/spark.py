"""Benchmark: the same fresh history built on DuckDB and on Spark, side by side, in one process.

Each engine: a fresh warehouse, raw zone and instance, and the CLI's path (Simulation, in
process): a 7-day batch (one range run), then the next day as a one-day run. Spark is a local
Thrift server (instance/local_spark.py) started here and always stopped. Both run the daily job
(raw landing, dbt models and tests, the metric library, the anomaly checks) on their engine.
Then the engines' tables are compared, and the landing bench's 1-vs-2-process landing runs
once the server is down.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path

import duckdb
import yaml
from dagster import DagsterInstance

from genai_pipeline.cli.bench.landing import landing_speedup
from genai_pipeline.cli.bench.machine import machine
from genai_pipeline.cli.bench.spark_figures import (
    RunFigures,
    comparison_line,
    print_runs,
    process_age,
    run_figures,
    select_one,
)
from genai_pipeline.cli.daily_runs import Simulation
from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.core.settings import SimulationSettings, environment
from genai_pipeline.instance.local_spark import local_thrift_server
from genai_pipeline.transform import runner as dbt_runner
from genai_pipeline.transform.spark_target import HOST_ENV, PORT_ENV, SPARK_TARGET, spark_connection

ENGINES = {"DuckDB": "dev", "Spark": SPARK_TARGET}
BATCH_DAYS, LANDING_DAYS, LANDING_USERS = 7, 30, 5_000
SELECT_REPEATS = 20


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _run_history(engine: str, warehouse: Path, plan: list[list[dt.date]]) -> dict[str, RunFigures]:
    """The plan's runs on a fresh instance; each engine pays dbt's parse once, in its first run."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    dbt = dbt_runner.DbtRunnerResource(
        project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), target=ENGINES[engine]
    )
    dbt_runner.forget_parsed_projects()
    figures = {}
    # Simulation.execute sets DBT_TARGET to the dbt resource's target for its run, so the metric
    # assets and anomaly checks run on the same engine as dbt
    with DagsterInstance.ephemeral() as instance:
        sim = Simulation(warehouse, instance=instance, dbt=dbt)
        for days in plan:
            started = time.perf_counter()
            outcome = sim.execute(days)[-1]
            seconds = time.perf_counter() - started
            if not outcome.success or outcome.checks_passed != outcome.checks_total:
                raise RuntimeError(f"spark benchmark: the {engine} run over {days[0]}..{days[-1]} failed")
            figures[_label(days)] = run_figures(instance, seconds, (outcome.checks_passed, outcome.checks_total))
    return figures


def _threads(target: str) -> int:
    profiles = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())
    return profiles["genai_pipeline"]["outputs"][target].get("threads", 1)


def _label(days: list[dt.date]) -> str:
    return f"{len(days)}-day batch" if len(days) > 1 else "one-day run"


def bench_spark(smoke: bool = False, folder: Path | None = None) -> None:
    """--smoke: 200 base users, one one-day run per engine, a 3-day landing. folder: the
    server's metastore and warehouse (default a temp folder)."""
    batch, landing_days, users = (0, 3, 200) if smoke else (BATCH_DAYS, LANDING_DAYS, LANDING_USERS)
    start = SimulationSettings().start_date
    days = [start + dt.timedelta(days=i) for i in range(batch + 1)]
    plan = ([days[:-1]] if batch else []) + [days[-1:]]
    print(f"spark benchmark: the same fresh history on DuckDB and on a local Spark Thrift Server ({machine()})")
    print(f"load average before: {_load()}")
    smoke_env = {"GENAI_BASE_USERS": str(users)} if smoke else {}
    with tempfile.TemporaryDirectory() as tmp, environment(smoke_env):
        root = Path(tmp)
        # A first run pays this process's one-time costs (imports, dbt's first load, the landing
        # pool's start: a range run) in no figure.
        _run_history("DuckDB", root / "warm-up" / "warehouse.duckdb", [[start, start + dt.timedelta(days=1)]])
        results = {"DuckDB": _run_history("DuckDB", root / "duckdb" / "warehouse.duckdb", plan)}
        with duckdb.connect(str(root / "duckdb" / "warehouse.duckdb"), read_only=True) as conn:
            duck_first, duck_median = select_one(conn, SELECT_REPEATS)
        with local_thrift_server(folder or root / "spark-server") as server:
            print(
                f"  Spark Thrift Server start (process start until its port answers): {process_age(server.process.pid):.1f} s"
            )
            with environment({HOST_ENV: server.host, PORT_ENV: str(server.port)}):
                from pyhive import hive  # noqa: F401 (imported first: no import in the connect figure)

                started = time.perf_counter()
                with spark_connection() as conn:
                    connect = time.perf_counter() - started
                    spark_first, spark_median = select_one(conn, SELECT_REPEATS)
                print(
                    f"  select 1, first / median of the next {SELECT_REPEATS}: Spark over Thrift {spark_first * 1e3:.0f} ms"
                    f" / {spark_median * 1e3:.1f} ms (connect {connect * 1e3:.0f} ms); DuckDB {duck_first * 1e3:.2f} ms"
                    f" / {duck_median * 1e3:.2f} ms"
                )
                results["Spark"] = _run_history("Spark", root / "spark" / "warehouse.duckdb", plan)
                print(f"  runs: days {days[0]}..{days[-1]}, BASE_USERS={SimulationSettings.from_env().base_users:,}")
                print_runs(results)
                threads = ", ".join(f"{engine} {_threads(target)}" for engine, target in ENGINES.items())
                print(
                    f"  each engine pays dbt's parse (and Spark loading dbt-spark) in its first run; dbt threads: {threads}"
                )
                # printed last, after the landing, but measured while the server is up
                comparison = comparison_line(root / "duckdb" / "warehouse.duckdb")
    rows, seconds = landing_speedup(users, landing_days)
    one, two = min(seconds[1]), min(seconds[2])
    print(
        f"  raw landing, {landing_days} days, BASE_USERS={users:,} ({rows:,} rows), best of 2: 1 process {one:.2f} s, "
        f"2 processes {two:.2f} s = {one / two:.2f}x (identical files, checked)"
    )
    print(comparison)
    print(f"load average after: {_load()}")
