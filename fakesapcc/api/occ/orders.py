"""OCC orders (tags Orders, B2B Orders): place, history (paging, sorts, statuses), one order by
code or guid, and the trusted clients' ``/{site}/orders/{code}``."""
from __future__ import annotations

from flask import Response, request

from ... import models as m
from ...commerce.b2b_approvals import Approvals
from ...commerce.orders import find_order, orders_of, parse_statuses, place_order
from ...db import uid_key
from ...errors import ApiError
from ...security import roles
from ...security.access import B2B, B2C
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, carts_service, respond, site
from .dtos.carts import ORDER_HISTORY_LIST, order_dto, order_history_dto
from .dtos.catalog import pagination_dto, sort_dtos

ORDER_SORTS = {"byDate": "Date", "byOrderNumber": "Order Number"}


def unknown_order(code: str) -> ApiError:
    return ApiError(400, "UnknownIdentifierError",
                    f"Order with guid {code} not found for current user in current BaseStore")


def order_response(order: m.Order, status: int = 200) -> Response:
    """An order, priced in its own currency (its totals were frozen in it)."""
    return respond(order_dto(carts_service(order.currency), order, site().lang), status)


class PlaceOrderParams(i.Params):
    cartId = i.TextParam(required=True)


@bp.post("/<baseSiteId>/users/<userId>/orders")
@operation("placeOrder", secured=roles.ORDERS, channel=B2C, params=PlaceOrderParams,
           cart_param="cartId")
def place_user_order(baseSiteId: str, userId: str, params: dict):
    """Spartacus also sends ``termsChecked``, which SAP's B2C call does not read."""
    order = place_order(carts_service(), ctx().cart, _placed_by())
    return order_response(order, 201)


def _placed_by() -> str | None:
    agent = ctx().agent
    return agent.uid if agent else None


class HistoryParams(i.Paging):
    statuses = i.TextParam()
    sort = i.TextParam(default="byDate")


@bp.get("/<baseSiteId>/users/<userId>/orders")
@operation("getUserOrderHistory", secured=roles.USER, anonymous=False,
           head="countUserOrders", params=HistoryParams)
def get_user_order_history(baseSiteId: str, userId: str, params: dict):
    statuses = parse_statuses(params["statuses"])
    page, size, sort = params["currentPage"], params["pageSize"], params["sort"]
    carts = carts_service()
    orders = orders_of(carts, ctx().user.uid, statuses)
    if request.method == "HEAD":
        return Response(status=200, headers={"X-Total-Count": str(len(orders))})
    if sort == "byOrderNumber":
        orders = sorted(orders, key=lambda o: o.code, reverse=True)
    return respond(ORDER_HISTORY_LIST(
        orders=[order_history_dto(carts_service(o.currency), o, site().lang)
                for o in orders[page * size:(page + 1) * size]],
        sorts=sort_dtos(ORDER_SORTS, sort), pagination=pagination_dto(page, size, len(orders),
                                                                      sort)))


@bp.get("/<baseSiteId>/users/<userId>/orders/<code>")
@operation("getUserOrders", secured=roles.ORDERS)
def get_user_order(baseSiteId: str, userId: str, code: str):
    """The acting user's order by code or guid; the anonymous user reaches a guest's order by
    its guid only."""
    user = ctx().acting.user
    order = find_order(runtime().db, site().site, code)
    if user is None:
        owner = runtime().db.principal(order.user) if order else None
        if order is None or order.guid != code or not (isinstance(owner, m.Customer)
                                                       and owner.guest):
            raise unknown_order(code)
    elif order is None or uid_key(order.user) != uid_key(user.uid):
        raise unknown_order(code)
    return order_response(order)


@bp.get("/<baseSiteId>/orders/<code>")
@operation("getOrder", secured=roles.TRUSTED)
def get_order(baseSiteId: str, code: str):
    """Any order of the site by code or guid, for a trusted client."""
    order = find_order(runtime().db, site().site, code)
    if order is None:
        raise unknown_order(code)
    return order_response(order)


class OrgPlaceOrderParams(i.Params):
    cartId = i.TextParam(required=True)
    termsChecked = i.TextParam(required=True)


@bp.post("/<baseSiteId>/orgUsers/<userId>/orders")
@operation("placeOrgOrder", secured=roles.CHECKOUT, anonymous=False, channel=B2B,
           params=OrgPlaceOrderParams, cart_param="cartId")
def place_org_order(baseSiteId: str, userId: str, params: dict):
    """B2BOrdersController.placeOrgOrder: terms accepted; 200 with the order."""
    if params["termsChecked"].lower() != "true":
        raise ApiError(400, "ValidationError",
                       "If you want to place an order you must accept terms and conditions.",
                       reason="invalid", subject="termsChecked", subject_type="parameter")
    order = place_order(carts_service(), ctx().cart, _placed_by(), b2b=True)
    rt = runtime()
    Approvals(rt.db, rt.clock, ctx().acting.user).submit(order)
    return order_response(order, 200)
