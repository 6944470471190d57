"""A real headless browser for the console: Debian's Chromium driven by Selenium through its chromedriver.

``devhost/setup.sh --test`` installs both from the system's packages (browsers
that test tools download themselves cannot be fetched here). Screenshots of
every page go to ``.cache/screenshots/`` (git-ignored), to be looked at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from core.settings import PROJECT_ROOT

SCREENSHOTS = PROJECT_ROOT / ".cache" / "screenshots"
DESKTOP = (1280, 900)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture()
def browser() -> Iterator[webdriver.Chrome]:
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.fail("Chromium and chromedriver are needed: run `bash devhost/setup.sh --test`")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={DESKTOP[0]},{DESKTOP[1]}")
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    chrome.set_page_load_timeout(60)
    yield chrome
    chrome.quit()
