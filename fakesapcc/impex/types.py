"""The SAP types the ImpEx loader knows: for each type code, its model, where its items live in
the store, its natural key and its attributes.

Type codes and attribute qualifiers are matched case-insensitively, as SAP does. An attribute's
``kind`` says how a cell becomes a value:

- ``str``, ``bool``, ``int``, ``float``, ``date``: atomic values;
- ``localized``: one language of a ``dict[lang, str]`` (the column's ``lang`` modifier);
- ``enum``: an enumeration code, written plain (``IN_STORE``) or as ``type(code)``;
- ``strs``: a collection of atomic values (``authorities``, ``urlPatterns``);
- ``ref`` / ``refs``: one or several references to items of ``target``, resolved by the
  column's pattern; the field stores the target's identifier (see ``TypeDef.ident``);
- ``password``: a plain password, optionally prefixed ``plain:``;
- ``daterange``: SAP's StandardDateRange, two dates separated by a comma (``dateRange``).
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
import dataclasses
from dataclasses import dataclass, field
from typing import Any

from .. import models as m
from ..models import b2b as mb
from ..models import cms as mc
from ..models import promotions as mp
from ..db import uid_key


@dataclass(frozen=True)
class Attr:
    field: str
    kind: str = "str"
    target: str | None = None  # type code, for ref/refs
    hook: str | None = None  # a loader hook that writes this attribute instead of setattr


@dataclass
class TypeDef:
    code: str
    model: type | None  # None for relation types
    collection: str | None  # State attribute holding the items
    key: tuple[str, ...]  # qualifiers of the natural key (lower-case); () = by pk
    attrs: dict[str, Attr] = field(default_factory=dict)
    parent: str | None = None
    ident: Callable[[Any], Any] = lambda item: item.pk  # what a reference to an item stores
    store_key: Callable[[Any], Any] = lambda item: item.pk  # the item's key in its collection
    kind_of: str | None = None  # for DeliveryMode: the SAP subtype name written on the item
    relation: tuple[str, str, str] | None = None  # (source type, target type, hook) for relations
    defaults: Callable[[], dict[str, Any]] | None = None  # values a new item gets unless given

    def attr(self, qualifier: str) -> Attr | None:
        return self.attrs.get(qualifier.lower())


def _principal_ident(p: m.Principal) -> str:
    return p.uid


def _principal_key(p: m.Principal) -> str:
    return uid_key(p.uid)


def _versioned_key(item: Any) -> tuple[str, str, str]:
    return (item.catalogVersion[0], item.catalogVersion[1], item.code)


def _media_key(item: Any) -> tuple[Any, str]:
    return (item.catalogVersion, getattr(item, "code", None) or getattr(item, "qualifier"))


A = Attr
_TYPES: dict[str, TypeDef] = {}


def _define(code: str, model: type | None, collection: str | None, key: Iterable[str],
            attrs: dict[str, Attr], parent: str | None = None, **kw: Any) -> TypeDef:
    merged: dict[str, Attr] = {}
    if parent:
        merged.update(_TYPES[parent.lower()].attrs)
        base = _TYPES[parent.lower()]
        kw.setdefault("ident", base.ident)
        kw.setdefault("store_key", base.store_key)
    merged.update({k.lower(): v for k, v in attrs.items()})
    td = TypeDef(code, model, collection, tuple(k.lower() for k in key), merged, parent, **kw)
    _TYPES[code.lower()] = td
    return td


def _simple(attr: str) -> dict[str, Callable[[Any], Any]]:
    return {"ident": lambda i: getattr(i, attr), "store_key": lambda i: getattr(i, attr)}


# -- internationalization -------------------------------------------------------------------
_define("Language", m.Language, "languages", ["isocode"], {
    "isocode": A("isocode"), "name": A("name", "localized"), "active": A("active", "bool"),
}, **_simple("isocode"))
_define("Currency", m.Currency, "currencies", ["isocode"], {
    "isocode": A("isocode"), "name": A("name", "localized"), "symbol": A("symbol"),
    "digits": A("digits", "int"), "active": A("active", "bool"),
    "conversion": A("conversion", "float"), "base": A("base", "bool"),
}, **_simple("isocode"))
_define("Country", m.Country, "countries", ["isocode"], {
    "isocode": A("isocode"), "name": A("name", "localized"), "active": A("active", "bool"),
}, **_simple("isocode"))
_define("Region", m.Region, "regions", ["isocode"], {
    "isocode": A("isocode"), "country": A("country", "ref", "Country"),
    "name": A("name", "localized"), "isocodeshort": A("isocodeShort"), "active": A("active", "bool"),
}, **_simple("isocode"))
_define("City", m.City, "cities", ["isocode"], {
    "isocode": A("isocode"), "region": A("region", "ref", "Region"),
    "name": A("name", "localized"),
}, **_simple("isocode"))
_define("District", m.District, "districts", ["isocode"], {
    "isocode": A("isocode"), "city": A("city", "ref", "City"),
    "name": A("name", "localized"),
}, **_simple("isocode"))
_define("Title", m.Title, "titles", ["code"], {
    "code": A("code"), "name": A("name", "localized"),
}, **_simple("code"))
_define("CreditCardType", m.CreditCardType, "card_types", ["code"], {
    "code": A("code"), "name": A("name", "localized"),
}, **_simple("code"))

# -- catalog --------------------------------------------------------------------------------
_define("Catalog", m.Catalog, "catalogs", ["id"], {
    "id": A("id"), "name": A("name", "localized"), "defaultcatalog": A("defaultCatalog", "bool"),
}, **_simple("id"))
_define("CatalogVersion", m.CatalogVersion, "catalog_versions", ["catalog", "version"], {
    "catalog": A("catalog", "ref", "Catalog"), "version": A("version"),
    "active": A("active", "bool"), "languages": A("languages", "refs", "Language"),
}, ident=lambda cv: cv.key, store_key=lambda cv: cv.key)
_define("Category", m.Category, "categories", ["code", "catalogversion"], {
    "code": A("code"), "catalogversion": A("catalogVersion", "ref", "CatalogVersion"),
    "name": A("name", "localized"), "description": A("description", "localized"),
    "supercategories": A("supercategories", "refs", "Category"),
    "picture": A("picture", "ref", "Media"), "order": A("order", "int"),
}, ident=lambda c: c.code, store_key=_versioned_key)
_define("MediaFormat", m.MediaFormat, "media_formats", ["qualifier"], {
    "qualifier": A("qualifier"), "name": A("name", "localized"),
}, **_simple("qualifier"))
_define("MediaContainer", m.MediaContainer, "media_containers", ["qualifier", "catalogversion"], {
    "qualifier": A("qualifier"), "catalogversion": A("catalogVersion", "ref", "CatalogVersion"),
}, ident=lambda c: c.qualifier, store_key=_media_key)
_define("Media", m.Media, "media", ["code", "catalogversion"], {
    "code": A("code"), "catalogversion": A("catalogVersion", "ref", "CatalogVersion"),
    "url": A("url"), "internalurl": A("url"), "mime": A("mime"), "alttext": A("altText"),
    "mediaformat": A("mediaFormat", "ref", "MediaFormat"),
    "mediacontainer": A("mediaContainer", "ref", "MediaContainer"),
}, ident=lambda x: x.code, store_key=_media_key)
_define("Product", m.Product, "products", ["code", "catalogversion"], {
    "code": A("code"), "catalogversion": A("catalogVersion", "ref", "CatalogVersion"),
    "name": A("name", "localized"), "summary": A("summary", "localized"),
    "description": A("description", "localized"), "manufacturername": A("manufacturerName"),
    "manufactureraid": A("manufacturerAID"), "ean": A("ean"), "unit": A("unit", "enum"),
    "approvalstatus": A("approvalStatus", "enum"),
    "supercategories": A("supercategories", "refs", "Category"),
    "picture": A("picture", "ref", "Media"), "thumbnail": A("thumbnail", "ref", "Media"),
    "galleryimages": A("galleryImages", "refs", "MediaContainer"),
    "onlinedate": A("onlineDate", "date"), "offlinedate": A("offlineDate", "date"),
}, ident=lambda p: p.code, store_key=_versioned_key)
_define("PriceRow", m.PriceRow, "price_rows", [], {
    "product": A("product", "ref", "Product"), "productid": A("product"),
    "currency": A("currency", "ref", "Currency"), "price": A("price", "float"),
    "catalogversion": A("catalogVersion", "ref", "CatalogVersion"), "unit": A("unit", "enum"),
    "net": A("net", "bool"), "minqtd": A("minqtd", "int"),
})
_define("Warehouse", m.Warehouse, "warehouses", ["code"], {
    "code": A("code"), "name": A("name", "localized"), "default": A("default", "bool"),
}, **_simple("code"))
_define("StockLevel", m.StockLevel, "stock_levels", [], {
    "productcode": A("productCode"), "warehouse": A("warehouse", "ref", "Warehouse"),
    "available": A("available", "int"), "reserved": A("reserved", "int"),
    "instockstatus": A("inStockStatus", "enum"), "maxpreorder": A("maxPreOrder", "int"),
})

_define("CustomerReview", m.CustomerReview, "reviews", [], {
    "product": A("product", "ref", "Product"), "user": A("user", "ref", "User"),
    "rating": A("rating", "float"), "headline": A("headline"), "comment": A("comment"),
    "alias": A("alias"), "date": A("date", "date"),
    "approvalstatus": A("approvalStatus", "enum"),
})
_define("ProductReference", m.ProductReference, "product_references", [], {
    "source": A("source", "ref", "Product"), "target": A("target", "ref", "Product"),
    "referencetype": A("referenceType", "enum"), "description": A("description"),
    "quantity": A("quantity", "int"), "preselected": A("preselected", "bool"),
    "active": A("active", "bool"),
})

# -- principals -----------------------------------------------------------------------------
_define("Principal", m.Principal, "principals", ["uid"], {
    "uid": A("uid"), "name": A("name"), "description": A("description"),
    "groups": A("groups", "refs", "PrincipalGroup", hook="groups"),
}, ident=_principal_ident, store_key=_principal_key)
_define("PrincipalGroup", m.UserGroup, "principals", ["uid"], {
    "locname": A("locname", "localized"),
    "members": A("members", "refs", "Principal", hook="members"),
}, parent="Principal")
_define("UserGroup", m.UserGroup, "principals", ["uid"], {}, parent="PrincipalGroup")
_define("CsAgentGroup", m.CsAgentGroup, "principals", ["uid"], {}, parent="UserGroup")
_define("StoreEmployeeGroup", m.StoreEmployeeGroup, "principals", ["uid"], {
    "store": A("store", "ref", "PointOfService"),
}, parent="UserGroup")
_define("SiteEmployeeGroup", m.SiteEmployeeGroup, "principals", ["uid"], {
    "visiblesite": A("visibleSite", "ref", "BaseSite"),
}, parent="UserGroup")
_define("CustomerList", m.CustomerList, "principals", ["uid"], {
    "implementationtype": A("implementationType", "enum"), "priority": A("priority", "int"),
    "searchboxenabled": A("searchBoxEnabled", "bool"),
    "additionalcolumnskeys": A("additionalColumnsKeys", "strs"),
}, parent="UserGroup")
_define("B2BUnit", m.B2BUnit, "principals", ["uid"], {
    "active": A("active", "bool"), "lineofbusiness": A("lineOfBusiness", "enum"),
    "buyer": A("buyer", "bool"), "approvers": A("approvers", "refs", "B2BCustomer"),
    "approvalprocesscode": A("approvalProcessCode"),
    "creditlimit": A("creditLimit", "ref", "B2BCreditLimit"),
    "accountmanager": A("accountManager", "ref", "Employee"),
}, parent="UserGroup")
_define("User", m.User, "principals", ["uid"], {
    "password": A("password", "password"), "logindisabled": A("loginDisabled", "bool"),
    "deactivationdate": A("deactivationDate", "date"),
    "sessionlanguage": A("sessionLanguage", "ref", "Language"),
    "sessioncurrency": A("sessionCurrency", "ref", "Currency"),
    "defaultshipmentaddress": A("defaultShipmentAddress", "ref", "Address"),
    "defaultpaymentaddress": A("defaultPaymentAddress", "ref", "Address"),
}, parent="Principal")
_define("Employee", m.Employee, "principals", ["uid"], {}, parent="User")
_define("Customer", m.Customer, "principals", ["uid"], {
    "customerid": A("customerId", hook="customer_id"), "originaluid": A("originalUid"),
    "title": A("title", "ref", "Title"), "type": A("type", "enum"),
    "site": A("site", "ref", "BaseSite"), "creationtime": A("creationtime", "date"),
}, parent="User")
_define("B2BCustomer", m.B2BCustomer, "principals", ["uid"], {
    "email": A("email"), "defaultb2bunit": A("defaultB2BUnit", "ref", "B2BUnit"),
    "active": A("active", "bool"), "approvers": A("approvers", "refs", "B2BCustomer"),
    "permissions": A("permissions", "refs", "B2BPermission"),
}, parent="Customer")

# -- organisation ---------------------------------------------------------------------------
_define("Address", m.Address, "addresses", [], {
    "owner": A("owner", "ref", "Principal", hook="owner"),
    "title": A("title", "ref", "Title"), "firstname": A("firstname"), "lastname": A("lastname"),
    "company": A("company"), "streetname": A("streetname"), "streetnumber": A("streetnumber"),
    "postalcode": A("postalcode"), "town": A("town"), "district": A("district"),
    "country": A("country", "ref", "Country"), "region": A("region", "ref", "Region"),
    "phone1": A("phone1"), "cellphone": A("cellphone"), "email": A("email"),
    "duplicate": A("duplicate", "bool"), "billingaddress": A("billingAddress", "bool"),
    "shippingaddress": A("shippingAddress", "bool"), "contactaddress": A("contactAddress", "bool"),
    "visibleinaddressbook": A("visibleInAddressBook", "bool"),
})
_define("PointOfService", m.PointOfService, "points_of_service", ["name"], {
    "name": A("name"), "displayname": A("displayName"), "type": A("type", "enum"),
    "description": A("description"), "address": A("address", "ref", "Address"),
    "latitude": A("latitude", "float"), "longitude": A("longitude", "float"),
    "basestore": A("basestore", "ref", "BaseStore"), "features": A("features", "strs"),
    "warehouses": A("warehouses", "refs", "Warehouse"),
}, **_simple("name"))
_define("BaseSite", m.BaseSite, "base_sites", ["uid"], {
    "uid": A("uid"), "name": A("name", "localized"), "stores": A("stores", "refs", "BaseStore"),
    "channel": A("channel", "enum"), "active": A("active", "bool"),
    "defaultlanguage": A("defaultLanguage", "ref", "Language"), "theme": A("theme", "enum"),
    "urlpatterns": A("urlPatterns", "strs"),
    "requiresauthentication": A("requiresAuthentication", "bool"),
    "isolated": A("isolated", "bool"), "urlencodingattributes": A("urlEncodingAttributes", "strs"),
}, **_simple("uid"))
_define("CMSSite", m.BaseSite, "base_sites", ["uid"], {
    "contentcatalogs": A("contentCatalogs", "refs", "ContentCatalog"),
}, parent="BaseSite")
_define("BaseStore", m.BaseStore, "base_stores", ["uid"], {
    "uid": A("uid"), "name": A("name", "localized"), "catalogs": A("catalogs", "refs", "Catalog"),
    "currencies": A("currencies", "refs", "Currency"),
    "defaultcurrency": A("defaultCurrency", "ref", "Currency"),
    "languages": A("languages", "refs", "Language"),
    "defaultlanguage": A("defaultLanguage", "ref", "Language"),
    "deliverycountries": A("deliveryCountries", "refs", "Country"),
    "billingcountries": A("billingCountries", "refs", "Country"), "net": A("net", "bool"),
    "pickupinstoremode": A("pickupInStoreMode", "enum"),
    "warehouses": A("warehouses", "refs", "Warehouse"),
    "deliverymodes": A("deliveryModes", "refs", "DeliveryMode"),
}, **_simple("uid"))
_define("Zone", m.Zone, "zones", ["code"], {
    "code": A("code"), "countries": A("countries", "refs", "Country"),
}, **_simple("code"))
_define("DeliveryMode", m.DeliveryMode, "delivery_modes", ["code"], {
    "code": A("code"), "name": A("name", "localized"), "description": A("description", "localized"),
    "active": A("active", "bool"), "net": A("net", "bool"),
}, kind_of="DeliveryMode", **_simple("code"))
_define("ZoneDeliveryMode", m.DeliveryMode, "delivery_modes", ["code"], {}, parent="DeliveryMode",
        kind_of="ZoneDeliveryMode")
_define("PickUpDeliveryMode", m.DeliveryMode, "delivery_modes", ["code"], {},
        parent="DeliveryMode", kind_of="PickUpDeliveryMode")
_define("ZoneDeliveryModeValue", m.ZoneDeliveryModeValue, "zone_delivery_values", [], {
    "deliverymode": A("deliveryMode", "ref", "DeliveryMode"), "zone": A("zone", "ref", "Zone"),
    "currency": A("currency", "ref", "Currency"), "value": A("value", "float"),
    "minimum": A("minimum", "float"),
})
# -- orders ---------------------------------------------------------------------------------
# An order as a data set carries it: its totals as its columns give them (SAP imports an order
# uncalculated); what they leave out is summed from its entries when the file has loaded.
_TOTALS = {name.lower(): A(name, "float", hook="totals") for name in (
    "totalPrice", "subTotal", "deliveryCost", "totalTax", "totalDiscounts", "totalPriceWithTax")}
_TOTALS["subtotal"] = A("subTotal", "float", hook="totals")
_define("Order", m.Order, "orders", ["code"], {
    "code": A("code"), "guid": A("guid"), "user": A("user", "ref", "User"),
    "date": A("created", "date"), "creationtime": A("created", "date"),
    "currency": A("currency", "ref", "Currency"), "site": A("site", "ref", "BaseSite"),
    "store": A("store", "ref", "BaseStore"), "status": A("status", "enum"),
    "deliverymode": A("deliveryMode", "ref", "DeliveryMode"),
    "deliveryaddress": A("deliveryAddress", "ref", "Address"), "net": A("net", "bool"),
    "name": A("name"), "description": A("description"), **_TOTALS,
}, defaults=lambda: {"guid": uuid.uuid4().hex}, **_simple("code"))
_define("OrderEntry", m.OrderEntry, "order_entries", ["order", "entrynumber"], {
    "order": A("order", "ref", "Order"), "entrynumber": A("entryNumber", "int"),
    "product": A("product", "ref", "Product"), "quantity": A("quantity", "int"),
    "baseprice": A("basePrice", "float"),
    "deliverypointofservice": A("deliveryPointOfService", "ref", "PointOfService"),
}, ident=lambda e: (e.order, e.entryNumber), store_key=lambda e: (e.order, e.entryNumber))
_define("Consignment", m.Consignment, "consignments", ["code"], {
    "code": A("code"), "order": A("order", "ref", "Order"), "status": A("status", "enum"),
    "warehouse": A("warehouse", "ref", "Warehouse"),
    "deliverypointofservice": A("deliveryPointOfService", "ref", "PointOfService"),
    "entries": A("entries", "strs"), "creationtime": A("created", "date"),
}, **_simple("code"))

_define("OAuthClientDetails", m.OAuthClientDetails, "oauth_clients", ["clientid"], {
    "clientid": A("clientId"), "clientsecret": A("clientSecret", "password"),
    "authorities": A("authorities", "strs"), "scope": A("scope", "strs"),
    "authorizedgranttypes": A("authorizedGrantTypes", "strs"),
    "registeredredirecturi": A("registeredRedirectUri", "strs"),
    "resourceids": A("resourceIds", "strs"),
    "accesstokenvalidityseconds": A("accessTokenValiditySeconds", "int"),
    "refreshtokenvalidityseconds": A("refreshTokenValiditySeconds", "int"),
    "public": A("public", "bool"), "loginpageuri": A("loginPageUri"),
}, **_simple("clientId"))
_define("OpenIDClientDetails", m.OAuthClientDetails, "oauth_clients", ["clientid"], {},
        parent="OAuthClientDetails")
_define("PromotionVoucher", m.PromotionVoucher, "vouchers", ["code"], {
    "code": A("code"), "vouchercode": A("voucherCode"), "name": A("name", "localized"),
    "description": A("description", "localized"), "value": A("value", "float"),
    "currency": A("currency", "ref", "Currency"), "freeshipping": A("freeShipping", "bool"),
    "redemptionquantitylimit": A("redemptionQuantityLimit", "int"),
    "redemptionquantitylimitperuser": A("redemptionQuantityLimitPerUser", "int"),
}, **_simple("code"))

# -- promotions (a simplified PromotionSourceRule: docs/fidelity.md), customer coupons, tickets
_define("PromotionSourceRule", mp.PromotionRule, "promotion_rules", ["code"], {
    "code": A("code"), "kind": A("kind", "enum"), "name": A("name", "localized"),
    "description": A("description", "localized"),
    "messagefired": A("messageFired", "localized"),
    "messagepotential": A("messagePotential", "localized"),
    "priority": A("priority", "int"), "status": A("status", "enum"),
    "website": A("promotionGroup"), "promotiongroup": A("promotionGroup"),
    "startdate": A("startDate", "date"), "enddate": A("endDate", "date"),
    "value": A("value", "float"), "currency": A("currency", "ref", "Currency"),
    "threshold": A("threshold", "float"), "potentialfrom": A("potentialFrom", "float"),
    "products": A("products", "strs"), "categories": A("categories", "strs"),
    "qualifyingcount": A("qualifyingCount", "int"), "freecount": A("freeCount", "int"),
    "coupons": A("coupons", "strs"), "orderrestricted": A("orderRestricted", "bool"),
}, **_simple("code"))
_define("CustomerCoupon", mp.CustomerCoupon, "customer_coupons", ["couponid"], {
    "couponid": A("couponId"), "name": A("name", "localized"),
    "description": A("description", "localized"), "active": A("active", "bool"),
    "startdate": A("startDate", "date"), "enddate": A("endDate", "date"),
    "maxredemptionspercustomer": A("maxRedemptionsPerCustomer", "int"),
    "maxtotalredemptions": A("maxTotalRedemptions", "int"),
    "customers": A("customers", "refs", "Customer"),
}, **_simple("couponId"))
_define("CsTicketCategory", mp.TicketCategory, "ticket_categories", ["code"], {
    "code": A("code"), "name": A("name", "localized"),
}, **_simple("code"))
_define("StandardPaymentMode", mp.PaymentMode, "payment_modes", ["code"], {
    "code": A("code"), "name": A("name", "localized"),
    "description": A("description", "localized"), "active": A("active", "bool"),
    "paymentinfotype": A("paymentInfoType"),
}, **_simple("code"))
_define("CsTicket", mp.Ticket, "tickets", ["ticketid"], {
    "ticketid": A("id"), "customer": A("customer", "ref", "Customer"),
    "basesite": A("site", "ref", "BaseSite"), "headline": A("subject"),
    "category": A("category", "enum"), "state": A("status", "enum"),
    "associatedtype": A("associatedType"), "associatedcode": A("associatedCode"),
    "message": A("message"), "creationtime": A("created", "date"),
    "modifiedtime": A("modified", "date"),
}, **_simple("id"))

_define("ConsentTemplate", m.ConsentTemplate, "consent_templates", ["id", "version"], {
    "id": A("id"), "version": A("version", "int"), "basesite": A("baseSite", "ref", "BaseSite"),
    "name": A("name", "localized"), "description": A("description", "localized"),
    "exposed": A("exposed", "bool"),
}, ident=lambda t: t.id, store_key=lambda t: (t.id, t.version))

# -- CMS: content catalogs, their pages, templates, slots, components and restrictions ------
# Items of a content catalog version are keyed (catalog, version, uid), and a reference stores
# that key; ``kind_of`` writes the row's type code on the item (``typeCode``).
_define("ContentCatalog", mc.ContentCatalog, "catalogs", ["id"], {}, parent="Catalog")


def _cms_key(item: Any) -> tuple[str, str, str]:
    return (item.catalogVersion[0], item.catalogVersion[1], item.uid)


_CMS = {"ident": _cms_key, "store_key": _cms_key}
_CV = {"uid": A("uid"), "catalogversion": A("catalogVersion", "ref", "CatalogVersion")}
_define("PageTemplate", mc.PageTemplate, "cms_page_templates", ["uid", "catalogversion"], {
    **_CV, "name": A("name"), "frontendtemplatename": A("frontendTemplateName"),
}, **_CMS)
_define("ContentSlotName", mc.ContentSlotName, "cms_slot_names", ["name", "template"], {
    "name": A("name"), "template": A("template", "ref", "PageTemplate"),
    "validcomponenttypes": A("validComponentTypes", "strs"),
}, ident=lambda x: (x.template, x.name), store_key=lambda x: (x.template, x.name))
_RESTRICTED = {"restrictions": A("restrictions", "refs", "AbstractRestriction"),
               "onlyonerestrictionmustapply": A("onlyOneRestrictionMustApply", "bool")}
_define("AbstractPage", mc.CMSPage, "cms_pages", ["uid", "catalogversion"], {
    **_CV, "name": A("name"), "title": A("title", "localized"),
    "description": A("description", "localized"),
    "mastertemplate": A("masterTemplate", "ref", "PageTemplate"),
    "defaultpage": A("defaultPage", "bool"), "approvalstatus": A("approvalStatus", "enum"),
    "robottag": A("robotTag", "enum"), **_RESTRICTED,
}, kind_of="AbstractPage", **_CMS)
_define("ContentPage", mc.CMSPage, "cms_pages", ["uid", "catalogversion"], {
    "label": A("label"), "homepage": A("homepage", "bool"),
}, parent="AbstractPage", kind_of="ContentPage")
for _page in ("ProductPage", "CategoryPage", "CatalogPage"):
    _define(_page, mc.CMSPage, "cms_pages", ["uid", "catalogversion"], {}, parent="AbstractPage",
            kind_of=_page)
_define("ContentSlot", mc.ContentSlot, "cms_slots", ["uid", "catalogversion"], {
    **_CV, "name": A("name"), "active": A("active", "bool"),
    "activefrom": A("activeFrom", "date"), "activeuntil": A("activeUntil", "date"),
    "cmscomponents": A("cmsComponents", "refs", "AbstractCMSComponent"),
}, **_CMS)
_define("ContentSlotForTemplate", mc.ContentSlotForTemplate, "cms_slots_for_template",
        ["uid", "catalogversion"], {
    **_CV, "position": A("position"), "pagetemplate": A("pageTemplate", "ref", "PageTemplate"),
    "contentslot": A("contentSlot", "ref", "ContentSlot"),
    "allowoverwrite": A("allowOverwrite", "bool"),
}, **_CMS)
_define("ContentSlotForPage", mc.ContentSlotForPage, "cms_slots_for_page",
        ["uid", "catalogversion"], {
    **_CV, "position": A("position"), "page": A("page", "ref", "AbstractPage"),
    "contentslot": A("contentSlot", "ref", "ContentSlot"),
}, **_CMS)
for _code, (_super, _) in mc.CMS_COMPONENT_TYPES.items():
    _own = {q.lower(): A(q, kind, target, hook="property")
            for q, (kind, target) in mc.cms_attributes(_code).items()}
    if _super is None:
        _define(_code, mc.CMSComponent, "cms_components", ["uid", "catalogversion"], {
            **_CV, "name": A("name"), "visible": A("visible", "bool"), **_RESTRICTED,
        }, kind_of=_code, **_CMS)
    else:
        _define(_code, mc.CMSComponent, "cms_components", ["uid", "catalogversion"], _own,
                parent=_super, kind_of=_code)
_define("AbstractRestriction", mc.CMSRestriction, "cms_restrictions", ["uid", "catalogversion"], {
    **_CV, "name": A("name"), "pages": A("pages", "refs", "AbstractPage"),
    "components": A("components", "refs", "AbstractCMSComponent"),
}, kind_of="AbstractRestriction", **_CMS)
for _code, _attrs in {
    "CMSUserGroupRestriction": {"usergroups": A("userGroups", "refs", "UserGroup"),
                                "includesubgroups": A("includeSubgroups", "bool")},
    "CMSUserRestriction": {"users": A("users", "refs", "User")},
    "CMSTimeRestriction": {"activefrom": A("activeFrom", "date"),
                           "activeuntil": A("activeUntil", "date")},
    "CMSProductRestriction": {"products": A("products", "refs", "Product")},
    "CMSCategoryRestriction": {"categories": A("categories", "refs", "Category")},
    "CMSInverseRestriction": {"originalrestriction": A("originalRestriction", "ref",
                                                       "AbstractRestriction")},
}.items():
    _define(_code, mc.CMSRestriction, "cms_restrictions", ["uid", "catalogversion"], _attrs,
            parent="AbstractRestriction", kind_of=_code)
_define("CMSNavigationNode", mc.CMSNavigationNode, "cms_navigation_nodes",
        ["uid", "catalogversion"], {
    **_CV, "name": A("name"), "title": A("title", "localized"),
    "parent": A("parent", "ref", "CMSNavigationNode"), "visible": A("visible", "bool"),
}, **_CMS)
_define("CMSNavigationEntry", mc.CMSNavigationEntry, "cms_navigation_entries",
        ["uid", "catalogversion"], {
    **_CV, "navigationnode": A("navigationNode", "ref", "CMSNavigationNode"),
    "item": A("item", "ref", "AbstractCMSComponent"),
}, **_CMS)

# -- B2B: the organizations' budgets, cost centers, permissions and user groups ----------------
_define("B2BBudget", mb.B2BBudget, "b2b_budgets", ["code"], {
    "code": A("code"), "unit": A("unit", "ref", "B2BUnit"), "name": A("name"),
    "budget": A("budget", "float"), "currency": A("currency", "ref", "Currency"),
    "daterange": A("startDate", "daterange", hook="daterange"), "active": A("active", "bool"),
}, **_simple("code"))
_define("B2BCostCenter", mb.B2BCostCenter, "b2b_cost_centers", ["code"], {
    "code": A("code"), "unit": A("unit", "ref", "B2BUnit"), "name": A("name"),
    "currency": A("currency", "ref", "Currency"), "active": A("active", "bool"),
    "budgets": A("budgets", "refs", "B2BBudget"),
}, **_simple("code"))
_define("B2BPermission", mb.B2BPermission, "b2b_permissions", ["code"], {
    "code": A("code"), "unit": A("unit", "ref", "B2BUnit"),
    "currency": A("currency", "ref", "Currency"), "threshold": A("threshold", "float"),
    "range": A("range", "enum"), "active": A("active", "bool"),
}, kind_of="B2BPermission", **_simple("code"))
for _code in mb.PERMISSION_TYPES:
    _define(_code, mb.B2BPermission, "b2b_permissions", ["code"], {}, parent="B2BPermission",
            kind_of=_code)
_define("B2BCreditLimit", mb.B2BCreditLimit, "b2b_credit_limits", ["code"], {
    "code": A("code"), "amount": A("amount", "float"),
    "currency": A("currency", "ref", "Currency"),
}, **_simple("code"))
_define("B2BDocument", mb.B2BDocument, "b2b_documents", ["documentnumber"], {
    "documentnumber": A("documentNumber"), "unit": A("unit", "ref", "B2BUnit"),
    "documenttype": A("documentType", "enum"), "status": A("status", "enum"),
    "date": A("date", "date"), "duedate": A("dueDate", "date"), "amount": A("amount", "float"),
    "openamount": A("openAmount", "float"), "currency": A("currency", "ref", "Currency"),
    "documentmedia": A("attachments", "strs"),
}, **_simple("documentNumber"))
_define("FutureStock", mb.FutureStock, "future_stocks", [], {
    "productcode": A("productCode"), "quantity": A("quantity", "int"), "date": A("date", "date"),
})
_define("B2BUserGroup", mb.B2BUserGroup, "principals", ["uid"], {
    "unit": A("unit", "ref", "B2BUnit"), "permissions": A("permissions", "refs", "B2BPermission"),
}, parent="UserGroup")

# -- relations: (source type, target type, hook) --------------------------------------------
for _code, _rel in {
    "PrincipalGroupRelation": ("Principal", "PrincipalGroup", "group_membership"),
    "CategoryCategoryRelation": ("Category", "Category", "subcategory"),
    "CategoryProductRelation": ("Category", "Product", "category_product"),
    "BaseStore2DeliveryModeRel": ("BaseStore", "DeliveryMode", "store_delivery_mode"),
    "PoS2WarehouseRel": ("PointOfService", "Warehouse", "pos_warehouse"),
    "StoresForCMSSite": ("BaseSite", "BaseStore", "site_store"),
}.items():
    _define(_code, None, None, ["source", "target"], {
        "source": A("source", "ref", _rel[0]), "target": A("target", "ref", _rel[1]),
    }, relation=_rel)


def type_def(code: str) -> TypeDef | None:
    """The definition of a type code, case-insensitively; None if the loader does not know it."""
    return _TYPES.get(code.lower())


def is_a(item: Any, td: TypeDef) -> bool:
    """Whether an item is of a type or a subtype (a CMS item by its ``typeCode``)."""
    if not isinstance(item, td.model):
        return False
    code = getattr(item, "typeCode", None) if td.kind_of else None
    return code is None or is_subtype(code, td.code)


def field_default(model: type, name: str) -> Any:
    """The value a model's field has when it is not given (None for a name it lacks)."""
    for f in dataclasses.fields(model):
        if f.name == name:
            if f.default is not dataclasses.MISSING:
                return f.default
            if f.default_factory is not dataclasses.MISSING:
                return f.default_factory()
    return None


def is_subtype(code: str, of: str) -> bool:
    """Whether type ``code`` is ``of`` or one of its subtypes."""
    td = type_def(code)
    while td is not None:
        if td.code.lower() == of.lower():
            return True
        td = type_def(td.parent) if td.parent else None
    return False


def known_types() -> list[str]:
    return sorted(td.code for td in _TYPES.values())
