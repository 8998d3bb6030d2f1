import datetime as dt
import tracemalloc
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, materialize

from genai_pipeline.core.checksums import table_checksums
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.landing import raw_tables
from genai_pipeline.landing.raw_asset import raw_activity

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def land(warehouse: Path, partition_key=None, tags=None, run_config=None, raise_on_error=True):
    return materialize(
        [raw_activity],
        partition_key=partition_key,
        tags=tags,
        run_config=run_config,
        resources={"warehouse": WarehouseResource(database=str(warehouse))},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=raise_on_error,
    )


def checksums(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return table_checksums(conn, ("raw",))


def test_rematerializing_a_day_replaces_it(sandbox):
    warehouse = sandbox / "w.duckdb"
    land(warehouse, "2025-12-01")
    land(warehouse, "2025-12-02")
    before = checksums(warehouse)
    land(warehouse, "2025-12-02")
    assert checksums(warehouse) == before
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        days = conn.execute("select partition_date, count(*) from raw.users group by 1 order by 1").fetchall()
    assert [(d, n) for d, n in days] == [(dt.date(2025, 12, 1), 2000), (dt.date(2025, 12, 2), 103)]


def test_days_landed_in_any_order_give_identical_tables(sandbox):
    in_order, shuffled = sandbox / "a.duckdb", sandbox / "b.duckdb"
    for day in ("2025-12-01", "2025-12-02", "2025-12-03"):
        land(in_order, day)
    for day in ("2025-12-03", "2025-12-01", "2025-12-02"):
        land(shuffled, day)
    assert checksums(in_order) == checksums(shuffled)


def test_a_range_in_one_run_equals_one_run_per_day(sandbox):
    per_day, batch = sandbox / "a.duckdb", sandbox / "b.duckdb"
    for day in ("2025-12-01", "2025-12-02", "2025-12-03"):
        land(per_day, day)
    result = land(batch, tags={RANGE_START: "2025-12-01", RANGE_END: "2025-12-03"})
    assert checksums(per_day) == checksums(batch)
    partitions = {
        e.partition for e in result.get_asset_materialization_events() if e.asset_key.path == ["raw", "users"]
    }
    assert partitions == {"2025-12-01", "2025-12-02", "2025-12-03"}


def test_a_materialization_records_row_counts_revenue_and_success_rate(sandbox):
    result = land(sandbox / "w.duckdb", "2025-12-01")
    metadata = {tuple(e.asset_key.path): e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert metadata[("raw", "users")]["dagster/row_count"].value == 2000
    generations = metadata[("raw", "generations")]
    with duckdb.connect(str(sandbox / "w.duckdb"), read_only=True) as conn:
        rows, revenue = conn.execute("select count(*), sum(revenue_usd) from raw.generations").fetchone()
    assert generations["dagster/row_count"].value == rows
    assert generations["revenue_usd"].value == pytest.approx(revenue, abs=0.01)
    assert 90 < generations["success_rate_pct"].value < 98


def test_a_failure_mid_landing_leaves_the_day_as_it_was(sandbox, monkeypatch):
    warehouse = sandbox / "w.duckdb"
    land(warehouse, "2025-12-01")
    land(warehouse, "2025-12-02")
    before = checksums(warehouse)
    real = raw_tables.generate_day

    def breaks_after_first_table(settings, day):
        frames = real(settings, day)
        frames["sessions"] = frames["sessions"].assign(session_start="not a timestamp")
        return frames

    monkeypatch.setattr(raw_tables, "generate_day", breaks_after_first_table)
    result = land(
        warehouse, "2025-12-02", run_config={"ops": {"raw_activity": {"config": {"seed": 7}}}}, raise_on_error=False
    )
    assert not result.success
    assert checksums(warehouse) == before


def test_bad_run_config_fails_the_run_with_the_setting_named(sandbox):
    result = land(
        sandbox / "w.duckdb",
        "2025-12-01",
        run_config={"ops": {"raw_activity": {"config": {"base_users": -3}}}},
        raise_on_error=False,
    )
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert "base_users=-3" in failure.description
    assert not (sandbox / "w.duckdb").exists()


def test_run_config_overrides_the_scale(sandbox):
    land(sandbox / "w.duckdb", "2025-12-01", run_config={"ops": {"raw_activity": {"config": {"base_users": 1000}}}})
    with duckdb.connect(str(sandbox / "w.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from raw.users").fetchone()[0] == 400


def test_a_range_landing_lets_go_of_each_days_rows_before_it_commits(sandbox):
    # A range run that kept every day's rows until COMMIT would grow with its length: when a
    # day is generated, the Python memory in use must be what it was for the day before.
    settings = SimulationSettings(base_users=50_000)
    days = [settings.start_date + dt.timedelta(days=i) for i in range(6)]
    in_use = []

    def frames_for(settings, day):
        in_use.append(tracemalloc.get_traced_memory()[0])
        return raw_tables.generate_day(settings, day)

    tracemalloc.start()
    try:
        with duckdb.connect(str(sandbox / "w.duckdb")) as conn:
            raw_tables.land_days(conn, settings, days, frames_for)
    finally:
        tracemalloc.stop()
    # in_use[1] is day 1's frames, still referenced while day 2 is generated.
    assert in_use[-1] - in_use[2] < in_use[1] / 2, in_use
