"""The whole daily job on Spark, as `genai-pipeline simulate` runs it with DBT_TARGET=spark: the
backfill metrics and the anomaly checks on daily_metrics run on the Spark server too.

On top of the suite's days 1-3 (the `engines` fixture), day 4 runs as `simulate` runs the next
day, on each engine (one run: a Spark run costs a minute or more whatever its days), with every
check passing; the backfill metric tables then agree with DuckDB's, and a broken metric fails
its checks on Spark, and a window written in several chunks (one insert overwrite each) has
DuckDB's rows.
"""

import datetime as dt
import os
import re
from unittest import mock

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, materialize
from spark_support import FIRST_DAY, LAST_DAY

from genai_pipeline.cli.daily_runs import Simulation, run_days
from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.metrics import store
from genai_pipeline.metrics.assets import build_metric_asset
from genai_pipeline.metrics.catalog import registered_metrics
from genai_pipeline.metrics.comparison import compare_metric_tables
from genai_pipeline.metrics.spec import Column, MetricWindow, backfill_metric, unregister_metric
from genai_pipeline.quality.anomaly_checks import daily_metrics_rows
from genai_pipeline.transform.runner import DbtRunnerResource
from genai_pipeline.transform.spark_target import spark_connection
from genai_pipeline.transform.sql_engine import target_engine

pytestmark = pytest.mark.spark

NEXT_DAYS = [LAST_DAY + dt.timedelta(days=1)]


def simulate(warehouse, target: str, days: list[dt.date]) -> tuple[int, list[str], list]:
    """`genai-pipeline simulate` for `days` with DBT_TARGET=`target`, through the CLI's
    Simulation and run_days: the exit status, the lines printed and each day's outcome."""
    lines: list[str] = []
    outcomes: list = []
    dbt = DbtRunnerResource(project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), target=target)
    with mock.patch.dict(os.environ, {"DBT_TARGET": target}):
        sim = Simulation(warehouse, instance=DagsterInstance.ephemeral(), dbt=dbt)

        def execute(group):
            outcomes.extend(sim.execute(group))
            return outcomes[-len(group) :]

        status = run_days(days, execute, batch=False, warehouse=warehouse, from_raw=False, out=lines.append)
    return status, lines, outcomes


@pytest.fixture(scope="module")
def next_days(engines):
    """Day 4 as one daily-job run on each engine, on top of the suite's days 1-3."""
    return {
        target: simulate(path, target, NEXT_DAYS)
        for target, path in (("dev", engines.duckdb), ("spark", engines.spark))
    }


def test_simulate_on_spark_runs_the_metrics_and_anomaly_checks_with_every_check_passing(next_days):
    status, _, outcomes = next_days["spark"]
    assert status == 0
    [last] = [o for o in outcomes if o.checks_total]
    assert last.failed_blocking == [] and last.failed_warn == []
    # 105 dbt tests, 4 checks per backfill metric, 4 anomaly checks: all ran, all passed
    assert last.checks_total == last.checks_passed == 105 + 4 * len(registered_metrics()) + 4
    assert (
        next_days["dev"][0] == 0
        and [o for o in next_days["dev"][2] if o.checks_total][0].checks_total == last.checks_total
    )

    # the day lines' figures come from daily_metrics on Spark, as they do from DuckDB's
    def figures(lines):  # without the seconds each run took
        return [re.sub(r"\s+\d+\.\ds\b", "", line) for line in lines]

    assert figures(next_days["spark"][1]) == figures(next_days["dev"][1])
    assert any("gens" in line for line in next_days["spark"][1])


