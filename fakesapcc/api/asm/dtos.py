"""The Assisted Service Module's WsDTOs, through the same ``Dto`` path as OCC's: the customer
search page (OCC ``User`` entries with the ASM extras), customer lists (OCC ``UserGroupList``),
a customer list's details, customer suggestions, an agent's points of service, and the twelve
Customer 360 fragments (asm-api.md §2). Types not in SAP's OCC document say so (``spec=None``);
SAP publishes no open ASM document."""
from __future__ import annotations

import re
from typing import Any

import marshmallow as ma

from ... import models as m
from ...commerce.asm import AssistedService, CustomerPage
from ...commerce.carts import Carts
from ...commerce.coupons import CustomerCoupons
from ...commerce.coupons import valid as coupon_valid
from ...commerce.tickets import STATUS_NAMES as TICKET_STATUS_NAMES
from ...commerce.tickets import Tickets
from ...commerce.money import format_amount
from ...db import State, uid_key
from ...models import localized
from .. import dto as d
from .. import inputs as i
from ..occ.dtos.catalog import PAGINATION, SORT
from ..occ.dtos.groups import USER_GROUP, USER_GROUP_LIST
from ..occ.dtos.promotions import promotion_result_dto
from ..occ.dtos.users import b2b_unit_dto, user_dto

SORT_NAMES = {"byUidAsc": "Sort by uid (ascending)", "byUidDesc": "Sort by uid (descending)",
              "byNameAsc": "Sort by name (ascending)", "byNameDesc": "Sort by name (descending)",
              "byOrderDateAsc": "Sort by order date (ascending)",
              "byOrderDateDesc": "Sort by order date (descending)",
              "byDateAsc": "Sort by date (ascending)", "byDateDesc": "Sort by date (descending)"}

CUSTOMER_SEARCH_PAGE = d.DtoType("CustomerSearchPage", "entries pagination sorts", spec=None)
#: what the customer search shows of each customer: the OCC User at DEFAULT with the extras
ENTRY_FIELDS = "entries(DEFAULT,lastCartId,hasOrder,userAvatar),pagination,sorts"
USER_AVATAR = d.DtoType("UserAvatar", "url format", spec=None)
CUSTOMER_LIST = d.DtoType("CustomerList", "uid name searchBoxEnabled additionalColumnsKeys",
                          spec=None)
SUGGESTION = d.DtoType("CustomerSuggestion", "email fullName date card carts", spec=None)
SUGGESTION_LIST = d.DtoType("CustomerSuggestionList", "suggestions", spec=None)
POS = d.DtoType("ASMPointOfService", "id name", spec=None)
POS_LIST = d.DtoType("ASMPointOfServiceList", "pointOfServices", spec=None)


def customer_entry(asm: AssistedService, state: State, customer: m.Customer,
                   site: m.BaseSite, lang: str, extras: bool) -> d.Dto:
    """A customer of the search: the OCC User, with ``lastCartId``, ``hasOrder`` and
    ``userAvatar`` when ``toggle.customerList.enabled``, and the B2B unit."""
    dto = user_dto(state, customer, lang)
    if extras:
        cart = asm.latest_cart(customer, site)
        dto.update(lastCartId=cart.code if cart else None, hasOrder=bool(asm.orders(customer, site)))
    unit = state.principals.get(uid_key(getattr(customer, "defaultB2BUnit", None) or "-"))
    if isinstance(unit, m.B2BUnit):
        dto["orgUnit"] = b2b_unit_dto(unit, lang)
    return dto


