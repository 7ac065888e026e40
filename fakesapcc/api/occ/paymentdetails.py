"""OCC saved payment details (tag Payment Details)."""
from __future__ import annotations

from ...commerce.wallet import Wallet
from ...errors import ApiErrors
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .addresses import merge_patch
from .base import bp, carts_service, empty, respond, site
from .dtos.carts import PAYMENT_DETAILS_LIST, PaymentDetailsBody, PaymentDetailsPatchBody, payment_dto

PAYMENTS = "/<baseSiteId>/users/<userId>/paymentdetails"
PAYMENT = PAYMENTS + "/<paymentDetailsId>"


def wallet() -> Wallet:
    return Wallet(runtime().db, ctx().user.uid)


class ListParams(i.Params):
    saved = i.BoolParam(default=False)


@bp.get(PAYMENTS)
@operation("getPaymentDetailsList", secured=roles.USER, anonymous=False, params=ListParams)
def get_payment_details_list(baseSiteId: str, userId: str, params: dict):
    carts = carts_service()
    return respond(PAYMENT_DETAILS_LIST(payments=[
        payment_dto(carts, p, site().lang) for p in wallet().cards(saved_only=params["saved"])]))


@bp.get(PAYMENT)
@operation("getPaymentDetails", secured=roles.USER, anonymous=False)
def get_payment_details(baseSiteId: str, userId: str, paymentDetailsId: str):
    return respond(payment_dto(carts_service(), wallet().get(paymentDetailsId), site().lang))


@bp.delete(PAYMENT)
@operation("removePaymentDetails", secured=roles.USER, anonymous=False)
def remove_payment_details(baseSiteId: str, userId: str, paymentDetailsId: str):
    cards = wallet()
    cards.remove(cards.get(paymentDetailsId))
    return empty()


@bp.put(PAYMENT)
@operation("replacePaymentDetails", secured=roles.USER, anonymous=False, body=PaymentDetailsBody)
def replace_payment_details(baseSiteId: str, userId: str, paymentDetailsId: str, body: dict):
    cards = wallet()
    cards.replace(cards.get(paymentDetailsId), body)
    return empty()


@bp.patch(PAYMENT)
@operation("updatePaymentDetails", secured=roles.USER, anonymous=False,
           body=PaymentDetailsPatchBody)
def update_payment_details(baseSiteId: str, userId: str, paymentDetailsId: str, body: dict):
    """The sent properties over the card as it is, validated whole. A sent ``billingAddress`` is
    mapped over the card's billing address (SAP's data mapper maps into the existing object),
    so Spartacus's "set as default", ``{"billingAddress":{"titleCode":"mr"},
    "defaultPayment":true}``, keeps the address."""
    cards = wallet()
    info = cards.get(paymentDetailsId)
    rt = runtime()
    current = payment_dto(carts_service(), info, site().lang)
    patch = dict(body)
    if isinstance(patch.get("billingAddress"), dict) and isinstance(current.get("billingAddress"), dict):
        patch["billingAddress"] = merge_patch(current["billingAddress"], patch["billingAddress"])
    merged, invalid = i.load_data(PaymentDetailsBody(), merge_patch(current, patch),
                                  {"state": rt.db.state, "now": rt.clock.now()})
    if invalid:
        raise ApiErrors(400, invalid)
    cards.replace(info, merged)
    return empty()
