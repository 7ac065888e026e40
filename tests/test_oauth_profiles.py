"""The OAuth profile switch: what the authorization-server profile (Spring Authorization Server,
SAP's Framework Update) answers where the classic one (tests/test_oauth.py) answers otherwise,
what picks the profile, and what Alokai's and Spartacus' start-up probes see."""
from __future__ import annotations

import jwt
import pytest

import click

from fakesapcc.cli import config_from, serve
from fakesapcc.config import AUTHORIZATION_SERVER, CLASSIC, ConfigError, build_config
from fakesapcc.testing import FakeSAPCC
from oauthflow import LOGIN, SPARTACUS, Browser, current_user, exchange, query

TOKEN = "/authorizationserver/oauth/token"
RFC6749_5_2 = "https://datatracker.ietf.org/doc/html/rfc6749#section-5.2"
WELL_KNOWN = ("/authorizationserver/.well-known/openid-configuration",
              "/authorizationserver/.well-known/oauth-authorization-server")


@pytest.fixture(scope="module")
def server():
    return FakeSAPCC(live=False, oauth_profile=AUTHORIZATION_SERVER)


@pytest.fixture
def sap(server):
    server.reset()
    yield server
    server.raise_server_errors()


def post_token(sap, data, auth=None):
    headers = {}
    if auth is not None:
        import base64
        headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    return sap.client.post(TOKEN, data=data, headers=headers)


# -- the token endpoint, in Spring Authorization Server's words -------------------------------

@pytest.mark.parametrize("data, auth, status, body", [
    # the password grant is not offered: a known client gets unsupported_grant_type
    ({"grant_type": "password", "username": "mark.rivers@pronto-hw.com", "password": "Password123!",
      "client_id": "mobile_android", "client_secret": "secret"}, None, 400,
     {"error": "unsupported_grant_type", "error_description": "OAuth 2.0 Parameter: grant_type",
      "error_uri": RFC6749_5_2}),
    ({"grant_type": "password", "username": "asagent", "password": "pw4all"},
     ("mobile_android", "secret"), 400,
     {"error": "unsupported_grant_type", "error_description": "OAuth 2.0 Parameter: grant_type",
      "error_uri": RFC6749_5_2}),
    # a public client is no client outside the code flow (and its refresh)
    ({"grant_type": "password", "username": "asagent", "password": "pw4all", "client_id": "asm_client"},
     None, 401, {"error": "invalid_client"}),
    ({"grant_type": "client_credentials", "client_id": "mobile_android", "client_secret": "nope"},
     None, 401, {"error": "invalid_client"}),
    ({"grant_type": "client_credentials"}, ("mobile_android", "nope"), 401, {"error": "invalid_client"}),
    ({"grant_type": "client_credentials", "client_id": "no_such_client", "client_secret": "x"},
     None, 401, {"error": "invalid_client"}),
    ({"grant_type": "client_credentials", "client_id": "mobile_android"}, None, 401,
     {"error": "invalid_client"}),
    ({"client_id": "mobile_android", "client_secret": "secret"}, None, 400,
     {"error": "invalid_request", "error_description": "OAuth 2.0 Parameter: grant_type",
      "error_uri": RFC6749_5_2}),
    ({"grant_type": "magic", "client_id": "mobile_android", "client_secret": "secret"}, None, 400,
     {"error": "unsupported_grant_type", "error_description": "OAuth 2.0 Parameter: grant_type",
      "error_uri": RFC6749_5_2}),
    ({"grant_type": "refresh_token", "refresh_token": "x", "client_id": "client-side",
      "client_secret": "secret"}, None, 400, {"error": "unauthorized_client"}),
    ({"grant_type": "client_credentials", "scope": "admin", "client_id": "mobile_android",
      "client_secret": "secret"}, None, 400, {"error": "invalid_scope"}),
    ({"grant_type": "refresh_token", "refresh_token": "not-a-token", "client_id": "mobile_android",
      "client_secret": "secret"}, None, 400, {"error": "invalid_grant"}),
])
def test_token_endpoint_errors(sap, data, auth, status, body):
    response = post_token(sap, data, auth)
    assert (response.status_code, response.json) == (status, body)


def test_client_credentials_answer_as_spring_authorization_server(sap):
    response = post_token(sap, {"grant_type": "client_credentials"}, ("trusted_client", "secret"))
    body = response.json
    assert list(body) == ["access_token", "scope", "token_type", "expires_in"]
    assert body["token_type"] == "Bearer" and body["scope"] == "extended"


def test_an_expired_refresh_token_is_invalid_grant_not_invalid_token(sap):
    refresh = exchange(sap, Browser.of(sap).code()).json["refresh_token"]
    sap.advance_clock(2592000 + 1)
    response = post_token(sap, {"grant_type": "refresh_token", "refresh_token": refresh,
                                "client_id": "mobile_android", "client_secret": "secret"})
    assert (response.status_code, response.json) == (400, {"error": "invalid_grant"})


