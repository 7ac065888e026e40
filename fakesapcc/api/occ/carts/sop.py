"""The silent order post (SAP's acceleratorocc ExtendedCartsController, tag Carts): the form the
storefront posts the card to (the mock provider, ``api.occ.sopmock``), and the provider's answer
the storefront hands back, which becomes the cart's payment details."""
from __future__ import annotations

import marshmallow as ma

from ....commerce.payments import SOP_LABELS, sop_fields_to_payment
from ....errors import ApiError, ApiErrors
from ....security import roles
from ... import inputs as i
from ... import runtime
from ...operations import operation
from ..base import bp, carts_service, empty, respond, site
from ..dtos.carts import PaymentDetailsBody, payment_dto, payment_request_dto
from .base import CART, cart

SOP = CART + "/payment/sop"
PROVIDER_PATH = "/acceleratorservices/sop-mock/process"


class SopRequestParams(i.Params):
    responseUrl = i.TextParam(required=True)


@bp.get(SOP + "/request")
@operation("getSopPaymentRequestDetails", secured=roles.CHECKOUT, writes=True, params=SopRequestParams)
def get_sop_payment_request(baseSiteId: str, userId: str, cartId: str, params: dict):
    """Where to post the card, the hidden parameters and the names of the card fields
    (``mappingLabels``), as SAP's mock provider expects them."""
    carts = carts_service()
    the_cart = cart()
    totals = carts.totals(the_cart)
    response_url = params["responseUrl"]
    parameters = {"amount": f"{totals.totalPriceWithTax:.2f}", "currency": carts.currency,
                  "orderPage_transactionType": "subscription",
                  "orderPage_receiptResponseURL": response_url,
                  "orderPage_declineResponseURL": response_url,
                  "orderNumber": the_cart.code, "sessionId": the_cart.guid}
    # from configuration, never from the request's Host (a forged Host must not steer the card)
    post_url = runtime().config.public_base_url + PROVIDER_PATH
    return respond(payment_request_dto(post_url, parameters, SOP_LABELS))


class SopResponseParams(i.Params):
    """The provider's answer: its decision, and every card and billing field it echoes."""

    decision = i.TextParam(default="")
    reasonCode = i.TextParam(default="unknown")

    class Meta:
        unknown = ma.INCLUDE


@bp.post(SOP + "/response")
@operation("doHandleSopPaymentResponse", secured=roles.CHECKOUT, params=SopResponseParams)
def handle_sop_payment_response(baseSiteId: str, userId: str, cartId: str, params: dict):
    """On ACCEPT the card becomes the cart's payment details."""
    decision = params["decision"].upper()
    if decision != "ACCEPT":
        raise ApiError(400, "PaymentAuthorizationError",
                       f"Payment was not accepted: decision {decision or 'missing'}, "
                       f"reason code {params['reasonCode']}",
                       reason="invalid", subject="decision", subject_type="parameter")
    rt = runtime()
    data, invalid = i.load_data(PaymentDetailsBody(), sop_fields_to_payment(params),
                                {"state": rt.db.state, "now": rt.clock.now()})
    if invalid:
        raise ApiErrors(400, invalid)
    carts = carts_service()
    return respond(payment_dto(carts, carts.pay_with_new_card(cart(), data), site().lang))


@bp.get(SOP + "/response")
@operation("getSopPaymentResponse", secured=roles.CHECKOUT)
def get_sop_payment_response(baseSiteId: str, userId: str, cartId: str):
    carts = carts_service()
    info = carts.state.payment_infos.get(cart().paymentInfo or "")
    if info is None:
        raise ApiError(400, "UnknownIdentifierError", "Payment details not found")
    return respond(payment_dto(carts, info, site().lang))


@bp.delete(SOP + "/response")
@operation("removeSopPaymentResponse", secured=roles.CHECKOUT)
def remove_sop_payment_response(baseSiteId: str, userId: str, cartId: str):
    carts_service().clear_payment(cart())
    return empty()
