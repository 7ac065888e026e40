"""The rest of the OCC surface a storefront reads — site context, catalog, stores, the account —
each at the BASIC, DEFAULT and FULL levels, every response checked against the spec."""
from __future__ import annotations

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

CUSTOMER = "mark.rivers@pronto-hw.com"
CAMERA = "300938"
CATALOG = "electronicsProductCatalog"

ANONYMOUS_READS = [
    "/occ/v2/basesites", "languages", "currencies", "countries", "countries?type=SHIPPING",
    "countries/US/regions", "titles", "cardtypes",
    f"products/{CAMERA}", "products/search?query=camera:topRated&pageSize=5",
    "products/search?query=:price-desc:brand:brand_5", "categories/576/products",
    "products/suggestions?term=cam", f"products/{CAMERA}/references",
    f"products/{CAMERA}/reviews", f"products/{CAMERA}/stock/Nakano", f"products/{CAMERA}/stock?location=Tokyo",
    "stores", "stores/Nakano", "catalogs", f"catalogs/{CATALOG}", f"catalogs/{CATALOG}/Online",
    f"catalogs/{CATALOG}/Online/categories/575",
]
CUSTOMER_READS = [
    "users/current", "users/current/addresses", "users/current/paymentdetails",
    "users/current/consenttemplates", "users/current/productinterests", "users/current/orders",
]


@pytest.mark.parametrize("level", ["BASIC", "DEFAULT", "FULL"])
@pytest.mark.parametrize("endpoint", ANONYMOUS_READS)
def test_anonymous_reads_match_the_spec(sapcc_client, endpoint, level):
    separator = "&" if "?" in endpoint else "?"
    response = spec.Client(sapcc_client).get(f"{endpoint}{separator}fields={level}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()


@pytest.mark.parametrize("level", ["BASIC", "DEFAULT", "FULL"])
@pytest.mark.parametrize("endpoint", CUSTOMER_READS)
def test_customer_reads_match_the_spec(sapcc_client, customer_token, endpoint, level):
    client = spec.Client(sapcc_client, token=customer_token(CUSTOMER))
    response = client.get(f"{endpoint}?fields={level}")
    assert response.status_code == 200, response.get_data(as_text=True)


def test_levels_nest(sapcc_client):
    occ = spec.Client(sapcc_client)
    basic = occ.get(f"products/{CAMERA}?fields=BASIC").get_json()
    assert set(basic) == {"purchasable", "stock", "name", "availableForPickup", "code", "url",
                          "price"}
    assert set(basic["price"]) == {"value", "currencyIso"} and set(basic["stock"]) == {"stockLevel"}
    default = occ.get(f"products/{CAMERA}").get_json()
    assert set(default["price"]) == {"currencyIso", "priceType", "value", "formattedValue"}
    assert set(default["categories"][0]) == {"code", "name"}
    full = occ.get(f"products/{CAMERA}?fields=FULL").get_json()
    assert {"images", "reviews", "classifications"} <= set(full)
    assert set(full["categories"][0]) == {"code", "name", "url"}
    custom = occ.get(f"products/{CAMERA}?fields=code, price(FULL) ,categories(code)").get_json()
    assert custom == {"code": CAMERA, "price": default["price"],
                      "categories": [{"code": c["code"]} for c in full["categories"]]}


def test_search_head_counts(sapcc_client):
    occ = spec.Client(sapcc_client)
    total = occ.get("products/search?query=camera").get_json()["pagination"]["totalResults"]
    head = occ("HEAD", "products/search?query=camera")
    assert head.status_code == 200 and head.headers["X-Total-Count"] == str(total)


def test_review_is_stored(sapcc_client, customer_token):
    client = spec.Client(sapcc_client, token=customer_token(CUSTOMER))
    created = client.post(f"products/{CAMERA}/reviews", json={
        "headline": "Still good", "comment": "A year on it still works.", "rating": 5})
    assert created.status_code == 201
    reviews = client.get(f"products/{CAMERA}/reviews").get_json()["reviews"]
    assert reviews[0]["headline"] == "Still good"
    assert reviews[0]["principal"]["uid"] == CUSTOMER


def test_catalog_levels(sapcc_client):
    occ = spec.Client(sapcc_client)
    basic = occ.get(f"catalogs/{CATALOG}?fields=BASIC").get_json()
    assert set(basic) == {"id", "name", "catalogVersions"}
    assert basic["catalogVersions"] == [{"id": "Online", "name": "Online"}]
    default = occ.get(f"catalogs/{CATALOG}").get_json()
    assert set(default) == {"id", "name", "url", "catalogVersions"}
    tree = default["catalogVersions"][0]["categories"]
    assert set(tree[0]) <= {"id", "name", "url", "subcategories"}
    category = occ.get(f"catalogs/{CATALOG}/Online/categories/576?fields=FULL").get_json()
    assert CAMERA in {p["code"] for p in category["products"]}
    assert "products" not in occ.get(f"catalogs/{CATALOG}/Online/categories/576").get_json()
