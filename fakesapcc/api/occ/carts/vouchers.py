"""OCC cart vouchers (tag Cart Promotions): list, apply (by parameter, or by SAP's newer JSON
body), release."""
from __future__ import annotations

from ....security import roles
from ... import inputs as i
from ...operations import operation
from ..base import bp, carts_service, empty, respond, site
from ..dtos.carts import VOUCHER_LIST, VoucherRequestBody, voucher_dto
from .base import CART, cart


@bp.get(CART + "/vouchers")
@operation("getCartVouchers", secured=roles.VOUCHER, writes=True)
def get_cart_vouchers(baseSiteId: str, userId: str, cartId: str):
    carts = carts_service()
    the_cart = cart()
    subtotal = carts.totals(the_cart).subTotal
    return respond(VOUCHER_LIST(vouchers=[
        voucher_dto(carts, carts.state.vouchers[c], site().lang, subtotal)
        for c in the_cart.appliedVouchers if c in carts.state.vouchers]))


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
