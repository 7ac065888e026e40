"""B2B on ``powertools-spa``: Alokai's ``getOrgUser`` and the ``orgUsers`` cart entries in both
forms — Spartacus' B2B recipe (``…/entries?quantity=`` with the ``code`` parameter) and the
spec's JSON list — up to a placed order. Every response is checked against the spec."""
from __future__ import annotations

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

SITE = "powertools-spa"
ADMIN = "linda.wolf@rustic-hw.com"
BUYER = "mark.rivers@rustic-hw.com"
DRILL, SCREWDRIVER, BELT_SANDER = "3881018", "3595723", "2226370"  # the sander: 4 in stock
ADDRESS = {"titleCode": "mr", "firstName": "Mark", "lastName": "Rivers", "line1": "Main Street 1",
           "town": "Boston", "postalCode": "02110", "country": {"isocode": "US"}}
CARD = {"accountHolderName": "Mark Rivers", "cardNumber": "4111111111111111",
        "cardType": {"code": "visa"}, "expiryMonth": "12", "expiryYear": "2035",
        "billingAddress": ADDRESS}


@pytest.fixture
def buyer(sapcc_client, customer_token):
    return spec.Client(sapcc_client, site=SITE, token=customer_token(BUYER, "pw4all"))


def new_cart(client) -> str:
    return client.post("users/current/carts").get_json()["code"]


def test_get_org_user(sapcc, sapcc_client, customer_token):
    admin = spec.Client(sapcc_client, site=SITE, token=customer_token(ADMIN, "pw4all"))
    user = admin.get("orgUsers/current").get_json()
    assert user["uid"] == ADMIN and user["email"] == ADMIN and user["active"] is True
    assert user["orgUnit"] == {"uid": "Rustic", "name": "Rustic"}
    assert admin.get("orgUsers/current?fields=FULL").get_json()["orgUnit"]["active"] is True
    assert user["roles"] == ["b2badmingroup", "b2bcustomergroup"]
    assert (user["firstName"], user["lastName"]) == ("Linda", "Wolf")
    customer_id = sapcc.runtime.db.principal(ADMIN).customerId
    assert admin.get(f"orgUsers/{customer_id}?fields=uid,orgUnit(uid)").get_json() == {
        "uid": ADMIN, "orgUnit": {"uid": "Rustic"}}
    assert set(admin.get("orgUsers/current?fields=BASIC").get_json()) <= {
        "uid", "name", "firstName", "lastName", "title", "titleCode", "displayUid", "customerId",
        "defaultAddress", "language", "currency", "deactivationDate"}


def test_get_org_user_of_someone_else(buyer, sapcc_client):
    assert spec.error(buyer.get(f"orgUsers/{ADMIN}"), 403) == {
        "type": "ForbiddenError", "message": "Access is denied"}
    anonymous = spec.Client(sapcc_client, site=SITE)
    assert spec.error(anonymous.get("orgUsers/current"), 401)["type"] == "UnauthorizedError"


