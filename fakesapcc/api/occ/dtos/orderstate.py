"""What an order's DTO shows of its after sales: ``cancellable``, ``returnable``, the delivery
status, each entry's cancellable, returnable, cancelled and returned quantities and prices, and
the consignments' shipping (``order_dto`` applies it)."""
from __future__ import annotations

from typing import Any

from ... import dto as d
from .... import models as m
from ....commerce import aftersales as a
from ....commerce.carts import Carts
from .catalog import price_dto


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def decorate_order(carts: Carts, order: m.Order, dto: d.Dto, lang: str) -> d.Dto:
    """``cancellable``, ``returnable``, the delivery status and each entry's cancellable,
    returnable, cancelled and returned quantities and prices (OMS's order populators)."""
    state = carts.state
    status = a.delivery_status(state, order)
    dto.update(cancellable=a.is_cancellable(state, order),
               returnable=a.is_returnable(state, order), deliveryStatus=status,
               deliveryStatusDisplay=status.lower() if status else None)
    entries = {e.entryNumber: e for e in order.entries}
    for entry_dto in dto.get("entries") or []:
        entry = entries.get(entry_dto.get("entryNumber"))
        if entry is not None:
            _entry(carts, order, entry, entry_dto, lang)
    consignments = {c.code: c for c in a.consignments_of(state, order)}
    for consignment_dto in dto.get("consignments") or []:
        consignment = consignments.get(consignment_dto.get("code"))
        if consignment is None:
            continue
        consignment_dto.update(trackingID=consignment.trackingID,
                               shippingDate=_iso(consignment.shippingDate),
                               statusDate=_iso(consignment.statusDate or consignment.created))
        delivered = consignment.status in a.DELIVERED
        for item in consignment_dto.get("entries") or []:
            entry = entries.get((item.get("orderEntry") or {}).get("entryNumber"))
            if entry is None:
                continue
            _entry(carts, order, entry, item["orderEntry"], lang)
            shipped = entry.quantity if delivered else 0
            item.update(quantity=entry.quantity, shippedQuantity=shipped, quantityShipped=shipped,
                        quantityPending=entry.quantity - shipped, quantityDeclined=0)
    return dto


def _entry(carts: Carts, order: m.Order, entry: m.OrderEntry, dto: d.Dto, lang: str) -> None:
    s = a.entry_state(carts.state, order, entry)
    dto.update(cancellableQuantity=s.cancellable, returnableQuantity=s.returnable,
               cancelledItemsPrice=price_dto(carts.catalog, s.cancelled_price, carts.currency, lang),
               returnedItemsPrice=price_dto(carts.catalog, s.returned_price, carts.currency, lang),
               quantityCancelled=s.cancelled, quantityReturned=s.returned,
               quantityShipped=s.shipped, quantityPending=entry.quantity - s.shipped,
               quantityAllocated=entry.quantity, quantityUnallocated=0)


