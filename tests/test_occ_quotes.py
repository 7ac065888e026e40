"""Quotes on ``powertools-spa`` over HTTP: a buyer's draft from a cart, submitted; the seller (an
agent in ``salesemployeegroup`` emulating the buyer) edits the request, discounts it and submits
an offer, which a seller approver approves above the auto-approval threshold; the buyer accepts
it and orders the quote's cart. Comments, metadata by role, the actions each role may take in
each state, requotes and expiry on the server clock. Schema-checked."""
from __future__ import annotations

from datetime import timedelta

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

SITE = "powertools-spa"
BUYER = "mark.rivers@rustic-hw.com"
DRILL = "3881018"  # 189.00 USD
SELLER = "powertools-salesrep"
APPROVER = "powertools-salesapprover"


@pytest.fixture
def people(sapcc, sapcc_client, customer_token, agent_token):
    def client(token: str) -> spec.Client:
        return spec.Client(sapcc_client, site=SITE, token=token)
    return {"buyer": client(customer_token(BUYER, "pw4all")),
            "seller": client(agent_token(SELLER, "pw4all")),
            "approver": client(agent_token(APPROVER, "pw4all"))}


def draft(buyer, drills: int = 2) -> dict:
    code = buyer.post("users/current/carts").get_json()["code"]
    buyer.post(f"orgUsers/current/carts/{code}/entries/",
               json={"orderEntries": [{"product": {"code": DRILL}, "quantity": drills}]})
    made = buyer.post("users/current/quotes?fields=FULL", json={"cartId": code})
    assert made.status_code == 201, made.get_data(as_text=True)
    return made.get_json()


def act(client, user: str, code: str, action: str):
    return client.post(f"users/{user}/quotes/{code}/action", json={"action": action})


def checkout_on_account(sapcc, buyer, cart: str) -> dict:
    path = f"users/current/carts/{cart}"
    buyer.put(f"{path}/paymenttype?paymentType=ACCOUNT&purchaseOrderNumber=PO-Q")
    buyer.put(f"{path}/costcenter?costCenterId=Custom_Retail")
    unit_pk = next(pk for pk, a in sapcc.runtime.db.state.addresses.items()
                   if a.owner == "Custom Retail")
    buyer.put(f"orgUsers/current/carts/{cart}/addresses/delivery?addressId={unit_pk}")
    buyer.put(f"{path}/deliverymode?deliveryModeId=standard-gross")
    return buyer.post(f"orgUsers/current/orders?cartId={cart}&termsChecked=true&fields=FULL")


