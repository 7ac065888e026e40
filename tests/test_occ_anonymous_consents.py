"""Consent templates for anonymous visitors: SAP's ConsentsController declares no ``@Secured`` on
getConsentTemplates and lists only the templates marked ``exposed`` to an anonymous caller (what
Spartacus's anonymous-consents banner reads from ``users/anonymous/consenttemplates``); a user
sees every template with their own consents. Found by the Spartacus contract harness."""
from __future__ import annotations

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

CUSTOMER = "mark.rivers@pronto-hw.com"


def test_anonymous_caller_gets_the_exposed_templates_without_consents(sapcc, sapcc_client):
    state = sapcc.runtime.db.state
    hidden = next(t for t in state.consent_templates.values() if t.id == "STORE_USER_INFORMATION")
    hidden.exposed = False
    response = spec.Client(sapcc_client).get("users/anonymous/consenttemplates")
    assert response.status_code == 200, response.get_data(as_text=True)
    templates = response.get_json()["consentTemplates"]
    assert [t["id"] for t in templates] == ["MARKETING_NEWSLETTER"]
    assert "currentConsent" not in templates[0]


def test_a_customer_still_gets_every_template_with_their_consent(sapcc, sapcc_client,
                                                                 customer_token):
    token = customer_token(CUSTOMER)
    client = spec.Client(sapcc_client, token=token)
    given = sapcc_client.post("/occ/v2/electronics-spa/users/current/consents"
                              "?consentTemplateId=MARKETING_NEWSLETTER&consentTemplateVersion=0",
                              headers={"Authorization": f"Bearer {token}"})
    assert given.status_code == 201, given.get_data(as_text=True)
    templates = client.get("users/current/consenttemplates").get_json()["consentTemplates"]
    assert {t["id"] for t in templates} == {"MARKETING_NEWSLETTER", "STORE_USER_INFORMATION"}
    mine = next(t for t in templates if t["id"] == "MARKETING_NEWSLETTER")
    assert mine["currentConsent"]["consentGivenDate"]
    # the anonymous list shows nobody's consent
    anonymous = spec.Client(sapcc_client).get("users/anonymous/consenttemplates").get_json()
    assert all("currentConsent" not in t for t in anonymous["consentTemplates"])


def test_current_without_a_token_is_still_unauthorized(sapcc_client):
    response = sapcc_client.get("/occ/v2/electronics-spa/users/current/consenttemplates")
    assert response.status_code == 401
    assert response.get_json()["errors"][0]["type"] == "UnauthorizedError"
