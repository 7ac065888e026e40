"""ASM: the group rules of the ASM setup, SAP's validation and errors, feature flags and
versions."""
from pathlib import Path

import pytest
import requests

from fakesapcc.api.asm.dtos import ALWAYS_VALID, PREVIEW
from fakesapcc.testing import FakeSAPCC

SITE = "electronics-spa"
CUSTOMER = "mark.rivers@pronto-hw.com"
MANIFEST = Path(__file__).resolve().parents[1] / "fixtures" / "manifests" / "asm-toggles-manifest.json"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def error(response):
    return response.json()["errors"][0]


def customer_id(sapcc):
    return sapcc.runtime.db.principal(CUSTOMER).customerId


# -- the three group rules --------------------------------------------------------------------


def test_without_customermanagergroup_an_agent_cannot_act_for_a_customer(sapcc):
    headers = bearer(sapcc.agent_token("asagent-nocm"))
    for path in (f"/users/{customer_id(sapcc)}", f"/users/{CUSTOMER}/carts"):
        response = requests.get(f"{sapcc.occ_url}/{SITE}{path}", headers=headers, timeout=10)
        assert response.status_code == 403
        assert response.json() == {"errors": [{"message": "Access is denied", "type": "ForbiddenError"}]}
    # it is still an agent: ASM itself answers
    assert requests.get(f"{sapcc.asm_url}/customerlists", params={"baseSite": SITE}, headers=headers,
                        timeout=10).status_code == 200


def test_without_asagentgroup_no_asm(sapcc):
    headers = bearer(sapcc.agent_token("notasagent"))
    for method, path in (("GET", "/customers/search?baseSite=electronics-spa"),
                         ("GET", "/customerlists?baseSite=electronics-spa"),
                         ("POST", f"/{SITE}/users/{CUSTOMER}/customer360"),
                         ("GET", "/agents/current/pointOfServices"),
                         ("POST", "/bind-cart?baseSite=electronics-spa")):
        response = requests.request(method, f"{sapcc.asm_url}{path}", headers=headers, timeout=10, json={})
        assert response.status_code == 403, path
        assert response.json() == {"errors": [{"message": "Access is denied", "type": "AccessDeniedError"}]}


def test_without_a_store_group_empty_in_store_list_and_no_stores(sapcc):
    headers = bearer(sapcc.agent_token("asagent-nostore"))
    for list_id in ("instoreCustomers", "bopisCustomers"):
        body = requests.get(f"{sapcc.asm_url}/customers/search", headers=headers, timeout=10,
                            params={"baseSite": SITE, "customerListId": list_id}).json()
        assert body["entries"] == [] and body["pagination"]["totalResults"] == 0
    stores = requests.get(f"{sapcc.asm_url}/agents/current/pointOfServices", headers=headers, timeout=10)
    assert stores.status_code == 200 and stores.json() == {"pointOfServices": []}


def test_no_token_is_401(sapcc):
    response = requests.get(f"{sapcc.asm_url}/customerlists?baseSite={SITE}", timeout=10)
    assert response.status_code == 401 and error(response)["type"] == "UnauthorizedError"


# -- validation and errors --------------------------------------------------------------------


@pytest.mark.parametrize("params, status, type_, subject", [
    ({}, 400, "MissingServletRequestParameterError", None),
    ({"baseSite": "nosuchsite"}, 400, "InvalidResourceError", None),
    ({"baseSite": SITE, "pageSize": "0"}, 400, "RequestParameterError", "pageSize"),
    ({"baseSite": SITE, "currentPage": "-1"}, 400, "RequestParameterError", "currentPage"),
    ({"baseSite": SITE, "orderId": "nosuchorder"}, 400, "UnknownIdentifierError", None),
    ({"baseSite": SITE, "customerListId": "nosuchlist"}, 400, "UnknownIdentifierError", None),
])
def test_customer_search_errors(sapcc, params, status, type_, subject):
    response = requests.get(f"{sapcc.asm_url}/customers/search", params=params,
                            headers=bearer(sapcc.agent_token()), timeout=10)
    assert response.status_code == status and error(response)["type"] == type_
    assert error(response).get("subject") == subject


