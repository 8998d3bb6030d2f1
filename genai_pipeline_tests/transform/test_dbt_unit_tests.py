"""The dbt unit tests (`unit_tests:` in the models' yml files): the SQL's logic on fixed rows.

They run here, through dbt itself, and never in a daily build (the runner excludes them): a
unit test is broken by a change of the SQL, not by a day's data, so a day does not pay for it.
"""

import json
from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner
from pipeline_support import run_day, scratch_project

from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.transform.runner import dbt_env, release_duckdb

pytestmark = pytest.mark.slow
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


def run_unit_tests(project: Path, folder: Path) -> dict[str, tuple[str, str]]:
    """unit test -> (status, dbt's message), from `dbt build` on an empty warehouse.

    A unit test reads the column types of its inputs from the warehouse: with nothing landed,
    on-run-start makes each raw table an empty view of its declared types (macros/raw_zone.sql),
    and every model is built with no rows (`--empty`) before its unit tests run; the data tests
    are left out (they judge data, and there is none).
    """
    warehouse = folder / "warehouse.duckdb"
    target = folder / "target"
    args = ["build", "--empty", "--exclude", "test_type:data", "--quiet", "--no-use-colors", "--log-level-file", "none"]
    args += ["--project-dir", str(project), "--profiles-dir", str(project)]
    args += ["--target-path", str(target), "--log-path", str(target)]
    with dbt_env(warehouse, {}):
        try:
            result = dbtRunner().invoke(args)
        finally:
            release_duckdb()
    assert result.exception is None, result.exception
    return {
        r.node.name: (str(r.status), r.message or "")
        for r in result.result.results
        if r.node.resource_type == "unit_test"
    }


def unit_tests_in_manifest() -> dict[str, str]:
    """unit test -> the model it tests."""
    unit_tests = json.loads(MANIFEST.read_text())["unit_tests"].values()
    return {test["name"]: test["model"] for test in unit_tests}


def test_every_unit_test_passes_on_the_projects_sql(tmp_path):
    outcomes = run_unit_tests(DBT_PROJECT_DIR, tmp_path)
    assert set(outcomes) == set(unit_tests_in_manifest())
    assert {name: status for name, (status, _) in outcomes.items() if status != "pass"} == {}


def test_every_mart_and_metric_model_has_a_unit_test():
    nodes = json.loads(MANIFEST.read_text())["nodes"].values()
    computed = {n["name"] for n in nodes if n["resource_type"] == "model" and n["fqn"][1] in ("marts", "metrics")}
    assert computed - set(unit_tests_in_manifest().values()) == set()


BROKEN_FORMULAS = {
    "fct_sessions_scores_friction_by_its_formula": (
        "models/marts/fct_sessions.sql",
        "50 * coalesce(failure_rate, 0)",
        "40 * coalesce(failure_rate, 0)",
    ),
    "fct_generations_flags_the_last_attempt_of_each_prompt": (
        "models/marts/fct_generations.sql",
        "generations.attempt_number = max(generations.attempt_number)",
        "generations.attempt_number = min(generations.attempt_number)",
    ),
    "fct_user_days_sums_each_users_day": (
        "models/marts/fct_user_days.sql",
        "count(case when has_generations then 1 end)",
        "count(*)",
    ),
    "dim_users_sums_new_users_and_adds_the_window_to_stored_ones": (
        "models/marts/dim_users.sql",
        "friction_score_sum_with_generations\n    from stored",
        "0\n    from stored",
    ),
    "daily_metrics_computes_each_days_kpis": (
        "models/metrics/daily_metrics.sql",
        "{{ ratio('g.active_pro_users', 'g.active_users') }}",
        "{{ ratio('g.active_pro_users', 'g.generations') }}",
    ),
}


@pytest.mark.parametrize("unit_test", sorted(BROKEN_FORMULAS))
def test_a_broken_formula_fails_its_unit_test(unit_test, tmp_path):
    project = scratch_project(tmp_path, [BROKEN_FORMULAS[unit_test]])
    outcomes = run_unit_tests(project, tmp_path)
    failed = {name for name, (status, _) in outcomes.items() if status == "fail"}
    assert failed == {unit_test}
    assert "actual differs from expected" in outcomes[unit_test][1]


def test_a_daily_run_does_not_run_the_unit_tests(tmp_path, monkeypatch):
    built_types = []
    invoke = dbtRunner.invoke

    def recording_invoke(runner, args, **kwargs):
        result = invoke(runner, args, **kwargs)
        if args[0] == "build":
            built_types.extend(r.node.resource_type for r in result.result.results)
        return result

    monkeypatch.setattr(dbtRunner, "invoke", recording_invoke)
    assert run_day(tmp_path / "warehouse.duckdb", "2025-12-01").success
    assert "test" in built_types and "model" in built_types
    assert "unit_test" not in built_types