def test_story_a_quote_goes_from_draft_to_a_seller_offer_to_an_order(sapcc, people):
    buyer, seller, approver = people["buyer"], people["seller"], people["approver"]
    sapcc.runtime.config.properties[
        "commerceservices.quote.seller.auto.approval.threshold"] = "300"
    quote = draft(buyer)
    code = quote["code"]
    assert (quote["state"], quote["version"], quote["allowedActions"]) == (
        "BUYER_DRAFT", 1, ["EDIT", "SUBMIT", "CANCEL"])
    assert quote["entries"][0]["quantity"] == 2 and quote["cartId"]
    assert quote["totalPrice"]["value"] == 378.0
    # the seller does not see the buyer's draft
    assert spec.error(seller.get(f"users/{BUYER}/quotes/{code}"), 404)["type"] == "NotFoundError"
    assert buyer.patch(f"users/current/quotes/{code}", json={
        "name": "Drills for the outlets", "description": "Two drills"}).status_code == 200
    assert buyer.post(f"users/current/quotes/{code}/comments",
                      json={"text": "Can you do better?"}).status_code == 201
    assert act(buyer, "current", code, "SUBMIT").status_code == 200

    submitted = buyer.get(f"users/current/quotes/{code}?fields=FULL").get_json()
    assert (submitted["state"], submitted["version"], submitted["allowedActions"]) == (
        "BUYER_SUBMITTED", 2, [])
    assert "cartId" not in submitted and submitted["name"] == "Drills for the outlets"
    request = seller.get(f"users/{BUYER}/quotes/{code}?fields=FULL").get_json()
    assert (request["state"], request["allowedActions"]) == ("SELLER_REQUEST", ["EDIT"])
    assert [c["text"] for c in request["comments"]] == ["Can you do better?"]
    assert request["comments"][0]["fromCustomer"] is True

    # the seller edits, discounts 10 %, sets an expiry and submits: over 300, it waits
    assert act(seller, BUYER, code, "EDIT").status_code == 200
    assert seller.post(f"users/{BUYER}/quotes/{code}/discounts", json={
        "discountType": "PERCENT", "discountRate": 10}).status_code == 201
    expiry = (sapcc.runtime.clock.now() + timedelta(days=10)).replace(microsecond=0)
    assert seller.patch(f"users/{BUYER}/quotes/{code}",
                        json={"expirationTime": expiry.isoformat()}).status_code == 200
    assert seller.post(f"users/{BUYER}/quotes/{code}/entries/0/comments",
                       json={"text": "10 % off these"}).status_code == 201
    offer = seller.get(f"users/{BUYER}/quotes/{code}?fields=FULL").get_json()
    assert (offer["state"], offer["sapQuoteDiscountsType"], offer["quoteDiscounts"]["value"],
            offer["totalPrice"]["value"]) == ("SELLER_DRAFT", "PERCENT", 37.8, 340.2)
    assert offer["entries"][0]["comments"][0]["fromCustomer"] is False
    assert act(seller, BUYER, code, "SUBMIT").status_code == 200
    pending = seller.get(f"users/{BUYER}/quotes/{code}").get_json()
    assert (pending["state"], pending["version"], pending["allowedActions"]) == (
        "SELLERAPPROVER_PENDING", 3, [])
    assert spec.error(act(seller, BUYER, code, "EDIT"), 400)["message"] == (
        f"Action [EDIT] is not allowed for quote code [{code}] in quote state "
        "[SELLERAPPROVER_PENDING] having version [3].")
    assert buyer.get(f"users/current/quotes/{code}").get_json()["state"] == "BUYER_SUBMITTED"
    assert approver.get(f"users/{BUYER}/quotes/{code}").get_json()["allowedActions"] == [
        "APPROVE", "REJECT"]
    assert act(approver, BUYER, code, "APPROVE").status_code == 200

    # the buyer accepts the offer and orders the quote's cart, discount and all
    seen = buyer.get(f"users/current/quotes/{code}?fields=FULL").get_json()
    assert (seen["state"], seen["allowedActions"], seen["totalPrice"]["value"]) == (
        "BUYER_OFFER", ["EDIT", "CHECKOUT", "CANCEL"], 340.2)
    assert seen["expirationTime"] == expiry.isoformat()
    cart = seen["cartId"]
    assert spec.error(checkout_on_account(sapcc, buyer, cart), 400)["type"] == "CartError"
    assert act(buyer, "current", code, "CHECKOUT").status_code == 200
    placed = checkout_on_account(sapcc, buyer, cart)
    assert placed.status_code == 200, placed.get_data(as_text=True)
    order = placed.get_json()
    assert order["totalPrice"]["value"] == 340.2 + order["deliveryCost"]["value"]
    ordered = buyer.get(f"users/current/quotes/{code}").get_json()
    assert (ordered["state"], ordered["sapOrderCode"], ordered["allowedActions"]) == (
        "BUYER_ORDERED", order["code"], [])


def test_under_the_auto_approval_threshold_the_offer_goes_straight_to_the_buyer(people):
    buyer, seller = people["buyer"], people["seller"]
    code = draft(buyer)["code"]
    act(buyer, "current", code, "SUBMIT")
    act(seller, BUYER, code, "EDIT")
    assert act(seller, BUYER, code, "SUBMIT").status_code == 200
    offer = buyer.get(f"users/current/quotes/{code}").get_json()
    assert offer["state"] == "BUYER_OFFER" and offer["expirationTime"]  # the default validity


def test_the_approver_rejects_and_the_seller_edits_again(sapcc, people):
    buyer, seller, approver = people["buyer"], people["seller"], people["approver"]
    sapcc.runtime.config.properties[
        "commerceservices.quote.seller.auto.approval.threshold"] = "1"
    code = draft(buyer)["code"]
    act(buyer, "current", code, "SUBMIT")
    act(seller, BUYER, code, "EDIT")
    act(seller, BUYER, code, "SUBMIT")
    assert act(approver, BUYER, code, "REJECT").status_code == 200
    rejected = seller.get(f"users/{BUYER}/quotes/{code}").get_json()
    assert (rejected["state"], rejected["allowedActions"]) == ("SELLERAPPROVER_REJECTED",
                                                              ["EDIT"])
    assert act(seller, BUYER, code, "EDIT").status_code == 200
    assert seller.get(f"users/{BUYER}/quotes/{code}").get_json()["state"] == "SELLER_DRAFT"


