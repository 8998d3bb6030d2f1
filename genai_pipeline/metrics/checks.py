"""A backfill metric's checks: range, not_null, one row per entity-day and completeness
against the marts, the same SQL on both engines, evaluated chunk by chunk (metrics/store.py's
chunks) so their working set is one chunk's, not the whole window's.

Per-chunk evaluation is exact because every check is about one row, one (entity, day) or one
day: not_null and value_in_range test rows; one_row_per_entity_day groups by (entity,
metric_date), a group never spans two days; complete_vs_marts compares (entity, day) pairs of
the table and of ``expected`` over the same days (``expected`` selects only $start <= day <
$end), and a pair lies in exactly one chunk, so each EXCEPT over the window is the disjoint
union of the chunks' EXCEPTs: the failing rows add up, none is counted twice.
"""

from dataclasses import dataclass
from typing import Any

from genai_pipeline.metrics.spec import MetricSpec, MetricWindow
from genai_pipeline.metrics.store import chunks
from genai_pipeline.transform.sql_engine import as_engine

SAMPLE_ROWS = 5


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
    """Every check over the window's rows, chunk by chunk: it passes only if it passes on every
    chunk; its failing rows are the chunks' sum, its sample the first failing chunk's."""
    engine = as_engine(conn)
    outcomes = []
    for name, (sql, description) in check_sql(spec).items():
        failing, sample = 0, []
        for part in chunks(window):
            columns, rows = engine.columns_and_rows(f"select * from ({sql}) failing limit {SAMPLE_ROWS}", part.params)
            if not rows:
                continue
            failing += int(engine.rows(f"select count(*) from ({sql}) failing", part.params)[0][0])
            sample = sample or [dict(zip(columns, map(_plain, row), strict=True)) for row in rows]
        outcomes.append(CheckOutcome(name, failing == 0, failing, sample, description))
    return outcomes


def _plain(value):
    return value if isinstance(value, (int, float, str, bool, type(None))) else str(value)
