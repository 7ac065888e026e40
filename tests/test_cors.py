"""CORS per SAP web app, as ``corsfilter.<webapp>.*`` configures Spring's CorsFilter in SAP
Commerce, and the security headers SAP's web apps send. In-process: no socket."""
import pytest

from fakesapcc.api.cors import CorsPolicy, origin_pattern, policy
from fakesapcc.config import build_config
from fakesapcc.testing import FakeSAPCC

STOREFRONT = "http://localhost:4200"
ELSEWHERE = "http://evil.example"
OCC_USER = "/occ/v2/electronics-spa/users/current"
OCC_COUNTRIES = "/occ/v2/electronics-spa/countries?lang=en&curr=USD"
TOKEN = "/authorizationserver/oauth/token"
ASM_SEARCH = "/assistedservicewebservices/customers/search?baseSite=electronics-spa"
VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
OCC_METHODS = "GET,HEAD,OPTIONS,PATCH,PUT,POST,DELETE"
CORS_HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods",
                "Access-Control-Allow-Headers", "Access-Control-Expose-Headers",
                "Access-Control-Allow-Credentials", "Access-Control-Max-Age")


def preflight(client, path, origin=STOREFRONT, method="GET", headers=None):
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = headers
    return client.options(path, headers=request_headers)


def client_with(properties=None, **settings):
    """An app with no seed: the CORS layer answers before any endpoint reads data."""
    return FakeSAPCC(live=False, default_data=False, properties=properties or {},
                     **settings).client


def cors_headers(response):
    return {k: v for k, v in response.headers.items() if k in CORS_HEADERS}


def assert_rejected(response):
    assert response.status_code == 403
    assert response.data == b"Invalid CORS request"
    assert cors_headers(response) == {}
    assert response.headers["Vary"] == VARY


# -- preflights with SAP's defaults -----------------------------------------------------------


def test_occ_preflight_is_answered_without_authentication_or_body(sapcc_client):
    response = preflight(sapcc_client, OCC_USER, headers="authorization,content-type")
    assert response.status_code == 200 and response.data == b""
    assert "Content-Type" not in response.headers
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": STOREFRONT,
        "Access-Control-Allow-Methods": OCC_METHODS,
        "Access-Control-Allow-Headers": "authorization, content-type",
        "Access-Control-Expose-Headers": "x-anonymous-consents",
    }
    assert response.headers["Vary"] == VARY
    # the platform's XSS filter runs before the CORS filter, Spring Security after it
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "X-Content-Type-Options" not in response.headers


@pytest.mark.parametrize("path", [
    OCC_USER,  # needs a token
    "/occ/v2/no-such-site/users/current",  # an unknown base site
    "/occ/v2/electronics-spa/no/such/resource",  # no endpoint at all
])
def test_occ_preflight_never_runs_the_endpoint(sapcc_client, path):
    response = preflight(sapcc_client, path, method="POST", headers="authorization")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == STOREFRONT


@pytest.mark.parametrize("header", ["origin", "content-type", "accept", "authorization",
                                    "cache-control", "if-none-match", "x-anonymous-consents",
                                    "sap-commerce-cloud-user-id", "Authorization"])
def test_occ_allows_sap_and_storefront_headers(sapcc_client, header):
    response = preflight(sapcc_client, OCC_USER, headers=header)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Headers"] == header


def test_occ_allows_both_storefront_schemes(sapcc_client):
    response = preflight(sapcc_client, OCC_USER, origin="https://localhost:4200")
    assert response.headers["Access-Control-Allow-Origin"] == "https://localhost:4200"
    assert_rejected(preflight(sapcc_client, OCC_USER, origin="http://localhost:4201"))


def test_oauth_allows_any_origin_with_its_own_lists(sapcc_client):
    response = preflight(sapcc_client, TOKEN, origin=ELSEWHERE, method="POST",
                         headers="content-type,authorization")
    assert response.status_code == 200
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET,POST,HEAD,PUT,PATCH,DELETE,OPTIONS",
        "Access-Control-Allow-Headers": "content-type, authorization",
    }
    assert_rejected(preflight(sapcc_client, TOKEN, method="POST", headers="x-anonymous-consents"))


def test_asm_defaults(sapcc_client):
    response = preflight(sapcc_client, ASM_SEARCH, headers="authorization,x-anonymous-consents")
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": STOREFRONT,
        "Access-Control-Allow-Methods": OCC_METHODS,
        "Access-Control-Allow-Headers": "authorization, x-anonymous-consents",
        "Access-Control-Expose-Headers": "x-anonymous-consents",
    }
    # the emulated-user header goes to OCC, never to ASM
    assert_rejected(preflight(sapcc_client, ASM_SEARCH, headers="sap-commerce-cloud-user-id"))
    assert_rejected(preflight(sapcc_client, ASM_SEARCH, origin=ELSEWHERE))


