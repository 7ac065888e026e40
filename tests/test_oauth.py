"""The authorization server over HTTP, as Spartacus and Alokai call it."""
import base64

import jwt
import pytest
import requests

from fakesapcc.testing import FakeSAPCC

CUSTOMER = "mark.rivers@pronto-hw.com"
PASSWORD = "Password123!"


def token_request(sapcc, data, auth=None):
    return requests.post(f"{sapcc.oauth_url}/oauth/token", data=data, auth=auth, timeout=10)


def login(sapcc, username=CUSTOMER, password=PASSWORD, client=("mobile_android", "secret")):
    return token_request(sapcc, {"grant_type": "password", "username": username, "password": password,
                                 "client_id": client[0], "client_secret": client[1]})


def get_user(sapcc, token, user="current"):
    return requests.get(f"{sapcc.occ_url}/electronics-spa/users/{user}",
                        headers={"Authorization": f"Bearer {token}"}, timeout=10)


# -- grants -----------------------------------------------------------------------------------


def test_password_grant_with_form_client_credentials(sapcc):
    response = login(sapcc)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["access_token", "token_type", "refresh_token", "expires_in", "scope"]
    assert body["token_type"] == "bearer" and body["scope"] == "basic"
    assert 43190 <= body["expires_in"] <= 43200
    assert body["access_token"] != body["refresh_token"]
    assert get_user(sapcc, body["access_token"]).json()["uid"] == CUSTOMER


def test_password_grant_with_http_basic_and_mixed_case_username(sapcc):
    response = token_request(sapcc, {"grant_type": "password", "username": CUSTOMER.upper(),
                                     "password": PASSWORD}, auth=("mobile_android", "secret"))
    assert response.status_code == 200
    assert get_user(sapcc, response.json()["access_token"]).json()["uid"] == CUSTOMER


def test_public_client_needs_no_secret(sapcc):
    response = token_request(sapcc, {"grant_type": "password", "client_id": "asm_client",
                                     "username": "asagent", "password": "pw4all"})
    assert response.status_code == 200


def test_client_credentials_has_no_refresh_token_and_extended_scope(sapcc):
    response = token_request(sapcc, {"grant_type": "client_credentials", "client_id": "trusted_client",
                                     "client_secret": "secret"})
    body = response.json()
    assert response.status_code == 200 and "refresh_token" not in body
    assert body["scope"] == "extended" and body["token_type"] == "bearer"
    # a trusted client may read any user
    assert get_user(sapcc, body["access_token"], CUSTOMER).json()["uid"] == CUSTOMER


def test_requested_scope_must_be_the_clients(sapcc):
    ok = token_request(sapcc, {"grant_type": "client_credentials", "client_id": "trusted_client",
                               "client_secret": "secret", "scope": "extended"})
    assert ok.json()["scope"] == "extended"
    bad = token_request(sapcc, {"grant_type": "client_credentials", "client_id": "mobile_android",
                                "client_secret": "secret", "scope": "admin"})
    assert bad.status_code == 400 and bad.json() == {"error": "invalid_scope", "error_description": "Invalid scope: admin"}


def test_refresh_rotates_and_kills_the_old_tokens(sapcc):
    first = login(sapcc).json()
    response = token_request(sapcc, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                                     "client_id": "mobile_android", "client_secret": "secret"})
    second = response.json()
    assert response.status_code == 200
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert get_user(sapcc, second["access_token"]).status_code == 200
    old = get_user(sapcc, first["access_token"])
    assert old.status_code == 401 and old.json()["errors"][0]["type"] == "InvalidTokenError"
    again = token_request(sapcc, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                                  "client_id": "mobile_android", "client_secret": "secret"})
    assert again.status_code == 400
    assert again.json() == {"error": "invalid_grant",
                            "error_description": f"Invalid refresh token: {first['refresh_token']}"}


