"""The authorization code flow over real HTTP, step by step as two real clients drive it against
SAP's new authorization server (docs/fidelity.md, "OAuth profiles"): Alokai's middleware (its
server-side PKCE flow) and SAP's own Spartacus end-to-end login (``loginJDK21``)."""
from __future__ import annotations

import base64
import hashlib
import re
import secrets

import pytest
import requests

from fakesapcc.testing import FakeSAPCC


@pytest.fixture(scope="module")
def server():
    with FakeSAPCC(sap_version="2211-jdk21.1") as sap:
        yield sap


@pytest.fixture
def sap(server):
    server.reset()
    yield server
    server.raise_server_errors()


def pkce() -> tuple[str, str]:
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


def alokai_login(sap, email: str, password: str) -> requests.Response:
    """Alokai's server-side flow: GET /oauth/authorize (client_id, code_challenge) → SAP's login
    page (CSRF token) → POST /login (username, password, _csrf) → 302 with the single-use code
    → POST /oauth/token (authorization_code, code_verifier), with the middleware's client."""
    http = requests.Session()
    verifier, challenge = pkce()
    page = http.get(f"{sap.oauth_url}/oauth/authorize", timeout=10, params={
        "response_type": "code", "client_id": "mobile_android", "redirect_uri": "http://localhost:3000/",
        "code_challenge": challenge, "code_challenge_method": "S256"})
    assert page.status_code == 200 and page.url == f"{sap.oauth_url}/login"
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    login = http.post(f"{sap.oauth_url}/login", timeout=10, allow_redirects=False,
                      data={"username": email, "password": password, "_csrf": csrf})
    if "error=" in login.headers["Location"]:
        return login
    location = login.headers["Location"]
    while "code=" not in location:
        location = http.get(location, timeout=10, allow_redirects=False).headers["Location"]
    code = re.search(r"[?&]code=([^&]+)", location).group(1)
    return requests.post(f"{sap.oauth_url}/oauth/token", auth=("mobile_android", "secret"),
                         timeout=10, data={"grant_type": "authorization_code", "code": code,
                                           "redirect_uri": "http://localhost:3000/",
                                           "code_verifier": verifier})


def test_alokai_server_side_pkce_login(sap):
    tokens = alokai_login(sap, "mark.rivers@pronto-hw.com", "Password123!")
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert body["token_type"] == "Bearer" and body["refresh_token"]
    user = requests.get(f"{sap.occ_url}/electronics-spa/users/current", timeout=10,
                        headers={"Authorization": f"Bearer {body['access_token']}"})
    assert user.json()["uid"] == "mark.rivers@pronto-hw.com"
    # the middleware refreshes with its client
    refreshed = requests.post(f"{sap.oauth_url}/oauth/token", auth=("mobile_android", "secret"),
                              timeout=10, data={"grant_type": "refresh_token",
                                                "refresh_token": body["refresh_token"]})
    assert refreshed.status_code == 200


def test_alokai_sees_a_wrong_password_as_the_error_redirect(sap):
    refused = alokai_login(sap, "mark.rivers@pronto-hw.com", "nope")
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith("/authorizationserver/login?error=bad_credentials")


def test_spartacus_e2e_login_jdk21(sap):
    """loginJDK21: authorize (redirects followed, Origin sent) to the page; the CSRF token found
    by ``/_csrf"\\s+value="([^"]+)"/``; the login posted without following; its redirect fetched
    without following; the code from that redirect; the token with client_id alone."""
    http = requests.Session()
    verifier, challenge = pkce()
    return_uri = "http://localhost:4200/cy"
    page = http.get(f"{sap.oauth_url}/oauth/authorize", timeout=10,
                    headers={"Origin": "http://localhost:4200"},
                    params={"response_type": "code", "client_id": "asm_client",
                            "code_challenge": challenge, "code_challenge_method": "S256",
                            "redirect_uri": return_uri})
    csrf = re.search(r'_csrf"\s+value="([^"]+)"', page.text).group(1)
    failed = http.post(f"{sap.oauth_url}/login", allow_redirects=False, timeout=10,
                       data={"username": "asagent", "password": "wrong", "_csrf": csrf})
    assert "login?error" in failed.headers["Location"]
    res = http.post(f"{sap.oauth_url}/login", allow_redirects=False, timeout=10,
                    data={"username": "asagent", "password": "pw4all", "_csrf": csrf})
    assert "login?error" not in res.headers["Location"]
    res = http.get(res.headers["Location"], allow_redirects=False, timeout=10)
    code = re.search(r"[?&]code=([^&]+)", res.headers["Location"]).group(1)
    assert res.headers["Location"].startswith(f"{return_uri}?code=")
    token = requests.post(f"{sap.oauth_url}/oauth/token", timeout=10, data={
        "client_id": "asm_client", "grant_type": "authorization_code", "code": code,
        "redirect_uri": return_uri, "code_verifier": verifier})
    assert token.status_code == 200, token.text
    assert token.json()["token_type"] == "Bearer"
