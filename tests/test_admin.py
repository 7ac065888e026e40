"""The control plane over HTTP: reset, snapshots, ImpEx, the clock, configuration, coverage,
protection and the OpenAPI document."""
import json

import pytest
import time

import requests

from fakesapcc.testing import FakeSAPCC

CUSTOMER = "mark.rivers@pronto-hw.com"
NEW_CUSTOMER_IMPEX = """
INSERT_UPDATE Customer;uid[unique=true];name;password;groups(uid)
;new.customer@example.com;New Customer;Password123!;customergroup
"""


def admin(sapcc, method, path, **kwargs):
    return requests.request(method, f"{sapcc.admin_url}/{path}", timeout=10, **kwargs)


def get_user(sapcc, token, user="current"):
    return requests.get(f"{sapcc.occ_url}/electronics-spa/users/{user}", timeout=10,
                        headers={"Authorization": f"Bearer {token}"})


def assert_sap_error(response, status, error_type):
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert errors and errors[0]["type"] == error_type, errors
    return errors


# -- reset ------------------------------------------------------------------------------------


def test_reset_brings_state_back_and_kills_tokens(sapcc):
    token = sapcc.customer_token(CUSTOMER)
    sapcc.runtime.db.remove_principal(CUSTOMER)
    assert sapcc.runtime.db.principal(CUSTOMER) is None
    assert admin(sapcc, "POST", "impex", data=NEW_CUSTOMER_IMPEX,
                 headers={"Content-Type": "text/plain"}).status_code == 200

    response = admin(sapcc, "POST", "reset")

    assert response.status_code == 200 and response.json() == {"status": "RESET"}
    assert sapcc.runtime.db.principal(CUSTOMER) is not None
    assert sapcc.runtime.db.principal("new.customer@example.com") is None
    stale = get_user(sapcc, token)
    assert_sap_error(stale, 401, "InvalidTokenError")
    assert get_user(sapcc, sapcc.customer_token(CUSTOMER)).json()["uid"] == CUSTOMER


def test_reset_puts_back_journal_faults_clock_and_config(sapcc):
    sapcc.add_fault("/nowhere", status=500)
    sapcc.advance_clock(60)
    sapcc.configure(properties={"toggle.customer360.enabled": "false"}, strictEmulation=True)
    requests.get(f"{sapcc.occ_url}/electronics-spa/languages", timeout=10)

    admin(sapcc, "POST", "reset")

    assert admin(sapcc, "GET", "faults").json() == {"faults": []}
    assert admin(sapcc, "GET", "requests").json() == {"requests": []}
    assert admin(sapcc, "GET", "clock").json()["offsetSeconds"] == 0
    config = admin(sapcc, "GET", "config").json()
    assert config["flags"]["strictEmulation"] is False
    assert config["properties"]["toggle.customer360.enabled"] == "true"


# -- snapshot and restore ----------------------------------------------------------------------


def test_snapshot_restore_round_trip_brings_back_a_removed_customer(sapcc):
    snapshot = admin(sapcc, "GET", "snapshot")
    assert snapshot.status_code == 200
    document = snapshot.json()
    assert document["format"] == "fakesapcc-snapshot" and document["version"] == 1
    assert document["state"]["principals"][CUSTOMER]["itemtype"] == "Customer"
    sapcc.runtime.db.remove_principal(CUSTOMER)

    restored = admin(sapcc, "POST", "restore", json=document)

    assert restored.status_code == 200 and restored.json() == {"status": "RESTORED"}
    assert admin(sapcc, "GET", "snapshot").json() == document
    assert get_user(sapcc, sapcc.customer_token(CUSTOMER)).json()["uid"] == CUSTOMER


