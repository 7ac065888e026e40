"""B2B order approvals on ``powertools-spa`` over HTTP: an order that breaks its buyer's
permission waits as PENDING_APPROVAL for the buyer's approver, who approves or rejects it with
a comment; the order history and the approval's records show each decision. Schema-checked."""
from __future__ import annotations

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

SITE = "powertools-spa"
BUYER = "gi.sun@rustic-hw.com"  # Custom_1K_USD_ORDER; approver william.hunter
APPROVER = "william.hunter@rustic-hw.com"
OTHER_APPROVER = "anthony.lombardi@rustic-hw.com"
DRILL = "3881018"  # 189.00 USD
ADDRESS = {"firstName": "Gi", "lastName": "Sun", "line1": "Main Street 1", "town": "Boston",
           "postalCode": "02110", "country": {"isocode": "US"}}
CARD = {"accountHolderName": "Gi Sun", "cardNumber": "4111111111111111",
        "cardType": {"code": "visa"}, "expiryMonth": "12", "expiryYear": "2035",
        "billingAddress": ADDRESS}


def place(buyer, drills: int, **extra) -> dict:
    code = buyer.post("users/current/carts").get_json()["code"]
    buyer.post(f"orgUsers/current/carts/{code}/entries/",
               json={"orderEntries": [{"product": {"code": DRILL}, "quantity": drills}]})
    address = buyer.post("users/current/addresses", json=ADDRESS).get_json()["id"]
    buyer.put(f"orgUsers/current/carts/{code}/addresses/delivery?addressId={address}")
    buyer.put(f"users/current/carts/{code}/deliverymode?deliveryModeId=standard-gross")
    buyer.post(f"users/current/carts/{code}/paymentdetails", json=CARD)
    response = buyer.post(f"orgUsers/current/orders?cartId={code}&termsChecked=true"
                          "&fields=FULL")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_under_the_threshold_needs_no_approval(as_user):
    order = place(as_user(BUYER), 1)
    assert order["status"] == "CREATED" and "permissionResults" not in order
    assert as_user(APPROVER).get("users/current/orderapprovals").get_json()[
        "orderApprovals"] == []


def test_story_over_the_threshold_rejected_and_approved(as_user):
    buyer, approver = as_user(BUYER), as_user(APPROVER)
    first, second = place(buyer, 6), place(buyer, 7)  # 1134 and 1323 USD: over 1000
    assert (first["status"], second["status"]) == ("PENDING_APPROVAL", "PENDING_APPROVAL")
    result = first["permissionResults"][0]
    assert (result["approverName"], result["permissionType"]["code"], result["statusDisplay"]) \
        == ("William Hunter", "B2BOrderThresholdPermission", "pending approval")

    listed = approver.get("users/current/orderapprovals").get_json()
    assert [(a["order"]["code"], a["approvalDecisionRequired"])
            for a in listed["orderApprovals"]] == [(second["code"], True), (first["code"], True)]
    by_order = {a["order"]["code"]: a["code"] for a in listed["orderApprovals"]}
    reject = approver.post(f"users/current/orderapprovals/{by_order[first['code']]}/decision",
                           json={"decision": "REJECT", "comment": "Too many drills"})
    assert reject.get_json() == {"decision": "REJECT", "comment": "Too many drills"}
    approve = approver.post(f"users/current/orderapprovals/{by_order[second['code']]}/decision",
                            json={"decision": "APPROVE"})
    assert approve.status_code == 200

    history = buyer.get("users/current/orders").get_json()["orders"]
    statuses = {o["code"]: o["status"] for o in history}
    assert (statuses[first["code"]], statuses[second["code"]]) == ("REJECTED", "APPROVED")
    detail = approver.get(f"users/current/orderapprovals/{by_order[first['code']]}").get_json()
    assert detail["approvalDecisionRequired"] is False
    record = detail["customerOrderApprovalRecords"][-1]
    assert (record["approver"]["uid"], record["statusDisplay"], record["comments"]) == (
        APPROVER, "rejected", "Too many drills")
    rejected = buyer.get(f"users/current/orders/{first['code']}?fields=FULL").get_json()
    assert rejected["permissionResults"][-1]["approverNotes"] == "Too many drills"
    # decided once only
    again = approver.post(f"users/current/orderapprovals/{by_order[first['code']]}/decision",
                          json={"decision": "APPROVE"})
    assert spec.error(again, 400)["type"] == "OrderApprovalError"


def test_decision_errors(as_user):
    place(as_user(BUYER), 6)
    approver = as_user(APPROVER)
    code = approver.get("users/current/orderapprovals").get_json()["orderApprovals"][0]["code"]
    path = f"users/current/orderapprovals/{code}/decision"
    assert spec.error(approver.post(path, json={"decision": "REJECT"}), 400)["subject"] == \
        "comment"
    assert spec.error(approver.post(path, json={"decision": "MAYBE"}), 400)["subject"] == \
        "decision"
    assert spec.errors(approver.post(path, json={}), 400)[0]["subject"] == "decision"
    # another branch's approver sees nothing and may not decide
    other = as_user(OTHER_APPROVER)
    assert other.get("users/current/orderapprovals").get_json()["orderApprovals"] == []
    assert spec.error(other.post(path, json={"decision": "APPROVE"}), 400)[
        "type"] == "UnknownIdentifierError"
    # a buyer is no approver
    assert spec.error(as_user(BUYER).get("users/current/orderapprovals"), 401)["type"] == \
        "AccessDeniedError"


def test_a_budget_over_its_amount_needs_approval(as_user, sapcc):
    """mark.rivers holds Rustic_BUDGET_CHECK; Custom_Retail's budget is 2500 USD."""
    buyer = as_user("mark.rivers@rustic-hw.com")
    code = buyer.post("users/current/carts").get_json()["code"]
    buyer.post(f"orgUsers/current/carts/{code}/entries/",
               json={"orderEntries": [{"product": {"code": "1128763"}, "quantity": 10}]})
    cart = f"users/current/carts/{code}"
    buyer.put(f"{cart}/paymenttype?paymentType=ACCOUNT&purchaseOrderNumber=PO-9")
    buyer.put(f"{cart}/costcenter?costCenterId=Custom_Retail")
    unit_pk = next(pk for pk, a in sapcc.runtime.db.state.addresses.items()
                   if a.owner == "Custom Retail")
    buyer.put(f"orgUsers/current/carts/{code}/addresses/delivery?addressId={unit_pk}")
    buyer.put(f"{cart}/deliverymode?deliveryModeId=standard-gross")
    order = buyer.post(f"orgUsers/current/orders?cartId={code}&termsChecked=true&fields=FULL")
    placed = order.get_json()
    assert placed["status"] == "PENDING_APPROVAL"
    assert {r["permissionType"]["code"] for r in placed["permissionResults"]} == {
        "B2BOrderThresholdPermission", "B2BBudgetExceededPermission"}
