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
from ..db import CATALOG, REVIEWS
from ..models import localized
from .catalog import CatalogService
from .customer_search import SEPARATOR, lines_holding
from .reviews import average_rating

SORTS = {"relevance": "Relevance", "topRated": "Top Rated", "name-asc": "Name (ascending)",
         "name-desc": "Name (descending)", "price-asc": "Price (lowest first)",
         "price-desc": "Price (highest first)"}
BRANDS_ROOT = "brands"
PRICE_RANGES = [(0, 50), (50, 200), (200, 500), (500, 1000), (1000, 100000)]
FACETS = {"category": ("Category", 10, True), "allCategories": ("Category", 10, True),
          "brand": ("Brand", 20, True), "price": ("Price", 30, False)}


RESULTS_KEPT = 2_000  # search results kept until the catalog or the reviews change
WORDS = re.compile(r"[\W_]+")  # what separates the words of the vocabulary


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


class _Doc:
    """What the search needs of one approved product, worked out once per catalog change."""

    __slots__ = ("product", "name", "other", "sort_name", "categories", "brands")

    def __init__(self, product: m.Product, name: str, other: str, sort_name: str,
                 categories: list[str], brands: list[str]) -> None:
        self.product = product
        self.name = name  # lower-cased localized name
        self.other = other  # code, manufacturer, summary, description, EAN, brand names
        self.sort_name = sort_name
        self.categories = categories  # plain categories and their ancestors, not the root "1"
        self.brands = brands


class ProductIndex:
    """The approved products of one catalog (its versions) in one language, with their search
    text, categories and brands, and a vocabulary of their words: a free-text word finds its
    products through the words that contain it, not by reading every product. Prices are worked
    out per currency on first use. Kept in ``Db.derived`` until the catalog changes (ImpEx)."""

    def __init__(self, catalog: CatalogService, lang: str) -> None:
        self.catalog = catalog
        self.lang = lang
        self.docs: list[_Doc] = []
        self._names: dict[str, str] = {}
        self._prices: dict[str, list[float | None]] = {}
        ancestors: dict[tuple[str, ...], list[str]] = {}
        for product in catalog.products():
            if product.approvalStatus != "approved":
                continue
            key = tuple(product.supercategories)
            above = ancestors.get(key)
            if above is None:
                above = ancestors[key] = catalog.ancestors(product.supercategories)
            brands = [c for c in above if c != BRANDS_ROOT and self._is_brand(c)]
            skip = set(brands) | {BRANDS_ROOT, "1"}
            categories = [c for c in above if c not in skip]
            name = localized(product.name, lang) or ""
            other = " ".join(filter(None, [product.code, product.manufacturerName or "",
                                           localized(product.summary, lang) or "",
                                           localized(product.description, lang) or "",
                                           product.ean or ""]))
            brand_names = " ".join(self.category_name(b) for b in brands)
            self.docs.append(_Doc(product, name.lower(), (other + " " + brand_names).lower(),
                                  (name or product.code).lower(), categories, brands))
        rows_of: dict[str, list[int]] = {}
        for row, doc in enumerate(self.docs):
            for word in set(WORDS.split(doc.name + " " + doc.other)):
                if word:
                    rows_of.setdefault(word, []).append(row)
        self._rows_of = rows_of
        self._words = list(rows_of)
        self._vocabulary = SEPARATOR.join(self._words) + SEPARATOR
        self._word_starts: list[int] = []
        offset = 0
        for word in self._words:
            self._word_starts.append(offset)
            offset += len(word) + 1

    def _is_brand(self, code: str) -> bool:
        return BRANDS_ROOT in self.catalog.ancestors([code])

    def category_name(self, code: str) -> str:
        name = self._names.get(code)
        if name is None:
            category = self.catalog.category(code)
            name = self._names[code] = (localized(category.name, self.lang) if category else None) or code
        return name

    def prices(self, currency: str) -> list[float | None]:
        """Each document's price in ``currency``, in document order."""
        found = self._prices.get(currency)
        if found is None:
            found = self._prices[currency] = [self.catalog.price(d.product.code, currency)
                                              for d in self.docs]
        return found

    def matching(self, words: list[str]) -> list[tuple[float, int]]:
        """(score, row) of the documents holding every word (3 in the name, 1 elsewhere)."""
        rows: set[int] | None = None
        for word in words:
            if WORDS.search(word):
                continue  # a word with a separator in it: every document is a candidate
            found: set[int] = set()
            for i in lines_holding(self._vocabulary, self._word_starts, word):
                found.update(self._rows_of[self._words[i]])
            rows = found if rows is None else rows & found
        candidates = range(len(self.docs)) if rows is None else sorted(rows)
        result = []
        docs = self.docs
        for row in candidates:
            doc = docs[row]
            score = 0.0
            for word in words:
                if word in doc.name:
                    score += 3
                elif word in doc.other:
                    score += 1
                else:
                    break
            else:
                result.append((score or 1.0, row))
        return result


