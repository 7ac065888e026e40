"""Quotes, as commerceservices' quote process and b2bocc's QuoteHelper run them: a buyer turns a
cart into a quote (``BUYER_DRAFT``) and submits it; a seller (a sales employee in an assisted
service session with the buyer) edits the request, discounts it, gives it an expiry and submits
an offer — approved at once under the auto-approval threshold, otherwise by a seller approver;
the buyer accepts the offer (``CHECKOUT``) and orders the quote's cart (``BUYER_ORDERED``). An
offer expires on the server clock; a cancelled or expired quote may be quoted again.

Who acts is the quote user type (QuoteUserTypeIdentificationStrategy): an agent in
``salesapprovergroup`` is the seller approver, one in ``salesemployeegroup`` the seller, the
B2B customer the buyer. Each type sees a state of its own and may take the actions SAP's state
maps list for it there; any other action is ``IllegalQuoteStateError``."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

from .. import models as m
from ..clock import Clock
from ..config import Config
from ..db import Db, uid_key
from ..errors import ApiError
from ..models import b2b as mb
from .b2b_org import parse_date
from .carts import Carts

BUYER, SELLER, SELLER_APPROVER = "BUYER", "SELLER", "SELLERAPPROVER"
SELLER_GROUP, SELLER_APPROVER_GROUP = "salesemployeegroup", "salesapprovergroup"
CODE_START = 1000
DISCOUNT_TYPES = ("PERCENT", "ABSOLUTE", "TARGET")
THRESHOLD_PROPERTY = "commerceservices.quote.initiation.threshold"
AUTO_APPROVAL_PROPERTY = "commerceservices.quote.seller.auto.approval.threshold"
VALIDITY_PROPERTY = "commerceservices.quote.default.offer.validity.days"

#: the seller's side of a submitted quote, as the buyer sees it
_SELLER_SIDE = ("SELLER_REQUEST", "SELLER_DRAFT", "SELLER_SUBMITTED", "SELLERAPPROVER_PENDING",
                "SELLERAPPROVER_APPROVED", "SELLERAPPROVER_REJECTED")
#: the actions each user type may take in the state it sees (VIEW, SAVE, DISCOUNT, ORDER and
#: EXPIRED are SAP's too, but never listed in ``allowedActions``)
ACTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    BUYER: {"BUYER_DRAFT": ("EDIT", "SUBMIT", "CANCEL"),
            "BUYER_OFFER": ("EDIT", "CHECKOUT", "CANCEL"),
            "BUYER_ACCEPTED": ("CHECKOUT", "CANCEL"),
            "CANCELLED": ("REQUOTE",), "EXPIRED": ("REQUOTE",)},
    SELLER: {"SELLER_REQUEST": ("EDIT",), "SELLER_DRAFT": ("EDIT", "SUBMIT"),
             "SELLERAPPROVER_REJECTED": ("EDIT",)},
    SELLER_APPROVER: {"SELLERAPPROVER_PENDING": ("APPROVE", "REJECT")},
}
#: the states a seller or a seller approver never sees (the buyer's own draft)
_HIDDEN = {SELLER: ("BUYER_DRAFT",), SELLER_APPROVER: ("BUYER_DRAFT", "SELLER_REQUEST",
                                                        "SELLER_DRAFT")}
SORTS = ("byDate", "byCode", "byName", "byState")


def quote_error(message: str) -> ApiError:
    return ApiError(400, "QuoteError", message)


def not_found() -> ApiError:
    return quote_error("Quote not found")


def illegal_state(action: str, quote: mb.Quote, shown: str) -> ApiError:
    return ApiError(400, "IllegalQuoteStateError",
                    f"Action [{action}] is not allowed for quote code [{quote.code}] in quote "
                    f"state [{shown}] having version [{quote.version}].")


def argument_error(message: str) -> ApiError:
    return ApiError(400, "IllegalArgumentError", message)


def check_quote_cart(state: Any, cart: m.Cart) -> None:
    """A quote's cart is ordered only once its offer is accepted (``CHECKOUT``)."""
    quote = state.quotes.get(cart.quote or "")
    if quote is not None and quote.state != "BUYER_ACCEPTED":
        raise ApiError(400, "CartError", f"The cart of quote [{quote.code}] can be ordered only "
                       "once its offer is accepted", reason="invalid", subject=cart.code,
                       subject_type="cart")


