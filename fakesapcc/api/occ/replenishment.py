"""OCC replenishment orders (b2bocc's B2BOrdersController.createReplenishmentOrder and
ReplenishmentOrderController; tags B2B Orders, Replenishment Order): schedule one from a checked
B2B cart, list them, read one, cancel it (``active: false``, for good), and the orders its
trigger placed (``commerce.b2b_replenishment``)."""
from __future__ import annotations

from ...commerce.b2b_replenishment import SORTS, Replenishments
from ...errors import ApiError
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, carts_service, respond, site
from .dtos.b2b import page
from .dtos.carts import ORDER_HISTORY_LIST, order_history_dto
from .dtos.catalog import sort_dtos
from .dtos.quotes import (REPLENISHMENT_ORDER_LIST, ScheduleReplenishmentFormBody,
                          replenishment_dto)

REPLENISHMENTS = "/<baseSiteId>/users/<userId>/replenishmentOrders"
REPLENISHMENT = REPLENISHMENTS + "/<replenishmentOrderCode>"


def replenishments() -> Replenishments:
    rt = runtime()
    return Replenishments(rt.db, rt.clock, rt.config, ctx().acting.user)


def _dto(r):
    return replenishment_dto(carts_service(r.template.currency), r, site().lang)


class ScheduleParams(i.Params):
    cartId = i.TextParam(required=True)
    termsChecked = i.BoolParam(required=True)


@bp.post("/<baseSiteId>/orgUsers/<userId>/replenishmentOrders")
@operation("createReplenishmentOrder", secured=roles.CHECKOUT, anonymous=False,
           params=ScheduleParams, body=ScheduleReplenishmentFormBody, cart_param="cartId")
def create_replenishment_order(baseSiteId: str, userId: str, params: dict, body: dict):
    """Terms accepted, the cart checked as for placeOrgOrder, then the schedule: 201 with the
    replenishment order; its trigger places the orders."""
    if not params["termsChecked"]:
        raise ApiError(400, "ValidationError",
                       "If you want to place an order you must accept terms and conditions.",
                       reason="invalid", subject="termsChecked", subject_type="parameter")
    r = replenishments().schedule(carts_service(), ctx().cart, body)
    return respond(_dto(r), 201)


class ReplenishmentListParams(i.Paging):
    sort = i.TextParam(default="code")


@bp.get(REPLENISHMENTS)
@operation("getReplenishmentOrders", secured=roles.CHECKOUT, anonymous=False,
           params=ReplenishmentListParams)
def get_replenishment_orders(baseSiteId: str, userId: str, params: dict):
    items, pagination = page(replenishments().mine(site().site.uid, params["sort"]), params)
    return respond(REPLENISHMENT_ORDER_LIST(
        replenishmentOrders=[_dto(r) for r in items],
        sorts=sort_dtos(SORTS, params["sort"]), pagination=pagination))


@bp.get(REPLENISHMENT)
@operation("getReplenishmentOrder", secured=roles.CHECKOUT, anonymous=False)
def get_replenishment_order(baseSiteId: str, userId: str, replenishmentOrderCode: str):
    return respond(_dto(replenishments().one(site().site.uid, replenishmentOrderCode)))


@bp.patch(REPLENISHMENT)
@operation("updateReplenishmentOrder", secured=roles.CHECKOUT, anonymous=False)
def update_replenishment_order(baseSiteId: str, userId: str, replenishmentOrderCode: str):
    """SAP's controller reads no body: the update is the cancellation."""
    service = replenishments()
    return respond(_dto(service.cancel(service.one(site().site.uid, replenishmentOrderCode))))


@bp.get(REPLENISHMENT + "/orders")
@operation("getReplenishmentOrderHistory", secured=roles.CHECKOUT, anonymous=False,
           params=ReplenishmentListParams)
def get_replenishment_order_history(baseSiteId: str, userId: str, replenishmentOrderCode: str,
                                    params: dict):
    service = replenishments()
    orders = service.orders(service.one(site().site.uid, replenishmentOrderCode))
    items, pagination = page(orders, params)
    return respond(ORDER_HISTORY_LIST(
        orders=[order_history_dto(carts_service(o.currency), o, site().lang) for o in items],
        pagination=pagination))
