"""Replenishment order and quote WsDTOs (ReplenishmentOrder, Trigger, Quote, Comment and their
lists) and the request bodies of both families (ScheduleReplenishmentForm, QuoteStarter,
QuoteAction, QuoteMetadata, QuoteDiscount, CreateComment)."""
from __future__ import annotations

from typing import Any

import marshmallow as ma

from ... import dto as d
from ... import inputs as i
from ....commerce import quotes as q
from ....commerce.b2b_replenishment import display_time_table
from ....commerce.carts import Carts
from ....models import b2b as mb
from .carts import CART, _abstract_order, entry_dto, price_dto
from .users import principal_dto

TRIGGER = d.DtoType("Trigger", "activationTime displayTimeTable")
REPLENISHMENT_ORDER = d.DtoType(  # a Cart's properties and its own (SAP lists them flat)
    "ReplenishmentOrder",
    (*CART.properties, "active", "trigger", "firstDate", "replenishmentOrderCode"),
    BASIC="replenishmentOrderCode,active,trigger,firstDate,code,guid",
    DEFAULT="BASIC,totalItems,totalUnitCount,totalPrice(DEFAULT),totalPriceWithTax(DEFAULT),"
            "subTotal(DEFAULT),deliveryCost(DEFAULT),entries(DEFAULT),purchaseOrderNumber,"
            "paymentType(DEFAULT),costCenter(DEFAULT),deliveryAddress(DEFAULT),"
            "deliveryMode(DEFAULT),paymentInfo(DEFAULT),user(DEFAULT),site,store")
REPLENISHMENT_ORDER_LIST = d.DtoType("ReplenishmentOrderList",
                                     "replenishmentOrders sorts pagination")

COMMENT = d.DtoType("Comment", "text creationDate author fromCustomer")
QUOTE = d.DtoType(
    "Quote", "expirationTime code name state description version threshold cartId "
    "creationTime updatedTime allowedActions previousEstimatedTotal comments totalPriceWithTax "
    "totalPrice entries entryGroups totalItems quoteDiscounts sapQuoteDiscountsRate "
    "sapQuoteDiscountsType orderDiscounts subTotalWithDiscounts productDiscounts "
    "sapSubtotalExcludingOrderLevelDiscount sapAttachments sapOrderCode",
    BASIC="code,name,description,state,version,threshold,cartId,creationTime,updatedTime,"
          "expirationTime,allowedActions,totalPrice(BASIC),totalItems,sapOrderCode",
    DEFAULT="BASIC,totalPrice(DEFAULT),totalPriceWithTax(DEFAULT),previousEstimatedTotal(DEFAULT),"
            "comments(DEFAULT),entries(DEFAULT),quoteDiscounts(DEFAULT),sapQuoteDiscountsRate,"
            "sapQuoteDiscountsType,orderDiscounts(DEFAULT),productDiscounts(DEFAULT),"
            "subTotalWithDiscounts(DEFAULT)")
QUOTE_LIST = d.DtoType("QuoteList", "quotes pagination", DEFAULT="quotes(BASIC),pagination",
                       BASIC="quotes(BASIC),pagination")


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


# -- replenishment orders -------------------------------------------------------------------


def trigger_dto(r: mb.ReplenishmentOrder) -> d.Dto:
    return TRIGGER(activationTime=_iso(r.nextDate), displayTimeTable=display_time_table(r))


def replenishment_dto(carts: Carts, r: mb.ReplenishmentOrder, lang: str) -> d.Dto:
    """The template cart, priced now, with the schedule."""
    template = q.priced_copy(r.template)
    values = _abstract_order(carts, template, carts.totals(template), lang, updateable=False)
    return REPLENISHMENT_ORDER(values, replenishmentOrderCode=r.code, active=r.active,
                               firstDate=_iso(r.firstDate), trigger=trigger_dto(r))


class ScheduleReplenishmentFormBody(i.Body):
    """ScheduleReplenishmentForm; its rules by recurrence are the schedule's
    (``commerce.b2b_replenishment.schedule_from_form``)."""

    replenishmentStartDate = i.Text()
    numberOfDays = i.Text()
    numberOfWeeks = i.Text()
    nthDayOfMonth = i.Text()
    recurrencePeriod = i.Text()
    daysOfWeek = i.Texts()


# -- quotes ------------------------------------------------------------------------------------