def test_restore_rebuilds_the_indexes(sapcc):
    document = sapcc.snapshot()
    customer_id = document["state"]["principals"][CUSTOMER]["customerId"]
    document["state"]["principals"][CUSTOMER]["customerId"] = "c0ffee"
    sapcc.restore(json.dumps(document))
    store = sapcc.runtime.db
    assert store.user_by_id("c0ffee").uid == CUSTOMER
    assert store.user_by_id(customer_id) is None
    assert {p.uid for p in store.members_of("customergroup")} >= {CUSTOMER}


@pytest.mark.parametrize("body, subject", [
    ("not json", "body"),
    ("[]", "$"),
    ('{"state": {}}', "$.format"),
    ('{"format": "fakesapcc-snapshot", "version": 1, "state": {"planets": {}}}', "state.planets"),
    ('{"format": "fakesapcc-snapshot", "version": 1, "state": {"principals": {"x": '
     '{"itemtype": "Spaceship", "uid": "x"}}}}', "state.principals.x.itemtype"),
    ('{"format": "fakesapcc-snapshot", "version": 1, "state": {"languages": {"en": '
     '{"isocode": "en", "active": "yes"}}}}', "state.languages.en.active"),
    ('{"format": "fakesapcc-snapshot", "version": 1, "state": {"languages": {"en": '
     '{"name": {}}}}}', "state.languages.en.isocode"),
])
def test_garbage_snapshot_is_400_and_changes_nothing(sapcc, body, subject):
    before = sapcc.snapshot()
    response = admin(sapcc, "POST", "restore", data=body,
                     headers={"Content-Type": "application/json"})
    errors = assert_sap_error(response, 400, "ValidationError")
    assert errors[0]["subject"] == subject
    assert sapcc.snapshot() == before


# -- ImpEx -------------------------------------------------------------------------------------


