"""`dbt source freshness` on the raw sources: a table is as fresh as the end of the last
day landed in it; 26 hours past that warns (the day after it was due by 02:00), 50 errors."""

import datetime as dt

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.simulation.schema import RAW_SCHEMA, RAW_TABLES, create_table_sql

pytestmark = pytest.mark.slow


def last_day_aged(now: dt.datetime, hours: int) -> dt.date:
    """The last landed day whose end lies between ``hours`` and ``hours + 24`` before now."""
    return (now - dt.timedelta(hours=hours)).date() - dt.timedelta(days=1)


def test_source_freshness_passes_warns_and_errors_with_the_age_of_the_last_landed_day(tmp_path, monkeypatch):
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    landed = {
        "users": last_day_aged(now, 0),
        "sessions": last_day_aged(now, 26),
        "prompts": last_day_aged(now, 50),
        "generations": last_day_aged(now, 0),
    }
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute(f"create schema {RAW_SCHEMA}")
        for table, day in landed.items():
            conn.execute(create_table_sql(table))
            conn.execute(f"insert into {RAW_SCHEMA}.{table} (partition_date) values (?)", [day])
    assert set(landed) == set(RAW_TABLES)
    monkeypatch.setenv("GENAI_DUCKDB_PATH", str(warehouse))
    # Its own target path: the project's target/ holds the manifest every other test reads.
    target = ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "target")]
    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    result = dbtRunner().invoke(["source", "freshness", "--quiet", *project, *target])
    statuses = {r.node.name: str(r.status) for r in result.result.results}
    assert statuses == {"users": "pass", "sessions": "warn", "prompts": "error", "generations": "pass"}
    ages = {r.node.name: r.age / 3600 for r in result.result.results}
    assert ages["users"] < 24 and 26 <= ages["sessions"] < 50 <= ages["prompts"]
