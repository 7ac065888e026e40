"""OCC cart vouchers and promotions (tag Cart Promotions): vouchers and customer coupons listed,
applied (by parameter, or by SAP's newer JSON body) and released; the promotions that fired on
the cart, and the trusted client's enabling and removing of one."""
from __future__ import annotations

from ....errors import ApiError
from ....security import roles
from ... import inputs as i
from ...operations import operation
from ..base import bp, carts_service, empty, respond, site
from ..dtos.carts import VOUCHER_LIST, VoucherRequestBody, coupon_voucher_dto, voucher_dto
from ..dtos.promotions import PROMOTION_RESULT_LIST, promotion_results
from .base import CART, cart


@bp.get(CART + "/vouchers")
@operation("getCartVouchers", secured=roles.VOUCHER, writes=True)
def get_cart_vouchers(baseSiteId: str, userId: str, cartId: str):
    carts = carts_service()
    the_cart = cart()
    subtotal = carts.totals(the_cart).subTotal
    state, lang = carts.state, site().lang
    return respond(VOUCHER_LIST(vouchers=[
        voucher_dto(carts, state.vouchers[c], lang, subtotal) if c in state.vouchers
        else coupon_voucher_dto(state.customer_coupons[c], lang)
        for c in the_cart.appliedVouchers
        if c in state.vouchers or c in state.customer_coupons]))


class VoucherParams(i.Params):
    voucherId = i.TextParam(required=True)


@bp.post(CART + "/vouchers")
@operation("doApplyCartVoucher", secured=roles.VOUCHER, params=VoucherParams)
def apply_cart_voucher(baseSiteId: str, userId: str, cartId: str, params: dict):
    carts_service().apply_voucher(cart(), params["voucherId"])
    return empty()


@bp.post(CART + "/applyVoucher")
@operation("applyCartVoucher", secured=roles.VOUCHER, body=VoucherRequestBody)
def apply_cart_voucher_json(baseSiteId: str, userId: str, cartId: str, body: dict):
    carts_service().apply_voucher(cart(), body["voucherId"])
    return empty(204)


@bp.delete(CART + "/vouchers/<voucherId>")
@operation("removeCartVoucher", secured=roles.VOUCHER)
def remove_cart_voucher(baseSiteId: str, userId: str, cartId: str, voucherId: str):
    carts_service().release_voucher(cart(), voucherId)
    return empty(204)


@bp.post(CART + "/removeVoucher")
@operation("doCartVoucherRemoval", secured=roles.VOUCHER, body=VoucherRequestBody)
def remove_cart_voucher_json(baseSiteId: str, userId: str, cartId: str, body: dict):
    carts_service().release_voucher(cart(), body["voucherId"])
    return empty(204)


# -- promotions ----------------------------------------------------------------------------------


def _results(only: str | None = None):
    carts = carts_service()
    totals = carts.totals(cart()).as_dict()
    found = promotion_results(carts.state, totals, carts.currency, site().lang)
    results = found["appliedOrderPromotions"] + found["appliedProductPromotions"]
    if only is not None:
        results = [r for r in results if (r.get("promotion") or {}).get("code") == only]
    return PROMOTION_RESULT_LIST(promotions=results)


@bp.get(CART + "/promotions")
@operation("getCartPromotions", secured=roles.CHECKOUT, writes=True)
def get_cart_promotions(baseSiteId: str, userId: str, cartId: str):
    """The promotions applied to the cart (order and product promotions)."""
    return respond(_results())


@bp.get(CART + "/promotions/<promotionId>")
@operation("getCartPromotion", secured=roles.CHECKOUT, writes=True)
def get_cart_promotion(baseSiteId: str, userId: str, cartId: str, promotionId: str):
    """The results of one promotion on the cart: an empty list if it did not fire."""
    if carts_service().promotions().rule(promotionId) is None:
        raise ApiError(400, "UnknownIdentifierError",
                       f"Promotion with code '{promotionId}' not found")
    return respond(_results(promotionId))


class PromotionParams(i.Params):
    promotionId = i.TextParam(required=True)


@bp.post(CART + "/promotions")
@operation("doApplyCartPromotion", secured=roles.TRUSTED, params=PromotionParams)
def apply_cart_promotion(baseSiteId: str, userId: str, cartId: str, params: dict):
    carts_service().enable_promotion(cart(), params["promotionId"])
    return empty()


@bp.delete(CART + "/promotions/<promotionId>")
@operation("removeCartPromotion", secured=roles.TRUSTED)
def remove_cart_promotion(baseSiteId: str, userId: str, cartId: str, promotionId: str):
    carts_service().disable_promotion(cart(), promotionId)
    return empty()
