"""The B2C cart operations beyond the classic checkout (SAP 2211's later updates): the guest
user of a cart (created with or without an e-mail, its e-mail changed), one pickup store for
every pickup entry (the stores that have them all, and the move there), the requested
retrieval date, a billing address, SAP's payment option, and a signed access code for the
cart. Each works on a ``Carts`` of the request's site."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from .. import models as m
from ..errors import validation_error
from ..security.policy import forbidden
from .addressbook import address_from
from .carts import ANONYMOUS, CartModification, Carts
from .customers import Customers

ACCESS_CODE_VALIDITY = timedelta(minutes=30)
_SECRET = secrets.token_bytes(32)  # signs access codes; one per process


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class CheckoutExtras:
    def __init__(self, carts: Carts) -> None:
        self.carts = carts
        self.db = carts.db
        self.state = carts.state
        self.clock = carts.clock

    # -- the guest user of a cart -------------------------------------------------------------

    def _guest_of(self, cart: m.Cart) -> m.Customer | None:
        owner = self.db.principal(cart.user)
        return owner if isinstance(owner, m.Customer) and owner.guest else None

    def create_guest(self, cart: m.Cart, email: str | None) -> m.Customer:
        """A guest user for a cart of the anonymous user only: one that has a user (a
        registered one or a guest) is refused."""
        if cart.user != ANONYMOUS:
            raise forbidden()
        guest = Customers(self.db, self.clock).guest(email or "", None)
        self.carts.assign_guest(cart, guest)
        return guest

    def update_guest(self, cart: m.Cart, email: str | None) -> m.Customer:
        """The e-mail of a cart's guest user (after ``create_guest``); nothing else to change."""
        guest = self._guest_of(cart)
        if guest is None:
            raise forbidden()
        if email:
            guest = Customers(self.db, self.clock).guest(email, guest)
            cart.user = guest.uid
            cart.guestEmail = guest.originalUid
            cart.modified = self.clock.now()
        return guest

    def set_email(self, cart: m.Cart, email: str) -> m.Customer:
        """An e-mail for the cart: the anonymous user's cart gets a guest user with it, a
        guest's cart changes it; a registered customer's cart is refused."""
        if cart.user == ANONYMOUS:
            return self.create_guest(cart, email)
        return self.update_guest(cart, email)

    # -- one pickup store for every pickup entry -----------------------------------------------

    def _pickup_entries(self, cart: m.Cart) -> list[m.OrderEntry]:
        return [e for e in cart.entries if e.deliveryPointOfService]

    def pickup_options(self, cart: m.Cart) -> list[m.PointOfService]:
        """The stores of the base store that have every pickup entry in stock, by name; none
        when the pickup entries are already at one store (or there are none)."""
        entries = self._pickup_entries(cart)
        if len({e.deliveryPointOfService for e in entries}) <= 1:
            return []
        wanted: dict[str, int] = {}
        for e in entries:
            wanted[e.product] = wanted.get(e.product, 0) + e.quantity
        catalog = self.carts.catalog
        found = []
        for pos in sorted(catalog.stores_of_base_store(), key=lambda p: p.name):
            levels = {code: catalog.available(code, pos.warehouses) for code in wanted}
            if all(catalog.pos_stock(code, pos).status != "outOfStock"
                   and (levels[code] is None or levels[code] >= qty)
                   for code, qty in wanted.items()):
                found.append(pos)
        return found

    def consolidate(self, cart: m.Cart, store_name: str) -> list[CartModification]:
        """Every pickup entry to one store; what the store lacks is reduced (``lowStock``) or
        removed (``noStock``), as the modifications say."""
        pos = self.carts.point_of_service(store_name, "storeName")
        assert pos is not None
        catalog = self.carts.catalog
        mods: list[CartModification] = []
        taken: dict[str, int] = {}
        for entry in list(self._pickup_entries(cart)):
            available = catalog.available(entry.product, pos.warehouses)
            if catalog.pos_stock(entry.product, pos).status == "outOfStock":
                available = 0
            free = None if available is None else max(available - taken.get(entry.product, 0), 0)
            wanted = entry.quantity
            entry.deliveryPointOfService = pos.name
            if free is not None and free < wanted:
                if free:
                    entry.quantity = free
                else:
                    self.carts.remove_entry(cart, entry.entryNumber)
                mods.append(CartModification("lowStock" if free else "noStock", free - wanted,
                                             free, entry))
            taken[entry.product] = taken.get(entry.product, 0) + entry.quantity
        self._merge_same_products(cart)
        cart.modified = self.clock.now()
        return mods

    def _merge_same_products(self, cart: m.Cart) -> None:
        """Entries of one product at one store are one entry, as SAP keeps them."""
        seen: dict[tuple[str, str | None], m.OrderEntry] = {}
        for entry in list(cart.entries):
            key = (entry.product, entry.deliveryPointOfService)
            if key in seen and entry.deliveryPointOfService:
                seen[key].quantity += entry.quantity
                self.carts.remove_entry(cart, entry.entryNumber)
            else:
                seen[key] = entry

    # -- retrieval date, billing address, payment option --------------------------------------

    def set_retrieval_date(self, cart: m.Cart, value: str | None) -> None:
        """An ISO 8601 date or date-time (none clears it); not in the past of the server
        clock."""
        if not value:
            cart.requestedRetrievalAt = None
            return
        when = _parse_when(value)
        if when is None:
            raise validation_error("requestedRetrievalAt",
                                   f"The date [{value}] is not a valid ISO 8601 date.")
        now = self.clock.now()
        if when.tzinfo is None:
            when = when.replace(tzinfo=now.tzinfo or timezone.utc)
        if when.date() < now.date():
            raise validation_error("requestedRetrievalAt",
                                   "The requested retrieval date is in the past.")
        cart.requestedRetrievalAt = when
        cart.modified = now

    def set_billing_address(self, cart: m.Cart, data: Mapping[str, Any]) -> m.Address:
        """A new address (validated Address data) as the cart's billing address, replacing the
        one it had; not in the address book."""
        old = self.state.addresses.get(cart.billingAddress or -1)
        address = address_from(data, cart.user, self.db.new_pk)
        address.visibleInAddressBook = False
        address.billingAddress = True
        self.state.addresses[address.pk] = address
        if old is not None and not old.visibleInAddressBook:
            del self.state.addresses[old.pk]
        cart.billingAddress = address.pk
        cart.modified = self.clock.now()
        return address

    def set_payment_option(self, cart: m.Cart, option: str | None,
                           purchase_order: str | None) -> None:
        if not (option or "").strip() and not (purchase_order or "").strip():
            raise validation_error("sapPaymentOptionId", "This field is required.")
        if option is not None:
            cart.sapPaymentOptionId = option.strip() or None
        if purchase_order is not None:
            cart.purchaseOrderNumber = purchase_order.strip() or None
        cart.modified = self.clock.now()

    # -- the access code -----------------------------------------------------------------------

    def access_code(self, cart: m.Cart) -> str:
        """A payload naming the cart (its guid, its site, an expiry) and an HMAC-SHA256
        signature of it, ``<payload>.<signature>``, base64url; the latest is kept on the cart."""
        expires = self.clock.now() + ACCESS_CODE_VALIDITY
        payload = _b64(json.dumps({"cart": cart.guid, "site": cart.site,
                                   "exp": int(expires.timestamp()),
                                   "nonce": secrets.token_hex(8)}, separators=(",", ":")).encode())
        signature = _b64(hmac.new(_SECRET, payload.encode(), hashlib.sha256).digest())
        cart.accessCode = f"{payload}.{signature}"
        return cart.accessCode


def _parse_when(value: str) -> datetime | None:
    text = value.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.combine(date.fromisoformat(text), time())
    except ValueError:
        return None
