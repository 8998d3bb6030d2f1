"""A backfill metric's step runs under its own DuckDB memory_limit (GENAI_METRIC_MEMORY_LIMIT),
not the warehouse's: it reads the marts a month at a time, and under the warehouse's larger
limit a year's step only filled DuckDB's cache."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pytest
from dagster import materialize
from metrics_support import marts_connection, simulated_history

from genai_pipeline.core.warehouse import METRIC_MEMORY_LIMIT_ENV, WarehouseResource
from genai_pipeline.metrics.assets import build_metric_asset
from genai_pipeline.metrics.catalog import registered_metrics

DAY = "2025-12-02"
SPEC = registered_metrics()["user_lifetime_value"]
LIMITS_IN_STEP: list[str] = []


class LimitRecordingWarehouse(WarehouseResource):
    """The warehouse resource, noting the connection's memory_limit when the step is done with it."""

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with super().get_connection() as conn:
            yield conn
            LIMITS_IN_STEP.append(conn.execute("select current_setting('memory_limit')").fetchone()[0])


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    conn = marts_connection(str(path))
    simulated_history(conn, dt.date(2025, 12, 1), 3)
    conn.close()
    LIMITS_IN_STEP.clear()
    return path


def run_metric(path):
    return materialize(
        [build_metric_asset(SPEC)],
        partition_key=DAY,
        resources={"warehouse": LimitRecordingWarehouse(database=str(path))},
        raise_on_error=False,
    )


def metric_rows(path) -> int:
    with duckdb.connect(str(path)) as conn:
        return conn.execute(f"select count(*) from {SPEC.table} where metric_date = ?", [DAY]).fetchone()[0]


def test_a_metric_step_writes_under_the_metric_limit_and_leaves_the_warehouses_alone(warehouse, monkeypatch):
    monkeypatch.delenv(METRIC_MEMORY_LIMIT_ENV, raising=False)
    assert run_metric(warehouse).success
    assert LIMITS_IN_STEP == ["381.4 MiB"]  # 400MB, as DuckDB prints it
    assert metric_rows(warehouse) > 0
    with WarehouseResource(database=str(warehouse)).get_connection() as conn:
        assert conn.execute("select current_setting('memory_limit')").fetchone()[0] == "953.6 MiB"


def test_the_setting_changes_the_metric_steps_limit(warehouse, monkeypatch):
    monkeypatch.setenv(METRIC_MEMORY_LIMIT_ENV, "64MB")
    assert run_metric(warehouse).success
    assert LIMITS_IN_STEP == ["61.0 MiB"]


def test_a_bad_metric_limit_fails_the_step_with_its_message_before_anything_is_written(warehouse, monkeypatch):
    monkeypatch.setenv(METRIC_MEMORY_LIMIT_ENV, "plenty")
    result = run_metric(warehouse)
    assert not result.success
    [failure] = [event for event in result.all_events if event.is_step_failure]
    assert "GENAI_METRIC_MEMORY_LIMIT='plenty': must be a size" in failure.step_failure_data.error.message
    assert LIMITS_IN_STEP == []
    with duckdb.connect(str(warehouse)) as conn:
        assert not conn.execute(
            "select count(*) from duckdb_tables() where schema_name = 'backfill_metrics'"
        ).fetchone()[0]
