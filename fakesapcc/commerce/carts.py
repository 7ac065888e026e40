"""Carts: creation, lookup, entries with stock checks, merge and restore, delivery, vouchers and
totals, with SAP's errors (occ-api.md §2.3 and §4).

Tax is a flat rate (property ``fakesapcc.tax.rate``, default 0.10): a gross store's prices
include it (``totalTax`` is the included part), a net store adds it on top.
"""
from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from datetime import datetime, timezone

from .. import models as m
from ..clock import Clock
from ..config import Config
from ..errors import ApiError, validation_error
from ..db import Db, uid_key
from .addressbook import address_from
from .catalog import CatalogService, StockInfo
from .wallet import Wallet
from .money import round_amount
from .promotions import Outcome, Promotions
from .coupons import CustomerCoupons
from ..models import promotions as mp

ANONYMOUS = "anonymous"
EARLIEST = datetime.min.replace(tzinfo=timezone.utc)  # the server's times are aware (UTC)
CART_CODE_START = 1000


def cart_not_found(cart_id: str) -> ApiError:
    return ApiError(400, "CartError", "Cart not found.", reason="notFound", subject=cart_id,
                    subject_type="cart")


def entry_not_found(number: int | str) -> ApiError:
    return ApiError(400, "CartEntryError", "Entry not found", reason="notFound",
                    subject=str(number), subject_type="entry")


def product_not_found(code: str) -> ApiError:
    return ApiError(400, "UnknownIdentifierError", f"Product with code '{code}' not found!")


def cart_error(message: str, reason: str | None = None, subject: str | None = None) -> ApiError:
    """SAP's CartException: its subjectType is always ``cart``."""
    return ApiError(400, "CartError", message, reason=reason, subject=subject, subject_type="cart")


def voucher_error(message: str) -> ApiError:
    """SAP's VoucherOperationException is no webservice exception: type and message only,
    the message being the coupon service's key (``coupon.invalid.code.provided`` …)."""
    return ApiError(400, "VoucherOperationError", message)


def out_of_stock(product_code: str, message: str, entry_number: int | None = None) -> ApiError:
    """SAP's LowStockException (an existing entry: subject the entry number) or
    ProductLowStockException (a new entry: subject the product code)."""
    if entry_number is None:
        return ApiError(400, "InsufficientStockError", message, reason="noStock",
                        subject=product_code, subject_type="product")
    return ApiError(400, "InsufficientStockError", message, reason="noStock",
                    subject=str(entry_number), subject_type="entry")


def cannot_ship(product_code: str, entry_number: int | None = None) -> ApiError:
    return out_of_stock(product_code,
                        f"Product [{product_code}] cannot be shipped - out of stock online",
                        entry_number)


def not_in_store(product_code: str, entry_number: int | None = None) -> ApiError:
    return out_of_stock(product_code, f"Product [{product_code}] is currently out of stock",
                        entry_number)


@dataclass(frozen=True)
class Totals:
    subTotal: float
    deliveryCost: float | None
    orderDiscounts: float
    productDiscounts: float
    totalDiscounts: float
    totalPrice: float
    totalTax: float
    totalPriceWithTax: float
    totalItems: int
    totalUnitCount: int
    pickupItemsQuantity: int
    deliveryItemsQuantity: int
    promotions: dict = field(default_factory=dict)  # Outcome.as_dict(): what fired

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class CartModification:
    """SAP's CartModification."""

    statusCode: str  # success | lowStock | noStock | unavailable
    quantityAdded: int
    quantity: int
    entry: m.OrderEntry | None
    deliveryModeChanged: bool = False
    statusMessage: str | None = None


