"""Driving the authorization code flow as a browser does, over a Flask test client (its cookie
jar is the browser's): /oauth/authorize, the login page, the login form, the redirects."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from fakesapcc.config import AUTHORIZATION_SERVER, CLASSIC

PROFILES = (CLASSIC, AUTHORIZATION_SERVER)
AUTHORIZE = "/authorizationserver/oauth/authorize"
LOGIN = "/authorizationserver/login"
TOKEN = "/authorizationserver/oauth/token"
# RFC 7636, appendix B
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
CUSTOMER = "mark.rivers@pronto-hw.com"
PASSWORD = "Password123!"
SPARTACUS = "http://localhost:4200"


def query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query, keep_blank_values=True).items()}


def csrf_of(html: str) -> str:
    """The login form's CSRF token, found as SAP's own e2e tests find it."""
    match = re.search(r'_csrf"\s+value="([^"]+)"', html)
    assert match, html
    return match.group(1)


@dataclass
class Browser:
    """One browser (one cookie jar) on a fakesapcc app."""

    client: object

    @classmethod
    def of(cls, sap) -> "Browser":
        return cls(sap.app.test_client())

    def authorize(self, client_id: str = "mobile_android", redirect_uri: str | None = SPARTACUS,
                  challenge: str | None = CHALLENGE, method: str | None = "S256",
                  state: str | None = "xyz", **extra):
        params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
                  "code_challenge": challenge, "code_challenge_method": method if challenge else None,
                  "state": state, **extra}
        return self.client.get(AUTHORIZE, query_string={k: v for k, v in params.items()
                                                         if v is not None})

    def login(self, username: str = CUSTOMER, password: str = PASSWORD):
        page = self.client.get(LOGIN)
        assert page.status_code == 200, page.data
        return self.client.post(LOGIN, data={"username": username, "password": password,
                                             "_csrf": csrf_of(page.text)})

    def code(self, client_id: str = "mobile_android", username: str = CUSTOMER,
             password: str = PASSWORD, redirect_uri: str | None = SPARTACUS, **authorize) -> str:
        """The whole browser part: authorize, the login page, the form, back to authorize, the
        redirect with the code (whose ``state`` is checked)."""
        first = self.authorize(client_id, redirect_uri, **authorize)
        assert first.status_code == 302 and first.headers["Location"].endswith(LOGIN), first.data
        signed_in = self.login(username, password)
        assert signed_in.status_code == 302, signed_in.data
        again = self.client.get(signed_in.headers["Location"])
        assert again.status_code == 302, again.data
        params = query(again.headers["Location"])
        assert params.get("state") == authorize.get("state", "xyz")
        return params["code"]


def exchange(sap, code: str, client=("mobile_android", "secret"), redirect_uri=SPARTACUS,
             verifier: str | None = VERIFIER):
    data = {"grant_type": "authorization_code", "code": code, "client_id": client[0],
            "redirect_uri": redirect_uri, "code_verifier": verifier}
    if client[1] is not None:
        data["client_secret"] = client[1]
    return sap.client.post(TOKEN, data={k: v for k, v in data.items() if v is not None})


def current_user(sap, token: str):
    return sap.client.get("/occ/v2/electronics-spa/users/current",
                          headers={"Authorization": f"Bearer {token}"})