# -- what is refused ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [OCC_USER, ASM_SEARCH])
def test_disallowed_origin_preflight_is_refused(sapcc_client, path):
    assert_rejected(preflight(sapcc_client, path, origin=ELSEWHERE, headers="authorization"))


def test_disallowed_origin_request_is_refused_and_not_executed(sapcc, sapcc_client,
                                                               customer_token):
    token = customer_token("mark.rivers@pronto-hw.com")
    response = sapcc_client.get(OCC_USER, headers={"Origin": ELSEWHERE,
                                                   "Authorization": f"Bearer {token}"})
    assert_rejected(response)
    response = sapcc_client.post(TOKEN, headers={"Origin": ELSEWHERE}, data={
        "grant_type": "password", "username": "mark.rivers@pronto-hw.com",
        "password": "Password123!", "client_id": "mobile_android", "client_secret": "secret"})
    assert response.status_code == 200  # the OAuth server allows any origin
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "get", ""])
def test_disallowed_method_preflight_is_refused(sapcc_client, method):
    assert_rejected(preflight(sapcc_client, OCC_USER, method=method))


def test_preflight_with_only_disallowed_headers_is_refused(sapcc_client):
    assert_rejected(preflight(sapcc_client, OCC_USER, headers="x-custom"))


def test_preflight_answers_the_allowed_subset_of_headers(sapcc_client):
    # Spring answers the headers it allows; the browser then refuses the request itself
    response = preflight(sapcc_client, OCC_USER, headers="authorization, x-custom")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Headers"] == "authorization"


def test_request_with_a_method_outside_the_list_is_refused():
    client = client_with({"corsfilter.commercewebservices.allowedMethods": "GET POST"})
    assert_rejected(client.delete(OCC_USER, headers={"Origin": STOREFRONT}))
    response = preflight(client, OCC_USER, method="POST")
    assert response.headers["Access-Control-Allow-Methods"] == "GET,POST"
    assert_rejected(preflight(client, OCC_USER, method="PUT"))


# -- actual requests ----------------------------------------------------------------------------


def test_allowed_request_carries_cors_and_security_headers(sapcc_client):
    response = sapcc_client.get(OCC_COUNTRIES, headers={"Origin": STOREFRONT})
    assert response.status_code == 200 and response.json["countries"]
    assert cors_headers(response) == {"Access-Control-Allow-Origin": STOREFRONT,
                                      "Access-Control-Expose-Headers": "x-anonymous-consents"}
    assert response.headers["Vary"] == VARY


def test_request_without_origin_gets_no_cors_headers(sapcc_client):
    response = sapcc_client.get(OCC_COUNTRIES)
    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert response.headers["Vary"] == VARY


def test_same_origin_request_is_not_a_cors_request(sapcc_client):
    # Origin equal to the server's own scheme, host and port: Spring lets it pass untouched
    response = sapcc_client.get(OCC_COUNTRIES, headers={"Origin": "http://localhost"})
    assert response.status_code == 200 and cors_headers(response) == {}
    response = preflight(sapcc_client, OCC_USER, origin="http://localhost:80")
    assert response.status_code == 200 and cors_headers(response) == {}


def test_paths_outside_the_web_apps_get_nothing(sapcc_client):
    response = sapcc_client.get("/favicon.ico", headers={"Origin": STOREFRONT})
    assert response.status_code == 404
    assert cors_headers(response) == {} and "Vary" not in response.headers
    assert "X-Frame-Options" not in response.headers


# -- properties -----------------------------------------------------------------------------


def test_custom_origins_replace_the_defaults():
    client = client_with({"corsfilter.commercewebservices.allowedOrigins":
                          "https://shop.example http://localhost:3000/"})
    assert preflight(client, OCC_USER, origin="https://shop.example").status_code == 200
    response = preflight(client, OCC_USER, origin="http://localhost:3000")
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert_rejected(preflight(client, OCC_USER, origin=STOREFRONT))
    # the other web apps keep theirs
    assert preflight(client, ASM_SEARCH, origin=STOREFRONT).status_code == 200


def test_any_origin():
    client = client_with({"corsfilter.assistedservicewebservices.allowedOrigins": "*"})
    response = preflight(client, ASM_SEARCH, origin=ELSEWHERE)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_credentials_with_any_origin_echo_the_origin():
    client = client_with({"corsfilter.commercewebservices.allowedOrigins": "*",
                          "corsfilter.commercewebservices.allowCredentials": "true"})
    for response in (preflight(client, OCC_USER, origin=ELSEWHERE),
                     client.get(OCC_USER, headers={"Origin": ELSEWHERE})):
        assert response.headers["Access-Control-Allow-Origin"] == ELSEWHERE
        assert response.headers["Access-Control-Allow-Credentials"] == "true"


