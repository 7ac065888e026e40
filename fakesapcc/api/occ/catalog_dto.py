"""Catalog WsDTOs: Product, Price, Stock, Image, Category, ProductSearchPage, Review, …"""
from __future__ import annotations

from ... import models as m
from ...commerce.catalog import CatalogService
from ...commerce.money import format_amount, round_amount
from ...commerce.reviews import approved_reviews, average_rating
from ...commerce.search import SORTS, SearchResult
from ...models import localized
from ..fields import Dto
from .dto import address_dto


def price_dto(catalog: CatalogService, value: float | None, currency: str, lang: str,
              price_type: str = "BUY") -> Dto | None:
    cur = catalog.state.currencies.get(currency)
    if value is None or cur is None:
        return None
    value = round_amount(value, cur.digits)
    return Dto("Price", {"currencyIso": currency, "value": value, "priceType": price_type,
                         "formattedValue": format_amount(value, cur, lang),
                         "minQuantity": None, "maxQuantity": None})


def stock_dto(status: str, level: int | None) -> Dto:
    return Dto("Stock", {"stockLevelStatus": status, "stockLevel": level,
                         "isValueRounded": False if level is not None else None})


def image_dto(image: dict) -> Dto:
    return Dto("Image", dict(image))


def category_url(category: m.Category, lang: str) -> str:
    return f"/c/{category.code}"


def category_dto(catalog: CatalogService, code: str, lang: str) -> Dto | None:
    category = catalog.category(code)
    if category is None:
        return None
    return Dto("Category", {"code": category.code, "name": localized(category.name, lang),
                            "url": category_url(category, lang), "image": None})


def product_url(product: m.Product, lang: str) -> str:
    name = (localized(product.name, lang) or product.code).replace(" ", "-").replace("/", "-")
    return f"/{name}/p/{product.code}"


def review_dto(state, review: m.CustomerReview) -> Dto:
    user = state.principals.get(review.user.lower()) if review.user else None
    return Dto("Review", {
        "id": str(review.pk), "headline": review.headline, "comment": review.comment,
        "rating": review.rating, "alias": review.alias,
        "date": review.date.isoformat(timespec="seconds") if review.date else None,
        "principal": Dto("Principal", {"uid": user.uid, "name": user.name}) if user else None})


def product_dto(catalog: CatalogService, product: m.Product, lang: str, currency: str) -> Dto:
    state = catalog.state
    stock = catalog.stock(product.code)
    price = catalog.price(product.code, currency)
    reviews = approved_reviews(state, product.code)
    categories = [c for c in (category_dto(catalog, code, lang) for code in product.supercategories) if c]
    return Dto("Product", {
        "code": product.code,
        "name": localized(product.name, lang),
        "url": product_url(product, lang),
        "description": localized(product.description, lang),
        "purchasable": product.purchasable,
        "stock": stock_dto(stock.status, stock.level),
        "availableForPickup": catalog.available_for_pickup(product.code),
        "averageRating": average_rating(state, product.code),
        "numberOfReviews": len(reviews),
        "summary": localized(product.summary, lang),
        "manufacturer": product.manufacturerName,
        "variantType": None,
        "price": price_dto(catalog, price, currency, lang),
        "baseProduct": None,
        "images": [image_dto(i) for i in catalog.images(product)],
        "categories": categories,
        "reviews": [review_dto(state, r) for r in reviews],
        "classifications": [],
        "potentialPromotions": [],
        "variantOptions": [],
        "baseOptions": [],
        "volumePricesFlag": False,
        "volumePrices": [],
        "productReferences": None,
        "variantMatrix": [],
        "priceRange": Dto("PriceRange", {"maxPrice": None, "minPrice": None}),
        "multidimensional": False,
        "configuratorType": None,
        "configurable": False,
        "tags": [],
        "sapUnit": None,
        "futureStocks": [],
    })


def pagination_dto(current_page: int, page_size: int, total: int, sort: str | None) -> Dto:
    pages = (total + page_size - 1) // page_size if page_size else 0
    return Dto("Pagination", {"currentPage": current_page, "pageSize": page_size,
                              "sort": sort, "totalPages": pages, "totalResults": total})


def sort_dtos(codes: dict[str, str], selected: str) -> list[Dto]:
    return [Dto("Sort", {"code": code, "name": name, "selected": code == selected})
            for code, name in codes.items()]


def search_state(query: str, base: str = "/search") -> Dto:
    from urllib.parse import quote

    return Dto("SearchState", {"url": f"{base}?q={quote(query, safe=':')}",
                               "query": Dto("SearchQuery", {"value": query})})


def search_page_dto(catalog: CatalogService, result: SearchResult, lang: str, currency: str) -> Dto:
    base = f"/c/{result.category_code}" if result.category_code else "/search"
    facets = []
    for facet in result.facets:
        values = [Dto("FacetValue", {"name": v.name, "count": v.count, "selected": v.selected,
                                     "query": search_state(v.query, base)}) for v in facet.values]
        facets.append(Dto("Facet", {"name": facet.name, "priority": facet.priority,
                                    "category": facet.category, "multiSelect": facet.multi_select,
                                    "visible": True, "topValues": values[:5] if len(values) > 5 else None,
                                    "values": values}))
    breadcrumbs = [Dto("Breadcrumb", {**b, "removeQuery": search_state(b["removeQuery"], base),
                                      "truncateQuery": search_state(b["truncateQuery"], base)})
                   for b in result.breadcrumbs]
    return Dto("ProductSearchPage", {
        "freeTextSearch": result.free_text,
        "categoryCode": result.category_code,
        "keywordRedirectUrl": None,
        "spellingSuggestion": None,
        "products": [product_dto(catalog, p, lang, currency) for p in result.products],
        "sorts": sort_dtos(SORTS, result.sort),
        "pagination": pagination_dto(result.current_page, result.page_size, result.total, result.sort),
        "currentQuery": search_state(result.query, base),
        "breadcrumbs": breadcrumbs,
        "facets": facets,
    })


def pos_dto(catalog: CatalogService, pos: m.PointOfService, lang: str) -> Dto:
    state = catalog.state
    address = state.addresses.get(pos.address or -1)
    return Dto("PointOfService", {
        "name": pos.name, "displayName": pos.displayName or pos.name,
        "url": f"/store/{pos.name}", "description": pos.description,
        "openingHours": None, "storeContent": None, "features": None,
        "geoPoint": Dto("GeoPoint", {"latitude": pos.latitude, "longitude": pos.longitude})
        if pos.latitude is not None else None,
        "formattedDistance": None, "distanceKm": None, "mapIcon": None,
        "address": address_dto(state, address, lang) if address else None,
        "storeImages": [], "pickUpInStoreInstructions": None,
        "warehouseCodes": list(pos.warehouses)})
