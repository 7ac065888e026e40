"""Spartacus' storefront flow, black box over HTTP, with Spartacus' exact endpoint templates and
``fields`` strings (occ-api.md §2.1–2.4, clients-and-specs.md §3.2): anonymous browse → search
with facets → anonymous cart → log in → merge → delivery address → delivery mode → payment
(silent order post and plain) → place order → order history. Every JSON response is validated
against SAP's OpenAPI schemas (tests/spec.py)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import requests

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

SITE = "electronics-spa"
CUSTOMER = "mark.rivers@pronto-hw.com"
PASSWORD = "Password123!"
TAX_RATE = Decimal("0.10")  # fakesapcc.tax.rate: a gross store's prices include it

# Spartacus' endpoint fields (projects/core/src/occ/adapters/product/default-occ-product-config.ts,
# feature-libs/cart/base/occ/config/default-occ-cart-config-factory.ts,
# feature-libs/checkout/base/occ/config/default-occ-checkout-config.ts,
# feature-libs/order/occ/config/default-occ-order-config.ts)
PRODUCT_DEFAULT = ("DEFAULT,averageRating,images(FULL),classifications,manufacturer,numberOfReviews,"
                   "categories(FULL),baseOptions,baseProduct,variantOptions,variantType")
PRODUCT_LIST = ("code,purchasable,name,summary,price(formattedValue),images(DEFAULT,galleryIndex),"
                "baseProduct")
PRODUCT_DETAILS = ("averageRating,stock(DEFAULT),description,availableForPickup,code,url,"
                   "price(DEFAULT),numberOfReviews,manufacturer,categories(FULL),priceRange,"
                   "multidimensional,tags,images(FULL)")
PRODUCT_SEARCH = ("products(code,name,summary,configurable,configuratorType,multidimensional,"
                  "price(FULL),images(DEFAULT),stock(FULL),averageRating,variantOptions,baseProduct,"
                  "priceRange(maxPrice(formattedValue),minPrice(formattedValue))),facets,breadcrumbs,"
                  "pagination(DEFAULT),sorts(DEFAULT),freeTextSearch,currentQuery,keywordRedirectUrl")
_CART_BASE = ("DEFAULT,potentialProductPromotions,appliedProductPromotions,potentialOrderPromotions,"
              "appliedOrderPromotions,entries(totalPrice(formattedValue),product(images(FULL),"
              "stock(FULL)),basePrice(formattedValue,value),updateable),totalPrice(formattedValue),"
              "totalItems,totalPriceWithTax(formattedValue),totalDiscounts(value,formattedValue),"
              "subTotal(formattedValue),totalUnitCount,deliveryItemsQuantity,"
              "deliveryCost(formattedValue),totalTax(formattedValue, value),pickupItemsQuantity,net,"
              "appliedVouchers,productDiscounts(formattedValue),user")
CREATE_CART = _CART_BASE
CART = _CART_BASE + ",saveTime,name,description"
CARTS = f"carts({CART})"
CHECKOUT_DETAILS = "deliveryAddress(FULL),deliveryMode(FULL),paymentInfo(FULL)"

CAMERA = "300938"  # Photosmart E317, Digital Compacts (576), USD 114.12 / EUR 104.99
SLR = "1382080"
SEARCH_TERM = {"en": "camera", "de": "kamera"}  # free text searches the session language  # EOS 450D kit, Digital SLR (578)
VISA = {"accountHolderName": "Mark Rivers", "cardNumber": "4111111111111111",
        "cardType": {"code": "visa"}, "expiryMonth": "12", "expiryYear": "2035", "cvn": "123",
        "defaultPayment": True, "saved": True,
        "billingAddress": {"firstName": "Mark", "lastName": "Rivers", "line1": "Market Street",
                           "line2": "1450", "town": "San Francisco", "postalCode": "94103",
                           "country": {"isocode": "US"},
                           "region": {"isocode": "US-CA", "isocodeShort": "CA"}}}
NEW_ADDRESS = {"titleCode": "mr", "firstName": "Mark", "lastName": "Rivers",
               "line1": "Folsom Street", "line2": "500", "town": "San Francisco",
               "postalCode": "94105", "country": {"isocode": "US"},
               "region": {"isocode": "US-CA"}, "phone": "+1 415 555 0100"}


@dataclass
class Storefront:
    """What Spartacus' HttpClient does: the OCC prefix and base site, ``lang`` and ``curr``
    on every call (site-context interceptor), the bearer token once logged in; every JSON
    answer checked against the spec."""

    sapcc: Any
    lang: str = "en"
    curr: str = "USD"
    token: str | None = None
    http: requests.Session = field(default_factory=requests.Session)
    operations: list[str] = field(default_factory=list)

    def url(self, endpoint: str) -> str:
        return f"{self.sapcc.occ_url}/{SITE}/{endpoint}"

    def call(self, method: str, endpoint: str, expect: int = 200, params: dict | None = None,
             **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        query = {**(params or {}), "lang": self.lang, "curr": self.curr}
        response = self.http.request(method, self.url(endpoint), params=query, headers=headers,
                                     timeout=10, **kwargs)
        assert response.status_code == expect, f"{method} {endpoint}: {response.text}"
        if "/carts" in endpoint:
            assert response.headers["Cache-Control"] == "no-cache"
        body = response.json() if response.content else None
        self.operations.append(spec.validate(method, response.request.path_url,
                                             response.status_code, body))
        return body

    def get(self, endpoint: str, **kwargs: Any) -> Any:
        return self.call("GET", endpoint, **kwargs)

    def login(self, username: str, password: str) -> None:
        response = self.http.post(f"{self.sapcc.oauth_url}/oauth/token", timeout=10, data={
            "grant_type": "password", "username": username, "password": password,
            "client_id": "mobile_android", "client_secret": "secret", "scope": ""})
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]


def money(value: Any, digits: int = 2) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def formatted(value: Decimal, curr: str, lang: str) -> str:
    symbol = {"USD": "$", "EUR": "€", "JPY": "¥"}[curr]
    text = f"{value:,.2f}"
    if lang == "de":
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") + " " + symbol
    return symbol + text


# -- the steps --------------------------------------------------------------------------------


def browse(shop: Storefront) -> dict:
    """Product pages with the four product scopes Spartacus loads, then search: free text,
    the category facet, then the breadcrumb back."""
    product = shop.get(f"products/{CAMERA}", params={"fields": PRODUCT_DEFAULT})
    assert product["code"] == CAMERA and product["categories"][0]["code"] == "576"
    assert {i["imageType"] for i in product["images"]} == {"PRIMARY", "GALLERY"}
    listed = shop.get(f"products/{CAMERA}", params={"fields": PRODUCT_LIST})
    assert set(listed) <= {"code", "purchasable", "name", "summary", "price", "images"}
    assert set(listed["price"]) == {"formattedValue"}
    details = shop.get(f"products/{CAMERA}", params={"fields": PRODUCT_DETAILS})
    assert details["stock"]["stockLevelStatus"] == "inStock" and details["availableForPickup"]
    assert set(details["price"]) >= {"currencyIso", "value", "formattedValue", "priceType"}
    assert details["price"]["currencyIso"] == shop.curr
    shop.get(f"products/{CAMERA}/reviews")
    shop.get(f"products/{CAMERA}/references",
             params={"fields": "DEFAULT,references(target(images(FULL)))"})

    term = SEARCH_TERM[shop.lang]
    page = shop.get("products/search", params={"fields": PRODUCT_SEARCH, "query": term,
                                               "pageSize": 12, "currentPage": 0,
                                               "sort": "relevance"})
    assert page["freeTextSearch"] == term and page["pagination"]["totalResults"] > 2
    assert page["pagination"]["pageSize"] == 12 and len(page["products"]) <= 12
    assert page["currentQuery"]["query"]["value"] == f"{term}:relevance"
    category = next(f for f in page["facets"] if f["category"])
    compacts = next(v for v in category["values"] if v["query"]["query"]["value"].endswith(":576"))
    assert compacts["count"] >= 1 and not compacts["selected"]

    narrowed = shop.get("products/search", params={
        "fields": PRODUCT_SEARCH, "query": compacts["query"]["query"]["value"], "pageSize": 12})
    assert narrowed["pagination"]["totalResults"] == compacts["count"]
    assert CAMERA in {p["code"] for p in narrowed["products"]}
    crumb = narrowed["breadcrumbs"][0]
    assert (crumb["facetCode"], crumb["facetValueCode"]) == ("category", "576")
    assert crumb["removeQuery"]["query"]["value"] == f"{term}:relevance"
    selected = next(v for f in narrowed["facets"] if f["category"] for v in f["values"]
                    if v["selected"])
    assert selected["name"] == crumb["facetValueName"]

    back = shop.get("products/search", params={
        "fields": PRODUCT_SEARCH, "query": crumb["removeQuery"]["query"]["value"], "pageSize": 12})
    assert back["pagination"]["totalResults"] == page["pagination"]["totalResults"]
    assert not back.get("breadcrumbs")
    return details


def anonymous_cart(shop: Storefront) -> dict:
    """A new anonymous cart (Spartacus posts the string ``{}``), two entries."""
    cart = shop.call("POST", "users/anonymous/carts", expect=201, params={"fields": CREATE_CART},
                     data="{}", headers={"Content-Type": "text/plain"})
    assert cart["user"]["uid"] == "anonymous" and cart["totalItems"] == 0
    assert not cart.get("entries") and cart["totalPrice"]["value"] == 0
    guid = cart["guid"]
    added = shop.call("POST", f"users/anonymous/carts/{guid}/entries",
                      json={"quantity": 2, "product": {"code": CAMERA}})
    assert (added["statusCode"], added["quantityAdded"], added["quantity"]) == ("success", 2, 2)
    assert added["entry"]["entryNumber"] == 0
    shop.call("POST", f"users/anonymous/carts/{guid}/entries",
              json={"quantity": 1, "product": {"code": SLR}})
    cart = shop.get(f"users/anonymous/carts/{guid}", params={"fields": CART})
    assert [(e["product"]["code"], e["quantity"]) for e in cart["entries"]] == [(CAMERA, 2), (SLR, 1)]
    assert cart["totalItems"] == 2 and cart["totalUnitCount"] == 3
    return cart


def log_in_and_merge(shop: Storefront, user_id: str, anonymous: dict) -> dict:
    """Spartacus after log-in: load the user's carts, then merge the anonymous cart into the
    open one (``toMergeCartGuid``) or restore it (``oldCartId`` only)."""
    carts = shop.get(f"users/{user_id}/carts", params={"fields": CARTS})["carts"]
    open_cart = next((c for c in carts if "saveTime" not in c), None)
    params = {"fields": CREATE_CART, "oldCartId": anonymous["guid"]}
    if open_cart:
        params["toMergeCartGuid"] = open_cart["guid"]
    merged = shop.call("POST", f"users/{user_id}/carts", expect=201, params=params, data="{}",
                       headers={"Content-Type": "text/plain"})
    assert merged["user"]["uid"] == CUSTOMER
    if open_cart:
        assert merged["code"] == open_cart["code"]
    # the anonymous cart is gone for the anonymous user
    gone = requests.get(shop.url(f"users/anonymous/carts/{anonymous['guid']}"), timeout=10)
    assert gone.status_code == 400 and gone.json()["errors"][0]["reason"] == "notFound"
    return merged


def delivery(shop: Storefront, user_id: str, code: str) -> dict:
    """Delivery modes depend on the address; an address from the book, then a new one."""
    cart_url = f"users/{user_id}/carts/{code}"
    assert shop.get(f"{cart_url}/deliverymodes") == {"deliveryModes": []}  # no address yet
    book = shop.get(f"users/{user_id}/addresses")["addresses"]
    default = next(a for a in book if a.get("defaultAddress"))
    assert default["country"]["isocode"] == "US"
    assert shop.call("PUT", f"{cart_url}/addresses/delivery",
                     params={"addressId": default["id"]}, json={}) is None
    details = shop.get(cart_url, params={"fields": CHECKOUT_DETAILS})
    assert details["deliveryAddress"]["id"] == default["id"]
    assert "deliveryMode" not in details and "paymentInfo" not in details

    created = shop.call("POST", f"{cart_url}/addresses/delivery", expect=201, json=NEW_ADDRESS)
    assert created["line1"] == "Folsom Street" and created["id"] != default["id"]
    modes = shop.get(f"{cart_url}/deliverymodes")["deliveryModes"]
    assert [m["code"] for m in modes] == ["standard-gross", "premium-gross"]
    standard = modes[0]
    shop.call("PUT", f"{cart_url}/deliverymode", params={"deliveryModeId": "standard-gross"},
              json={})
    chosen = shop.get(f"{cart_url}/deliverymode")
    assert chosen["code"] == "standard-gross"
    assert chosen["deliveryCost"] == standard["deliveryCost"]
    return standard


def silent_order_post(shop: Storefront, user_id: str, code: str) -> dict:
    """The silent order post, as OccCheckoutPaymentAdapter.createPaymentDetails does it."""
    cart_url = f"users/{user_id}/carts/{code}"
    sub = shop.get(f"{cart_url}/payment/sop/request", params={"responseUrl": "sampleUrl"})
    labels = {e["key"]: e["value"] for e in sub["mappingLabels"]["entry"]}
    params = {e["key"]: e["value"] for e in sub["parameters"]["entry"]}
    params[labels["hybris_account_holder_name"]] = VISA["accountHolderName"]
    params[labels["hybris_card_type"]] = VISA["cardType"]["code"]
    params[labels["hybris_card_number"]] = VISA["cardNumber"]
    assert labels["hybris_combined_expiry_date"] != "true"
    params[labels["hybris_card_expiration_month"]] = VISA["expiryMonth"]
    params[labels["hybris_card_expiration_year"]] = VISA["expiryYear"]
    params[labels["hybris_card_cvn"]] = VISA["cvn"]
    billing = VISA["billingAddress"]
    params[labels["hybris_billTo_country"]] = billing["country"]["isocode"]
    params[labels["hybris_billTo_firstname"]] = billing["firstName"]
    params[labels["hybris_billTo_lastname"]] = billing["lastName"]
    params[labels["hybris_billTo_street1"]] = billing["line1"] + " " + billing["line2"]
    params[labels["hybris_billTo_city"]] = billing["town"]
    params[labels["hybris_billTo_region"]] = billing["region"]["isocodeShort"]
    params[labels["hybris_billTo_postalcode"]] = billing["postalCode"]

    provider = requests.post(sub["postUrl"], data=params, timeout=10,
                             headers={"Accept": "text/html"})
    assert provider.status_code == 200 and provider.headers["Content-Type"].startswith("text/html")
    form = ET.fromstring(provider.text)  # Spartacus parses it with DOMParser as text/xml
    fields = {i.get("name"): i.get("value") for i in form.iter("input")
              if i.get("name") and i.get("name") != "{}" and i.get("value")}
    assert fields["decision"] == "ACCEPT"
    fields["defaultPayment"] = "false"
    fields["savePaymentInfo"] = "true"
    payment = shop.call("POST", f"{cart_url}/payment/sop/response", data=fields)
    assert payment["cardNumber"] == "************1111" and payment["cardType"]["code"] == "visa"
    assert payment["billingAddress"]["town"] == "San Francisco"
    assert payment["billingAddress"]["region"]["isocode"] == "US-CA"
    details = shop.get(cart_url, params={"fields": CHECKOUT_DETAILS})
    assert details["paymentInfo"]["id"] == payment["id"]
    return payment


def plain_payment(shop: Storefront, user_id: str, code: str, sop: dict) -> dict:
    """``POST paymentdetails`` (the plain form), then back to the silent order post card by
    ``PUT paymentdetails?paymentDetailsId=``."""
    cart_url = f"users/{user_id}/carts/{code}"
    body = {k: v for k, v in VISA.items() if k != "cvn"}
    body["billingAddress"] = {k: v for k, v in VISA["billingAddress"].items()}
    body["billingAddress"]["region"] = {"isocode": "US-CA"}
    payment = shop.call("POST", f"{cart_url}/paymentdetails", expect=201, json=body)
    assert payment["id"] != sop["id"] and payment["cardNumber"].endswith("1111")
    assert shop.get(cart_url, params={"fields": CHECKOUT_DETAILS})["paymentInfo"]["id"] == payment["id"]
    shop.call("PUT", f"{cart_url}/paymentdetails", params={"paymentDetailsId": sop["id"]}, json={})
    assert shop.get(cart_url, params={"fields": CHECKOUT_DETAILS})["paymentInfo"]["id"] == sop["id"]
    wallet = shop.get(f"users/{user_id}/paymentdetails", params={"saved": "true"})["payments"]
    assert {sop["id"], payment["id"]} <= {p["id"] for p in wallet}
    assert [p["id"] for p in wallet if p.get("defaultPayment")] == [payment["id"]]
    return payment


def check_totals(shop: Storefront, cart: dict, unit_prices: dict[str, Decimal],
                 delivery_cost: Decimal) -> None:
    subtotal = sum(unit_prices[e["product"]["code"]] * e["quantity"] for e in cart["entries"])
    total = subtotal + delivery_cost
    tax = money(total * TAX_RATE / (1 + TAX_RATE))
    assert money(cart["subTotal"]["value"]) == subtotal
    assert money(cart["deliveryCost"]["value"]) == delivery_cost
    assert money(cart["totalPrice"]["value"]) == total
    assert money(cart["totalPriceWithTax"]["value"]) == total  # gross store: tax included
    assert money(cart["totalTax"]["value"]) == tax
    assert cart["totalItems"] == len(cart["entries"])
    assert cart["totalUnitCount"] == sum(e["quantity"] for e in cart["entries"])
    for name, value in (("subTotal", subtotal), ("deliveryCost", delivery_cost),
                        ("totalPriceWithTax", total), ("totalTax", tax)):
        assert cart[name]["formattedValue"] == formatted(value, shop.curr, shop.lang), name
    for entry in cart["entries"]:
        assert entry["totalPrice"]["formattedValue"] == formatted(
            money(entry["basePrice"]["value"]) * entry["quantity"], shop.curr, shop.lang)


def checkout(shop: Storefront, user_id: str, code: str, standard: dict) -> dict:
    cart = shop.get(f"users/{user_id}/carts/{code}", params={"fields": "FULL"})
    prices = {e["product"]["code"]: money(e["basePrice"]["value"]) for e in cart["entries"]}
    check_totals(shop, cart, prices, money(standard["deliveryCost"]["value"]))
    spartacus = shop.get(f"users/{user_id}/carts/{code}", params={"fields": CART})
    for name in ("subTotal", "deliveryCost"):
        assert spartacus[name] == {"formattedValue": cart[name]["formattedValue"]}
    for name in ("totalPriceWithTax", "totalPrice"):  # DEFAULT's BASIC price + formattedValue
        assert spartacus[name] == {k: cart[name][k] for k in ("currencyIso", "value",
                                                              "formattedValue")}
    assert spartacus["totalTax"] == {k: cart["totalTax"][k] for k in ("formattedValue", "value")}
    assert (spartacus["totalItems"], spartacus["totalUnitCount"]) == (2, sum(
        e["quantity"] for e in cart["entries"]))
    order = shop.call("POST", f"users/{user_id}/orders", expect=201,
                      params={"fields": "FULL", "cartId": code, "termsChecked": "true"},
                      data="{}", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert order["code"] and order["status"] == "CREATED"
    assert order["user"]["uid"] == CUSTOMER
    assert order["deliveryMode"]["code"] == "standard-gross"
    assert order["deliveryAddress"]["line1"] == "Folsom Street"
    assert order["paymentInfo"]["cardNumber"] == "************1111"
    assert [c["status"] for c in order["consignments"]] == ["READY"]
    check_totals(shop, order, prices, money(standard["deliveryCost"]["value"]))
    for name in ("subTotal", "totalPriceWithTax", "totalTax", "deliveryCost"):
        assert order[name]["value"] == cart[name]["value"]
    return order


def history(shop: Storefront, user_id: str, order: dict) -> None:
    orders = shop.get(f"users/{user_id}/orders", params={"pageSize": 5, "currentPage": 0,
                                                          "sort": "byDate"})
    assert orders["pagination"]["totalResults"] >= 1
    placed = next(o for o in orders["orders"] if o["code"] == order["code"])
    assert placed["status"] == "CREATED" and placed["guid"] == order["guid"]
    assert placed["total"]["value"] == order["totalPriceWithTax"]["value"]
    assert placed["total"]["formattedValue"] == order["totalPriceWithTax"]["formattedValue"]
    detail = shop.get(f"users/{user_id}/orders/{order['code']}", params={"fields": "FULL"})
    assert detail == order
    by_guid = shop.get(f"users/{user_id}/orders/{order['guid']}", params={"fields": "FULL"})
    assert by_guid["code"] == order["code"]
    # the cart is gone once ordered
    assert shop.get(f"users/{user_id}/carts", params={"fields": CARTS}) in ({}, {"carts": []})


# -- the flows --------------------------------------------------------------------------------


def previous_session_cart(sapcc) -> str:
    """A cart the customer left open last time: one EOS 450D kit."""
    shop = Storefront(sapcc)
    shop.login(CUSTOMER, PASSWORD)
    cart = shop.call("POST", "users/current/carts", expect=201, params={"fields": CREATE_CART},
                     data="{}", headers={"Content-Type": "text/plain"})
    shop.call("POST", f"users/current/carts/{cart['code']}/entries",
              json={"quantity": 1, "product": {"code": SLR}})
    return cart["code"]


@pytest.mark.parametrize("actor, lang, curr, open_cart", [
    ("customer", "en", "USD", True),
    ("customer", "de", "EUR", False),
    ("agent", "en", "USD", False),
    ("agent", "en", "USD", True),
], ids=["customer-merge", "customer-de-EUR-restore", "agent-restore", "agent-merge"])
def test_spartacus_storefront_flow(sapcc, actor, lang, curr, open_cart):
    open_code = previous_session_cart(sapcc) if open_cart else None
    shop = Storefront(sapcc, lang=lang, curr=curr)
    shop.get("products/" + CAMERA, params={"fields": PRODUCT_LIST})
    details = browse(shop)
    anonymous = anonymous_cart(shop)
    assert anonymous["entries"][0]["basePrice"]["value"] == details["price"]["value"]

    if actor == "customer":
        shop.login(CUSTOMER, PASSWORD)
        user_id = "current"
    else:
        shop.login("asagent", "pw4all")
        user_id = sapcc.runtime.db.principal(CUSTOMER).customerId
    cart = log_in_and_merge(shop, user_id, anonymous)
    expected = {CAMERA: 2, SLR: 2 if open_cart else 1}
    assert {e["product"]["code"]: e["quantity"] for e in cart["entries"]} == expected
    if open_code:
        assert cart["code"] == open_code
    assert shop.get(f"users/{user_id}/carts/current", params={"fields": CART})["code"] == cart["code"]

    standard = delivery(shop, user_id, cart["code"])
    sop = silent_order_post(shop, user_id, cart["code"])
    plain_payment(shop, user_id, cart["code"], sop)
    order = checkout(shop, user_id, cart["code"], standard)
    history(shop, user_id, order)

    if actor == "agent":
        # the customer, logged in, sees the agent's order as their own
        own = Storefront(sapcc, lang=lang, curr=curr)
        own.login(CUSTOMER, PASSWORD)
        listed = own.get("users/current/orders")["orders"]
        assert order["code"] in {o["code"] for o in listed}
        assert own.get(f"users/current/orders/{order['code']}",
                       params={"fields": "FULL"})["user"]["uid"] == CUSTOMER
    assert {"getProduct", "getProducts", "createCart", "createCartEntry", "getCarts",
            "replaceCartDeliveryAddress", "createCartDeliveryAddress", "getCartDeliveryModes",
            "replaceCartDeliveryMode", "getSopPaymentRequestDetails",
            "doHandleSopPaymentResponse", "createCartPaymentDetails", "placeOrder",
            "getUserOrderHistory", "getUserOrders"} <= set(shop.operations)


def test_prices_follow_lang_and_curr(sapcc):
    """One cart read in three currencies and two languages: values and formats follow."""
    shop = Storefront(sapcc)
    cart = shop.call("POST", "users/anonymous/carts", expect=201, data="{}",
                     headers={"Content-Type": "text/plain"})
    shop.call("POST", f"users/anonymous/carts/{cart['guid']}/entries",
              json={"quantity": 1, "product": {"code": CAMERA}})
    seen = {}
    for lang, curr, text in (("en", "USD", "$114.12"), ("de", "EUR", "104,99 €"),
                             ("en", "EUR", "€104.99"), ("ja", "JPY", "¥17,060")):
        shop.lang, shop.curr = lang, curr
        body = shop.get(f"users/anonymous/carts/{cart['guid']}", params={"fields": CART})
        assert body["subTotal"]["formattedValue"] == text, (lang, curr)
        assert body["entries"][0]["basePrice"]["formattedValue"] == text
        seen[curr] = body["totalTax"]["value"]
    assert seen == {"USD": 10.37, "EUR": 9.54, "JPY": 1551}
