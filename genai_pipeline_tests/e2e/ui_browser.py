"""Headless Chromium (the Debian `chromium` + `chromium-driver` packages) through Selenium."""

from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PAGE_TIMEOUT_S = 90


def start_chromium() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1600,1000",
        "--hide-scrollbars",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def open_page(driver: webdriver.Chrome, url: str, *texts: str) -> None:
    """Loads the page and waits until the UI has rendered every one of ``texts``."""
    driver.get(url)
    wait_for_texts(driver, *texts)


def wait_for_texts(driver: webdriver.Chrome, *texts: str) -> None:
    def rendered(d) -> bool:
        body = d.find_element(By.TAG_NAME, "body").text
        return all(text in body for text in texts)

    WebDriverWait(driver, PAGE_TIMEOUT_S, poll_frequency=0.5).until(
        rendered, message=f"{driver.current_url} never showed {texts}"
    )


def element_with_text(driver: webdriver.Chrome, text: str) -> WebElement:
    """The innermost element whose whole text is ``text`` (a tab, a button, a heading)."""
    matches = driver.find_elements(By.XPATH, f"//*[normalize-space()='{text}' and not(*[normalize-space()='{text}'])]")
    if not matches:
        raise AssertionError(f"no element reads {text!r} on {driver.current_url}")
    return matches[-1]


def severe_console_errors(driver: webdriver.Chrome) -> list[str]:
    """The console's SEVERE entries since the last call (reading the log empties it)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(driver: webdriver.Chrome, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    assert driver.save_screenshot(str(path)), f"could not save {path}"
    return path
