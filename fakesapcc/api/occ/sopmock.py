"""The silent order post (SOP) mock provider that SAP's ``acceleratorservices/sop-mock`` plays
in a real system: it takes the card form and answers the hidden fields the storefront posts back."""
from __future__ import annotations

import html
import uuid

import marshmallow as ma
from flask import Blueprint, Response

from ...commerce.wallet import is_number, luhn_ok, mask
from ...security import roles
from .. import inputs
from ..operations import operation

# -- the mock payment provider ------------------------------------------------------------------

provider = Blueprint("sop_mock", __name__, url_prefix="/acceleratorservices/sop-mock")


class CardForm(inputs.Params):
    """The card form: the card's fields, and whatever else the storefront posts (echoed)."""

    card_accountNumber = inputs.TextParam(default="", blank_is_missing=False)
    card_expirationMonth = inputs.TextParam(default="", blank_is_missing=False)
    card_expirationYear = inputs.TextParam(default="", blank_is_missing=False)

    class Meta:
        unknown = ma.INCLUDE


@provider.post("/process")
@operation("sopMockProcess", secured=roles.OPEN, params=CardForm)
def process(params: dict):
    """Take the card form, answer an HTML form of hidden response fields (what the storefront
    posts back to ``payment/sop/response``): ACCEPT for a valid card, else REJECT."""
    if not inputs.is_form():
        raise inputs.unsupported_media_type()
    form = params
    number = params["card_accountNumber"]
    month, year = params["card_expirationMonth"], params["card_expirationYear"]
    valid = luhn_ok(number) and is_number(month) and is_number(year) and 1 <= int(month) <= 12
    response = {k: v for k, v in form.items() if k.startswith("billTo_") or k in (
        "amount", "currency", "card_cardType", "card_expirationMonth", "card_expirationYear",
        "card_nameOnCard", "orderNumber", "savePaymentInfo")}
    response.update({
        "decision": "ACCEPT" if valid else "REJECT", "reasonCode": "100" if valid else "231",
        "card_accountNumber": mask(number), "decision_publicSignature": uuid.uuid4().hex,
        "paySubscriptionCreateReply_subscriptionID": uuid.uuid4().hex if valid else ""})
    hidden = "".join(
        f'<input type="hidden" id="{html.escape(k)}" name="{html.escape(k)}" value="{html.escape(v or "")}" />'
        for k, v in response.items())
    body = ('<form id="silentOrderPostForm" name="silentOrderPostForm" action="javascript:false;" '
            f'method="post"><div id="postFormItems"><dl>{hidden}</dl></div></form>')
    return Response(body, mimetype="text/html")
