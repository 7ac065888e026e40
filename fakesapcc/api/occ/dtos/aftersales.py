"""After-sales WsDTOs (SaveCartResult, ReturnRequest and its entries and list, consignment
tracking, order attachments), the request bodies of their operations, and what an order's
DTO shows of them (``cancellable``, ``returnable``, each entry's quantities and prices, the
consignments' shipping)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import marshmallow as ma

from ... import dto as d
from ... import inputs as i
from .... import models as m
from ....commerce import aftersales as a
from ....commerce.carts import Carts
from .carts import cart_dto, order_dto
from .account import page_dto
from .catalog import pagination_dto, price_dto, sort_dtos

SAVE_CART_RESULT = d.DtoType("SaveCartResult", "savedCartData")
RETURN_REQUEST = d.DtoType(
    "ReturnRequest", "cancellable code creationTime deliveryCost order refundDeliveryCost "
    "returnEntries returnLabelDownloadUrl rma status subTotal totalPrice",
    BASIC="code,rma,status,cancellable,creationTime",
    DEFAULT="code,rma,status,cancellable,creationTime,refundDeliveryCost,"
            "returnEntries(DEFAULT),order(DEFAULT),deliveryCost(DEFAULT),subTotal(DEFAULT),"
            "totalPrice(DEFAULT)")
RETURN_REQUEST_ENTRY = d.DtoType("ReturnRequestEntry", "orderEntry expectedQuantity refundAmount")
RETURN_REQUEST_LIST = d.DtoType("ReturnRequestList", "returnRequests sorts pagination")
CONSIGNMENT_TRACKING = d.DtoType(
    "consignmentTracking", "statusDisplay carrierDetails trackingID trackingUrl "
    "targetArrivalDate trackingEvents")
TRACKING_EVENT = d.DtoType("consignmentTrackingEvent", "eventDate detail location referenceCode")
CARRIER = d.DtoType("carrier", "code name")
ORDER_ATTACHMENT_LIST = d.DtoType("SAPOrderAttachmentList", "sapAttachments sorts pagination")

RETURN_SORTS = {"byDate": "Date", "byRMA": "Return Number"}
TRANSIT_DAYS = 3  # the mock carrier's target arrival after shipping


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def save_cart_result(carts: Carts, cart: m.Cart, lang: str) -> d.Dto:
    return SAVE_CART_RESULT(savedCartData=cart_dto(carts, cart, lang))


# -- return requests ----------------------------------------------------------------------------


def return_request_dto(carts: Carts, request: m.ReturnRequest, order: m.Order,
                       lang: str) -> d.Dto:
    order_view = order_dto(carts, order, lang)
    entries = {e.get("entryNumber"): e for e in order_view.get("entries") or []}
    subtotal = sum(r.refundAmount for r in request.entries)
    delivery = order.totals.get("deliveryCost") if request.refundDeliveryCost else 0.0

    def price(value: float | None) -> d.Dto | None:
        return price_dto(carts.catalog, value, carts.currency, lang)

    return RETURN_REQUEST(
        code=request.code, rma=request.rma, status=request.status,
        cancellable=request.status in a.RETURN_CANCELLABLE,
        creationTime=_iso(request.created), refundDeliveryCost=request.refundDeliveryCost,
        order=order_view,
        returnEntries=[RETURN_REQUEST_ENTRY(orderEntry=entries.get(r.entryNumber),
                                            expectedQuantity=r.expectedQuantity,
                                            refundAmount=price(r.refundAmount))
                       for r in request.entries],
        deliveryCost=price(delivery or 0.0), subTotal=price(subtotal),
        totalPrice=price(subtotal + (delivery or 0.0)))


def return_request_list_dto(carts_of: Any, found: list[tuple[m.ReturnRequest, m.Order]],
                            page: int, size: int, sort: str, lang: str) -> d.Dto:
    shown = found[page * size:(page + 1) * size]
    return RETURN_REQUEST_LIST(
        returnRequests=[return_request_dto(carts_of(o), r, o, lang) for r, o in shown],
        sorts=sort_dtos(RETURN_SORTS, sort),
        pagination=pagination_dto(page, size, len(found), sort))


# -- consignment tracking -----------------------------------------------------------------------


def tracking_dto(consignment: m.Consignment, order: m.Order) -> d.Dto:
    """The mock carrier's view: nothing before shipping; shipped (and delivered once the
    order completed) with the dates the fulfilment gave it."""
    if consignment.shippingDate is None:
        return CONSIGNMENT_TRACKING(statusDisplay="notShipped", trackingEvents=[])
    delivered = order.status == "COMPLETED"
    events = [TRACKING_EVENT(eventDate=_iso(consignment.shippingDate), referenceCode="SHIPPED",
                             detail="The parcel has left the warehouse",
                             location=consignment.warehouse)]
    if delivered:
        events.append(TRACKING_EVENT(eventDate=_iso(order.modified), referenceCode="DELIVERED",
                                     detail="The parcel has been delivered", location=None))
    return CONSIGNMENT_TRACKING(
        statusDisplay="delivered" if delivered else "inTransit",
        carrierDetails=CARRIER(code=a.CARRIER[0], name=a.CARRIER[1]),
        trackingID=consignment.trackingID,
        trackingUrl=f"https://tracking.carrier.invalid/{consignment.trackingID}",
        targetArrivalDate=_iso(consignment.shippingDate + timedelta(days=TRANSIT_DAYS)),
        trackingEvents=list(reversed(events)))


def attachment_list_dto(page: int, size: int) -> d.Dto:
    return ORDER_ATTACHMENT_LIST(sapAttachments=[], sorts=[], pagination=page_dto(0, 0, page, size))


# -- request bodies -----------------------------------------------------------------------------


class SavedCartBody(i.Body):
    """SAPSavedCartRequest."""

    name = i.Text()
    description = i.Text()


class EntryInputBody(i.Body):
    orderEntryNumber = i.Int(required=True)
    quantity = i.Long(required=True, validate=i.greater_than_zero)


class CancellationBody(i.Body):
    """CancellationRequestEntryInputList (cancellationRequestEntryInputListDTOValidator)."""

    cancellationRequestEntryInputs = i.Objects(EntryInputBody, required=True)
    cancelReason = i.Text()

    @ma.validates("cancellationRequestEntryInputs")
    def _not_empty(self, value: list, **kwargs: Any) -> None:
        if not value:
            raise ma.ValidationError(i.REQUIRED)


class ReturnBody(i.Body):
    """ReturnRequestEntryInputList (returnRequestEntryInputListDTOValidator)."""

    orderCode = i.Text(required=True)
    returnRequestEntryInputs = i.Objects(EntryInputBody, required=True)

    @ma.validates("returnRequestEntryInputs")
    def _not_empty(self, value: list, **kwargs: Any) -> None:
        if not value:
            raise ma.ValidationError(i.REQUIRED)


def _return_status(value: Any) -> None:
    """ReturnRequestStatusWsDTOType has one value: Jackson cannot bind another."""
    if value is not None and value != "CANCELLING":
        raise ma.ValidationError(i.UNREADABLE)


class ReturnModificationBody(i.Body):
    status = i.Text(validate=_return_status)


class PasswordRestoreTokenBody(i.Body):
    loginId = i.Text(required=True)


class ResetPasswordBody(i.Body):
    """ResetPassword: SAP's controller does not validate it; the service checks."""

    token = i.Text()
    newPassword = i.Text()

