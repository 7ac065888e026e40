"""OCC cart payments (tag Cart Payments): new or saved payment details for a cart."""
from __future__ import annotations

from ....security import roles
from ... import inputs as i
from ...operations import operation
from ..base import bp, carts_service, empty, respond, site
from ..dtos.carts import PaymentDetailsBody, payment_dto
from .base import CART, cart


@bp.post(CART + "/paymentdetails")
@operation("createCartPaymentDetails", secured=roles.CHECKOUT, body=PaymentDetailsBody)
def create_cart_payment_details(baseSiteId: str, userId: str, cartId: str, body: dict):
    carts = carts_service()
    return respond(payment_dto(carts, carts.pay_with_new_card(cart(), body), site().lang), 201)


class PaymentIdParams(i.Params):
    paymentDetailsId = i.TextParam(required=True)


@bp.put(CART + "/paymentdetails")
@operation("replaceCartPaymentDetails", secured=roles.CHECKOUT, params=PaymentIdParams)
def replace_cart_payment_details(baseSiteId: str, userId: str, cartId: str, params: dict):
    carts_service().pay_with(cart(), params["paymentDetailsId"])
    return empty()
