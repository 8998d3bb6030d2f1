"""`dbt source freshness` on the raw sources: a table is as fresh as the end of the last
day landed in it; 26 hours past that warns (the day after it was due by 02:00), 50 errors."""

import datetime as dt

import pyarrow as pa
import pytest
from dbt.cli.main import dbtRunner

from genai_pipeline.core.paths import DBT_PROJECT_DIR, raw_zone_path
from genai_pipeline.landing.raw_files import ARROW_SCHEMAS, write_day
from genai_pipeline.simulation.schema import RAW_TABLES

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
    for table, day in landed.items():  # one row (of nulls) on the table's last landed day
        write_day(raw_zone_path({}, warehouse), table, day, pa.Table.from_pylist([{}], schema=ARROW_SCHEMAS[table]))
    assert set(landed) == set(RAW_TABLES)
    monkeypatch.setenv("GENAI_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("GENAI_RAW_PATH", str(raw_zone_path({}, warehouse)))
    # Its own target path: the project's target/ holds the manifest every other test reads.
    target = ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "target")]
    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    result = dbtRunner().invoke(["source", "freshness", "--quiet", *project, *target])
    # on-run-start registers the raw zone first (its own result), then each source is judged
    sources = [r for r in result.result.results if r.node.resource_type == "source"]
    assert len(result.result.results) == len(sources) + 1
    statuses = {r.node.name: str(r.status) for r in sources}
    assert statuses == {"users": "pass", "sessions": "warn", "prompts": "error", "generations": "pass"}
    ages = {r.node.name: r.age / 3600 for r in sources}
    assert ages["users"] < 24 and 26 <= ages["sessions"] < 50 <= ages["prompts"]
