"""Customer 360: the twelve ``c360*`` fragments, each built from the store's real data
(asm-api.md §2.7), and the validation of a query list."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .. import models as m
from ..errors import ApiError, ApiErrors
from ..models import localized
from ..db import uid_key
from .asm import AssistedService
from .carts import Carts
from .money import format_amount

ALWAYS_VALID = ("c360StoreLocation", "c360ReviewList")
PREVIEW = ("c360CustomerProductInterestList", "c360CouponList", "c360PromotionList",
           "c360CustomerCouponList", "c360Cart", "c360SavedCart", "c360Overview",
           "c360CustomerProfile", "c360ActivityList", "c360TicketList")
LIST_TYPES = ("c360CustomerProductInterestList", "c360ReviewList", "c360TicketList",
              "c360SavedCart", "c360ActivityList")
DEFAULT_LIST_SIZE = 10


def _iso(value) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _error(subject: str, message: str, reason: str = "invalid") -> ApiError:
    return ApiError(400, "ValidationError", message, reason=reason, subject=subject,
                    subject_type="parameter")


def validate(body: Any, preview_enabled: bool) -> list[tuple[str, dict[str, str]]]:
    """The (type, parameters) of each query, or 400 ValidationError entries as SAP's
    Customer360QueryListWsDTOValidator reports them."""
    queries = body.get("customer360Queries") if isinstance(body, dict) else None
    if not isinstance(queries, list) or not queries:
        raise ApiErrors(400, [_error("customer360Queries", "This field is required.", "missing")])
    valid = ALWAYS_VALID + (PREVIEW if preview_enabled else ())
    errors: list[ApiError] = []
    result: list[tuple[str, dict[str, str]]] = []
    for i, query in enumerate(queries):
        path = f"customer360Queries[{i}]"
        if not isinstance(query, dict):
            errors.append(_error(path, "This field is required.", "missing"))
            continue
        kind = query.get("type")
        raw_params = query.get("additionalRequestParameters") or {}
        params = {str(k): str(v).lower() if isinstance(v, bool) else str(v)
                  for k, v in raw_params.items()} if isinstance(raw_params, dict) else {}
        if not isinstance(kind, str) or not kind.strip():
            errors.append(_error(f"{path}.type", "This field is required.", "missing"))
            continue
        if kind not in valid:
            errors.append(_error(f"{path}.type", f"Invalid field: {kind}"))
            continue
        if kind in LIST_TYPES and "listSize" in params:
            size = params["listSize"]
            if not re.fullmatch(r"-?[0-9]{1,9}", size) or not 1 <= int(size) <= 999:
                errors.append(_error(f"{path}.additionalRequestParameters",
                                     "The field listSize should be an integer in a range from 1 to 999."))
                continue
        result.append((kind, params))
    if errors:
        raise ApiErrors(400, errors)
    return result


class Customer360:
    def __init__(self, asm: AssistedService, carts: Carts, customer: m.Customer,
                 agent: m.User, lang: str) -> None:
        self.asm = asm
        self.carts = carts
        self.state = carts.state
        self.customer = customer
        self.agent = agent
        self.lang = lang
        self.site = carts.site

    def fragments(self, queries: list[tuple[str, dict[str, str]]]) -> list[dict[str, Any]]:
        builders: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
            "c360StoreLocation": self.store_location, "c360ReviewList": self.reviews,
            "c360CustomerProductInterestList": self.product_interests,
            "c360TicketList": self.tickets, "c360CustomerProfile": self.profile,
            "c360Cart": self.cart, "c360SavedCart": self.saved_cart, "c360Overview": self.overview,
            "c360ActivityList": self.activities, "c360CouponList": self.coupons,
            "c360PromotionList": self.promotions, "c360CustomerCouponList": self.customer_coupons,
        }
        return [{"type": kind, **builders[kind](params)} for kind, params in queries]

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def size(params: dict[str, str]) -> int:
        return int(params.get("listSize") or DEFAULT_LIST_SIZE)

    def money(self, value: float | None, currency: str | None = None) -> str | None:
        cur = self.state.currencies.get(currency or self.carts.currency)
        return format_amount(value, cur, self.lang) if cur is not None and value is not None else None

    def address(self, pk: int | None) -> dict[str, Any] | None:
        address = self.state.addresses.get(pk or -1)
        if address is None:
            return None
        region = self.state.regions.get(address.region or "")
        country = self.state.countries.get(address.country or "")
        return {k: v for k, v in {
            "id": str(address.pk), "firstName": address.firstname, "lastName": address.lastname,
            "line1": address.streetname, "line2": address.streetnumber, "town": address.town,
            "postalCode": address.postalcode, "phone": address.phone1,
            "region": {"isocode": region.isocode, "name": localized(region.name, self.lang)} if region else None,
            "country": {"isocode": country.isocode, "name": localized(country.name, self.lang)} if country else None,
        }.items() if v is not None}

    def cart_summary(self, cart: m.Cart | None) -> dict[str, Any] | None:
        if cart is None:
            return None
        # in the cart's own currency: reading Customer 360 must not reprice the cart
        own = Carts(self.carts.db, self.carts.clock, self.carts.config, self.site,
                    self.carts.base_store, cart.currency)
        totals = own.totals(cart)

        def money(value: float | None) -> str | None:
            return self.money(value, cart.currency)

        return {"code": cart.code, "totalPrice": money(totals.totalPriceWithTax),
                "totalItemCount": totals.totalUnitCount,
                "entries": [{"quantity": e.quantity, "basePrice": money(e.basePrice),
                             "totalPrice": money(e.totalPrice), "productCode": e.product}
                            for e in cart.entries]}

    # -- the fragments -------------------------------------------------------------------------

    def store_location(self, params: dict[str, str]) -> dict[str, Any]:
        """The address of the agent's store (the customer's default address if the agent has
        no store), as one line."""
        stores = self.asm.agent_stores(self.agent)
        pk = stores[0].address if stores else self.customer.defaultShipmentAddress
        address = self.state.addresses.get(pk or -1)
        if address is None:
            return {"address": None}
        country = self.state.countries.get(address.country or "")
        parts = [address.town, localized(country.name, self.lang) if country else None, address.postalcode]
        return {"address": " ".join(p for p in parts if p)}

    def reviews(self, params: dict[str, str]) -> dict[str, Any]:
        mine = sorted((r for r in self.state.reviews.values()
                       if r.user and uid_key(r.user) == uid_key(self.customer.uid)),
                      key=lambda r: (r.date is not None, r.date or 0),
                      reverse=True)[:self.size(params)]
        result = []
        for r in mine:
            product = self.carts.catalog.product(r.product)
            result.append({"productName": localized(product.name, self.lang) if product else r.product,
                           "productCode": r.product, "createdAt": _iso(r.date), "updatedAt": _iso(r.date),
                           "rating": f"{r.rating:g}", "reviewStatus": r.approvalStatus.upper(),
                           "localizedReviewStatus": r.approvalStatus.capitalize(),
                           "reviewText": r.comment})
        return {"reviews": result}

    def product_interests(self, params: dict[str, str]) -> dict[str, Any]:
        interests = sorted((i for i in self.state.product_interests.values()
                            if uid_key(i.user) == uid_key(self.customer.uid)
                            and i.site == self.site.uid), key=lambda i: i.pk)[:self.size(params)]
        result = []
        for i in interests:
            product = self.carts.catalog.product(i.product)
            if product is None:
                continue
            stock = self.carts.catalog.stock(i.product)
            result.append({"product": {
                "code": product.code, "name": localized(product.name, self.lang),
                "price": {"formattedValue": self.money(self.carts.catalog.price(product.code, self.carts.currency))},
                "stock": {"stockLevelStatus": stock.status, "stockLevel": stock.level}}})
        return {"customerProductInterests": result}

    def tickets(self, params: dict[str, str]) -> dict[str, Any]:
        return {"tickets": []}  # customer support tickets are not modelled: none exist

    def profile(self, params: dict[str, str]) -> dict[str, Any]:
        wallet = sorted((p for p in self.state.payment_infos.values()
                         if uid_key(p.user) == uid_key(self.customer.uid) and p.saved and not p.deleted),
                        key=lambda p: int(p.id))
        default = next((p for p in wallet if p.defaultPayment), wallet[0] if wallet else None)
        delivery = self.state.addresses.get(self.customer.defaultShipmentAddress or -1)
        return {"profile": {k: v for k, v in {
            "billingAddress": self.address(default.billingAddress) if default else None,
            "deliveryAddress": self.address(self.customer.defaultShipmentAddress),
            "phone1": delivery.phone1 if delivery else None,
            "phone2": delivery.cellphone if delivery else None,
            "paymentDetails": [{
                "id": p.id, "cardType": {"code": p.cardType, "name": localized(
                    self.state.card_types[p.cardType].name, self.lang) if p.cardType in self.state.card_types else p.cardType},
                "cardNumber": p.cardNumber, "expiryMonth": p.expiryMonth,
                "expiryYear": p.expiryYear, "defaultPayment": p is default} for p in wallet],
        }.items() if v is not None}}

    def cart(self, params: dict[str, str]) -> dict[str, Any]:
        return {"cart": self.cart_summary(self.asm.latest_cart(self.customer, self.site))}

    def saved_cart(self, params: dict[str, str]) -> dict[str, Any]:
        summary = self.cart_summary(self.asm.latest_cart(self.customer, self.site, saved=True))
        return {"savedCart": summary} if summary else {}

    def overview(self, params: dict[str, str]) -> dict[str, Any]:
        cart = self.asm.latest_cart(self.customer, self.site)
        orders = self.asm.orders(self.customer, self.site)
        latest = orders[0] if orders else None
        return {"overview": {k: v for k, v in {
            "name": self.customer.name, "email": self.customer.originalUid or self.customer.uid,
            "cartSize": sum(e.quantity for e in cart.entries) if cart else 0,
            "cartCode": cart.code if cart else None,
            "latestOrderTotal": self.money(latest.totals.get("totalPriceWithTax"), latest.currency) if latest else None,
            "latestOrderCode": latest.code if latest else None,
            "latestOrderTime": _iso(latest.created) if latest else None,
            "signedUpAt": _iso(self.customer.creationtime),
            "address": self.address(self.customer.defaultShipmentAddress),
        }.items() if v is not None}}

    def activities(self, params: dict[str, str]) -> dict[str, Any]:
        items: list[dict[str, Any]] = []
        for cart in self.state.carts.values():
            if uid_key(cart.user) == uid_key(self.customer.uid) and cart.site == self.site.uid:
                saved = cart.saveTime is not None
                items.append({"type": {"code": "SAVED CART" if saved else "CART",
                                       "name": "Saved Cart" if saved else "Cart"},
                              "associatedTypeId": cart.code,
                              "description": f"Cart with {len(cart.entries)} item(s)",
                              "status": {"code": "ACTIVE", "name": "Active"},
                              "createdAt": _iso(cart.created), "updatedAt": _iso(cart.modified)})
        for order in self.asm.orders(self.customer, self.site):
            items.append({"type": {"code": "ORDER", "name": "Order"}, "associatedTypeId": order.code,
                          "description": f"Order with {len(order.entries)} item(s)",
                          "status": {"code": order.status, "name": order.status.replace("_", " ").title()},
                          "createdAt": _iso(order.created), "updatedAt": _iso(order.modified)})
        items.sort(key=lambda a: a["updatedAt"] or "", reverse=True)
        return {"activities": items[:self.size(params)]}

    def coupons(self, params: dict[str, str]) -> dict[str, Any]:
        cart = self.asm.latest_cart(self.customer, self.site)
        applied = set(cart.appliedVouchers) if cart else set()
        return {"coupons": [{"code": v.voucherCode, "name": localized(v.name, self.lang) or v.code,
                             "applied": v.code in applied}
                            for v in sorted(self.state.vouchers.values(), key=lambda v: v.code)]}

    def promotions(self, params: dict[str, str]) -> dict[str, Any]:
        return {"promotions": []}  # promotion rules are not modelled: none fire

    def customer_coupons(self, params: dict[str, str]) -> dict[str, Any]:
        """With ``assignable=true`` the coupons the agent can still give the customer (those it
        has not redeemed); otherwise the ones it has redeemed."""
        assignable = (params.get("assignable") or "false") == "true"
        query = (params.get("searchQuery") or "").lower()
        used = {c for o in self.asm.orders(self.customer, self.site) for c in o.appliedVouchers}
        result = []
        for v in sorted(self.state.vouchers.values(), key=lambda v: v.code):
            if (v.code in used) == assignable:
                continue
            name = localized(v.name, self.lang) or v.code
            if query and query not in name.lower() and query not in v.voucherCode.lower():
                continue
            result.append({"code": v.voucherCode, "name": name,
                           "description": localized(v.description, self.lang)})
        return {"customerCoupons": result}
