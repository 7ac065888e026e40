"""What a B2B buyer reads and keeps beside its organization, as b2bacceleratorfacades and
b2bcommerce do it: future stocks, order forms, a cart made from a past order (reorder), the
unit-level orders of its branch, and the registration requests of would-be organization users.

Input arrives validated by the API's schemas; the rules SAP's facades apply are here.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from .. import models as m
from ..clock import Clock
from ..db import Db, uid_key
from ..errors import ApiError
from ..models import b2b as mb
from ..security import policy
from .carts import CartModification, Carts
from .orders import parse_statuses


def unknown_product(code: str) -> ApiError:
    return ApiError(400, "UnknownIdentifierError", f"Product with code '{code}' not found!")


def validation(subject: str, message: str, reason: str = "invalid") -> ApiError:
    return ApiError(400, "ValidationError", message, reason=reason, subject=subject,
                    subject_type="parameter")


# -- future stocks -------------------------------------------------------------------------------


def future_stocks(db: Db, carts: Carts, codes: list[str]) -> dict[str, list[mb.FutureStock]]:
    """FutureStockFacade.getFutureAvailability: each product's future stocks by date; an
    unknown product (or an empty code) → 400 UnknownIdentifierError."""
    for code in codes:
        if carts.catalog.product(code) is None:
            raise unknown_product(code)
    wanted = set(codes)
    found: dict[str, list[mb.FutureStock]] = {c: [] for c in codes}
    for fs in db.state.future_stocks.values():
        if fs.productCode in wanted and fs.date is not None:
            found[fs.productCode].append(fs)
    for items in found.values():
        items.sort(key=lambda fs: fs.date)  # type: ignore[arg-type,return-value]
    return found


# -- order forms ---------------------------------------------------------------------------------


def order_form_not_found(code: str) -> ApiError:
    return ApiError(404, "NotFoundError", f"Order form with code [{code}] was not found")


class OrderForms:
    """One user's order forms on one site."""

    def __init__(self, db: Db, carts: Carts, user: m.User) -> None:
        self.db = db
        self.state = db.state
        self.carts = carts
        self.user = user
        self.site = carts.site.uid

    def all(self) -> list[mb.OrderForm]:
        key = uid_key(self.user.uid)
        return sorted((f for (site, _), f in self.state.order_forms.items()
                       if site == self.site and uid_key(f.user) == key), key=lambda f: f.code)

    def get(self, code: str) -> mb.OrderForm:
        found = self.state.order_forms.get((self.site, code))
        if found is None or uid_key(found.user) != uid_key(self.user.uid):
            raise order_form_not_found(code)
        return found

    def _entries(self, data: Any) -> list[mb.OrderFormEntry]:
        entries = []
        for n, entry in enumerate(data):
            sku, quantity = entry["sku"].strip(), entry.get("quantity")
            if self.carts.catalog.product(sku) is None:
                raise unknown_product(sku)
            if quantity is None or quantity < 1:
                raise validation(f"entries[{n}].quantity", "This field must be greater than 0.")
            entries.append(mb.OrderFormEntry(sku, quantity))
        return entries

    def _currency(self, data: Mapping[str, Any]) -> str | None:
        iso = ((data.get("currency") or {}).get("isocode") or "").strip()
        if iso and iso not in self.state.currencies:
            raise validation("currency.isocode", "This field is not valid.")
        return iso or None

    def create(self, data: Mapping[str, Any]) -> mb.OrderForm:
        code = data["code"].strip()
        currency = self._currency(data)
        if currency is None:
            raise validation("currency", "This field is required.", "missing")
        if (self.site, code) in self.state.order_forms:
            raise ApiError(400, "AlreadyExistsError",
                           f"Order form with code [{code}] already exists")
        form = mb.OrderForm(code=code, user=self.user.uid, site=self.site, currency=currency,
                            description=(data.get("description") or "").strip() or None,
                            entries=self._entries(data["entries"]))
        self.state.order_forms[(self.site, code)] = form
        return form

    def update(self, form: mb.OrderForm, data: Mapping[str, Any]) -> mb.OrderForm:
        """The sent properties over the form; sent entries replace its entries. Everything is
        checked before anything changes."""
        code = (data.get("code") or "").strip() or form.code
        if code != form.code and (self.site, code) in self.state.order_forms:
            raise ApiError(400, "AlreadyExistsError",
                           f"Order form with code [{code}] already exists")
        currency = self._currency(data)
        entries = self._entries(data["entries"]) if data.get("entries") is not None else None
        if code != form.code:
            del self.state.order_forms[(self.site, form.code)]
            form.code = code
            self.state.order_forms[(self.site, code)] = form
        if currency is not None:
            form.currency = currency
        if data.get("description") is not None:
            form.description = data["description"].strip() or None
        if entries is not None:
            form.entries = entries
        return form

    def delete(self, form: mb.OrderForm) -> None:
        del self.state.order_forms[(self.site, form.code)]

    def add_to_cart(self, form: mb.OrderForm) -> m.Cart:
        """The form's products into the user's current cart (a new one if it has none): a
        product already in the cart gets the form's quantity added."""
        open_carts = [c for c in self.carts.carts_of(self.user.uid) if c.saveTime is None]
        cart = open_carts[0] if open_carts else self.carts.new_cart(self.user.uid)
        for entry in form.entries:
            self.carts.add_entry(cart, entry.sku, entry.quantity, cap_silently=True)
        return cart


