"""OCC carts (tag Carts): the carts of a user, create (with restore and merge), read, remove,
the guest checkout e-mail and validation."""
from __future__ import annotations

from ....commerce.customers import Customers
from ....errors import validation_error
from ....security import roles
from ... import inputs as i
from ... import runtime
from ...context import ctx
from ...operations import operation
from ..base import bp, carts_service, empty, respond, site
from ..dtos.carts import CART_LIST, cart_dto, modification_list_dto
from .base import CART, CARTS, cart, cart_response


class CartListParams(i.Params):
    savedCartsOnly = i.BoolParam(default=False)
    currentPage = i.IntParam(default=0, minimum=0)
    pageSize = i.IntParam(minimum=1)
    sort = i.TextParam()


@bp.get(CARTS)
@operation("getCarts", secured=roles.OPEN, anonymous=False, writes=True, params=CartListParams)
def get_carts(baseSiteId: str, userId: str, params: dict):
    carts = carts_service()
    saved = params["savedCartsOnly"]
    found = carts.carts_of(ctx().user.uid, saved=True if saved else None)
    size = params["pageSize"] or (20 if saved else None)
    if size:
        page = params["currentPage"]
        found = found[page * size:(page + 1) * size]
    return respond(CART_LIST(carts=[cart_dto(carts, c, site().lang) for c in found]))


class CreateCartParams(i.Params):
    oldCartId = i.TextParam()
    toMergeCartGuid = i.TextParam()


@bp.post(CARTS)
@operation("createCart", secured=roles.OPEN, params=CreateCartParams)
def create_cart(baseSiteId: str, userId: str, params: dict):
    c = ctx()
    carts = carts_service()
    created = carts.create(c.acting.user, params["oldCartId"], params["toMergeCartGuid"],
                           c.agent.uid if c.agent else None)
    return respond(cart_dto(carts, created, site().lang), 201)


@bp.get(CART)
@operation("getCart", secured=roles.OPEN, writes=True)
def get_cart(baseSiteId: str, userId: str, cartId: str):
    return cart_response()


@bp.delete(CART)
@operation("removeCart", secured=roles.OPEN)
def remove_cart(baseSiteId: str, userId: str, cartId: str):
    carts_service().remove(cart())
    return empty()


class GuestEmailParams(i.Params):
    email = i.TextParam(required=True)


@bp.put(CART + "/email")
@operation("replaceCartGuestUser", secured=roles.GUEST_EMAIL, params=GuestEmailParams)
def replace_cart_guest_user(baseSiteId: str, userId: str, cartId: str, params: dict):
    """Guest checkout: a client token, the anonymous cart and an e-mail make a guest customer
    the cart's user."""
    email = params["email"].strip()
    if not i.EMAIL.fullmatch(email):
        raise validation_error("login", f"Email [{email}] is not a valid e-mail address!")
    rt = runtime()
    the_cart = cart()
    guest = Customers(rt.db, rt.clock).guest(email, rt.db.principal(the_cart.user))
    carts_service().assign_guest(the_cart, guest)
    return empty()


@bp.post(CART + "/validate")
@operation("validateCart", secured=roles.OPEN)
def validate_cart(baseSiteId: str, userId: str, cartId: str):
    """Stock check of every entry: entries that cannot be delivered in full are reduced or
    removed, and reported as modifications."""
    carts = carts_service()
    return respond(modification_list_dto(carts, carts.validate(cart()), site().lang))
