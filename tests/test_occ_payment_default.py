"""Spartacus's "set as default" on a saved card: ``PATCH paymentdetails/{id}`` with
``{"billingAddress":{"titleCode":"mr"},"defaultPayment":true}`` (Spartacus 4.3.8's
OccUserPaymentAdapter.setDefault). SAP maps the sent billing address over the card's, so the
card keeps its address and becomes the default; fakesapcc had validated the sent address alone
(400 billingAddress.firstName missing). Found by the Spartacus contract harness."""
from __future__ import annotations

import requests

SITE = "electronics-spa"
CUSTOMER = "mark.rivers@pronto-hw.com"
ADDRESS = {"firstName": "Mark", "lastName": "Rivers", "line1": "Market Street 1450",
           "town": "San Francisco", "postalCode": "94103", "country": {"isocode": "US"},
           "region": {"isocode": "US-CA"}}


def _card(occ: str, headers: dict, holder: str) -> dict:
    code = requests.post(f"{occ}/carts", json={}, headers=headers, timeout=10).json()["code"]
    body = {"accountHolderName": holder, "cardNumber": "4111111111111111",
            "cardType": {"code": "visa"}, "expiryMonth": "12", "expiryYear": "2031",
            "saved": True, "billingAddress": ADDRESS}
    response = requests.post(f"{occ}/carts/{code}/paymentdetails", json=body, headers=headers,
                             timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def test_spartacus_set_default_keeps_the_billing_address(sapcc):
    headers = {"Authorization": f"Bearer {sapcc.customer_token(CUSTOMER)}"}
    occ = f"{sapcc.occ_url}/{SITE}/users/current"
    first, second = _card(occ, headers, "Mark One"), _card(occ, headers, "Mark Two")
    response = requests.patch(f"{occ}/paymentdetails/{first['id']}",
                              json={"billingAddress": {"titleCode": "mr"}, "defaultPayment": True},
                              headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    cards = {c["id"]: c for c in requests.get(f"{occ}/paymentdetails?saved=true", headers=headers,
                                              timeout=10).json()["payments"]}
    assert cards[first["id"]]["defaultPayment"] is True
    assert cards[second["id"]]["defaultPayment"] is False
    address = cards[first["id"]]["billingAddress"]
    assert (address["firstName"], address["lastName"], address["line1"], address["town"]) == (
        "Mark", "Rivers", "Market Street 1450", "San Francisco")
    assert address["region"]["isocode"] == "US-CA"


def test_a_patch_that_empties_a_required_billing_field_is_still_refused(sapcc):
    headers = {"Authorization": f"Bearer {sapcc.customer_token(CUSTOMER)}"}
    occ = f"{sapcc.occ_url}/{SITE}/users/current"
    card = _card(occ, headers, "Mark Three")
    response = requests.patch(f"{occ}/paymentdetails/{card['id']}",
                              json={"billingAddress": {"firstName": ""}}, headers=headers,
                              timeout=10)
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert (error["type"], error["subject"]) == ("ValidationError", "billingAddress.firstName")
    again = requests.get(f"{occ}/paymentdetails/{card['id']}", headers=headers, timeout=10).json()
    assert again["billingAddress"]["firstName"] == "Mark"
