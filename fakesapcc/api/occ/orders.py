"""OCC orders: place, history (with paging, sorts and statuses), one order by code or guid, and
the trusted clients' ``/{site}/orders/{code}``."""
from __future__ import annotations

from flask import Response, request

from ... import models as m
from .. import runtime
from ...commerce.carts import Carts
from ...commerce.orders import orders_of, parse_statuses, place_order
from ...errors import ApiError
from ...security.policy import (ROLE_CLIENT, ROLE_CUSTOMERGROUP, ROLE_CUSTOMERMANAGERGROUP,
                                ROLE_GUEST, ROLE_TRUSTED_CLIENT, access_denied, require_roles)
from ...db import uid_key
from ..context import ctx
from ..fields import Dto
from ..operations import operation
from .base import bp, int_param, require_b2b, require_b2c, required_param, respond, site
from .cart_dto import order_dto, order_history_dto
from .carts import agent_uid, carts_service, load_cart, require_cart_roles
from .catalog_dto import pagination_dto, sort_dtos

ORDER_SORTS = {"byDate": "Date", "byOrderNumber": "Order Number"}


def order_carts(order: m.Order) -> Carts:
    """A cart service in the order's own currency (its totals were frozen in it)."""
    sc = site()
    rt = runtime()
    return Carts(rt.db, rt.clock, rt.config, sc.site, sc.store, order.currency)


def unknown_order(code: str) -> ApiError:
    return ApiError(400, "UnknownIdentifierError", f"Order with guid {code} not found for current user in current BaseStore")


@bp.post("/<baseSiteId>/users/<userId>/orders")
@operation("placeOrder")
def place_user_order(baseSiteId: str, userId: str):
    require_b2c()
    cart_id = required_param("cartId")  # Spartacus' termsChecked: not a parameter of SAP's B2C call
    with runtime().db.atomic():
        carts = carts_service()
        cart = load_cart(carts, cart_id)
        require_cart_roles(cart, ROLE_CUSTOMERGROUP, ROLE_CUSTOMERMANAGERGROUP,
                           ROLE_TRUSTED_CLIENT, ROLE_CLIENT, ROLE_GUEST)
        order = place_order(carts, cart, agent_uid())
        return respond(order_dto(order_carts(order), order, site().lang), 201)


@bp.get("/<baseSiteId>/users/<userId>/orders")
@operation("getUserOrderHistory", head="countUserOrders")
def get_user_order_history(baseSiteId: str, userId: str):
    acting = ctx().acting
    if acting.user is None:
        raise access_denied(401)
    statuses = parse_statuses(request.args.get("statuses"))
    page, size = int_param("currentPage", 0), int_param("pageSize", 20, minimum=1)
    sort = request.args.get("sort") or "byDate"
    with runtime().db.atomic():
        carts = carts_service()
        orders = orders_of(carts, acting.user.uid, statuses)
        if request.method == "HEAD":
            return Response(status=200, headers={"X-Total-Count": str(len(orders))})
        if sort == "byOrderNumber":
            orders = sorted(orders, key=lambda o: o.code, reverse=True)
        chunk = orders[page * size:(page + 1) * size]
        return respond(Dto("OrderHistoryList", {
            "orders": [order_history_dto(order_carts(o), o, site().lang) for o in chunk],
            "sorts": sort_dtos(ORDER_SORTS, sort),
            "pagination": pagination_dto(page, size, len(orders), sort)}))


def find_order(code: str) -> m.Order | None:
    order = runtime().db.order(code)
    return order if order is not None and order.site == site().site.uid else None


@bp.get("/<baseSiteId>/users/<userId>/orders/<code>")
@operation("getUserOrders")
def get_user_order(baseSiteId: str, userId: str, code: str):
    acting = ctx().acting
    with runtime().db.atomic():
        order = find_order(code)
        if acting.user is None:
            # an anonymous caller reaches a guest's order by its guid only
            if order is None or order.guid != code:
                raise unknown_order(code)
            owner = runtime().db.principal(order.user)
            if not (isinstance(owner, m.Customer) and owner.guest):
                raise unknown_order(code)
        elif order is None or uid_key(order.user) != uid_key(acting.user.uid):
            raise unknown_order(code)
        return respond(order_dto(order_carts(order), order, site().lang))


@bp.get("/<baseSiteId>/orders/<code>")
@operation("getOrder")
def get_order(baseSiteId: str, code: str):
    """A trusted client reads any order; anyone reads a guest order by its guid."""
    with runtime().db.atomic():
        order = find_order(code)
        if order is None:
            raise unknown_order(code)
        owner = runtime().db.principal(order.user)
        is_guest = isinstance(owner, m.Customer) and owner.guest
        if not (ctx().caller.has(ROLE_TRUSTED_CLIENT) or (is_guest and order.guid == code)):
            require_roles(ctx().caller, ROLE_TRUSTED_CLIENT)
        return respond(order_dto(order_carts(order), order, site().lang))


@bp.post("/<baseSiteId>/orgUsers/<userId>/orders")
@operation("placeOrgOrder")
def place_org_order(baseSiteId: str, userId: str):
    """B2BOrdersController.placeOrgOrder: B2B sites only, @Secured(CUSTOMERGROUP, GUEST,
    CUSTOMERMANAGERGROUP, TRUSTED_CLIENT), terms accepted; 200 with the order."""
    require_b2b()
    cart_id = required_param("cartId")
    terms = required_param("termsChecked")
    if terms.lower() != "true":
        raise ApiError(400, "ValidationError",
                       "If you want to place an order you must accept terms and conditions.",
                       reason="invalid", subject="termsChecked", subject_type="parameter")
    with runtime().db.atomic():
        carts = carts_service()
        cart = load_cart(carts, cart_id)
        require_cart_roles(cart, ROLE_CUSTOMERGROUP, ROLE_CUSTOMERMANAGERGROUP,
                           ROLE_TRUSTED_CLIENT, ROLE_GUEST)
        order = place_order(carts, cart, agent_uid(), b2b=True)
        return respond(order_dto(order_carts(order), order, site().lang), 200)
