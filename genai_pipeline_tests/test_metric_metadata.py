"""Per-partition plot numbers and the weekly summary, over small in-memory tables."""

import datetime as dt

import duckdb
import pytest
from dagster import (
    AssetExecutionContext,
    AssetSelection,
    DagsterInstance,
    DailyPartitionsDefinition,
    MaterializeResult,
    asset,
    materialize,
)
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from genai_pipeline.assets.metrics import Column
from genai_pipeline.metric_metadata import (
    DAILY_METRICS_SERIES,
    SUMMARY_KEY,
    PlottedTable,
    add_dbt_partition_metadata,
    metric_series,
    partition_metadata,
)

START = dt.date(2026, 1, 1)
TABLE = PlottedTable("kpis", "day", {"generations": "sum(generations)", "success_rate_pct": "avg(success_rate_pct)"})


@pytest.fixture
def conn():
    """Days 1..14 with generations = 10 * day number; day 15 has no row; success rate 90 + day % 3."""
    conn = duckdb.connect()
    conn.execute("create table kpis (day date, generations bigint, success_rate_pct decimal(5, 2))")
    for n in range(1, 15):
        conn.execute("insert into kpis values (?, ?, ?)", [START + dt.timedelta(days=n - 1), 10 * n, 90 + n % 3])
    yield conn
    conn.close()


def day(n: int) -> str:
    return (START + dt.timedelta(days=n - 1)).isoformat()


def test_each_partition_gets_its_own_days_numbers(conn):
    result = partition_metadata(conn, TABLE, [day(3), day(4)])
    assert result[day(3)]["generations"].value == 30 and result[day(4)]["generations"].value == 40
    assert result[day(3)]["success_rate_pct"].value == 90.0 and result[day(4)]["success_rate_pct"].value == 91.0


def test_a_day_without_rows_gets_no_numbers_rather_than_zeros(conn):
    result = partition_metadata(conn, TABLE, [day(14), day(15)])
    assert "generations" in result[day(14)]
    assert set(result[day(15)]) == {SUMMARY_KEY}


def test_only_the_last_partition_carries_the_weekly_summary(conn):
    result = partition_metadata(conn, TABLE, [day(12), day(13), day(14)])
    assert SUMMARY_KEY in result[day(14)]
    assert SUMMARY_KEY not in result[day(12)] and SUMMARY_KEY not in result[day(13)]


def test_the_summary_compares_the_last_seven_days_with_the_seven_before(conn):
    summary = partition_metadata(conn, TABLE, [day(14)])[day(14)][SUMMARY_KEY].value
    # days 8..14 average 110 generations a day, days 1..7 average 40: +175%
    assert "| generations | 110.00 | 40.00 | +175.0% |" in summary
    assert f"({day(8)} to {day(14)})" in summary and "14 of 14 days have data" in summary


def test_the_summary_says_n_a_when_there_is_no_previous_week(conn):
    summary = partition_metadata(conn, TABLE, [day(3)])[day(3)][SUMMARY_KEY].value
    assert "| generations | 20.00 | n/a | n/a |" in summary
    assert "3 of 14 days have data" in summary


def test_no_partitions_give_no_metadata(conn):
    assert partition_metadata(conn, TABLE, []) == {}


def test_metric_series_charts_means_of_numbers_and_shares_of_categories():
    series = metric_series(
        {
            "score": Column("DECIMAL(5, 2)", "a score"),
            "flag": Column("VARCHAR", "a flag", values=("good", "bad")),
            "words": Column("VARCHAR[]", "not chartable"),
        }
    )
    assert set(series) == {"rows", "mean_score", "flag_good_pct", "flag_bad_pct"}
    conn = duckdb.connect()
    conn.execute("create table m as select * from (values (date '2026-01-01', 1.5, 'good'), "
                 "(date '2026-01-01', 2.5, 'bad'), (date '2026-01-01', 3.5, 'good')) t(metric_date, score, flag)")
    [numbers] = partition_metadata(conn, PlottedTable("m", "metric_date", series), ["2026-01-01"]).values()
    assert numbers["rows"].value == 3 and numbers["mean_score"].value == 2.5
    assert numbers["flag_good_pct"].value == pytest.approx(66.6667) and numbers["flag_bad_pct"].value == pytest.approx(33.3333)


def test_the_dbt_hook_gives_each_partition_of_a_range_run_its_own_numbers(tmp_path):
    path = str(tmp_path / "w.duckdb")
    with duckdb.connect(path) as setup:
        setup.execute("create schema metrics")
        columns = ", ".join(f"{name} bigint" for name in DAILY_METRICS_SERIES)
        setup.execute(f"create table metrics.daily_metrics (metric_date date, {columns})")
        setup.execute("insert into metrics.daily_metrics (metric_date, generations) values ('2026-01-01', 5), ('2026-01-02', 7)")
    node = {"name": "daily_metrics", "schema": "metrics", "alias": "daily_metrics",
            "config": {"meta": {"partition_column": "metric_date"}}}

    @asset(name="daily_metrics", partitions_def=DailyPartitionsDefinition(start_date="2026-01-01"))
    def fake_dbt_model(context: AssetExecutionContext):
        window = {"min_date": "2026-01-01", "max_date": "2026-01-03"}
        with duckdb.connect(path) as conn:
            add_dbt_partition_metadata(conn, node, "result", window)
        return MaterializeResult()

    result = materialize(
        [fake_dbt_model],
        selection=AssetSelection.all(),
        instance=DagsterInstance.ephemeral(),
        tags={ASSET_PARTITION_RANGE_START_TAG: "2026-01-01", ASSET_PARTITION_RANGE_END_TAG: "2026-01-02"},
    )
    events = {e.partition: e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert {p: m["generations"].value for p, m in events.items()} == {"2026-01-01": 5, "2026-01-02": 7}
    assert SUMMARY_KEY in events["2026-01-02"] and SUMMARY_KEY not in events["2026-01-01"]


def test_the_dbt_hook_ignores_models_it_does_not_plot_and_unpartitioned_runs():
    node = {"name": "fct_sessions", "schema": "marts", "alias": "fct_sessions",
            "config": {"meta": {"partition_column": "session_date"}}}
    # no Dagster context exists here: reaching for one would raise
    add_dbt_partition_metadata(duckdb.connect(), node, "fct_sessions", {"min_date": "2026-01-01", "max_date": "2026-01-02"})
    add_dbt_partition_metadata(duckdb.connect(), {**node, "name": "daily_metrics"}, "daily_metrics", {})
