"""`simulate --reset` with DBT_TARGET=spark drops the pipeline's schemas on the Spark server:
the days of before would otherwise stay in its tables, and the anomaly checks would score them.

It drops them on the suite's server: this module runs after the ones that read the suite's
tables (pytest runs modules in name order), and a later dbt run creates them again.
"""

import pytest

from genai_pipeline.cli.daily_runs import SPARK_SCHEMAS
from genai_pipeline.cli.main import main
from genai_pipeline.core.paths import raw_zone_path
from genai_pipeline.metrics.spec import SCHEMA as METRICS_SCHEMA
from genai_pipeline.transform.spark_target import spark_connection

pytestmark = pytest.mark.spark


def test_reset_on_spark_drops_the_pipelines_schemas_before_landing_the_first_day(
    tmp_path, spark_server, monkeypatch, capsys
):
    warehouse = tmp_path / "warehouse.duckdb"
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GENAI_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("DBT_TARGET", "spark")
    monkeypatch.setenv("GENAI_BASE_USERS", "50")
    with spark_connection() as conn:
        conn.execute(f"create schema if not exists {METRICS_SCHEMA}")
        conn.execute(f"create table {METRICS_SCHEMA}.left_from_before (metric_date date) using parquet")
        conn.execute(f"insert into {METRICS_SCHEMA}.left_from_before values (date'2025-12-30')")

    # --skip-dbt: the reset and one day's landing, no dbt run on the server
    assert main(["simulate", "--days", "1", "--skip-dbt", "--reset"]) == 0

    with spark_connection() as conn:
        left = {row[0] for row in conn.execute("show schemas").fetchall()} & set(SPARK_SCHEMAS)
    assert left == set()
    landed = sorted(p.name for p in (raw_zone_path({}, warehouse) / "users").iterdir())
    assert landed == ["partition_date=2025-12-01"]
    out = capsys.readouterr().out
    assert f"Reset: dropping Spark schemas {', '.join(SPARK_SCHEMAS)}" in out
