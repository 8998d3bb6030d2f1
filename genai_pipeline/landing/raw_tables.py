"""The raw landing as plain functions: a day's simulated frames into ``raw.*``, replacing
the day in ONE transaction. The raw asset, the benchmarks and the tests share it."""

import datetime as dt
from collections.abc import Callable

import duckdb
import pandas as pd
import pyarrow as pa

from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.simulation import generate_day
from genai_pipeline.simulation.schema import RAW_SCHEMA, RAW_TABLES, create_table_sql


def land_days(
    conn: duckdb.DuckDBPyConnection,
    settings: SimulationSettings,
    days: list[dt.date],
    frames_for: Callable[[SimulationSettings, dt.date], dict[str, pd.DataFrame]] | None = None,
) -> pd.DataFrame:
    """Replaces ``days`` in every raw table in ONE transaction; returns per-day stats.

    A crash or an error before COMMIT leaves each day exactly as it was before the run.
    frames_for: where a day's rows come from (default: the simulation); the benchmark passes
    rows generated beforehand, to time the insert on its own.
    """
    stats = []
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
        for table in RAW_TABLES:
            conn.execute(create_table_sql(table))
            conn.execute(
                f"DELETE FROM {RAW_SCHEMA}.{table} WHERE partition_date >= ? AND partition_date < ?",
                [days[0], days[-1] + dt.timedelta(days=1)],
            )
        for day in days:
            frames = (frames_for or generate_day)(settings, day)
            for table, frame in frames.items():
                # Arrow lands faster than pandas and keeps the categoricals as dictionaries.
                # Not conn.register(): a registered object stays referenced until COMMIT, so
                # a range run would hold every day's frames at once.
                conn.from_arrow(pa.Table.from_pandas(frame, preserve_index=False)).insert_into(f"{RAW_SCHEMA}.{table}")
            stats.append(day_stats(day, frames))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return pd.DataFrame(stats)


def day_stats(day: dt.date, frames: dict[str, pd.DataFrame]) -> dict:
    gens = frames["generations"]
    success = gens["status"] == "success"
    return {
        "day": day.isoformat(),
        **{table: len(frame) for table, frame in frames.items()},
        "successes": int(success.sum()),
        "revenue_usd": float(gens["revenue_usd"].sum()),
    }
