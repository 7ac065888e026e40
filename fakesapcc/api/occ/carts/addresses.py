"""OCC cart addresses (tag Cart Addresses): the delivery address, chosen from the address book
or given new."""
from __future__ import annotations

from ....security import roles
from ....security.access import B2C
from ... import inputs as i
from ... import runtime
from ...operations import operation
from ..base import bp, carts_service, empty, respond, site
from ..dtos.users import AddressBody, address_dto
from .base import CART, cart

DELIVERY = CART + "/addresses/delivery"


class AddressIdParams(i.Params):
    addressId = i.TextParam(required=True)


@bp.put(DELIVERY)
@operation("replaceCartDeliveryAddress", secured=roles.CHECKOUT, channel=B2C,
           params=AddressIdParams)
def replace_cart_delivery_address(baseSiteId: str, userId: str, cartId: str, params: dict):
    carts = carts_service()
    the_cart = cart()
    carts.set_delivery_address(the_cart, carts.owned_address(the_cart, params["addressId"]))
    return empty()


@bp.post(DELIVERY)
@operation("createCartDeliveryAddress", secured=roles.CHECKOUT, body=AddressBody)
def create_cart_delivery_address(baseSiteId: str, userId: str, cartId: str, body: dict):
    address = carts_service().new_delivery_address(cart(), body)
    return respond(address_dto(runtime().db.state, address, site().lang), 201)


@bp.delete(DELIVERY)
@operation("removeCartDeliveryAddress", secured=roles.CHECKOUT)
def remove_cart_delivery_address(baseSiteId: str, userId: str, cartId: str):
    carts_service().clear_delivery_address(cart())
    return empty()