def test_impex_loads_and_counts_by_type(sapcc):
    response = admin(sapcc, "POST", "impex?file=extra.impex", data=NEW_CUSTOMER_IMPEX
                     + "INSERT_UPDATE Spaceship;code[unique=true]\n;enterprise\n",
                     headers={"Content-Type": "text/plain; charset=utf-8"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["counts"] == {"Customer": 1} and body["skipped"] == {"Spaceship": 1}
    assert body["file"] == "extra.impex"
    assert [w["line"] for w in body["warnings"]] == [4]
    assert "Spaceship" in body["warnings"][0]["message"]
    token = sapcc.customer_token("new.customer@example.com")
    assert get_user(sapcc, token).json()["name"] == "New Customer"


def test_impex_accepts_octet_stream(sapcc):
    response = admin(sapcc, "POST", "impex", data=NEW_CUSTOMER_IMPEX.encode(),
                     headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 200 and response.json()["counts"] == {"Customer": 1}


def test_impex_with_an_error_is_400_with_file_line_and_loads_nothing(sapcc):
    text = NEW_CUSTOMER_IMPEX + "INSERT_UPDATE Customer;uid[unique=true];loginDisabled\n;x@example.com;maybe\n"
    response = admin(sapcc, "POST", "impex?file=bad.impex", data=text,
                     headers={"Content-Type": "text/plain"})
    errors = assert_sap_error(response, 400, "ImpExError")
    assert errors[0]["subject"] == "bad.impex:5"
    assert errors[0]["message"].startswith("bad.impex:5: ")
    assert sapcc.runtime.db.principal("new.customer@example.com") is None


@pytest.mark.parametrize("data, content_type, status, error_type", [
    (NEW_CUSTOMER_IMPEX, "application/json", 415, "HttpMediaTypeNotSupportedError"),
    ("   ", "text/plain", 400, "ValidationError"),
    (b"\xff\xfe", "text/plain", 400, "ValidationError"),
])
def test_impex_bad_requests(sapcc, data, content_type, status, error_type):
    response = admin(sapcc, "POST", "impex", data=data, headers={"Content-Type": content_type})
    assert_sap_error(response, status, error_type)


def test_impex_strict_flag_must_be_boolean(sapcc):
    response = admin(sapcc, "POST", "impex?strict=perhaps", data=NEW_CUSTOMER_IMPEX,
                     headers={"Content-Type": "text/plain"})
    assert_sap_error(response, 400, "ValidationError")


# -- clock -------------------------------------------------------------------------------------


def test_clock_reads_and_advances(sapcc):
    before = admin(sapcc, "GET", "clock").json()
    assert before["offsetSeconds"] == 0 and before["now"].endswith("+00:00")
    by_query = admin(sapcc, "POST", "clock/advance?seconds=90")
    assert by_query.status_code == 200 and by_query.json()["offsetSeconds"] == 90
    by_body = admin(sapcc, "POST", "clock/advance", json={"seconds": 10.5})
    assert by_body.json()["offsetSeconds"] == 100.5
    assert by_body.json()["now"] > before["now"]


def test_a_frozen_clock_moves_only_when_advanced(sapcc):
    frozen = admin(sapcc, "POST", "clock/freeze").json()
    assert frozen["frozen"] is True
    time.sleep(0.05)
    assert admin(sapcc, "GET", "clock").json()["now"] == frozen["now"]
    advanced = admin(sapcc, "POST", "clock/advance?seconds=60").json()
    assert advanced["offsetSeconds"] == 60 and advanced["now"] > frozen["now"]
    running = admin(sapcc, "POST", "clock/unfreeze").json()
    assert running["frozen"] is False and running["now"] >= advanced["now"]
    admin(sapcc, "POST", "reset")
    assert admin(sapcc, "GET", "clock").json() | {"now": None} == {
        "now": None, "offsetSeconds": 0, "frozen": False}


def test_advancing_past_expiry_expires_the_access_token(sapcc):
    # frozen: however long the machine takes, the token stays one second before its expiry
    assert admin(sapcc, "POST", "clock/freeze").json()["frozen"] is True
    token = sapcc.customer_token(CUSTOMER)
    admin(sapcc, "POST", "clock/advance?seconds=43199")
    assert get_user(sapcc, token).status_code == 200
    admin(sapcc, "POST", "clock/advance", json={"seconds": 2})
    response = get_user(sapcc, token)
    errors = assert_sap_error(response, 401, "InvalidTokenError")
    assert errors[0]["message"] == f"Access token expired: {token}"


def test_journal_timestamps_follow_the_clock(sapcc):
    admin(sapcc, "POST", "clock/advance?seconds=86400")
    requests.get(f"{sapcc.occ_url}/electronics-spa/languages", timeout=10)
    now = admin(sapcc, "GET", "clock").json()["now"]
    stamp = sapcc.requests()[0]["timestamp"]
    assert stamp[:10] == now[:10]


@pytest.mark.parametrize("query, body", [
    ("seconds=-5", None), ("seconds=soon", None), ("seconds=nan", None), ("seconds=inf", None),
    ("", {"seconds": "x"}), ("", {"seconds": True}), ("", {"minutes": 5}), ("", None),
])
def test_clock_advance_rejects_bad_seconds(sapcc, query, body):
    response = admin(sapcc, "POST", f"clock/advance?{query}", json=body)
    errors = assert_sap_error(response, 400, "ValidationError")
    assert errors[0]["subject"] == "seconds"
    assert admin(sapcc, "GET", "clock").json()["offsetSeconds"] == 0


# -- config ------------------------------------------------------------------------------------


def test_config_lists_settings_flags_and_properties(sapcc):
    body = admin(sapcc, "GET", "config").json()
    assert body["settings"]["host"] == "127.0.0.1" and body["settings"]["tokenFormat"] == "opaque"
    assert body["flags"] == {"strictEmulation": False, "strictImpex": False, "journalSize": 1000}
    assert body["properties"]["oauth2.accessTokenValiditySeconds"] == "43200"


def test_patching_a_property_changes_behaviour_at_runtime(sapcc):
    patched = admin(sapcc, "PATCH", "config",
                    json={"properties": {"oauth2.accessTokenValiditySeconds": 60}})
    assert patched.status_code == 200
    assert patched.json()["properties"]["oauth2.accessTokenValiditySeconds"] == "60"
    token = sapcc.customer_token(CUSTOMER)
    sapcc.advance_clock(61)
    assert_sap_error(get_user(sapcc, token), 401, "InvalidTokenError")


def test_patch_toggle_and_remove_property(sapcc):
    body = admin(sapcc, "PATCH", "config", json={
        "properties": {"toggle.customer360.enabled": "false", "my.extra": True}}).json()
    assert body["properties"]["toggle.customer360.enabled"] == "false"
    assert body["properties"]["my.extra"] == "true"
    body = admin(sapcc, "PATCH", "config", json={"properties": {"my.extra": None}}).json()
    assert "my.extra" not in body["properties"]
    assert sapcc.runtime.config.prop_bool("toggle.customer360.enabled", True) is False


@pytest.mark.parametrize("body, subject", [
    ({"strictness": True}, "strictness"),
    ({"strictEmulation": "yes"}, "strictEmulation"),
    ({"journalSize": 0}, "journalSize"),
    ({"properties": ["a"]}, "properties"),
    ({"properties": {"a": {"b": 1}}}, "properties.a"),
    (["strictEmulation"], "body"),
])
def test_patch_config_rejects_bad_input_and_changes_nothing(sapcc, body, subject):
    before = admin(sapcc, "GET", "config").json()
    response = admin(sapcc, "PATCH", "config", json=body)
    errors = assert_sap_error(response, 400, "ValidationError")
    assert errors[0]["subject"] == subject
    assert admin(sapcc, "GET", "config").json() == before


def test_a_bad_flag_applies_no_property_either(sapcc):
    response = admin(sapcc, "PATCH", "config", json={"properties": {"x.y": "1"}, "journalSize": -1})
    assert_sap_error(response, 400, "ValidationError")
    assert "x.y" not in admin(sapcc, "GET", "config").json()["properties"]


# -- coverage ----------------------------------------------------------------------------------


def test_coverage_lists_implemented_operations(sapcc):
    body = admin(sapcc, "GET", "coverage").json()
    get_user_op = {"operationId": "getUser", "webapp": "commercewebservices", "method": "GET",
                   "path": "/occ/v2/{baseSiteId}/users/{userId}"}
    assert get_user_op in body["operations"]
    assert body["count"] == len(body["operations"]) == sum(body["byWebapp"].values())
    assert not any(op["path"].startswith("/_fakesapcc") for op in body["operations"])


# -- errors are SAP's envelope -----------------------------------------------------------------


def test_unknown_control_plane_path_and_wrong_method(sapcc):
    assert_sap_error(admin(sapcc, "GET", "nothing"), 404, "UnknownResourceError")
    assert_sap_error(admin(sapcc, "GET", "reset"), 405, "HttpRequestMethodNotSupportedError")


# -- protection (in-process: test servers never bind beyond 127.0.0.1) --------------------------


@pytest.fixture(scope="module")
def exposed():
    return FakeSAPCC(live=False, host="0.0.0.0", admin_token="s3cret")


def test_beyond_loopback_the_control_plane_needs_the_admin_token(exposed):
    client = exposed.client
    missing = client.post("/_fakesapcc/reset")
    assert missing.status_code == 401 and missing.json["errors"][0]["type"] == "UnauthorizedError"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/_fakesapcc/requests", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json["errors"][0]["type"] == "InvalidTokenError"
    ok = client.get("/_fakesapcc/clock", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200 and "now" in ok.json
    unknown = client.get("/_fakesapcc/secrets")
    assert unknown.status_code == 401


def test_health_and_ready_stay_open_beyond_loopback(exposed):
    assert exposed.client.get("/_fakesapcc/health").status_code == 200
    assert exposed.client.get("/_fakesapcc/ready").status_code == 200


def test_beyond_loopback_without_admin_token_everything_is_refused():
    sap = FakeSAPCC(live=False, host="10.1.2.3")
    response = sap.client.post("/_fakesapcc/reset", headers={"Authorization": "Bearer x"})
    assert response.status_code == 403
    error = response.json["errors"][0]
    assert error["type"] == "ForbiddenError" and "--admin-token" in error["message"]
    assert sap.client.get("/_fakesapcc/health").status_code == 200


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_is_open(host):
    sap = FakeSAPCC(live=False, host=host)
    assert sap.client.get("/_fakesapcc/clock").status_code == 200


def test_no_admin_hides_the_control_plane_but_not_health():
    sap = FakeSAPCC(live=False, admin=False)
    for method, path in [("POST", "reset"), ("GET", "requests"), ("GET", "openapi.json"),
                         ("GET", "reset"), ("GET", "nothing")]:
        response = sap.client.open(f"/_fakesapcc/{path}", method=method)
        assert response.status_code == 404, path
        assert response.json["errors"][0]["type"] == "UnknownResourceError"
    assert sap.client.get("/_fakesapcc/health").status_code == 200
    assert sap.client.get("/_fakesapcc/ready").status_code == 200
    assert sap.client.get("/occ/v2/electronics-spa/languages").status_code == 200


# -- the OpenAPI document ----------------------------------------------------------------------


def test_openapi_describes_exactly_the_control_plane_routes(sapcc):
    document = admin(sapcc, "GET", "openapi.json").json()
    assert document["openapi"].startswith("3.")
    documented = {(method.upper(), path) for path, item in document["paths"].items()
                  for method in item}
    routed = set()
    for rule in sapcc.app.url_map.iter_rules():
        if rule.rule.startswith("/_fakesapcc"):
            path = rule.rule
            for arg in rule.arguments:
                path = path.replace(f"<{arg}>", "{" + arg + "}")
            routed |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed
    operation_ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_openapi_references_resolve(sapcc):
    document = admin(sapcc, "GET", "openapi.json").json()
    refs = set()

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.add(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    schemas = document["components"]["schemas"]
    assert refs and all(ref.split("/")[-1] in schemas for ref in refs)


def test_clock_offset_reads_back_as_written(sapcc):
    """docs/testing.md shows {"offsetSeconds": 0}: whole seconds are a whole number."""
    assert '"offsetSeconds":0,' in admin(sapcc, "GET", "clock").text.replace(" ", "")
    advanced = admin(sapcc, "POST", "clock/advance?seconds=43201")
    assert '"offsetSeconds":43201,' in advanced.text.replace(" ", "")
    assert advanced.json()["offsetSeconds"] == 43201


def test_the_home_page_points_to_the_apis_the_control_plane_and_the_docs(sapcc):
    page = requests.get(f"{sapcc.base_url}/", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("application/json")
    body = page.json()
    assert body["links"]["occ"] == sapcc.occ_url
    assert body["links"]["controlPlane"] == sapcc.admin_url
    assert body["links"]["controlPlaneOpenApi"] == f"{sapcc.admin_url}/openapi.json"
    assert "README.md" in body["docs"] and "docs/testing.md" in body["docs"]
    html = requests.get(f"{sapcc.base_url}/", headers={"Accept": "text/html,*/*;q=0.8"}, timeout=10)
    assert html.headers["Content-Type"].startswith("text/html")
    assert f'href="{sapcc.admin_url}"' in html.text and "docs/testing.md" in html.text
    assert sapcc.requests(path="/") == []  # fakesapcc's own page: not journalled


def test_the_home_page_leaves_out_a_closed_control_plane():
    sap = FakeSAPCC(live=False, admin=False)
    body = sap.client.get("/").get_json()
    assert "controlPlane" not in body["links"] and "health" in body["links"]
