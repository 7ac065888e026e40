"""The default seed's after-sales history, which ImpEx cannot express (orders carry computed
totals and consignments): saved carts, a completed and returnable order, one with a return
request waiting for approval, one still cancellable, and a message center conversation waiting
for an agent — for customers of ``electronics-spa`` that the README lists. Built through the same services as the API, dated in the past; the
stock levels ImpEx loaded are today's, so these orders reserve none."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from .. import models as m
from ..clock import Clock
from ..config import Config
from ..db import Db
from .aftersales import AfterSales
from .carts import Carts
from .messagecenter import MessageCenter
from .orders import _freeze_copies
from .saved_carts import SavedCarts

SITE = "electronics-spa"
CURRENCY = "USD"
DELIVERY_MODE = "standard-gross"


@dataclass(frozen=True)
class SavedCartSeed:
    user: str
    name: str
    description: str
    entries: tuple[tuple[str, int], ...]
    days_ago: int


@dataclass(frozen=True)
class OrderSeed:
    user: str
    entries: tuple[tuple[str, int], ...]
    days_ago: int
    status: str  # COMPLETED | CREATED
    returned: tuple[tuple[int, int], ...] = ()  # a return request waiting for approval


SAVED_CARTS = (
    SavedCartSeed("giulia.rossi@example.it", "Holiday photo kit", "Camera and a spare battery",
                  (("1382080", 1), ("300938", 2)), 3),
    SavedCartSeed("giulia.rossi@example.it", "Office", "-", (("300938", 1),), 10),
    SavedCartSeed("carlos.garcia@example.com", "Wish list", "For my birthday",
                  (("1382080", 1),), 1),
)
ORDERS = (
    OrderSeed("giulia.rossi@example.it", (("300938", 1), ("1382080", 1)), 20, "COMPLETED"),
    OrderSeed("david.wilson@example.com", (("300938", 2),), 14, "COMPLETED", returned=((0, 1),)),
    OrderSeed("david.wilson@example.com", (("1382080", 1),), 1, "CREATED"),
)


def seed_after_sales(db: Db, clock: Clock, config: Config) -> None:
    """Add the after-sales history when the default seed has the site, its store and the
    customers (a project's own data without them gets none)."""
    state = db.state
    site = state.base_sites.get(SITE)
    store = state.base_stores.get(site.stores[0]) if site and site.stores else None
    if site is None or store is None:
        return
    carts = Carts(db, clock, config, site, store, CURRENCY)
    now = clock.now()
    for seed in SAVED_CARTS:
        cart = _cart(carts, seed.user, seed.entries)
        if cart is None:
            continue
        user = db.principal(seed.user)
        SavedCarts(carts).save(user, cart, seed.name, seed.description)  # type: ignore[arg-type]
        when = now - timedelta(days=seed.days_ago)
        cart.created = cart.modified = cart.saveTime = when
        if cart.expirationTime is not None:
            cart.expirationTime = when + (cart.expirationTime - now)
    for seed in ORDERS:
        _order(db, clock, config, carts, seed, now - timedelta(days=seed.days_ago))
    _conversation(db, clock, site)


CONVERSATION = ("giulia.rossi@example.it", "Can my order still be delivered to my office?", 2)


def _conversation(db: Db, clock: Clock, site: m.BaseSite) -> None:
    """An unassigned message center conversation, two days old."""
    uid, text, days_ago = CONVERSATION
    user = db.principal(uid)
    if not isinstance(user, m.Customer):
        return
    conversation = MessageCenter(db, clock, site, user, agent=False).send(None, [text])
    conversation.created = conversation.messages[0].sent = clock.now() - timedelta(days=days_ago)


def _cart(carts: Carts, user_uid: str, entries: tuple[tuple[str, int], ...]) -> m.Cart | None:
    user = carts.db.principal(user_uid)
    if not isinstance(user, m.Customer) or any(carts.catalog.product(p) is None for p, _ in entries):
        return None
    cart = carts.new_cart(user.uid)
    for product, quantity in entries:
        carts.add_entry(cart, product, quantity, None, cap_silently=True)
    return cart


def _order(db: Db, clock: Clock, config: Config, carts: Carts, seed: OrderSeed, when) -> None:
    cart = _cart(carts, seed.user, seed.entries)
    if cart is None:
        return
    user = db.principal(seed.user)
    cart.deliveryAddress = getattr(user, "defaultShipmentAddress", None)
    cart.deliveryMode = DELIVERY_MODE if DELIVERY_MODE in db.state.delivery_modes else None
    order = m.Order(
        code=cart.code, guid=uuid.uuid4().hex, user=cart.user, site=cart.site, store=cart.store,
        currency=cart.currency,
        entries=[m.OrderEntry(e.entryNumber, e.product, e.quantity, e.basePrice, None,
                              e.totalPrice) for e in cart.entries],
        deliveryAddress=cart.deliveryAddress, deliveryMode=cart.deliveryMode, net=cart.net,
        created=when, modified=when, status="CREATED", totals=carts.totals(cart).as_dict(),
        cartCode=cart.code)
    _freeze_copies(carts, order)
    warehouses = carts.catalog.online_warehouses()
    consignment = m.Consignment(code=f"cons{order.code}_0", order=order.code, status="READY",
                                entries=[e.entryNumber for e in order.entries],
                                warehouse=warehouses[0] if warehouses else None, created=when,
                                statusDate=when)
    db.state.consignments[consignment.code] = consignment
    order.consignments.append(consignment.code)
    db.add_order(order)
    db.remove_cart(cart.code)
    service = AfterSales(db, clock, config)
    if seed.status == "COMPLETED":
        service.fulfil(order)
        shipped = when + timedelta(days=1)
        consignment.shippingDate = consignment.statusDate = shipped
        order.modified = when + timedelta(days=3)
    if seed.returned:
        request = service.create_return(order, seed.returned)
        request.created = request.modified = when + timedelta(days=5)
