"""The holes a hostile caller finds, closed: one regression test each, asserting SAP's status
and body and that nothing was stored or revoked.

- the control plane answers only to loopback Host names and ``--allowed-host`` (DNS rebinding);
- ``/oauth/revoke`` needs client authentication and refuses another client's token;
- a bearer value is never echoed into ``WWW-Authenticate``;
- request bodies and header blocks are bounded (413, 400) before anything is parsed;
- URLs handed out come from configuration, never from the request's Host;
- tokens do not pile up: classic token reuse and eviction on the server clock.
"""
from __future__ import annotations

import requests

import spec
from fakesapcc.testing import FakeSAPCC

CUSTOMER = "mark.rivers@pronto-hw.com"
PASSWORD = "Password123!"
CLIENT = {"client_id": "mobile_android", "client_secret": "secret"}
TRUSTED = {"client_id": "trusted_client", "client_secret": "secret"}
USER = "/occ/v2/electronics-spa/users/current"
REBIND = "http://rebind.example:9001"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(client, username=CUSTOMER, password=PASSWORD, creds=CLIENT):
    return client.post("/authorizationserver/oauth/token", data={
        "grant_type": "password", "username": username, "password": password, **creds})


def tokens_of(sapcc: FakeSAPCC, uid: str) -> list:
    return [t for t in sapcc.runtime.db.state.access_tokens.values() if t.userUid == uid]


# -- the control plane and DNS rebinding --------------------------------------------------------


def test_the_control_plane_refuses_a_host_that_is_not_loopback(sapcc):
    client = sapcc.client
    token = sapcc.customer_token(CUSTOMER)
    for method, path in (("post", "/_fakesapcc/reset"), ("get", "/_fakesapcc/snapshot"),
                         ("post", "/_fakesapcc/impex"), ("get", "/_fakesapcc/nowhere")):
        response = getattr(client, method)(path, base_url=REBIND, data="x",
                                           headers={"Origin": REBIND})
        assert response.status_code == 403, path
        assert response.json == {"errors": [{
            "type": "ForbiddenError",
            "message": "The control plane answers only to loopback Host names and those of "
                       "--allowed-host, not 'rebind.example'"}]}
    # nothing was reset: the token still works; health still answers for probes
    assert client.get(USER, headers=bearer(token)).status_code == 200
    assert client.get("/_fakesapcc/health", base_url=REBIND).status_code == 200
    for name in ("http://localhost:9001", "http://127.0.0.1:9001", "http://[::1]:9001"):
        assert client.get("/_fakesapcc/health", base_url=name).status_code == 200
        assert client.get("/_fakesapcc/config", base_url=name).status_code == 200, name


def test_the_live_control_plane_refuses_a_forged_host_header(sapcc):
    response = requests.post(f"{sapcc.admin_url}/reset", headers={"Host": "rebind.example"},
                             timeout=10)
    assert response.status_code == 403 and response.json()["errors"][0]["type"] == "ForbiddenError"


def test_allowed_hosts_open_the_control_plane_to_a_service_name():
    sap = FakeSAPCC(live=False, allowed_hosts=["sapcc"])
    assert sap.client.get("/_fakesapcc/config", base_url="http://sapcc:9001").status_code == 200
    assert sap.client.get("/_fakesapcc/config", base_url=REBIND).status_code == 403
    assert sap.client.get("/_fakesapcc/config", base_url="http://SAPCC").status_code == 200


# -- revocation -----------------------------------------------------------------------------


def test_revoke_needs_client_authentication_and_the_token_stays_alive(sapcc):
    client = sapcc.client
    token = login(client).json["access_token"]
    response = client.post("/authorizationserver/oauth/revoke", data={"token": token})
    assert response.status_code == 401
    assert response.json == {"error": "invalid_client", "error_description": "Bad client credentials"}
    wrong = client.post("/authorizationserver/oauth/revoke",
                        data={"token": token, "client_id": "mobile_android", "client_secret": "x"})
    assert wrong.status_code == 401
    basic = client.post("/authorizationserver/oauth/revoke", data={"token": token},
                        auth=("mobile_android", "nope"))
    assert basic.status_code == 401 and basic.json["error"] == "unauthorized"
    assert client.get(USER, headers=bearer(token)).status_code == 200


def test_revoke_refuses_the_token_of_another_client(sapcc):
    client = sapcc.client
    tokens = login(client).json
    for value in (tokens["access_token"], tokens["refresh_token"]):
        response = client.post("/authorizationserver/oauth/revoke", data={"token": value, **TRUSTED})
        assert response.status_code == 400
        assert response.json == {"error": "invalid_client",
                                 "error_description": "The token was not issued to this client"}
    assert client.get(USER, headers=bearer(tokens["access_token"])).status_code == 200
    # its own client revokes it, as Spartacus calls it (a Bearer header and the form's client)
    ok = client.post("/authorizationserver/oauth/revoke", headers=bearer(tokens["access_token"]),
                     data={"token": tokens["access_token"], "token_type_hint": "access_token",
                           **CLIENT})
    assert ok.status_code == 200 and ok.data == b""
    assert client.get(USER, headers=bearer(tokens["access_token"])).status_code == 401