def _comment_dto(c: mb.QuoteComment, names: dict[str, str | None]) -> d.Dto:
    return COMMENT(text=c.text, creationDate=_iso(c.date), fromCustomer=c.fromCustomer,
                   author=principal_dto(c.author, names.get(c.author) or c.author))


def quote_dto(service: q.Quotes, quote: mb.Quote, lang: str) -> d.Dto:
    carts = service.carts
    entries, totals = service.entries(quote)
    names = {}
    for c in quote.comments:
        principal = carts.db.principal(c.author)
        names[c.author] = getattr(principal, "name", None)
    entry_dtos = []
    for e in entries:
        dto = entry_dto(carts, e, lang, updateable=False)
        dto["comments"] = [_comment_dto(c, names) for c in quote.comments
                           if c.entryNumber == e.entryNumber]
        entry_dtos.append(dto)
    shown = service.shown_state(quote)
    cart = service.cart_of(quote)
    show_cart = cart is not None and not (service.user_type == q.BUYER
                                          and shown == "BUYER_SUBMITTED")

    def price(name: str) -> d.Dto | None:
        value = totals.get(name)
        return price_dto(carts.catalog, value, carts.currency, lang) if value is not None \
            else None

    discount = (totals.get("orderDiscounts") or 0.0) if totals else 0.0
    quote_discount = cart.quoteDiscount if cart is not None else (
        discount if quote.discountType else 0.0)
    subtotal = totals.get("subTotal")
    return QUOTE(
        code=quote.code, name=quote.name, description=quote.description, state=shown,
        version=quote.version, threshold=service.threshold(),
        cartId=cart.code if show_cart and cart else None,
        creationTime=_iso(quote.created), updatedTime=_iso(quote.updated),
        expirationTime=_iso(quote.expirationTime), allowedActions=service.allowed(quote),
        previousEstimatedTotal=price_dto(carts.catalog, quote.previousTotal, carts.currency,
                                         lang) if quote.previousTotal is not None else None,
        comments=[_comment_dto(c, names) for c in quote.comments if c.entryNumber is None],
        totalPrice=price("totalPrice"), totalPriceWithTax=price("totalPriceWithTax"),
        entries=entry_dtos, entryGroups=[], totalItems=len(entries),
        quoteDiscounts=price_dto(carts.catalog, quote_discount, carts.currency, lang),
        sapQuoteDiscountsRate=quote.discountRate, sapQuoteDiscountsType=quote.discountType,
        orderDiscounts=price("orderDiscounts"), productDiscounts=price("productDiscounts"),
        subTotalWithDiscounts=price_dto(carts.catalog, subtotal - discount, carts.currency,
                                        lang) if subtotal is not None else None,
        sapAttachments=[], sapOrderCode=quote.order)


class QuoteStarterBody(i.Body):
    cartId = i.Text()
    quoteCode = i.Text()


class QuoteActionBody(i.Body):
    """QuoteAction: ``action`` required."""

    action = i.Text(required=True)


class QuoteMetadataBody(i.Body):
    """QuoteMetadata: the name and description at most 255 characters (quoteNameValidator,
    quoteDescriptionValidator); the expiration time a date-time."""

    name = i.Text()
    description = i.Text()
    expirationTime = i.Text()

    @ma.validates_schema
    def _sap_rules(self, data: dict, **kwargs: Any) -> None:
        errors = {name: ["This field must not exceed 255 characters."]
                  for name in ("name", "description")
                  if isinstance(data.get(name), str) and len(data[name]) > 255}
        if isinstance(data.get("name"), str) and not data["name"].strip():
            errors["name"] = [i.REQUIRED]
        if errors:
            raise ma.ValidationError(errors)


class QuoteDiscountBody(i.Body):
    """QuoteDiscount: the type one of PERCENT, ABSOLUTE, TARGET (discountTypeValidator)."""

    discountType = i.Text(required=True)
    discountRate = i.Double(required=True)

    @ma.validates("discountType")
    def _type(self, value: str, **kwargs: Any) -> None:
        if value.strip().upper() not in q.DISCOUNT_TYPES:
            raise ma.ValidationError(f"Discount type [{value}] is not one of "
                                     f"{', '.join(q.DISCOUNT_TYPES)}")


class CreateCommentBody(i.Body):
    """CreateComment: the text required, at most 255 characters (quoteCommentValidator)."""

    text = i.Text(required=True, max_length=255)