def test_entries_in_spartacus_form(buyer):
    """Spartacus' B2B recipe: ``?quantity=`` in the URL, ``code`` as a parameter, a form
    content type and the body ``{}``; one CartModification back."""
    code = new_cart(buyer)
    response = buyer.post(f"orgUsers/current/carts/{code}/entries?quantity=2&code={DRILL}",
                          data="{}", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    mod = response.get_json()
    assert (mod["statusCode"], mod["quantityAdded"], mod["quantity"]) == ("success", 2, 2)
    assert mod["entry"]["product"]["code"] == DRILL and mod["entry"]["entryNumber"] == 0
    # the same entry again: the quantity adds up
    again = buyer.post(f"orgUsers/current/carts/{code}/entries?quantity=1",
                       data={"code": DRILL}).get_json()
    assert again["entry"]["quantity"] == 3
    # more than the stock: capped, reported as lowStock
    low = buyer.post(f"orgUsers/current/carts/{code}/entries?quantity=10&code={BELT_SANDER}",
                     data="{}", content_type="application/x-www-form-urlencoded").get_json()
    assert (low["statusCode"], low["quantityAdded"], low["quantity"]) == ("lowStock", 4, 10)
    cart = buyer.get(f"users/current/carts/{code}").get_json()
    assert [(e["product"]["code"], e["quantity"]) for e in cart["entries"]] == [
        (DRILL, 3), (BELT_SANDER, 4)]
    assert spec.error(buyer.post(f"orgUsers/current/carts/{code}/entries?quantity=1", data="{}",
                                 content_type="application/x-www-form-urlencoded"), 400) == {
        "type": "MissingServletRequestParameterError",
        "message": "Required String parameter 'code' is not present"}


def test_entries_as_a_json_list(buyer):
    code = new_cart(buyer)
    body = {"orderEntries": [{"product": {"code": DRILL}, "quantity": 1},
                             {"product": {"code": SCREWDRIVER}, "quantity": 5}]}
    for path in (f"orgUsers/current/carts/{code}/entries/", f"orgUsers/current/carts/{code}/entries"):
        response = buyer.post(path, json=body)
        assert response.status_code == 200
        mods = response.get_json()["cartModifications"]
        assert [(m["statusCode"], m["entry"]["product"]["code"]) for m in mods] == [
            ("success", DRILL), ("success", SCREWDRIVER)]
    cart = buyer.get(f"users/current/carts/{code}").get_json()
    assert [(e["product"]["code"], e["quantity"]) for e in cart["entries"]] == [
        (DRILL, 2), (SCREWDRIVER, 10)]
    # PUT replaces every entry
    replaced = buyer.put(f"orgUsers/current/carts/{code}/entries/", json={
        "orderEntries": [{"product": {"code": BELT_SANDER}, "quantity": 9}]}).get_json()
    assert [(m["statusCode"], m["quantityAdded"]) for m in replaced["cartModifications"]] == [
        ("lowStock", 4)]
    cart = buyer.get(f"users/current/carts/{code}?fields=FULL").get_json()
    assert [(e["product"]["code"], e["quantity"]) for e in cart["entries"]] == [(BELT_SANDER, 4)]
    assert cart["totalUnitCount"] == 4


def test_entries_errors(buyer):
    code = new_cart(buyer)
    url = f"orgUsers/current/carts/{code}/entries/"
    # an empty list is "invalid", a missing one "missing" (SAP's ValidationErrorConverter)
    assert spec.error(buyer.post(url, json={"orderEntries": []}), 400) == {
        "type": "ValidationError", "message": "This field is required.", "reason": "invalid",
        "subject": "orderEntries", "subjectType": "parameter"}
    assert spec.error(buyer.post(url, json={}), 400)["reason"] == "missing"
    assert spec.error(buyer.post(url, json={"orderEntries": [{"quantity": 1}]}), 400) == {
        "type": "ValidationError", "message": "This field is required.", "reason": "missing",
        "subject": "product.code", "subjectType": "parameter"}
    assert spec.error(buyer.post(url, json={"orderEntries": [{"product": {"code": "nope"}}]}),
                      400) == {"type": "UnknownIdentifierError",
                               "message": "Product with code 'nope' not found!"}
    assert spec.error(buyer.post("orgUsers/current/carts/nosuchcart/entries/", json={
        "orderEntries": [{"product": {"code": DRILL}}]}), 400)["reason"] == "notFound"


def test_org_order(buyer):
    code = new_cart(buyer)
    buyer.post(f"orgUsers/current/carts/{code}/entries?quantity=2&code={DRILL}", data="{}",
               content_type="application/x-www-form-urlencoded")
    place = f"orgUsers/current/orders?fields=FULL&cartId={code}&termsChecked=true"
    assert [e["message"] for e in spec.errors(buyer.post(place), 400)] == [
        "Delivery mode is not set", "Delivery address is not set", "Payment info is not set"]
    assert spec.error(buyer.post(f"orgUsers/current/orders?cartId={code}&termsChecked=false"),
                      400)["subject"] == "termsChecked"
    address = buyer.post("users/current/addresses", json=ADDRESS).get_json()
    cart = buyer.put(f"orgUsers/current/carts/{code}/addresses/delivery?addressId={address['id']}"
                     "&fields=deliveryAddress(FULL)")
    assert cart.get_json()["deliveryAddress"]["id"] == address["id"]
    assert buyer.put(f"users/current/carts/{code}/deliverymode?deliveryModeId=standard-gross").status_code == 200
    assert buyer.post(f"users/current/carts/{code}/paymentdetails", json=CARD).status_code == 201
    order = buyer.post(place)
    assert order.status_code == 200  # the spec's placeOrgOrder answers 200
    body = order.get_json()
    assert body["user"]["uid"] == BUYER and body["status"] == "CREATED"
    assert body["totalPriceWithTax"]["value"] == 2 * 189.00 + 9.99
    history = buyer.get("users/current/orders").get_json()["orders"]
    assert [o["code"] for o in history] == [body["code"]]


def test_b2b_endpoints_on_a_b2c_site(sapcc_client, customer_token):
    """SAP restricts them to the B2B channels: 401 AccessDeniedError elsewhere."""
    b2c = spec.Client(sapcc_client, token=customer_token("mark.rivers@pronto-hw.com"))
    code = new_cart(b2c)
    denied = {"type": "AccessDeniedError", "message": "Access is denied"}
    for method, path, kwargs in (
            ("POST", f"orgUsers/current/carts/{code}/entries/",
             {"json": {"orderEntries": [{"product": {"code": "300938"}}]}}),
            ("POST", f"orgUsers/current/carts/{code}/entries?quantity=1&code=300938", {}),
            ("PUT", f"orgUsers/current/carts/{code}/entries/", {"json": {"orderEntries": []}}),
            ("PUT", f"orgUsers/current/carts/{code}/addresses/delivery?addressId=1", {}),
            ("POST", f"orgUsers/current/orders?cartId={code}&termsChecked=true", {})):
        assert spec.error(b2c(method, path, **kwargs), 401) == denied
