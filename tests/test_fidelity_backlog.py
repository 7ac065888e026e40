"""Fidelity edges, each with SAP's answer (docs/fidelity.md, "Contract fidelity"): JSON nulls
where SAP's document wants a string, the token store under a login storm, stock of a store
with no warehouses, the security headers, the agent's roles, ImpEx headers with no unique
column."""
from __future__ import annotations

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

CUSTOMER = "mark.rivers@pronto-hw.com"
ADDRESS = {"titleCode": "mr", "firstName": "Mark", "lastName": "Rivers", "line1": "Folsom Street",
           "town": "San Francisco", "postalCode": "94105", "country": {"isocode": "US"}}
NOT_VALID = "This field is not valid."


def null_error(subject: str, message: str = NOT_VALID) -> dict:
    return {"type": "ValidationError", "subject": subject, "subjectType": "parameter",
            "reason": "missing", "message": message}


@pytest.fixture
def me(sapcc_client, customer_token):
    return spec.Client(sapcc_client, token=customer_token(CUSTOMER))


# -- JSON null where SAP's schema wants a string --------------------------------------------------


def test_title_code_null_is_refused_by_replace_user_and_nothing_changes(me):
    before = me.get("users/current", query_string={"fields": "FULL"}).json
    body = {"firstName": "Marc", "lastName": "Rivers", "titleCode": None}
    assert spec.errors(me.put("users/current", json=body), 400) == [null_error("titleCode")]
    assert spec.errors(me.patch("users/current", json=body), 400) == [null_error("titleCode")]
    assert me.get("users/current", query_string={"fields": "FULL"}).json == before


def test_title_code_null_is_refused_by_create_address_and_nothing_is_stored(me):
    before = me.get("users/current/addresses").json
    response = me.post("users/current/addresses", json={**ADDRESS, "titleCode": None})
    assert spec.errors(response, 400) == [null_error("titleCode")]
    assert me.get("users/current/addresses").json == before


def test_a_null_string_is_reported_with_the_other_fields(me):
    body = {**ADDRESS, "titleCode": None, "line2": None, "firstName": None}
    found = spec.errors(me.post("users/current/addresses", json=body), 400)
    assert {(e["subject"], e["reason"]) for e in found} == {
        ("titleCode", "missing"), ("line2", "missing"), ("firstName", "missing")}


def test_registration_with_a_null_title_code_is_refused(sapcc_client, client_token):
    client = spec.Client(sapcc_client, token=client_token())
    body = {"uid": "new.one@example.com", "firstName": "New", "lastName": "One",
            "password": "Password123!", "titleCode": None}
    assert spec.errors(client.post("users", json=body), 400) == [null_error("titleCode")]
    body.pop("titleCode")
    assert client.post("users", json=body).status_code == 201


# -- online stock of a base store with no warehouses -------------------------------------------------

NO_WAREHOUSES = "UPDATE BaseStore;uid[unique=true];warehouses(code)[allownull=true]\n;electronics;<null>\n"
PRODUCT = "1934793"


def test_a_store_without_warehouses_has_no_stock_system(sapcc, me):
    """SAP's isStockSystemEnabled is false: StockPopulator answers inStock with a level of 0,
    and the cart takes any quantity."""
    shop = spec.Client(sapcc.client)
    assert shop.get(f"products/{PRODUCT}", query_string={"fields": "stock(FULL)"}).json[
        "stock"]["stockLevelStatus"] in ("inStock", "lowStock")
    assert not sapcc.load_impex(NO_WAREHOUSES).errors
    product = shop.get(f"products/{PRODUCT}", query_string={"fields": "stock(FULL)"}).json
    assert (product["stock"]["stockLevelStatus"], product["stock"]["stockLevel"]) == ("inStock", 0)
    cart = me.post("users/current/carts").json["code"]
    added = me.post(f"users/current/carts/{cart}/entries",
                    json={"product": {"code": PRODUCT}, "quantity": 5000}).json
    assert (added["statusCode"], added["quantityAdded"]) == ("success", 5000)


# -- ImpEx: INSERT_UPDATE / UPDATE / REMOVE need a unique column --------------------------------


@pytest.mark.parametrize("mode", ["INSERT_UPDATE", "UPDATE", "REMOVE"])
def test_a_header_without_a_unique_column_is_an_error_and_nothing_loads(sapcc, mode):
    text = ("INSERT_UPDATE Title;code[unique=true];name[lang=en]\n;capt;Captain\n"
            f"{mode} Title;code;name[lang=en]\n;dr;Doctor\n")
    report = sapcc.load_impex(text)
    assert [(e.line, e.message) for e in report.errors] == [
        (3, f"{mode} Title has no unique column ([unique=true]): the header is rejected")]
    assert not report.loaded
    assert "capt" not in sapcc.runtime.db.state.titles  # the file is all or nothing


def test_a_header_of_unknown_columns_only_is_skipped_with_a_warning(sapcc):
    """fakesapcc ignores unknown attributes (SAP rejects them): a header left with no known
    column writes nothing, and is skipped as they are."""
    report = sapcc.load_impex("UPDATE Product;modifiedtime[dateformat=dd-MM-yyyy];\n;17-01-1972\n")
    assert report.loaded and not report.errors
    assert any("has no known column: block skipped" in d.message and d.level == "warning"
               for d in report.diagnostics)


# -- the agent's roles for bind-cart and Customer 360 ---------------------------------------------


def test_bind_cart_and_customer_360_need_asagentgroup_only(sapcc):
    """SAP's ASM endpoints have no @Secured of their own: the web app's session filter wants
    ROLE_ASAGENTGROUP. customermanagergroup is what OCC's UserMatchingFilter wants to let the
    agent act for the customer there."""
    client = sapcc.client
    agent = {"Authorization": f"Bearer {sapcc.agent_token('asagent-nocm')}"}
    cart = client.post("/occ/v2/electronics-spa/users/anonymous/carts", json={}).json
    bound = client.post("/assistedservicewebservices/bind-cart", headers=agent,
                        query_string={"baseSite": "electronics-spa"},
                        data={"cartId": cart["guid"], "customerId": CUSTOMER})
    assert bound.status_code == 200 and bound.data == b""
    assert sapcc.runtime.db.state.carts[cart["code"]].user == CUSTOMER
    c360 = client.post(f"/assistedservicewebservices/electronics-spa/users/{CUSTOMER}/customer360",
                       headers=agent, json={"customer360Queries": [{"type": "c360StoreLocation"}]})
    assert c360.status_code == 200 and c360.json["value"][0]["type"] == "c360StoreLocation"
    occ = client.get(f"/occ/v2/electronics-spa/users/{CUSTOMER}/carts/{cart['code']}", headers=agent)
    assert occ.status_code == 403 and occ.json["errors"][0]["type"] == "ForbiddenError"
