"""Column-level detail in the UI: every dbt model's asset carries its columns (name, type,
description from the dbt yml, through the translator), and they are the columns the model
really has in the warehouse."""

import duckdb
import pytest
from dagster import TableSchema
from pipeline_support import run_day

from genai_pipeline.definitions import defs
from genai_pipeline.transform.assets import dbt_models

SPECS = {spec.key: spec for spec in defs.resolve_all_asset_specs()}


def column_schema(key) -> TableSchema:
    schema = SPECS[key].metadata.get("dagster/column_schema")
    assert isinstance(schema, TableSchema), f"{key.to_user_string()} has no column schema"
    return schema


def test_every_dbt_model_has_a_column_schema_with_every_column_typed_and_described():
    assert len(dbt_models.keys) >= 11
    for key in dbt_models.keys:
        undescribed = [c.name for c in column_schema(key).columns if not (c.description or "").strip()]
        untyped = [c.name for c in column_schema(key).columns if c.type in (None, "", "?")]
        assert (undescribed, untyped) == ([], []), key.to_user_string()


@pytest.mark.slow
def test_the_column_schemas_list_exactly_the_columns_each_model_builds(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    assert run_day(warehouse, "2025-12-01").success
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema in ('staging', 'marts', 'metrics') order by table_name, ordinal_position"
        ).fetchall()
    built: dict[str, list[str]] = {}
    for table, column in rows:
        built.setdefault(table, []).append(column)
    for key in dbt_models.keys:
        name = key.to_user_string()
        assert sorted(c.name for c in column_schema(key).columns) == sorted(built[name]), name
