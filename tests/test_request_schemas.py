"""Every request body schema, over HTTP, with SAP's errors for what is missing, too long, of the
wrong type and of the wrong format — and nothing stored when a body is refused; then the
reading machinery itself (api/inputs.py)."""
from __future__ import annotations

import pytest

import spec
from fakesapcc.api import inputs
from fakesapcc.api.occ.dtos.users import AddressBody

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

CUSTOMER = "mark.rivers@pronto-hw.com"
ADDRESS = {"titleCode": "mr", "firstName": "Mark", "lastName": "Rivers", "line1": "Folsom Street",
           "town": "San Francisco", "postalCode": "94105", "country": {"isocode": "US"}}
CARD = {"accountHolderName": "Mark Rivers", "cardNumber": "4111111111111111",
        "cardType": {"code": "visa"}, "expiryMonth": "12", "expiryYear": "2035",
        "billingAddress": ADDRESS}
UNREADABLE = {"type": "HttpMessageNotReadableError", "message": "Request body is invalid or missing"}


def field_error(subject: str, reason: str, message: str) -> dict:
    return {"type": "ValidationError", "subject": subject, "subjectType": "parameter",
            "reason": reason, "message": message}


def too_long(max_length: int) -> str:
    return f"This field is required and must to be between 1 and {max_length} characters long."


@pytest.fixture
def me(sapcc_client, customer_token):
    return spec.Client(sapcc_client, token=customer_token(CUSTOMER))


@pytest.fixture
def client(sapcc_client, client_token):
    return spec.Client(sapcc_client, token=client_token())


def errors(response, status: int = 400) -> list[dict]:
    return spec.errors(response, status)


# -- Address (addressDTOValidator) -------------------------------------------------------------


def test_address_country_is_checked_first_and_alone(me):
    body = {k: v for k, v in ADDRESS.items() if k not in ("country", "firstName")}
    assert errors(me.post("users/current/addresses", json=body)) == [
        field_error("country.isocode", "missing", too_long(2))]
    assert errors(me.post("users/current/addresses", json={**body, "country": {"isocode": "USA"}})) == [
        field_error("country.isocode", "invalid", too_long(2))]


@pytest.mark.parametrize("name, length", [("firstName", 255), ("lastName", 255), ("line1", 255),
                                          ("town", 255), ("postalCode", 10)])
def test_address_fields_missing_blank_and_too_long(me, name, length):
    url = "users/current/addresses"
    without = {k: v for k, v in ADDRESS.items() if k != name}
    assert errors(me.post(url, json=without)) == [field_error(name, "missing", too_long(length))]
    assert errors(me.post(url, json={**ADDRESS, name: "  "})) == [
        field_error(name, "invalid", too_long(length))]
    assert errors(me.post(url, json={**ADDRESS, name: "x" * (length + 1)})) == [
        field_error(name, "invalid", too_long(length))]
    assert me.post(url, json={**ADDRESS, name: "x" * length}).status_code == 201


def test_japanese_addresses_need_line2_and_a_region(me):
    japan = {**ADDRESS, "country": {"isocode": "JP"}, "postalCode": "164-0001"}
    found = errors(me.post("users/current/addresses", json=japan))
    assert found == [field_error("line2", "missing", too_long(255)),
                     field_error("region.isocode", "missing", too_long(7))]
    assert me.post("users/current/addresses", json={
        **japan, "line2": "1-2-3", "region": {"isocode": "JP-13"}}).status_code == 201


def test_address_references_and_wrong_types(me):
    found = errors(me.post("users/current/addresses", json={
        **ADDRESS, "titleCode": "sir", "region": {"isocode": "CA-QC"}}))
    assert found == [field_error("region.isocode", "invalid", "This field is not valid."),
                     field_error("titleCode", "invalid", "This field is not valid.")]
    for wrong in ({"firstName": {"a": 1}}, {"country": "US"}, {"shippingAddress": "maybe"}):
        assert spec.error(me.post("users/current/addresses", json={**ADDRESS, **wrong}), 400) \
            == UNREADABLE
    assert spec.error(me.post("users/current/addresses", json=[ADDRESS]), 400) == UNREADABLE


