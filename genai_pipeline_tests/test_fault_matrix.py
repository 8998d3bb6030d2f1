"""Every check can fail: each fault of the matrix (fault_matrix.RUNS) in a partitioned daily
run of day 16 on a copy of a clean 15-day history, and the alert the sensor then raises.

The run must fail exactly the checks its faults name, every failed check must become one
alert, and every check of the graph must be failed by some fault.
"""

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import pytest
from dagster import AssetCheckKey, DagsterInstance, build_sensor_context
from fault_matrix import METRIC_BREAKS, RUNS
from faults import DAY, Fault
from pipeline_support import copy_warehouse, scratch_project
from raw_edits import day_rows, land_without_day, rewrite_day

import genai_pipeline.landing.raw_tables as raw_tables
from genai_pipeline.alerts.sensors import check_failure_alert_sensor
from genai_pipeline.alerts.sinks import AlertSinks
from genai_pipeline.core.partitions import range_tags
from genai_pipeline.core.paths import raw_zone_path
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.definitions import build_defs, defs
from genai_pipeline.metrics.catalog import registered_metrics
from genai_pipeline.metrics.spec import REGISTRY
from genai_pipeline.quality.freshness import fresh_by_deadline
from genai_pipeline.transform.runner import DbtRunnerResource

pytestmark = pytest.mark.slow
HISTORY_DAYS = 15
SCALE = {"GENAI_BASE_USERS": "2000"}


def label(key: AssetCheckKey) -> str:
    """A dbt test's name (unique in the project); `metric:check` for a metric's checks."""
    asset = key.asset_key.to_user_string()
    return f"{asset}:{key.name}" if asset in registered_metrics() else key.name


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Days 1-15 built clean, in one run; the scale stays set for the module's runs."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in SCALE.items():
            env.setenv(name, value)
        warehouse = tmp_path_factory.mktemp("history") / "warehouse.duckdb"
        first = DAY - dt.timedelta(days=HISTORY_DAYS)
        result = defs.resolve_job_def("daily_job").execute_in_process(
            instance=DagsterInstance.ephemeral(),
            resources={"warehouse": WarehouseResource(database=str(warehouse))},
            tags=range_tags(first, DAY - dt.timedelta(days=1)),
            raise_on_error=False,
        )
        assert result.success
        assert [e.asset_check_key for e in result.get_asset_check_evaluations() if not e.passed] == []
        yield warehouse


def broken_metric(spec, null_column: str, bounded_column: str, bad_value: str):
    """The metric's own rows with row 1 twice, row 2's value null, row 3's out of bounds
    and row 4 missing."""

    def value(column: str) -> str:
        cases = []
        if column == null_column:
            cases.append("when n = 2 then null")
        if column == bounded_column:
            cases.append(f"when n = 3 then {bad_value}")
        return f"case {' '.join(cases)} else {column} end" if cases else column

    def compute(conn, window):
        columns = spec.column_names()
        changed = ", ".join(f"{value(c)} as {c}" for c in columns)
        return spec.compute(conn, window).query(
            "original_rows",
            f"with numbered as (select *, row_number() over (order by {spec.entity}) as n from original_rows) "
            f"select {changed} from numbered where n <> 4 "
            f"union all select {', '.join(columns)} from numbered where n = 1",
        )

    return compute


def run_day_with(faults: list[Fault], history: Path, folder: Path, monkeypatch) -> tuple[set[str], dict[str, str]]:
    """Day 16 through daily_job with the faults in place; (failed checks, alerted check -> the
    alert's description of the check's rule)."""
    warehouse = folder / "warehouse.duckdb"
    copy_warehouse(history, warehouse)
    with duckdb.connect(str(warehouse)) as conn:
        for sql in (sql for f in faults for sql in f.state):
            conn.execute(sql)
    raw_zone = raw_zone_path({}, warehouse)
    for edit in (edit for f in faults for edit in f.raw):
        if edit.without_day:
            land_without_day(raw_zone, edit.table, day_rows(raw_zone, edit.table, edit.day, edit.sql))
        else:
            rewrite_day(raw_zone, edit.table, edit.day, edit.sql)
    real = raw_tables.generate_day

    def faulty_day(settings, day):
        frames = real(settings, day)
        for f in faults:
            if f.frames is not None and day == DAY:
                frames = f.frames(frames)
        return frames

    monkeypatch.setattr(raw_tables, "generate_day", faulty_day)
    resources = {"warehouse": WarehouseResource(database=str(warehouse))}
    edits = [f.model for f in faults if f.model is not None]
    if edits:
        project = str(scratch_project(folder, edits))
        resources["dbt"] = DbtRunnerResource(project_dir=project, profiles_dir=project, target="dev")
    definitions = defs
    if any(f.metric is not None for f in faults):
        for name, (null_column, bounded_column, bad_value) in METRIC_BREAKS.items():
            spec = REGISTRY[name]
            broken = broken_metric(spec, null_column, bounded_column, bad_value)
            monkeypatch.setitem(REGISTRY, name, dataclasses.replace(spec, compute=broken))
        definitions = build_defs()
    (folder / "home").mkdir()
    with DagsterInstance.local_temp(str(folder / "home")) as instance:
        result = definitions.resolve_job_def("daily_job").execute_in_process(
            partition_key=DAY.isoformat(), instance=instance, resources=resources, raise_on_error=False
        )
        failed = {label(e.asset_check_key) for e in result.get_asset_check_evaluations() if not e.passed}
        sinks = AlertSinks(warehouse=WarehouseResource(database=str(warehouse)), dagster_url="http://127.0.0.1:3000")
        with build_sensor_context(
            instance=instance, resources={"alert_sinks": sinks}, definitions=definitions
        ) as context:
            check_failure_alert_sensor.evaluate_tick(context)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute("select asset_key, check_name, description from main.alerts").fetchall() if failed else []
    alerted = {label(AssetCheckKey.from_user_string(f"{asset}:{check}")): text for asset, check, text in rows}
    return failed, alerted


