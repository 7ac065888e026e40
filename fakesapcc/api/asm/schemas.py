"""The response schemas of fakesapcc's ASM document (``/_fakesapcc/openapi/asm.json``), written
from asm-api.md §2 since SAP publishes no open ASM document; the routes declare them
(``@operation(responses=…)``) and ``api.openapi`` writes them out.

The WsDTOs ASM shares with OCC (``User`` with its ASM extras, ``deprecatedPagination``, ``Sort``,
``UserGroupList``) are SAP's own: the document names them as components under SAP's schema
names, each described as a reference to SAP's OCC v2 document, without copying SAP's text; a
reader (the suite) puts SAP's schemas in their place. Everything else is ASM's own, as the
research found it (``C360*``, ``CustomerList``, ``CustomerSuggestion``, ``ASMPointOfService*``,
``CustomerSearchPage``).
"""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields as mf

from ..admin_schemas import ErrorList
from ..schemabase import Schema

#: SAP's OCC v2 schemas ASM answers with, by their name in SAP's document
OCC_SCHEMAS = ("User", "deprecatedPagination", "Sort", "UserGroupList")
OCC_DOCUMENT = "SAP's OCC v2 document (commercewebservices), components/schemas/"


def _occ(name: str) -> type[ma.Schema]:
    """A stand-in for SAP's OCC schema ``name`` (an open object described as SAP's)."""
    meta = type("Meta", (), {"unknown": ma.INCLUDE, "title": name,
                             "description": f"SAP's {name} WsDTO: {OCC_DOCUMENT}{name}"})
    return type(name, (Schema,), {"Meta": meta})


User, Pagination, Sort, UserGroupList = (_occ(name) for name in OCC_SCHEMAS)


def _kind(name: str) -> mf.String:
    return mf.String(required=True, metadata={"enum": [name]})


class CustomerSearchPage(Schema):
    """``CustomerSearchPageWsDTO`` (asm-api.md §2.1): OCC users with the ASM extras."""

    entries = mf.List(mf.Nested(User))
    pagination = mf.Nested(Pagination)
    sorts = mf.List(mf.Nested(Sort))


class CustomerList(Schema):
    """``CustomerListWsDTO`` (§2.4 b)."""

    uid = mf.String()
    name = mf.String()
    searchBoxEnabled = mf.Boolean()
    additionalColumnsKeys = mf.List(mf.String())


class CustomerSuggestion(Schema):
    """``CustomerSuggestionWsDTO`` (§2.3)."""

    email = mf.String()
    fullName = mf.String()
    date = mf.String(metadata={"description": "dd/MM/yyyy"})
    card = mf.String(metadata={"description": "the default card's last four digits, or ----"})
    carts = mf.List(mf.String())


class CustomerSuggestionList(Schema):
    """``CustomerSuggestionsResponseWsDTO`` (§2.3 b)."""

    suggestions = mf.List(mf.Nested(CustomerSuggestion))


class ASMPointOfService(Schema):
    id = mf.String()
    name = mf.String()


class ASMPointOfServiceList(Schema):
    """``ASMPointOfServiceListWsDTO`` (§2.8)."""

    pointOfServices = mf.List(mf.Nested(ASMPointOfService))


# -- Customer 360 (§2.7): a list of fragments, one per query, each with its ``type`` ------------


class C360CodeName(Schema):
    code = mf.String()
    name = mf.String()


class C360IsoName(Schema):
    isocode = mf.String()
    name = mf.String()


class C360Address(Schema):
    id = mf.String()
    firstName = mf.String()
    lastName = mf.String()
    line1 = mf.String()
    line2 = mf.String()
    town = mf.String()
    postalCode = mf.String()
    phone = mf.String()
    region = mf.Nested(C360IsoName)
    country = mf.Nested(C360IsoName)


class C360CartEntry(Schema):
    quantity = mf.Integer()
    basePrice = mf.String()
    totalPrice = mf.String()
    productCode = mf.String()


class C360Cart(Schema):
    code = mf.String()
    totalPrice = mf.String()
    totalItemCount = mf.Integer()
    entries = mf.List(mf.Nested(C360CartEntry))


class C360Review(Schema):
    productName = mf.String()
    productCode = mf.String()
    createdAt = mf.DateTime()
    updatedAt = mf.DateTime()
    rating = mf.String()
    reviewStatus = mf.String()
    localizedReviewStatus = mf.String()
    reviewText = mf.String()


class C360Price(Schema):
    formattedValue = mf.String()


class C360Stock(Schema):
    stockLevelStatus = mf.String()
    stockLevel = mf.Integer()


class C360Product(Schema):
    code = mf.String()
    name = mf.String()
    price = mf.Nested(C360Price)
    stock = mf.Nested(C360Stock)