def test_customer_search_query_is_a_case_insensitive_contains_match_and_sorts(sapcc):
    headers = bearer(sapcc.agent_token())
    body = requests.get(f"{sapcc.asm_url}/customers/search", headers=headers, timeout=10,
                        params={"baseSite": SITE, "query": "TANAKA", "sort": "byUidDesc"}).json()
    uids = [e["uid"] for e in body["entries"]]
    assert uids == sorted(uids, reverse=True) and len(uids) == 2
    assert all("tanaka" in u for u in uids)
    everyone = requests.get(f"{sapcc.asm_url}/customers/search", headers=headers, timeout=10,
                            params={"baseSite": SITE, "pageSize": 5}).json()
    assert everyone["pagination"]["totalResults"] >= 30 and len(everyone["entries"]) == 5


def test_post_customer_search_uses_page_and_body(sapcc):
    response = requests.post(f"{sapcc.asm_url}/customers/search", headers=bearer(sapcc.agent_token()),
                             params={"baseSite": SITE, "page": 0, "pageSize": 3},
                             json={"customerListId": "instoreCustomers", "query": "tanaka"}, timeout=10)
    assert response.status_code == 200
    assert [e["uid"] for e in response.json()["entries"]] == ["hiroshi.tanaka@example.jp", "yuki.tanaka@example.jp"]


def test_autocomplete_and_suggestions(sapcc):
    headers = bearer(sapcc.agent_token())
    short = requests.get(f"{sapcc.asm_url}/customers/autocomplete", headers=headers, timeout=10,
                         params={"baseSite": SITE, "customerQuery": "ma"})
    assert short.status_code == 400 and error(short)["message"] == "Customer query length must not be less than 3"
    found = requests.get(f"{sapcc.asm_url}/customers/autocomplete", headers=headers, timeout=10,
                         params={"baseSite": SITE, "customerQuery": "rivers"}).json()
    assert any(s["email"] == CUSTOMER and s["fullName"] == "Mark Rivers" and s["card"] == "----" for s in found)
    suggested = requests.post(f"{sapcc.asm_url}/customers/suggestions/search", headers=headers, timeout=10,
                              params={"baseSite": SITE}, json={"customerQuery": "rivers"}).json()
    assert suggested["suggestions"] == found
    missing = requests.post(f"{sapcc.asm_url}/customers/suggestions/search", headers=headers, timeout=10,
                            params={"baseSite": SITE}, json={})
    assert missing.status_code == 400 and error(missing)["subject"] == "customerQuery"


def test_create_customer_by_agent(sapcc):
    headers = bearer(sapcc.agent_token())
    url = f"{sapcc.asm_url}/customers"
    created = requests.post(url, params={"baseSite": SITE, "curr": "EUR"}, headers=headers, timeout=10,
                            json={"firstName": " Ada ", "lastName": "Lovelace", "emailAddress": "Ada@Example.com"})
    assert created.status_code == 201
    body = created.json()
    assert (body["uid"], body["name"], body["firstName"], body["currency"]["isocode"]) == (
        "ada@example.com", "Ada Lovelace", "Ada", "EUR")
    assert body["customerId"]
    duplicate = requests.post(url, params={"baseSite": SITE}, headers=headers, timeout=10,
                              json={"firstName": "A", "lastName": "L", "emailAddress": "ada@example.com"})
    assert duplicate.status_code == 400 and error(duplicate)["type"] == "DuplicateUidError"
    invalid = requests.post(url, params={"baseSite": SITE}, headers=headers, timeout=10,
                            json={"firstName": "", "emailAddress": "not-an-email"})
    errors = {e["subject"]: e for e in invalid.json()["errors"]}
    assert invalid.status_code == 400 and set(errors) == {"firstName", "lastName", "emailAddress"}
    assert errors["emailAddress"]["message"] == "This field is not a valid email addresss."
    assert errors["firstName"]["message"] == "This field is required."
    assert all(e["type"] == "ValidationError" and e["subjectType"] == "parameter" for e in errors.values())


