"""fakesapcc's own OpenAPI documents of the SAP web apps that publish none (OAuth, ASM), served
under /_fakesapcc/openapi/, and the OAuth answers checked against them (strictly: a property
the document does not list fails)."""
from __future__ import annotations

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