def customer_page_dto(asm: AssistedService, state: State, page: CustomerPage,
                      site: m.BaseSite, lang: str, extras: bool) -> d.Dto:
    pages = max((page.total + page.page_size - 1) // page.page_size, 1) if page.page_size else 1
    return CUSTOMER_SEARCH_PAGE(
        entries=[customer_entry(asm, state, c, site, lang, extras) for c in page.customers],
        pagination=PAGINATION(currentPage=page.current_page, pageSize=page.page_size,
                              sort=page.sort, totalPages=pages, totalResults=page.total),
        sorts=[SORT(code=s, name=SORT_NAMES.get(s), selected=s == page.sort)
               for s in page.sorts])


def list_name(customer_list: m.CustomerList) -> str:
    return localized(customer_list.locname, "en") or customer_list.name or customer_list.uid


def customer_lists_dto(lists: list[m.CustomerList]) -> d.Dto:
    return USER_GROUP_LIST(userGroups=[USER_GROUP(uid=x.uid, name=list_name(x)) for x in lists])


def customer_list_dto(x: m.CustomerList) -> d.Dto:
    return CUSTOMER_LIST(uid=x.uid, name=list_name(x), searchBoxEnabled=x.searchBoxEnabled,
                         additionalColumnsKeys=list(x.additionalColumnsKeys))


def suggestion_dto(state: State, customer: m.Customer, site: m.BaseSite) -> d.Dto:
    """A customer suggestion: e-mail, name, sign-up date, the last four digits of the default
    card, the open carts."""
    wallet = [p for p in state.payment_infos.values()
              if uid_key(p.user) == uid_key(customer.uid) and p.saved and not p.deleted]
    card = next((p for p in wallet if p.defaultPayment), wallet[0] if wallet else None)
    carts = [c.code for c in state.carts.values() if uid_key(c.user) == uid_key(customer.uid)
             and c.site == site.uid and c.saveTime is None]
    return SUGGESTION(email=customer.originalUid or customer.uid, fullName=customer.name,
                      date=customer.creationtime.strftime("%d/%m/%Y")
                      if customer.creationtime else None,
                      card=(card.cardNumber or "")[-4:] if card else "----", carts=sorted(carts))


def points_of_service_dto(stores: list[m.PointOfService]) -> d.Dto:
    return POS_LIST(pointOfServices=[POS(id=p.name, name=p.displayName or p.name)
                                     for p in stores])


# -- Customer 360 ------------------------------------------------------------------------------

ALWAYS_VALID = ("c360StoreLocation", "c360ReviewList")
PREVIEW = ("c360CustomerProductInterestList", "c360CouponList", "c360PromotionList",
           "c360CustomerCouponList", "c360Cart", "c360SavedCart", "c360Overview",
           "c360CustomerProfile", "c360ActivityList", "c360TicketList")
FRAGMENT_TYPES = ALWAYS_VALID + PREVIEW
LIST_TYPES = ("c360CustomerProductInterestList", "c360ReviewList", "c360TicketList",
              "c360SavedCart", "c360ActivityList")
DEFAULT_LIST_SIZE = 10

C360_LIST = d.DtoType("Customer360List", "value", spec=None)
C360_CODE_NAME = d.DtoType("C360CodeName", "code name", spec=None)
C360_ISO_NAME = d.DtoType("C360IsoName", "isocode name", spec=None)
C360_ADDRESS = d.DtoType("C360Address", "id firstName lastName line1 line2 town postalCode "
                         "phone region country", spec=None)
C360_CART = d.DtoType("C360Cart", "code totalPrice totalItemCount entries", spec=None)
C360_CART_ENTRY = d.DtoType("C360CartEntry", "quantity basePrice totalPrice productCode",
                            spec=None)
C360_REVIEW = d.DtoType("C360Review", "productName productCode createdAt updatedAt rating "
                        "reviewStatus localizedReviewStatus reviewText", spec=None)
C360_PRODUCT_INTEREST = d.DtoType("C360CustomerProductInterest", "product", spec=None)
C360_PRODUCT = d.DtoType("C360Product", "code name price stock", spec=None)
C360_PRICE = d.DtoType("C360Price", "formattedValue", spec=None)
C360_STOCK = d.DtoType("C360Stock", "stockLevelStatus stockLevel", spec=None)
C360_PROFILE = d.DtoType("C360CustomerProfile", "billingAddress deliveryAddress phone1 phone2 "
                         "paymentDetails", spec=None)
C360_PAYMENT = d.DtoType("C360PaymentDetail", "id cardType cardNumber expiryMonth expiryYear "
                         "defaultPayment", spec=None)
C360_OVERVIEW = d.DtoType(
    "C360Overview", "name cartSize cartCode latestOrderTotal latestOrderCode latestOrderTime "
    "latestOpenedTicketId latestOpenedTicketCreatedAt email signedUpAt address userAvatar",
    spec=None)
C360_ACTIVITY = d.DtoType("C360Activity", "type associatedTypeId description status createdAt "
                          "updatedAt", spec=None)
C360_COUPON = d.DtoType("C360Coupon", "code name applied", spec=None)
C360_PROMOTION = d.DtoType("C360Promotion", "code name message applied", spec=None)
C360_CUSTOMER_COUPON = d.DtoType("C360CustomerCoupon", "code name description", spec=None)
C360_TICKET = d.DtoType("C360Ticket", "id subject category createdAt updatedAt status",
                        spec=None)
#: each fragment: its DtoType, the property that carries its payload
FRAGMENTS = {
    "c360StoreLocation": d.DtoType("C360StoreLocation", "type address", spec=None),
    "c360ReviewList": d.DtoType("C360ReviewList", "type reviews", spec=None),
    "c360CustomerProductInterestList": d.DtoType("C360CustomerProductInterestList",
                                                 "type customerProductInterests", spec=None),
    "c360TicketList": d.DtoType("C360TicketList", "type tickets", spec=None),
    "c360CustomerProfile": d.DtoType("C360CustomerProfileData", "type profile", spec=None),
    "c360Cart": d.DtoType("C360CartData", "type cart", spec=None),
    "c360SavedCart": d.DtoType("C360SavedCartData", "type savedCart", spec=None),
    "c360Overview": d.DtoType("C360OverviewData", "type overview", spec=None),
    "c360ActivityList": d.DtoType("C360ActivityList", "type activities", spec=None),
    "c360CouponList": d.DtoType("C360CouponList", "type coupons", spec=None),
    "c360PromotionList": d.DtoType("C360PromotionList", "type promotions", spec=None),
    "c360CustomerCouponList": d.DtoType("C360CustomerCouponList", "type customerCoupons",
                                        spec=None),
}


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


class Customer360:
    """The fragments of one customer for one agent, each from the database's real data."""

    def __init__(self, asm: AssistedService, carts: Carts, customer: m.Customer,
                 agent: m.User, lang: str) -> None:
        self.asm = asm
        self.carts = carts
        self.state = carts.state
        self.customer = customer
        self.agent = agent
        self.lang = lang
        self.site = carts.site

    def fragments(self, queries: list[tuple[str, dict[str, str]]]) -> d.Dto:
        builders = {
            "c360StoreLocation": self.store_location, "c360ReviewList": self.reviews,
            "c360CustomerProductInterestList": self.product_interests,
            "c360TicketList": self.tickets, "c360CustomerProfile": self.profile,
            "c360Cart": self.cart, "c360SavedCart": self.saved_cart, "c360Overview": self.overview,
            "c360ActivityList": self.activities, "c360CouponList": self.coupons,
            "c360PromotionList": self.promotions, "c360CustomerCouponList": self.customer_coupons,
        }
        return C360_LIST(value=[FRAGMENTS[kind](type=kind, **builders[kind](params))
                                for kind, params in queries])

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def size(params: dict[str, str]) -> int:
        return int(params.get("listSize") or DEFAULT_LIST_SIZE)

    def money(self, value: float | None, currency: str | None = None) -> str | None:
        cur = self.state.currencies.get(currency or self.carts.currency)
        return format_amount(value, cur, self.lang) if cur is not None and value is not None else None

    def address(self, pk: int | None) -> d.Dto | None:
        address = self.state.addresses.get(pk or -1)
        if address is None:
            return None
        region = self.state.regions.get(address.region or "")
        country = self.state.countries.get(address.country or "")
        return C360_ADDRESS(
            id=str(address.pk), firstName=address.firstname, lastName=address.lastname,
            line1=address.streetname, line2=address.streetnumber, town=address.town,
            postalCode=address.postalcode, phone=address.phone1,
            region=C360_ISO_NAME(isocode=region.isocode, name=localized(region.name, self.lang))
            if region else None,
            country=C360_ISO_NAME(isocode=country.isocode,
                                   name=localized(country.name, self.lang)) if country else None)

    def cart_summary(self, cart: m.Cart | None) -> d.Dto | None:
        if cart is None:
            return None
        # in the cart's own currency: reading Customer 360 must not reprice the cart
        own = Carts(self.carts.db, self.carts.clock, self.carts.config, self.site,
                    self.carts.base_store, cart.currency)
        totals = own.totals(cart)

        def money(value: float | None) -> str | None:
            return self.money(value, cart.currency)

        return C360_CART(code=cart.code, totalPrice=money(totals.totalPriceWithTax),
                         totalItemCount=totals.totalUnitCount,
                         entries=[C360_CART_ENTRY(quantity=e.quantity, basePrice=money(e.basePrice),
                                                  totalPrice=money(e.totalPrice),
                                                  productCode=e.product) for e in cart.entries])

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
        parts = [address.town, localized(country.name, self.lang) if country else None,
                 address.postalcode]
        return {"address": " ".join(p for p in parts if p)}

    def reviews(self, params: dict[str, str]) -> dict[str, Any]:
        mine = sorted((r for r in self.state.reviews.values()
                       if r.user and uid_key(r.user) == uid_key(self.customer.uid)),
                      key=lambda r: (r.date is not None, r.date or 0),
                      reverse=True)[:self.size(params)]
        result = []
        for r in mine:
            product = self.carts.catalog.product(r.product)
            result.append(C360_REVIEW(
                productName=localized(product.name, self.lang) if product else r.product,
                productCode=r.product, createdAt=_iso(r.date), updatedAt=_iso(r.date),
                rating=f"{r.rating:g}", reviewStatus=r.approvalStatus.upper(),
                localizedReviewStatus=r.approvalStatus.capitalize(), reviewText=r.comment))
        return {"reviews": result}

    def product_interests(self, params: dict[str, str]) -> dict[str, Any]:
        interests = sorted((x for x in self.state.product_interests.values()
                            if uid_key(x.user) == uid_key(self.customer.uid)
                            and x.site == self.site.uid), key=lambda x: x.pk)[:self.size(params)]
        result = []
        catalog = self.carts.catalog
        for interest in interests:
            product = catalog.product(interest.product)
            if product is None:
                continue
            stock = catalog.stock(interest.product)
            result.append(C360_PRODUCT_INTEREST(product=C360_PRODUCT(
                code=product.code, name=localized(product.name, self.lang),
                price=C360_PRICE(formattedValue=self.money(
                    catalog.price(product.code, self.carts.currency))),
                stock=C360_STOCK(stockLevelStatus=stock.status, stockLevel=stock.level))))
        return {"customerProductInterests": result}

    def my_tickets(self) -> list[Any]:
        return Tickets(self.carts.db, self.carts.clock, self.site, self.customer).mine()

    def tickets(self, params: dict[str, str]) -> dict[str, Any]:
        """The customer's support tickets on the site, the latest changed first."""
        return {"tickets": [C360_TICKET(
            id=t.id, subject=t.subject,
            category=C360_CODE_NAME(code=t.category, name=self.ticket_category(t.category))
            if t.category else None,
            createdAt=_iso(t.created), updatedAt=_iso(t.modified),
            status=C360_CODE_NAME(code=t.status, name=TICKET_STATUS_NAMES.get(t.status, t.status)))
            for t in self.my_tickets()[:self.size(params)]]}

    def ticket_category(self, code: str) -> str:
        category = self.state.ticket_categories.get(code)
        return (localized(category.name, self.lang) if category else None) or code

    def profile(self, params: dict[str, str]) -> dict[str, Any]:
        wallet = sorted((p for p in self.state.payment_infos.values()
                         if uid_key(p.user) == uid_key(self.customer.uid) and p.saved
                         and not p.deleted), key=lambda p: int(p.id))
        default = next((p for p in wallet if p.defaultPayment), wallet[0] if wallet else None)
        delivery = self.state.addresses.get(self.customer.defaultShipmentAddress or -1)
        cards = self.state.card_types
        return {"profile": C360_PROFILE(
            billingAddress=self.address(default.billingAddress) if default else None,
            deliveryAddress=self.address(self.customer.defaultShipmentAddress),
            phone1=delivery.phone1 if delivery else None,
            phone2=delivery.cellphone if delivery else None,
            paymentDetails=[C360_PAYMENT(
                id=p.id, cardType=C360_CODE_NAME(
                    code=p.cardType, name=localized(cards[p.cardType].name, self.lang)
                    if p.cardType in cards else p.cardType),
                cardNumber=p.cardNumber, expiryMonth=p.expiryMonth, expiryYear=p.expiryYear,
                defaultPayment=p is default) for p in wallet])}

    def cart(self, params: dict[str, str]) -> dict[str, Any]:
        return {"cart": self.cart_summary(self.asm.latest_cart(self.customer, self.site))}

    def saved_cart(self, params: dict[str, str]) -> dict[str, Any]:
        return {"savedCart": self.cart_summary(
            self.asm.latest_cart(self.customer, self.site, saved=True))}

    def overview(self, params: dict[str, str]) -> dict[str, Any]:
        cart = self.asm.latest_cart(self.customer, self.site)
        orders = self.asm.orders(self.customer, self.site)
        latest = orders[0] if orders else None
        opened = [t for t in self.my_tickets() if t.status != "CLOSED"]
        newest = max(opened, key=lambda t: (t.created or t.modified, t.id), default=None)
        return {"overview": C360_OVERVIEW(
            latestOpenedTicketId=newest.id if newest else None,
            latestOpenedTicketCreatedAt=_iso(newest.created) if newest else None,
            name=self.customer.name, email=self.customer.originalUid or self.customer.uid,
            cartSize=sum(e.quantity for e in cart.entries) if cart else 0,
            cartCode=cart.code if cart else None,
            latestOrderTotal=self.money(latest.totals.get("totalPriceWithTax"), latest.currency)
            if latest else None,
            latestOrderCode=latest.code if latest else None,
            latestOrderTime=_iso(latest.created) if latest else None,
            signedUpAt=_iso(self.customer.creationtime),
            address=self.address(self.customer.defaultShipmentAddress))}

    def activities(self, params: dict[str, str]) -> dict[str, Any]:
        items: list[d.Dto] = []
        for cart in self.state.carts.values():
            if uid_key(cart.user) == uid_key(self.customer.uid) and cart.site == self.site.uid:
                saved = cart.saveTime is not None
                items.append(C360_ACTIVITY(
                    type=C360_CODE_NAME(code="SAVED CART" if saved else "CART",
                                        name="Saved Cart" if saved else "Cart"),
                    associatedTypeId=cart.code,
                    description=f"Cart with {len(cart.entries)} item(s)",
                    status=C360_CODE_NAME(code="ACTIVE", name="Active"),
                    createdAt=_iso(cart.created), updatedAt=_iso(cart.modified)))
        for order in self.asm.orders(self.customer, self.site):
            items.append(C360_ACTIVITY(
                type=C360_CODE_NAME(code="ORDER", name="Order"), associatedTypeId=order.code,
                description=f"Order with {len(order.entries)} item(s)",
                status=C360_CODE_NAME(code=order.status,
                                      name=order.status.replace("_", " ").title()),
                createdAt=_iso(order.created), updatedAt=_iso(order.modified)))
        for ticket in self.my_tickets():
            items.append(C360_ACTIVITY(
                type=C360_CODE_NAME(code="TICKET", name="Ticket"), associatedTypeId=ticket.id,
                description=ticket.subject,
                status=C360_CODE_NAME(code=ticket.status,
                                      name=TICKET_STATUS_NAMES.get(ticket.status, ticket.status)),
                createdAt=_iso(ticket.created), updatedAt=_iso(ticket.modified)))
        items.sort(key=lambda a: a["updatedAt"] or "", reverse=True)
        return {"activities": items[:self.size(params)]}

    def coupons(self, params: dict[str, str]) -> dict[str, Any]:
        """The vouchers of the site and the coupons the customer holds, each applied or not to
        the customer's current cart."""
        cart = self.asm.latest_cart(self.customer, self.site)
        applied = set(cart.appliedVouchers) if cart else set()
        held = CustomerCoupons(self.carts.db, self.carts.clock, self.customer).mine()
        return {"coupons": [C360_COUPON(code=v.voucherCode,
                                        name=localized(v.name, self.lang) or v.code,
                                        applied=v.code in applied)
                            for v in sorted(self.state.vouchers.values(), key=lambda v: v.code)]
                + [C360_COUPON(code=c.couponId, name=localized(c.name, self.lang) or c.couponId,
                               applied=c.couponId in applied) for c in held]}

    def promotions(self, params: dict[str, str]) -> dict[str, Any]:
        """The promotions of the customer's current cart: those that fired (applied) and those
        it could reach (not applied), with their messages."""
        cart = self.asm.latest_cart(self.customer, self.site)
        if cart is None:
            return {"promotions": []}
        own = Carts(self.carts.db, self.carts.clock, self.carts.config, self.site,
                    self.carts.base_store, cart.currency)
        record = own.promotions().evaluate(cart).as_dict()
        result = []
        for key, applied in (("appliedOrder", True), ("appliedProduct", True),
                             ("potentialOrder", False)):
            for fired in record[key]:
                dto = promotion_result_dto(self.state, fired, cart.currency, self.lang,
                                           potential=not applied)
                rule = self.state.promotion_rules.get(fired["rule"])
                result.append(C360_PROMOTION(
                    code=fired["rule"], name=localized(rule.name, self.lang) if rule else None,
                    message=dto.get("description"), applied=applied))
        return {"promotions": result}

    def customer_coupons(self, params: dict[str, str]) -> dict[str, Any]:
        """With ``assignable=true`` the valid customer coupons the customer does not hold (an
        agent can give it one); otherwise the ones it holds."""
        assignable = (params.get("assignable") or "false") == "true"
        query = (params.get("searchQuery") or "").lower()
        service = CustomerCoupons(self.carts.db, self.carts.clock, self.customer)
        now = self.carts.clock.now()
        result = []
        for c in sorted(self.state.customer_coupons.values(), key=lambda c: c.couponId):
            if not coupon_valid(c, now) or service.owns(c) == assignable:
                continue
            name = localized(c.name, self.lang) or c.couponId
            if query and query not in name.lower() and query not in c.couponId.lower():
                continue
            result.append(C360_CUSTOMER_COUPON(code=c.couponId, name=name,
                                               description=localized(c.description, self.lang)))
        return {"customerCoupons": result}


# -- request bodies ----------------------------------------------------------------------------


class CustomerSearchBody(i.Body):
    query = i.Text()
    orderId = i.Text()
    customerListId = i.Text()


class SuggestionSearchBody(i.Body):
    customerQuery = i.Text(required=True)


class CustomerRegistrationBody(i.Body):
    """An agent registers a customer: names and an e-mail (no password: the customer sets one
    through the forgotten-password flow)."""

    firstName = i.Text(required=True)
    lastName = i.Text(required=True)
    emailAddress = i.Text(required=True, validate=i.email())


class C360Query(i.Body):
    type = i.Text()
    additionalRequestParameters = i.TextMap()


LIST_SIZE = "The field listSize should be an integer in a range from 1 to 999."


class Customer360QueryListBody(i.Body):
    """``Customer360QueryListWsDTOValidator``: a list of queries, each of a type valid for
    ``toggle.customer360.enabled``, list sizes from 1 to 999."""

    customer360Queries = i.Objects(C360Query, required=True)

    @ma.validates_schema(skip_on_field_errors=True)
    def _queries(self, data: dict, **kwargs: Any) -> None:
        queries = data.get("customer360Queries") or []
        if not queries:
            raise ma.ValidationError({"customer360Queries": [i.REQUIRED]})
        preview = i.context_value("config").prop_bool("toggle.customer360.enabled")
        valid = ALWAYS_VALID + (PREVIEW if preview else ())
        errors: dict[str, list[str]] = {}
        for index, query in enumerate(queries):
            path = f"customer360Queries[{index}]"
            kind = query.get("type")
            params = query.get("additionalRequestParameters") or {}
            if not kind or not kind.strip():
                errors[f"{path}.type"] = [i.REQUIRED]
            elif kind not in valid:
                errors[f"{path}.type"] = [f"Invalid field: {kind}. The valid types are: "
                                          f"{', '.join(valid)}"]
            elif kind in LIST_TYPES and "listSize" in params:
                size = params["listSize"]
                if not re.fullmatch(r"-?[0-9]{1,9}", size) or not 1 <= int(size) <= 999:
                    errors[f"{path}.additionalRequestParameters"] = [LIST_SIZE]
        if errors:
            raise ma.ValidationError(errors)

    @ma.post_load
    def _queries_as_pairs(self, data: dict, **kwargs: Any) -> dict:
        data["queries"] = [(q["type"], q.get("additionalRequestParameters") or {})
                           for q in data["customer360Queries"]]
        return data