def test_bind_cart_rules(sapcc):
    headers = bearer(sapcc.agent_token())
    url = f"{sapcc.asm_url}/bind-cart"
    anonymous = requests.post(f"{sapcc.occ_url}/{SITE}/users/anonymous/carts", json={}, timeout=10).json()
    cases = [({}, "Missing customer id"), ({"customerId": CUSTOMER}, "Missing cart id"),
             ({"customerId": "ghost@nowhere", "cartId": anonymous["guid"]}, "not found"),
             ({"customerId": CUSTOMER, "cartId": "nosuchcart"}, "not found")]
    for data, message in cases:
        response = requests.post(url, params={"baseSite": SITE}, data=data, headers=headers, timeout=10)
        assert response.status_code == 400 and message in error(response)["message"], data
    # by uid in the query string, as SAP's own tests do
    assert requests.post(url, params={"baseSite": SITE, "customerId": CUSTOMER, "cartId": anonymous["guid"]},
                         headers=headers, timeout=10).status_code == 200
    # a cart that belongs to a customer does not bind again
    again = requests.post(url, params={"baseSite": SITE, "customerId": "yuki.tanaka@example.jp",
                                       "cartId": anonymous["code"]}, headers=headers, timeout=10)
    assert again.status_code == 400


@pytest.mark.parametrize("queries, subject, reason", [
    # SAP's ValidationErrorConverter: "missing" only for a null value; an empty list or
    # string is "invalid"
    ([], "customer360Queries", "invalid"),
    ([{}], "customer360Queries[0].type", "missing"),
    ([{"type": ""}], "customer360Queries[0].type", "invalid"),
    ([{"type": "c360Overview"}, {"type": "c360Nonsense"}], "customer360Queries[1].type", "invalid"),
    ([{"type": "c360ReviewList", "additionalRequestParameters": {"listSize": 0}}],
     "customer360Queries[0].additionalRequestParameters", "invalid"),
    ([{"type": "c360ActivityList", "additionalRequestParameters": {"listSize": "1000"}}],
     "customer360Queries[0].additionalRequestParameters", "invalid"),
])
def test_customer360_validation(sapcc, queries, subject, reason):
    response = requests.post(f"{sapcc.asm_url}/{SITE}/users/{CUSTOMER}/customer360", timeout=10,
                             headers=bearer(sapcc.agent_token()), json={"customer360Queries": queries})
    assert response.status_code == 400
    assert error(response)["type"] == "ValidationError"
    assert (error(response)["subject"], error(response)["reason"]) == (subject, reason)


def test_customer360_user_must_be_a_known_customer(sapcc):
    headers = bearer(sapcc.agent_token())
    body = {"customer360Queries": [{"type": "c360Overview"}]}
    unknown = requests.post(f"{sapcc.asm_url}/{SITE}/users/ghost/customer360", json=body, headers=headers, timeout=10)
    assert unknown.status_code == 400 and error(unknown)["type"] == "UnknownIdentifierError"
    employee = requests.post(f"{sapcc.asm_url}/{SITE}/users/asagent/customer360", json=body, headers=headers, timeout=10)
    assert employee.status_code == 400
    assert error(employee)["message"] == "request path parameter userId must be a customer userId"
    bad_site = requests.post(f"{sapcc.asm_url}/nosite/users/{CUSTOMER}/customer360", json=body, headers=headers, timeout=10)
    assert bad_site.status_code == 400


def test_customer_list_details(sapcc):
    headers = bearer(sapcc.agent_token())
    body = requests.get(f"{sapcc.asm_url}/customerlists/myRecentCustomerSessions", params={"baseSite": SITE},
                        headers=headers, timeout=10).json()
    assert body == {"uid": "myRecentCustomerSessions", "name": "My Recent Customer Sessions",
                    "searchBoxEnabled": True, "additionalColumnsKeys": []}
    unknown = requests.get(f"{sapcc.asm_url}/customerlists/nosuch", params={"baseSite": SITE}, headers=headers, timeout=10)
    assert unknown.status_code == 400