# -- reorder ---------------------------------------------------------------------------------


def cart_from_order(carts: Carts, user: m.User, order_code: str,
                    unknown: ApiError) -> tuple[m.Cart, list[CartModification]]:
    """DefaultB2BCheckoutFacade.createCartFromOrder: one of the user's own orders becomes its
    new current cart — its products and quantities, its payment type, purchase order number
    and cost center — then the cart is validated (validateCurrentCartData): the modifications
    are what could not be taken over as ordered (lowStock, noStock, unavailable)."""
    order = carts.state.orders.get(order_code)
    if order is None or order.site != carts.site.uid or uid_key(order.user) != uid_key(user.uid):
        raise unknown
    cart = carts.new_cart(user.uid)
    changes = []
    for entry in order.entries:
        if carts.catalog.product(entry.product) is None:
            changes.append(CartModification("unavailable", 0, entry.quantity, None,
                                            statusMessage="Product is no longer available"))
            continue
        mod = carts.add_entry(cart, entry.product, entry.quantity, cap_silently=True)
        if mod.statusCode != "success":
            changes.append(mod)
    cart.paymentType = getattr(order, "paymentType", None)
    cart.purchaseOrderNumber = getattr(order, "purchaseOrderNumber", None)
    if cart.paymentType == "ACCOUNT":
        cost_center = carts.state.b2b_cost_centers.get(getattr(order, "costCenter", None) or "")
        if cost_center is not None and cost_center.active:
            cart.costCenter, cart.unit = cost_center.code, cost_center.unit
    return cart, changes


# -- unit-level orders ---------------------------------------------------------------------------

FILTER_KEYS = ("user", "unit")
BRANCH_SORTS = {"byDate": "Date", "byOrderNumber": "Order Number",
                "byOrgUnitNameAsc": "Unit Name (ascending)",
                "byOrgUnitNameDesc": "Unit Name (descending)",
                "byOrgCustomerNameAsc": "Buyer Name (ascending)",
                "byOrgCustomerNameDesc": "Buyer Name (descending)"}


def parse_filters(text: str | None) -> dict[str, str]:
    """``::user:<value>:unit:<value>`` → {"user": …, "unit": …}; another key → 400."""
    parts = [p for p in (text or "").split(":") if p != ""]
    if len(parts) % 2:
        raise validation("filters", f"Invalid filters: {text}")
    found = {}
    for key, value in zip(parts[::2], parts[1::2]):
        if key not in FILTER_KEYS:
            raise validation("filters", f"Invalid filter key: {key}")
        found[key] = value
    return found


def _like(pattern: str, *values: str | None) -> bool:
    """SAP's free-text match: contains, case-insensitive, ``%`` a wildcard."""
    regex = ".*".join(re.escape(p) for p in pattern.lower().split("%"))
    return any(v and re.search(regex, v.lower()) for v in values)


