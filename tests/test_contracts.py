"""fakesapcc's own OpenAPI documents of the SAP web apps that publish none (OAuth, ASM), served
under /_fakesapcc/openapi/, and the OAuth answers checked against them (strictly: a property
the document does not list fails)."""
from __future__ import annotations

import os

import jsonschema
import pytest

CUSTOMER = "mark.rivers@pronto-hw.com"
TOKEN = "/authorizationserver/oauth/token"
REVOKE = "/authorizationserver/oauth/revoke"


def strict(schema):
    if isinstance(schema, dict):
        schema = {k: strict(v) for k, v in schema.items()}
        if schema.get("type") == "object" and "properties" in schema:
            schema.setdefault("additionalProperties", False)
        return schema
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def check(document, path, method, response):
    responses = document["paths"][path][method]["responses"]
    declared = responses.get(str(response.status_code))
    assert declared is not None, f"{response.status_code} is not declared for {method} {path}"
    content = declared.get("content")
    if content is None:
        assert response.data == b""
        return
    schema = {**content["application/json"]["schema"],
              "components": strict(document["components"])}
    jsonschema.Draft4Validator(schema).validate(response.json)


@pytest.fixture
def oauth_doc(sapcc):
    response = sapcc.client.get("/_fakesapcc/openapi/oauth.json")
    assert response.status_code == 200
    return response.json


def test_the_documents_are_served(sapcc):
    for name, prefix in (("oauth", "/authorizationserver/"),
                         ("asm", "/assistedservicewebservices/")):
        document = sapcc.client.get(f"/_fakesapcc/openapi/{name}.json").json
        assert document["openapi"].startswith("3.") and document["paths"]
        assert all(path.startswith(prefix) for path in document["paths"])
    missing = sapcc.client.get("/_fakesapcc/openapi/nothing.json")
    assert missing.status_code == 404 and missing.json["errors"][0]["type"] == "UnknownResourceError"


def test_the_token_endpoint_answers_inside_its_document(sapcc, oauth_doc):
    client = sapcc.client
    creds = {"client_id": "mobile_android", "client_secret": "secret"}
    login = client.post(TOKEN, data={"grant_type": "password", "username": CUSTOMER,
                                     "password": "Password123!", **creds})
    check(oauth_doc, TOKEN, "post", login)
    refreshed = client.post(TOKEN, data={"grant_type": "refresh_token",
                                         "refresh_token": login.json["refresh_token"], **creds})
    check(oauth_doc, TOKEN, "post", refreshed)
    check(oauth_doc, TOKEN, "post", client.post(TOKEN, data={"grant_type": "client_credentials",
                                                             **creds}))
    for bad in ({"grant_type": "password", "username": CUSTOMER, "password": "x", **creds},
                {"grant_type": "nope", **creds}, {"grant_type": "password"},
                {"grant_type": "client_credentials", "client_id": "mobile_android",
                 "client_secret": "wrong"}):
        response = client.post(TOKEN, data=bad)
        assert response.status_code in (400, 401)
        check(oauth_doc, TOKEN, "post", response)


def test_the_revoke_endpoint_answers_inside_its_document(sapcc, oauth_doc):
    client = sapcc.client
    creds = {"client_id": "mobile_android", "client_secret": "secret"}
    check(oauth_doc, REVOKE, "post", client.post(REVOKE, data={"token": "x", **creds}))
    check(oauth_doc, REVOKE, "post", client.post(REVOKE, data={"token": "x"}))
    check(oauth_doc, REVOKE, "post", client.post(REVOKE, data=creds))


# -- the ASM document's answers, and the suite-wide check (tests/webapp_spec.py) -----------------


def test_every_asm_operation_declares_its_answers(sapcc):
    document = sapcc.client.get("/_fakesapcc/openapi/asm.json").json
    schemas = document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, op in item.items():
            success = {s: r for s, r in op["responses"].items() if s.startswith("2")}
            assert len(success) == 1, (method, path)
            errors = {s for s in op["responses"] if s.startswith("4")}
            assert errors == {"400", "401", "403", "404"}, (method, path)
            if op["operationId"] != "bindCart":  # 200 with no body
                assert "content" in next(iter(success.values())), op["operationId"]
    # SAP's OCC WsDTOs are named, not copied: a reader puts SAP's schemas in their place
    assert "SAP's OCC v2 document" in schemas["User"]["description"]
    fragments = schemas["C360CartData"]
    assert fragments["properties"]["type"]["enum"] == ["c360Cart"]


def test_the_suite_checks_asm_and_oauth_answers_strictly():
    import flask
    import webapp_spec
    # connected for every app of the process (found by name: under xdist another folder's
    # conftest module may be the one named ``conftest``)
    receivers = [ref() if callable(ref) else ref for ref in flask.request_finished.receivers.values()]
    assert [r for r in receivers if getattr(r, "__name__", "") == "_check_webapp_answer"
            and r.__code__.co_filename.endswith(os.path.join("tests", "conftest.py"))]
    search = "/assistedservicewebservices/customers/search"
    assert webapp_spec.violations("GET", search, 200, {"entries": [{"uid": "a"}]}, True, False) == []
    # SAP's User schema: a property it does not list fails
    assert webapp_spec.violations("GET", search, 200, {"entries": [{"uid": "a", "x": 1}]},
                                  True, False)
    c360 = "/assistedservicewebservices/electronics-spa/users/u/customer360"
    assert webapp_spec.violations("POST", c360, 200, {"value": [{"type": "c360Cart",
                                                                  "reviews": []}]}, True, False)
    assert webapp_spec.violations("POST", "/assistedservicewebservices/bind-cart", 200, {"a": 1},
                                  True, False)
    assert webapp_spec.violations("POST", TOKEN, 200, {"access_token": "a", "token_type": "bearer",
                                                       "expires_in": 1, "extra": 2}, True, False)
    # an error anywhere is SAP's envelope (or RFC 6749's body on the OAuth endpoints)
    assert webapp_spec.violations("GET", search, 403, {"error": "access_denied"}, True, False)
    assert webapp_spec.violations("POST", TOKEN, 413, {"error": "invalid_request"}, True, False) == []
