"""A long range built in chunks: the same tables as one build, each check reported once, and a
fault on a later chunk's day fails its check in the range run. A window of more than a week
stages its incremental rows in real tables (macros/staging_relation.sql), a shorter one in
dbt-duckdb's temp tables: both give the same rows."""

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance
from dbt.cli.main import dbtRunner
from faults import duplicate_row

import genai_pipeline.landing.raw_tables as raw_tables
import genai_pipeline.transform.range_chunks as range_chunks
import genai_pipeline.transform.runner as runner
from genai_pipeline.core.checksums import table_checksums
from genai_pipeline.core.partitions import range_tags
from genai_pipeline.core.warehouse import WarehouseLockedError, WarehouseResource
from genai_pipeline.definitions import defs
from genai_pipeline.transform.range_chunks import ChunkResults, chunk_windows, generations_per_day

FIRST = dt.date(2025, 12, 1)
DAYS = 9  # one build of 9 days stages on disk; chunks of 2 days stage in memory
FAULTY_DAY = FIRST + dt.timedelta(days=4)  # in the range's second chunk of two days


def result(unique_id: str, status: str) -> dict:
    return {"data": {"status": status, "node_info": {"unique_id": unique_id}}}


def test_a_window_is_cut_into_consecutive_chunks_of_at_most_the_chunk_length(monkeypatch):
    window = {"min_date": "2025-12-01", "max_date": "2025-12-06"}
    assert chunk_windows(window) == [window]
    monkeypatch.setattr(range_chunks, "CHUNK_DAYS", 2)
    assert chunk_windows(window) == [
        {"min_date": "2025-12-01", "max_date": "2025-12-03"},
        {"min_date": "2025-12-03", "max_date": "2025-12-05"},
        {"min_date": "2025-12-05", "max_date": "2025-12-06"},
    ]
    assert chunk_windows({}) == [{}]


def test_a_chunk_holds_at_most_the_row_budget_and_a_larger_day_is_a_chunk_of_its_own():
    window = {"min_date": "2025-12-01", "max_date": "2025-12-06"}
    rows = {dt.date(2025, 12, 1): 4, dt.date(2025, 12, 2): 6, dt.date(2025, 12, 3): 25, dt.date(2025, 12, 4): 1}
    assert chunk_windows(window, rows, max_rows=10) == [
        {"min_date": "2025-12-01", "max_date": "2025-12-03"},
        {"min_date": "2025-12-03", "max_date": "2025-12-04"},
        {"min_date": "2025-12-04", "max_date": "2025-12-06"},
    ]


def test_a_node_fails_if_any_chunk_failed_it_and_is_left_out_if_some_chunk_skipped_it():
    chunks = [
        {"m": result("m", "success"), "t": result("t", "pass"), "u": result("u", "pass"), "w": result("w", "pass")},
        {"m": result("m", "success"), "t": result("t", "fail"), "w": result("w", "warn")},
        {"m": result("m", "success"), "t": result("t", "pass"), "u": result("u", "pass"), "w": result("w", "pass")},
    ]
    results = ChunkResults()
    for number, chunk in enumerate(chunks):
        results.add(chunk, {uid: f"rows of chunk {number}" for uid in chunk})
    merged = {e["data"]["node_info"]["unique_id"]: (e["data"]["status"], rows) for e, rows in results.merged(3)}
    assert merged == {
        "m": ("success", "rows of chunk 2"),
        "t": ("fail", "rows of chunk 1"),
        "w": ("warn", "rows of chunk 1"),
    }
    assert results.merged(3)[0][0] is chunks[-1]["m"]
    # a fourth chunk the range never reached: nothing was built or passed in every chunk
    assert [e["data"]["status"] for e, _ in results.merged(4)] == ["fail"]


def run_range(warehouse: Path, monkeypatch, chunk_days: int) -> tuple[object, int]:
    """FIRST alone (the tables' first build), then the DAYS after it as one daily_job run in
    chunks of `chunk_days` (incremental builds); (the range run's result, its dbt builds)."""
    monkeypatch.setattr(range_chunks, "CHUNK_DAYS", chunk_days)
    job = defs.resolve_job_def("daily_job")
    resources = {"warehouse": WarehouseResource(database=str(warehouse))}
    instance = DagsterInstance.ephemeral()
    assert job.execute_in_process(partition_key=FIRST.isoformat(), instance=instance, resources=resources).success
    builds = []
    invoke = dbtRunner.invoke

    def counted(self, args, **kwargs):
        builds.append(args[0])
        return invoke(self, args, **kwargs)

    monkeypatch.setattr(dbtRunner, "invoke", counted)
    run = job.execute_in_process(
        instance=instance,
        resources=resources,
        tags=range_tags(FIRST + dt.timedelta(days=1), FIRST + dt.timedelta(days=DAYS)),
        raise_on_error=False,
    )
    monkeypatch.setattr(dbtRunner, "invoke", invoke)
    return run, builds.count("build")


@pytest.fixture
def small_scale(monkeypatch):
    monkeypatch.setenv("GENAI_BASE_USERS", "300")
    # the landing in this process, so a test's fault in generate_day reaches it
    monkeypatch.setenv("GENAI_LANDING_WORKERS", "1")