class BranchOrders:
    """The orders of a B2B user's branch (its unit and the units below it): the right
    ``unitorderviewergroup`` reads them. Orders of a disabled unit are left out, except for
    an organization's administrator (SAP's note on unit-level orders)."""

    def __init__(self, db: Db, user: m.User | None) -> None:
        self.db = db
        self.user = user

    def _units(self) -> dict[str, m.B2BUnit]:
        admin = isinstance(self.user, m.B2BCustomer) \
            and "b2badmingroup" in {uid_key(g) for g in self.user.groups}
        return {uid_key(u.uid): u for u in policy.branch(self.db, self.user)
                if u.active or admin}

    def unit_of_order(self, order: m.Order) -> str | None:
        if order.unit:
            return order.unit
        owner = self.db.principal(order.user)
        unit = policy.unit_of(self.db, owner)
        return unit.uid if unit is not None else None

    def orders(self, site: str, statuses: str | None = None, filters: str | None = None,
               sort: str | None = None) -> list[m.Order]:
        wanted, facets = parse_statuses(statuses), parse_filters(filters)
        units = self._units()
        found = []
        for order in self.db.state.orders.values():
            unit_uid = self.unit_of_order(order)
            if order.site != site or unit_uid is None or uid_key(unit_uid) not in units \
                    or (wanted and order.status not in wanted):
                continue
            owner = self.db.principal(order.user)
            if "user" in facets and not _like(facets["user"], order.user,
                                                getattr(owner, "name", None)):
                continue
            unit = units[uid_key(unit_uid)]
            if "unit" in facets and not _like(facets["unit"], unit.uid, unit.name):
                continue
            found.append(order)
        return self._sorted(found, sort or "byDate")

    def _sorted(self, orders: list[m.Order], sort: str) -> list[m.Order]:
        newest = sorted(orders, key=lambda o: (o.created.isoformat() if o.created else "", o.code),
                        reverse=True)
        if sort == "byOrderNumber":
            return sorted(orders, key=lambda o: o.code, reverse=True)
        if sort.startswith("byOrgUnitName"):
            def unit_name(o: m.Order) -> str:
                unit = self.db.principal(self.unit_of_order(o) or "")
                return (getattr(unit, "name", None) or "").lower()
            return sorted(newest, key=unit_name, reverse=sort.endswith("Desc"))
        if sort.startswith("byOrgCustomerName"):
            def buyer(o: m.Order) -> str:
                return (getattr(self.db.principal(o.user), "name", None) or o.user).lower()
            return sorted(newest, key=buyer, reverse=sort.endswith("Desc"))
        return newest

    def order(self, site: str, code: str) -> m.Order:
        """B2BOrderFacade.getBranchOrderForCode: an order of the branch by code, else 400
        UnknownIdentifierError."""
        for order in self.orders(site):
            if order.code == code:
                return order
        raise ApiError(400, "UnknownIdentifierError",
                       f"Order with code {code} not found in the current user's branch")


# -- registration requests -------------------------------------------------------------------


class Registrations:
    """DefaultB2BRegistrationFacade.register: a request kept for the merchant, who approves it
    (a B2B customer in the chosen unit, active, a buyer) or rejects it with a reason."""

    def __init__(self, db: Db, clock: Clock) -> None:
        self.db = db
        self.state = db.state
        self.clock = clock

    def register(self, site: str, data: Mapping[str, Any]) -> mb.B2BRegistration:
        email = data["email"].strip().lower()
        if self.db.principal(email) is not None or any(
                r.email == email and r.status == "PENDING" for r in self.state.b2b_registrations.values()):
            raise ApiError(400, "AlreadyExistsError", f"User with email [{email}] already exists")
        title = (data.get("titleCode") or "").strip() or None
        if title is not None and title not in self.state.titles:
            raise validation("titleCode", "This field is not valid.")
        code = self.db.next_code("b2bregistration", 1)
        request = mb.B2BRegistration(
            code=code, site=site, email=email, firstName=data["firstName"].strip(),
            lastName=data["lastName"].strip(), titleCode=title,
            message=(data.get("message") or "").strip() or None, created=self.clock.now())
        self.state.b2b_registrations[code] = request
        return request

    def get(self, code: str) -> mb.B2BRegistration:
        found = self.state.b2b_registrations.get(code)
        if found is None:
            raise ApiError(404, "NotFoundError", f"Registration request [{code}] was not found")
        return found

    def decide(self, request: mb.B2BRegistration, approve: bool, unit_uid: str | None = None,
               reason: str | None = None) -> m.B2BCustomer | None:
        if request.status != "PENDING":
            raise ApiError(400, "ValidationError",
                           f"Registration request [{request.code}] is {request.status}")
        if not approve:
            request.status, request.rejectionReason = "REJECTED", reason
            return None
        unit = self.db.principal(unit_uid or "")
        if not isinstance(unit, m.B2BUnit):
            raise validation("unit", f"Organizational unit [{unit_uid}] not found")
        if self.db.principal(request.email) is not None:
            raise ApiError(400, "AlreadyExistsError",
                           f"User with email [{request.email}] already exists")
        customer = m.B2BCustomer(
            uid=request.email, originalUid=request.email, email=request.email,
            name=f"{request.firstName} {request.lastName}", customerId=str(uuid.uuid4()),
            title=request.titleCode, creationtime=self.clock.now(), sessionLanguage=None,
            sessionCurrency=None)
        customer.groups = frozenset({"b2bcustomergroup", unit.uid})
        customer.defaultB2BUnit = unit.uid
        self.db.add_principal(customer)
        request.status, request.unit = "APPROVED", unit.uid
        return customer