def quote_ordered(state: Any, order: m.Order, now: datetime) -> None:
    quote = state.quotes.get(order.quote or "")
    if quote is not None:
        quote.state, quote.order, quote.updated = "BUYER_ORDERED", order.code, now
        quote.cart = ""


def priced_copy(cart: m.Cart) -> m.Cart:
    """A copy of a cart to price on a read (pricing a cart updates its entries)."""
    return dataclasses.replace(cart, entries=[dataclasses.replace(e) for e in cart.entries])


def _float(config: Config, name: str, default: float) -> float:
    raw = config.prop(name)
    try:
        return float(raw) if raw is not None and raw.strip() else default
    except ValueError:
        return default


class Quotes:
    """The quotes of one buyer, as one quote user acts on them."""

    def __init__(self, db: Db, clock: Clock, config: Config, carts: Carts, buyer: m.User | None,
                 actor: m.User | None, user_type: str | None) -> None:
        self.db = db
        self.state = db.state
        self.clock = clock
        self.config = config
        self.carts = carts
        self.buyer = buyer
        self.actor = actor  # who writes: the buyer, or the agent
        self.user_type = user_type

    # -- what each user sees ------------------------------------------------------------------

    def shown_state(self, quote: mb.Quote) -> str:
        if self.user_type == BUYER and quote.state in _SELLER_SIDE:
            return "BUYER_SUBMITTED"
        return quote.state

    def allowed(self, quote: mb.Quote) -> list[str]:
        return list(ACTIONS.get(self.user_type or "", {}).get(self.shown_state(quote), ()))

    def threshold(self) -> float:
        return _float(self.config, THRESHOLD_PROPERTY, 0.0)

    def visible(self, quote: mb.Quote) -> bool:
        return self.buyer is not None and uid_key(quote.user) == uid_key(self.buyer.uid) \
            and quote.site == self.carts.site.uid and self.user_type is not None \
            and quote.state not in _HIDDEN.get(self.user_type, ())

    def mine(self, sort: str | None) -> list[mb.Quote]:
        found = [q for q in self.state.quotes.values() if self.visible(q)]
        if sort == "byCode":
            return sorted(found, key=lambda q: q.code)
        if sort == "byName":
            return sorted(found, key=lambda q: ((q.name or "").lower(), q.code))
        if sort == "byState":
            return sorted(found, key=lambda q: (self.shown_state(q), q.code))
        return sorted(found, key=lambda q: (q.updated, q.code), reverse=True)

    def quote(self, code: str, missing: ApiError | None = None) -> mb.Quote:
        quote = self.state.quotes.get(code.strip())
        if quote is None or not self.visible(quote):
            raise missing or not_found()
        return quote

    def cart_of(self, quote: mb.Quote) -> m.Cart | None:
        return self.state.carts.get(quote.cart) if quote.cart else None

    def entries(self, quote: mb.Quote) -> tuple[list[m.OrderEntry], dict]:
        """The entries and totals the user sees: the live cart while its editor edits it, what
        was submitted otherwise."""
        cart = self.cart_of(quote)
        if cart is not None and (quote.state in ("BUYER_DRAFT", "SELLER_DRAFT")
                                 or not quote.entries):
            copy = priced_copy(cart)
            return copy.entries, self.carts.totals(copy).as_dict()
        return quote.entries, quote.totals

    # -- the actions --------------------------------------------------------------------------

    def _require(self, quote: mb.Quote, action: str) -> None:
        if action not in self.allowed(quote):
            raise illegal_state(action, quote, self.shown_state(quote))

    def _touch(self, quote: mb.Quote) -> None:
        quote.updated = self.clock.now()

    def _snapshot(self, quote: mb.Quote) -> None:
        cart = self.cart_of(quote)
        if cart is not None:
            quote.entries = [dataclasses.replace(e) for e in cart.entries]
            quote.totals = self.carts.totals(cart).as_dict()

    def create(self, cart: m.Cart) -> mb.Quote:
        """The cart becomes the quote's cart, without its vouchers (initiateQuote)."""
        if self.user_type == SELLER_APPROVER:
            raise ApiError(403, "ForbiddenError", "Access is denied")
        if not cart.entries:
            raise quote_error("Empty carts are not allowed")
        if cart.quote:
            raise quote_error(f"Cart [{cart.code}] is already the cart of quote [{cart.quote}]")
        self._check_stock(cart)
        now = self.clock.now()
        quote = mb.Quote(code=self.db.next_code("quote", CODE_START), user=cart.user,
                         site=cart.site, store=cart.store, cart=cart.code,
                         name=cart.name or None, description=cart.description,
                         created=now, updated=now)
        quote.name = quote.name or f"Quote {quote.code}"
        cart.appliedVouchers = []
        cart.quote = quote.code
        self.state.quotes[quote.code] = quote
        return quote

    def _check_stock(self, cart: m.Cart) -> None:
        for entry, available in self.carts.shortfalls(cart)[:1]:
            raise ApiError(400, "CartValidationError",
                           f"Product [{entry.product}] is currently out of stock",
                           reason="lowStock" if available else "noStock",
                           subject=str(entry.entryNumber), subject_type="entry")

    def requote(self, code: str) -> mb.Quote:
        """A new draft with the old quote's entries (not its comments or discount)."""
        if self.user_type == SELLER_APPROVER:
            raise ApiError(403, "ForbiddenError", "Access is denied")
        old = self.quote(code)
        self._require(old, "REQUOTE")
        cart = self.carts.new_cart(old.user)
        cart.entries = [dataclasses.replace(e) for e in old.entries]
        return self.create(cart)

    def edit(self, quote: mb.Quote) -> None:
        """enableQuoteEdit: the user's own draft again (an offer the buyer edits loses its
        discount; the seller's edit takes the request)."""
        self._require(quote, "EDIT")
        if self.user_type == BUYER and quote.state != "BUYER_DRAFT":
            quote.state, quote.version = "BUYER_DRAFT", quote.version + 1
            self._restore_cart(quote, discount=False)
        elif self.user_type == SELLER and quote.state != "SELLER_DRAFT":
            quote.state = "SELLER_DRAFT"
            self._restore_cart(quote, discount=True)
        self._touch(quote)

    def _restore_cart(self, quote: mb.Quote, discount: bool) -> None:
        cart = self.cart_of(quote)
        if cart is None:
            cart = self.carts.new_cart(quote.user)
            cart.quote, quote.cart = quote.code, cart.code
        if quote.entries:
            cart.entries = [dataclasses.replace(e) for e in quote.entries]
        if not discount:
            cart.quoteDiscount = 0.0
            quote.discountType = quote.discountRate = None
        cart.modified = self.clock.now()

    def submit(self, quote: mb.Quote) -> None:
        self._require(quote, "SUBMIT")
        cart = self.cart_of(quote)
        if cart is None or not cart.entries:
            raise quote_error("Empty carts are not allowed")
        self._check_stock(cart)
        totals = self.carts.totals(cart)
        quote.previousTotal = quote.totals.get("totalPrice") if quote.totals else None
        if self.user_type == BUYER:
            threshold = self.threshold()
            if totals.subTotal < threshold:
                raise quote_error(f"Quote does not meet the threshold of {threshold:g}")
            cart.appliedVouchers = []
            self._snapshot(quote)
            quote.state = "SELLER_REQUEST"
        else:
            self._snapshot(quote)
            if quote.expirationTime is None:
                quote.expirationTime = self.clock.now() + timedelta(
                    days=_float(self.config, VALIDITY_PROPERTY, 30.0))
            auto = _float(self.config, AUTO_APPROVAL_PROPERTY, 75000.0)
            quote.state = "BUYER_OFFER" if totals.totalPrice < auto else "SELLERAPPROVER_PENDING"
        quote.version += 1
        self._touch(quote)

    def approve(self, quote: mb.Quote) -> None:
        self._require(quote, "APPROVE")
        quote.state = "BUYER_OFFER"
        self._touch(quote)

    def reject(self, quote: mb.Quote) -> None:
        self._require(quote, "REJECT")
        quote.state = "SELLERAPPROVER_REJECTED"
        self._touch(quote)

    def cancel(self, quote: mb.Quote) -> None:
        self._require(quote, "CANCEL")
        cart = self.cart_of(quote)
        if cart is not None:
            self.db.remove_cart(cart.code)
        quote.state, quote.cart = "CANCELLED", ""
        self._touch(quote)

    def checkout(self, quote: mb.Quote) -> None:
        """acceptAndPrepareCheckout: the offer, discount and all, is in the quote's cart, which
        the buyer then orders as any B2B cart."""
        if "CHECKOUT" not in self.allowed(quote):
            raise quote_error(f"Action [CHECKOUT] is not allowed for quote code [{quote.code}]")
        self._restore_cart(quote, discount=True)
        quote.state = "BUYER_ACCEPTED"
        self._touch(quote)

    def perform(self, quote: mb.Quote, action: str) -> None:
        handlers = {"SUBMIT": self.submit, "CANCEL": self.cancel, "APPROVE": self.approve,
                    "REJECT": self.reject, "CHECKOUT": self.checkout, "EDIT": self.edit}
        handler = handlers.get(action.strip().upper())
        if handler is None:
            raise argument_error("Provided action not supported")
        handler(quote)

    # -- metadata, comments, discount -------------------------------------------------------

    def update_metadata(self, quote: mb.Quote, body: dict, replace: bool) -> None:
        """The buyer names and describes the quote, the seller sets its expiry (PATCH changes
        what is given; PUT replaces: a missing description is cleared, a missing expiry
        removed)."""
        if self.user_type == BUYER:
            if body.get("expirationTime") is not None:
                raise argument_error("User not allowed to change expiration date")
            if replace and body.get("name") is None:
                raise argument_error("Name is required." if body.get("description") is not None
                                     else "Please provide the fields you want to edit")
            self.edit(quote)
            if body.get("name") is not None:
                quote.name = body["name"]
            if body.get("description") is not None or replace:
                quote.description = body.get("description") or ""
        elif self.user_type == SELLER:
            if body.get("name") is not None or body.get("description") is not None:
                raise argument_error("User not allowed to change name or description")
            raw = body.get("expirationTime")
            expiry = parse_date(raw, "expirationTime") if raw is not None else None
            if expiry is not None and expiry <= self.clock.now():
                raise ApiError(400, "CommerceQuoteExpirationTimeError",
                               "Invalid quote expiration time: it must be in the future")
            self.edit(quote)
            if expiry is not None or replace:
                quote.expirationTime = expiry
        else:
            raise ApiError(403, "ForbiddenError", "Access is denied")
        self._touch(quote)

    def comment(self, quote: mb.Quote, text: str, entry_number: int | None = None) -> None:
        self.edit(quote)
        if entry_number is not None:
            entries, _ = self.entries(quote)
            if not any(e.entryNumber == entry_number for e in entries):
                raise quote_error("Quote entry not found")
        actor = self.actor.uid if self.actor else quote.user
        quote.comments.append(mb.QuoteComment(
            text=text, author=actor, fromCustomer=self.user_type == BUYER,
            date=self.clock.now(), entryNumber=entry_number))
        self._touch(quote)

    def discount(self, quote: mb.Quote, kind: str, rate: float) -> None:
        """The seller's discount, an amount off the quote's cart: PERCENT of its subtotal,
        ABSOLUTE, or TARGET (the total it should come to)."""
        if self.user_type != SELLER:
            raise ApiError(403, "ForbiddenError", "Access is denied")
        self.edit(quote)
        cart = self.cart_of(quote)
        assert cart is not None
        subtotal = sum(e.totalPrice for e in cart.entries)
        if kind == "PERCENT":
            ok, amount = 0 <= rate <= 100, subtotal * rate / 100
        elif kind == "ABSOLUTE":
            ok, amount = 0 <= rate <= subtotal, rate
        else:
            ok, amount = 0 <= rate <= subtotal, subtotal - rate
        if not ok:
            raise ApiError(400, "ValidationError", f"Discount rate [{rate:g}] is out of range "
                           f"for a {kind} discount on a subtotal of {subtotal:g}",
                           reason="invalid", subject="discountRate", subject_type="parameter")
        cart.quoteDiscount = round(amount, 2)
        cart.modified = self.clock.now()
        quote.discountType, quote.discountRate = kind, rate
        self._touch(quote)


class QuoteExpiry:
    """The quote expiry job: an offer past its expiration time is ``EXPIRED``; its cart goes."""

    def __init__(self, db: Db, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def _expired(self) -> list[mb.Quote]:
        now = self.clock.now()
        return [q for q in self.db.state.quotes.values()
                if q.state in ("BUYER_OFFER", "BUYER_ACCEPTED")
                and q.expirationTime is not None and q.expirationTime <= now]

    def due(self) -> bool:
        return bool(self._expired())

    def catch_up(self) -> None:
        for quote in self._expired():
            if quote.cart:
                self.db.remove_cart(quote.cart)
            quote.state, quote.cart, quote.updated = "EXPIRED", "", quote.expirationTime