def test_an_offer_expires_on_the_server_clock_and_can_be_quoted_again(sapcc, people,
                                                                       customer_token):
    buyer, seller = people["buyer"], people["seller"]
    sapcc.freeze_clock()
    code = draft(buyer)["code"]
    buyer.post(f"users/current/quotes/{code}/comments", json={"text": "old"})
    act(buyer, "current", code, "SUBMIT")
    act(seller, BUYER, code, "EDIT")
    expiry = sapcc.runtime.clock.now() + timedelta(hours=2)
    seller.put(f"users/{BUYER}/quotes/{code}", json={"expirationTime": expiry.isoformat()})
    act(seller, BUYER, code, "SUBMIT")
    assert buyer.get(f"users/current/quotes/{code}").get_json()["state"] == "BUYER_OFFER"
    sapcc.advance_clock(3 * 3600)
    buyer.token = customer_token(BUYER, "pw4all")
    expired = buyer.get(f"users/current/quotes/{code}").get_json()
    assert (expired["state"], expired["allowedActions"]) == ("EXPIRED", ["REQUOTE"])
    assert spec.error(act(buyer, "current", code, "CHECKOUT"), 400)["type"] == "QuoteError"
    again = buyer.post("users/current/quotes?fields=FULL", json={"quoteCode": code})
    assert again.status_code == 201
    fresh = again.get_json()
    assert (fresh["state"], fresh["version"], fresh["entries"][0]["quantity"]) == (
        "BUYER_DRAFT", 1, 2)
    assert fresh["code"] != code and fresh.get("comments", []) == []


def test_buyer_actions_and_errors(people):
    buyer = people["buyer"]
    quote = draft(buyer)
    code = quote["code"]
    error = spec.error(buyer.post("users/current/quotes", json={"quoteCode": code}), 400)
    assert error == {"type": "IllegalQuoteStateError", "message":
                     f"Action [REQUOTE] is not allowed for quote code [{code}] in quote state "
                     "[BUYER_DRAFT] having version [1]."}
    assert spec.error(act(buyer, "current", code, "APPROVE"), 400)[
        "type"] == "IllegalQuoteStateError"
    assert spec.error(act(buyer, "current", code, "DANCE"), 400) == {
        "type": "IllegalArgumentError", "message": "Provided action not supported"}
    assert spec.error(buyer.post(f"users/current/quotes/{code}/action", json={}), 400)[
        "type"] == "ValidationError"
    assert spec.error(buyer.patch(f"users/current/quotes/{code}", json={
        "expirationTime": "2040-01-01T00:00:00+0000"}), 400)["message"] == \
        "User not allowed to change expiration date"
    assert spec.error(buyer.put(f"users/current/quotes/{code}", json={"description": "d"}),
                      400)["message"] == "Name is required."
    assert spec.error(buyer.put(f"users/current/quotes/{code}", json={}), 400)[
        "message"] == "Please provide the fields you want to edit"
    assert spec.error(buyer.patch(f"users/current/quotes/{code}", json={"name": "a" * 256}),
                      400)["subject"] == "name"
    assert buyer.put(f"users/current/quotes/{code}", json={"name": "Only a name"}
                     ).status_code == 200
    assert buyer.get(f"users/current/quotes/{code}").get_json()["description"] == ""
    assert spec.error(buyer.post(f"users/current/quotes/{code}/comments", json={"text": ""}),
                      400)["subject"] == "text"
    assert spec.error(buyer.post(f"users/current/quotes/{code}/entries/7/comments",
                                 json={"text": "x"}), 400) == {
        "type": "QuoteError", "message": "Quote entry not found"}
    # the discount is the seller's: a customer's token lacks the role
    assert buyer.post(f"users/current/quotes/{code}/discounts", json={
        "discountType": "PERCENT", "discountRate": 5}).status_code in (401, 403)
    assert spec.error(buyer.get("users/current/quotes/nope"), 404) == {
        "type": "NotFoundError", "message": "Quote not found", "reason": "notFound"}
    assert spec.error(act(buyer, "current", "nope", "SUBMIT"), 400) == {
        "type": "QuoteError", "message": "Quote not found"}
    assert spec.error(buyer.get(f"users/current/quotes/{code}/attachments/a1"), 404)[
        "type"] == "NotFoundError"
    assert act(buyer, "current", code, "CANCEL").status_code == 200
    cancelled = buyer.get(f"users/current/quotes/{code}").get_json()
    assert (cancelled["state"], cancelled["allowedActions"]) == ("CANCELLED", ["REQUOTE"])
    assert "cartId" not in cancelled