def test_the_metric_tables_on_spark_agree_with_duckdb_for_the_same_days(engines, next_days):
    with duckdb.connect(str(engines.duckdb), read_only=True) as local, spark_connection() as spark:
        comparison = compare_metric_tables(local, spark)
    assert [str(d) for d in comparison.differences] == []
    assert set(comparison.row_counts) == {f"backfill_metrics.{name}" for name in registered_metrics()}
    assert all(duck == spark > 0 for duck, spark in comparison.row_counts.values())
    with target_engine(None, "spark") as engine:
        days = engine.rows("select distinct metric_date from backfill_metrics.prompt_toxicity order by 1")
    assert [day for (day,) in days] == NEXT_DAYS  # one partition per day, the run's days only
    # what the anomaly checks scored: the same daily_metrics, days 1-4, read from each engine
    duck_rows = daily_metrics_rows(WarehouseResource(database=str(engines.duckdb)), "dev")
    assert duck_rows == daily_metrics_rows(None, "spark")
    assert [row[0] for row in duck_rows] == [FIRST_DAY + dt.timedelta(days=i) for i in range(4)]


def test_a_broken_metric_fails_its_checks_on_spark(engines, next_days, monkeypatch):
    """A metric whose SQL writes out-of-range values, nulls and duplicate rows: its checks fail
    on Spark, each with its failing rows counted and a sample."""

    @backfill_metric(
        name="broken_metric",
        entity="session_id",
        reads=["fct_sessions"],
        columns={"score": Column("DOUBLE", "0-1", min=0, max=1)},
        expected="select session_id, session_date from marts.fct_sessions "
        "where session_date >= $start and session_date < $end",
    )
    def broken(conn, window):
        sessions = "from marts.fct_sessions where session_date >= $start and session_date < $end"
        return conn.sql(
            f"select session_id, session_date as metric_date, cast(7 as double) as score {sessions} "
            f"union all select session_id, session_date, cast(null as double) {sessions} and session_id % 2 = 0",
            params=window.params,
        )

    monkeypatch.setenv("DBT_TARGET", "spark")
    try:
        result = materialize(
            [build_metric_asset(registered_metrics()["broken_metric"])],
            partition_key=NEXT_DAYS[-1].isoformat(),
            instance=DagsterInstance.ephemeral(),
            resources={"warehouse": WarehouseResource(database=str(engines.spark))},
            raise_on_error=False,
        )
    finally:
        unregister_metric("broken_metric")
        with target_engine(None, "spark") as engine:
            engine.execute("drop table if exists backfill_metrics.broken_metric")
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert {name for name, e in evaluations.items() if not e.passed} == {
        "not_null",
        "one_row_per_entity_day",
        "value_in_range",
    }
    assert evaluations["complete_vs_marts"].passed
    in_range = evaluations["value_in_range"].metadata
    assert in_range["failing_rows"].value > 0 and in_range["sample"].value
    assert all(e.asset_key == AssetKey("broken_metric") for e in evaluations.values())


def test_a_window_written_in_chunks_on_spark_has_the_rows_duckdb_computes_for_it(engines, next_days, monkeypatch):
    # a long range is one insert overwrite per chunk on Spark (metrics/store.py): days 1-4 in
    # chunks of two days; then days 1-3 are dropped again, leaving the table as the suite had it
    spec = registered_metrics()["session_engagement_score"]
    window = MetricWindow(FIRST_DAY, NEXT_DAYS[-1] + dt.timedelta(days=1))
    monkeypatch.setattr(store, "CHUNK_DAYS", 2)
    assert len(store.chunks(window)) == 2
    names = ", ".join(spec.column_names())
    with duckdb.connect(str(engines.duckdb), read_only=True) as local:
        expected = sorted(spec.compute(local, window).select(names).fetchall())
    with target_engine(None, "spark") as engine:
        counts = store.write_window(engine, spec, window)
        written = sorted(engine.rows(f"select {names} from {spec.table}"))
        for day in window.days[:-1]:
            engine.execute(f"alter table {spec.table} drop if exists partition (metric_date = date '{day}')")
    assert set(counts) == set(window.days) and sum(counts.values()) == len(expected) > 0
    assert written == expected
