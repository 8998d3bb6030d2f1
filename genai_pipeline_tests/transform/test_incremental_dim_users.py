"""dim_users is incremental by user (a run adds the window's days to the stored rows of its
active users and sums again the rows its days met), proven equal to a full rebuild: after a day
is landed again with other rows (a user who loses an active day, a new user who loses every
session), after days run out of order, on the next day, and on a table built before it kept
its sums; and left as it was when the model fails after its pre-hook."""

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance
from pipeline_support import copy_warehouse, dbt_cli, scratch_project

import genai_pipeline.landing.raw_tables as raw_tables
from genai_pipeline.core.partitions import range_tags
from genai_pipeline.core.paths import DBT_PROJECT_DIR, raw_zone_path
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.definitions import defs

pytestmark = pytest.mark.slow
DAYS = [dt.date(2025, 12, 1) + dt.timedelta(days=i) for i in range(3)]
USERS = "300"


def run(warehouse: Path, first: dt.date, last: dt.date | None = None) -> set[str]:
    """The failed checks of one daily_job run of the day or range."""
    result = defs.resolve_job_def("daily_job").execute_in_process(
        instance=DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(database=str(warehouse))},
        **({"tags": range_tags(first, last)} if last else {"partition_key": first.isoformat()}),
        raise_on_error=False,
    )
    return {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}


def dim_users(warehouse: Path) -> list[tuple]:
    """Every row, in user order (a list: a duplicated user would show)."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.sql("select * from marts.dim_users order by all").fetchall()


def dbt_run_dim_users(warehouse: Path, folder: Path, *args: str, project: Path = DBT_PROJECT_DIR, **window: str):
    env = {"GENAI_DUCKDB_PATH": str(warehouse), "GENAI_RAW_PATH": str(raw_zone_path({}, warehouse))}
    env |= {f"GENAI_WINDOW_{bound.upper()}": day for bound, day in window.items()}
    return dbt_cli("run", "--select", "dim_users", *args, target=folder / "target", env=env, project=project)


def full_rebuild(warehouse: Path, folder: Path) -> list[tuple]:
    """dim_users as a first build would make it: `dbt run --full-refresh` on a copy."""
    (folder / "rebuilt").mkdir()
    copy = copy_warehouse(warehouse, folder / "rebuilt" / "warehouse.duckdb")
    dbt_run_dim_users(copy, folder, "--full-refresh").check_returncode()
    return dim_users(copy)


@pytest.fixture(scope="module")
def three_days(tmp_path_factory):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GENAI_BASE_USERS", USERS)
        warehouse = tmp_path_factory.mktemp("dim_users") / "warehouse.duckdb"
        assert run(warehouse, DAYS[0], DAYS[-1]) == set()
        yield warehouse


def test_a_day_landed_again_with_less_activity_leaves_dim_users_equal_to_a_full_rebuild(three_days, tmp_path):
    warehouse = copy_warehouse(three_days, tmp_path / "warehouse.duckdb")
    before = {row[0]: row for row in dim_users(warehouse)}
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        # a day-1 signup active on days 1 and 2, and a day-2 signup (active on its first day)
        [(regular,)] = conn.sql(
            "select user_id from marts.fct_user_days group by user_id "
            f"having min(activity_date) = date '{DAYS[0]}' and bool_or(activity_date = date '{DAYS[1]}') "
            "order by user_id limit 1"
        ).fetchall()
        [(newcomer,)] = conn.sql(
            "select min(user_id) from marts.dim_users "
            f"where signup_date = date '{DAYS[1]}' and first_active_date = signup_date"
        ).fetchall()
    real = raw_tables.generate_day

    def with_less_activity(settings, day):
        # the regular user loses days 1 and 2, the newcomer day 2
        frames = real(settings, day)
        gone = {DAYS[0]: [regular], DAYS[1]: [regular, newcomer]}.get(day, [])
        activity = ("sessions", "prompts", "generations")
        return frames | {name: frames[name][~frames[name]["user_id"].isin(gone)] for name in activity}

    with pytest.MonkeyPatch.context() as env:
        env.setenv("GENAI_BASE_USERS", USERS)
        env.setattr(raw_tables, "generate_day", with_less_activity)
        # day 2 first, then day 1: out of order, each landed again with other rows
        failed = run(warehouse, DAYS[1])
        failed |= run(warehouse, DAYS[0])
    after = {row[0]: row for row in dim_users(warehouse)}
    assert failed == set()
    assert after[regular] != before[regular] and after[newcomer] != before[newcomer]
    assert sorted(after.values()) == full_rebuild(warehouse, tmp_path)


def test_the_next_day_on_a_built_history_matches_a_full_rebuild(three_days, tmp_path):
    warehouse = copy_warehouse(three_days, tmp_path / "warehouse.duckdb")
    day_four = DAYS[-1] + dt.timedelta(days=1)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GENAI_BASE_USERS", USERS)
        assert run(warehouse, day_four) == set()
    assert dim_users(warehouse) == full_rebuild(warehouse, tmp_path)


def test_a_build_that_fails_after_the_pre_hook_leaves_dim_users_as_it_was(three_days, tmp_path):
    # the pre-hook's delete and the model's insert are one transaction: a model failing after
    # the delete (here at run time, in its final select) must not leave the users deleted
    warehouse = copy_warehouse(three_days, tmp_path / "warehouse.duckdb")
    before = dim_users(warehouse)
    project = scratch_project(
        tmp_path,
        [
            (
                "models/marts/dim_users.sql",
                "\nselect * from final",
                "\nselect * from final where error('injected') is null",
            )
        ],
    )
    window = {"min_date": DAYS[1].isoformat(), "max_date": DAYS[2].isoformat()}
    failed = dbt_run_dim_users(warehouse, tmp_path, project=project, **window)
    assert failed.returncode != 0 and "injected" in failed.stdout, failed.stdout[-2000:]
    assert dim_users(warehouse) == before


def test_a_day_built_before_the_day_after_it_adds_to_rows_made_of_later_days(tmp_path):
    # days 3, 1 then 2: a day-1 signup first active on day 3 has a stored row of day 3 alone
    # when day 2 runs, and day 2's activity is added to it
    warehouse = tmp_path / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GENAI_BASE_USERS", USERS)
        for day in (DAYS[2], DAYS[0]):
            run(warehouse, day)  # day 3 first fails its orphan checks: its users land later
        assert run(warehouse, DAYS[1]) == set()
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        [(added_to,)] = conn.sql(
            "select count(*) from (select user_id from marts.fct_user_days "
            "join marts.dim_users using (user_id) "
            f"where signup_date = date '{DAYS[0]}' group by user_id "
            f"having min(activity_date) = date '{DAYS[1]}' and max(activity_date) = date '{DAYS[2]}')"
        ).fetchall()
    assert added_to > 0
    assert dim_users(warehouse) == full_rebuild(warehouse, tmp_path)


def test_a_dim_users_built_before_it_kept_its_sums_gets_them_on_the_next_day(three_days, tmp_path):
    warehouse = copy_warehouse(three_days, tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(warehouse)) as conn:
        for column in ("sessions_with_generations", "friction_score_sum_with_generations"):
            conn.execute(f"alter table marts.dim_users drop column {column}")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GENAI_BASE_USERS", USERS)
        assert run(warehouse, DAYS[-1] + dt.timedelta(days=1)) == set()
    assert dim_users(warehouse) == full_rebuild(warehouse, tmp_path)
