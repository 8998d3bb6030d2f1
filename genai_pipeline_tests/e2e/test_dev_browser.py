"""The UI in a real browser: lineage, partitions, checks and metric plots render with no
JavaScript errors; screenshots go to test-output/e2e/."""

import pytest
import ui_graphql
from e2e_env import BACKFILL_METRIC, OUTPUT
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from ui_browser import element_with_text, open_page, screenshot, severe_console_errors, start_chromium, wait_for_texts

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser(ui, metric_backfill):
    # The UI covers every page with a "Join the Dagster community" dialog until someone
    # dismisses it; its Skip button records that on the server with this mutation.
    assert ui_graphql.execute(ui, "mutation { setNuxSeen }")["setNuxSeen"] is True
    driver = start_chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser):
    """The browser; the test fails if the page logged a SEVERE console error."""
    severe_console_errors(browser)
    yield browser
    assert severe_console_errors(browser) == []


def test_the_lineage_shows_every_layer_from_raw_data_to_the_metrics(page, server):
    open_page(page, f"{server.url}/asset-groups", "Global asset lineage", "backfill_metrics", "staging")
    # Groups start collapsed; the graph's own shortcut (Alt+E) expands them all, and the
    # top-down layout (the graph menu's direction toggle, kept in localStorage) fits the page.
    page.execute_script("window.localStorage.setItem('asset-graph-direction', JSON.stringify('vertical'))")
    ActionChains(page).key_down(Keys.ALT).send_keys("e").key_up(Keys.ALT).perform()
    page.refresh()
    wait_for_texts(page, "fct_generations", "daily_metrics", "stg_users", "prompt_toxicity", "generations")
    screenshot(page, OUTPUT, "lineage")


def test_the_partitions_view_shows_the_seven_materialized_days(page, server):
    open_page(page, f"{server.url}/assets/daily_metrics?view=partitions", "Materialized (7)", "Failed (0)")
    screenshot(page, OUTPUT, "daily_metrics_partitions")


def test_the_checks_tab_lists_every_check_of_the_asset_as_succeeded(page, server, ui):
    checks = next(
        node["assetChecksOrError"]["checks"]
        for node in ui_graphql.repository(ui)["assetNodes"]
        if node["assetKey"]["path"] == ["fct_generations"]
    )
    open_page(page, f"{server.url}/assets/fct_generations?view=checks", f"Checks ({len(checks)})", "Succeeded")
    statuses = page.find_element(By.TAG_NAME, "body").text
    assert statuses.count("Succeeded") >= len(checks) and "Failed" not in statuses
    screenshot(page, OUTPUT, "fct_generations_checks")


@pytest.mark.parametrize(
    "asset, series", [("daily_metrics", "revenue_usd"), (BACKFILL_METRIC, "mean_engagement_score")]
)
def test_the_plots_chart_a_metric_per_partition(page, server, asset, series):
    open_page(page, f"{server.url}/assets/{asset}?view=overview", "Metadata", "Plots")
    element_with_text(page, "Plots").click()
    wait_for_texts(page, series, "Partition")
    WebDriverWait(page, 60).until(lambda d: d.find_elements(By.TAG_NAME, "canvas"), message="no chart was drawn")
    page.execute_script("arguments[0].scrollIntoView({block: 'start'})", element_with_text(page, "Metadata"))
    screenshot(page, OUTPUT, f"{asset}_plots")
