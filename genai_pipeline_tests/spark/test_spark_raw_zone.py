"""The raw zone's tables on Spark follow the current raw zone: the metastore outlives runs, so
a table registered over another root (an earlier GENAI_RAW_PATH or GENAI_DUCKDB_PATH) is
pointed at the current one, its old files left in place (the tables are external).

register_raw_zone is called as `dbt run-operation`, not through a whole dbt run: on the suite's
server, one small day per raw zone. Later runs register their own zone again (on-run-start).
"""

import datetime as dt

import pytest
from dbt.cli.main import dbtRunner
from spark_support import FIRST_DAY

from genai_pipeline.core.paths import DBT_PROJECT_DIR, RAW_ZONE_ENV
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.landing.raw_tables import land_days
from genai_pipeline.transform.spark_target import spark_connection

pytestmark = pytest.mark.spark

SMALL = SimulationSettings(base_users=50)


def register_raw_zone(root, target_path, monkeypatch) -> None:
    monkeypatch.setenv(RAW_ZONE_ENV, str(root))
    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    args = ["run-operation", "register_raw_zone", *project, "--target", "spark"]
    result = dbtRunner().invoke([*args, "--target-path", str(target_path), "--log-path", str(target_path)])
    assert result.success, result.exception


def table_details(conn, table: str) -> dict[str, str]:
    rows = conn.execute(f"describe table extended {table}").fetchall()
    return {(name or "").strip(): (value or "").strip() for name, value, _ in rows}


def test_a_second_raw_zone_replaces_the_first_under_the_raw_tables_whose_files_stay(
    tmp_path, spark_server, monkeypatch
):
    first, second = tmp_path / "first" / "raw", tmp_path / "it's a \\ zone" / "raw"
    land_days(first, SMALL, [FIRST_DAY])
    land_days(second, SMALL, [FIRST_DAY + dt.timedelta(days=1)])
    register_raw_zone(first, tmp_path / "target", monkeypatch)
    with spark_connection() as conn:
        assert conn.execute("select distinct cast(partition_date as string) from raw.users").fetchall() == [
            ("2025-12-01",)
        ]
        assert table_details(conn, "raw.users")["Type"] == "EXTERNAL"

    register_raw_zone(second, tmp_path / "target", monkeypatch)
    with spark_connection() as conn:
        days = conn.execute("select distinct cast(partition_date as string) from raw.users").fetchall()
        details = table_details(conn, "raw.users")
    assert days == [("2025-12-02",)]
    assert details["Type"] == "EXTERNAL"
    assert "it's a \\ zone" in details["Location"] or "it's%20a%20%5C%20zone" in details["Location"]
    assert [p.name for p in (first / "users").iterdir()] == ["partition_date=2025-12-01"]