def test_a_refused_address_stores_nothing(sapcc, me):
    before = sapcc.runtime.db.snapshot()
    assert me.post("users/current/addresses", json={**ADDRESS, "town": ""}).status_code == 400
    assert sapcc.runtime.db.snapshot() == before


def test_address_patch_is_validated_merged(me):
    created = me.post("users/current/addresses", json=ADDRESS).get_json()
    url = f"users/current/addresses/{created['id']}"
    assert me.patch(url, json={"town": "Oakland"}).status_code == 200
    assert me.get(url).get_json()["town"] == "Oakland"
    assert errors(me.patch(url, json={"postalCode": "12345678901"})) == [
        field_error("postalCode", "invalid", too_long(10))]
    assert me.get(url).get_json()["postalCode"] == ADDRESS["postalCode"]


# -- PaymentDetails (paymentDetailsDTOValidator, paymentAddressValidator) ---------------------


def test_payment_details_missing_and_wrong_format(me):
    cart = me.post("users/current/carts").get_json()["code"]
    url = f"users/current/carts/{cart}/paymentdetails"
    found = {(e["subject"], e["reason"], e["message"]) for e in errors(me.post(url, json={
        "cardType": {"code": "visa"}, "cardNumber": "4111111111111112", "expiryMonth": "13",
        "expiryYear": "35", "billingAddress": {**ADDRESS, "postalCode": "x" * 11}}))}
    assert found == {
        ("accountHolderName", "missing", "This field is required."),
        ("cardNumber", "invalid", "This field is not a valid card number."),
        ("expiryMonth", "invalid", "This field is not valid."),
        ("expiryYear", "invalid", "This field is not valid."),
        ("billingAddress.postalCode", "invalid", too_long(10))}
    assert spec.error(me.post(url, json={**CARD, "saved": [True]}), 400) == UNREADABLE
    assert me.post(url, json=CARD).status_code == 201


# -- UserSignUp, User, passwords and logins -----------------------------------------------------


def test_sign_up_missing_and_wrong_format(client):
    found = {(e["subject"], e["reason"]) for e in errors(client.post("users", json={}))}
    assert found == {("uid", "missing"), ("firstName", "missing"), ("lastName", "missing"),
                     ("password", "missing")}
    bad = errors(client.post("users", json={"uid": "not-an-email", "firstName": "A",
                                            "lastName": "B", "password": "abc"}))
    assert bad == [field_error("uid", "invalid", "This field is not a valid email addresss."),
                   field_error("password", "invalid", "Password must be at least 6 characters long.")]
    assert spec.error(client.post("users", json={"uid": ["a@b.c"]}), 400) == UNREADABLE


def test_profile_put_needs_names_patch_does_not(me):
    assert errors(me.put("users/current", json={"firstName": "Mark"})) == [
        field_error("lastName", "missing", "This field is required.")]
    assert me.patch("users/current", json={"firstName": "Marc"}).status_code == 200
    assert errors(me.patch("users/current", json={"lastName": ""})) == [
        field_error("lastName", "invalid", "This field is required.")]
    assert errors(me.patch("users/current", json={"currency": {"isocode": "XXX"}})) == [
        field_error("currency.isocode", "invalid", "This field is not valid.")]


def test_password_and_login_bodies(me):
    assert errors(me.post("users/current/password", json={"oldPassword": "x"})) == [
        field_error("newPassword", "missing", "This field is required.")]
    assert errors(me.post("users/current/login", json={"password": "x"})) == [
        field_error("newLoginId", "missing", "This field is required.")]
    assert spec.error(me.post("users/current/login", json={"newLoginId": {"x": 1}}), 400) \
        == UNREADABLE


