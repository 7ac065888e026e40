"""After the order is placed: the fulfilment a warehouse system would drive (consignments
shipped or picked up, the order completed or cancelled — by the control plane, or on its own
after ``fakesapcc.order.fulfilment.delay.seconds`` on the server clock), the customer's
cancellations (SAP's OMS order cancel: partial or whole, while nothing shipped) and return
requests (OMS returns: for delivered quantities, ``APPROVAL_PENDING`` → ``WAIT`` →
``RECEIVED`` → ``COMPLETED`` with the refund, or ``CANCELLING`` → ``CANCELED``)."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import models as m
from ..clock import Clock
from ..config import Config
from ..db import STOCK, Db, uid_key
from ..errors import ApiError, validation_error
from .carts import Carts
from .catalog import CatalogService
from .money import round_amount

DELIVERED = frozenset({"SHIPPED", "PICKUP_COMPLETE"})
FINAL_ORDER = frozenset({"COMPLETED", "CANCELLED", "CANCELLING"})
#: what ``POST /_fakesapcc/orders/{code}/fulfil`` takes (none: ship everything, complete)
FULFIL_STATUSES = ("READY", "SHIPPED", "PICKUP_COMPLETE", "COMPLETED", "CANCELLED")
DELAY_PROPERTY = "fakesapcc.order.fulfilment.delay.seconds"
CARRIER = ("MockCarrier", "Mock Carrier")

RETURN_CANCELLABLE = frozenset({"APPROVAL_PENDING", "WAIT", "PAYMENT_REVERSAL_FAILED"})
RETURN_CANCELLED = frozenset({"CANCELLING", "CANCELED"})
#: what ``POST /_fakesapcc/returns/{code}/process`` takes, in OMS's order
RETURN_STEPS = ("WAIT", "RECEIVED", "COMPLETED", "CANCELED")


def illegal_state(message: str) -> ApiError:
    """OMS asserts (IllegalStateException), rendered by class name."""
    return ApiError(400, "IllegalStateError", message)


def illegal_argument(message: str) -> ApiError:
    return ApiError(400, "IllegalArgumentError", message)


def conflict(message: str) -> ApiError:
    return ApiError(409, "IllegalStateError", message)


# -- what an order's entries allow -------------------------------------------------------------


def consignments_of(state: object, order: m.Order) -> list[m.Consignment]:
    found = state.consignments  # type: ignore[attr-defined]
    return [found[c] for c in order.consignments if c in found]


def shipped_quantity(state: object, order: m.Order, entry: m.OrderEntry) -> int:
    return sum(entry.quantity for c in consignments_of(state, order)
               if c.status in DELIVERED and entry.entryNumber in c.entries)


def returns_of(state: object, order: m.Order) -> list[m.ReturnRequest]:
    return sorted((r for r in state.return_requests.values()  # type: ignore[attr-defined]
                   if r.order == order.code), key=lambda r: r.code)


@dataclass(frozen=True)
class EntryState:
    cancellable: int
    returnable: int
    shipped: int
    returned: int  # refunded (return COMPLETED)
    returned_price: float
    cancelled: int
    cancelled_price: float


def entry_state(state: object, order: m.Order, entry: m.OrderEntry) -> EntryState:
    shipped = shipped_quantity(state, order, entry)
    requested = returned = 0
    returned_price = 0.0
    for request in returns_of(state, order):
        if request.status in RETURN_CANCELLED:
            continue
        for r in request.entries:
            if r.entryNumber == entry.entryNumber:
                requested += r.expectedQuantity
                if request.status == "COMPLETED":
                    returned += r.expectedQuantity
                    returned_price += r.refundAmount
    open_ = order.status not in FINAL_ORDER
    return EntryState(
        cancellable=max(entry.quantity - shipped, 0) if open_ else 0,
        returnable=max(shipped - requested, 0) if order.status == "COMPLETED" else 0,
        shipped=shipped, returned=returned, returned_price=returned_price,
        cancelled=entry.quantityCancelled,
        cancelled_price=entry.basePrice * entry.quantityCancelled)


def is_cancellable(state: object, order: m.Order) -> bool:
    return any(entry_state(state, order, e).cancellable > 0 for e in order.entries)


def is_returnable(state: object, order: m.Order) -> bool:
    return any(entry_state(state, order, e).returnable > 0 for e in order.entries)


def delivery_status(state: object, order: m.Order) -> str | None:
    """SAP's DeliveryStatus of the order, from its consignments."""
    found = [c for c in consignments_of(state, order) if c.status != "CANCELLED"]
    if not found:
        return None
    shipped = [c for c in found if c.status in DELIVERED]
    if not shipped:
        return "NOTSHIPPED"
    return "SHIPPED" if len(shipped) == len(found) else "PARTSHIPPED"


# -- services ----------------------------------------------------------------------------------


