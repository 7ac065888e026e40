"""Orders in ImpEx: an ``Order`` with its ``OrderEntry`` rows (kept inside the order, as its
entries) and its ``Consignment`` rows. When a file has loaded, each order it touched is
settled: entry totals, its consignments, and the totals its columns did not give, summed from
the entries (docs/fidelity.md, "ImpEx")."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import models as m
from ..db import Db, State

COLLECTIONS = ("orders", "order_entries", "consignments")


def order_of(item: Any) -> str:
    """The code of the order an order, entry or consignment belongs to."""
    return getattr(item, "order", None) or item.code


def entries_of(state: State, fields: dict[str, Any]) -> list[m.OrderEntry]:
    order = state.orders.get(fields.get("order") or "")
    if order is None:
        return []
    return [e for e in order.entries if e.entryNumber == fields.get("entryNumber")]


def add(db: Db, collection: str, item: Any) -> str:
    """Store a new order, entry or consignment; the code of its order."""
    state = db.state
    if collection == "orders":
        db.add_order(item)
    elif collection == "order_entries":
        order = state.orders[item.order]
        order.entries = sorted([e for e in order.entries if e.entryNumber != item.entryNumber]
                               + [item], key=lambda e: e.entryNumber)
    else:
        state.consignments[item.code] = item
    return order_of(item)


def remove(state: State, collection: str, item: Any) -> str:
    if collection == "orders":
        state.orders.pop(item.code, None)
        state.order_guids.pop(item.guid, None)
    elif collection == "order_entries":
        order = state.orders.get(item.order or "")
        if order is not None:
            order.entries = [e for e in order.entries if e is not item]
    else:
        state.consignments.pop(item.code, None)
    return order_of(item)


def settle_all(state: State, codes: set[str], now: datetime,
               given: dict[str, set[str]]) -> None:
    """Settle the orders a file touched (``codes``), their consignments found in one pass."""
    consignments: dict[str, list[str]] = {}
    for consignment in state.consignments.values():
        if consignment.order in codes:
            consignments.setdefault(consignment.order, []).append(consignment.code)
    for code in sorted(codes):
        order = state.orders.get(code)
        if order is not None:
            settle(state, order, sorted(consignments.get(code, ())), now, given.get(code, set()))


def settle(state: State, order: m.Order, consignments: list[str], now: datetime,
           given: set[str]) -> None:
    """An order a data set wrote: its entries' totals, its consignments, and the totals its
    columns did not give (``given``), summed from the entries (no tax unless ``totalTax`` is
    given)."""
    for entry in order.entries:
        entry.order = order.code
        entry.totalPrice = round(entry.basePrice * entry.quantity, 2)
    order.consignments = consignments
    for code in order.consignments:
        consignment = state.consignments[code]
        consignment.entries = [int(x) for x in consignment.entries if str(x).strip().isdigit()]
        consignment.created = consignment.created or order.created or now
    order.created = order.created or now
    order.modified = order.modified or order.created
    t = order.totals

    def kept(name: str, computed: Any) -> Any:
        return t[name] if name in given else computed

    units = sum(e.quantity for e in order.entries)
    pickup = sum(e.quantity for e in order.entries if e.deliveryPointOfService)
    subtotal = kept("subTotal", round(sum(e.totalPrice for e in order.entries), 2))
    discounts = kept("totalDiscounts", 0.0)
    delivery = kept("deliveryCost", None)
    total = kept("totalPrice", round(max(subtotal - discounts, 0) + (delivery or 0), 2))
    tax = kept("totalTax", 0.0)
    with_tax = kept("totalPriceWithTax", round(total + tax, 2) if order.net else total)
    t.update(subTotal=subtotal, deliveryCost=delivery, orderDiscounts=discounts,
             productDiscounts=0.0, totalDiscounts=discounts, totalPrice=total, totalTax=tax,
             totalPriceWithTax=with_tax, totalItems=len(order.entries), totalUnitCount=units,
             pickupItemsQuantity=pickup, deliveryItemsQuantity=units - pickup)