def test_credentials_off_unless_true():
    client = client_with({"corsfilter.commercewebservices.allowCredentials": "yes"})
    assert "Access-Control-Allow-Credentials" not in preflight(client, OCC_USER).headers


def test_origin_patterns():
    client = client_with({"corsfilter.commercewebservices.allowedOrigins": "",
                          "corsfilter.commercewebservices.allowedOriginPatterns":
                          "https://*.shop.example http://127.0.0.1:[*]"})
    for origin in ("https://de.shop.example", "http://127.0.0.1:4200", "http://127.0.0.1"):
        response = preflight(client, OCC_USER, origin=origin)
        assert response.headers["Access-Control-Allow-Origin"] == origin
    for origin in ("http://de.shop.example", "https://shop.example.evil", "http://127.0.0.1.evil"):
        assert_rejected(preflight(client, OCC_USER, origin=origin))


def test_max_age_on_preflights_only():
    client = client_with({"corsfilter.commercewebservices.maxAge": "1800"})
    assert preflight(client, OCC_USER).headers["Access-Control-Max-Age"] == "1800"
    actual = client.get(OCC_USER, headers={"Origin": STOREFRONT})
    assert "Access-Control-Max-Age" not in actual.headers


def test_max_age_that_is_not_a_number_is_ignored():
    client = client_with({"corsfilter.commercewebservices.maxAge": "an hour"})
    response = preflight(client, OCC_USER)
    assert response.status_code == 200 and "Access-Control-Max-Age" not in response.headers


def test_exposed_headers():
    client = client_with({"corsfilter.commercewebservices.exposedHeaders":
                          "x-anonymous-consents occ-personalization-id X-Total-Count"})
    expected = "x-anonymous-consents, occ-personalization-id, X-Total-Count"
    assert preflight(client, OCC_USER).headers["Access-Control-Expose-Headers"] == expected
    actual = client.get(OCC_USER, headers={"Origin": STOREFRONT})
    assert actual.headers["Access-Control-Expose-Headers"] == expected


def test_no_exposed_headers():
    client = client_with({"corsfilter.commercewebservices.exposedHeaders": ""})
    assert "Access-Control-Expose-Headers" not in preflight(client, OCC_USER).headers


def test_any_header_and_any_method():
    client = client_with({"corsfilter.commercewebservices.allowedHeaders": "*",
                          "corsfilter.commercewebservices.allowedMethods": "*"})
    response = preflight(client, OCC_USER, method="PATCH", headers="x-one,x-two")
    assert response.headers["Access-Control-Allow-Methods"] == "PATCH"
    assert response.headers["Access-Control-Allow-Headers"] == "x-one, x-two"


def test_unset_lists_fall_back_to_springs_defaults():
    client = client_with({"corsfilter.commercewebservices.allowedMethods": "",
                          "corsfilter.commercewebservices.allowedHeaders": ""})
    assert preflight(client, OCC_USER).headers["Access-Control-Allow-Methods"] == "GET,HEAD"
    assert_rejected(preflight(client, OCC_USER, method="POST"))
    assert_rejected(preflight(client, OCC_USER, headers="authorization"))


@pytest.mark.parametrize("context", ["oauth2", "authorizationserver"])
def test_oauth_web_app_reads_either_name(context):
    client = client_with({f"corsfilter.{context}.allowedOrigins": "https://shop.example"})
    assert preflight(client, TOKEN, origin="https://shop.example",
                     method="POST").headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert_rejected(preflight(client, TOKEN, origin=ELSEWHERE, method="POST"))


def test_authorizationserver_wins_over_oauth2():
    client = client_with({"corsfilter.oauth2.allowedOrigins": "https://old.example",
                          "corsfilter.authorizationserver.allowedOrigins": "https://new.example"})
    assert preflight(client, TOKEN, origin="https://new.example").status_code == 200
    assert_rejected(preflight(client, TOKEN, origin="https://old.example"))


# -- --cors-origin ----------------------------------------------------------------------------


def test_cors_origin_adds_an_origin_to_every_web_app():
    client = client_with(cors_origins=["http://localhost:3000"])
    for path in (OCC_USER, ASM_SEARCH, TOKEN):
        response = preflight(client, path, origin="http://localhost:3000", method="POST")
        assert response.status_code == 200, path
    assert preflight(client, OCC_USER, origin=STOREFRONT).status_code == 200  # defaults stay
    assert_rejected(preflight(client, OCC_USER, origin=ELSEWHERE))


def test_cors_origin_on_top_of_properties():
    client = client_with({"corsfilter.commercewebservices.allowedOrigins": "https://shop.example"},
                         cors_origins=["http://localhost:3000", "http://*.test:[*]"])
    for origin in ("https://shop.example", "http://localhost:3000", "http://a.test:8080"):
        assert preflight(client, OCC_USER, origin=origin).status_code == 200, origin


