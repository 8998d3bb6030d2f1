"""One `genai-pipeline dev` for the whole e2e session, and the history the tests read."""

import shutil

import dagster_dev_server
import pytest
import ui_graphql
from e2e_env import BACKFILL_METRIC, MODEL_GROUPS, OUTPUT, SERVER_ENV, day
from ui_graphql import Endpoint


def pytest_collection_modifyitems(items):
    # The alert tests corrupt the warehouse on purpose: everything else must see it clean.
    items.sort(key=lambda item: item.get_closest_marker("corrupts_warehouse") is not None)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`genai-pipeline dev` on a free loopback port; always stopped, and then nothing of it may
    survive: no process started with its DAGSTER_HOME, no lock held on its warehouse."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    dev = dagster_dev_server.start(tmp_path_factory.mktemp("dagster-dev"), SERVER_ENV)
    try:
        dagster_dev_server.wait_until_ready(dev)
        yield dev
    finally:
        escaped = dagster_dev_server.stop(dev)
        shutil.copy(dev.log, OUTPUT / "dagster_dev.log")
        assert escaped == [], f"processes of dagster dev outlived its process group: {escaped}"
        assert dagster_dev_server.open_for_write(dev.warehouse) is None, "the warehouse is still locked"


@pytest.fixture(scope="session")
def ui(server) -> Endpoint:
    return Endpoint(dagster_dev_server.HOST, server.port)


@pytest.fixture(scope="session")
def first_day_run(ui) -> str:
    """daily_job for day 1, launched with DagsterGraphQLClient like the UI's launchpad."""
    return ui_graphql.run_job(ui, "daily_job", day(1))


@pytest.fixture(scope="session")
def history(ui, first_day_run) -> dict:
    """Days 2-7 of raw data and dbt models, in one asset backfill (single-run policy)."""
    keys = [
        node["assetKey"]["path"]
        for node in ui_graphql.repository(ui)["assetNodes"]
        if node["groupName"] in MODEL_GROUPS
    ]
    _, state = ui_graphql.backfill(ui, keys, [day(n) for n in range(2, 8)], "e2e: days 2-7")
    assert state["status"] == "COMPLETED_SUCCESS", state
    return state


@pytest.fixture(scope="session")
def metric_backfill(ui, history) -> tuple[str, dict]:
    """The backfill metric over days 1-7, launched as the UI's partition backfill."""
    return ui_graphql.backfill(ui, [[BACKFILL_METRIC]], [day(n) for n in range(1, 8)], f"e2e: {BACKFILL_METRIC}")