class Carts:
    """Cart operations for one base site and session currency."""

    def __init__(self, db: Db, clock: Clock, config: Config, site: m.BaseSite,
                 base_store: m.BaseStore | None, currency: str) -> None:
        self.db = db
        self.state = db.state
        self.clock = clock
        self.config = config
        self.site = site
        self.base_store = base_store
        self.currency = currency
        self.catalog = CatalogService(db, base_store)

    # -- lookup ------------------------------------------------------------------------------

    def carts_of(self, user_uid: str, saved: bool | None = None) -> list[m.Cart]:
        key = uid_key(user_uid)
        now = self.clock.now()
        carts = [c for c in self.state.carts.values()
                 if uid_key(c.user) == key and c.site == self.site.uid
                 and (saved is None or (c.saveTime is not None) == saved)
                 and not self.expired(c, now)]
        return sorted(carts, key=lambda c: c.modified or c.created or EARLIEST, reverse=True)

    def find(self, user: m.User | None, cart_id: str) -> m.Cart:
        """SAP's cart loader (DefaultCartLoaderStrategy): ``current`` is the user's last-modified
        open cart; a user's cart by its code; the anonymous user's cart — or a guest's, after
        the guest checkout e-mail — by its guid. Anything else is "not found", also a cart that
        exists but is someone else's."""
        if user is None:
            cart = self.db.cart(cart_id)
            if cart is None or cart.guid != cart_id or cart.site != self.site.uid \
                    or not self.is_anonymous_or_guest_cart(cart):
                raise cart_not_found(cart_id)
            return cart
        if cart_id == "current":
            carts = [c for c in self.carts_of(user.uid) if c.saveTime is None]
            if not carts:
                raise cart_error("No cart created yet.", reason="notFound")
            return carts[0]
        cart = self.state.carts.get(cart_id)
        if cart is None or cart.site != self.site.uid or uid_key(cart.user) != uid_key(user.uid) \
                or self.expired(cart, self.clock.now()):
            raise cart_not_found(cart_id)
        return cart

    @staticmethod
    def expired(cart: m.Cart, now: datetime) -> bool:
        """A saved cart past its expiration time: SAP's cleanup job has removed it."""
        return cart.saveTime is not None and cart.expirationTime is not None \
            and cart.expirationTime <= now

    def is_anonymous_or_guest_cart(self, cart: m.Cart) -> bool:
        if cart.user == ANONYMOUS:
            return True
        owner = self.db.principal(cart.user)
        return isinstance(owner, m.Customer) and owner.type == "GUEST"

    # -- creation ----------------------------------------------------------------------------

    def new_cart(self, user_uid: str, placed_by: str | None = None) -> m.Cart:
        now = self.clock.now()
        cart = m.Cart(
            code=self.db.next_code("cart", CART_CODE_START), guid=uuid.uuid4().hex,
            user=user_uid, site=self.site.uid,
            store=self.base_store.uid if self.base_store else "", currency=self.currency,
            net=self.base_store.net if self.base_store else False, created=now, modified=now,
            placedBy=placed_by)
        return self.db.add_cart(cart)

    def create(self, user: m.User | None, old_cart_id: str | None,
               to_merge_guid: str | None, placed_by: str | None = None) -> m.Cart:
        """``POST …/carts`` with SAP's restore and merge rules (CartsController.createCart)."""
        if user is None:
            if old_cart_id:
                raise cart_error("Anonymous user is not allowed to copy cart!")
            return self.new_cart(ANONYMOUS, placed_by)
        if not old_cart_id:
            if to_merge_guid:
                return self._merge_target(user, to_merge_guid)
            return self.new_cart(user.uid, placed_by)
        old = self.db.cart(old_cart_id)
        if old is None or old.user != ANONYMOUS or old.guid != old_cart_id or old.site != self.site.uid:
            raise cart_error("Cart is not anonymous", "cannotRestore", old_cart_id)
        if to_merge_guid:
            target = self._merge_target(user, to_merge_guid)
            self.merge(old, target)
            return target
        # restore: the anonymous cart becomes the user's cart
        old.user = user.uid
        old.modified = self.clock.now()
        old.placedBy = old.placedBy or placed_by
        return old

    def remove(self, cart: m.Cart) -> None:
        """The cart is gone, with the payment details it had not saved."""
        self.db.remove_cart(cart.code)
        info = self.state.payment_infos.get(cart.paymentInfo or "")
        if info is not None and not info.saved:
            del self.state.payment_infos[info.id]

    def assign_guest(self, cart: m.Cart, guest: m.Customer) -> None:
        """Guest checkout: the anonymous cart (and its delivery address) become the guest's."""
        cart.user = guest.uid
        cart.guestEmail = guest.originalUid
        address = self.state.addresses.get(cart.deliveryAddress or -1)
        if address is not None and address.owner == ANONYMOUS:
            address.owner = guest.uid

    def _merge_target(self, user: m.User, guid: str) -> m.Cart:
        target = self.db.cart(guid)
        if target is None or uid_key(target.user) != uid_key(user.uid) or target.guid != guid \
                or target.site != self.site.uid:
            raise cart_error("Cart is not current user's cart", "cannotRestore", guid)
        return target

    def merge(self, source: m.Cart, target: m.Cart) -> None:
        """Move the anonymous cart's entries into the user's cart (quantities capped at stock);
        the anonymous cart is removed."""
        for entry in source.entries:
            self.add_entry(target, entry.product, entry.quantity, entry.deliveryPointOfService,
                           cap_silently=True)
        if source.appliedVouchers and not target.appliedVouchers:
            target.appliedVouchers = list(source.appliedVouchers)
        self.db.remove_cart(source.code)
        target.modified = self.clock.now()

    # -- entries -----------------------------------------------------------------------------

    def product(self, code: str | None) -> m.Product:
        if not code:
            raise validation_error("product.code", "This field is required.", "missing")
        product = self.catalog.product(code)
        if product is None:
            raise product_not_found(code)
        return product

    def point_of_service(self, name: str | None, subject: str = "entry") -> m.PointOfService | None:
        """A pickup store by name; unknown → ValidationError on ``subject`` (``entry`` for a JSON
        body, ``pickupStore`` for the form parameter, as SAP's validators name it)."""
        if not name:
            return None
        pos = self.state.points_of_service.get(name)
        if pos is None:
            raise ApiError(400, "ValidationError", "Store with given name doesn't exist",
                           reason="invalid", subject=subject, subject_type="parameter")
        return pos

    def _stock(self, product_code: str, pos: m.PointOfService | None) -> StockInfo:
        return self.catalog.stock(product_code, pos.warehouses if pos is not None else None)

    def _in_cart(self, cart: m.Cart, product_code: str, pos_name: str | None,
                 skip: m.OrderEntry | None = None) -> int:
        return sum(e.quantity for e in cart.entries if e.product == product_code
                   and e.deliveryPointOfService == pos_name and e is not skip)

    def add_entry(self, cart: m.Cart, product_code: str | None, quantity: int | None,
                  pos_name: str | None = None, cap_silently: bool = False) -> CartModification:
        """Add to the cart as SAP does: a product out of stock (online, or in the pickup store)
        is refused; otherwise the quantity is capped at the free stock (statusCode
        ``lowStock``, or ``noStock`` when nothing more can be added). The modification's
        ``quantity`` is the quantity asked for."""
        if quantity is None:
            quantity = 1
        if quantity <= 0:
            raise validation_error("quantity", "This field must be greater than 0.")
        product = self.product(product_code)
        pos = self.point_of_service(pos_name)
        if not product.purchasable:
            return CartModification("unavailable", 0, quantity, None,
                                statusMessage="Product is not purchasable")
        price = self.catalog.price(product.code, self.currency)
        if price is None:
            return CartModification("unavailable", 0, quantity, None,
                                statusMessage="Product has no price in the session currency")
        stock = self._stock(product.code, pos)
        if stock.status == "outOfStock" and not cap_silently:
            raise not_in_store(product.code) if pos is not None else cannot_ship(product.code)
        pos_key = pos.name if pos is not None else None
        entry = next((e for e in cart.entries if e.product == product.code
                      and e.deliveryPointOfService == pos_key), None)
        already = self._in_cart(cart, product.code, pos_key)
        addable = quantity if stock.level is None else max(min(quantity, stock.level - already), 0)
        if addable == 0:
            return CartModification("noStock", 0, quantity, entry)
        if entry is None:
            entry = m.OrderEntry(len(cart.entries), product.code, 0, price, pos_key)
            cart.entries.append(entry)
        entry.quantity += addable
        cart.modified = self.clock.now()
        return CartModification("success" if addable == quantity else "lowStock", addable, quantity,
                            entry)

    def entry(self, cart: m.Cart, number: int | str) -> m.OrderEntry:
        try:
            index = int(number)
        except (TypeError, ValueError):
            raise entry_not_found(number) from None
        if index < 0 or index >= len(cart.entries):
            raise entry_not_found(number)
        return cart.entries[index]

    def update_entry(self, cart: m.Cart, number: int | str, quantity: int | None,
                     pos_name: str | None = None, replace: bool = False,
                     pos_subject: str = "entry") -> CartModification:
        """SAP's updateCartEntryInternal: a new pickup store is checked for stock there; a
        replace (PUT) without one moves a pickup entry back to shipping, checked for stock
        online; then the quantity: 0 removes the entry, more than the free stock is capped
        (``lowStock``)."""
        entry = self.entry(cart, number)
        # everything is checked before the entry changes: a refused update changes nothing
        pos_key = entry.deliveryPointOfService
        if pos_name:
            if entry.deliveryPointOfService != pos_name:
                pos = self.point_of_service(pos_name, pos_subject)
                if self._stock(entry.product, pos).status == "outOfStock":
                    raise not_in_store(entry.product, entry.entryNumber)
                pos_key = pos.name if pos is not None else None
        elif replace and entry.deliveryPointOfService is not None:
            if self._stock(entry.product, None).status == "outOfStock":
                raise cannot_ship(entry.product, entry.entryNumber)
            pos_key = None
        if quantity is not None and quantity < 0:
            raise validation_error("quantity", "This field must be greater than 0.")
        allowed = 0
        if quantity:
            pos = self.state.points_of_service.get(pos_key or "")
            available = self._stock(entry.product, pos).level
            other = self._in_cart(cart, entry.product, pos_key, skip=entry)
            allowed = quantity if available is None else max(min(quantity, available - other), 0)
            if allowed == 0:
                raise not_in_store(entry.product, entry.entryNumber)
        entry.deliveryPointOfService = pos_key
        cart.modified = self.clock.now()
        if quantity is None:
            return CartModification("success", 0, entry.quantity, entry)
        if quantity == 0:
            self.remove_entry(cart, entry.entryNumber)
            return CartModification("success", -entry.quantity, 0, entry)
        added = allowed - entry.quantity
        entry.quantity = allowed
        return CartModification("success" if allowed == quantity else "lowStock", added, quantity,
                            entry)

    def shortfalls(self, cart: m.Cart) -> list[tuple[m.OrderEntry, int]]:
        """The entries whose store (or online stock) has fewer free units than they ask for,
        with what is free."""
        result = []
        for entry in cart.entries:
            pos = self.state.points_of_service.get(entry.deliveryPointOfService or "")
            available = self.catalog.available(entry.product, pos.warehouses if pos else None)
            if available is not None and available < entry.quantity:
                result.append((entry, max(available, 0)))
        return result

    def validate(self, cart: m.Cart) -> list[CartModification]:
        """SAP's cart validation: an entry that cannot be delivered in full is reduced
        (``lowStock``) or removed (``noStock``)."""
        mods = []
        for entry, available in self.shortfalls(cart):
            wanted = entry.quantity
            if available:
                entry.quantity = available
            else:
                self.remove_entry(cart, entry.entryNumber)
            mods.append(CartModification("lowStock" if available else "noStock",
                                         available - wanted, available, entry))
        return mods

    def remove_entry(self, cart: m.Cart, number: int | str) -> None:
        entry = self.entry(cart, number)
        cart.entries.remove(entry)
        for index, e in enumerate(cart.entries):
            e.entryNumber = index
        cart.modified = self.clock.now()

    # -- delivery ----------------------------------------------------------------------------

    def zone_value(self, mode: m.DeliveryMode, country: str | None) -> float | None:
        """The delivery cost of a zone delivery mode to a country in the session currency, or
        None if the mode does not deliver there."""
        zones = {z.code for z in self.state.zones.values() if country in z.countries}
        values = [v for v in self.state.zone_delivery_values.values()
                  if v.deliveryMode == mode.code and v.zone in zones]
        for v in values:
            if v.currency == self.currency:
                return v.value
        for v in values:
            source = self.state.currencies.get(v.currency)
            target = self.state.currencies.get(self.currency)
            if source and target and source.conversion:
                return v.value / source.conversion * target.conversion
        return None

    def supported_delivery_modes(self, cart: m.Cart) -> list[m.DeliveryMode]:
        """The delivery modes for the cart's delivery address (none without an address); a
        cart with only pickup entries gets the pickup mode."""
        modes = [self.state.delivery_modes[c] for c in (self.base_store.deliveryModes if self.base_store else [])
                 if c in self.state.delivery_modes and self.state.delivery_modes[c].active]
        if cart.entries and all(e.deliveryPointOfService for e in cart.entries):
            return [x for x in modes if x.kind == "PickUpDeliveryMode"]
        address = self.state.addresses.get(cart.deliveryAddress or -1)
        if address is None:
            return []
        return [x for x in modes if x.kind != "PickUpDeliveryMode"
                and self.zone_value(x, address.country) is not None]

    def delivery_cost_of(self, mode: m.DeliveryMode, cart: m.Cart) -> float:
        if mode.kind == "PickUpDeliveryMode":
            return 0.0
        address = self.state.addresses.get(cart.deliveryAddress or -1)
        value = self.zone_value(mode, address.country if address else None)
        return value or 0.0

    def set_delivery_mode(self, cart: m.Cart, code: str | None) -> None:
        if not code:
            raise ApiError(400, "MissingServletRequestParameterError",
                           "Required String parameter 'deliveryModeId' is not present")
        supported = {x.code for x in self.supported_delivery_modes(cart)}
        if code not in supported:
            raise ApiError(400, "UnsupportedDeliveryModeError",
                           f"Delivery Mode [{code}] is not supported for the current cart")
        cart.deliveryMode = code
        cart.modified = self.clock.now()

    def check_delivery_address(self, address: m.Address) -> None:
        """The base store must deliver to the address's country."""
        store = self.base_store
        if store and store.deliveryCountries and address.country not in store.deliveryCountries:
            raise ApiError(400, "CartAddressError", "Address given by id " + str(address.pk)
                           + " is not valid", reason="notValid", subject=str(address.pk),
                           subject_type="address")

    def set_delivery_address(self, cart: m.Cart, address: m.Address) -> None:
        self.check_delivery_address(address)
        cart.deliveryAddress = address.pk
        if cart.deliveryMode and cart.deliveryMode not in {
                x.code for x in self.supported_delivery_modes(cart)}:
            cart.deliveryMode = None
        cart.modified = self.clock.now()

    def clear_delivery_mode(self, cart: m.Cart) -> None:
        cart.deliveryMode = None

    def clear_delivery_address(self, cart: m.Cart) -> None:
        """No delivery address, and so no delivery mode."""
        cart.deliveryAddress = None
        cart.deliveryMode = None

    def owned_address(self, cart: m.Cart, address_id: str) -> m.Address:
        """An address of the cart's user, by id; another → 400 CartAddressError ``notValid``."""
        try:
            address = self.state.addresses.get(int(address_id))
        except ValueError:
            address = None
        owner = self.db.principal(cart.user)
        if address is None or not isinstance(owner, m.User) or address.owner is None \
                or uid_key(address.owner) != uid_key(owner.uid):
            raise ApiError(400, "CartAddressError",
                           f"Address given by id {address_id} is not valid", reason="notValid",
                           subject=address_id, subject_type="address")
        return address

    def new_delivery_address(self, cart: m.Cart, data: Mapping[str, Any]) -> m.Address:
        """A new address (validated Address data) as the cart's delivery address: in the
        address book of a registered user unless ``visibleInAddressBook`` is false. A country
        the store does not deliver to is refused before anything is stored."""
        draft = address_from(data, cart.user, self.state.next_pk)
        self.check_delivery_address(draft)
        address = address_from(data, cart.user, self.db.new_pk)
        visible = data.get("visibleInAddressBook")
        address.visibleInAddressBook = cart.user != ANONYMOUS if visible is None else visible
        self.state.addresses[address.pk] = address
        self.set_delivery_address(cart, address)
        return address

    # -- payment -----------------------------------------------------------------------------

    def is_guest_cart(self, cart: m.Cart) -> bool:
        owner = self.db.principal(cart.user)
        return isinstance(owner, m.Customer) and owner.guest

    def pay_with_new_card(self, cart: m.Cart, data: Mapping[str, Any]) -> m.PaymentInfo:
        """New payment details (validated PaymentDetails data) for the cart: saved in the
        user's wallet unless the user is anonymous or a guest."""
        keep = cart.user != ANONYMOUS and not self.is_guest_cart(cart)
        info = Wallet(self.db, cart.user).add(data, keep=keep)
        cart.paymentInfo = info.id
        cart.modified = self.clock.now()
        return info

    def pay_with(self, cart: m.Cart, payment_id: str) -> None:
        """Saved payment details of the cart's user."""
        info = self.state.payment_infos.get(payment_id)
        if info is None or info.deleted or uid_key(info.user) != uid_key(cart.user):
            raise ApiError(400, "UnknownIdentifierError",
                           f"Payment details [{payment_id}] not found.")
        cart.paymentInfo = info.id

    def clear_payment(self, cart: m.Cart) -> None:
        cart.paymentInfo = None

    # -- vouchers ----------------------------------------------------------------------------

    def voucher(self, code: str | None) -> m.PromotionVoucher:
        voucher = next((v for v in self.state.vouchers.values()
                        if code and (v.voucherCode == code or v.code == code)), None)
        if voucher is None:
            raise voucher_error("coupon.invalid.code.provided")
        return voucher

    def redemptions(self, voucher: m.PromotionVoucher, user_uid: str | None = None) -> int:
        return sum(1 for o in self.state.orders.values() if voucher.code in o.appliedVouchers
                   and (user_uid is None or uid_key(o.user) == uid_key(user_uid)))

    def apply_voucher(self, cart: m.Cart, code: str | None) -> None:
        """SAP's coupon service: an unknown code, a code already in the cart, a code whose
        redemption limit (overall or per customer) is reached are refused with its keys."""
        if not code:
            raise ApiError(400, "MissingServletRequestParameterError",
                           "Required String parameter 'voucherId' is not present")
        coupon = self.coupon(code)
        if coupon is not None:
            self.apply_coupon(cart, coupon)
            return
        voucher = self.voucher(code)
        if voucher.code in cart.appliedVouchers:
            raise voucher_error("coupon.already.exists.cart")
        limit = voucher.redemptionQuantityLimit
        per_user = voucher.redemptionQuantityLimitPerUser
        if (limit is not None and self.redemptions(voucher) >= limit) or (
                per_user is not None and cart.user != ANONYMOUS
                and self.redemptions(voucher, cart.user) >= per_user):
            raise voucher_error("coupon.already.redeemed")
        cart.appliedVouchers.append(voucher.code)
        cart.modified = self.clock.now()

    def release_voucher(self, cart: m.Cart, code: str) -> None:
        """Release a voucher (or a customer coupon) from the cart; one that is not applied is
        left as it is."""
        coupon = self.coupon(code)
        found = coupon.couponId if coupon is not None else self.voucher(code).code
        if found in cart.appliedVouchers:
            cart.appliedVouchers.remove(found)
            cart.modified = self.clock.now()

    def enable_promotion(self, cart: m.Cart, code: str) -> None:
        """A trusted client enables an order-restricted promotion for the cart (SAP's
        PromotionOrderRestriction gets the cart)."""
        rule = self.restricted_promotion(code)
        if cart.code not in rule.orders:
            rule.orders.append(cart.code)
            cart.modified = self.clock.now()

    def disable_promotion(self, cart: m.Cart, code: str) -> None:
        rule = self.restricted_promotion(code)
        if cart.code in rule.orders:
            rule.orders.remove(cart.code)
            cart.modified = self.clock.now()

    def restricted_promotion(self, code: str) -> mp.PromotionRule:
        rule = self.promotions().rule(code)
        if rule is None:
            raise ApiError(400, "UnknownIdentifierError",
                           f"Promotion with code '{code}' not found")
        if not rule.orderRestricted:
            raise ApiError(400, "CommercePromotionRestrictionError",
                           f"Promotion {code} has no order restriction")
        return rule

    def coupon(self, code: str | None) -> mp.CustomerCoupon | None:
        return self.state.customer_coupons.get(code or "")

    def apply_coupon(self, cart: m.Cart, coupon: mp.CustomerCoupon) -> None:
        """A customer coupon: the cart's customer must hold it, valid and not used up."""
        if coupon.couponId in cart.appliedVouchers:
            raise voucher_error("coupon.already.exists.cart")
        user = self.state.principals.get(uid_key(cart.user))
        problem = (CustomerCoupons(self.db, self.clock, user).redeemable(coupon)
                   if isinstance(user, m.User) and cart.user != ANONYMOUS
                   else "coupon.already.redeemed")
        if problem:
            raise voucher_error(problem)
        cart.appliedVouchers.append(coupon.couponId)
        cart.modified = self.clock.now()

    def voucher_value(self, voucher: m.PromotionVoucher, subtotal: float) -> float:
        if voucher.currency is None:
            return subtotal * voucher.value / 100
        source = self.state.currencies.get(voucher.currency)
        target = self.state.currencies.get(self.currency)
        if voucher.currency == self.currency or not (source and target and source.conversion):
            return min(voucher.value, subtotal)
        return min(voucher.value / source.conversion * target.conversion, subtotal)

    # -- totals ------------------------------------------------------------------------------

    def tax_rate(self) -> float:
        try:
            rate = float(self.config.prop("fakesapcc.tax.rate", "0.10") or 0)
        except ValueError:
            return 0.10
        return rate if math.isfinite(rate) and rate > -1 else 0.10  # nan, inf: no rate

    def reprice(self, cart: m.Cart) -> Outcome:
        """Prices follow the session currency, as SAP recalculates a cart when it changes; the
        product promotions that fire take their discount off their entries' totals."""
        if cart.currency != self.currency:
            cart.currency = self.currency
        d = self.digits()
        for e in cart.entries:
            price = self.catalog.price(e.product, self.currency)
            if price is not None:
                e.basePrice = price
        outcome = self.promotions().evaluate(cart)
        for e in cart.entries:
            e.totalPrice = round_amount(e.basePrice * e.quantity
                                        - outcome.entry_discounts.get(e.entryNumber, 0.0), d)
        return outcome

    def promotions(self) -> Promotions:
        return Promotions(self.state, self.clock.now(), self.site, self.currency, self.catalog,
                          self.digits(), db=self.db)

    def digits(self) -> int:
        currency = self.state.currencies.get(self.currency)
        return currency.digits if currency else 2

    def totals(self, cart: m.AbstractOrder) -> Totals:
        outcome = self.reprice(cart) if isinstance(cart, m.Cart) else self.promotions().evaluate(cart)
        d = self.digits()
        subtotal = round_amount(sum(e.totalPrice for e in cart.entries), d)
        vouchers = [self.state.vouchers[c] for c in cart.appliedVouchers if c in self.state.vouchers]
        discounts = round_amount(sum(self.voucher_value(v, subtotal) for v in vouchers)
                                 + outcome.order_discount + cart.quoteDiscount, d)
        mode = self.state.delivery_modes.get(cart.deliveryMode or "")
        delivery = None
        if mode is not None:
            free = outcome.free_delivery or any(v.freeShipping for v in vouchers)
            delivery = 0.0 if free else round_amount(self.delivery_cost_of(mode, cart), d)
        total = round_amount(max(subtotal - discounts, 0) + (delivery or 0), d)
        rate = self.tax_rate()
        if cart.net:
            tax = round_amount(total * rate, d)
            with_tax = round_amount(total + tax, d)
        else:
            tax = round_amount(total * rate / (1 + rate), d)
            with_tax = total
        pickup = sum(e.quantity for e in cart.entries if e.deliveryPointOfService)
        units = sum(e.quantity for e in cart.entries)
        product_discounts = round_amount(outcome.product_discount, d)
        return Totals(subTotal=subtotal, deliveryCost=delivery, orderDiscounts=discounts,
                      productDiscounts=product_discounts,
                      totalDiscounts=round_amount(discounts + product_discounts, d),
                      totalPrice=total, totalTax=tax, totalPriceWithTax=with_tax,
                      totalItems=len(cart.entries), totalUnitCount=units,
                      pickupItemsQuantity=pickup, deliveryItemsQuantity=units - pickup,
                      promotions=outcome.as_dict())