class AfterSales:
    """Fulfilment, cancellation and returns on one database and clock."""

    def __init__(self, db: Db, clock: Clock, config: Config) -> None:
        self.db = db
        self.state = db.state
        self.clock = clock
        self.config = config

    def _carts(self, order: m.Order) -> Carts:
        site = self.state.base_sites.get(order.site)
        store = self.state.base_stores.get(order.store)
        assert site is not None
        return Carts(self.db, self.clock, self.config, site, store, order.currency)

    # -- fulfilment ------------------------------------------------------------------------

    def schedule(self, order: m.Order) -> None:
        """Automatic fulfilment after the configured delay (none when the property is unset
        or negative)."""
        raw = self.config.prop(DELAY_PROPERTY)
        try:
            delay = float(raw) if raw is not None and raw.strip() else -1.0
        except ValueError:
            delay = -1.0
        if delay >= 0:
            self.state.fulfilment_queue[order.code] = (order.created or self.clock.now()) \
                + timedelta(seconds=delay)

    def due(self) -> bool:
        """An order's automatic fulfilment is due on the server clock."""
        now = self.clock.now()
        return any(due <= now for due in self.state.fulfilment_queue.values())

    def catch_up(self) -> None:
        """Fulfil every order whose automatic fulfilment is due on the server clock."""
        queue = self.state.fulfilment_queue
        if not queue:
            return
        now = self.clock.now()
        for code, due in sorted(queue.items(), key=lambda kv: kv[1]):
            if due <= now:
                del queue[code]
                order = self.state.orders.get(code)
                if order is not None and order.status not in FINAL_ORDER:
                    self.fulfil(order)

    def fulfil(self, order: m.Order, status: str | None = None) -> m.Order:
        """Move an order on as a fulfilment system would: ``READY`` (released to the
        warehouse), ``SHIPPED`` (the shipping consignments leave), ``PICKUP_COMPLETE`` (the
        pickup consignments are collected), ``COMPLETED`` (everything delivered — also with
        no status), ``CANCELLED`` (the warehouse cancels it: stock back)."""
        status = status or "COMPLETED"
        if status not in FULFIL_STATUSES:
            raise validation_error("status", f"status must be one of {', '.join(FULFIL_STATUSES)}, "
                                   f"not {status!r}")
        if order.status in ("COMPLETED", "CANCELLED"):
            raise conflict(f"Order {order.code} is {order.status}: it cannot move on")
        now = self.clock.now()
        if status == "CANCELLED":
            self._cancel_whole(order, now)
            return order
        consignments = [c for c in consignments_of(self.state, order) if c.status != "CANCELLED"]
        if status in ("SHIPPED", "COMPLETED"):
            for c in consignments:
                if c.deliveryPointOfService is None and c.status not in DELIVERED:
                    self._move(c, "SHIPPED", now)
        if status in ("PICKUP_COMPLETE", "COMPLETED"):
            for c in consignments:
                if c.deliveryPointOfService is not None and c.status not in DELIVERED:
                    self._move(c, "PICKUP_COMPLETE", now)
        if status == "COMPLETED" or (consignments and all(c.status in DELIVERED
                                                          for c in consignments)):
            order.status = "COMPLETED"
        elif order.status in ("CREATED", "PAYMENT_AUTHORIZED", "PAYMENT_CAPTURED",
                              "CHECKED_VALID", "FRAUD_CHECKED", "ON_VALIDATION"):
            order.status = "READY"
        order.modified = now
        self.state.fulfilment_queue.pop(order.code, None)
        return order

    def _move(self, consignment: m.Consignment, status: str, now: datetime) -> None:
        consignment.status = status
        consignment.statusDate = now
        if status == "SHIPPED":
            consignment.shippingDate = now
            consignment.carrier = CARRIER[0]
            consignment.trackingID = consignment.trackingID or uuid.uuid4().hex[:12].upper()

    def _cancel_whole(self, order: m.Order, now: datetime) -> None:
        self._cancel_entries(order, {e.entryNumber: e.quantity for e in order.entries}, now)

    # -- cancellation ----------------------------------------------------------------------

    def cancel(self, order: m.Order, requested: Iterable[tuple[int, int]]) -> m.Order:
        """The customer's cancellation (OMS ``createRequestOrderCancel``): each entry's
        quantity at most its cancellable quantity; all of every entry cancels the order."""
        if not is_cancellable(self.state, order):
            raise illegal_state(f"Order [{order.code}] cannot be cancelled")
        wanted: dict[int, int] = {}
        by_number = {e.entryNumber: e for e in order.entries}
        for number, quantity in requested:
            if number not in by_number:
                raise illegal_argument(f"Order entry [{number}] not found in order [{order.code}]")
            wanted[number] = wanted.get(number, 0) + quantity
        for number, quantity in wanted.items():
            if quantity > entry_state(self.state, order, by_number[number]).cancellable:
                raise illegal_state(f"Cannot cancel {quantity} of entry [{number}] of order "
                                    f"[{order.code}]: the quantity is not cancellable")
        self._cancel_entries(order, wanted, self.clock.now())
        return order

    def _cancel_entries(self, order: m.Order, wanted: dict[int, int], now: datetime) -> None:
        carts = self._carts(order)
        catalog: CatalogService = carts.catalog
        for entry in order.entries:
            quantity = min(wanted.get(entry.entryNumber, 0), entry.quantity)
            if quantity <= 0:
                continue
            warehouses = self._warehouses(order, entry)
            release(catalog, entry.product, quantity, warehouses)
            entry.quantity -= quantity
            entry.quantityCancelled += quantity
            entry.totalPrice = round_amount(entry.basePrice * entry.quantity, carts.digits())
        everything = all(e.quantity == 0 for e in order.entries)
        totals = carts.totals(order).as_dict()
        if everything:
            totals.update(deliveryCost=0.0 if totals.get("deliveryCost") is not None else None,
                          totalPrice=0.0, totalTax=0.0, totalPriceWithTax=0.0,
                          orderDiscounts=0.0, totalDiscounts=0.0)
            order.status = "CANCELLED"
            self.state.fulfilment_queue.pop(order.code, None)
        totals["totalItems"] = len(order.entries)
        order.totals = totals
        for c in consignments_of(self.state, order):
            live = [n for n in c.entries if n < len(order.entries) and order.entries[n].quantity]
            if not live and c.status not in DELIVERED:
                c.status = "CANCELLED"
                c.statusDate = now
        order.modified = now

    def _warehouses(self, order: m.Order, entry: m.OrderEntry) -> list[str]:
        for c in consignments_of(self.state, order):
            if entry.entryNumber in c.entries and c.warehouse:
                return [c.warehouse]
        return []

    # -- returns ---------------------------------------------------------------------------

    def returns_for(self, user_uid: str, site: str) -> list[m.ReturnRequest]:
        key = uid_key(user_uid)
        found = [r for r in self.state.return_requests.values()
                 if uid_key(r.user) == key and r.site == site]
        return sorted(found, key=lambda r: (r.created or self.clock.now(), r.code), reverse=True)

    def create_return(self, order: m.Order, requested: Iterable[tuple[int, int]]) -> m.ReturnRequest:
        by_number = {e.entryNumber: e for e in order.entries}
        wanted: dict[int, int] = {}
        for number, quantity in requested:
            if number not in by_number:
                raise illegal_argument(f"Order entry [{number}] not found in order [{order.code}]")
            wanted[number] = wanted.get(number, 0) + quantity
        if not is_returnable(self.state, order):
            raise illegal_argument(f"Order [{order.code}] is not returnable")
        for number, quantity in wanted.items():
            if quantity > entry_state(self.state, order, by_number[number]).returnable:
                raise illegal_argument(f"Cannot return {quantity} of entry [{number}] of order "
                                       f"[{order.code}]: the quantity is not returnable")
        digits = self._carts(order).digits()
        now = self.clock.now()
        request = m.ReturnRequest(
            code=self.db.next_code("returnRequest", 1), order=order.code, user=order.user,
            site=order.site, created=now, modified=now,
            entries=[m.ReturnEntry(n, q, round_amount(by_number[n].basePrice * q, digits))
                     for n, q in sorted(wanted.items())])
        self.state.return_requests[request.code] = request
        return request

    def cancel_return(self, request: m.ReturnRequest) -> m.ReturnRequest:
        if request.status not in RETURN_CANCELLABLE:
            raise illegal_argument(f"Return request [{request.code}] cannot be cancelled in "
                                   f"status [{request.status}]")
        request.status = "CANCELLING"
        request.modified = self.clock.now()
        return request

    def process_return(self, request: m.ReturnRequest, status: str | None = None) -> m.ReturnRequest:
        """The warehouse and the payment provider move a return on (the control plane):
        ``WAIT`` (approved), ``RECEIVED``, ``COMPLETED`` (refunded — also with no status),
        ``CANCELED`` (after ``CANCELLING``, also with no status)."""
        if status is None:
            status = "CANCELED" if request.status == "CANCELLING" else "COMPLETED"
        if status not in RETURN_STEPS:
            raise validation_error("status", f"status must be one of {', '.join(RETURN_STEPS)}, "
                                   f"not {status!r}")
        current = request.status
        if current in ("COMPLETED", "CANCELED"):
            raise conflict(f"Return request {request.code} is {current}: it cannot move on")
        if current == "CANCELLING" and status != "CANCELED":
            raise conflict(f"Return request {request.code} is CANCELLING: only CANCELED follows")
        request.status = status
        request.modified = self.clock.now()
        return request


def release(catalog: CatalogService, product_code: str, quantity: int,
            warehouses: list[str]) -> None:
    """Give reserved units back to the warehouses' free stock (a cancellation)."""
    left = quantity
    for level in catalog.db.stock_levels(product_code):
        if (not warehouses or level.warehouse in warehouses) and left > 0:
            back = min(level.reserved, left)
            level.reserved -= back
            left -= back
    catalog.db.changed(STOCK)
