"""The checks chunk by chunk: a check passes only if every chunk does; its failing rows add up."""

import datetime as dt

import pytest
from metrics_support import insert, marts_connection

from genai_pipeline.metrics import store
from genai_pipeline.metrics.catalog import registered_metrics
from genai_pipeline.metrics.checks import SAMPLE_ROWS, evaluate_checks
from genai_pipeline.metrics.spec import Column, MetricWindow, backfill_metric, unregister_metric

D1, D2, D3, D4 = (dt.date(2025, 12, 1) + dt.timedelta(days=i) for i in range(4))
WINDOW = MetricWindow(D1, D4)  # three one-day chunks with CHUNK_DAYS = 1


@pytest.fixture
def outcomes():
    """The checks of a metric whose rows are right on D1 but, on D2, have three values out of
    range and miss a session; on D3 one more value out of range: by chunk size."""
    conn = marts_connection()
    insert(conn, "fct_sessions", [(10 * d.day + i, 1, d, 0, i, 0, 0, 0) for d in (D1, D2, D3) for i in range(4)])

    @backfill_metric(
        name="breaks_later",
        entity="session_id",
        reads=["fct_sessions"],
        columns={"share": Column("DOUBLE", "a share", min=0, max=1)},
        expected="select session_id, session_date from marts.fct_sessions where session_date >= $start and session_date < $end",
    )
    def breaks_later(conn, window):
        return conn.sql(
            "select session_id, session_date as metric_date, "
            "case when session_date = $d2 and prompt_count < 3 or session_date = $d3 and prompt_count = 0 "
            "then 7.0 else 0.5 end as share "
            "from marts.fct_sessions where session_date >= $start and session_date < $end "
            "and not (session_date = $d2 and prompt_count = 3)",
            params={**window.params, "d2": D2, "d3": D3},
        )

    def evaluate(chunk_days: int) -> dict:
        store.CHUNK_DAYS = chunk_days
        return {o.name: o for o in evaluate_checks(conn, spec, WINDOW)}

    saved = store.CHUNK_DAYS
    try:
        spec = registered_metrics()["breaks_later"]
        store.write_window(conn, spec, WINDOW)
        yield evaluate
    finally:
        store.CHUNK_DAYS = saved
        unregister_metric("breaks_later")
        conn.close()


def test_a_check_failing_only_in_the_second_chunk_fails_with_its_failing_rows(outcomes):
    by_day = outcomes(1)
    assert {name for name, o in by_day.items() if not o.passed} == {"complete_vs_marts", "value_in_range"}
    assert by_day["complete_vs_marts"].failing_rows == 1
    assert by_day["complete_vs_marts"].sample == [
        {"problem": "missing", "session_id": 23, "session_date": "2025-12-02"}
    ]


def test_failing_rows_are_summed_over_the_chunks_and_the_sample_is_the_first_failing_chunks(outcomes):
    by_day = outcomes(1)
    assert by_day["value_in_range"].failing_rows == 3 + 1
    sample = by_day["value_in_range"].sample
    assert 0 < len(sample) <= SAMPLE_ROWS and {row["metric_date"] for row in sample} == {"2025-12-02"}


def test_chunk_by_chunk_checks_agree_with_the_whole_window_at_once(outcomes):
    whole = outcomes(1000)
    by_day = outcomes(1)
    assert {n: (o.passed, o.failing_rows) for n, o in by_day.items()} == {
        n: (o.passed, o.failing_rows) for n, o in whole.items()
    }
