"""Placing orders: SAP's checks, the order with frozen totals, stock taken, and consignments —
``READY_FOR_PICKUP`` at the store for pickup entries, ``READY`` for shipping."""
from __future__ import annotations

import dataclasses

import uuid

from .. import models as m
from ..errors import ApiError, ApiErrors
from ..db import Db, uid_key
from .aftersales import AfterSales
from .carts import Carts
from .quotes import check_quote_cart, quote_ordered

ORDER_STATUSES = ("CREATED", "ON_VALIDATION", "COMPLETED", "CANCELLED", "CHECKED_VALID",
                  "CHECKED_INVALID", "PAYMENT_AUTHORIZED", "PAYMENT_NOT_AUTHORIZED",
                  "PAYMENT_CAPTURED", "READY", "PROCESSING", "PICKUP_COMPLETE", "SUSPENDED",
                  "WAIT_FRAUD_MANUAL_CHECK", "FRAUD_CHECKED", "ORDER_SPLIT", "CANCELLING",
                  "PENDING_APPROVAL", "REJECTED", "APPROVED")


def _cart_error(message: str) -> ApiError:
    """A global error of SAP's place-order validator, on the object it names ``sessionCart``."""
    return ApiError(400, "ValidationError", message, reason="invalid", subject="sessionCart",
                    subject_type="parameter")


def check_cart(carts: Carts, cart: m.Cart, b2b: bool = False) -> None:
    """SAP's place-order validation: every unmet requirement in one envelope — the delivery
    mode and the payment info (PlaceOrderCartValidator), and for B2B also the delivery address
    (B2BPlaceOrderCartValidator); then the stock of every entry."""
    if not cart.entries:
        raise _cart_error("Cart is empty")
    errors: list[ApiError] = []
    if cart.deliveryMode is None:
        errors.append(_cart_error("Delivery mode is not set"))
    if b2b and cart.deliveryAddress is None:
        errors.append(_cart_error("Delivery address is not set"))
    on_account = b2b and cart.paymentType == "ACCOUNT"
    if on_account and cart.costCenter is None:
        errors.append(_cart_error("Cost center is not set"))
    if cart.paymentInfo is None and not on_account:
        errors.append(_cart_error("Payment info is not set"))
    if errors:
        raise ApiErrors(400, errors)
    for entry, available in carts.shortfalls(cart)[:1]:
        raise ApiError(400, "InsufficientStockError",
                       f"Product [{entry.product}] is currently out of stock",
                       reason="lowStock" if available else "noStock",
                       subject=str(entry.entryNumber), subject_type="entry")


def place_order(carts: Carts, cart: m.Cart, placed_by: str | None = None,
                b2b: bool = False) -> m.Order:
    """Turn a checked cart into an order; the cart is gone afterwards."""
    check_cart(carts, cart, b2b)
    check_quote_cart(carts.state, cart)
    totals = carts.totals(cart)
    now = carts.clock.now()
    order = m.Order(
        code=cart.code, guid=uuid.uuid4().hex,  # SAP's order keeps its cart's code
        user=cart.user, site=cart.site, store=cart.store, currency=cart.currency,
        entries=[m.OrderEntry(e.entryNumber, e.product, e.quantity, e.basePrice,
                              e.deliveryPointOfService, e.totalPrice) for e in cart.entries],
        deliveryAddress=cart.deliveryAddress, deliveryMode=cart.deliveryMode,
        paymentInfo=cart.paymentInfo, appliedVouchers=list(cart.appliedVouchers), net=cart.net,
        name=cart.name, description=cart.description, created=now, modified=now,
        guestEmail=cart.guestEmail, placedBy=placed_by or cart.placedBy, status="CREATED",
        totals=totals.as_dict(), cartCode=cart.code, paymentType=cart.paymentType,
        purchaseOrderNumber=cart.purchaseOrderNumber, costCenter=cart.costCenter, unit=cart.unit,
        quote=cart.quote, quoteDiscount=cart.quoteDiscount)
    _freeze_copies(carts, order)
    _consign(carts, order)
    carts.db.add_order(order)
    carts.db.remove_cart(cart.code)
    AfterSales(carts.db, carts.clock, carts.config).schedule(order)
    quote_ordered(carts.state, order, now)
    return order


def _freeze_copies(carts: Carts, order: m.Order) -> None:
    """The order keeps its own copies of the delivery address and the payment details (owned by
    the order, as SAP clones them), so later edits of the address book or the wallet do not
    rewrite order history."""
    state, store = carts.state, carts.db

    def copy_address(pk: int | None) -> int | None:
        address = state.addresses.get(pk if pk is not None else -1)
        if address is None:
            return None
        clone = dataclasses.replace(address, pk=store.new_pk(), owner=order.code,
                                    ownerType="Order", visibleInAddressBook=False)
        state.addresses[clone.pk] = clone
        return clone.pk

    order.deliveryAddress = copy_address(order.deliveryAddress)
    info = state.payment_infos.get(order.paymentInfo or "")
    if info is not None:
        clone = dataclasses.replace(info, id=str(store.new_pk()), user=order.code, saved=False,
                                    defaultPayment=False, billingAddress=copy_address(info.billingAddress))
        state.payment_infos[clone.id] = clone
        order.paymentInfo = clone.id


def _consign(carts: Carts, order: m.Order) -> None:
    """One consignment per pickup store (READY_FOR_PICKUP) and one for shipping (READY);
    stock is taken from the warehouses that serve each."""
    groups: dict[str | None, list[m.OrderEntry]] = {}
    for entry in order.entries:
        groups.setdefault(entry.deliveryPointOfService, []).append(entry)
    for index, (pos_name, entries) in enumerate(sorted(groups.items(), key=lambda kv: kv[0] or "")):
        pos = carts.state.points_of_service.get(pos_name or "")
        warehouses = pos.warehouses if pos else carts.catalog.online_warehouses()
        for entry in entries:
            carts.catalog.reserve(entry.product, entry.quantity, warehouses)
        consignment = m.Consignment(
            code=f"cons{order.code}_{index}", order=order.code,
            status="READY_FOR_PICKUP" if pos else "READY",
            entries=[e.entryNumber for e in entries], deliveryPointOfService=pos_name,
            warehouse=warehouses[0] if warehouses else None, created=order.created)
        carts.state.consignments[consignment.code] = consignment
        order.consignments.append(consignment.code)


def find_order(db: Db, site: m.BaseSite, code: str) -> m.Order | None:
    """An order of the site by code or guid."""
    order = db.order(code)
    return order if order is not None and order.site == site.uid else None


def orders_of(carts: Carts, user_uid: str, statuses: list[str] | None = None) -> list[m.Order]:
    key = uid_key(user_uid)
    found = [o for o in carts.state.orders.values() if uid_key(o.user) == key
             and o.site == carts.site.uid and (not statuses or o.status in statuses)]
    return sorted(found, key=lambda o: (o.created, o.code), reverse=True)


def parse_statuses(text: str | None) -> list[str]:
    statuses = [s.strip() for s in (text or "").split(",") if s.strip()]
    bad = [s for s in statuses if s not in ORDER_STATUSES]
    if bad:
        raise ApiError(400, "ValidationError", f"Invalid order status: {bad[0]}",
                       reason="invalid", subject="statuses", subject_type="parameter")
    return statuses
