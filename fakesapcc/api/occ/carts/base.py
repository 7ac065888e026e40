"""What the cart controllers share: their paths, the request's cart and the cart response."""
from __future__ import annotations

from flask import Response

from .... import models as m
from ...context import ctx
from ..base import carts_service, respond, site
from ..dtos.carts import cart_dto

CARTS = "/<baseSiteId>/users/<userId>/carts"
CART = CARTS + "/<cartId>"
ORG_CART = "/<baseSiteId>/orgUsers/<userId>/carts/<cartId>"


def cart() -> m.Cart:
    """The cart the path names, matched by the OCC filters (SAP's CartMatchingFilter)."""
    found = ctx().cart
    assert found is not None, "a cart route without {cartId}"
    return found


def cart_response(status: int = 200) -> Response:
    """The request's cart as the Cart WsDTO."""
    return respond(cart_dto(carts_service(), cart(), site().lang), status)