@pytest.mark.parametrize("faults", [faults for _, faults in RUNS], ids=[name for name, _ in RUNS])
def test_the_faults_fail_exactly_their_checks_in_a_daily_run_and_each_failure_alerts(
    faults, history, tmp_path, monkeypatch
):
    failed, alerted = run_day_with(faults, history, tmp_path, monkeypatch)
    expected = set().union(*(f.checks for f in faults))
    assert failed == expected, f"not failed: {sorted(expected - failed)}; failed too: {sorted(failed - expected)}"
    assert set(alerted) == failed
    # each alert says the rule its check enforces (the check's own description) first
    graph = defs.resolve_asset_graph()
    explained = {label(key): graph.get_check_spec(key).description for key in graph.asset_check_keys}
    assert [check for check in failed if not alerted[check].startswith(explained[check])] == []


def test_every_check_of_the_daily_run_is_failed_by_some_fault():
    # Every check of the graph but the freshness checks, which judge the clock and run outside
    # daily_job: quality/test_freshness.py moves the clock past their deadline to fail them.
    checks = {label(key) for key in defs.resolve_job_def("daily_job").asset_layer.asset_graph.asset_check_keys}
    assert len(defs.resolve_asset_graph().asset_check_keys) - len(checks) == len(fresh_by_deadline())
    covered = {check for _, faults in RUNS for f in faults for check in f.checks}
    assert sorted(checks - covered) == []
    assert sorted(covered - checks) == []  # no fault names a check that does not exist


def test_a_changed_column_type_fails_the_contract_and_nothing_below_it_runs(history, tmp_path):
    """An upstream change of a column's type (stg_generations casts latency_ms to double) breaks
    fct_generations' enforced contract: dbt refuses the model with its contract message before
    writing it, so the day's rows are not written and the models and checks below it do not run."""
    warehouse = tmp_path / "warehouse.duckdb"
    copy_warehouse(history, warehouse)
    edit = ("models/staging/raw/stg_generations.sql", "cast(latency_ms as integer)", "cast(latency_ms as double)")
    project = str(scratch_project(tmp_path, [edit]))
    result = defs.resolve_job_def("daily_job").execute_in_process(
        partition_key=DAY.isoformat(),
        instance=DagsterInstance.ephemeral(),
        resources={
            "warehouse": WarehouseResource(database=str(warehouse)),
            "dbt": DbtRunnerResource(project_dir=project, profiles_dir=project, target="dev"),
        },
        raise_on_error=False,
    )
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.user_failure_data.description
    assert "This model has an enforced contract that failed" in message
    assert "| latency_ms  | DOUBLE          | INTEGER       | data type mismatch |" in message
    below = {"fct_generations", "dim_prompts", "fct_sessions", "fct_user_days", "dim_users", *registered_metrics()}
    below |= {"daily_metrics", "daily_model_metrics", "daily_tier_metrics"}
    built = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert built == {"raw/users", "raw/sessions", "raw/prompts", "raw/generations"} | {
        "stg_users", "stg_sessions", "stg_prompts", "stg_generations"
    }  # fmt: skip
    checked = {e.asset_check_key.asset_key.to_user_string() for e in result.get_asset_check_evaluations()}
    assert checked and not checked & below
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        day_rows = conn.execute("select count(*) from marts.fct_generations where generation_date = ?", [DAY])
        assert day_rows.fetchone()[0] == 0
