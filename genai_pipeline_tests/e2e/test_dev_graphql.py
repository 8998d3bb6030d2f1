"""`dagster dev` through its GraphQL API: what the repository exposes, a daily run and its
checks, a metric backfill run by the daemon, and the per-partition numbers the plots chart."""

import datetime as dt

import pytest
import ui_graphql
from e2e_env import BACKFILL_METRIC, FIRST_DAY, day

from genai_pipeline.core.jobs import FRESHNESS_CHECK_NAME
from genai_pipeline.core.warehouse import connect_with_lock_retry

pytestmark = pytest.mark.e2e

RAW_ASSETS = {("raw", t) for t in ("users", "sessions", "prompts", "generations")}
DBT_MODELS = {("dim_users",), ("fct_generations",), ("fct_sessions",), ("daily_metrics",)}
METRICS = {("prompt_toxicity",), ("user_lifetime_value",), ("session_engagement_score",), ("generation_quality_flag",)}


def test_the_repository_exposes_the_assets_their_checks_the_job_and_the_running_schedule(ui):
    repo = ui_graphql.repository(ui)
    nodes = {tuple(node["assetKey"]["path"]): node for node in repo["assetNodes"]}
    assert RAW_ASSETS | DBT_MODELS | METRICS <= set(nodes)
    for key in RAW_ASSETS | DBT_MODELS | METRICS:
        assert nodes[key]["assetChecksOrError"]["checks"], f"{key} has no checks"
    assert "daily_job" in {job["name"] for job in repo["jobs"]}
    assert {s["name"]: s["scheduleState"]["status"] for s in repo["schedules"]} == {"daily_schedule": "RUNNING"}
    sensors = {s["name"]: s["sensorState"]["status"] for s in repo["sensors"]}
    for name in ("freshness_checks_sensor", "default_automation_condition_sensor", "check_failure_alert_sensor"):
        assert sensors.get(name) == "RUNNING", name


def test_daily_job_for_one_partition_succeeds_with_every_check_passed(ui, first_day_run):
    run = ui_graphql.run(ui, first_day_run)
    assert run["status"] == "SUCCESS"
    assert {"key": "dagster/partition", "value": day(1)} in run["tags"]
    evaluations = ui_graphql.check_evaluations(ui, first_day_run)
    declared = {
        (tuple(node["assetKey"]["path"]), check["name"])
        for node in ui_graphql.repository(ui)["assetNodes"]
        for check in node["assetChecksOrError"]["checks"]
    }
    # Every declared check but the freshness checks, which their own sensor runs (they judge
    # the clock, not the run's day).
    declared = {(key, name) for key, name in declared if name != FRESHNESS_CHECK_NAME}
    assert {(tuple(e["assetKey"]["path"]), e["checkName"]) for e in evaluations} == declared
    failed = [e for e in evaluations if not e["success"]]
    assert failed == []


def test_a_dbt_model_shows_its_columns_with_types_and_descriptions(ui):
    columns = {c["name"]: c for c in ui_graphql.asset_columns(ui, ["fct_generations"])}
    assert {"generation_id", "user_tier", "cost_usd", "margin_usd", "generation_date"} <= set(columns)
    assert columns["generation_id"]["type"] == "bigint"
    assert columns["margin_usd"]["description"] == "revenue_usd - cost_usd."
    assert all(c["type"] and c["description"] for c in columns.values())


def test_the_daemon_completes_a_seven_day_partition_backfill_of_a_metric(ui, metric_backfill):
    backfill_id, state = metric_backfill
    assert state["status"] == "COMPLETED_SUCCESS"
    [counts] = state["assetBackfillData"]["assetBackfillStatuses"]
    assert counts["assetKey"]["path"] == [BACKFILL_METRIC]
    assert (counts["numPartitionsTargeted"], counts["numPartitionsMaterialized"], counts["numPartitionsFailed"]) == (
        7,
        7,
        0,
    )
    run_ids = {run["id"] for run in state["runs"]}
    assert run_ids and all(run["status"] == "SUCCESS" for run in state["runs"])
    by_backfill = [m for m in ui_graphql.materializations(ui, [BACKFILL_METRIC]) if m["runId"] in run_ids]
    assert sorted(m["partition"] for m in by_backfill) == [day(n) for n in range(1, 8)]


def test_a_backfilled_metric_charts_its_own_numbers_per_partition(ui, metric_backfill, server):
    _, state = metric_backfill
    run_ids = {run["id"] for run in state["runs"]}
    events = {
        m["partition"]: m["metadata"]
        for m in ui_graphql.materializations(ui, [BACKFILL_METRIC])
        if m["runId"] in run_ids
    }
    expected = warehouse_rows(
        server.warehouse,
        f"select metric_date, count(*), avg(engagement_score) from backfill_metrics.{BACKFILL_METRIC} group by 1",
    )
    for partition, metadata in events.items():
        rows, mean = expected[partition]
        assert metadata["rows"] == rows and metadata["mean_engagement_score"] == pytest.approx(float(mean), abs=1e-4)
    assert len({m["mean_engagement_score"] for m in events.values()}) > 1, "every partition shows the same number"
    assert "Last 7 days" in events[day(7)]["summary_last_7_days"]


def test_daily_metrics_charts_each_days_kpis_and_summarises_the_week(ui, history, server):
    latest = {}
    for event in ui_graphql.materializations(ui, ["daily_metrics"]):  # newest first
        latest.setdefault(event["partition"], event["metadata"])
    expected = warehouse_rows(
        server.warehouse,
        "select metric_date, generations, revenue_usd, success_rate_pct, "
        "avg_friction_score, new_users from metrics.daily_metrics",
    )
    assert sorted(latest) == sorted(expected) == [day(n) for n in range(1, 8)]
    for partition, (generations, revenue, success, friction, new_users) in expected.items():
        shown = latest[partition]
        assert (shown["generations"], shown["new_users"]) == (generations, new_users)
        assert shown["revenue_usd"] == pytest.approx(float(revenue), abs=1e-3)
        assert shown["success_rate_pct"] == pytest.approx(float(success), abs=1e-3)
        assert shown["avg_friction_score"] == pytest.approx(float(friction), abs=1e-3)
    summary = latest[day(7)]["summary_last_7_days"]
    assert f"({FIRST_DAY} to {day(7)})" in summary and "| generations |" in summary


def warehouse_rows(warehouse, sql: str) -> dict[str, tuple]:
    """Day (ISO) -> the rest of the row; read-only, between runs (DuckDB lets one writer in)."""
    conn = connect_with_lock_retry(str(warehouse), timeout_seconds=60, read_only=True)
    try:
        return {
            row[0].isoformat() if isinstance(row[0], dt.date) else row[0]: tuple(row[1:])
            for row in conn.execute(sql).fetchall()
        }
    finally:
        conn.close()