def test_refresh_of_another_clients_token(sap):
    refresh = exchange(sap, Browser.of(sap).code()).json["refresh_token"]
    response = post_token(sap, {"grant_type": "refresh_token", "refresh_token": refresh,
                                "client_id": "trusted_client", "client_secret": "secret"})
    assert (response.status_code, response.json) == (400, {"error": "invalid_grant"})


def test_revoke_without_a_token(sap):
    response = sap.client.post("/authorizationserver/oauth/revoke", data={},
                               auth=("mobile_android", "secret"))
    assert response.status_code == 400
    assert response.json == {"error": "invalid_request",
                             "error_description": "OAuth 2.0 Token Revocation Parameter: token",
                             "error_uri": "https://datatracker.ietf.org/doc/html/rfc7009#section-2.1"}


def test_access_tokens_are_jwts_with_spring_authorization_servers_claims(sap):
    tokens = exchange(sap, Browser.of(sap).code()).json
    jwks = sap.client.get("/authorizationserver/oauth2/jwks").json
    key = jwt.PyJWKSet.from_dict(jwks).keys[0].key
    claims = jwt.decode(tokens["access_token"], key, algorithms=["RS256"], audience="mobile_android")
    assert set(claims) == {"iss", "sub", "aud", "nbf", "scope", "iat", "exp", "jti", "client_id"}
    assert claims["iss"] == "http://localhost/authorizationserver"
    assert claims["sub"] == "mark.rivers@pronto-hw.com" and claims["aud"] == ["mobile_android"]
    assert claims["scope"] == ["basic"] and claims["exp"] - claims["iat"] == 43200
    assert jwt.get_unverified_header(tokens["access_token"])["kid"] == jwks["keys"][0]["kid"]
    # validated by lookup: revoked, it is refused although its signature is good
    assert current_user(sap, tokens["access_token"]).status_code == 200
    sap.client.post("/authorizationserver/oauth/revoke", data={"token": tokens["access_token"]},
                    auth=("mobile_android", "secret"))
    assert current_user(sap, tokens["access_token"]).status_code == 401


def test_the_harness_tokens_work_without_a_password_grant(sap):
    token = sap.customer_token("mark.rivers@pronto-hw.com")
    assert current_user(sap, token).json["uid"] == "mark.rivers@pronto-hw.com"
    agent = sap.agent_token()
    assert sap.client.get("/assistedservicewebservices/customers/search?baseSite=electronics-spa",
                          headers={"Authorization": f"Bearer {agent}"}).status_code == 200


# -- discovery: what a client probes at start-up ----------------------------------------------


@pytest.mark.parametrize("path", WELL_KNOWN)
def test_the_discovery_metadata(sap, path):
    response = sap.client.get(path)
    assert response.status_code == 200
    body = response.json
    base = "http://localhost/authorizationserver"
    assert body["issuer"] == base
    assert body["authorization_endpoint"] == f"{base}/oauth/authorize"
    assert body["token_endpoint"] == f"{base}/oauth/token"
    assert body["revocation_endpoint"] == f"{base}/oauth/revoke"
    assert body["jwks_uri"] == f"{base}/oauth2/jwks"
    assert body["response_types_supported"] == ["code"]
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert "password" not in body["grant_types_supported"]
    assert set(body["grant_types_supported"]) == {"authorization_code", "client_credentials",
                                                  "refresh_token"}
    assert "none" in body["token_endpoint_auth_methods_supported"]
    openid = path.endswith("openid-configuration")
    assert ("subject_types_supported" in body) is openid
    # every URL it names answers
    assert sap.client.get(body["jwks_uri"]).status_code == 200
    assert sap.client.get(body["authorization_endpoint"]).status_code == 400  # no parameters


def test_the_metadata_follows_the_host_the_client_called(sap):
    body = sap.client.get(WELL_KNOWN[0], base_url="https://shop.example:9002").json
    assert body["issuer"] == "https://shop.example:9002/authorizationserver"
    assert body["token_endpoint"].startswith("https://shop.example:9002/")


def test_the_classic_server_has_no_discovery_no_csrf_endpoint_and_no_jwks():
    sap = FakeSAPCC(live=False)
    for path in (*WELL_KNOWN, "/authorizationserver/csrf", "/authorizationserver/oauth2/jwks"):
        response = sap.client.get(path)
        assert response.status_code == 404
        assert response.json["errors"][0]["type"] == "UnknownResourceError"


def test_a_pkce_probe_at_the_authorize_endpoint_goes_to_the_login_page(sap):
    """An authorization request with an S256 challenge is taken (to the login page), not
    refused: the server supports PKCE."""
    response = Browser.of(sap).authorize("mobile_android")
    assert response.status_code == 302 and response.headers["Location"].endswith(LOGIN)


# -- custom login pages (Spartacus' own login form) -------------------------------------------


