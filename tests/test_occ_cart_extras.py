"""The later B2C cart operations over OCC: a cart's guest user (created, its e-mail set and
changed), one pickup store for every pickup entry, the requested retrieval date, the billing
address, SAP's payment option and the cart's access code — state, errors, every JSON body
checked against SAP's schema. In process (``sapcc_client``)."""
from __future__ import annotations

import base64
import json

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

CUSTOMER = "mark.rivers@pronto-hw.com"
CAMERA = "1382080"  # in stock at Nakano (2) and Shinbashi (4)
TRIPOD = "300938"  # at Nakano (5) and Ichikawa (3)
ADDRESS = {"titleCode": "mr", "firstName": "Ken", "lastName": "Mori", "line1": "Hauptstr. 1",
           "town": "Berlin", "postalCode": "10115", "country": {"isocode": "DE"}}


@pytest.fixture
def occ(sapcc_client):
    return spec.Client(sapcc_client)


@pytest.fixture
def anon(occ, client_token):
    return spec.Client(occ.http, token=client_token())


@pytest.fixture
def me(occ, customer_token):
    return spec.Client(occ.http, token=customer_token(CUSTOMER))


def anonymous_cart(client) -> str:
    response = client.post("users/anonymous/carts")
    assert response.status_code == 201
    return response.get_json()["guid"]


