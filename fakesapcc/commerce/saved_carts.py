"""Saved carts (SAP's SaveCartFacade and its strategies): save with a name and a description,
restore, clone, flag for deletion; a saved cart expires ``commerceservices.saveCart.expiryTime.days``
after it was saved (SAP's cleanup job removes it; here it is gone from every lookup at that
moment on the server clock, and removed by the next write that passes)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from .. import models as m
from ..db import uid_key
from ..errors import ApiError
from .carts import ANONYMOUS, CART_CODE_START, Carts

EXPIRY_DAYS = "commerceservices.saveCart.expiryTime.days"
DEFAULT_EXPIRY_DAYS = 30
DEFAULT_DESCRIPTION = "-"


def save_cart_error(message: str) -> ApiError:
    """SAP's CommerceSaveCartException, rendered by class name."""
    return ApiError(400, "CommerceSaveCartError", message)


class SavedCarts:
    def __init__(self, carts: Carts) -> None:
        self.carts = carts
        self.db = carts.db
        self.clock = carts.clock

    def _expiry(self, now: datetime) -> datetime | None:
        days = self.carts.config.prop_int(EXPIRY_DAYS, DEFAULT_EXPIRY_DAYS)
        return now + timedelta(days=days) if days > 0 else None

    def owned(self, user: m.User | None, cart: m.Cart) -> m.Cart:
        """SAP's facade looks the cart up again by code for the current user: the anonymous
        user's carts (found by guid) are never found."""
        if user is None or cart.user == ANONYMOUS or uid_key(cart.user) != uid_key(user.uid):
            raise save_cart_error(f"Cannot find a cart for code [{cart.guid if user is None else cart.code}]")
        return cart

    def purge_expired(self) -> None:
        now = self.clock.now()
        for code in [c.code for c in self.db.state.carts.values() if Carts.expired(c, now)]:
            self.carts.remove(self.db.state.carts[code])

    def save(self, user: m.User | None, cart: m.Cart, name: str | None,
             description: str | None) -> m.Cart:
        self.owned(user, cart)
        self.purge_expired()
        now = self.clock.now()
        cart.saveTime = now
        cart.savedBy = user.uid  # type: ignore[union-attr]
        cart.expirationTime = self._expiry(now)
        cart.name = name.strip() if name and name.strip() else (cart.name or cart.code)
        cart.description = description.strip() if description and description.strip() \
            else (cart.description or DEFAULT_DESCRIPTION)
        cart.modified = now
        return cart

    def restore(self, user: m.User | None, cart: m.Cart) -> m.Cart:
        """The saved cart becomes the session cart: no longer saved, the latest modified (so
        ``current`` names it)."""
        self.owned(user, cart)
        cart.saveTime = None
        cart.savedBy = None
        cart.expirationTime = None
        cart.modified = self.clock.now()
        return cart

    def flag_for_deletion(self, user: m.User | None, cart: m.Cart) -> m.Cart:
        """The saved-cart attributes go; the cart is left to the old-cart removal like any
        other."""
        self.owned(user, cart)
        cart.saveTime = None
        cart.savedBy = None
        cart.expirationTime = None
        cart.name = None
        cart.description = None
        return cart

    def clone(self, user: m.User | None, cart: m.Cart, name: str | None,
              description: str | None) -> m.Cart:
        """A saved copy with a new code and guid: its entries, delivery address and mode, not
        its payment details or vouchers."""
        self.owned(user, cart)
        now = self.clock.now()
        clone = m.Cart(
            code=self.db.next_code("cart", CART_CODE_START), guid=uuid.uuid4().hex,
            user=cart.user, site=cart.site, store=cart.store, currency=cart.currency,
            entries=[m.OrderEntry(e.entryNumber, e.product, e.quantity, e.basePrice,
                                  e.deliveryPointOfService, e.totalPrice) for e in cart.entries],
            deliveryAddress=cart.deliveryAddress, deliveryMode=cart.deliveryMode, net=cart.net,
            name=cart.name, description=cart.description, created=now, modified=now,
            placedBy=cart.placedBy)
        self.db.add_cart(clone)
        return self.save(user, clone, name, description)
