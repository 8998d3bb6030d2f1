"""The raw asset lands days as the raw zone's Parquet files: idempotent, order-independent,
the same bytes from one process or many, no warehouse opened, bad settings refused."""

import datetime as dt
import hashlib
import tracemalloc
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from dagster import DagsterInstance, materialize

from genai_pipeline.core.checksums import raw_zone_checksums
from genai_pipeline.core.paths import raw_zone_path
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.landing import raw_tables
from genai_pipeline.landing.raw_asset import raw_activity
from genai_pipeline.landing.raw_files import ARROW_SCHEMAS, day_file

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
DAY_1, DAY_2 = dt.date(2025, 12, 1), dt.date(2025, 12, 2)


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


def files(root: Path) -> dict[str, str]:
    """Every file under the raw zone (temp files included) -> its sha256."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def test_relanding_a_day_leaves_byte_identical_files(sandbox):
    warehouse = sandbox / "w.duckdb"
    land(warehouse, "2025-12-01")
    land(warehouse, "2025-12-02")
    before = files(raw_zone_path({}, warehouse))
    land(warehouse, "2025-12-02")
    assert files(raw_zone_path({}, warehouse)) == before
    assert len(before) == 8  # 4 tables x 2 days, no temp file left
    users = {day: pq.read_metadata(day_file(sandbox / "raw", "users", day)).num_rows for day in (DAY_1, DAY_2)}
    assert users == {DAY_1: 2000, DAY_2: 103}


def test_days_landed_in_any_order_give_identical_files(sandbox):
    (sandbox / "a").mkdir(), (sandbox / "b").mkdir()
    for day in ("2025-12-01", "2025-12-02", "2025-12-03"):
        land(sandbox / "a" / "w.duckdb", day)
    for day in ("2025-12-03", "2025-12-01", "2025-12-02"):
        land(sandbox / "b" / "w.duckdb", day)
    assert files(sandbox / "a" / "raw") == files(sandbox / "b" / "raw")


def test_a_range_in_one_run_on_two_processes_equals_one_run_per_day(sandbox, monkeypatch):
    (sandbox / "a").mkdir(), (sandbox / "b").mkdir()
    for day in ("2025-12-01", "2025-12-02", "2025-12-03"):
        land(sandbox / "a" / "w.duckdb", day)
    monkeypatch.setenv("GENAI_LANDING_WORKERS", "2")
    result = land(sandbox / "b" / "w.duckdb", tags={RANGE_START: "2025-12-01", RANGE_END: "2025-12-03"})
    assert files(sandbox / "a" / "raw") == files(sandbox / "b" / "raw")
    partitions = {
        e.partition for e in result.get_asset_materialization_events() if e.asset_key.path == ["raw", "users"]
    }
    assert partitions == {"2025-12-01", "2025-12-02", "2025-12-03"}


def test_a_range_landed_by_a_process_pool_has_the_same_bytes_and_stats_as_one_landed_serially(sandbox):
    settings = SimulationSettings(base_users=800)
    days = [settings.start_date + dt.timedelta(days=i) for i in range(5)]
    serial = raw_tables.land_days(sandbox / "serial", settings, days, workers=1)
    parallel = raw_tables.land_days(sandbox / "parallel", settings, days, workers=2)
    assert files(sandbox / "serial") == files(sandbox / "parallel")
    assert serial.to_dict("records") == parallel.to_dict("records")


def test_the_files_hold_the_contract_types_and_not_the_partition_day(sandbox):
    land(sandbox / "w.duckdb", "2025-12-01")
    for table, schema in ARROW_SCHEMAS.items():
        landed = pq.read_schema(day_file(sandbox / "raw", table, DAY_1))
        assert landed.remove_metadata() == schema
        assert "partition_date" not in landed.names
    assert pq.read_schema(day_file(sandbox / "raw", "users", DAY_1)).field("signup_at").type.unit == "us"


def test_an_empty_table_day_is_still_a_file_with_the_full_schema(sandbox):
    frames = raw_tables.generate_day(SimulationSettings(base_users=50), DAY_1)
    empty = {table: frame.iloc[0:0] for table, frame in frames.items()}
    raw_tables.land_days(sandbox / "raw", SimulationSettings(), [DAY_1], frames_for=lambda _s, _d: empty)
    landed = pq.read_table(day_file(sandbox / "raw", "generations", DAY_1))
    assert landed.num_rows == 0 and landed.schema.remove_metadata() == ARROW_SCHEMAS["generations"]


def test_the_raw_asset_takes_no_pool_and_never_opens_the_warehouse(sandbox):
    assert raw_activity.op.pool is None
    land(sandbox / "w.duckdb", "2025-12-01")
    assert not (sandbox / "w.duckdb").exists()
    assert raw_zone_checksums(sandbox / "raw")["raw.users"][0] == 2000


def test_a_materialization_records_row_counts_revenue_and_success_rate(sandbox):
    result = land(sandbox / "w.duckdb", "2025-12-01")
    metadata = {tuple(e.asset_key.path): e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert metadata[("raw", "users")]["dagster/row_count"].value == 2000
    generations = metadata[("raw", "generations")]
    landed = pq.read_table(day_file(sandbox / "raw", "generations", DAY_1))
    assert generations["dagster/row_count"].value == landed.num_rows
    assert generations["revenue_usd"].value == pytest.approx(sum(landed["revenue_usd"].to_pylist()), abs=0.01)
    assert 90 < generations["success_rate_pct"].value < 98


def test_a_value_the_files_cannot_hold_fails_the_day_before_any_of_its_files_is_replaced(sandbox, monkeypatch):
    warehouse = sandbox / "w.duckdb"
    land(warehouse, "2025-12-01")
    land(warehouse, "2025-12-02")
    before = files(sandbox / "raw")
    real = raw_tables.generate_day

    def breaks_the_second_table(settings, day):
        frames = real(settings, day)
        frames["sessions"] = frames["sessions"].assign(session_start="not a timestamp")
        return frames

    monkeypatch.setattr(raw_tables, "generate_day", breaks_the_second_table)
    result = land(
        warehouse, "2025-12-02", run_config={"ops": {"raw_activity": {"config": {"seed": 7}}}}, raise_on_error=False
    )
    assert not result.success
    assert files(sandbox / "raw") == before  # users of day 2 (seed 7) not written either


def test_bad_run_config_fails_the_run_with_the_setting_named_and_lands_nothing(sandbox):
    result = land(
        sandbox / "w.duckdb",
        "2025-12-01",
        run_config={"ops": {"raw_activity": {"config": {"base_users": -3}}}},
        raise_on_error=False,
    )
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert "base_users=-3" in failure.description
    assert not (sandbox / "raw").exists()


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("GENAI_RAW_PATH", "{tmp}/a-file", "GENAI_RAW_PATH={tmp}/a-file is a file"),
        ("GENAI_RAW_PATH", "{tmp}/missing/raw", "folder {tmp}/missing does not exist"),
        ("GENAI_LANDING_WORKERS", "0", "invalid setting GENAI_LANDING_WORKERS='0'"),
    ],
)
def test_a_bad_raw_zone_setting_fails_the_run_in_one_line_and_lands_nothing(sandbox, monkeypatch, name, value, message):
    (sandbox / "a-file").write_text("not a folder")
    monkeypatch.setenv(name, value.format(tmp=sandbox))
    result = land(sandbox / "w.duckdb", "2025-12-01", raise_on_error=False)
    assert not result.success
    description = result.get_step_failure_events()[0].step_failure_data.user_failure_data.description
    assert message.format(tmp=sandbox) in description and len(description.splitlines()) == 1
    assert sorted(p.name for p in sandbox.iterdir()) == ["a-file"]


def test_run_config_overrides_the_scale(sandbox):
    land(sandbox / "w.duckdb", "2025-12-01", run_config={"ops": {"raw_activity": {"config": {"base_users": 1000}}}})
    assert pq.read_metadata(day_file(sandbox / "raw", "users", DAY_1)).num_rows == 400


def test_a_range_landing_lets_go_of_each_days_rows_before_it_builds_the_next(sandbox):
    # A range that kept every day's rows until the end would grow with its length: when a
    # day is generated, the Python memory in use must be what it was for the day before.
    settings = SimulationSettings(base_users=50_000)
    days = [settings.start_date + dt.timedelta(days=i) for i in range(6)]
    in_use = []

    def frames_for(settings, day):
        in_use.append(tracemalloc.get_traced_memory()[0])
        return raw_tables.generate_day(settings, day)

    tracemalloc.start()
    try:
        raw_tables.land_days(sandbox / "raw", settings, days, frames_for=frames_for)
    finally:
        tracemalloc.stop()
    # in_use[1] is day 1's frames, still referenced while day 2 is generated.
    assert in_use[-1] - in_use[2] < in_use[1] / 2, in_use