def test_expired_refresh_token(sapcc):
    refresh = login(sapcc).json()["refresh_token"]
    sapcc.advance_clock(2592000 + 1)
    response = token_request(sapcc, {"grant_type": "refresh_token", "refresh_token": refresh,
                                     "client_id": "mobile_android", "client_secret": "secret"})
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_token",
                               "error_description": f"Invalid refresh token (expired): {refresh}"}


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("data, auth, status, body", [
    ({"grant_type": "password", "username": CUSTOMER, "password": "wrong", "client_id": "mobile_android",
      "client_secret": "secret"}, None, 400, {"error": "invalid_grant", "error_description": "Bad credentials"}),
    ({"grant_type": "password", "username": "nobody@example.com", "password": "x", "client_id": "mobile_android",
      "client_secret": "secret"}, None, 400, {"error": "invalid_grant", "error_description": "Bad credentials"}),
    ({"grant_type": "password", "username": "kenji.watanabe@example.jp", "password": PASSWORD,
      "client_id": "mobile_android", "client_secret": "secret"}, None, 400,
     {"error": "invalid_grant", "error_description": "User is disabled"}),
    ({"grant_type": "password", "username": "haruka.ito@example.jp", "password": PASSWORD,
      "client_id": "mobile_android", "client_secret": "secret"}, None, 400,
     {"error": "invalid_grant", "error_description": "User is disabled"}),
    ({"grant_type": "password", "username": CUSTOMER, "password": PASSWORD, "client_id": "mobile_android",
      "client_secret": "nope"}, None, 401, {"error": "invalid_client", "error_description": "Bad client credentials"}),
    ({"grant_type": "password", "username": CUSTOMER, "password": PASSWORD, "client_id": "no_such_client"},
     None, 401, {"error": "invalid_client", "error_description": "Bad client credentials"}),
    ({"grant_type": "password", "username": CUSTOMER, "password": PASSWORD}, ("mobile_android", "nope"),
     401, {"error": "unauthorized", "error_description": "Bad credentials"}),
    ({"grant_type": "password", "username": CUSTOMER, "password": PASSWORD, "client_id": "client-side",
      "client_secret": "secret"}, None, 401,
     {"error": "invalid_client", "error_description": "Unauthorized grant type: password"}),
    ({"grant_type": "magic", "client_id": "mobile_android", "client_secret": "secret"}, None, 400,
     {"error": "unsupported_grant_type", "error_description": "Unsupported grant type: magic"}),
    ({"client_id": "mobile_android", "client_secret": "secret"}, None, 400,
     {"error": "invalid_request", "error_description": "Missing grant type"}),
    ({"grant_type": "refresh_token", "refresh_token": "not-a-token", "client_id": "mobile_android",
      "client_secret": "secret"}, None, 400,
     {"error": "invalid_grant", "error_description": "Invalid refresh token: not-a-token"}),
])
def test_token_endpoint_errors(sapcc, data, auth, status, body):
    response = token_request(sapcc, data, auth)
    assert (response.status_code, response.json()) == (status, body)


def test_basic_failure_carries_www_authenticate(sapcc):
    response = token_request(sapcc, {"grant_type": "client_credentials"}, ("mobile_android", "x"))
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_token_endpoint_only_takes_post(sapcc):
    response = requests.get(f"{sapcc.oauth_url}/oauth/token", timeout=10)
    assert response.status_code == 405


# -- bearer tokens on OCC ---------------------------------------------------------------------


def test_unknown_token_is_invalid_token_error(sapcc):
    response = get_user(sapcc, "no-such-token")
    assert response.status_code == 401
    assert response.json() == {"errors": [{"message": "Invalid access token: no-such-token",
                                           "type": "InvalidTokenError"}]}


def test_expired_access_token_by_the_servers_clock(sapcc):
    token = login(sapcc).json()["access_token"]
    sapcc.advance_clock(43200 + 1)
    response = get_user(sapcc, token)
    assert response.status_code == 401
    assert response.json() == {"errors": [{"message": f"Access token expired: {token}", "type": "InvalidTokenError"}]}
    assert get_user(sapcc, token).json()["errors"][0]["message"] == f"Invalid access token: {token}"


CLIENT_FORM = {"client_id": "mobile_android", "client_secret": "secret"}


def revoke(sapcc, token, hint=None, client=CLIENT_FORM):
    data = {"token": token, **client, **({"token_type_hint": hint} if hint else {})}
    return requests.post(f"{sapcc.oauth_url}/oauth/revoke", data=data, timeout=10)


def test_revoke_access_token_then_refresh_token_of_another_login(sapcc):
    first = login(sapcc).json()
    second = login(sapcc, client=("trusted_client", "secret")).json()
    response = revoke(sapcc, first["access_token"], "access_token")
    assert response.status_code == 200 and response.content == b""
    assert get_user(sapcc, first["access_token"]).status_code == 401
    assert get_user(sapcc, second["access_token"]).status_code == 200  # other sessions live on
    # revoking an access token also revokes its refresh token
    dead = token_request(sapcc, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                                 "client_id": "mobile_android", "client_secret": "secret"})
    assert dead.status_code == 400
    revoke(sapcc, second["refresh_token"], "refresh_token",
           {"client_id": "trusted_client", "client_secret": "secret"})
    assert get_user(sapcc, second["access_token"]).status_code == 401


