"""Acceptance from a real browser: the authorization code flow with PKCE in headless Chromium
(Debian's chromium and chromium-driver through Selenium, from ``conftest.py``), on both OAuth
profiles.

The browser opens fakesapcc's authorize URL, is sent to the login page, types the credentials
(from the keyboard) and is redirected to a tiny callback page served by this test on
127.0.0.1; the test exchanges the code it received for a token, which then reads
``/users/current``. A wrong password shows the error on the page. The page is checked for what
a keyboard or screen-reader user needs: labels, focus order, the error announced, contrast.
"""
from __future__ import annotations

import base64
import hashlib
import http.server
import re
import secrets
import threading
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from fakesapcc.config import AUTHORIZATION_SERVER, CLASSIC
from fakesapcc.testing import FakeSAPCC

CUSTOMER = ("mark.rivers@pronto-hw.com", "Password123!")
AGENT = ("asagent", "pw4all")
SITE = "electronics-spa"
SEED_REDIRECTS = {
    "mobile_android": "http://localhost:4200,http://localhost:4200/,http://localhost:3000/",
    "asm_client": "http://localhost:4200,http://localhost:4200/,http://localhost:3000/",
}


class Callback:
    """The client's redirect URI: a page on 127.0.0.1 that records what it was sent."""

    def __init__(self) -> None:
        received: list[dict[str, str]] = []
        self.received = received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the stdlib's name)
                parts = urlsplit(self.path)
                if parts.path == "/callback":
                    received.append({k: v[0] for k, v in parse_qs(parts.query).items()})
                body = b"<!doctype html><title>Storefront</title><p>Back in the storefront.</p>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # quiet
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def callback():
    page = Callback()
    yield page
    page.close()


@pytest.fixture(scope="module", params=[AUTHORIZATION_SERVER, CLASSIC])
def sap(request, callback):
    server = FakeSAPCC(oauth_profile=request.param)
    rows = "".join(f"; {client}; {uris},{callback.url}\n" for client, uris in SEED_REDIRECTS.items())
    server.load_impex("INSERT_UPDATE OAuthClientDetails; clientId[unique=true]; "
                      f"registeredRedirectUri\n{rows}")
    with server:
        yield server


@pytest.fixture
def fresh(browser, sap, callback):
    """A browser with no session on fakesapcc, and an empty callback log."""
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    callback.received.clear()
    yield browser
    sap.raise_server_errors()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_url(sap: FakeSAPCC, client_id: str, redirect_uri: str, challenge: str,
                  state: str) -> str:
    return f"{sap.oauth_url}/oauth/authorize?" + urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
        "scope": "basic", "state": state, "code_challenge": challenge,
        "code_challenge_method": "S256"})


def wait_for(browser, condition, timeout: float = 15):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(condition)