def product_index(catalog: CatalogService, lang: str) -> ProductIndex:
    return catalog.db.derived(("product-search", tuple(catalog.versions), lang), (CATALOG,),
                              lambda state: ProductIndex(catalog, lang))


class ProductSearch:
    def __init__(self, catalog: CatalogService, lang: str, currency: str) -> None:
        self.catalog = catalog
        self.lang = lang
        self.currency = currency
        self.index = product_index(catalog, lang)

    # -- product facts -----------------------------------------------------------------------

    def price_range(self, price: float | None) -> str | None:
        if price is None:
            return None
        for low, high in PRICE_RANGES:
            if low <= price < high:
                return f"{low}-{high}"
        return None

    def facet_values(self, row: int, facet: str) -> list[str]:
        doc = self.index.docs[row]
        if facet in ("category", "allCategories"):
            return doc.categories
        if facet == "brand":
            return doc.brands
        if facet == "price":
            value = self.price_range(self.index.prices(self.currency)[row])
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
        return self.index.category_name(code)

    # -- matching ----------------------------------------------------------------------------

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
        key = (text, sort, tuple(filters), current_page, page_size, category_code, self.currency)
        results = self.catalog.db.derived(("product-search-results", tuple(self.catalog.versions),
                                           self.lang), (CATALOG, REVIEWS), lambda state: {})
        found = results.get(key)
        if found is None:
            found = self._search(text, sort, filters, current_page, page_size, category_code)
            if len(results) >= RESULTS_KEPT:
                results.clear()
            results[key] = found
        return found

    def _search(self, text: str, sort: str, filters: list[tuple[str, str]], current_page: int,
                page_size: int, category_code: str | None) -> SearchResult:
        words = [w for w in re.split(r"\s+", text.lower()) if w]
        hits = self.index.matching(words)
        matching = [(s, row) for s, row in hits if self._passes(row, filters)]
        ordered = self._sort(matching, sort)
        start = current_page * page_size
        docs = self.index.docs
        page = [docs[row].product for _, row in ordered[start:start + page_size]]
        facets = self._facets([row for _, row in hits], filters, text, sort)
        breadcrumbs = [self._breadcrumb(text, sort, filters, i) for i in range(len(filters))]
        return SearchResult(text, sort, page, len(ordered), current_page, page_size, facets,
                            breadcrumbs, build_query(text, sort, filters), category_code, filters)

    def _passes(self, row: int, filters: list[tuple[str, str]], skip: str | None = None) -> bool:
        if not filters:
            return True
        by_facet: dict[str, set[str]] = {}
        for key, value in filters:
            if key != skip:
                by_facet.setdefault(key, set()).add(value)
        return all(not values.isdisjoint(self.facet_values(row, key))
                   for key, values in by_facet.items())

    def _sort(self, hits: list[tuple[float, int]], sort: str) -> list[tuple[float, int]]:
        docs = self.index.docs
        prices = self.index.prices(self.currency) if sort.startswith("price") else []

        def price(row: int) -> float:
            value = prices[row]
            return value if value is not None else math.inf

        def rating(row: int) -> float:
            return average_rating(self.catalog.state, docs[row].product.code) or 0

        keys = {
            "relevance": lambda h: (-h[0], docs[h[1]].product.code),
            "topRated": lambda h: (-rating(h[1]), docs[h[1]].product.code),
            "name-asc": lambda h: (docs[h[1]].sort_name, docs[h[1]].product.code),
            "name-desc": lambda h: docs[h[1]].sort_name,
            "price-asc": lambda h: (price(h[1]), docs[h[1]].product.code),
            "price-desc": lambda h: -price(h[1]) if price(h[1]) != math.inf else math.inf,
        }
        return sorted(hits, key=keys[sort], reverse=sort == "name-desc")

    def _facets(self, hits: list[int], filters: list[tuple[str, str]], text: str,
                sort: str) -> list[FacetResult]:
        result: list[FacetResult] = []
        selected = set(filters)
        for code in ("category", "brand", "price"):
            name, priority, is_category = FACETS[code]
            # multi-select facets count over the products the *other* facets leave
            pool = [row for row in hits if self._passes(row, filters, skip=code if code != "category"
                                                         else None)]
            counts: dict[str, int] = {}
            for row in pool:
                for value in self.facet_values(row, code):
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
