"""A backfill metric's table: the window write, the dry-run preview and the checks, shared by
the asset, the CLI's dry-run and the tests, on either engine (transform/sql_engine.py).

DuckDB replaces the window's days in ONE transaction (delete + insert). Spark keeps the table
as Parquet partitioned by metric_date and replaces the window's days with one
`insert overwrite ... partition (metric_date)` in dynamic partition-overwrite mode (only the
days the query returns rows for are replaced; the job commits its files all at once). The
checks are the same SQL on both engines.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb

from genai_pipeline.metrics.spec import SCHEMA, MetricSpec, MetricWindow
from genai_pipeline.transform.sql_engine import DuckDBEngine, SparkEngine, as_engine

SAMPLE_ROWS = 5
ROWS_VIEW = "metric_rows"


@contextmanager
def metric_rows(
    conn: duckdb.DuckDBPyConnection, spec: MetricSpec, window: MetricWindow
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of its own (a caller's unfetched result would make ``conn.sql`` raise) on
    which the metric's query for the window is the view ``metric_rows``."""
    with conn.cursor() as cursor:
        cursor.register(ROWS_VIEW, spec.compute(cursor, window))
        yield cursor


def preview_counts(conn: Any, spec: MetricSpec, window: MetricWindow) -> dict[dt.date, int]:
    """Rows per day the metric would write for ``window``; reads only."""
    engine = as_engine(conn)
    if isinstance(engine, SparkEngine):
        query = spec.compute(engine, window).sql
        counts = engine.rows(f"select metric_date, count(*) from ({query}) r group by metric_date order by 1")
        return {day: int(count) for day, count in counts}
    with metric_rows(engine.conn, spec, window) as cursor:
        counts = cursor.execute(f"select metric_date, count(*) from {ROWS_VIEW} group by 1 order by 1").fetchall()
    return {day: int(count) for day, count in counts}


def _window_counts(engine: DuckDBEngine | SparkEngine, spec: MetricSpec, window: MetricWindow) -> dict[dt.date, int]:
    counts = engine.rows(
        f"select metric_date, count(*) from {spec.table} where metric_date >= $start and metric_date < $end "
        "group by metric_date order by 1",
        window.params,
    )
    return {day: int(count) for day, count in counts}


def write_window(conn: Any, spec: MetricSpec, window: MetricWindow) -> dict[dt.date, int]:
    """Replaces the window's days of the metric's table; rows per day.

    On DuckDB in ONE transaction: a failure anywhere before COMMIT leaves the table exactly as
    it was. On Spark one insert overwrite of the days' partitions (a failed job commits nothing).
    """
    engine = as_engine(conn)
    if isinstance(engine, SparkEngine):
        return _write_window_spark(engine, spec, window)
    conn = engine.conn
    names = ", ".join(spec.column_names())
    in_window = "metric_date >= $start AND metric_date < $end"
    with metric_rows(conn, spec, window) as cursor:
        cursor.execute("BEGIN TRANSACTION")
        try:
            cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            cursor.execute(spec.create_table_sql())
            cursor.execute(f"DELETE FROM {spec.table} WHERE {in_window}", window.params)
            cursor.execute(f"INSERT INTO {spec.table} ({names}) SELECT {names} FROM {ROWS_VIEW}")
            counts = cursor.execute(
                f"SELECT metric_date, count(*) FROM {spec.table} WHERE {in_window} GROUP BY 1 ORDER BY 1", window.params
            ).fetchall()
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
    return {day: int(count) for day, count in counts}


def _write_window_spark(engine: SparkEngine, spec: MetricSpec, window: MetricWindow) -> dict[dt.date, int]:
    # the partition column goes last, as Spark stores it
    names = ", ".join([spec.entity, *spec.columns, "metric_date"])
    query = spec.compute(engine, window).sql
    engine.execute(f"create schema if not exists {SCHEMA}")
    engine.execute(spec.create_table_sql_spark())
    # replace only the partitions the query writes (the default, static, would empty the table)
    engine.execute("set spark.sql.sources.partitionOverwriteMode=dynamic")
    engine.execute(
        f"insert overwrite table {spec.table} partition (metric_date) select {names} from ({query}) metric_rows"
    )
    return _window_counts(engine, spec, window)


@dataclass(frozen=True)
class CheckOutcome:
    name: str
    passed: bool
    failing_rows: int
    sample: list[dict]
    description: str


def _window_rows(spec: MetricSpec) -> str:
    return f"(select * from {spec.table} where metric_date >= $start and metric_date < $end)"


def _range_predicate(spec: MetricSpec) -> str | None:
    """SQL true for a row whose values break their columns' bounds; None when nothing is bounded."""
    parts = []
    for name, column in spec.columns.items():
        if column.min is not None:
            parts.append(f"{name} < {float(column.min)!r}")
        if column.max is not None:
            parts.append(f"{name} > {float(column.max)!r}")
        if column.values is not None:
            parts.append(f"{name} not in ({', '.join(repr(v) for v in column.values)})")
    return " or ".join(parts) or None


def check_sql(spec: MetricSpec) -> dict[str, tuple[str, str]]:
    """check name -> (SQL selecting the failing rows of the window, what it asserts)."""
    rows = _window_rows(spec)
    not_null = [spec.entity, "metric_date"] + [n for n, c in spec.columns.items() if not c.nullable]
    checks = {
        "not_null": (
            f"select * from {rows} t where " + " or ".join(f"{c} is null" for c in not_null),
            f"No row has a null {', '.join(not_null)}.",
        ),
        "one_row_per_entity_day": (
            f"select {spec.entity}, metric_date, count(*) as rows from {rows} t group by all having count(*) > 1",
            f"Each ({spec.entity}, metric_date) has one row.",
        ),
        "complete_vs_marts": (
            f"""
            with expected as ({spec.expected}), actual as (select {spec.entity}, metric_date from {rows} t)
            select 'missing' as problem, * from (select * from expected except select * from actual)
            union all
            select 'unexpected' as problem, * from (select * from actual except select * from expected)
            """,
            f"The rows are exactly the ({spec.entity}, day) pairs of the marts ({', '.join(spec.reads)}): none missing, none extra.",
        ),
    }
    predicate = _range_predicate(spec)
    if predicate:
        bounded = [f"{n}: {c.bounds()}" for n, c in spec.columns.items() if c.bounds()]
        checks["value_in_range"] = (
            f"select * from {rows} t where {predicate}",
            f"Every value is within its bounds: {'; '.join(bounded)}.",
        )
    return checks


def evaluate_checks(conn: Any, spec: MetricSpec, window: MetricWindow) -> list[CheckOutcome]:
    """Every check over the window's rows: pass/fail, how many rows fail, and a sample."""
    engine = as_engine(conn)
    outcomes = []
    for name, (sql, description) in check_sql(spec).items():
        columns, rows = engine.columns_and_rows(f"select * from ({sql}) failing limit {SAMPLE_ROWS}", window.params)
        sample = [dict(zip(columns, map(_plain, row), strict=True)) for row in rows]
        failing = engine.rows(f"select count(*) from ({sql}) failing", window.params)[0][0] if sample else 0
        outcomes.append(CheckOutcome(name, failing == 0, int(failing), sample, description))
    return outcomes


def _plain(value):
    return value if isinstance(value, (int, float, str, bool, type(None))) else str(value)