def cart_of(client, user: str, cart: str, fields: str = "FULL") -> dict:
    response = client.get(f"users/{user}/carts/{cart}?fields={fields}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


# -- the guest user ----------------------------------------------------------------------------


def test_a_guest_user_for_an_anonymous_cart(anon):
    guid = anonymous_cart(anon)
    url = f"users/anonymous/carts/{guid}/guestuser"
    created = anon.post(url, json={})
    assert created.status_code == 201 and created.get_json() == {}
    user = cart_of(anon, "anonymous", guid, "user(uid,name)")["user"]
    assert user["name"] == "guest" and "|" not in user["uid"]
    assert spec.error(anon.post(url, json={"email": "a@b.co"}), 403)["type"] == "ForbiddenError"
    updated = anon.patch(url, json={"email": "Jo.Guest@Example.com"})
    assert updated.status_code == 200 and updated.get_json() == {"email": "jo.guest@example.com"}
    assert cart_of(anon, "anonymous", guid, "user(uid)")["user"]["uid"].endswith(
        "|jo.guest@example.com")
    assert anon.put(f"users/anonymous/carts/{guid}/setEmail",
                    json={"email": "jo@example.com"}).status_code == 204
    assert cart_of(anon, "anonymous", guid, "user(uid)")["user"]["uid"].endswith("|jo@example.com")


def test_guest_user_errors(anon, me):
    guid = anonymous_cart(anon)
    url = f"users/anonymous/carts/{guid}/guestuser"
    assert spec.error(anon.post(url, json={"email": "not-an-email"}), 400)["subject"] == "email"
    assert spec.error(anon.patch(url, json={"email": "a@b.co"}), 403)["type"] == "ForbiddenError"
    assert cart_of(anon, "anonymous", guid, "user(uid)")["user"]["uid"] == "anonymous"
    assert spec.error(anon.put(f"users/anonymous/carts/{guid}/setEmail", json={}), 400)[
        "subject"] == "email"
    # setEmail on the anonymous user's cart makes its guest with that e-mail
    assert anon.put(f"users/anonymous/carts/{guid}/setEmail",
                    json={"email": "new@example.com"}).status_code == 204
    assert cart_of(anon, "anonymous", guid, "user(uid)")["user"]["uid"].endswith("|new@example.com")
    # a customer's cart has its user: a client token cannot touch it, nor can the customer
    code = me.post("users/current/carts").get_json()["code"]
    assert spec.error(me.post(f"users/current/carts/{code}/guestuser", json={}), 401)[
        "type"] == "AccessDeniedError"


# -- one pickup store --------------------------------------------------------------------------


def pickup_cart(me) -> str:
    code = me.post("users/current/carts").get_json()["code"]
    for product, store in ((CAMERA, "Shinbashi"), (TRIPOD, "Ichikawa")):
        added = me.post(f"users/current/carts/{code}/entries", json={
            "quantity": 1, "product": {"code": product}, "deliveryPointOfService": {"name": store}})
        assert added.status_code == 200, added.get_data(as_text=True)
    return code


def test_one_pickup_store_for_every_entry(me):
    code = pickup_cart(me)
    url = f"users/current/carts/{code}/consolidate"
    options = me.get(url).get_json()["pointOfServices"]
    assert [p["name"] for p in options] == ["Nakano"]  # the only store with both
    moved = me.post(f"{url}?storeName=Nakano")
    assert moved.status_code == 200 and moved.get_json() == {"cartModifications": []}
    entries = cart_of(me, "current", code, "entries(deliveryPointOfService(name))")["entries"]
    assert [e["deliveryPointOfService"]["name"] for e in entries] == ["Nakano", "Nakano"]
    assert me.get(url).get_json() == {"pointOfServices": []}  # all at one store already


def test_consolidating_at_a_store_without_an_entry_removes_it(me):
    code = pickup_cart(me)
    url = f"users/current/carts/{code}/consolidate"
    mods = me.post(f"{url}?storeName=Shinbashi").get_json()["cartModifications"]
    assert [(m["statusCode"], m["quantityAdded"], m["entry"]["product"]["code"]) for m in mods] \
        == [("noStock", -1, TRIPOD)]
    entries = cart_of(me, "current", code, "entries(product(code),deliveryPointOfService(name))")
    assert [(e["product"]["code"], e["deliveryPointOfService"]["name"])
            for e in entries["entries"]] == [(CAMERA, "Shinbashi")]
    assert spec.error(me.post(url), 400)["type"] == "MissingServletRequestParameterError"
    assert spec.error(me.post(f"{url}?storeName=Atlantis"), 400)["subject"] == "storeName"


# -- retrieval date, billing address, payment option, access code ------------------------------


def test_requested_retrieval_date(me, sapcc):
    sapcc.freeze_clock()
    code = me.post("users/current/carts").get_json()["code"]
    url = f"users/current/carts/{code}/requestedretrievaldate"
    assert me.put(f"{url}?requestedRetrievalAt=2099-05-01T10:00:00%2B09:00").status_code == 200
    assert cart_of(me, "current", code, "requestedRetrievalAt")["requestedRetrievalAt"] == \
        "2099-05-01T10:00:00+09:00"
    assert spec.error(me.put(f"{url}?requestedRetrievalAt=someday"), 400)[
        "subject"] == "requestedRetrievalAt"
    assert spec.error(me.put(f"{url}?requestedRetrievalAt=2001-01-01"), 400)[
        "subject"] == "requestedRetrievalAt"
    assert cart_of(me, "current", code, "requestedRetrievalAt")["requestedRetrievalAt"] == \
        "2099-05-01T10:00:00+09:00"
    assert me.put(url).status_code == 200  # none clears it
    assert "requestedRetrievalAt" not in cart_of(me, "current", code, "requestedRetrievalAt")


def test_billing_address(me):
    code = me.post("users/current/carts").get_json()["code"]
    url = f"users/current/carts/{code}/addresses/billing"
    book = len(me.get("users/current/addresses").get_json()["addresses"])
    assert me.put(url, json=ADDRESS).status_code == 200
    assert me.put(url, json={**ADDRESS, "town": "Bonn"}).status_code == 200
    billing = cart_of(me, "current", code, "sapBillingAddress(FULL)")["sapBillingAddress"]
    assert billing["town"] == "Bonn" and billing["lastName"] == "Mori"
    assert len(me.get("users/current/addresses").get_json()["addresses"]) == book
    assert spec.error(me.put(url, json={"firstName": "Ken"}), 400)["subject"] == "country.isocode"
    errors = spec.errors(me.put(url, json={**ADDRESS, "lastName": "", "town": ""}), 400)
    assert {e["subject"] for e in errors} == {"lastName", "town"}
    assert cart_of(me, "current", code, "sapBillingAddress(town)")["sapBillingAddress"][
        "town"] == "Bonn"


def test_payment_option(me):
    code = me.post("users/current/carts").get_json()["code"]
    url = f"users/current/carts/{code}/paymentOption?fields=sapPaymentOptionId,purchaseOrderNumber"
    answer = me.put(url, json={"sapPaymentOptionId": "123456789", "purchaseOrderNumber": "PO-7"})
    assert answer.status_code == 200
    assert answer.get_json() == {"sapPaymentOptionId": "123456789", "purchaseOrderNumber": "PO-7"}
    assert spec.error(me.put(url, json={}), 400)["subject"] == "sapPaymentOptionId"
    assert spec.error(me.put(url, json={"sapPaymentOptionId": "x" * 256}), 400)[
        "subject"] == "sapPaymentOptionId"
    assert cart_of(me, "current", code, "sapPaymentOptionId")["sapPaymentOptionId"] == "123456789"


def test_access_code(me, anon):
    code = me.post("users/current/carts").get_json()
    first = me.post(f"users/current/carts/{code['code']}/accessCode").get_json()["accessCode"]
    payload, _, signature = first.partition(".")
    assert signature
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["cart"] == code["guid"] and claims["site"] == "electronics-spa"
    second = me.post(f"users/current/carts/{code['code']}/accessCode").get_json()["accessCode"]
    assert second != first
    guid = anonymous_cart(anon)
    assert anon.post(f"users/anonymous/carts/{guid}/accessCode").status_code == 200
    assert spec.error(anon.post("users/anonymous/carts/nope/accessCode"), 400)[
        "type"] == "CartError"
