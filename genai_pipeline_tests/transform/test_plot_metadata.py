"""Per-partition plot numbers on the dbt models the UI charts."""

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


class RecordingContext:
    """Stands in for the step's context and records every metadata call."""

    def __init__(self):
        self.calls = []

    def asset_key_for_output(self, name):
        self.calls.append(("asset_key_for_output", name))

    def add_asset_metadata(self, *args, **kwargs):
        self.calls.append(("add_asset_metadata", args, kwargs))


def test_the_dbt_hook_ignores_models_it_does_not_plot_and_unpartitioned_runs():
    node = {
        "name": "fct_sessions",
        "schema": "marts",
        "alias": "fct_sessions",
        "config": {"meta": {"partition_column": "session_date"}},
    }
    context, conn = RecordingContext(), duckdb.connect()
    add_partition_metadata(context, conn, node, "fct_sessions", {"min_date": "2026-01-01", "max_date": "2026-01-02"})
    add_partition_metadata(context, conn, {**node, "name": "daily_metrics"}, "daily_metrics", {})
    assert context.calls == []
    # the same context does record a plotted model in a partitioned run (the stand-in works)
    with pytest.raises(AttributeError):  # the stand-in has no partition window: it stops there
        add_partition_metadata(
            context,
            conn,
            {**node, "name": "daily_metrics"},
            "daily_metrics",
            {"min_date": "2026-01-01", "max_date": "2026-01-02"},
        )
    assert context.calls[0] == ("asset_key_for_output", "daily_metrics")
