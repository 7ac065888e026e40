"""The dashboard (``/_fakesapcc/ui``) in headless Chromium (``conftest.py``): a call the test
makes shows in the live journal with its acting user, without a reload, and an agent acting as
itself is highlighted; the filter narrows the journal; the reset button resets; an uploaded
ImpEx file loads and its report shows line by line; the page is labelled, keyboard-reachable
and readable. The README's picture is taken here (``FAKESAPCC_SCREENSHOTS`` names its folder).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import requests

from fakesapcc.testing import FakeSAPCC

from test_login_browser import contrast, wait_for

SITE = "electronics-spa"
CUSTOMER = "mark.rivers@pronto-hw.com"


@pytest.fixture(scope="module")
def sap():
    with FakeSAPCC() as server:
        yield server


@pytest.fixture
def page(browser, sap):
    sap.reset()
    browser.set_window_size(1440, 1000)
    browser.get(f"{sap.base_url}/_fakesapcc/ui")
    assert browser.title.startswith("Overview")
    browser.execute_script("window.notReloaded = true")
    yield browser
    sap.raise_server_errors()


def journal_rows(browser):
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, "#journal-rows tr[data-id]")


def still_the_same_page(browser) -> bool:
    return browser.execute_script("return window.notReloaded === true")


def test_a_call_appears_in_the_live_journal_with_its_acting_user(page, sap):
    customer = sap.customer_token(CUSTOMER)
    agent = sap.agent_token("asagent")
    auth = {"Authorization": f"Bearer {customer}"}
    assert requests.get(f"{sap.occ_url}/{SITE}/users/current", headers=auth,
                        timeout=10).status_code == 200
    # the classic ASM mistake: the agent calls users/current and so acts as itself
    requests.get(f"{sap.occ_url}/{SITE}/users/current/carts",
                 headers={"Authorization": f"Bearer {agent}"}, timeout=10)

    rows = wait_for(page, lambda b: len(journal_rows(b)) >= 2 and journal_rows(b))
    assert still_the_same_page(page)  # refreshed in place
    texts = [r.text for r in rows]
    mine = next(t for t in texts if "/users/current" in t and CUSTOMER in t)
    assert "GET" in mine and "200" in mine and "getUser" in mine
    warned = [r for r in rows if "warning" in (r.get_attribute("class") or "")]
    assert len(warned) == 1 and "agent acting as itself" in warned[0].text
    assert "asagent" in warned[0].text
    background = page.execute_script(
        "return getComputedStyle(arguments[0].querySelector('td')).backgroundColor", warned[0])
    assert background != "rgba(0, 0, 0, 0)"  # highlighted

    page.find_element("id", "filter-user").send_keys("asagent")
    wait_for(page, lambda b: all("asagent" in r.text for r in journal_rows(b))
             and len(journal_rows(b)) == 1)
    assert still_the_same_page(page)
    _screenshot(page, sap)


def test_the_reset_button_resets_the_server(page, sap):
    token = sap.customer_token(CUSTOMER)
    cart = requests.post(f"{sap.occ_url}/{SITE}/users/current/carts", timeout=10,
                         headers={"Authorization": f"Bearer {token}"}).json()["code"]
    assert cart in sap.runtime.db.state.carts
    page.find_element("id", "reset").click()
    status = wait_for(page, lambda b: b.find_elements("css selector", "[role=status]"))[0]
    assert "back at start-up" in status.text
    assert cart not in sap.runtime.db.state.carts
    assert requests.get(f"{sap.occ_url}/{SITE}/users/current", timeout=10,
                        headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_an_uploaded_impex_file_loads_and_shows_its_report(page, sap):
    impex = ("INSERT_UPDATE Customer;uid[unique=true];name;password;groups(uid)\n"
             ";dash.board@example.com;Dash Board;Secret123!;customergroup\n"
             "INSERT_UPDATE NoSuchType;code[unique=true]\n;x\n")
    with tempfile.NamedTemporaryFile("w", suffix=".impex", delete=False) as f:
        f.write(impex)
    try:
        page.find_element("id", "impex-file").send_keys(f.name)
        page.find_element("id", "impex-load").click()
        status = wait_for(page, lambda b: b.find_elements("id", "impex-status"))[0]
    finally:
        os.unlink(f.name)
    assert status.text == "Loaded."
    report = page.find_element("id", "impex-lines").text
    assert "NoSuchType" in report and "warning" in report  # line by line: the unknown type
    assert "Customer" in page.find_element("tag name", "main").text
    assert sap.runtime.db.principal("dash.board@example.com") is not None
    page.get(f"{sap.base_url}/_fakesapcc/ui/accounts?q=dash.board")
    assert "Secret123!" in page.find_element("tag name", "main").text


def test_carts_and_orders_show_per_customer(page, sap):
    token = sap.customer_token(CUSTOMER)
    auth = {"Authorization": f"Bearer {token}"}
    cart = requests.post(f"{sap.occ_url}/{SITE}/users/current/carts", headers=auth,
                         timeout=10).json()["code"]
    requests.post(f"{sap.occ_url}/{SITE}/users/current/carts/{cart}/entries", headers=auth,
                  json={"product": {"code": "300938"}, "quantity": 3}, timeout=10)
    page.find_element("link text", "Carts and orders").click()
    wait_for(page, lambda b: b.title.startswith("Carts"))
    text = page.find_element("tag name", "main").text
    assert CUSTOMER in text and cart in text and "300938" in text


def test_the_dashboard_is_labelled_keyboard_reachable_and_readable(page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    unlabelled = page.execute_script("""
        return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
          .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
          .map(e => e.id || e.name);""")
    assert unlabelled == []
    page.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    first = page.switch_to.active_element
    assert first.text == "Skip to the content"
    first.send_keys(Keys.TAB)
    assert page.switch_to.active_element.text == "Overview"
    assert page.execute_script(
        "return getComputedStyle(document.activeElement).outlineStyle") == "solid"

    def colour(element, prop):
        return page.execute_script(f"return getComputedStyle(arguments[0]).{prop}", element)

    card = page.find_element(By.CSS_SELECTOR, "section.card")
    for selector in ("h1", "h2", "label", "th", "td", ".muted"):
        element = page.find_element(By.CSS_SELECTOR, selector)
        background = colour(element, "backgroundColor")
        if background == "rgba(0, 0, 0, 0)":
            background = colour(card, "backgroundColor")
        assert contrast(colour(element, "color"), background) >= 4.5, selector
    for button in page.find_elements(By.CSS_SELECTOR, "button, .button")[:4]:
        assert contrast(colour(button, "color"), colour(button, "backgroundColor")) >= 4.5
    assert page.execute_script("return document.documentElement.scrollWidth") <= 1440


def _screenshot(browser, sap) -> None:
    folder = Path(os.environ.get("FAKESAPCC_SCREENSHOTS") or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(folder / "dashboard.png"))