def test_revoke_on_the_authorization_server_profile():
    sap = FakeSAPCC(live=False, oauth_profile="authorization-server")
    token = sap.customer_token(CUSTOMER)
    url = "/authorizationserver/oauth/revoke"
    assert sap.client.post(url, data={"token": token}).json == {"error": "invalid_client"}
    other = sap.client.post(url, data={"token": token}, auth=("trusted_client", "secret"))
    assert (other.status_code, other.json) == (400, {"error": "invalid_client"})
    assert sap.client.get(USER, headers=bearer(token)).status_code == 200
    assert sap.client.post(url, data={"token": token}, auth=("mobile_android", "secret")).status_code == 200
    assert sap.client.get(USER, headers=bearer(token)).status_code == 401


# -- bearer values are not echoed -----------------------------------------------------------------


def test_a_bearer_value_is_never_echoed_into_www_authenticate(sapcc):
    value = "x" * 6000
    response = sapcc.client.get(USER, headers=bearer(value))
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge == ('Bearer realm="hybris", error="invalid_token", '
                         'error_description="Invalid access token"')
    assert response.json["errors"][0]["type"] == "InvalidTokenError"
    token = sapcc.customer_token(CUSTOMER)
    sapcc.advance_clock(43201)
    expired = sapcc.client.get(USER, headers=bearer(token))
    assert token not in expired.headers["WWW-Authenticate"]
    assert expired.headers["WWW-Authenticate"].endswith('error_description="Access token expired"')


# -- limits ---------------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413_in_saps_envelope_and_nothing_is_stored(sapcc):
    token = sapcc.customer_token(CUSTOMER)
    before = sapcc.client.get(USER, headers=bearer(token)).json["firstName"]
    big = '{"firstName": "' + "A" * (4 * 1024 * 1024) + '"}'
    response = sapcc.client.patch(USER, data=big, content_type="application/json",
                                  headers=bearer(token))
    assert response.status_code == 413
    assert response.json == {"errors": [{
        "type": "PayloadTooLargeError", "reason": "tooLarge", "subject": "body",
        "subjectType": "request",
        "message": f"Request body of {len(big)} bytes is larger than the limit of 4194304 bytes"}]}
    assert sapcc.client.get(USER, headers=bearer(token)).json["firstName"] == before
    # the OAuth endpoints answer in their own shape
    oauth = sapcc.client.post("/authorizationserver/oauth/token", data="a=" + "b" * 4194304,
                              content_type="application/x-www-form-urlencoded")
    assert oauth.status_code == 413 and oauth.json["error"] == "invalid_request"
    # a body a little under the limit is read
    fine = sapcc.client.patch(USER, json={"firstName": "Marek", "pad": "x" * 1000},
                              headers=bearer(token))
    assert fine.status_code == 200


def test_a_chunked_body_over_the_limit_is_cut_and_refused():
    with FakeSAPCC(max_body_size=2048) as sap:
        token = sap.customer_token(CUSTOMER)

        def chunks():
            yield b'{"firstName": "'
            for _ in range(10):
                yield b"A" * 1024
            yield b'"}'

        response = requests.patch(f"{sap.occ_url}/electronics-spa/users/current", data=chunks(),
                                  headers={**bearer(token), "Content-Type": "application/json"},
                                  timeout=10)
        assert response.status_code == 413
        assert response.json()["errors"][0]["type"] == "PayloadTooLargeError"
        user = requests.get(f"{sap.occ_url}/electronics-spa/users/current", headers=bearer(token),
                            timeout=10).json()
        assert user["firstName"] == "Mark"


def test_the_header_block_is_bounded_as_tomcat_bounds_it(sapcc):
    response = sapcc.client.get("/occ/v2/electronics-spa/products/300938",
                                headers={"X-Padding": "p" * 9000})
    assert response.status_code == 400
    assert response.json["errors"][0]["type"] == "RequestHeaderTooLargeError"
    # a 70 KB bearer value never reaches the token check, nor any header of the answer
    huge = sapcc.client.get(USER, headers=bearer("y" * 70_000))
    assert huge.status_code == 400 and "WWW-Authenticate" not in huge.headers
    assert sapcc.client.get("/occ/v2/electronics-spa/products/300938",
                            headers={"X-Padding": "p" * 4000}).status_code == 200


def test_the_control_plane_has_no_body_limit(sapcc):
    config = sapcc.runtime.config
    limit, config.max_body_size = config.max_body_size, 1024
    try:
        text = "INSERT_UPDATE Title;code[unique=true]\n" + "".join(f";t{i:04d}\n" for i in range(300))
        response = sapcc.client.post("/_fakesapcc/impex", data=text, content_type="text/plain")
        assert response.status_code == 200, response.json
        refused = sapcc.client.post("/occ/v2/electronics-spa/users", data=text,
                                    content_type="application/json")
        assert refused.status_code == 413
    finally:
        config.max_body_size = limit


