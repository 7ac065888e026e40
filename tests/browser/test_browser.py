"""Acceptance from a real browser: headless Chromium (Debian's chromium and chromium-driver,
driven by Selenium; nothing is downloaded) opens a storefront page served from another origin.

From an origin fakesapcc allows (``--cors-origin``), the page logs in with the password grant and
calls OCC with the bearer token through ``fetch()``: the preflights pass and the data arrives.
From an origin it does not allow, the browser blocks the OCC calls.

Without chromium or chromedriver the test is skipped, unless the environment variable CI is set:
in CI a missing browser is a failure (``scripts/test`` installs it). The browser comes from
``conftest.py``.
"""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from fakesapcc.testing import FakeSAPCC

PAGE = "storefront.html"
LOGIN = {"grant_type": "password", "client_id": "mobile_android", "client_secret": "secret",
         "username": "mark.rivers@pronto-hw.com", "password": "Password123!"}
SITE = "/electronics-spa"
PRODUCT = "1099285"  # in the default seed

# The OCC calls the page makes after logging in, one a line: [method, path, JSON body]. A path
# may name {code}: the code of the latest response that had one (here, the cart just created).
OCC_CALLS = [
    ["GET", f"{SITE}/users/current", None],
    ["GET", f"{SITE}/countries?lang=en&curr=USD", None],
    ["POST", f"{SITE}/users/current/carts", None],
    ["POST", f"{SITE}/users/current/carts/{{code}}/entries",
     {"product": {"code": PRODUCT}, "quantity": 1}],
    ["GET", f"{SITE}/users/current/carts/{{code}}", None],
]


class Recorder:
    """WSGI middleware: every request fakesapcc saw, as (method, path, Origin, status)."""

    def __init__(self, app) -> None:
        self.app = app
        self.calls: list[tuple[str, str, str | None, int]] = []
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        def record(status, headers, exc_info=None):
            with self.lock:
                self.calls.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""),
                                   environ.get("HTTP_ORIGIN"), int(status.split()[0])))
            return start_response(status, headers, exc_info)

        return self.app(environ, record)

    def seen(self, origin: str) -> list[tuple[str, str, int]]:
        with self.lock:
            return [(m, p, s) for m, p, o, s in self.calls if o == origin]


class _PageHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # quiet
        pass


@pytest.fixture(scope="module")
def page_server():
    """The storefront page on another port: reached as http://localhost:<port> (an allowed
    origin) and as http://127.0.0.1:<port> (not allowed)."""
    handler = functools.partial(_PageHandler, directory=str(Path(__file__).parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def fakesapcc(page_server):
    sap = FakeSAPCC(cors_origins=[f"http://localhost:{page_server}"])
    recorder = Recorder(sap.app.wsgi_app)
    sap.app.wsgi_app = recorder
    sap.recorder = recorder
    with sap:
        yield sap


def run_page(browser, page_origin: str, sap: FakeSAPCC) -> list[dict]:
    browser.get(f"{page_origin}/{PAGE}")
    results = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "runScenario(arguments[0], arguments[1], arguments[2])"
        "  .then(done, (error) => done([{error: String(error)}]));",
        sap.base_url, LOGIN, OCC_CALLS)
    assert len(results) == 1 + len(OCC_CALLS), results
    return results


def test_allowed_origin_logs_in_and_reads_occ(browser, fakesapcc, page_server):
    origin = f"http://localhost:{page_server}"
    token, *occ = run_page(browser, origin, fakesapcc)

    assert token.get("status") == 200, token
    assert token["body"]["token_type"] == "bearer" and token["body"]["access_token"]
    for result in occ:
        assert result.get("status") in (200, 201), result
    user, countries, cart = occ[0]["body"], occ[1]["body"], occ[-1]["body"]
    assert user["uid"] == "mark.rivers@pronto-hw.com"
    assert any(c["isocode"] == "US" for c in countries["countries"])
    assert [e["product"]["code"] for e in cart["entries"]] == [PRODUCT]

    seen = fakesapcc.recorder.seen(origin)
    for result in occ:
        path = result["url"].removeprefix(fakesapcc.base_url).split("?")[0]
        # the bearer token makes each OCC call preflighted: the preflight passed, then the call
        assert ("OPTIONS", path, 200) in seen, seen
        assert (result["method"], path, result["status"]) in seen, seen


def test_disallowed_origin_is_blocked_by_the_browser(browser, fakesapcc, page_server):
    origin = f"http://127.0.0.1:{page_server}"
    token, *occ = run_page(browser, origin, fakesapcc)

    assert token.get("status") == 200, token  # the OAuth server allows any origin
    for result in occ:
        assert result.get("blocked") is True, result
        assert "TypeError" in result["error"]

    seen = fakesapcc.recorder.seen(origin)
    occ_seen = [(m, p, s) for m, p, s in seen if p.startswith("/occ/v2")]
    assert occ_seen and all(m == "OPTIONS" and s == 403 for m, p, s in occ_seen), occ_seen
