import datetime as dt
import json

from dagster import AssetKey, DefaultScheduleStatus, Definitions, build_schedule_context

from genai_pipeline.definitions import defs
from genai_pipeline.metrics.assets import build_metric_assets
from genai_pipeline.metrics.catalog import registered_metrics
from genai_pipeline.quality.anomaly_checks import daily_metrics_anomalies
from genai_pipeline.quality.anomaly_scoring import METRICS
from genai_pipeline.quality.freshness import fresh_by_deadline, freshness_checks
from genai_pipeline.transform.assets import dbt_models
from genai_pipeline.transform.project import dbt_project


def test_definitions_load():
    Definitions.validate_loadable(defs)


def _check_keys():
    return defs.resolve_asset_graph().asset_check_keys


def _manifest() -> dict:
    return json.loads(dbt_project.manifest_path.read_text())


def test_every_dbt_data_test_is_an_asset_check():
    tests = [n for n in _manifest()["nodes"].values() if n["resource_type"] == "test"]
    checks = list(dbt_models.check_keys)
    assert len(tests) >= 105
    assert len(checks) == len(tests)
    assert {c.name for c in checks} == {t["name"] for t in tests}
    assert set(checks) <= set(_check_keys())


def test_the_checks_are_exactly_the_dbt_tests_the_metric_anomaly_and_freshness_checks():
    tests = [n for n in _manifest()["nodes"].values() if n["resource_type"] == "test"]
    metric_checks = [key for asset in build_metric_assets() for key in asset.check_keys]
    anomaly_checks = list(daily_metrics_anomalies.check_keys)
    fresh = [key for checks in freshness_checks for key in checks.check_keys]
    assert len(metric_checks) == 4 * len(registered_metrics()) and len(anomaly_checks) == len(METRICS)
    assert len(fresh) == len(fresh_by_deadline()) == 1 + len(registered_metrics())
    assert len(_check_keys()) == len(tests) + len(metric_checks) + len(anomaly_checks) + len(fresh)
    assert set(_check_keys()) == set(dbt_models.check_keys) | set(metric_checks) | set(anomaly_checks) | set(fresh)


def test_the_daily_job_runs_every_check_but_the_freshness_checks():
    # A freshness check judges the wall clock, not the run's day (a run of an earlier day
    # would fail it): its own sensor runs it, and quality/test_freshness.py shows it failing.
    fresh = {key for checks in freshness_checks for key in checks.check_keys}
    daily = defs.resolve_job_def("daily_job").asset_layer.asset_graph.asset_check_keys
    assert set(daily) == set(_check_keys()) - fresh


def test_source_tests_guard_the_raw_assets():
    checked = {c.asset_key for c in _check_keys()}
    for table in ("users", "sessions", "prompts", "generations"):
        assert AssetKey(["raw", table]) in checked


def test_lineage_runs_from_raw_to_daily_metrics_in_layer_groups():
    specs = {s.key: s for s in defs.resolve_all_asset_specs()}
    assert {d.asset_key for d in specs[AssetKey("stg_generations")].deps} == {AssetKey(["raw", "generations"])}
    groups = {s.key.to_user_string(): s.group_name for s in specs.values()}
    assert groups["raw/users"] == "raw"
    assert groups["stg_users"] == "staging"
    assert groups["fct_sessions"] == "marts"
    assert groups["daily_metrics"] == "metrics"
    upstream, frontier = set(), {AssetKey("daily_metrics")}
    while frontier:
        key = frontier.pop()
        upstream.add(key)
        frontier |= {d.asset_key for d in specs[key].deps} - upstream
    assert AssetKey(["raw", "generations"]) in upstream and AssetKey(["raw", "users"]) in upstream


def test_every_asset_shares_the_daily_partitions():
    for spec in defs.resolve_all_asset_specs():
        assert spec.partitions_def is not None, spec.key


def test_the_tick_at_half_past_midnight_requests_yesterday():
    schedule = defs.resolve_schedule_def("daily_schedule")
    assert schedule.default_status == DefaultScheduleStatus.RUNNING
    tick = dt.datetime(2026, 3, 15, 0, 30, tzinfo=dt.UTC)
    requests = schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick)).run_requests
    assert [r.partition_key for r in requests] == ["2026-03-14"]
    assert requests[0].job_name == "daily_job"


def test_the_check_failure_alert_sensor_runs_by_default():
    from dagster import DefaultSensorStatus

    assert defs.resolve_sensor_def("check_failure_alert_sensor").default_status == DefaultSensorStatus.RUNNING


def test_the_daily_job_runs_the_anomaly_checks_on_daily_metrics():
    from dagster import AssetCheckKey

    anomaly = {
        AssetCheckKey(AssetKey("daily_metrics"), f"{m}_anomaly")
        for m in ("generations", "revenue_usd", "success_rate_pct", "new_users")
    }
    assert anomaly <= set(_check_keys())
    assert anomaly <= set(defs.resolve_job_def("daily_job").asset_layer.asset_graph.asset_check_keys)


def test_every_check_explains_the_rule_it_enforces():
    graph = defs.resolve_asset_graph()
    unexplained = [
        key.to_user_string()
        for key in graph.asset_check_keys
        if not (graph.get_check_spec(key).description or "").strip()
    ]
    assert unexplained == []


def test_a_dbt_tests_description_is_the_description_of_its_check():
    graph = defs.resolve_asset_graph()
    tests = {n["name"]: n for n in _manifest()["nodes"].values() if n["resource_type"] == "test"}
    for key in dbt_models.check_keys:
        assert graph.get_check_spec(key).description == tests[key.name]["description"], key.name
