"""OCC B2B checkout (b2bocc; tags B2B Miscs, B2B Carts): the payment types, a cart's payment
type with its purchase order number, and its cost center (``commerce.b2b_checkout``)."""
from __future__ import annotations

from ...commerce.b2b_checkout import PAYMENT_TYPES, B2BCheckout
from ...security import roles
from ...security.access import B2B
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, respond
from .carts.base import CART, cart, cart_response
from .dtos import b2b as dto


def checkout() -> B2BCheckout:
    return B2BCheckout(runtime().db, ctx().acting.user)


class PaymentTypeParams(i.Params):
    paymentType = i.TextParam(required=True)
    purchaseOrderNumber = i.TextParam()


class CostCenterParams(i.Params):
    costCenterId = i.TextParam(required=True)


@bp.get("/<baseSiteId>/paymenttypes")
@operation("getPaymentTypes", secured=roles.OPEN)
def get_payment_types(baseSiteId: str):
    return respond(dto.PAYMENT_TYPE_LIST(paymentTypes=[
        dto.payment_type_dto(code, PAYMENT_TYPES) for code in PAYMENT_TYPES]))


@bp.put(CART + "/paymenttype")
@operation("replaceOrgCartPaymentType", secured=roles.CHECKOUT, channel=B2B,
           params=PaymentTypeParams)
def replace_org_cart_payment_type(baseSiteId: str, userId: str, cartId: str, params: dict):
    checkout().set_payment_type(cart(), params["paymentType"], params["purchaseOrderNumber"])
    return cart_response()


@bp.put(CART + "/costcenter")
@operation("replaceOrgCartCostCenter", secured=roles.CHECKOUT, channel=B2B,
           params=CostCenterParams)
def replace_org_cart_cost_center(baseSiteId: str, userId: str, cartId: str, params: dict):
    checkout().set_cost_center(cart(), params["costCenterId"])
    return cart_response()
