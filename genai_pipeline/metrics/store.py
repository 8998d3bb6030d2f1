"""A backfill metric's table: the window write (ONE transaction), the dry-run preview and
the checks, as plain DuckDB so the asset, the CLI's dry-run and the tests share them."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from genai_pipeline.metrics.spec import SCHEMA, MetricSpec, MetricWindow

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


def preview_counts(conn: duckdb.DuckDBPyConnection, spec: MetricSpec, window: MetricWindow) -> dict[dt.date, int]:
    """Rows per day the metric would write for ``window``; reads only."""
    with metric_rows(conn, spec, window) as cursor:
        counts = cursor.execute(f"select metric_date, count(*) from {ROWS_VIEW} group by 1 order by 1").fetchall()
    return {day: int(count) for day, count in counts}


def write_window(conn: duckdb.DuckDBPyConnection, spec: MetricSpec, window: MetricWindow) -> dict[dt.date, int]:
    """Replaces the window's days of the metric's table in ONE transaction; rows per day.

    A failure anywhere before COMMIT leaves the table exactly as it was.
    """
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


def evaluate_checks(conn: duckdb.DuckDBPyConnection, spec: MetricSpec, window: MetricWindow) -> list[CheckOutcome]:
    """Every check over the window's rows: pass/fail, how many rows fail, and a sample."""
    outcomes = []
    for name, (sql, description) in check_sql(spec).items():
        cursor = conn.execute(f"select * from ({sql}) limit {SAMPLE_ROWS}", window.params)
        columns = [d[0] for d in cursor.description]
        sample = [dict(zip(columns, map(_plain, row), strict=True)) for row in cursor.fetchall()]
        failing = conn.execute(f"select count(*) from ({sql})", window.params).fetchall()[0][0] if sample else 0
        outcomes.append(CheckOutcome(name, failing == 0, int(failing), sample, description))
    return outcomes


def _plain(value):
    return value if isinstance(value, (int, float, str, bool, type(None))) else str(value)
