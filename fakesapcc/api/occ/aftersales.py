"""OCC after sales: order cancellation (tag Orders, ``doCancelOrder``), return requests (tag
Return Requests, OrderReturnsController), consignment tracking, order attachments and the
order placement after an asynchronous payment authorization."""
from __future__ import annotations

from ... import models as m
from ...commerce.aftersales import AfterSales
from ...commerce.orders import find_order, place_order
from ...db import uid_key
from ...errors import ApiError
from ...security import roles
from ...security.access import B2C
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, carts_service, empty, respond, site
from .dtos.aftersales import (CancellationBody, ReturnBody, ReturnModificationBody,
                              attachment_list_dto, return_request_dto, return_request_list_dto,
                              tracking_dto)
from .orders import _placed_by, order_response, unknown_order

ORDER = "/<baseSiteId>/users/<userId>/orders/<code>"
RETURNS = "/<baseSiteId>/users/<userId>/orderReturns"


def service() -> AfterSales:
    rt = runtime()
    return AfterSales(rt.db, rt.clock, rt.config)


def not_found() -> ApiError:
    """OrdersController / OrderReturnsHelper ``validateUserForOrder``: NotFoundException."""
    return ApiError(404, "NotFoundError", "Resource not found")


def users_order(code: str) -> m.Order:
    """The acting user's order of the site by code (or guid), else 404."""
    order = find_order(runtime().db, site().site, code)
    if order is None or uid_key(order.user) != uid_key(ctx().user.uid):
        raise not_found()
    return order


@bp.post(ORDER + "/cancellation")
@operation("doCancelOrder", secured=roles.USER, anonymous=False, body=CancellationBody)
def do_cancel_order(baseSiteId: str, userId: str, code: str, body: dict):
    """Partial or whole: 200 with no body; the order shows it (entries' quantities, totals,
    ``CANCELLED`` once nothing is left)."""
    order = users_order(code)
    service().cancel(order, [(e["orderEntryNumber"], e["quantity"])
                             for e in body["cancellationRequestEntryInputs"]])
    return empty()


@bp.get(RETURNS)
@operation("getReturnRequests", secured=roles.USER, anonymous=False, params=i.Paging)
def get_return_requests(baseSiteId: str, userId: str, params: dict):
    rt = runtime()
    found = []
    for request in service().returns_for(ctx().user.uid, site().site.uid):
        order = rt.db.state.orders.get(request.order)
        if order is not None:
            found.append((request, order))
    return respond(return_request_list_dto(
        lambda o: carts_service(o.currency), found, params["currentPage"], params["pageSize"],
        "byDate", site().lang))


@bp.post(RETURNS)
@operation("createReturnRequest", secured=roles.USER, anonymous=False, body=ReturnBody)
def create_return_request(baseSiteId: str, userId: str, body: dict):
    order = users_order(body["orderCode"])
    request = service().create_return(order, [(e["orderEntryNumber"], e["quantity"])
                                              for e in body["returnRequestEntryInputs"]])
    return respond(return_request_dto(carts_service(order.currency), request, order,
                                      site().lang), 201)


def users_return(code: str) -> tuple[m.ReturnRequest, m.Order]:
    request = runtime().db.state.return_requests.get(code)
    if request is None or request.site != site().site.uid:
        raise ApiError(404, "NotFoundError", f"Return request with code [{code}] not found")
    order = runtime().db.state.orders.get(request.order)
    if order is None or uid_key(order.user) != uid_key(ctx().user.uid):
        raise not_found()
    return request, order


@bp.get(RETURNS + "/<returnRequestCode>")
@operation("getReturnRequest", secured=roles.USER, anonymous=False)
def get_return_request(baseSiteId: str, userId: str, returnRequestCode: str):
    request, order = users_return(returnRequestCode)
    return respond(return_request_dto(carts_service(order.currency), request, order,
                                      site().lang))


@bp.patch(RETURNS + "/<returnRequestCode>")
@operation("updateReturnRequest", secured=roles.USER, anonymous=False,
           body=ReturnModificationBody)
def update_return_request(baseSiteId: str, userId: str, returnRequestCode: str, body: dict):
    """Only ``{"status": "CANCELLING"}`` does anything (SAP's controller ignores the rest)."""
    request, _ = users_return(returnRequestCode)
    if body.get("status") == "CANCELLING":
        service().cancel_return(request)
    return empty()


@bp.get("/<baseSiteId>/users/<userId>/orders/<orderCode>/consignments/<consignmentCode>/tracking")
@operation("getConsignmentTrackingData", secured=roles.USER, anonymous=False)
def get_consignment_tracking_data(baseSiteId: str, userId: str, orderCode: str,
                                  consignmentCode: str):
    order = find_order(runtime().db, site().site, orderCode)
    if order is None or uid_key(order.user) != uid_key(ctx().user.uid):
        raise unknown_order(orderCode)
    consignment = runtime().db.state.consignments.get(consignmentCode)
    if consignment is None or consignment.order != order.code:
        raise ApiError(400, "UnknownIdentifierError",
                       f"Consignment with code {consignmentCode} not found for order "
                       f"{order.code}")
    return respond(tracking_dto(consignment, order))


class AttachmentParams(i.Paging):
    sort = i.TextParam()


@bp.get(ORDER + "/attachments")
@operation("getUserOrderAttachments", secured=roles.USER, anonymous=False,
           params=AttachmentParams)
def get_user_order_attachments(baseSiteId: str, userId: str, code: str, params: dict):
    """Attachments come from an ERP back end (S/4HANA billing documents): none here."""
    users_order(code)
    return respond(attachment_list_dto(params["currentPage"], params["pageSize"]))


@bp.get(ORDER + "/attachments/<attachmentId>/download")
@operation("getUserOrderAttachmentBinary", secured=roles.USER, anonymous=False)
def get_user_order_attachment_binary(baseSiteId: str, userId: str, code: str,
                                     attachmentId: str):
    users_order(code)
    raise ApiError(404, "NotFoundError", f"Attachment with id [{attachmentId}] not found")


class PlaceParams(i.Params):
    cartId = i.TextParam(required=True)


@bp.post("/<baseSiteId>/users/<userId>/orders/paymentAuthorizedOrderPlacement")
@operation("paymentAuthorizedOrderPlacement", secured=roles.ORDERS, channel=B2C,
           params=PlaceParams, cart_param="cartId")
def payment_authorized_order_placement(baseSiteId: str, userId: str, params: dict):
    """The payment was authorized beforehand (hosted page, iFrame): the order is placed as
    ``placeOrder`` places it."""
    order = place_order(carts_service(), ctx().cart, _placed_by())
    return order_response(order, 201)