class C360CustomerProductInterest(Schema):
    product = mf.Nested(C360Product)


class C360Ticket(Schema):
    id = mf.String()
    subject = mf.String()
    category = mf.Nested(C360CodeName)
    createdAt = mf.DateTime()
    updatedAt = mf.DateTime()
    status = mf.Nested(C360CodeName)


class C360PaymentDetail(Schema):
    id = mf.String()
    cardType = mf.Nested(C360CodeName)
    cardNumber = mf.String()
    expiryMonth = mf.String()
    expiryYear = mf.String()
    defaultPayment = mf.Boolean()


class C360CustomerProfile(Schema):
    billingAddress = mf.Nested(C360Address)
    deliveryAddress = mf.Nested(C360Address)
    phone1 = mf.String()
    phone2 = mf.String()
    paymentDetails = mf.List(mf.Nested(C360PaymentDetail))


class UserAvatar(Schema):
    url = mf.String()
    format = mf.String()


class C360Overview(Schema):
    name = mf.String()
    cartSize = mf.Integer()
    cartCode = mf.String()
    latestOrderTotal = mf.String()
    latestOrderCode = mf.String()
    latestOrderTime = mf.DateTime()
    latestOpenedTicketId = mf.String()
    latestOpenedTicketCreatedAt = mf.DateTime()
    email = mf.String()
    signedUpAt = mf.DateTime()
    address = mf.Nested(C360Address)
    userAvatar = mf.Nested(UserAvatar)


class C360Activity(Schema):
    type = mf.Nested(C360CodeName)
    associatedTypeId = mf.String()
    description = mf.String()
    status = mf.Nested(C360CodeName)
    createdAt = mf.DateTime()
    updatedAt = mf.DateTime()


class C360Coupon(Schema):
    code = mf.String()
    name = mf.String()
    applied = mf.Boolean()


class C360Promotion(Schema):
    code = mf.String()
    name = mf.String()
    message = mf.String()
    applied = mf.Boolean()


class C360CustomerCoupon(Schema):
    code = mf.String()
    name = mf.String()
    description = mf.String()


def _fragment(schema_name: str, kind: str, payload: str, field: mf.Field) -> type[ma.Schema]:
    return type(schema_name, (Schema,), {"type": _kind(kind), payload: field})


FRAGMENTS = [
    _fragment("C360StoreLocation", "c360StoreLocation", "address", mf.String()),
    _fragment("C360ReviewList", "c360ReviewList", "reviews", mf.List(mf.Nested(C360Review))),
    _fragment("C360CustomerProductInterestList", "c360CustomerProductInterestList",
              "customerProductInterests", mf.List(mf.Nested(C360CustomerProductInterest))),
    _fragment("C360TicketList", "c360TicketList", "tickets", mf.List(mf.Nested(C360Ticket))),
    _fragment("C360CustomerProfileData", "c360CustomerProfile", "profile",
              mf.Nested(C360CustomerProfile)),
    _fragment("C360CartData", "c360Cart", "cart", mf.Nested(C360Cart)),
    _fragment("C360SavedCartData", "c360SavedCart", "savedCart", mf.Nested(C360Cart)),
    _fragment("C360OverviewData", "c360Overview", "overview", mf.Nested(C360Overview)),
    _fragment("C360ActivityList", "c360ActivityList", "activities",
              mf.List(mf.Nested(C360Activity))),
    _fragment("C360CouponList", "c360CouponList", "coupons", mf.List(mf.Nested(C360Coupon))),
    _fragment("C360PromotionList", "c360PromotionList", "promotions",
              mf.List(mf.Nested(C360Promotion))),
    _fragment("C360CustomerCouponList", "c360CustomerCouponList", "customerCoupons",
              mf.List(mf.Nested(C360CustomerCoupon))),
]

#: ``Customer360ListWsDTO``: ``value`` holds one fragment per query, in the queries' order
CUSTOMER360_LIST: dict[str, Any] = {
    "type": "object", "title": "Customer360List",
    "properties": {"value": {"type": "array", "items": {"oneOf": FRAGMENTS}}}}


# -- the answers ------------------------------------------------------------------------------

#: what every ASM operation may answer besides its success (SAP's envelope, asm-api.md §3, §5)
ERRORS = {400: ("Bad parameters, unknown site, customer, list or cart", ErrorList),
          401: ("No token, or an invalid one (InvalidTokenError)", ErrorList),
          403: ("Not an agent (AccessDeniedError)", ErrorList),
          404: ("Disabled by the endpoint restrictions", ErrorList)}


def answers(status: int, value: Any) -> dict[int, Any]:
    return {status: value, **ERRORS}
