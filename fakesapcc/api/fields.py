"""SAP's ``fields`` parameter: one projection mechanism for every OCC DTO.

A DTO is built whole, as a ``Dto`` (a dict that knows its WsDTO type); ``project`` then keeps
what the ``fields`` expression asks for, with SAP's grammar:

- a comma-separated list of level names (``BASIC``, ``DEFAULT``, ``FULL``) and property names;
- ``prop(conf)`` applies ``conf`` to a nested DTO or to each element of a list of DTOs;
- a nested DTO named without parentheses gets its BASIC level;
- levels are defined per DTO type in ``LEVELS`` and may use other levels;
- an unknown property is an error (``Incorrect field:'x'``), whitespace is trimmed, null
  properties are left out.
"""
from __future__ import annotations

from typing import Any

from ..errors import ApiError

LEVEL_NAMES = ("BASIC", "DEFAULT", "FULL")
MAX_DEPTH = 50  # nesting deeper than any DTO is refused, not recursed into


class Dto(dict):
    """A WsDTO: a dict of its properties (None = not set) that knows its SAP type name."""

    __slots__ = ("dto",)

    def __init__(self, dto: str, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.dto = dto


# Level definitions per WsDTO type (SAP's dto-level-mappings). ``*`` = every property.
LEVELS: dict[str, dict[str, str]] = {
    "User": {
        "BASIC": "uid,name,firstName,lastName,title,titleCode,displayUid,customerId,"
                 "defaultAddress,language,currency,deactivationDate",
        "DEFAULT": "BASIC,defaultAddress(DEFAULT),language(DEFAULT),currency(DEFAULT),orgUnit,"
                   "roles,email,active",
        "FULL": "*",
    },
    "Principal": {"BASIC": "uid,name", "DEFAULT": "uid,name", "FULL": "uid,name"},
    "B2BUnit": {"BASIC": "uid,name", "DEFAULT": "uid,name,active", "FULL": "*"},
    "Address": {
        "BASIC": "id",
        "DEFAULT": "BASIC,firstName,lastName,titleCode,phone,cellphone,line1,line2,postalCode,"
                   "country,region,district,town,defaultAddress",
        "FULL": "*",
    },
    "Country": {"BASIC": "isocode", "DEFAULT": "isocode,name", "FULL": "*"},
    "Region": {"BASIC": "isocode", "DEFAULT": "BASIC,name", "FULL": "*"},
    "Language": {"BASIC": "*", "DEFAULT": "*", "FULL": "*"},
    "Product": {
        "BASIC": "purchasable,stock,name,baseProduct,availableForPickup,code,url,price",
        "DEFAULT": "summary,averageRating,purchasable,stock(DEFAULT),description,"
                   "variantMatrix(DEFAULT),name,baseOptions(DEFAULT),baseProduct,availableForPickup,"
                   "variantOptions(DEFAULT),code,url,price(DEFAULT),numberOfReviews,manufacturer,"
                   "categories(BASIC,name),priceRange,multidimensional,configuratorType,"
                   "configurable,tags",
        "FULL": "*",
    },
    "Price": {"BASIC": "value,currencyIso",
              "DEFAULT": "currencyIso,priceType,value,maxQuantity,minQuantity,formattedValue",
              "FULL": "currencyIso,priceType,value,maxQuantity,minQuantity,formattedValue"},
    "Image": {"BASIC": "url", "DEFAULT": "url,format,imageType",
              "FULL": "galleryIndex,imageType,format,altText,url"},
    "Stock": {"BASIC": "stockLevel", "DEFAULT": "stockLevelStatus,stockLevel,isValueRounded",
              "FULL": "stockLevelStatus,stockLevel,isValueRounded"},
    "Category": {"BASIC": "code", "DEFAULT": "image(DEFAULT),code,name",
                 "FULL": "image(FULL),code,name,url"},
    "ProductSearchPage": {
        "BASIC": "freeTextSearch,keywordRedirectUrl,categoryCode,products,pagination",
        "DEFAULT": "freeTextSearch,keywordRedirectUrl,categoryCode,spellingSuggestion(DEFAULT),"
                   "currentQuery(DEFAULT),breadcrumbs(DEFAULT),products(DEFAULT),"
                   "pagination(DEFAULT),sorts(DEFAULT)",
        "FULL": "*",
    },
    "Facet": {"BASIC": "multiSelect,category,values,visible,priority,name,topValues",
              "DEFAULT": "multiSelect,category,values(DEFAULT),visible,priority,name,"
                         "topValues(DEFAULT)",
              "FULL": "*"},
    "FacetValue": {"BASIC": "name,count,query,selected", "DEFAULT": "name,count,query,selected",
                   "FULL": "*"},
    "SearchState": {"BASIC": "url,query", "DEFAULT": "url,query", "FULL": "*"},
    "Cart": {"BASIC": "code,guid",
             "DEFAULT": "code,guid,totalItems,totalPrice,totalPriceWithTax,entries(DEFAULT)",
             "FULL": "*"},
    "OrderEntry": {
        "BASIC": "entryNumber,quantity,deliveryPointOfService,configurationInfos,statusSummaryList",
        "DEFAULT": "entryNumber,quantity,deliveryPointOfService,configurationInfos,"
                   "statusSummaryList,totalPrice,product(DEFAULT),cancellableQuantity,"
                   "cancelledItemsPrice(DEFAULT),returnableQuantity,returnedItemsPrice(DEFAULT)",
        "FULL": "*"},
    "CartModification": {
        "BASIC": "statusCode,entry,quantity,quantityAdded,deliveryModeChanged",
        "DEFAULT": "statusCode,entry(DEFAULT),quantity,quantityAdded,deliveryModeChanged,statusMessage",
        "FULL": "*"},
    "DeliveryMode": {"BASIC": "code", "DEFAULT": "description,name,code,deliveryCost(DEFAULT)",
                     "FULL": "*"},
    "PaymentDetails": {
        "BASIC": "id",
        "DEFAULT": "id,accountHolderName,cardType(DEFAULT),cardNumber,startMonth,startYear,"
                   "expiryMonth,expiryYear,issueNumber,subscriptionId,saved,defaultPayment,"
                   "billingAddress(DEFAULT)",
        "FULL": "*"},
    "Voucher": {"BASIC": "code,voucherCode,name,value",
                "DEFAULT": "code,voucherCode,name,value,currency(DEFAULT)", "FULL": "*"},
    "Order": {
        "BASIC": "code,guid",
        "DEFAULT": "code,guid,net,totalItems,totalUnitCount,totalPrice(DEFAULT),"
                   "totalPriceWithTax(DEFAULT),totalTax(DEFAULT),subTotal(DEFAULT),"
                   "deliveryCost(DEFAULT),totalDiscounts(DEFAULT),productDiscounts(DEFAULT),"
                   "orderDiscounts(DEFAULT),entries(DEFAULT),deliveryAddress(DEFAULT),"
                   "deliveryMode(DEFAULT),paymentInfo(DEFAULT),appliedVouchers(DEFAULT),"
                   "user(DEFAULT),site,store,calculated,status,statusDisplay,created,"
                   "guestCustomer,consignments(DEFAULT),unconsignedEntries(DEFAULT),"
                   "pickupOrderGroups(DEFAULT),deliveryOrderGroups(DEFAULT),"
                   "pickupItemsQuantity,deliveryItemsQuantity,cancellable,returnable",
        "FULL": "*"},
    "OrderHistory": {"BASIC": "total,guid,status,statusDisplay,code,placed",
                     "DEFAULT": "total(DEFAULT),guid,status,statusDisplay,code,placed",
                     "FULL": "*"},
    "Catalog": {"BASIC": "id,name,catalogVersions",
                "DEFAULT": "id,name,url,catalogVersions(DEFAULT)", "FULL": "*"},
    "CatalogVersion": {"BASIC": "id,name", "DEFAULT": "id,name,url,categories(DEFAULT)",
                       "FULL": "*"},
    "CategoryHierarchy": {"BASIC": "id,name,url", "DEFAULT": "id,name,url,subcategories(DEFAULT)",
                          "FULL": "*"},
    "PointOfService": {"BASIC": "name,displayName", "DEFAULT": "*", "FULL": "*"},
    "Review": {"BASIC": "id,headline,comment,rating,date,alias,principal", "DEFAULT": "*", "FULL": "*"},
    "Currency": {"BASIC": "*", "DEFAULT": "*", "FULL": "*"},
    "Title": {"BASIC": "*", "DEFAULT": "*", "FULL": "*"},
}


def parse_fields(expression: str) -> list[tuple[str, str | None]]:
    """Split one level of a fields expression into ``(name, sub-expression or None)``."""
    items: list[tuple[str, str | None]] = []
    text = expression.strip()
    if not text:
        return items
    i, n = 0, len(text)
    while i < n:
        j = i
        while j < n and text[j] not in ",()":
            j += 1
        name = text[i:j].strip()
        if not name:
            raise _conversion("Incorrect configuration")
        if j < n and text[j] == "(":
            depth, k = 1, j + 1
            while k < n and depth:
                depth += {"(": 1, ")": -1}.get(text[k], 0)
                k += 1
            if depth:
                raise _conversion("Incorrect configuration : Missing ')'")
            sub = text[j + 1:k - 1]
            if not sub.strip():
                raise _conversion("Incorrect configuration")
            items.append((name, sub))
            j = k
            while j < n and text[j] == " ":
                j += 1
        else:
            items.append((name, None))
        if j < n:
            if text[j] == ")":
                raise _conversion("Incorrect configuration")
            if text[j] == ",":
                j += 1
                if j >= n or not text[j:].strip():
                    raise _conversion("Incorrect configuration")
        i = j
    return items


def _conversion(message: str) -> ApiError:
    return ApiError(400, "ConversionError", message)


def _selection(dto: Dto, expression: str, depth: int = 0) -> dict[str, list[str | None]]:
    """Property name → the sub-expressions asked for it (None = nested BASIC). A property asked
    for twice gets the union of both, as SAP's field set builder collects paths."""
    if depth > 10:
        raise _conversion("Incorrect configuration")
    levels = LEVELS.get(dto.dto, {})
    selected: dict[str, list[str | None]] = {}
    for name, sub in parse_fields(expression):
        if name in LEVEL_NAMES:
            if sub is not None:
                raise _conversion(f"Incorrect configuration : field '{name}' don't need configuration")
            definition = levels.get(name, "*")
            if definition == "*":
                for prop in dto:  # every property, nested DTOs at the same level
                    selected.setdefault(prop, []).append(name if _is_dto(dto[prop]) else None)
            else:
                for prop, subs in _selection(dto, definition, depth + 1).items():
                    selected.setdefault(prop, []).extend(subs)
            continue
        if name not in dto:
            raise _conversion(f"Incorrect field:'{name}'")
        selected.setdefault(name, []).append(sub)
    return selected


def project(value: Any, expression: str = "DEFAULT") -> Any:
    """Keep what ``expression`` asks for of a Dto (or a list of them); drop nulls."""
    if isinstance(value, list):
        return [project(v, expression) for v in value]
    if not isinstance(value, Dto):
        return value
    result: dict[str, Any] = {}
    for prop, subs in _selection(value, expression).items():
        item = value[prop]
        if item is None or (isinstance(item, list) and not item):
            # nothing to project into; the configuration asked for must still parse
            for sub in subs:
                if sub is not None:
                    check_syntax(sub)
            if item is None:
                continue
        if _is_dto(item):
            item = project(item, ",".join(dict.fromkeys(s or "BASIC" for s in subs)))
        elif any(s is not None for s in subs) and not (isinstance(item, list) and not item):
            raise _conversion(f"Incorrect configuration : field '{prop}' don't need configuration")
        result[prop] = item
    return result


def check_syntax(expression: str, depth: int = 0) -> None:
    """What can be told of an expression without the DTO it projects: its syntax, and that
    no level takes a configuration (a write checks this before it changes anything)."""
    if depth > MAX_DEPTH or (depth == 0 and _nesting(expression) > MAX_DEPTH):
        raise _conversion("Incorrect configuration")
    for name, sub in parse_fields(expression):
        if sub is not None:
            if name in LEVEL_NAMES:
                raise _conversion(f"Incorrect configuration : field '{name}' don't need configuration")
            check_syntax(sub, depth + 1)


def _nesting(expression: str) -> int:
    """How deep the parentheses of an expression go (checked in one pass, before parsing)."""
    deepest = depth = 0
    for char in expression:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    return deepest


def _is_dto(value: Any) -> bool:
    return isinstance(value, Dto) or (isinstance(value, list) and bool(value)
                                      and isinstance(value[0], Dto))
