"""What a backfill metric charts per partition: the mean of each number, the share of each category."""

import duckdb
import pytest

from genai_pipeline.core.partition_metadata import PlottedTable, partition_metadata
from genai_pipeline.metrics.assets import metric_series
from genai_pipeline.metrics.spec import Column


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
    conn.execute(
        "create table m as select * from (values (date '2026-01-01', 1.5, 'good'), "
        "(date '2026-01-01', 2.5, 'bad'), (date '2026-01-01', 3.5, 'good')) t(metric_date, score, flag)"
    )
    [numbers] = partition_metadata(conn, PlottedTable("m", "metric_date", series), ["2026-01-01"]).values()
    assert numbers["rows"].value == 3 and numbers["mean_score"].value == 2.5
    assert numbers["flag_good_pct"].value == pytest.approx(66.6667) and numbers["flag_bad_pct"].value == pytest.approx(
        33.3333
    )
