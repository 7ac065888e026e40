"""B2B checkout on ``powertools-spa`` over HTTP: payment types, a cart paid on account with a
purchase order number against a cost center, delivered to an address of the cost center's
unit only — and the story of the organization's administrator who builds a sub-unit, a buyer,
a cost center and a budget, and the buyer who checks out on account. Schema-checked."""
from __future__ import annotations

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

SITE = "powertools-spa"
ADMIN = "linda.wolf@rustic-hw.com"
BUYER = "mark.rivers@rustic-hw.com"
DRILL = "3881018"
ADDRESS = {"firstName": "Mark", "lastName": "Rivers", "line1": "Main Street 1", "town": "Boston",
           "postalCode": "02110", "country": {"isocode": "US"}}
CARD = {"accountHolderName": "Mark Rivers", "cardNumber": "4111111111111111",
        "cardType": {"code": "visa"}, "expiryMonth": "12", "expiryYear": "2035",
        "billingAddress": ADDRESS}


def cart_with_a_drill(client) -> str:
    code = client.post("users/current/carts").get_json()["code"]
    assert client.post(f"orgUsers/current/carts/{code}/entries/",
                       json={"orderEntries": [{"product": {"code": DRILL}, "quantity": 1}]}
                       ).status_code == 200
    return code


def unit_address(client, unit: str) -> str:
    admin_view = client.get(f"users/current/orgUnits/{unit}/addresses").get_json()
    return admin_view["addresses"][0]["id"]


def test_payment_types(sapcc_client):
    types = spec.Client(sapcc_client, site=SITE).get("paymenttypes").get_json()
    assert types == {"paymentTypes": [{"code": "CARD", "displayName": "Card Payment"},
                                      {"code": "ACCOUNT", "displayName": "Account Payment"}]}


def test_checkout_on_account(as_user, sapcc):
    buyer = as_user(BUYER)
    code = cart_with_a_drill(buyer)
    cart = f"users/current/carts/{code}"
    paid = buyer.put(f"{cart}/paymenttype?paymentType=ACCOUNT&purchaseOrderNumber=PO-1001"
                     "&fields=FULL").get_json()
    assert (paid["paymentType"]["code"], paid["purchaseOrderNumber"]) == ("ACCOUNT", "PO-1001")
    assert spec.error(buyer.put(f"{cart}/costcenter?costCenterId=Rustic_Services"), 400)[
        "type"] == "UnknownIdentifierError"  # another branch's
    with_cc = buyer.put(f"{cart}/costcenter?costCenterId=Custom_Retail&fields=FULL").get_json()
    assert with_cc["costCenter"]["code"] == "Custom_Retail"
    # on account: only the cost center's unit's addresses
    own = buyer.post("users/current/addresses", json=ADDRESS).get_json()["id"]
    assert spec.error(buyer.put(f"orgUsers/current/carts/{code}/addresses/delivery"
                                f"?addressId={own}"), 400)["type"] == "CartAddressError"
    unit_pk = next(pk for pk, a in sapcc.runtime.db.state.addresses.items()
                   if a.owner == "Custom Retail")
    assert buyer.put(f"orgUsers/current/carts/{code}/addresses/delivery?addressId={unit_pk}"
                     ).status_code == 200
    assert buyer.put(f"{cart}/deliverymode?deliveryModeId=standard-gross").status_code == 200
    order = buyer.post(f"orgUsers/current/orders?cartId={code}&termsChecked=true&fields=FULL")
    assert order.status_code == 200
    placed = order.get_json()
    assert (placed["paymentType"]["code"], placed["purchaseOrderNumber"],
            placed["costCenter"]["code"], placed["orgUnit"]["uid"],
            placed["orgCustomer"]["uid"]) == ("ACCOUNT", "PO-1001", "Custom_Retail",
                                              "Custom Retail", BUYER)
    assert "paymentInfo" not in placed
    history = buyer.get("users/current/orders?fields=FULL").get_json()["orders"][0]
    assert (history["purchaseOrderNumber"], history["costCenter"]["code"]) == (
        "PO-1001", "Custom_Retail")


