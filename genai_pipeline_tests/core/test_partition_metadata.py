"""Per-partition plot numbers and the weekly summary, over small in-memory tables."""

import datetime as dt

import duckdb
import pytest

from genai_pipeline.core.partition_metadata import SUMMARY_KEY, PlottedTable, partition_metadata

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
