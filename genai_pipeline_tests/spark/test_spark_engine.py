"""The dbt project on Spark through Dagster: days built with every check passing, the same
marts and metrics as DuckDB's, a day rebuilt in place, and the comparison catching a change."""

import json
import shutil

import duckdb
import pytest
from spark_support import FIRST_DAY, run_dbt_job

from genai_pipeline.transform.assets import dbt_models
from genai_pipeline.transform.engine_comparison import Difference, compare_engines
from genai_pipeline.transform.project import dbt_project
from genai_pipeline.transform.spark_target import spark_connection

pytestmark = pytest.mark.spark


def manifest():
    return json.loads(dbt_project.manifest_path.read_text())


def compare(duckdb_file):
    with duckdb.connect(str(duckdb_file), read_only=True) as local, spark_connection() as spark:
        return compare_engines(manifest(), local, spark)


def failed_checks(result) -> list:
    return [e.asset_check_key for e in result.get_asset_check_evaluations() if not e.passed]


def test_three_days_build_on_spark_as_one_range_run_of_dbt_job_with_every_check_passing(engines):
    result = engines.spark_run
    assert result.success
    assert len(result.get_asset_check_evaluations()) == len(dbt_models.check_keys)
    assert failed_checks(result) == []


def test_row_counts_on_spark_materializations_are_read_from_spark(engines):
    def counts(result):
        return {
            e.asset_key.to_user_string(): e.materialization.metadata["dagster/row_count"].value
            for e in result.get_asset_materialization_events()
            if "dagster/row_count" in e.materialization.metadata
        }

    spark = counts(engines.spark_run)
    assert spark and spark == {key: n for key, n in counts(engines.duckdb_run).items() if key in spark}


def test_duckdb_and_spark_build_the_same_marts_and_metrics(engines):
    assert engines.duckdb_run.success
    comparison = compare(engines.duckdb)
    assert [str(d) for d in comparison.differences] == []
    assert len(comparison.row_counts) == 8
    assert all(duck == spark > 0 for duck, spark in comparison.row_counts.values())


def test_a_day_rebuilt_on_spark_replaces_that_day_only(engines):
    day_2 = FIRST_DAY.replace(day=2).isoformat()
    rerun = run_dbt_job(engines.spark, "spark", partition_key=day_2)
    assert rerun.success and failed_checks(rerun) == []
    assert [str(d) for d in compare(engines.duckdb).differences] == []


def test_the_comparison_finds_a_changed_value_a_missing_row_and_forgives_1e_12(engines, tmp_path):
    changed = tmp_path / "changed.duckdb"
    shutil.copy(engines.duckdb, changed)
    with duckdb.connect(str(changed)) as conn:
        conn.execute("update metrics.daily_metrics set sessions = sessions + 1 where metric_date = '2025-12-02'")
        conn.execute("update metrics.daily_metrics set free_share = free_share * (1 + 1e-12)")
        conn.execute("delete from marts.dim_users where user_id = (select min(user_id) from marts.dim_users)")
    differences = compare(changed).differences
    assert [(d.table, d.column) for d in differences] == [
        ("metrics.daily_metrics", "sessions"),
        ("marts.dim_users", "<row count>"),
        ("marts.dim_users", "<row>"),
    ]
    assert isinstance(differences[0], Difference) and differences[0].spark == differences[0].duckdb - 1
