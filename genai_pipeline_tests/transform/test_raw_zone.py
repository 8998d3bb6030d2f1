"""dbt on DuckDB reads the raw zone (macros/raw_zone.sql, run by on-run-start): schema raw as
views over the Parquet days, a window's filter reading only its days' folders, an old
warehouse's raw tables replaced once their days are landed again (kept, and the run failed,
until then), a table with nothing landed yet an empty typed view."""

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from genai_pipeline.core.paths import DBT_PROJECT_DIR, raw_zone_path
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.landing.raw_files import day_file
from genai_pipeline.landing.raw_tables import land_days
from genai_pipeline.simulation.schema import RAW_SCHEMA, RAW_TABLES
from genai_pipeline.transform.runner import dbt_env, release_duckdb

pytestmark = pytest.mark.slow
SETTINGS = SimulationSettings(base_users=300)
DAYS = [SETTINGS.start_date + dt.timedelta(days=i) for i in range(3)]


def dbt(warehouse: Path, *args: str):
    """A dbt command on `warehouse` with the env the Dagster runner gives dbt (raw zone included)."""
    target = warehouse.parent / "target"
    args = [*args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    args += ["--target-path", str(target), "--log-path", str(target), "--log-level-file", "none", "--quiet"]
    with dbt_env(warehouse, {}):
        try:
            return dbtRunner().invoke(args)
        finally:
            release_duckdb()


def relations(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute(
            "select table_name, table_type from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    return dict(rows)


def column_types(warehouse: Path, table: str) -> list[tuple[str, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return [(name, kind) for name, kind, *_ in conn.execute(f"describe raw.{table}").fetchall()]


@pytest.fixture(scope="module")
def landed(tmp_path_factory) -> Path:
    """Three days landed, the raw zone registered in the warehouse by a dbt run's on-run-start."""
    warehouse = tmp_path_factory.mktemp("raw-zone") / "warehouse.duckdb"
    land_days(raw_zone_path({}, warehouse), SETTINGS, DAYS)
    assert dbt(warehouse, "run", "--select", "stg_users").success
    return warehouse


def test_on_run_start_registers_each_raw_table_as_a_view_over_its_parquet_days(landed):
    assert relations(landed) == dict.fromkeys(RAW_TABLES, "VIEW")
    with duckdb.connect(str(landed), read_only=True) as conn:
        days = conn.execute("select partition_date, count(*) from raw.users group by 1 order by 1").fetchall()
        kind = conn.execute("select typeof(partition_date) from raw.generations limit 1").fetchone()[0]
    assert [d for d, _ in days] == DAYS and days[0][1] == 120
    assert kind == "DATE"


def test_a_filter_on_the_day_reads_only_that_days_folders(landed, tmp_path):
    # Day 3's file made unreadable: a query that opened it would fail, so one that succeeds
    # did not touch it, while the same query over all days does fail. (Not day 1: DuckDB
    # reads the first file's footer for the view's columns whatever the filter.)
    broken = day_file(raw_zone_path({}, landed), "generations", DAYS[2])
    saved = broken.read_bytes()
    broken.write_bytes(b"not a parquet file")
    try:
        with duckdb.connect(str(landed), read_only=True) as conn:
            window = "select count(*) from raw.generations where partition_date >= ? and partition_date < ?"
            assert conn.execute(window, [DAYS[1], DAYS[2]]).fetchone()[0] > 0
            with pytest.raises(duckdb.Error, match="not a parquet file|No magic bytes|Invalid Input"):
                conn.execute("select count(*) from raw.generations").fetchone()
    finally:
        broken.write_bytes(saved)


def old_warehouse(tmp_path: Path, days: list[dt.date]) -> Path:
    """A warehouse from before the raw zone: raw.* as tables holding `days`' rows."""
    landed_elsewhere = tmp_path / "old-raw"
    land_days(landed_elsewhere, SETTINGS, days)
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute(f"create schema {RAW_SCHEMA}")
        for table in RAW_TABLES:
            files = f"{landed_elsewhere}/{table}/*/*.parquet"
            conn.execute(
                f"create table {RAW_SCHEMA}.{table} as select * from read_parquet('{files}', "
                "hive_partitioning = true, hive_types = {'partition_date': date})"
            )
    return warehouse


def raw_rows(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return {table: conn.execute(f"select count(*) from raw.{table}").fetchone()[0] for table in RAW_TABLES}


def test_an_old_warehouses_raw_tables_are_replaced_by_the_views_once_their_days_are_landed_again(tmp_path):
    warehouse = old_warehouse(tmp_path, DAYS[:2])
    before = raw_rows(warehouse)
    land_days(raw_zone_path({}, warehouse), SETTINGS, DAYS[:2])
    assert dbt(warehouse, "run", "--select", "stg_users").success
    assert relations(warehouse) == dict.fromkeys(RAW_TABLES, "VIEW")
    assert raw_rows(warehouse) == before  # the same two days, now read from the raw zone
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert conn.execute("select count(*) from staging.stg_users").fetchone()[0] == before["users"]


def test_an_old_warehouses_raw_table_with_days_not_landed_again_fails_the_run_in_one_line_and_is_kept(tmp_path, capsys):
    # The daily job lands its own day before dbt runs: one landed day must not cost the rest.
    warehouse = old_warehouse(tmp_path, DAYS[:2])
    before = raw_rows(warehouse)
    land_days(raw_zone_path({}, warehouse), SETTINGS, DAYS[1:2])
    assert not dbt(warehouse, "run", "--select", "stg_users").success
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "from before the raw zone" in line)
    assert line.strip().startswith(
        "the warehouse holds raw.users from before the raw zone, 1 of its days not landed in"
    )
    assert f"`genai-pipeline simulate --start {DAYS[0]} --days 1 --batch`" in line
    assert line.endswith("drop it: `drop table raw.users;`")
    assert relations(warehouse) == dict.fromkeys(RAW_TABLES, "BASE TABLE")
    assert raw_rows(warehouse) == before


def test_a_table_with_nothing_landed_is_an_empty_view_with_the_landed_files_types(landed, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    result = dbt(warehouse, "run", "--select", "stg_users")
    assert result.success, result.exception
    assert relations(warehouse) == dict.fromkeys(RAW_TABLES, "VIEW")
    for table in RAW_TABLES:
        assert column_types(warehouse, table) == column_types(landed, table)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert conn.execute("select count(*) from raw.generations").fetchone()[0] == 0


def test_an_adapter_without_an_implementation_gets_a_compiler_error_naming_it(tmp_path, capsys):
    result = dbt(tmp_path / "warehouse.duckdb", "run-operation", "default__register_raw_zone")
    assert not result.success
    assert "register_raw_zone: the raw zone cannot be read on adapter 'duckdb'" in capsys.readouterr().out
