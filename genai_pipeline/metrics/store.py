"""A backfill metric's table: the window write and the dry-run preview, shared by the asset,
the CLI's dry-run and the tests, on either engine (transform/sql_engine.py). The checks are in
metrics/checks.py.

A window is computed in chunks of at most CHUNK_DAYS consecutive days, each by the metric's own
query for that sub-window, so a run's working set is one chunk's whatever the window's length:
a year-long single-run backfill needs no more memory than a month.

DuckDB replaces the window's days in ONE transaction (delete, then one insert per chunk). Spark
keeps the table as Parquet partitioned by metric_date and replaces each chunk's days with one
`insert overwrite ... partition (metric_date)` in dynamic partition-overwrite mode (only the
days the query returns rows for are replaced; each job commits its files all at once).
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb

from genai_pipeline.metrics.spec import SCHEMA, MetricSpec, MetricWindow
from genai_pipeline.transform.sql_engine import DuckDBEngine, SparkEngine, as_engine

# A month per statement, so a year is 12 chunks, each reading the marts once: the largest
# metric (user_lifetime_value, one row per user per day, with a running sum per user) wrote a
# whole year at 10x users in 46 s under the metric steps' 400MB memory_limit
# (GENAI_METRIC_MEMORY_LIMIT) against 44 s under 1GB. Smaller chunks
# save little memory and re-read the marts more often; larger ones grow the peak again.
CHUNK_DAYS = 31
ROWS_VIEW = "metric_rows"


def chunks(window: MetricWindow) -> list[MetricWindow]:
    """The window as consecutive sub-windows of at most CHUNK_DAYS days (none when empty)."""
    step = dt.timedelta(days=CHUNK_DAYS)
    parts, start = [], window.start
    while start < window.end:
        end = window.end if window.end - start <= step else start + step
        parts.append(MetricWindow(start, end))
        start = end
    return parts


@contextmanager
def metric_rows(
    cursor: duckdb.DuckDBPyConnection, spec: MetricSpec, window: MetricWindow
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The metric's query for ``window`` as the view ``metric_rows`` on ``cursor``, dropped after
    (not after a failure: in an aborted transaction that would raise and hide the failure; the
    caller's cursor is closed then anyway)."""
    cursor.register(ROWS_VIEW, spec.compute(cursor, window))
    yield cursor
    cursor.unregister(ROWS_VIEW)


def preview_counts(conn: Any, spec: MetricSpec, window: MetricWindow) -> dict[dt.date, int]:
    """Rows per day the metric would write for ``window``; reads only, chunk by chunk."""
    engine = as_engine(conn)
    counts: dict[dt.date, int] = {}
    for part in chunks(window):
        if isinstance(engine, SparkEngine):
            query = spec.compute(engine, part).sql
            rows = engine.rows(f"select metric_date, count(*) from ({query}) r group by metric_date order by 1")
        else:
            # a cursor of its own: a caller's unfetched result would make ``conn.sql`` raise
            with engine.conn.cursor() as cursor, metric_rows(cursor, spec, part):
                rows = cursor.execute(f"select metric_date, count(*) from {ROWS_VIEW} group by 1 order by 1").fetchall()
        counts.update((day, int(count)) for day, count in rows)
    return counts


def _window_counts(engine: DuckDBEngine | SparkEngine, spec: MetricSpec, window: MetricWindow) -> dict[dt.date, int]:
    counts = engine.rows(
        f"select metric_date, count(*) from {spec.table} where metric_date >= $start and metric_date < $end "
        "group by metric_date order by 1",
        window.params,
    )
    return {day: int(count) for day, count in counts}


def write_window(conn: Any, spec: MetricSpec, window: MetricWindow) -> dict[dt.date, int]:
    """Replaces the window's days of the metric's table, chunk by chunk; rows per day.

    On DuckDB in ONE transaction: a failure anywhere before COMMIT, in any chunk, leaves the
    table exactly as it was. On Spark one insert overwrite per chunk (see _write_window_spark).
    """
    engine = as_engine(conn)
    if isinstance(engine, SparkEngine):
        return _write_window_spark(engine, spec, window)
    names = ", ".join(spec.column_names())
    with engine.conn.cursor() as cursor:
        cursor.execute("BEGIN TRANSACTION")
        try:
            cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            cursor.execute(spec.create_table_sql())
            cursor.execute(
                f"DELETE FROM {spec.table} WHERE metric_date >= $start AND metric_date < $end", window.params
            )
            for part in chunks(window):
                with metric_rows(cursor, spec, part):
                    cursor.execute(f"INSERT INTO {spec.table} ({names}) SELECT {names} FROM {ROWS_VIEW}")
            counts = _window_counts(DuckDBEngine(cursor), spec, window)
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
    return counts


def _write_window_spark(engine: SparkEngine, spec: MetricSpec, window: MetricWindow) -> dict[dt.date, int]:
    # the partition column goes last, as Spark stores it
    names = ", ".join([spec.entity, *spec.columns, "metric_date"])
    engine.execute(f"create schema if not exists {SCHEMA}")
    engine.execute(spec.create_table_sql_spark())
    # replace only the partitions the query writes (the default, static, would empty the table)
    engine.execute("set spark.sql.sources.partitionOverwriteMode=dynamic")
    # One job per chunk, each overwriting only its own days: a failed chunk commits nothing,
    # but the chunks before it stay written (Spark has no transaction across jobs), as any
    # sequence of insert overwrite jobs would leave them; running the window again replaces them.
    for part in chunks(window):
        query = spec.compute(engine, part).sql
        engine.execute(
            f"insert overwrite table {spec.table} partition (metric_date) select {names} from ({query}) metric_rows"
        )
    return _window_counts(engine, spec, window)
