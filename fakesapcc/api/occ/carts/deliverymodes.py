"""OCC cart delivery modes (tag Cart Delivery Modes)."""
from __future__ import annotations

from ....security import roles
from ... import inputs as i
from ...operations import operation
from ..base import bp, carts_service, empty, respond, site
from ..dtos.carts import DELIVERY_MODE, DELIVERY_MODE_LIST, delivery_mode_dto
from .base import CART, cart


@bp.get(CART + "/deliverymodes")
@operation("getCartDeliveryModes", secured=roles.CHECKOUT)
def get_cart_delivery_modes(baseSiteId: str, userId: str, cartId: str):
    carts = carts_service()
    the_cart = cart()
    return respond(DELIVERY_MODE_LIST(deliveryModes=[
        delivery_mode_dto(carts, x, the_cart, site().lang)
        for x in carts.supported_delivery_modes(the_cart)]))


@bp.get(CART + "/deliverymode")
@operation("getCartDeliveryMode", secured=roles.CHECKOUT)
def get_cart_delivery_mode(baseSiteId: str, userId: str, cartId: str):
    carts = carts_service()
    the_cart = cart()
    mode = carts.state.delivery_modes.get(the_cart.deliveryMode or "")
    if mode is None:
        return respond(DELIVERY_MODE())
    return respond(delivery_mode_dto(carts, mode, the_cart, site().lang))


class DeliveryModeParams(i.Params):
    deliveryModeId = i.TextParam(required=True)


@bp.put(CART + "/deliverymode")
@operation("replaceCartDeliveryMode", secured=roles.CHECKOUT, params=DeliveryModeParams)
def replace_cart_delivery_mode(baseSiteId: str, userId: str, cartId: str, params: dict):
    carts_service().set_delivery_mode(cart(), params["deliveryModeId"])
    return empty()


@bp.delete(CART + "/deliverymode")
@operation("removeCartDeliveryMode", secured=roles.CHECKOUT)
def remove_cart_delivery_mode(baseSiteId: str, userId: str, cartId: str):
    carts_service().clear_delivery_mode(cart())
    return empty()