@pytest.mark.slow
def test_a_range_built_in_chunks_gives_the_tables_of_one_build_and_reports_each_check_once(
    tmp_path, monkeypatch, small_scale
):
    chunked, builds = run_range(tmp_path / "chunked" / "warehouse.duckdb", monkeypatch, chunk_days=2)
    whole, whole_builds = run_range(tmp_path / "whole" / "warehouse.duckdb", monkeypatch, chunk_days=31)
    assert chunked.success and whole.success
    assert (builds, whole_builds) == (5, 1)
    keys = [e.asset_check_key for e in chunked.get_asset_check_evaluations()]
    assert len(keys) == len(set(keys)) == len(whole.get_asset_check_evaluations())
    assert all(e.passed for e in chunked.get_asset_check_evaluations())
    sums = []
    for name in ("chunked", "whole"):
        with duckdb.connect(str(tmp_path / name / "warehouse.duckdb"), read_only=True) as conn:
            sums.append(table_checksums(conn, ("marts", "metrics", "backfill_metrics")))
    assert sums[0] == sums[1] and sums[0]["marts.fct_generations"][0] > 0
    with duckdb.connect(str(tmp_path / "whole" / "warehouse.duckdb"), read_only=True) as conn:
        staged = conn.execute(
            "select count(*) from information_schema.schemata where schema_name = 'dbt_staging_rows'"
        ).fetchone()[0]
        left = conn.execute("select count(*) from information_schema.tables where table_schema = 'dbt_staging_rows'")
        assert (staged, left.fetchone()[0]) == (1, 0)


@pytest.mark.slow
def test_a_fault_on_a_later_chunks_day_fails_its_check_and_leaves_its_models_unreported(
    tmp_path, monkeypatch, small_scale
):
    real = raw_tables.generate_day

    def faulty_day(settings, day):
        frames = real(settings, day)
        return duplicate_row("generations", nth=-1)(frames) if day == FAULTY_DAY else frames

    monkeypatch.setattr(raw_tables, "generate_day", faulty_day)
    run, builds = run_range(tmp_path / "warehouse.duckdb", monkeypatch, chunk_days=2)
    assert not run.success and builds == 5
    failed = {e.asset_check_key.name for e in run.get_asset_check_evaluations() if not e.passed}
    assert failed == {"primary_key_stg_generations_generation_id"}
    # dbt skipped fct_generations behind the failed test in the second chunk: not all its days are built
    materialized = {e.asset_key for e in run.get_asset_materialization_events()}
    assert AssetKey(["stg_generations"]) in materialized
    assert AssetKey(["fct_generations"]) not in materialized


def test_the_rows_of_each_day_are_counted_from_the_raw_zones_files(tmp_path):
    rows = [(dt.date(2025, 12, 1), 3), (dt.date(2025, 12, 2), 5), (dt.date(2025, 12, 3), 7)]
    for day, count in rows:
        folder = tmp_path / "generations" / f"partition_date={day.isoformat()}"
        folder.mkdir(parents=True)
        duckdb.sql(f"copy (select range as generation_id from range({count})) to '{folder / 'part-0.parquet'}'")
    window = {"min_date": "2025-12-02", "max_date": "2025-12-04"}
    assert generations_per_day(tmp_path, window) == {dt.date(2025, 12, 2): 5, dt.date(2025, 12, 3): 7}
    assert generations_per_day(tmp_path / "nothing landed", window) == {}
    assert generations_per_day(tmp_path, {}) == {}


@pytest.mark.slow
def test_a_range_from_nothing_built_in_chunks_gives_the_tables_of_one_build(tmp_path, monkeypatch, small_scale):
    # the first chunk's first build leaves out only the days the later chunks build
    # (GENAI_WINDOW_RANGE_MAX_DATE, macros/partition_window.sql): no day is lost or doubled
    sums = []
    for name, chunk_days in (("chunked", 2), ("whole", 31)):
        monkeypatch.setattr(range_chunks, "CHUNK_DAYS", chunk_days)
        warehouse = tmp_path / name / "warehouse.duckdb"
        run = defs.resolve_job_def("daily_job").execute_in_process(
            instance=DagsterInstance.ephemeral(),
            resources={"warehouse": WarehouseResource(database=str(warehouse))},
            tags=range_tags(FIRST, FIRST + dt.timedelta(days=4)),
        )
        assert run.success
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            sums.append(table_checksums(conn, ("marts", "metrics")))
    assert sums[0] == sums[1]


@pytest.mark.slow
def test_a_range_stopped_after_its_first_chunk_reports_no_model_built(tmp_path, monkeypatch, small_scale):
    # the warehouse taken by another process before the second chunk: the run fails naming the
    # lock, and no model is reported as built for the range's days it did not reach
    waits = []
    real = runner.connect_with_lock_retry

    def locked_from_the_second_wait(path, timeout_seconds, read_only=False):
        waits.append(path)
        if len(waits) > 1:
            raise WarehouseLockedError(description=f"{path} is locked by another process (test)")
        return real(path, timeout_seconds, read_only)

    monkeypatch.setattr(runner, "connect_with_lock_retry", locked_from_the_second_wait)
    run, builds = run_range(tmp_path / "warehouse.duckdb", monkeypatch, chunk_days=2)
    assert not run.success and builds == 1
    built = {e.asset_key for e in run.get_asset_materialization_events()}
    assert not built & {AssetKey([name]) for name in ("stg_generations", "fct_generations", "dim_users")}
    failure = next(e for e in run.all_events if e.event_type_value == "STEP_FAILURE")
    assert "locked by another process" in str(failure.event_specific_data.error)
