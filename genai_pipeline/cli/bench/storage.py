"""Benchmark: the same runs with Dagster's state in SQLite and in PostgreSQL, side by side.

For each storage, on a fresh instance and warehouse in this process: a batch run of N days,
then the next day as a one-day run (the schedule's run), each timed and with the number of
SQL statements sent to Dagster's storage (every SQLAlchemy engine of the process is
counted, by dialect; DuckDB is not SQLAlchemy, so the warehouse is not). PostgreSQL is a
throwaway local server (instance/local_postgres.py): loopback, so network latency is near
zero here; on a remote server each statement also pays a round trip.
"""

import datetime as dt
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster import DagsterInstance
from sqlalchemy import event
from sqlalchemy.engine import Engine

from genai_pipeline.cli.daily_runs import Simulation
from genai_pipeline.core.settings import SimulationSettings, environment
from genai_pipeline.instance.home import dagster_home
from genai_pipeline.instance.local_postgres import create_database, throwaway_postgres
from genai_pipeline.instance.storage import PG_URL_VAR
from genai_pipeline.transform import runner as dbt_runner

# The project's pooled PostgreSQL storage, and dagster-postgres as shipped (a connection per
# statement) for comparison.
STORAGES = ("sqlite", "postgres", "postgres-stock")
STOCK_POSTGRES = f"""\
storage:
  postgres:
    postgres_url:
      env: {PG_URL_VAR}
"""


@contextmanager
def _statements() -> Iterator[Counter]:
    """Counts the statements every SQLAlchemy engine of this process executes, by dialect."""
    counts: Counter = Counter()

    def count(conn, cursor, statement, parameters, context, executemany):
        counts[conn.dialect.name] += 1

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield counts
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def _timed_runs(sim: Simulation, plan: list[dt.date], counts: Counter) -> list[tuple[float, int]]:
    """(seconds, statements) of the batch run over plan[:-1] and of the one-day run plan[-1]."""
    figures = []
    for days in (plan[:-1], plan[-1:]):
        counts.clear()
        started = time.perf_counter()
        outcomes = sim.execute(days)
        seconds = time.perf_counter() - started
        if not all(o.success for o in outcomes):
            raise RuntimeError(f"storage benchmark: a run over {days[0]}..{days[-1]} failed")
        figures.append((seconds, sum(counts.values())))
    return figures


def bench_storage(smoke: bool = False) -> None:
    """SQLite beside PostgreSQL (pooled and stock): an N-day batch run and a one-day run. --smoke: 2 + 1 days."""
    days = 2 if smoke else 30
    start = SimulationSettings().start_date
    plan = [start + dt.timedelta(days=i) for i in range(days + 1)]
    print("storage benchmark: Dagster's state in SQLite and in PostgreSQL, default scale, in-process runs")
    results = {}
    with tempfile.TemporaryDirectory() as folder, DagsterInstance.ephemeral() as instance:
        # A first run pays this process's one-time costs (imports, dbt's first load): not
        # in either storage's figures.
        Simulation(warehouse=Path(folder) / "warehouse.duckdb", instance=instance).execute(plan[:1])
    with throwaway_postgres() as server, _statements() as counts:
        for storage in STORAGES:
            url = create_database(server, "bench_" + storage.replace("-", "_")) if storage != "sqlite" else None
            with tempfile.TemporaryDirectory() as folder, environment({PG_URL_VAR: url, "DAGSTER_HOME": folder}):
                dagster_home()  # the project's dagster.yaml for this storage, as the CLI writes it
                if storage == "postgres-stock":
                    config = Path(folder) / "dagster.yaml"
                    config.write_text(config.read_text().split("# Runs, events")[0] + STOCK_POSTGRES)
                dbt_runner.forget_parsed_projects()  # each storage pays dbt's parse once, like a fresh CLI
                with DagsterInstance.get() as instance:
                    sim = Simulation(warehouse=Path(folder) / "warehouse.duckdb", instance=instance)
                    results[storage] = _timed_runs(sim, plan, counts)
    print(f"  {'storage':<16}{f'{days}-day batch run':>20}{'statements':>12}{'one-day run':>14}{'statements':>12}")
    for storage, ((batch, batch_n), (day, day_n)) in results.items():
        print(f"  {storage:<16}{batch:>19.1f}s{batch_n:>12,}{day:>13.1f}s{day_n:>12,}")
    print("  postgres-stock = dagster-postgres as shipped, a new connection per statement")
    print("  every storage ran the same runs, every check passing (checked)")