def test_recent_sessions_are_newest_first_and_per_agent(sapcc):
    headers = bearer(sapcc.agent_token())
    for uid in ("yuki.tanaka@example.jp", CUSTOMER, "sophie.wolf@example.de"):
        requests.get(f"{sapcc.occ_url}/{SITE}/users/{uid}", headers=headers, timeout=10)
        sapcc.advance_clock(60)
    recent = requests.get(f"{sapcc.asm_url}/customers/search", headers=headers, timeout=10,
                          params={"baseSite": SITE, "customerListId": "myRecentCustomerSessions"}).json()
    assert [e["uid"] for e in recent["entries"]] == ["sophie.wolf@example.de", CUSTOMER, "yuki.tanaka@example.jp"]
    other = bearer(sapcc.agent_token("asagent-ichikawa"))
    assert requests.get(f"{sapcc.asm_url}/customers/search", headers=other, timeout=10, params={
        "baseSite": SITE, "customerListId": "myRecentCustomerSessions"}).json()["entries"] == []


# -- flags and versions -----------------------------------------------------------------------


def agent_client(sap):
    token = sap.agent_token()
    return sap.client, bearer(token)


def gated(sap):
    """What the toggles and the restriction change, seen by an agent."""
    client, headers = agent_client(sap)
    entry = client.get("/assistedservicewebservices/customers/search?baseSite=electronics-spa&query=rivers",
                       headers=headers).json["entries"][0]
    c360 = client.post(f"/assistedservicewebservices/{SITE}/users/{CUSTOMER}/customer360", headers=headers,
                       json={"customer360Queries": [{"type": "c360Overview"}]})
    stores = client.get("/assistedservicewebservices/agents/current/pointOfServices", headers=headers)
    return "hasOrder" in entry, c360.status_code, stores.status_code


def test_2211_15_without_manifest_has_the_toggles_off():
    sap = FakeSAPCC(live=False, sap_version="2211.15")
    has_order, c360, stores = gated(sap)
    assert (has_order, c360, stores) == (False, 400, 404)


def test_2211_15_with_a_manifest_enabling_the_toggles():
    sap = FakeSAPCC(live=False, sap_version="2211.15", manifest=str(MANIFEST))
    assert gated(sap) == (True, 200, 200)


def test_2211_16_and_the_default_have_them_on():
    assert gated(FakeSAPCC(live=False, sap_version="2211.16")) == (True, 200, 200)
    assert gated(FakeSAPCC(live=False)) == (True, 200, 200)


def test_disabled_endpoint_property_answers_404_in_sap_shape():
    sap = FakeSAPCC(live=False, properties={
        "assistedservicewebservices.api.restrictions.disabled.endpoints": "getCustomerLists,searchCustomer360",
        "commercewebservices.api.restrictions.disabled.endpoints": "getTitles"})
    client, headers = agent_client(sap)
    response = client.get("/assistedservicewebservices/customerlists?baseSite=electronics-spa", headers=headers)
    assert response.status_code == 404 and response.json["errors"][0]["type"] == "UnknownResourceError"
    assert client.get("/occ/v2/electronics-spa/titles").status_code == 404
    assert client.get("/occ/v2/electronics-spa/currencies").status_code == 200


def test_store_location_without_a_store_uses_the_customers_address(sapcc):
    response = requests.post(f"{sapcc.asm_url}/{SITE}/users/{CUSTOMER}/customer360", timeout=10,
                             headers=bearer(sapcc.agent_token("asagent-nostore")),
                             json={"customer360Queries": [{"type": "c360StoreLocation"}]})
    assert response.json()["value"] == [{"type": "c360StoreLocation", "address": "San Francisco United States 94103"}]


