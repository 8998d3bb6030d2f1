"""Column lineage on every dbt model's materialization, traced once per version of a model."""

import json

import pytest
from dagster import AssetKey, DagsterInstance, TableColumnDep
from pipeline_support import run_day

import genai_pipeline.transform.column_lineage as column_lineage
from genai_pipeline.transform.assets import LINEAGE_KEY, lineage_file
from genai_pipeline.transform.runner import target_path_for_warehouse

pytestmark = pytest.mark.slow

MODELS = [
    "stg_users",
    "stg_sessions",
    "stg_prompts",
    "stg_generations",
    "dim_users",
    "dim_prompts",
    "fct_sessions",
    "fct_user_days",
    "fct_generations",
    "daily_metrics",
    "daily_tier_metrics",
    "daily_model_metrics",
]


def lineage_by_asset(result) -> dict[str, dict[str, set[tuple[str, str]]]]:
    found = {}
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        value = materialization.metadata.get(LINEAGE_KEY)
        if value is not None:
            found[materialization.asset_key.to_user_string()] = {
                column: {(dep.asset_key.to_user_string(), dep.column_name) for dep in deps}
                for column, deps in value.value.deps_by_column.items()
            }
    return found


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("lineage") / "warehouse.duckdb"
    with DagsterInstance.ephemeral() as instance:
        first = run_day(warehouse, "2025-12-01", instance=instance)
        with pytest.MonkeyPatch.context() as patch:
            traced = []
            trace = column_lineage.trace
            patch.setattr(column_lineage, "trace", lambda *args: traced.append(args[1]["name"]) or trace(*args))
            # another warehouse: lineage is the project's, not a warehouse's
            second = run_day(warehouse.with_name("other.duckdb"), "2025-12-01", instance=instance)
    assert first.success and second.success
    return warehouse, lineage_by_asset(first), lineage_by_asset(second), traced


def test_every_model_has_the_lineage_of_every_column_it_declares(two_days):
    _, lineage, _, _ = two_days
    assert sorted(lineage) == sorted(MODELS)
    from genai_pipeline.definitions import defs

    for name in MODELS:
        spec = defs.resolve_assets_def(AssetKey(name)).specs_by_key[AssetKey(name)]
        declared = {column.name for column in spec.metadata["dagster/column_schema"].columns}
        assert set(lineage[name]) == declared, name


def test_columns_trace_to_the_parent_columns_they_are_computed_from(two_days):
    _, lineage, _, _ = two_days
    assert lineage["stg_generations"]["cost_usd"] == {("raw/generations", "cost_usd")}
    assert lineage["fct_generations"]["cost_usd"] == {("stg_generations", "cost_usd")}
    assert lineage["fct_generations"]["user_tier"] == {("stg_users", "user_tier")}
    assert ("fct_generations", "revenue_usd") in lineage["daily_metrics"]["revenue_usd"]
    assert all(isinstance(dep, tuple) for deps in lineage["dim_users"].values() for dep in deps)


def test_a_later_run_into_another_warehouse_reads_the_traced_lineage_instead_of_tracing_again(two_days):
    warehouse, first, second, traced = two_days
    assert traced == [] and second == first
    cache = json.loads(lineage_file().read_text())
    assert {f"model.genai_pipeline.{name}" for name in MODELS} <= set(cache)


def test_a_changed_model_is_traced_again(two_days, monkeypatch, tmp_path):
    from genai_pipeline.transform.project import dbt_project

    warehouse, first, _, _ = two_days
    manifest = json.loads(dbt_project.manifest_path.read_text())
    node = manifest["nodes"]["model.genai_pipeline.fct_generations"]
    node["checksum"]["checksum"] = "an edited model"
    traced = []
    trace = column_lineage.trace
    monkeypatch.setattr(column_lineage, "trace", lambda *args: traced.append(args[1]["name"]) or trace(*args))
    cache = tmp_path / column_lineage.CACHE_FILE
    cache.write_text(lineage_file().read_text())
    found = column_lineage.lineage_of(manifest, [node["unique_id"]], target_path_for_warehouse(warehouse, "dev"), cache)
    assert traced == ["fct_generations"]
    deps = column_lineage.as_metadata(manifest, found[node["unique_id"]]).deps_by_column
    assert TableColumnDep(AssetKey("stg_generations"), "cost_usd") in deps["cost_usd"]