def test_revoke_unknown_token_is_200_and_missing_token_400(sapcc):
    assert revoke(sapcc, "x").status_code == 200
    missing = requests.post(f"{sapcc.oauth_url}/oauth/revoke", data=CLIENT_FORM, timeout=10)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"


# -- configuration ----------------------------------------------------------------------------


def test_lifetimes_come_from_properties():
    sap = FakeSAPCC(live=False, properties={"oauth2.accessTokenValiditySeconds": "60"})
    response = sap.client.post("/authorizationserver/oauth/token", data={
        "grant_type": "password", "username": CUSTOMER, "password": PASSWORD,
        "client_id": "mobile_android", "client_secret": "secret"})
    assert response.json["expires_in"] == 60


def test_jwt_tokens_are_signed_published_and_still_revocable():
    sap = FakeSAPCC(live=False, token_format="jwt")
    client = sap.client
    token = client.post("/authorizationserver/oauth/token", data={
        "grant_type": "password", "username": "asagent", "password": "pw4all",
        "client_id": "mobile_android", "client_secret": "secret"}).json["access_token"]
    jwks = client.get("/authorizationserver/oauth2/jwks").json
    key = jwt.PyJWKSet.from_dict(jwks).keys[0].key
    claims = jwt.decode(token, key, algorithms=["RS256"])
    assert claims["sub"] == "asagent" and claims["client_id"] == "mobile_android"
    assert claims["scope"] == "basic" and "ROLE_ASAGENTGROUP" in claims["authorities"]
    assert claims["exp"] - claims["iat"] == 43200
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/occ/v2/electronics-spa/users/current", headers=headers).status_code == 200
    client.post("/authorizationserver/oauth/revoke", data={"token": token, **CLIENT_FORM})
    assert client.get("/occ/v2/electronics-spa/users/current", headers=headers).status_code == 401


def test_no_jwks_for_opaque_tokens(sapcc):
    response = requests.get(f"{sapcc.oauth_url}/oauth2/jwks", timeout=10)
    assert response.status_code == 404 and response.json()["errors"][0]["type"] == "UnknownResourceError"


# -- the flows of real clients ----------------------------------------------------------------


def test_spartacus_token_flows(sapcc):
    """Login (password), registration token (client_credentials), refresh, logout (revoke)."""
    client = {"client_id": "mobile_android", "client_secret": "secret"}
    anonymous = token_request(sapcc, {**client, "grant_type": "client_credentials"}).json()
    assert anonymous["access_token"] and "refresh_token" not in anonymous
    user = token_request(sapcc, {**client, "grant_type": "password", "username": CUSTOMER,
                                 "password": PASSWORD, "scope": ""}).json()
    refreshed = token_request(sapcc, {**client, "grant_type": "refresh_token",
                                      "refresh_token": user["refresh_token"]}).json()
    logout = requests.post(f"{sapcc.oauth_url}/oauth/revoke",
                           data={**client, "token": refreshed["access_token"], "token_type_hint": "access_token"},
                           headers={"Authorization": f"Bearer {refreshed['access_token']}"}, timeout=10)
    assert logout.status_code == 200
    assert get_user(sapcc, refreshed["access_token"]).status_code == 401


def test_alokai_sign_user_in(sapcc):
    """Alokai's signUserIn: username/password with the middleware's client, Basic-authenticated."""
    auth = base64.b64encode(b"mobile_android:secret").decode()
    response = requests.post(f"{sapcc.oauth_url}/oauth/token",
                             data={"grant_type": "password", "username": CUSTOMER, "password": PASSWORD},
                             headers={"Authorization": f"Basic {auth}"}, timeout=10)
    assert response.status_code == 200 and response.json()["refresh_token"]


def test_a_refused_refresh_changes_nothing(sapcc):
    tokens = login(sapcc).json()
    wrong = token_request(sapcc, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                  "client_id": "trusted_client", "client_secret": "secret"})
    assert wrong.status_code == 400
    assert wrong.json() == {"error": "invalid_grant",
                            "error_description": f"Wrong client for this refresh token: {tokens['refresh_token']}"}
    assert get_user(sapcc, tokens["access_token"]).status_code == 200  # still logged in
    right = token_request(sapcc, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                  "client_id": "mobile_android", "client_secret": "secret"})
    assert right.status_code == 200