# -- OrderEntry, OrderEntryList, voucher, review ------------------------------------------------


def test_entry_bodies(me):
    cart = me.post("users/current/carts").get_json()["code"]
    url = f"users/current/carts/{cart}/entries"
    found = errors(me.post(url, json={"quantity": 0, "deliveryPointOfService": {"name": "Nowhere"}}))
    assert [(e["subject"], e["reason"]) for e in found] == [
        ("product.code", "missing"), ("quantity", "invalid"), ("entry", "invalid")]
    assert spec.error(me.post(url, json={"product": {"code": "300938"}, "quantity": "many"}),
                      400) == UNREADABLE
    assert spec.error(me.post(url, json={"product": {"code": "300938"}, "quantity": 1.5}),
                      400) == UNREADABLE


def test_voucher_and_review_bodies(me):
    cart = me.post("users/current/carts").get_json()["code"]
    assert errors(me.post(f"users/current/carts/{cart}/applyVoucher", json={})) == [
        field_error("voucherId", "missing", "This field is required.")]
    url = "products/300938/reviews"
    found = errors(me.post(url, json={"headline": "", "rating": 9}))
    assert [(e["subject"], e["reason"], e["message"]) for e in found] == [
        ("headline", "invalid", "This field is required."),
        ("comment", "missing", "This field is required."),
        ("rating", "invalid", "Value should be between 1 and 5")]
    assert spec.error(me.post(url, json={"headline": "h", "comment": "c", "rating": "five"}),
                      400) == UNREADABLE
    # Spartacus posts reviews as a form, which SAP's controller also takes
    posted = me.post(url, data={"headline": "Good", "comment": "Fine camera", "rating": "4"},
                     content_type="application/x-www-form-urlencoded")
    assert posted.status_code == 201 and posted.get_json()["rating"] == 4.0


# -- the ASM bodies ----------------------------------------------------------------------------


def test_asm_bodies(sapcc, sapcc_client):
    agent = {"Authorization": f"Bearer {sapcc.agent_token()}"}
    asm = "/assistedservicewebservices"
    response = sapcc_client.post(f"{asm}/customers?baseSite=electronics-spa", headers=agent,
                                 json={"firstName": "A", "emailAddress": "nope"})
    assert {(e["subject"], e["reason"]) for e in response.json["errors"]} == {
        ("lastName", "missing"), ("emailAddress", "invalid")}
    response = sapcc_client.post(f"{asm}/customers/suggestions/search?baseSite=electronics-spa",
                                 headers=agent, json={"customerQuery": {"q": 1}})
    assert response.json["errors"][0] == UNREADABLE
    response = sapcc_client.post(f"{asm}/customers/search?baseSite=electronics-spa",
                                 headers=agent, data="query=x",
                                 content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


# -- the machinery -----------------------------------------------------------------------------


def load(data):
    from fakesapcc.testing import FakeSAPCC

    state = FakeSAPCC(live=False).runtime.db.state
    return inputs.load_data(AddressBody(), data, {"state": state, "now": None})


def test_reason_is_missing_only_for_null_or_absent():
    _, found = load({**ADDRESS, "firstName": None, "lastName": ""})
    assert [(e.subject, e.reason) for e in found] == [("firstName", "missing"),
                                                     ("lastName", "invalid")]


def test_an_unbindable_value_anywhere_makes_the_body_unreadable():
    with pytest.raises(inputs.ApiError) as raised:
        load({**ADDRESS, "region": {"isocode": ["JP-13"]}})
    assert raised.value.type == "HttpMessageNotReadableError"


def test_scalars_bind_as_jackson_binds_them():
    data, found = load({**ADDRESS, "postalCode": 94105, "shippingAddress": "false"})
    assert found == [] and data["postalCode"] == "94105" and data["shippingAddress"] is False
