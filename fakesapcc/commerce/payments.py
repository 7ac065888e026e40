"""The silent order post (SOP): the card form's field names SAP's mock provider uses, and the
provider's answer read back as PaymentDetails data."""
from __future__ import annotations

SOP_LABELS = {
    "hybris_sop_amount": "amount", "hybris_sop_currency": "currency",
    "hybris_billTo_country": "billTo_country", "hybris_card_type": "card_cardType",
    "hybris_card_expiration_year": "card_expirationYear", "hybris_sop_reason_code": "reasonCode",
    "hybris_combined_expiry_date": "false", "hybris_sop_decision": "decision",
    "hybris_card_expiry_date": "card_expirationDate",
    "hybris_card_expiration_month": "card_expirationMonth", "hybris_billTo_street1": "billTo_street1",
    "hybris_billTo_street2": "billTo_street2",
    "hybris_sop_card_number": "card_accountNumber", "hybris_separator_expiry_date": "",
    "hybris_account_holder_name": "card_nameOnCard", "hybris_sop_uses_public_signature": "false",
    "hybris_card_number": "card_accountNumber", "hybris_card_cvn": "card_cvNumber",
    "hybris_billTo_lastname": "billTo_lastName", "hybris_billTo_city": "billTo_city",
    "hybris_billTo_firstname": "billTo_firstName", "hybris_billTo_region": "billTo_state",
    "hybris_billTo_postalcode": "billTo_postalCode", "hybris_billTo_titleCode": "billTo_titleCode",
}


def sop_fields_to_payment(fields: dict[str, str]) -> dict:
    """The provider's response fields as a PaymentDetails body."""
    return {
        "accountHolderName": fields.get("card_nameOnCard") or " ".join(
            x for x in (fields.get("billTo_firstName"), fields.get("billTo_lastName")) if x),
        "cardType": {"code": fields.get("card_cardType")},
        "cardNumber": fields.get("card_accountNumber"),
        "expiryMonth": fields.get("card_expirationMonth"),
        "expiryYear": fields.get("card_expirationYear"),
        "saved": (fields.get("savePaymentInfo") or "true").lower() == "true",
        "defaultPayment": (fields.get("defaultPayment") or "false").lower() == "true",
        "billingAddress": {
            "firstName": fields.get("billTo_firstName"), "lastName": fields.get("billTo_lastName"),
            "line1": fields.get("billTo_street1"), "line2": fields.get("billTo_street2"),
            "town": fields.get("billTo_city"), "postalCode": fields.get("billTo_postalCode"),
            "country": {"isocode": fields.get("billTo_country")},
            "region": {"isocode": f"{fields.get('billTo_country')}-{fields['billTo_state']}"}
            if fields.get("billTo_state") else None,
            "titleCode": fields.get("billTo_titleCode")} if fields.get("billTo_country") else None,
    }
