"""dbt as Dagster assets, end to end: real runs into temp warehouses, real check results."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, AssetSelection, DagsterInstance, define_asset_job
from pipeline_support import copy_warehouse, run_day
from raw_edits import day_rows

from genai_pipeline.core.checksums import table_checksums
from genai_pipeline.core.paths import raw_zone_path
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.definitions import defs

pytestmark = pytest.mark.slow
DAYS = ("2025-12-01", "2025-12-02", "2025-12-03")
BUILT = ("marts", "metrics")


def checksums(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return table_checksums(conn, BUILT)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Three days, one run each, in order: the warehouse most tests read."""
    warehouse = tmp_path_factory.mktemp("built") / "warehouse.duckdb"
    results = [run_day(warehouse, day) for day in DAYS]
    return warehouse, results


def test_three_days_pass_every_check(built):
    _, results = built
    expected = len(defs.resolve_job_def("daily_job").asset_layer.asset_graph.asset_check_keys)
    for result in results:
        assert result.success
        evaluations = result.get_asset_check_evaluations()
        assert len(evaluations) == expected
        assert [e.asset_check_key for e in evaluations if not e.passed] == []


def test_daily_metrics_has_one_row_per_day_with_real_figures(built):
    warehouse, _ = built
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute(
            "select metric_date, new_users, generations, revenue_usd, success_rate_pct from metrics.daily_metrics order by 1"
        ).fetchall()
    raw_gens = len(day_rows(raw_zone_path({}, warehouse), "generations", dt.date(2025, 12, 2)))
    assert [str(r[0]) for r in rows] == list(DAYS)
    assert rows[0][1] == 2000 and rows[1][1] == 103
    assert rows[1][2] == raw_gens
    assert all(90 < r[4] < 98 and r[3] > 0 for r in rows)


def test_rematerializing_a_day_leaves_marts_and_metrics_identical(built, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    copy_warehouse(built[0], warehouse)
    before = checksums(warehouse)
    assert run_day(warehouse, "2025-12-02").success
    assert checksums(warehouse) == before


def test_days_built_in_another_order_give_identical_marts(built, tmp_path):
    # Raw lands first (day 3's sessions belong to users who signed up on days 1-2: built
    # alone, day 3 would rightly fail its relationship checks), then dbt runs 3, 1, 2.
    warehouse = tmp_path / "warehouse.duckdb"
    for day in ("2025-12-03", "2025-12-01", "2025-12-02"):
        assert run_day(warehouse, day, job_name="raw_only_job").success
    for day in ("2025-12-03", "2025-12-01", "2025-12-02"):
        assert run_day(warehouse, day).success
    assert checksums(warehouse) == checksums(built[0])


# Every check failing in a partitioned daily run, one fault at a time: test_fault_matrix.py.


def test_a_checks_only_run_judges_all_history(built, tmp_path):
    """ "Execute checks" in the UI has no partition: the window-scoped tests read every day,
    so a bad row on any day fails them (a daily run would only see its own day)."""
    warehouse = tmp_path / "warehouse.duckdb"
    copy_warehouse(built[0], warehouse)
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute(
            "update marts.fct_sessions set session_end = session_end + interval 1 day where session_id = "
            "(select min(session_id) from marts.fct_sessions where session_date = '2025-12-01')"
        )
    job = define_asset_job("checks", selection=AssetSelection.checks_for_assets(AssetKey("fct_sessions"))).resolve(
        asset_graph=defs.resolve_asset_graph()
    )
    result = job.execute_in_process(
        instance=DagsterInstance.ephemeral(),
        resources={"dbt": defs.resources["dbt"], "warehouse": WarehouseResource(database=str(warehouse))},
        raise_on_error=False,
    )
    failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
    assert failed == {"assert_session_dates_valid"}
    # an error-severity test fails the step, and the failure names it
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    assert "assert_session_dates_valid" in failure.step_failure_data.error.message


def test_a_finished_run_leaves_the_warehouse_free_for_another_process(built):
    # dbt-duckdb keeps its database open between in-process invocations unless released:
    # that would hold DuckDB's single-writer lock against every other process.
    warehouse, _ = built
    opener = "import duckdb, sys; duckdb.connect(sys.argv[1]).close()"
    done = subprocess.run([sys.executable, "-c", opener, str(warehouse)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