def test_cors_origin_from_the_command_line():
    from fakesapcc.config import build_config

    config = build_config({"cors_origins": ["http://localhost:3000", "http://localhost:5173"]},
                          env={})
    rules = policy(config, "commercewebservices")
    assert rules.check_origin("http://localhost:5173") == "http://localhost:5173"
    assert rules.check_origin(STOREFRONT) == STOREFRONT


# -- the control plane ------------------------------------------------------------------------


def test_control_plane_refuses_other_origins(sapcc_client):
    """A page from elsewhere must not drive the control plane (a simple text/plain POST needs
    no preflight, so the call itself is refused)."""
    response = preflight(sapcc_client, "/_fakesapcc/reset", origin=ELSEWHERE, method="POST",
                         headers="authorization,content-type")
    assert response.status_code == 403 and cors_headers(response) == {}
    impex = sapcc_client.post("/_fakesapcc/impex", data="INSERT_UPDATE Title;code[unique=true]\n;evil\n",
                              headers={"Origin": ELSEWHERE, "Content-Type": "text/plain"})
    assert impex.status_code == 403 and impex.json["errors"][0]["type"] == "ForbiddenError"
    assert "evil" not in sapcc_client.application.extensions["fakesapcc"].db.state.titles
    response = sapcc_client.get("/_fakesapcc/health", headers={"Origin": ELSEWHERE})
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers
    assert "X-Frame-Options" not in response.headers


def test_control_plane_answers_a_cors_origin():
    sap = FakeSAPCC(live=False, cors_origins=["http://localhost:5173"])
    response = preflight(sap.client, "/_fakesapcc/reset", origin="http://localhost:5173", method="POST")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    reset = sap.client.post("/_fakesapcc/reset", headers={"Origin": "http://localhost:5173"})
    assert reset.status_code == 200


# -- security headers ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [OCC_COUNTRIES, OCC_USER, ASM_SEARCH, "/occ/v2/no/such/path"])
def test_security_headers_on_web_app_responses(sapcc_client, path):
    response = sapcc_client.get(path)
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-XSS-Protection"] == "1; mode=block"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


def test_security_headers_on_the_token_endpoint(sapcc_client):
    response = sapcc_client.post(TOKEN, data={"grant_type": "client_credentials",
                                              "client_id": "mobile_android",
                                              "client_secret": "secret"})
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"  # the endpoint's own stays


def test_hsts_over_https(sapcc):
    client = sapcc.app.test_client()
    response = client.get(OCC_COUNTRIES, base_url="https://localhost")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == \
        "max-age=16070400 ; includeSubDomains"


def test_cart_endpoints_are_not_cached(sapcc_client):
    response = sapcc_client.get("/occ/v2/electronics-spa/users/anonymous/carts/00000000")
    assert response.headers["Cache-Control"] == "no-cache"
    response = sapcc_client.get(OCC_COUNTRIES)
    assert "no-cache" not in response.headers.get("Cache-Control", "")
    response = preflight(sapcc_client, "/occ/v2/electronics-spa/users/current/carts")
    assert "Cache-Control" not in response.headers


# -- the policy itself --------------------------------------------------------------------------


def test_policy_uses_sap_defaults_from_the_configuration():
    rules = policy(build_config({}, env={}), "commercewebservices")  # defaults: one table, config.py
    assert rules.check_origin(STOREFRONT) == STOREFRONT
    assert rules.check_headers(["sap-commerce-cloud-user-id"]) == ["sap-commerce-cloud-user-id"]
    assert rules.exposed == ("x-anonymous-consents",)


def test_policy_checks():
    rules = CorsPolicy(origins=("https://a.example",), methods=("GET",), headers=("accept",))
    assert rules.check_origin("https://A.example/") == "https://A.example/"
    assert rules.check_origin("") is None and rules.check_origin("https://b.example") is None
    assert rules.check_method("GET") == ["GET"] and rules.check_method("POST") is None
    assert rules.check_headers([]) == [] and rules.check_headers(["x"]) is None


@pytest.mark.parametrize("pattern, origin, matches", [
    ("*", "http://anything", True),
    ("https://*.example.com", "https://a.b.example.com", True),
    ("https://*.example.com", "https://example.com", False),
    ("http://localhost:[*]", "http://localhost:4200", True),
    ("http://localhost:[*]", "http://localhost", True),
    ("http://localhost:[4200,4300]", "http://localhost:4300", True),
    ("http://localhost:[4200,4300]", "http://localhost:4400", False),
    ("http://localhost:[4200,4300]", "http://localhost", False),
])
def test_origin_patterns_as_spring_reads_them(pattern, origin, matches):
    assert bool(origin_pattern(pattern).fullmatch(origin)) is matches