def test_a_disabled_endpoint_still_answers_the_security_filters_first():
    sap = FakeSAPCC(live=False, sap_version="2211.15")  # getPointOfServices disabled
    client = sap.client
    url = "/assistedservicewebservices/agents/current/pointOfServices"
    assert client.get(url).status_code == 401
    customer = bearer(sap.customer_token(CUSTOMER))
    assert client.get(url, headers=customer).status_code == 403
    assert client.get(url, headers=bearer(sap.agent_token())).status_code == 404


def test_a_reset_waits_for_the_request_that_holds_the_store():
    """Requests hold the store for their whole run: a reset from another thread lands between
    requests, never inside one."""
    import threading

    sap = FakeSAPCC(live=False)
    store = sap.runtime.db
    store.acquire()
    done = threading.Event()
    threading.Thread(target=lambda: (sap.reset(), done.set()), daemon=True).start()
    assert not done.wait(0.2)  # the reset waits
    store.release()
    assert done.wait(5)


def test_customer360_checks_curr_and_leaves_the_cart_alone(sapcc):
    headers = bearer(sapcc.agent_token())
    cid = customer_id(sapcc)
    code = requests.post(f"{sapcc.occ_url}/{SITE}/users/{cid}/carts", json={}, headers=headers, timeout=10).json()["code"]
    body = {"customer360Queries": [{"type": "c360Cart"}]}
    bad = requests.post(f"{sapcc.asm_url}/{SITE}/users/{cid}/customer360?curr=XXX", json=body, headers=headers, timeout=10)
    assert bad.status_code == 400 and error(bad)["type"] == "UnsupportedCurrencyError"
    euro = requests.post(f"{sapcc.asm_url}/{SITE}/users/{cid}/customer360?curr=EUR", json=body, headers=headers, timeout=10)
    assert euro.status_code == 200
    assert sapcc.runtime.db.cart(code).currency == "USD"


def test_payment_card_expiry_follows_the_servers_clock(sapcc):
    headers = bearer(sapcc.customer_token(CUSTOMER))
    occ = f"{sapcc.occ_url}/{SITE}/users/current"
    code = requests.post(f"{occ}/carts", json={}, headers=headers, timeout=10).json()["code"]
    card = {"accountHolderName": "Mark Rivers", "cardNumber": "4111111111111111", "cardType": {"code": "visa"},
            "expiryMonth": "01", "expiryYear": "2099", "billingAddress": {
                "firstName": "Mark", "lastName": "Rivers", "line1": "Main 1", "town": "SF", "postalCode": "94103",
                "country": {"isocode": "US"}}}
    sapcc.advance_clock(80 * 366 * 86400)  # past January 2099
    headers = bearer(sapcc.runtime.authserver.token({"grant_type": "password", "username": CUSTOMER,
                                                     "password": "Password123!", "client_id": "mobile_android",
                                                     "client_secret": "secret"}, None)["access_token"])
    code = requests.post(f"{occ}/carts", json={}, headers=headers, timeout=10).json()["code"]
    expired = requests.post(f"{occ}/carts/{code}/paymentdetails", json=card, headers=headers, timeout=10)
    assert expired.status_code == 400 and error(expired)["message"] == "The card has expired."


@pytest.mark.parametrize("version, valid", [
    ("2211.16", ALWAYS_VALID + PREVIEW),
    ("2211.15", ALWAYS_VALID),  # toggle.customer360.enabled off: the preview types are not valid
])
def test_customer360_wrong_type_lists_the_valid_ones(version, valid):
    """A new user who sends a wrong type learns which ones are valid (the README lists them)."""
    sap = FakeSAPCC(live=False, sap_version=version)
    client, headers = agent_client(sap)
    response = client.post(f"/assistedservicewebservices/{SITE}/users/{CUSTOMER}/customer360",
                           headers=headers, json={"customer360Queries": [{"type": "c360Orders"}]})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["message"] == (
        f"Invalid field: c360Orders. The valid types are: {', '.join(valid)}")
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert all(f"`{kind}`" in readme.split("**Customer 360**", 1)[1] for kind in valid)
