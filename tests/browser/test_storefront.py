"""The Spartacus 4.3.8 storefront on fakesapcc, browsed as people browse it: headless Chromium
(Debian's chromium and chromium-driver, driven by Selenium; nothing is downloaded) on the
storefront that ``scripts/storefront`` builds from the public npm packages, against a live
fakesapcc with its default data.

- A shopper: the home page shows its banners, the category navigation and a product carousel; a
  search lists products; a product page shows the price and the stock; adding to the cart
  updates the mini-cart; the shopper registers and signs in, checks out through the delivery
  address, the delivery mode and the card (posted by the browser to the silent-order-post mock
  provider), and the confirmation's order code is then in the order history.
- An agent: the storefront opened with ``?asm=true``; the agent signs in, finds a customer,
  starts the emulation, sees that customer's cart, and ends the session.

Each run takes the README's screenshots: into ``$FAKESAPCC_SCREENSHOTS`` when set (``docs/screenshots``
refreshes the README's), else into the temporary folder, so a test run leaves the checkout clean. The storefront build comes from
``scripts/storefront build`` (``scripts/test`` runs it); without it the test is skipped with the
reason, unless the environment variable CI is set: then it fails.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from fakesapcc.testing import FakeSAPCC

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "storefront"
SHOTS = Path(os.environ.get("FAKESAPCC_SCREENSHOTS")
             or Path(tempfile.gettempdir()) / "fakesapcc-screenshots")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
         "--lang=en-US")
WAIT = 30  # seconds for the storefront to show a step
SITE = "electronics-spa"
CUSTOMER = "mark.rivers@pronto-hw.com"
PRODUCT, PRODUCT_NAME = "300938", "Photosmart E317 Digital Camera"

pytestmark = pytest.mark.slow
SERVERS: list[FakeSAPCC] = []  # for failure reports: what fakesapcc refused


def _needs(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI runs the storefront test, but {what}")
    pytest.skip(what)


def _dist() -> Path:
    found = os.environ.get("FAKESAPCC_STOREFRONT_DIST")
    if found:
        return Path(found)
    result = subprocess.run([sys.executable, str(SCRIPT), "path"], capture_output=True,
                            text=True)
    if result.returncode != 0:
        if shutil.which("npm") is None or shutil.which("node") is None:
            _needs("node and npm are not installed, so the Spartacus storefront cannot be built "
                   "(Debian: apt-get install nodejs npm; then scripts/storefront build)")
        _needs("the Spartacus storefront is not built for this workspace: run "
               "scripts/storefront build (scripts/test does)")
    return Path(result.stdout.strip())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def storefront_port() -> int:
    return _free_port()


@pytest.fixture(scope="module")
def sap(storefront_port):
    with FakeSAPCC(cors_origins=[f"http://127.0.0.1:{storefront_port}"]) as server:
        SERVERS.append(server)
        yield server
        SERVERS.remove(server)


@pytest.fixture(scope="module")
def storefront(sap, storefront_port):
    dist = _dist()
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "serve", "--dist", str(dist), "--port",
         str(storefront_port), "--backend", sap.base_url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = process.stdout.readline()
        assert "storefront ready" in line, line + process.stdout.read()
        yield f"http://127.0.0.1:{storefront_port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        _needs(f"this machine lacks {', '.join(missing)} (scripts/test installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="fakesapcc-storefront-")
    options = Options()
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield Page(driver)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Page:
    """The storefront in the browser, with waits for what a person would wait for."""

    def __init__(self, driver) -> None:
        from selenium.webdriver.common.by import By

        self.driver = driver
        self.by = By

    def open(self, url: str) -> None:
        self.driver.get(url)

    def find(self, css: str, text: str | None = None, timeout: float = WAIT):
        """The first visible element matching ``css`` (containing ``text``), once shown."""
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        def shown(driver):
            try:
                for element in driver.find_elements(self.by.CSS_SELECTOR, css):
                    if element.is_displayed() and (text is None or text in element.text):
                        return element
            except StaleElementReferenceException:
                return False
            return False

        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(shown)
        except Exception:
            self.shot("failure")
            body = self.driver.find_element(self.by.TAG_NAME, "body").text
            errors = [entry["message"][:300] for entry in self.driver.get_log("browser")
                      if entry["level"] == "SEVERE" and "font" not in entry["message"]]
            print("browser console errors:", *errors[-10:], sep="\n  ")
            raise AssertionError(f"the storefront did not show {css!r}"
                                 + (f" with {text!r}" if text else "")
                                 + f" at {self.driver.current_url}{_refused()} (screenshot: "
                                 + f"{Path(tempfile.gettempdir()) / 'fakesapcc-storefront-failure.png'}); it shows:\n"
                                 + body[:3000])

    def all(self, css: str) -> list:
        return [e for e in self.driver.find_elements(self.by.CSS_SELECTOR, css) if e.is_displayed()]

    def text(self, css: str) -> str:
        return self.find(css).text

    def click(self, css: str, text: str | None = None) -> None:
        element = self.find(css, text)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    def type(self, css: str, value: str) -> None:
        element = self.find(css)
        element.clear()
        element.send_keys(value)

    def choose(self, css: str, option: str) -> None:
        """Pick an option of a form's dropdown: a native select or an ng-select."""
        from selenium.webdriver.support.ui import Select

        element = self.find(css)
        if element.tag_name == "select":
            deadline = time.monotonic() + WAIT
            while option not in [o.text.strip() for o in Select(element).options]:
                if time.monotonic() > deadline:
                    raise AssertionError(f"{css} never offered {option!r}")
                time.sleep(0.2)
            Select(element).select_by_visible_text(option)
            return
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.find_element(self.by.CSS_SELECTOR, "input").click()
        self.click("ng-dropdown-panel .ng-option", option)

    def until_url(self, part: str, timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        while part not in self.driver.current_url:
            if time.monotonic() > deadline:
                self.shot("failure")
                raise AssertionError(f"the storefront is at {self.driver.current_url}, "
                                     f"not at {part}{_refused()}")
            time.sleep(0.2)
        return self.driver.current_url

    def settle(self, seconds: float = 1.0) -> None:
        time.sleep(seconds)

    def shot(self, name: str) -> Path:
        """A screenshot for the README (into ``SHOTS``), or of a failure (in the
        temporary folder, named in the failure's message)."""
        folder = Path(tempfile.gettempdir()) if name == "failure" else SHOTS
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png" if name != "failure" else folder / "fakesapcc-storefront-failure.png"
        self.driver.save_screenshot(str(path))
        return path


def _refused() -> str:
    """The requests fakesapcc answered with an error, for a failure's message."""
    refused = [f"{r['method']} {r['path']} {r['query']} -> {r['status']}"
               for server in SERVERS for r in server.requests(status="4xx")]
    return ("; fakesapcc refused: " + "; ".join(refused[-10:])) if refused else ""


def _images_loaded(page: Page, css: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if page.driver.execute_script(
                "return [...document.querySelectorAll(arguments[0])].every("
                "i => i.complete && i.naturalWidth > 0)", css):
            return
        time.sleep(0.2)
    raise AssertionError(f"images {css} did not load")


# -- the shopper ---------------------------------------------------------------------------------


def test_a_shopper_searches_buys_and_finds_the_order_in_the_history(browser, storefront, sap):
    page = browser
    page.driver.set_window_size(1280, 2300)  # the whole home page in its screenshot
    page.open(storefront + "/")
    # the home page: banners, navigation, a product carousel
    page.find("cx-page-slot.Section1 cx-banner img")
    page.find("cx-banner-carousel cx-banner img")
    assert page.find("cx-category-navigation", "CAMERAS").text.split()[:2] == \
        ["CAMERAS", "ACCESSORIES"]
    carousel = page.find("cx-product-carousel", PRODUCT_NAME)
    assert "Our bestselling cameras" in carousel.text and "$114.12" in carousel.text
    page.find("cx-paragraph", "Welcome to the Electronics store")
    page.find("cx-footer-navigation", "Terms and Conditions")
    _images_loaded(page, "cx-product-carousel img")
    _images_loaded(page, "cx-banner img")
    page.settle()
    page.shot("home")
    page.driver.set_window_size(1280, 1000)

    # a search lists products
    page.type("cx-searchbox input", "camera\n")
    page.until_url("/search/camera")
    page.find("cx-product-list-item", "$")
    assert len(page.all("cx-product-list-item")) >= 5
    assert re.search(r"\d+ results for .camera.", page.text("cx-breadcrumb"))

    # a product page: its name, price and stock
    page.click("cx-product-list-item a.cx-product-name", PRODUCT_NAME)
    page.until_url(f"/{PRODUCT}")
    page.find("cx-breadcrumb h1", PRODUCT_NAME)
    summary = page.find("cx-product-summary", "$114.12")
    assert "$114.12" in summary.text
    assert "In stock" in page.text("cx-add-to-cart")
    _images_loaded(page, "cx-product-images img")
    page.settle()
    page.shot("product")

    # add to cart: the mini-cart counts it
    page.click("cx-add-to-cart button[type=submit]")
    dialog = page.find("cx-added-to-cart-dialog", PRODUCT_NAME)
    assert "$114.12" in dialog.text
    page.click("cx-added-to-cart-dialog button.close")
    assert page.find("cx-mini-cart .count", "1").text == "1"

    # register, then sign in
    email = f"shopper.{int(time.time() * 1000)}@example.com"
    page.open(storefront + "/login/register")
    page.choose('cx-register [formcontrolname="titleCode"]', "Mr.")
    page.type('cx-register input[formcontrolname="firstName"]', "Sam")
    page.type('cx-register input[formcontrolname="lastName"]', "Shopper")
    page.type('cx-register input[formcontrolname="email"]', email)
    page.type('cx-register input[formcontrolname="password"]', "Secret123!")
    page.type('cx-register input[formcontrolname="passwordconf"]', "Secret123!")
    page.click('cx-register input[formcontrolname="termsandconditions"]')
    page.click("cx-register button[type=submit]")
    page.until_url("/login")
    page.type('cx-login-form input[formcontrolname="userId"]', email)
    page.type('cx-login-form input[formcontrolname="password"]', "Secret123!")
    page.click("cx-login-form button[type=submit]")
    page.find("cx-login .cx-login-greet", "Hi, Sam Shopper")
    assert page.find("cx-mini-cart .count", "1").text == "1"  # the cart came along

    # check out: delivery address, delivery mode, payment, review, place the order
    page.click("cx-mini-cart a")
    page.until_url("/cart")
    page.find("cx-cart-details", PRODUCT_NAME)
    page.click("cx-cart-totals button", "Proceed To Checkout")
    page.until_url("/checkout/shipping-address")
    page.choose("cx-address-form ng-select.country-select", "United States")
    page.choose('cx-address-form [formcontrolname="titleCode"]', "Mr.")
    form = "cx-address-form"
    page.type(f'{form} input[formcontrolname="firstName"]', "Sam")
    page.type(f'{form} input[formcontrolname="lastName"]', "Shopper")
    page.type(f'{form} input[formcontrolname="line1"]', "1 Main Street")
    page.type(f'{form} input[formcontrolname="town"]', "New York")
    page.choose("cx-address-form ng-select.region-select", "New York")
    page.type(f'{form} input[formcontrolname="postalCode"]', "10001")
    page.type(f'{form} input[formcontrolname="phone"]', "555-0100")
    page.click(f"{form} button[type=submit]")
    page.until_url("/checkout/delivery-mode")
    page.find("cx-delivery-mode", "Standard")
    page.click("cx-delivery-mode input[type=radio]")
    page.click("cx-delivery-mode button.btn-primary", "Continue")
    page.until_url("/checkout/payment-details")
    page.choose('cx-payment-form [formcontrolname="code"]', "Visa")
    page.type('cx-payment-form input[formcontrolname="accountHolderName"]', "Sam Shopper")
    page.type('cx-payment-form input[formcontrolname="cardNumber"]', "4111111111111111")
    page.choose('cx-payment-form [formcontrolname="expiryMonth"]', "12")
    page.choose('cx-payment-form [formcontrolname="expiryYear"]', str(time.gmtime().tm_year + 3))
    page.type('cx-payment-form input[formcontrolname="cvn"]', "123")
    page.click("cx-payment-form button.btn-primary", "Continue")
    page.until_url("/checkout/review-order")
    review = page.find("cx-review-submit", PRODUCT_NAME)
    assert "1 Main Street" in review.text and "Standard" in review.text
    page.click('cx-place-order input[formcontrolname="termsAndConditions"]')
    page.click("cx-place-order button", "Place Order")
    page.until_url("/order-confirmation")
    thanks = page.find("cx-order-confirmation-thank-you-message", "Confirmation of Order")
    code = re.search(r"Confirmation of Order:\s*(\w+)", thanks.text).group(1)
    assert "Thank you for your order!" in thanks.text
    assert code in page.text("cx-order-overview") and "Standard Delivery" in \
        page.text("cx-order-overview")
    page.find("cx-order-confirmation-items", PRODUCT_NAME)
    page.settle()
    page.shot("order-confirmation")
    with sap.runtime.db.reading() as state:
        order = state.orders[code]
        assert order.user.lower() == email and [e.product for e in order.entries] == [PRODUCT]

    # the order is in the order history
    page.open(storefront + "/my-account/orders")
    history = page.find("cx-order-history", code)
    assert "$" in history.text


# -- the agent -----------------------------------------------------------------------------------


def test_an_agent_emulates_a_customer_and_sees_their_cart(browser, storefront, sap):
    occ = f"/occ/v2/{SITE}/users/{CUSTOMER}/carts"
    token = {"Authorization": f"Bearer {sap.customer_token(CUSTOMER)}"}
    cart = sap.client.post(occ, headers=token).json["code"]
    added = sap.client.post(f"{occ}/{cart}/entries", headers=token,
                            json={"product": {"code": "358639"}, "quantity": 2})
    assert added.status_code == 200, added.json

    page = browser
    page.driver.delete_all_cookies()
    page.open(storefront + "/?asm=true")
    page.driver.execute_script("window.localStorage.clear(); window.sessionStorage.clear();")
    page.open(storefront + "/?asm=true")
    page.type('cx-csagent-login-form input[formcontrolname="userId"]', "asagent")
    page.type('cx-csagent-login-form input[formcontrolname="password"]', "pw4all")
    page.click("cx-csagent-login-form button[type=submit]")
    page.type('cx-customer-selection input[formcontrolname="searchTerm"]', "mark.rivers")
    page.click("cx-customer-selection .asm-results button", CUSTOMER)
    page.click("cx-customer-selection button[type=submit]", "Start Session")
    page.find("cx-customer-emulation", "End Session")
    page.find("cx-login .cx-login-greet", "Hi, Mark Rivers")
    assert page.find("cx-mini-cart .count", "2").text == "2"
    page.settle()
    page.shot("asm-emulation")
    page.click("cx-mini-cart a")
    page.find("cx-cart-details", "DSC-N1")

    page.click("cx-customer-emulation button", "End Session")
    page.find('cx-customer-selection input[formcontrolname="searchTerm"]')
    assert not page.all("cx-customer-emulation")
    with sap.runtime.db.reading() as state:  # fakesapcc logged the agent's session
        assert ("asagent", CUSTOMER) in [(s.agent, s.customer) for s in state.agent_sessions]
