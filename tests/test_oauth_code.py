"""The authorization code flow with PKCE, on both OAuth profiles: the authorization endpoint,
the login page and form, and the code grant with each profile's exact error bodies."""
from __future__ import annotations

import html

import pytest

from fakesapcc.config import AUTHORIZATION_SERVER, CLASSIC
from fakesapcc.testing import FakeSAPCC
from oauthflow import (AUTHORIZE, CHALLENGE, CUSTOMER, LOGIN, PASSWORD, PROFILES, SPARTACUS,
                       VERIFIER, Browser, current_user, exchange, query)

ASM = "/assistedservicewebservices"


@pytest.fixture(scope="module", params=PROFILES)
def server(request):
    return FakeSAPCC(live=False, oauth_profile=request.param)


@pytest.fixture
def sap(server):
    server.reset()
    yield server
    server.raise_server_errors()


def classic(sap) -> bool:
    return sap.config.oauth_profile == CLASSIC


# -- the flow ---------------------------------------------------------------------------------


def test_a_customer_signs_in_on_the_login_page_and_the_code_reads_users_current(sap):
    browser = Browser.of(sap)
    first = browser.authorize()
    assert first.status_code == 302
    assert first.headers["Location"] == f"http://localhost{LOGIN}"
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith("JSESSIONID=") and "HttpOnly" in cookie
    assert "Path=/authorizationserver" in cookie and "SameSite=Lax" in cookie

    signed_in = browser.login()
    assert signed_in.status_code == 302
    location = signed_in.headers["Location"]
    assert location.startswith(f"http://localhost{AUTHORIZE}?response_type=code&")
    assert location.endswith("&continue")
    new_session = signed_in.headers["Set-Cookie"].split(";")[0]
    assert new_session != cookie.split(";")[0]  # a login gets a new session id

    back = browser.client.get(location)
    assert back.status_code == 302
    assert back.headers["Location"].startswith(f"{SPARTACUS}?code=")
    params = query(back.headers["Location"])
    assert params["state"] == "xyz"
    code = params["code"]
    assert len(code) == (6 if classic(sap) else 128)

    response = exchange(sap, code)
    assert response.status_code == 200, response.json
    body = response.json
    if classic(sap):
        assert list(body) == ["access_token", "token_type", "refresh_token", "expires_in", "scope"]
        assert body["token_type"] == "bearer"
    else:
        assert list(body) == ["access_token", "refresh_token", "scope", "token_type", "expires_in"]
        assert body["token_type"] == "Bearer"
    assert body["scope"] == "basic" and 43190 <= body["expires_in"] <= 43200
    assert response.headers["Cache-Control"] == "no-store"
    assert current_user(sap, body["access_token"]).json["uid"] == CUSTOMER