def test_account_needs_a_cost_center_and_card_drops_it(as_user):
    buyer = as_user(BUYER)
    code = cart_with_a_drill(buyer)
    cart = f"users/current/carts/{code}"
    assert spec.error(buyer.put(f"{cart}/costcenter?costCenterId=Custom_Retail"), 400)[
        "subject"] == "costCenterId"  # not on account yet
    assert spec.error(buyer.put(f"{cart}/paymenttype?paymentType=CHEQUE"), 400) == {
        "type": "ValidationError", "message": "Payment type [CHEQUE] is not valid",
        "reason": "invalid", "subject": "paymentType", "subjectType": "parameter"}
    buyer.put(f"{cart}/paymenttype?paymentType=ACCOUNT")
    buyer.put(f"{cart}/deliverymode?deliveryModeId=standard-gross")
    errors = spec.errors(buyer.post(f"orgUsers/current/orders?cartId={code}&termsChecked=true"),
                         400)
    assert {e["message"] for e in errors} >= {"Cost center is not set"}
    assert "Payment info is not set" not in {e["message"] for e in errors}
    buyer.put(f"{cart}/costcenter?costCenterId=Custom_Retail")
    card = buyer.put(f"{cart}/paymenttype?paymentType=CARD&fields=FULL").get_json()
    assert card["paymentType"]["code"] == "CARD" and "costCenter" not in card
    errors = spec.errors(buyer.post(f"orgUsers/current/orders?cartId={code}&termsChecked=true"),
                         400)
    assert "Payment info is not set" in {e["message"] for e in errors}


def test_story_admin_builds_a_unit_and_a_buyer_who_checks_out_on_account(as_user, sapcc):
    """An admin builds a sub-unit with an address, a buyer in it, a cost center with a budget;
    the buyer checks out on account with a PO number."""
    admin = as_user(ADMIN)
    assert admin.post("users/current/orgUnits", json={
        "uid": "Rustic Labs", "name": "Rustic Labs", "parentOrgUnit": {"uid": "Rustic"}}
    ).status_code == 201
    address = admin.post("users/current/orgUnits/Rustic Labs/addresses",
                         json=ADDRESS).get_json()["id"]
    assert admin.post("users/current/budgets", json={
        "code": "Labs_5K", "name": "Labs 5K", "budget": 5000, "currency": {"isocode": "USD"},
        "startDate": "2020-01-01T00:00:00Z", "endDate": "2035-12-31T23:59:59Z",
        "orgUnit": {"uid": "Rustic Labs"}}).status_code == 201
    assert admin.post("costcenters", json={
        "code": "Labs", "name": "Labs", "currency": {"isocode": "USD"},
        "unit": {"uid": "Rustic Labs"}}).status_code == 201
    assert admin.post("costcenters/Labs/budgets?budgetCode=Labs_5K").status_code == 200
    assert admin.post("users/current/orgCustomers", json={
        "email": "lea.lab@rustic-hw.com", "firstName": "Lea", "lastName": "Lab",
        "orgUnit": {"uid": "Rustic Labs"}, "roles": ["b2bcustomergroup"]}).status_code == 201
    admin.patch("users/current/orgCustomers/lea.lab@rustic-hw.com", json={"password": "Lab12345!"})

    lea = as_user("lea.lab@rustic-hw.com", "Lab12345!")
    assert [c["code"] for c in lea.get("costcenters").get_json()["costCenters"]] == ["Labs"]
    code = cart_with_a_drill(lea)
    cart = f"users/current/carts/{code}"
    lea.put(f"{cart}/paymenttype?paymentType=ACCOUNT&purchaseOrderNumber=LAB-7")
    lea.put(f"{cart}/costcenter?costCenterId=Labs")
    lea.put(f"orgUsers/current/carts/{code}/addresses/delivery?addressId={address}")
    lea.put(f"{cart}/deliverymode?deliveryModeId=standard-gross")
    order = lea.post(f"orgUsers/current/orders?cartId={code}&termsChecked=true&fields=FULL")
    assert order.status_code == 200, order.get_data(as_text=True)
    placed = order.get_json()
    assert (placed["purchaseOrderNumber"], placed["costCenter"]["code"],
            placed["orgUnit"]["uid"], placed["deliveryAddress"]["town"]) == (
        "LAB-7", "Labs", "Rustic Labs", "Boston")
    assert placed["costCenter"]["assignedBudgets"][0]["code"] == "Labs_5K"