# -- URLs from configuration ----------------------------------------------------------------------


def sop_post_url(sap: FakeSAPCC, base_url: str) -> str:
    client = sap.client
    token = sap.customer_token(CUSTOMER)
    cart = client.post("/occ/v2/electronics-spa/users/current/carts", headers=bearer(token)).json
    response = client.get(f"/occ/v2/electronics-spa/users/current/carts/{cart['code']}"
                          "/payment/sop/request?responseUrl=x", headers=bearer(token),
                          base_url=base_url)
    assert response.status_code == 200, response.json
    spec.check(response)
    return response.json["postUrl"]


def test_the_sop_post_url_comes_from_configuration_not_from_the_host(sapcc):
    url = sop_post_url(sapcc, "http://evil.example")
    assert url == f"{sapcc.base_url}/acceleratorservices/sop-mock/process"
    configured = FakeSAPCC(live=False, public_url="https://shop.example:9002/")
    assert sop_post_url(configured, "http://evil.example") == \
        "https://shop.example:9002/acceleratorservices/sop-mock/process"


# -- tokens do not pile up ------------------------------------------------------------------------


def test_a_login_storm_holds_one_token_and_a_clock_jump_evicts_it(sapcc):
    client = sapcc.client
    first = login(client).json
    values = {first["access_token"]}
    for _ in range(1999):
        body = login(client).json
        values.add(body["access_token"])
        assert body["refresh_token"] == first["refresh_token"]
    # DefaultTokenServices: the same still-valid token for the same user, client and scope
    assert values == {first["access_token"]}
    assert len(tokens_of(sapcc, CUSTOMER)) == 1
    sapcc.advance_clock(43201)
    fresh = login(client).json
    assert fresh["access_token"] not in values and fresh["expires_in"] == 43200
    assert len(tokens_of(sapcc, CUSTOMER)) == 1
    refreshes = [t for t in sapcc.runtime.db.state.refresh_tokens.values() if t.userUid == CUSTOMER]
    assert len(refreshes) == 1


def test_reuse_is_per_client_and_scope_and_revoking_logs_out_every_holder(sapcc):
    client = sapcc.client
    a, b = login(client).json, login(client).json
    other = login(client, creds=TRUSTED).json
    assert a["access_token"] == b["access_token"] != other["access_token"]
    assert b["expires_in"] <= a["expires_in"]
    client.post("/authorizationserver/oauth/revoke", data={"token": a["access_token"], **CLIENT})
    assert client.get(USER, headers=bearer(b["access_token"])).status_code == 401
    assert client.get(USER, headers=bearer(other["access_token"])).status_code == 200
    creds = {"grant_type": "client_credentials", **CLIENT}
    c1 = client.post("/authorizationserver/oauth/token", data=creds).json["access_token"]
    c2 = client.post("/authorizationserver/oauth/token", data=creds).json["access_token"]
    assert c1 == c2


def test_the_authorization_server_profile_mints_new_tokens():
    sap = FakeSAPCC(live=False, oauth_profile="authorization-server")
    assert sap.customer_token(CUSTOMER) != sap.customer_token(CUSTOMER)
    creds = {"grant_type": "client_credentials"}
    tokens = {sap.client.post("/authorizationserver/oauth/token", data=creds,
                              auth=("mobile_android", "secret")).json["access_token"]
              for _ in range(2)}
    assert len(tokens) == 2


def test_expired_tokens_are_evicted_on_the_server_clock_without_being_used(sapcc):
    stale = sapcc.customer_token(CUSTOMER)
    sapcc.advance_clock(43201)
    sapcc.client_token()  # any issue sweeps
    assert stale not in sapcc.runtime.db.state.access_tokens
    assert tokens_of(sapcc, CUSTOMER) == []


# -- fidelity edges -----------------------------------------------------------------------------


def test_a_body_without_content_type_is_not_read_as_json(sapcc):
    token = sapcc.customer_token(CUSTOMER)
    response = sapcc.client.patch(USER, data='{"firstName": "Nobody"}', headers=bearer(token))
    assert response.status_code == 415
    assert response.json == {"errors": [{
        "type": "HttpMediaTypeNotSupportedError",
        "message": "Content type 'application/octet-stream' not supported"}]}
    assert sapcc.client.get(USER, headers=bearer(token)).json["firstName"] == "Mark"


def test_saved_carts_only_is_typed(sapcc):
    token = sapcc.customer_token(CUSTOMER)
    response = sapcc.client.get("/occ/v2/electronics-spa/users/current/carts?savedCartsOnly=xyz",
                                headers=bearer(token))
    assert response.status_code == 400
    assert response.json["errors"][0]["subject"] == "savedCartsOnly"
