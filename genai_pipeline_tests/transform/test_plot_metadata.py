"""Per-partition plot numbers on the dbt models the UI charts."""

import datetime as dt

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetSelection,
    DagsterInstance,
    DailyPartitionsDefinition,
    MaterializeResult,
    asset,
    materialize,
)

from genai_pipeline.core.partition_metadata import SUMMARY_KEY
from genai_pipeline.core.partitions import range_tags
from genai_pipeline.transform.plot_metadata import DAILY_METRICS_SERIES, add_partition_metadata


def test_the_dbt_hook_gives_each_partition_of_a_range_run_its_own_numbers(tmp_path):
    path = str(tmp_path / "w.duckdb")
    with duckdb.connect(path) as setup:
        setup.execute("create schema metrics")
        columns = ", ".join(f"{name} bigint" for name in DAILY_METRICS_SERIES)
        setup.execute(f"create table metrics.daily_metrics (metric_date date, {columns})")
        setup.execute(
            "insert into metrics.daily_metrics (metric_date, generations) values ('2026-01-01', 5), ('2026-01-02', 7)"
        )
    node = {
        "name": "daily_metrics",
        "schema": "metrics",
        "alias": "daily_metrics",
        "config": {"meta": {"partition_column": "metric_date"}},
    }

    @asset(name="daily_metrics", partitions_def=DailyPartitionsDefinition(start_date="2026-01-01"))
    def fake_dbt_model(context: AssetExecutionContext):
        window = {"min_date": "2026-01-01", "max_date": "2026-01-03"}
        with duckdb.connect(path) as conn:
            add_partition_metadata(context, conn, node, "result", window)
        return MaterializeResult()

    result = materialize(
        [fake_dbt_model],
        selection=AssetSelection.all(),
        instance=DagsterInstance.ephemeral(),
        tags=range_tags(dt.date(2026, 1, 1), dt.date(2026, 1, 2)),
    )
    events = {e.partition: e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert {p: m["generations"].value for p, m in events.items()} == {"2026-01-01": 5, "2026-01-02": 7}
    assert SUMMARY_KEY in events["2026-01-02"] and SUMMARY_KEY not in events["2026-01-01"]


def test_the_dbt_hook_ignores_models_it_does_not_plot_and_unpartitioned_runs():
    node = {
        "name": "fct_sessions",
        "schema": "marts",
        "alias": "fct_sessions",
        "config": {"meta": {"partition_column": "session_date"}},
    }
    # no Dagster context is given: reaching for one would raise
    add_partition_metadata(
        None, duckdb.connect(), node, "fct_sessions", {"min_date": "2026-01-01", "max_date": "2026-01-02"}
    )
    add_partition_metadata(None, duckdb.connect(), {**node, "name": "daily_metrics"}, "daily_metrics", {})
