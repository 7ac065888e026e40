"""The schema oracle itself (tests/spec.py): strict where it must be, lenient where ``fields``
makes SAP's responses partial."""
from __future__ import annotations

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

CART = "/occ/v2/electronics-spa/users/current/carts/00001000"


def violations(method: str, path: str, status: int, body: object) -> str:
    with pytest.raises(AssertionError) as failure:
        spec.validate(method, path, status, body)
    return str(failure.value)


def test_operations_are_found_by_their_most_literal_template():
    assert spec.find_operation("GET", "/occ/v2/x/products/search")["operationId"] == "getProducts"
    assert spec.find_operation("GET", "/occ/v2/x/products/123")["operationId"] == "getProduct"
    assert spec.find_operation("GET", CART)["operationId"] == "getCart"
    assert spec.find_operation("POST", "/occ/v2/x/orgUsers/u/carts/c/entries")["operationId"] == \
        "doAddOrgCartEntries"
    with pytest.raises(LookupError):
        spec.find_operation("GET", "/occ/v2/x/nothing/here")


def test_unknown_properties_fail_at_any_depth():
    assert spec.validate("GET", CART, 200, {"code": "1", "totalPrice": {"value": 1.0}}) == "getCart"
    assert "'colour' was unexpected" in violations("GET", CART, 200, {"code": "1", "colour": "red"})
    assert "'amount' was unexpected" in violations("GET", CART, 200, {
        "entries": [{"basePrice": {"amount": 1}}]})


def test_types_are_checked_and_required_is_not():
    assert "is not of type 'integer'" in violations("GET", CART, 200, {"totalItems": "2"})
    assert "is not of type 'string'" in violations("GET", CART, 200, {"code": 1000})
    assert spec.validate("GET", CART, 200, {}) == "getCart"  # fields may drop anything


def test_date_times_carry_an_offset():
    user = "/occ/v2/electronics-spa/users/current"
    assert spec.validate("GET", user, 200, {"deactivationDate": "2025-01-02T03:04:05+00:00"})
    assert "date-time" in violations("GET", user, 200, {"deactivationDate": "2025-01-02T03:04:05"})


def test_error_bodies_follow_the_error_list():
    assert spec.validate("GET", CART, 400, {"errors": [{"type": "CartError", "message": "x"}]})
    assert "'stack' was unexpected" in violations("GET", CART, 400, {
        "errors": [{"type": "CartError", "stack": "…"}]})
    # statuses the document does not declare (415, 405) carry the same envelope
    assert spec.validate("POST", f"{CART}/entries", 415, {"errors": [{"type": "X"}]})


def test_payment_request_keeps_sap_wire_format():
    path = f"{CART}/payment/sop/request"
    wire = {"postUrl": "http://x/process",
            "parameters": {"entry": [{"key": "amount", "value": "1.00"}]},
            "mappingLabels": {"entry": [{"key": "hybris_card_type", "value": "card_cardType"}]}}
    assert spec.validate("GET", path, 200, wire) == "getSopPaymentRequestDetails"
    assert violations("GET", path, 200, {"parameters": {"amount": "1.00"}})


def test_hidden_form_variant_of_the_org_cart_entries():
    path = "/occ/v2/powertools-spa/orgUsers/current/carts/1/entries"
    modification = {"statusCode": "success", "quantityAdded": 1}
    assert spec.validate("POST", path, 200, modification, json_request=False) == "addOrgCartEntry"
    assert violations("POST", path, 200, modification)  # the JSON call answers a list
    assert spec.validate("POST", path, 200, {"cartModifications": [modification]}) == \
        "doAddOrgCartEntries"
