"""Headless Chromium for the browser tests: Debian's ``chromium`` driven through its
``chromedriver`` by Selenium; nothing is downloaded. Without them a test is skipped, unless the
environment variable CI is set: in CI a missing browser is a failure (``scripts/test`` installs
it)."""
from __future__ import annotations

import os
import shutil
import tempfile

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync")


def _browser_missing() -> str | None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the Python package selenium")
    return ", ".join(missing) or None


def _require_browser() -> None:
    missing = _browser_missing()
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI needs the browser test, but this machine lacks {missing} "
                    "(scripts/test installs them)")
    pytest.skip(f"no headless browser here ({missing} missing); run scripts/test to install "
                "Debian's chromium and chromium-driver")


def chromium(window: tuple[int, int] | None = None):
    """A new headless Chromium with a throwaway profile: (driver, profile folder)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="fakesapcc-chromium-")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    if window is not None:
        options.add_argument(f"--window-size={window[0]},{window[1]}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    driver.set_page_load_timeout(30)
    return driver, profile


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    driver, profile = chromium()
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