def test_an_agent_signs_in_on_the_same_page_with_the_public_asm_client(sap):
    browser = Browser.of(sap)
    code = browser.code("asm_client", "asagent", "pw4all")
    response = exchange(sap, code, client=("asm_client", None))
    assert response.status_code == 200, response.json
    token = response.json["access_token"]
    search = sap.client.get(f"{ASM}/customers/search?baseSite=electronics-spa&query=mark",
                            headers={"Authorization": f"Bearer {token}"})
    assert search.status_code == 200 and search.json["entries"]
    # and the public client refreshes with its id alone, as SAP's server lets it
    refreshed = sap.client.post("/authorizationserver/oauth/token", data={
        "grant_type": "refresh_token", "client_id": "asm_client",
        "refresh_token": response.json["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.json


def test_a_signed_in_browser_gets_the_next_code_without_the_form(sap):
    browser = Browser.of(sap)
    exchange(sap, browser.code())
    again = browser.authorize(state="second")
    assert again.status_code == 302
    params = query(again.headers["Location"])
    assert params["state"] == "second"
    assert exchange(sap, params["code"]).status_code == 200


def test_without_a_code_challenge_a_confidential_client_still_gets_a_code(sap):
    code = Browser.of(sap).code(challenge=None)
    assert exchange(sap, code, verifier=None).status_code == 200


def test_a_wrong_password_goes_back_to_the_page_which_says_so(sap):
    browser = Browser.of(sap)
    browser.authorize()
    refused = browser.login(password="wrong")
    assert refused.status_code == 302
    assert refused.headers["Location"] == f"http://localhost{LOGIN}?error=bad_credentials"
    page = browser.client.get(refused.headers["Location"])
    assert page.status_code == 200
    assert 'role="alert"' in page.text and "password is not correct" in page.text
    assert 'aria-describedby="login-error"' in page.text
    # the authorization request is still waiting: the right password completes it
    signed_in = browser.login()
    assert browser.client.get(signed_in.headers["Location"]).headers["Location"].startswith(
        f"{SPARTACUS}?code=")


@pytest.mark.parametrize("username, error", [
    ("nobody@example.com", "bad_credentials"),
    ("kenji.watanabe@example.jp", "account_disabled"),  # login-disabled
    ("haruka.ito@example.jp", "account_disabled"),  # deactivated
])
def test_unknown_and_disabled_accounts(sap, username, error):
    browser = Browser.of(sap)
    browser.authorize()
    refused = browser.login(username=username)
    assert query(refused.headers["Location"]) == {"error": error}


def test_the_login_form_needs_its_session_and_csrf_token(sap):
    browser = Browser.of(sap)
    browser.authorize()
    forged = browser.client.post(LOGIN, data={"username": CUSTOMER, "password": PASSWORD,
                                              "_csrf": "forged"})
    assert forged.status_code == 403 and "Location" not in forged.headers
    assert "Invalid CSRF Token 'forged'" in html.unescape(forged.text)
    stranger = Browser.of(sap).client.post(LOGIN, data={"username": CUSTOMER,
                                                        "password": PASSWORD, "_csrf": "x"})
    assert stranger.status_code == 403 and "no session was found" in stranger.text


def test_a_login_with_no_authorization_request_in_progress_is_an_error_page(sap):
    response = Browser.of(sap).login()
    assert response.status_code == 400 and "Location" not in response.headers
    assert "No authorization request is in progress" in response.text


def test_the_login_page_is_self_contained_and_labelled(sap):
    browser = Browser.of(sap)
    browser.authorize()
    page = browser.client.get(LOGIN)
    text = page.text
    assert page.mimetype == "text/html" and '<html lang="en">' in text
    for field in ("username", "password"):
        assert f'<label for="{field}">' in text and f'id="{field}"' in text
    assert 'autocomplete="username"' in text and 'autocomplete="current-password"' in text
    assert '<button type="submit">Sign in</button>' in text
    assert "mobile_android" in text  # the client it signs in to
    for external in ("<script", "<link", "<img", "src=", "url(", "@import"):
        assert external not in text
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert page.headers["Cache-Control"] == "no-store"


# -- PKCE and the code grant: each profile's bodies -----------------------------------------


def test_a_wrong_code_verifier(sap):
    code = Browser.of(sap).code()
    wrong = exchange(sap, code, verifier="x" * 43)
    if classic(sap):
        # spring-security-oauth2 consumes the code before it checks it
        assert (wrong.status_code, wrong.json) == (
            400, {"error": "invalid_grant", "error_description": f"Invalid authorization code: {code}"})
        assert exchange(sap, code).json["error"] == "invalid_grant"
    else:
        # Spring Authorization Server checks the verifier when it authenticates the client:
        # the code stays good
        assert (wrong.status_code, wrong.json) == (400, {"error": "invalid_grant"})
        assert exchange(sap, code).status_code == 200


def test_a_reused_code(sap):
    code = Browser.of(sap).code()
    first = exchange(sap, code)
    assert first.status_code == 200
    again = exchange(sap, code)
    token = first.json["access_token"]
    if classic(sap):
        assert (again.status_code, again.json) == (
            400, {"error": "invalid_grant", "error_description": f"Invalid authorization code: {code}"})
        assert current_user(sap, token).status_code == 200
    else:
        assert (again.status_code, again.json) == (400, {"error": "invalid_grant"})
        # RFC 6749 §4.1.2: what the code gave is revoked when it comes back
        assert current_user(sap, token).status_code == 401
        refresh = sap.client.post("/authorizationserver/oauth/token", data={
            "grant_type": "refresh_token", "refresh_token": first.json["refresh_token"],
            "client_id": "mobile_android", "client_secret": "secret"})
        assert refresh.json == {"error": "invalid_grant"}


def test_a_code_lives_five_minutes_on_the_server_clock(sap):
    sap.freeze_clock()
    fresh, stale = Browser.of(sap).code(), Browser.of(sap).code()
    sap.advance_clock(299)
    assert exchange(sap, fresh).status_code == 200
    sap.advance_clock(1)
    expired = exchange(sap, stale)
    if classic(sap):
        assert expired.json == {"error": "invalid_grant",
                                "error_description": f"Invalid authorization code: {stale}"}
    else:
        assert expired.json == {"error": "invalid_grant"}
    assert expired.status_code == 400


def test_the_code_lifetime_is_a_property(server):
    sap = FakeSAPCC(live=False, oauth_profile=server.config.oauth_profile,
                    properties={"fakesapcc.oauth.code.validity.seconds": "10"})
    sap.freeze_clock()
    code = Browser.of(sap).code()
    sap.advance_clock(10)
    assert exchange(sap, code).status_code == 400


def test_a_redirect_uri_other_than_the_authorization_requests(sap):
    code = Browser.of(sap).code()
    other = exchange(sap, code, redirect_uri="http://localhost:3000/")
    if classic(sap):
        assert other.json == {"error": "invalid_grant", "error_description": "Redirect URI mismatch."}
    else:
        assert other.json == {"error": "invalid_grant"}
    assert other.status_code == 400
    missing = exchange(sap, Browser.of(sap).code(), redirect_uri=None)
    assert missing.status_code == 400 and missing.json["error"] == "invalid_grant"


def test_a_code_given_to_another_client(sap):
    code = Browser.of(sap).code()
    stolen = exchange(sap, code, client=("trusted_client", "secret"))
    if classic(sap):
        assert (stolen.status_code, stolen.json) == (
            401, {"error": "invalid_client", "error_description": "Client ID mismatch"})
    else:
        assert (stolen.status_code, stolen.json) == (400, {"error": "invalid_grant"})
    assert exchange(sap, code).status_code == 400  # and the code is spent


def test_no_verifier_for_a_code_with_a_challenge(sap):
    code = Browser.of(sap).code()
    response = exchange(sap, code, verifier=None)
    assert response.status_code == 400 and response.json["error"] == "invalid_grant"
    public = exchange(sap, Browser.of(sap).code("asm_client", "asagent", "pw4all"),
                      client=("asm_client", None), verifier=None)
    if classic(sap):
        assert public.json["error"] == "invalid_grant"
    else:  # a public client authenticates by its code_verifier: without one it is no client
        assert (public.status_code, public.json) == (401, {"error": "invalid_client"})


def test_an_unknown_or_missing_code(sap):
    unknown = exchange(sap, "nope")
    missing = sap.client.post("/authorizationserver/oauth/token", data={
        "grant_type": "authorization_code", "client_id": "mobile_android", "client_secret": "secret"})
    if classic(sap):
        assert unknown.json == {"error": "invalid_grant",
                                "error_description": "Invalid authorization code: nope"}
        assert missing.json == {"error": "invalid_request",
                                "error_description": "An authorization code must be supplied."}
    else:
        assert unknown.json == {"error": "invalid_grant"}
        assert missing.json == {"error": "invalid_request", "error_description": "OAuth 2.0 Parameter: code",
                                "error_uri": "https://datatracker.ietf.org/doc/html/rfc6749#section-5.2"}
    assert unknown.status_code == missing.status_code == 400


def test_plain_pkce_only_when_the_property_enables_it(server):
    profile = server.config.oauth_profile
    sap = FakeSAPCC(live=False, oauth_profile=profile)
    refused = Browser.of(sap).authorize(challenge=VERIFIER, method="plain")
    assert refused.status_code == 302
    error = query(refused.headers["Location"])
    assert error["error"] == "invalid_request" and error["state"] == "xyz"
    if profile == AUTHORIZATION_SERVER:
        assert error["error_description"] == "OAuth 2.0 Parameter: code_challenge_method"
        assert error["error_uri"] == "https://datatracker.ietf.org/doc/html/rfc7636#section-4.4.1"
    enabled = FakeSAPCC(live=False, oauth_profile=profile,
                        properties={"fakesapcc.oauth.pkce.plain.enabled": "true"})
    code = Browser.of(enabled).code(challenge=VERIFIER, method="plain")
    assert exchange(enabled, code, verifier=CHALLENGE).status_code == 400
    code = Browser.of(enabled).code(challenge=VERIFIER, method="plain")
    assert exchange(enabled, code, verifier=VERIFIER).status_code == 200
    metadata = enabled.client.get("/authorizationserver/.well-known/oauth-authorization-server")
    if profile == AUTHORIZATION_SERVER:
        assert metadata.json["code_challenge_methods_supported"] == ["S256", "plain"]


def test_s256_is_rfc_7636s_transformation(sap):
    """Appendix B's verifier matches its challenge; its challenge as a verifier does not."""
    assert exchange(sap, Browser.of(sap).code(), verifier=CHALLENGE).status_code == 400
    assert exchange(sap, Browser.of(sap).code(), verifier=VERIFIER).status_code == 200


def test_a_public_client_must_send_a_challenge_on_the_authorization_server(sap):
    response = Browser.of(sap).authorize("asm_client", challenge=None)
    if classic(sap):  # spring-security-oauth2 knows no PKCE: on to the login page
        assert response.headers["Location"].endswith(LOGIN)
    else:
        assert query(response.headers["Location"]) == {
            "error": "invalid_request", "error_description": "OAuth 2.0 Parameter: code_challenge",
            "error_uri": "https://datatracker.ietf.org/doc/html/rfc7636#section-4.4.1",
            "state": "xyz"}
        assert response.headers["Location"].startswith(f"{SPARTACUS}?error=")


# -- the authorization request: error pages, never an untrusted redirect ---------------------


def _error_page(response, summary: str):
    assert response.status_code == 400, response.data
    assert "Location" not in response.headers
    assert response.mimetype == "text/html", response.data
    assert summary in html.unescape(response.text), response.text


@pytest.mark.parametrize("params, classic_summary, modern_summary", [
    ({"client_id": "no_such_client"},
     'error="invalid_client", error_description="Bad client credentials"',
     "[invalid_request] OAuth 2.0 Parameter: client_id"),
    ({"client_id": None},
     'error="invalid_client", error_description="A client id must be provided"',
     "[invalid_request] OAuth 2.0 Parameter: client_id"),
    ({"redirect_uri": "https://evil.example/steal"},
     'error="invalid_grant", error_description="Invalid redirect: https://evil.example/steal does not match',
     "[invalid_request] OAuth 2.0 Parameter: redirect_uri"),
    ({"redirect_uri": "http://localhost:4200/cy/deeper"}, "Invalid redirect: http://localhost:4200/cy/deeper",
     "[invalid_request] OAuth 2.0 Parameter: redirect_uri"),
    ({"redirect_uri": "http://localhost:3000/account"}, "Invalid redirect: http://localhost:3000/account",
     "[invalid_request] OAuth 2.0 Parameter: redirect_uri"),
    ({"redirect_uri": None}, "Invalid redirect: None does not match",
     "[invalid_request] OAuth 2.0 Parameter: redirect_uri"),
    ({"response_type": "token"},
     'error="unsupported_response_type", error_description="Unsupported response types: [token]"',
     "[unsupported_response_type] OAuth 2.0 Parameter: response_type"),
])
def test_a_request_that_cannot_go_back_gets_an_error_page(sap, params, classic_summary,
                                                           modern_summary):
    browser = Browser.of(sap)
    query_string = {"response_type": "code", "client_id": "mobile_android",
                    "redirect_uri": SPARTACUS, "state": "xyz", **params}
    response = browser.client.get(AUTHORIZE, query_string={k: v for k, v in query_string.items()
                                                            if v is not None})
    _error_page(response, classic_summary if classic(sap) else modern_summary)


@pytest.mark.parametrize("client_id", ["mobile_android", "asm_client"])
@pytest.mark.parametrize("redirect_uri", ["http://localhost:4200/", "http://localhost:3000/"])
def test_the_seed_registers_the_storefront_dev_servers(sap, client_id, redirect_uri):
    response = Browser.of(sap).authorize(client_id, redirect_uri)
    assert response.status_code == 302 and response.headers["Location"].endswith(LOGIN)


def test_loopback_ip_redirects_take_any_port_on_the_authorization_server(sap):
    sap.load_impex("INSERT_UPDATE OAuthClientDetails; clientId[unique=true]; public; scope; "
                   "authorizedGrantTypes; authorities; registeredRedirectUri\n"
                   "; native_app; true; basic; authorization_code; ROLE_CLIENT; "
                   "http://127.0.0.1/callback\n")
    response = Browser.of(sap).authorize("native_app", "http://127.0.0.1:54321/callback")
    if classic(sap):  # DefaultRedirectResolver matches the port
        _error_page(response, "Invalid redirect: http://127.0.0.1:54321/callback")
    else:  # OAuth 2.1 §8.4.2, as Spring Authorization Server applies it
        assert response.headers["Location"].endswith(LOGIN)
    # the name localhost is no loopback IP: its port counts on both
    _error_page(Browser.of(sap).authorize("mobile_android", "http://localhost:4201/"),
                "redirect")


def test_errors_after_the_redirect_uri_is_trusted_go_back_to_it(sap):
    response = Browser.of(sap).authorize(scope="admin")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{SPARTACUS}?error=invalid_scope")
    params = query(response.headers["Location"])
    if classic(sap):
        assert params == {"error": "invalid_scope", "error_description": "Invalid scope: admin",
                          "state": "xyz"}
    else:
        assert params == {"error": "invalid_scope", "error_description": "OAuth 2.0 Parameter: scope",
                          "error_uri": "https://datatracker.ietf.org/doc/html/rfc6749#section-4.1.2.1",
                          "state": "xyz"}


def test_a_client_without_the_code_grant(sap):
    response = Browser.of(sap).authorize("client-side",
                                         "http://localhost:9001/authorizationserver/oauth2_implicit_callback")
    assert response.status_code == 302
    assert query(response.headers["Location"])["error"] == "unauthorized_client"
