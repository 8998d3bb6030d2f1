"""A backfill metric's step runs under its own DuckDB memory_limit (GENAI_METRIC_MEMORY_LIMIT),
not the warehouse's: it reads the marts a month at a time, and under the warehouse's larger
limit a year's step only filled DuckDB's cache. The limit is DuckDB's database's, shared by
every connection to the file in the process, so the step sets the warehouse's back."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from dagster import materialize
from metrics_support import marts_connection, simulated_history

from genai_pipeline.core.warehouse import METRIC_MEMORY_LIMIT_ENV, WarehouseResource
from genai_pipeline.metrics import assets
from genai_pipeline.metrics.catalog import registered_metrics

DAY = "2025-12-02"
SPEC = registered_metrics()["user_lifetime_value"]


def printed(limit: str) -> str:
    """A limit as DuckDB reports it (e.g. 400MB as 381.4 MiB)."""
    with duckdb.connect(config={"memory_limit": limit}) as conn:
        return conn.execute("select current_setting('memory_limit')").fetchone()[0]


def limit_of(conn) -> str:
    return conn.execute("select current_setting('memory_limit')").fetchone()[0]


@dataclass
class Warehouse:
    path: Path
    seen: list[str] = field(default_factory=list)  # the limit each metric write ran under


@pytest.fixture
def warehouse(tmp_path, monkeypatch) -> Warehouse:
    """A warehouse file of three days of marts."""
    path = tmp_path / "warehouse.duckdb"
    conn = marts_connection(str(path))
    simulated_history(conn, dt.date(2025, 12, 1), 3)
    conn.close()
    noted = Warehouse(path)
    write_window = assets.write_window

    def noting_write_window(engine, spec, window):
        noted.seen.append(limit_of(engine.conn))
        return write_window(engine, spec, window)

    monkeypatch.setattr(assets, "write_window", noting_write_window)
    monkeypatch.delenv(METRIC_MEMORY_LIMIT_ENV, raising=False)
    return noted


def run_metric(warehouse: Warehouse):
    return materialize(
        [assets.build_metric_asset(SPEC)],
        partition_key=DAY,
        resources={"warehouse": WarehouseResource(database=str(warehouse.path))},
        raise_on_error=False,
    )


def test_a_metric_step_writes_under_the_metric_limit(warehouse):
    assert run_metric(warehouse).success
    assert warehouse.seen == [printed("400MB")]
    with duckdb.connect(str(warehouse.path)) as conn:
        assert conn.execute(f"select count(*) from {SPEC.table} where metric_date = ?", [DAY]).fetchone()[0] > 0


def test_the_warehouses_limit_is_back_for_a_connection_open_across_the_step(warehouse):
    with WarehouseResource(database=str(warehouse.path)).get_connection() as held:
        assert limit_of(held) == printed("1GB")
        assert run_metric(warehouse).success
        assert warehouse.seen == [printed("400MB")]  # the step shared the held connection's database
        assert limit_of(held) == printed("1GB")


def test_the_setting_changes_the_metric_steps_limit(warehouse, monkeypatch):
    monkeypatch.setenv(METRIC_MEMORY_LIMIT_ENV, "128MB")
    assert run_metric(warehouse).success
    assert warehouse.seen == [printed("128MB")]


def test_a_bad_metric_limit_fails_the_step_with_its_message_before_anything_is_written(warehouse, monkeypatch):
    monkeypatch.setenv(METRIC_MEMORY_LIMIT_ENV, "plenty")
    result = run_metric(warehouse)
    assert not result.success
    [failure] = [event for event in result.all_events if event.is_step_failure]
    assert "GENAI_METRIC_MEMORY_LIMIT='plenty': must be a size" in failure.step_failure_data.error.message
    assert warehouse.seen == []
    with duckdb.connect(str(warehouse.path)) as conn:
        assert not conn.execute(
            "select count(*) from duckdb_tables() where schema_name = 'backfill_metrics'"
        ).fetchone()[0]
