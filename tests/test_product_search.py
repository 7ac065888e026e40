"""Product search answers from an index, and product DTOs are kept projected: what they show
must still follow every write — an ImpEx load, a review, an order taking stock."""
from __future__ import annotations

import random
import re

import requests

from fakesapcc.commerce.catalog import CatalogService
from fakesapcc.commerce.search import BRANDS_ROOT, ProductIndex
from fakesapcc.models import localized

from test_occ_history import place_order

SITE = "electronics-spa"
CUSTOMER = "mark.rivers@pronto-hw.com"
CAMERA = "300938"


def reference_score(catalog: CatalogService, product, words: list[str]) -> float:
    """SAP-like free-text matching one product at a time, straight from the models."""
    name = (localized(product.name, "en") or "").lower()
    brands = [c for c in catalog.ancestors(product.supercategories)
              if c != BRANDS_ROOT and BRANDS_ROOT in catalog.ancestors([c])]
    brand_names = " ".join((localized(catalog.category(b).name, "en") or b) for b in brands)
    other = " ".join(filter(None, [product.code, product.manufacturerName or "",
                                   localized(product.summary, "en") or "",
                                   localized(product.description, "en") or "",
                                   product.ean or "", brand_names])).lower()
    score = 0.0
    for word in words:
        if word in name:
            score += 3
        elif word in other:
            score += 1
        else:
            return 0.0
    return score or 1.0


def test_the_index_agrees_with_matching_one_by_one(sapcc):
    db = sapcc.runtime.db
    catalog = CatalogService(db, db.state.base_stores["electronics"])
    index = ProductIndex(catalog, "en")
    products = [p for p in catalog.products() if p.approvalStatus == "approved"]
    texts = [" ".join(filter(None, [localized(p.name, "en"), localized(p.description, "en"),
                                    p.code, p.ean])).lower() for p in products]
    rng = random.Random(7)
    queries = [[], ["camera"], ["cam", "era"], ["dsc-h20"], ["e317", "photo"], ["zzz"],
               ["1.8-inch"], ["hp"], ["sony", "camera"]]
    for _ in range(300):
        text = rng.choice(texts)
        words = [w for w in re.split(r"\s+", text) if w]
        picked = []
        for _ in range(rng.randint(1, 3)):
            word = rng.choice(words)
            start = rng.randrange(len(word))
            picked.append(word[start:start + rng.randint(1, 8)])
        queries.append(picked)
    for words in queries:
        expected = {p.code: reference_score(catalog, p, words) for p in products}
        got = {index.docs[row].product.code: score for score, row in index.matching(words)}
        assert got == {code: s for code, s in expected.items() if s}, words


def test_search_follows_an_impex_load(sapcc):
    occ = f"{sapcc.occ_url}/{SITE}"
    before = requests.get(f"{occ}/products/search?query=quokka", timeout=10).json()
    assert before["pagination"]["totalResults"] == 0
    assert requests.get(f"{occ}/products/{CAMERA}", timeout=10).json()["name"] != "Quokka Cam"
    sapcc.load_impex(
        "$catalogVersion=catalogversion(catalog(id[default=electronicsProductCatalog]),"
        "version[default='Online'])[unique=true,default=electronicsProductCatalog:Online]\n"
        "UPDATE Product;code[unique=true];$catalogVersion;name[lang=en]\n"
        f";{CAMERA};;Quokka Cam\n")
    after = requests.get(f"{occ}/products/search?query=quokka", timeout=10).json()
    assert [p["code"] for p in after["products"]] == [CAMERA]
    assert after["products"][0]["name"] == "Quokka Cam"
    assert requests.get(f"{occ}/products/{CAMERA}", timeout=10).json()["name"] == "Quokka Cam"


def test_a_kept_product_follows_its_reviews(sapcc):
    occ = f"{sapcc.occ_url}/{SITE}"
    url = f"{occ}/products/{CAMERA}?fields=FULL"
    search = f"{occ}/products/search?query={CAMERA}&fields=products(code,numberOfReviews)"
    before = requests.get(url, timeout=10).json()["numberOfReviews"]
    assert requests.get(search, timeout=10).json()["products"][0]["numberOfReviews"] == before
    headers = {"Authorization": f"Bearer {sapcc.customer_token(CUSTOMER)}"}
    created = requests.post(f"{occ}/products/{CAMERA}/reviews", headers=headers, timeout=10,
                            json={"headline": "Kept?", "comment": "Counted.", "rating": 1})
    assert created.status_code == 201
    assert requests.get(url, timeout=10).json()["numberOfReviews"] == before + 1
    assert requests.get(search, timeout=10).json()["products"][0]["numberOfReviews"] == before + 1


def test_a_kept_product_shows_the_stock_an_order_took(sapcc):
    occ = f"{sapcc.occ_url}/{SITE}"
    url = f"{occ}/products/{CAMERA}?fields=stock(FULL)"
    search = f"{occ}/products/search?query={CAMERA}&fields=products(code,stock(FULL))"
    before = requests.get(url, timeout=10).json()["stock"]["stockLevel"]
    assert requests.get(search, timeout=10).json()["products"][0]["stock"]["stockLevel"] == before
    place_order(sapcc, {"Authorization": f"Bearer {sapcc.customer_token(CUSTOMER)}"})
    assert requests.get(url, timeout=10).json()["stock"]["stockLevel"] == before - 1
    assert requests.get(search, timeout=10).json()["products"][0]["stock"]["stockLevel"] == before - 1


def test_a_bad_fields_expression_is_refused_every_time(sapcc):
    url = f"{sapcc.occ_url}/{SITE}/products/{CAMERA}"
    for fields in ("code(BASIC)", "availableForPickup(code)", "nosuchfield"):
        for _ in range(2):
            response = requests.get(url, params={"fields": fields}, timeout=10)
            assert response.status_code == 400, fields
            assert response.json()["errors"][0]["type"] == "ConversionError"
    assert requests.get(url, params={"fields": "code"}, timeout=10).json() == {"code": CAMERA}
