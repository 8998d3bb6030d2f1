"""The window write in chunks: the same rows as in one go, and atomic over the whole window."""

import datetime as dt

import duckdb
import pytest
from metrics_support import marts_connection, simulated_history

from genai_pipeline.core.checksums import table_checksums
from genai_pipeline.metrics import store
from genai_pipeline.metrics.catalog import registered_metrics
from genai_pipeline.metrics.checks import evaluate_checks
from genai_pipeline.metrics.spec import Column, MetricWindow, backfill_metric, unregister_metric

FIRST = dt.date(2025, 12, 1)
# the history starts 3 days before the window: user_lifetime_value carries revenue into it
WINDOW = MetricWindow(FIRST + dt.timedelta(days=3), FIRST + dt.timedelta(days=12))


@pytest.fixture
def conn():
    conn = marts_connection()
    simulated_history(conn, FIRST, days=12)
    yield conn
    conn.close()


def test_a_window_is_cut_into_consecutive_chunks_of_at_most_chunk_days(monkeypatch):
    monkeypatch.setattr(store, "CHUNK_DAYS", 4)
    parts = store.chunks(WINDOW)
    assert [len(p.days) for p in parts] == [4, 4, 1]
    assert [day for p in parts for day in p.days] == WINDOW.days
    assert store.chunks(MetricWindow(FIRST, FIRST)) == []


def _everything(conn, chunk_days: int, monkeypatch) -> tuple:
    """Every metric written and checked over WINDOW with chunks of ``chunk_days``: the tables'
    rows in order, the write's and the preview's counts, and the checks' outcomes."""
    monkeypatch.setattr(store, "CHUNK_DAYS", chunk_days)
    conn.execute("drop schema if exists backfill_metrics cascade")
    result = {}
    for spec in registered_metrics().values():
        counts = store.write_window(conn, spec, WINDOW)
        rows = conn.execute(f"select * from {spec.table} order by all").fetchall()
        outcomes = evaluate_checks(conn, spec, WINDOW)
        result[spec.name] = (rows, counts, store.preview_counts(conn, spec, WINDOW), outcomes)
    return result


def test_a_window_longer_than_a_chunk_gives_exactly_the_rows_of_one_chunk(conn, monkeypatch):
    whole = _everything(conn, 1000, monkeypatch)
    assert len(store.chunks(WINDOW)) == 1
    for name, (rows, counts, preview, outcomes) in whole.items():
        assert rows and sorted(counts) == WINDOW.days and counts == preview, name
        assert all(o.passed for o in outcomes), name
    assert _everything(conn, 1, monkeypatch) == whole
    assert _everything(conn, 4, monkeypatch) == whole


def test_a_failure_in_a_later_chunk_leaves_the_table_exactly_as_it_was(conn, monkeypatch):
    windows = []

    @backfill_metric(
        name="fails_on_a_day",
        entity="session_id",
        reads=["fct_sessions"],
        columns={"prompts": Column("BIGINT", "prompts in the session", min=0)},
        expected="select session_id, session_date from marts.fct_sessions where session_date >= $start and session_date < $end",
    )
    def fails_on_a_day(conn, window):
        # fails while the INSERT runs (not when the query is bound), on the days from $bad on
        windows.append(window)
        return conn.sql(
            "select session_id, session_date as metric_date, "
            "case when session_date >= $bad then cast(error('boom') as bigint) else prompt_count end as prompts "
            "from marts.fct_sessions where session_date >= $start and session_date < $end",
            params={**window.params, "bad": bad_day},
        )

    monkeypatch.setattr(store, "CHUNK_DAYS", 2)
    try:
        spec = registered_metrics()["fails_on_a_day"]
        bad_day = dt.date.max
        store.write_window(conn, spec, WINDOW)
        before = table_checksums(conn, ("backfill_metrics",))
        # a rewrite would change every row, the first chunk's too
        conn.execute("update marts.fct_sessions set prompt_count = prompt_count + 1")
        bad_day = WINDOW.start + dt.timedelta(days=2)  # the second chunk's first day
        windows.clear()
        with pytest.raises(duckdb.Error, match="boom"):
            store.write_window(conn, spec, WINDOW)
    finally:
        unregister_metric("fails_on_a_day")
    assert windows == store.chunks(WINDOW)[:2]  # the first chunk was inserted, the second failed
    assert table_checksums(conn, ("backfill_metrics",)) == before
