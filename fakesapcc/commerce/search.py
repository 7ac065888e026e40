"""Product search in SAP's query language: ``<free text>:<sort>:<facet>:<value>:…``.

Facets: ``category`` and ``allCategories`` (a category and everything below it), ``brand``
(categories under ``brands``) and ``price`` (fixed ranges in the session currency). Sorts:
relevance, topRated, name-asc, name-desc, price-asc, price-desc.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .. import models as m
from ..models import localized
from .catalog import CatalogService
from .reviews import average_rating

SORTS = {"relevance": "Relevance", "topRated": "Top Rated", "name-asc": "Name (ascending)",
         "name-desc": "Name (descending)", "price-asc": "Price (lowest first)",
         "price-desc": "Price (highest first)"}
BRANDS_ROOT = "brands"
PRICE_RANGES = [(0, 50), (50, 200), (200, 500), (500, 1000), (1000, 100000)]
FACETS = {"category": ("Category", 10, True), "allCategories": ("Category", 10, True),
          "brand": ("Brand", 20, True), "price": ("Price", 30, False)}


class SearchError(ValueError):
    """A query or parameter the search cannot use (→ 400)."""


@dataclass
class FacetValueResult:
    code: str
    name: str
    count: int
    selected: bool
    query: str  # the query with this value toggled


@dataclass
class FacetResult:
    code: str
    name: str
    priority: int
    category: bool
    multi_select: bool
    values: list[FacetValueResult]


@dataclass
class SearchResult:
    free_text: str
    sort: str
    products: list[m.Product]
    total: int
    current_page: int
    page_size: int
    facets: list[FacetResult]
    breadcrumbs: list[dict]
    query: str
    category_code: str | None = None
    selected: list[tuple[str, str]] = field(default_factory=list)


def parse_query(query: str) -> tuple[str, str | None, list[tuple[str, str]]]:
    """``camera:price-asc:brand:brand_5`` → (``camera``, ``price-asc``, [(brand, brand_5)])."""
    parts = (query or "").split(":")
    text = parts[0].strip()
    sort = parts[1].strip() if len(parts) > 1 and parts[1].strip() else None
    rest = parts[2:]
    filters = [(rest[i].strip(), rest[i + 1].strip()) for i in range(0, len(rest) - 1, 2)
               if rest[i].strip()]
    return text, sort, filters


def build_query(text: str, sort: str, filters: list[tuple[str, str]]) -> str:
    return ":".join([text, sort] + [x for pair in filters for x in pair])


class ProductSearch:
    def __init__(self, catalog: CatalogService, lang: str, currency: str) -> None:
        self.catalog = catalog
        self.lang = lang
        self.currency = currency
        self._ancestors: dict[str, list[str]] = {}

    # -- product facts -----------------------------------------------------------------------

    def ancestors(self, product: m.Product) -> list[str]:
        found = self._ancestors.get(product.code)
        if found is None:
            found = self._ancestors[product.code] = self.catalog.ancestors(product.supercategories)
        return found

    def brands(self, product: m.Product) -> list[str]:
        return [c for c in self.ancestors(product)
                if c != BRANDS_ROOT and BRANDS_ROOT in self.catalog.ancestors([c])]

    def plain_categories(self, product: m.Product) -> list[str]:
        brand_codes = set(self.brands(product)) | {BRANDS_ROOT}
        return [c for c in self.ancestors(product) if c not in brand_codes]

    def price(self, product: m.Product) -> float | None:
        return self.catalog.price(product.code, self.currency)

    def price_range(self, product: m.Product) -> str | None:
        value = self.price(product)
        if value is None:
            return None
        for low, high in PRICE_RANGES:
            if low <= value < high:
                return f"{low}-{high}"
        return None

    def facet_values(self, product: m.Product, facet: str) -> list[str]:
        if facet in ("category", "allCategories"):
            root = [c for c in self.plain_categories(product) if c != "1"]
            return root
        if facet == "brand":
            return self.brands(product)
        if facet == "price":
            value = self.price_range(product)
            return [value] if value else []
        return []

    def value_name(self, facet: str, code: str) -> str:
        if facet == "price":
            if not re.fullmatch(r"[0-9]{1,9}-[0-9]{1,9}", code):
                return code  # not one of the ranges: a filter that matches nothing
            low, high = (int(x) for x in code.split("-"))
            currency = self.catalog.state.currencies.get(self.currency)
            symbol = currency.symbol if currency else self.currency
            return f"{symbol}{low:,}-{symbol}{high - 0.01:,.2f}" if high < 100000 else f"{symbol}{low:,}+"
        category = self.catalog.category(code)
        return (localized(category.name, self.lang) if category else None) or code

    # -- matching ----------------------------------------------------------------------------

    def text_score(self, product: m.Product, words: list[str]) -> float:
        if not words:
            return 1.0
        name = (localized(product.name, self.lang) or "").lower()
        other = " ".join(filter(None, [product.code, product.manufacturerName or "",
                                       localized(product.summary, self.lang) or "",
                                       localized(product.description, self.lang) or "",
                                       product.ean or ""])).lower()
        brand_names = " ".join(self.value_name("brand", b) for b in self.brands(product)).lower()
        score = 0.0
        for word in words:
            if word in name:
                score += 3
            elif word in other or word in brand_names:
                score += 1
            else:
                return 0.0
        return score

    def search(self, query: str = "", sort: str | None = None, current_page: int = 0,
               page_size: int = 20, category_code: str | None = None) -> SearchResult:
        if current_page < 0:
            raise SearchError("currentPage")
        if page_size < 1:
            raise SearchError("pageSize")
        text, query_sort, filters = parse_query(query)
        sort = sort or query_sort or "relevance"
        if sort not in SORTS:
            sort = "relevance"
        for key, _ in filters:
            if key not in FACETS:
                raise SearchError(f"Unknown facet '{key}'")
        if category_code is not None:
            if self.catalog.category(category_code) is None:
                raise SearchError(f"Category with code '{category_code}' not found")
            if ("allCategories", category_code) not in filters:
                filters = [("allCategories", category_code)] + filters
        words = [w for w in re.split(r"\s+", text.lower()) if w]
        scored = [(self.text_score(p, words), p) for p in self.catalog.products()
                  if p.approvalStatus == "approved"]
        hits = [(s, p) for s, p in scored if s > 0]
        matching = [(s, p) for s, p in hits if self._passes(p, filters)]
        ordered = self._sort(matching, sort)
        start = current_page * page_size
        page = [p for _, p in ordered[start:start + page_size]]
        facets = self._facets([p for _, p in hits], filters, text, sort)
        breadcrumbs = [self._breadcrumb(text, sort, filters, i) for i in range(len(filters))]
        return SearchResult(text, sort, page, len(ordered), current_page, page_size, facets,
                            breadcrumbs, build_query(text, sort, filters), category_code, filters)

    def _passes(self, product: m.Product, filters: list[tuple[str, str]],
                skip: str | None = None) -> bool:
        by_facet: dict[str, set[str]] = {}
        for key, value in filters:
            if key != skip:
                by_facet.setdefault(key, set()).add(value)
        return all(values & set(self.facet_values(product, key)) for key, values in by_facet.items())

    def _sort(self, hits: list[tuple[float, m.Product]], sort: str) -> list[tuple[float, m.Product]]:
        def name(p: m.Product) -> str:
            return (localized(p.name, self.lang) or p.code).lower()

        def price(p: m.Product) -> float:
            value = self.price(p)
            return value if value is not None else math.inf

        keys = {
            "relevance": lambda h: (-h[0], h[1].code),
            "topRated": lambda h: (-(average_rating(self.catalog.state, h[1].code) or 0), h[1].code),
            "name-asc": lambda h: (name(h[1]), h[1].code),
            "name-desc": lambda h: name(h[1]),
            "price-asc": lambda h: (price(h[1]), h[1].code),
            "price-desc": lambda h: -price(h[1]) if price(h[1]) != math.inf else math.inf,
        }
        return sorted(hits, key=keys[sort], reverse=sort == "name-desc")

    def _facets(self, hits: list[m.Product], filters: list[tuple[str, str]], text: str,
                sort: str) -> list[FacetResult]:
        result: list[FacetResult] = []
        selected = set(filters)
        for code in ("category", "brand", "price"):
            name, priority, is_category = FACETS[code]
            # multi-select facets count over the products the *other* facets leave
            pool = [p for p in hits if self._passes(p, filters, skip=code if code != "category"
                                                     else None)]
            counts: dict[str, int] = {}
            for product in pool:
                for value in self.facet_values(product, code):
                    counts[value] = counts.get(value, 0) + 1
            values = []
            for value, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                on = (code, value) in selected or (code == "category" and ("allCategories", value) in selected)
                toggled = [f for f in filters if f != (code, value)] if on else filters + [(code, value)]
                values.append(FacetValueResult(value, self.value_name(code, value), count, on,
                                               build_query(text, sort, toggled)))
            if values:
                result.append(FacetResult(code, name, priority, is_category, code == "brand", values))
        return result

    def _breadcrumb(self, text: str, sort: str, filters: list[tuple[str, str]], index: int) -> dict:
        key, value = filters[index]
        remove = [f for i, f in enumerate(filters) if i != index]
        return {"facetCode": key, "facetName": FACETS[key][0], "facetValueCode": value,
                "facetValueName": self.value_name(key, value),
                "removeQuery": build_query(text, sort, remove),
                "truncateQuery": build_query(text, sort, filters[:index + 1])}
