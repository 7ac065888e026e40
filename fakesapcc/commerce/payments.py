"""Payment details and addresses from request bodies (SAP's WsDTO shapes, validated with SAP's
errors), card checks, and the silent-order-post field names."""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date

from .. import models as m
from ..errors import ApiError, ApiErrors, validation_error
from ..db import State

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


def unreadable() -> ApiError:
    return ApiError(400, "HttpMessageNotReadableError", "Request body is invalid or missing")


def string_prop(body: dict, key: str) -> str | None:
    """A string property of a JSON body as Jackson binds it: a scalar becomes its text, an
    object or an array is an unreadable body."""
    value = body.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        raise unreadable()
    return str(value).lower() if isinstance(value, bool) else str(value)


def reference_code(body: dict, key: str, prop: str = "isocode") -> str | None:
    """The code of a nested reference (``country.isocode``, ``cardType.code`` …)."""
    nested = body.get(key)
    if nested is None:
        return None
    if not isinstance(nested, dict):
        raise unreadable()
    return string_prop(nested, prop)


def is_number(text: str) -> bool:
    """A small number in digits 0-9 (``str.isdigit`` also takes ``²``, which ``int`` refuses,
    and ``int`` refuses more than 4300 digits)."""
    return bool(re.fullmatch(r"[0-9]{1,9}", text))


def mask(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in re.sub(r"\D", "", number)]
    if not 12 <= len(digits) <= 19:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def address_from_body(state: State, body: dict, owner: str,
                      pk: int | Callable[[], int]) -> m.Address:
    """An Address from SAP's Address WsDTO; the fields SAP requires are checked (one
    ValidationError per field). ``pk`` may be the store's ``new_pk``: it is drawn only for a
    valid address, so that a refused one changes nothing."""
    errors = []
    for name in ("firstName", "lastName", "line1", "town", "postalCode"):
        if not (isinstance(body.get(name), str) and body[name].strip()):
            errors.append(validation_error(name, "This field is required.", "missing"))
    iso = reference_code(body, "country")
    if not iso:
        errors.append(validation_error("country.isocode", "This field is required.", "missing"))
    elif iso not in state.countries:
        errors.append(validation_error("country.isocode", "This field is not valid."))
    region_iso = reference_code(body, "region")
    if region_iso and (region_iso not in state.regions or state.regions[region_iso].country != iso):
        errors.append(validation_error("region.isocode", "This field is not valid."))
    title = string_prop(body, "titleCode")
    if title and title not in state.titles:
        errors.append(validation_error("titleCode", "This field is not valid."))
    if errors:
        raise ApiErrors(400, errors)

    def text(name: str) -> str | None:
        value = body.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None

    return m.Address(
        pk=pk() if callable(pk) else pk, owner=owner, title=title or None,
        firstname=text("firstName"), lastname=text("lastName"), company=text("companyName"),
        streetname=text("line1"), streetnumber=text("line2"), postalcode=text("postalCode"),
        town=text("town"), district=text("district"), country=iso, region=region_iso or None,
        phone1=text("phone"), cellphone=text("cellphone"), email=text("email"),
        shippingAddress=bool(body.get("shippingAddress", True)),
        visibleInAddressBook=bool(body.get("visibleInAddressBook", True)))


def payment_from_fields(state: State, body: dict, owner: str,
                        pk: Callable[[], int], today: date) -> tuple[m.PaymentInfo, m.Address | None]:
    """PaymentDetails from SAP's PaymentDetails WsDTO: holder, card type, number, expiry and
    a billing address."""
    errors = []
    holder = body.get("accountHolderName")
    if not (isinstance(holder, str) and holder.strip()):
        errors.append(validation_error("accountHolderName", "This field is required.", "missing"))
    card_type = reference_code(body, "cardType", "code")
    if not card_type:
        errors.append(validation_error("cardType.code", "This field is required.", "missing"))
    elif card_type not in state.card_types:
        errors.append(validation_error("cardType.code", "This field is not valid."))
    number = str(body.get("cardNumber") or "")
    masked_in = number.startswith("*")
    if not number:
        errors.append(validation_error("cardNumber", "This field is required.", "missing"))
    elif not masked_in and not luhn_ok(number):
        errors.append(validation_error("cardNumber", "This field is not a valid card number."))
    month, year = str(body.get("expiryMonth") or ""), str(body.get("expiryYear") or "")
    month_ok = is_number(month) and 1 <= int(month) <= 12
    if not month_ok:
        errors.append(validation_error("expiryMonth", "This field is not valid."))
    if not is_number(year) or len(year) != 4:
        errors.append(validation_error("expiryYear", "This field is not valid."))
    elif month_ok and (int(year), int(month)) < (today.year, today.month):
        errors.append(validation_error("expiryYear", "The card has expired."))
    billing = body.get("billingAddress")
    address = None
    if isinstance(billing, dict):
        try:
            address = address_from_body(state, billing, owner=owner, pk=0)
        except ApiErrors as exc:
            for e in exc.errors:
                e.subject = f"billingAddress.{e.subject}"
            errors.extend(exc.errors)
        if address is not None:
            address.billingAddress, address.shippingAddress = True, False
            address.visibleInAddressBook = False
    start_month, start_year, issue_number = (
        string_prop(body, k) or None for k in ("startMonth", "startYear", "issueNumber"))
    if errors:
        raise ApiErrors(400, errors)
    if address is not None:
        address.pk = pk()
    info = m.PaymentInfo(
        id=str(pk()), user=owner, accountHolderName=holder.strip(),
        cardNumber=number if masked_in else mask(number), cardType=card_type,
        expiryMonth=month.zfill(2), expiryYear=year,
        startMonth=start_month, startYear=start_year, issueNumber=issue_number,
        billingAddress=address.pk if address else None,
        saved=bool(body.get("saved", True)), defaultPayment=bool(body.get("defaultPayment", False)),
        subscriptionId=str(uuid.uuid4()))
    return info, address


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