def sign_in(browser, username: str, password: str, *, keyboard: bool = True) -> None:
    """Fill the login form as a person does: find the fields by their labels, type, and send
    it with Enter (or a click on the button)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    def field(label_text: str):
        label = browser.find_element(By.XPATH, f"//label[normalize-space()='{label_text}']")
        return browser.find_element(By.ID, label.get_attribute("for"))

    user, secret = field("Email address or user ID"), field("Password")
    user.clear()
    user.send_keys(username)
    secret.clear()
    secret.send_keys(password)
    if keyboard:
        secret.send_keys(Keys.ENTER)
    else:
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def exchange(sap: FakeSAPCC, code: str, redirect_uri: str, verifier: str, client) -> dict:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": verifier, "client_id": client[0]}
    if client[1]:
        data["client_secret"] = client[1]
    response = requests.post(f"{sap.oauth_url}/oauth/token", data=data, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_customer_signs_in_and_the_code_reads_users_current(fresh, sap, callback):
    verifier, challenge = pkce()
    state = secrets.token_urlsafe(8)
    fresh.get(authorize_url(sap, "mobile_android", callback.url, challenge, state))
    assert fresh.current_url == f"{sap.oauth_url}/login"
    assert fresh.title.startswith("Sign in")
    sign_in(fresh, *CUSTOMER)
    wait_for(fresh, lambda b: b.current_url.startswith(callback.url))
    assert "Back in the storefront" in fresh.page_source
    [received] = callback.received
    assert received["state"] == state and received["code"]

    tokens = exchange(sap, received["code"], callback.url, verifier, ("mobile_android", "secret"))
    assert tokens["token_type"] == ("Bearer" if sap.config.oauth_profile == AUTHORIZATION_SERVER
                                    else "bearer")
    user = requests.get(f"{sap.occ_url}/{SITE}/users/current",
                        headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=10)
    assert user.status_code == 200 and user.json()["uid"] == CUSTOMER[0]


def test_a_wrong_password_shows_the_error_on_the_page(fresh, sap, callback):
    from selenium.webdriver.common.by import By

    verifier, challenge = pkce()
    fresh.get(authorize_url(sap, "mobile_android", callback.url, challenge, "s"))
    sign_in(fresh, CUSTOMER[0], "not-the-password", keyboard=False)
    alert = wait_for(fresh, lambda b: b.find_elements(By.CSS_SELECTOR, "[role=alert]"))[0]
    assert "password is not correct" in alert.text
    assert fresh.current_url == f"{sap.oauth_url}/login?error=bad_credentials"
    password = fresh.find_element(By.ID, "password")
    assert password.get_attribute("aria-invalid") == "true"
    assert password.get_attribute("aria-describedby") == alert.get_attribute("id")
    assert callback.received == []  # nothing went back to the client
    # the authorization request is still there: the right password completes it
    sign_in(fresh, *CUSTOMER)
    wait_for(fresh, lambda b: b.current_url.startswith(callback.url))
    tokens = exchange(sap, callback.received[0]["code"], callback.url, verifier,
                      ("mobile_android", "secret"))
    assert tokens["access_token"]


def test_an_agent_signs_in_on_the_same_page_with_the_public_asm_client(fresh, sap, callback):
    verifier, challenge = pkce()
    fresh.get(authorize_url(sap, "asm_client", callback.url, challenge, "agent"))
    assert "asm_client" in fresh.page_source
    sign_in(fresh, *AGENT)
    wait_for(fresh, lambda b: b.current_url.startswith(callback.url))
    tokens = exchange(sap, callback.received[0]["code"], callback.url, verifier,
                      ("asm_client", None))
    search = requests.get(f"{sap.asm_url}/customers/search",
                          params={"baseSite": SITE, "query": "mark"},
                          headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=10)
    assert search.status_code == 200 and search.json()["entries"]


def test_an_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(fresh, sap, callback):
    _, challenge = pkce()
    elsewhere = callback.url.replace("/callback", "/elsewhere")
    fresh.get(authorize_url(sap, "mobile_android", elsewhere, challenge, "s"))
    assert fresh.current_url.startswith(f"{sap.oauth_url}/oauth/authorize?")
    assert "redirect" in fresh.find_element("css selector", "[role=alert]").text
    assert callback.received == []


def test_the_login_page_works_from_the_keyboard_and_reads_well(fresh, sap, callback):
    """Focus starts in the first field and Tab walks username → password → button; text and
    controls meet WCAG AA contrast (4.5:1 text, 3:1 field borders) as rendered."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _, challenge = pkce()
    fresh.get(authorize_url(sap, "mobile_android", callback.url, challenge, "s"))
    # autofocus applies once the page has rendered, which a loaded machine may delay
    wait_for(fresh, lambda b: b.switch_to.active_element.get_attribute("id") == "username")
    order = [fresh.switch_to.active_element.get_attribute("id")]
    for _ in range(2):
        fresh.switch_to.active_element.send_keys(Keys.TAB)
        active = fresh.switch_to.active_element
        order.append(active.get_attribute("id") or active.tag_name)
    assert order == ["username", "password", "button"]
    outline = fresh.execute_script(
        "return getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus is visible

    def colour(element, prop):
        return fresh.execute_script(f"return getComputedStyle(arguments[0]).{prop}", element)

    main = fresh.find_element(By.TAG_NAME, "main")
    background = colour(main, "backgroundColor")
    for selector in ("h1", "label", ".lead"):
        element = fresh.find_element(By.CSS_SELECTOR, selector)
        assert contrast(colour(element, "color"), background) >= 4.5, selector
    button = fresh.find_element(By.CSS_SELECTOR, "button")
    assert contrast(colour(button, "color"), colour(button, "backgroundColor")) >= 4.5
    field = fresh.find_element(By.ID, "username")
    assert contrast(colour(field, "borderTopColor"), background) >= 3
    sign_in(fresh, CUSTOMER[0], "wrong")
    alert = wait_for(fresh, lambda b: b.find_elements(By.CSS_SELECTOR, "[role=alert]"))[0]
    assert contrast(colour(alert, "color"), colour(alert, "backgroundColor")) >= 4.5


def contrast(foreground: str, background: str) -> float:
    """WCAG 2's contrast ratio of two CSS rgb()/rgba() colours."""
    def luminance(css: str) -> float:
        r, g, b = (int(x) / 255 for x in re.findall(r"[\d.]+", css)[:3])
        channel = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * channel[0] + 0.7152 * channel[1] + 0.0722 * channel[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