def test_creating_a_quote(people):
    buyer = people["buyer"]
    assert spec.error(buyer.post("users/current/quotes", json={}), 400) == {
        "type": "IllegalArgumentError", "message": "Either cartId or quoteCode must be provided"}
    assert spec.error(buyer.post("users/current/quotes", json={"cartId": "1",
                                                               "quoteCode": "2"}), 400)[
        "type"] == "IllegalArgumentError"
    assert spec.error(buyer.post("users/current/quotes", json={"cartId": "99999999"}), 400) == {
        "type": "CartError", "message": "Cart not found."}
    empty = buyer.post("users/current/carts").get_json()["code"]
    assert spec.error(buyer.post("users/current/quotes", json={"cartId": empty}), 400) == {
        "type": "QuoteError", "message": "Empty carts are not allowed"}
    assert spec.error(people["approver"].post(f"users/{BUYER}/quotes", json={"cartId": empty}),
                      403)["type"] == "ForbiddenError"


def test_listing_quotes_by_role(people):
    buyer, seller = people["buyer"], people["seller"]
    first, second = draft(buyer)["code"], draft(buyer, 1)["code"]
    act(buyer, "current", second, "SUBMIT")
    listed = buyer.get("users/current/quotes").get_json()
    assert [q["code"] for q in listed["quotes"]] == [second, first]  # newest change first
    assert listed["pagination"]["totalResults"] == 2
    assert set(listed["quotes"][0]) <= set(
        "code name description state version threshold cartId creationTime updatedTime "
        "expirationTime allowedActions totalPrice totalItems sapOrderCode".split())
    assert [q["code"] for q in buyer.get("users/current/quotes?sort=byCode&pageSize=1"
                                         ).get_json()["quotes"]] == [first]
    assert spec.error(buyer.get("users/current/quotes?sort=bogus"), 400)["subject"] == "sort"
    # the seller sees the request, not the draft
    assert [q["code"] for q in seller.get(f"users/{BUYER}/quotes").get_json()["quotes"]] == [
        second]
    assert [q["state"] for q in people["approver"].get(f"users/{BUYER}/quotes").get_json()[
        "quotes"]] == []


def test_seller_rules(people):
    buyer, seller = people["buyer"], people["seller"]
    code = draft(buyer)["code"]
    act(buyer, "current", code, "SUBMIT")
    assert spec.error(seller.patch(f"users/{BUYER}/quotes/{code}", json={"name": "x"}), 400)[
        "message"] == "User not allowed to change name or description"
    assert spec.error(seller.patch(f"users/{BUYER}/quotes/{code}", json={
        "expirationTime": "2001-01-01T00:00:00+0000"}), 400)[
        "type"] == "CommerceQuoteExpirationTimeError"
    assert spec.error(seller.post(f"users/{BUYER}/quotes/{code}/discounts", json={
        "discountType": "BOGUS", "discountRate": 1}), 400)["subject"] == "discountType"
    assert spec.error(seller.post(f"users/{BUYER}/quotes/{code}/discounts", json={
        "discountType": "PERCENT", "discountRate": 150}), 400)["subject"] == "discountRate"
    assert seller.post(f"users/{BUYER}/quotes/{code}/discounts", json={
        "discountType": "TARGET", "discountRate": 300}).status_code == 201
    quote = seller.get(f"users/{BUYER}/quotes/{code}?fields=FULL").get_json()
    assert (quote["state"], quote["totalPrice"]["value"], quote["quoteDiscounts"]["value"]) == (
        "SELLER_DRAFT", 300.0, 78.0)
    assert spec.error(act(seller, BUYER, code, "CHECKOUT"), 400)["type"] == "QuoteError"


def test_a_quote_survives_a_snapshot_and_restore(sapcc, people):
    buyer = people["buyer"]
    code = draft(buyer)["code"]
    act(buyer, "current", code, "SUBMIT")
    document = sapcc.snapshot()
    sapcc.restore(document)
    seen = buyer.get(f"users/current/quotes/{code}?fields=FULL").get_json()
    assert (seen["state"], seen["entries"][0]["quantity"]) == ("BUYER_SUBMITTED", 2)