def test_a_client_with_a_custom_login_page_is_sent_there_and_gets_the_csrf_token(sap):
    browser = Browser.of(sap)
    response = browser.authorize("mobile_android_public", state="s1")
    assert response.status_code == 302
    assert response.headers["Location"] == "http://localhost:4200/login"
    csrf = browser.client.get("/authorizationserver/csrf",
                              headers={"Referer": "http://localhost:4200/login",
                                       "Origin": "http://localhost:4200"})
    assert csrf.status_code == 200, csrf.json
    assert set(csrf.json) == {"parameterName", "headerName", "token"}
    assert csrf.json["parameterName"] == "_csrf" and csrf.json["headerName"] == "X-CSRF-TOKEN"
    # the storefront's own form posts to the server's login
    refused = browser.client.post(LOGIN, data={"username": "mark.rivers@pronto-hw.com",
                                               "password": "wrong", "_csrf": csrf.json["token"]})
    assert refused.headers["Location"] == "http://localhost:4200/login?error=bad_credentials"
    signed_in = browser.client.post(LOGIN, data={"username": "mark.rivers@pronto-hw.com",
                                                 "password": "Password123!",
                                                 "_csrf": csrf.json["token"]})
    back = browser.client.get(signed_in.headers["Location"])
    params = query(back.headers["Location"])
    assert back.headers["Location"].startswith(f"{SPARTACUS}?code=") and params["state"] == "s1"
    tokens = exchange(sap, params["code"], client=("mobile_android_public", None))
    assert tokens.status_code == 200 and tokens.json["refresh_token"]


def test_the_csrf_endpoint_needs_a_pending_request_from_its_login_page(sap):
    alone = Browser.of(sap).client.get("/authorizationserver/csrf",
                                       headers={"Referer": "http://localhost:4200/login"})
    assert (alone.status_code, alone.json) == (400, {
        "error": "bad_request",
        "error_description": "No OAuth client related to request or custom login page URI not configured"})
    browser = Browser.of(sap)
    browser.authorize("mobile_android_public")
    elsewhere = browser.client.get("/authorizationserver/csrf",
                                   headers={"Referer": "https://evil.example/login"})
    assert (elsewhere.status_code, elsewhere.json) == (400, {
        "error": "bad_request", "error_description": "Login page configuration does not match the request"})
    builtin = Browser.of(sap)
    builtin.authorize("mobile_android")  # no custom login page
    assert builtin.client.get("/authorizationserver/csrf").status_code == 400


def test_a_storefront_reads_the_csrf_token_with_credentials_when_cors_allows_it():
    sap = FakeSAPCC(live=False, oauth_profile=AUTHORIZATION_SERVER, properties={
        "corsfilter.authorizationserver.allowedOrigins": "http://localhost:4200",
        "corsfilter.authorizationserver.allowCredentials": "true"})
    browser = Browser.of(sap)
    browser.authorize("mobile_android_public")
    response = browser.client.get("/authorizationserver/csrf", headers={
        "Origin": "http://localhost:4200", "Referer": "http://localhost:4200/login"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:4200"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


# -- what picks the profile -------------------------------------------------------------------


@pytest.mark.parametrize("version, profile, token_format", [
    ("2211", CLASSIC, "opaque"),
    ("2211.42", CLASSIC, "opaque"),
    ("2211-jdk21", AUTHORIZATION_SERVER, "jwt"),
    ("2211-jdk21.1", AUTHORIZATION_SERVER, "jwt"),
    ("2211-JDK21.4", AUTHORIZATION_SERVER, "jwt"),
])
def test_the_sap_version_picks_the_profile(version, profile, token_format):
    config = build_config({"sap_version": version}, env={})
    assert (config.oauth_profile, config.token_format) == (profile, token_format)
    assert config.prop_bool("toggle.customerList.enabled")  # the Framework Update is >= 2211.16
    assert f"OAuth {profile} ({token_format} tokens)" in config.flags_line()


def test_the_profile_by_flag_env_and_property_and_an_explicit_token_format(tmp_path):
    props = tmp_path / "local.properties"
    props.write_text("fakesapcc.oauth_profile=authorization-server\n")
    assert build_config({"properties_file": str(props)}, env={}).oauth_profile == AUTHORIZATION_SERVER
    env = {"FAKESAPCC_OAUTH_PROFILE": "classic"}
    assert build_config({"properties_file": str(props)}, env=env).oauth_profile == CLASSIC
    assert build_config({"sap_version": "2211-jdk21.1", "oauth_profile": "classic"},
                        env=env).oauth_profile == CLASSIC
    opaque = build_config({"oauth_profile": AUTHORIZATION_SERVER, "token_format": "opaque"}, env={})
    assert opaque.token_format == "opaque"
    with pytest.raises(ConfigError, match="OAuth profile must be classic or authorization-server"):
        build_config({"oauth_profile": "keycloak"}, env={})
    with pytest.raises(ConfigError, match="2211-jdk21.1"):
        build_config({"sap_version": "jdk21"}, env={})


def test_the_cli_flag():
    given = serve.make_context("serve", ["--oauth-profile", "authorization-server"])
    assert config_from(given.params).oauth_profile == AUTHORIZATION_SERVER
    assert serve.make_context("serve", []).params["oauth_profile"] is None  # the version decides
    with pytest.raises(click.UsageError):
        serve.make_context("serve", ["--oauth-profile", "keycloak"])


def test_the_readme_shows_the_committed_screenshot_of_the_login_page():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    picture = root / "docs" / "login-page.png"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](docs/login-page.png)" in (root / "README.md").read_text(encoding="utf-8")
