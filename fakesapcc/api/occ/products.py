"""OCC products (tag Products): a product, search and category search, suggestions,
references, reviews, stock by store and by location."""
from __future__ import annotations

from flask import Response, request

from ... import models as m
from ...commerce.catalog import CatalogService
from ...commerce.reviews import add_review, approved_reviews
from ...commerce.search import ProductSearch, SearchError, SearchResult
from ...errors import ApiError, validation_error
from ...models import localized
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, catalog, respond, site
from .dtos import catalog as dto
from .stores import pos_matches

PRODUCT = "/<baseSiteId>/products/<productCode>"


def find_product(cat: CatalogService, code: str) -> m.Product:
    product = cat.product(code)
    if product is None:
        raise ApiError(400, "UnknownIdentifierError", f"Product with code '{code}' not found!")
    return product


@bp.get(PRODUCT)
@operation("getProduct", secured=roles.OPEN)
def get_product(baseSiteId: str, productCode: str):
    sc = site()
    cat = catalog()
    return respond(dto.product_dto(cat, find_product(cat, productCode), sc.lang, sc.curr))


class SearchParams(i.Paging):
    query = i.TextParam(default="")
    sort = i.TextParam()


def _search(params: dict, category_code: str | None = None) -> SearchResult:
    sc = site()
    try:
        return ProductSearch(catalog(), sc.lang, sc.curr).search(
            params["query"], params["sort"], params["currentPage"], params["pageSize"],
            category_code)
    except SearchError as exc:
        message = str(exc)
        if message.startswith("Category"):
            raise ApiError(400, "UnknownIdentifierError", message) from None
        raise validation_error("query", message) from None


@bp.get("/<baseSiteId>/products/search")
@operation("getProducts", secured=roles.OPEN, head="countProducts", params=SearchParams)
def get_products(baseSiteId: str, params: dict):
    sc = site()
    result = _search(params)
    if request.method == "HEAD":
        return Response(status=200, headers={"X-Total-Count": str(result.total)})
    return respond(dto.search_page_dto(catalog(), result, sc.lang, sc.curr))


@bp.get("/<baseSiteId>/categories/<categoryId>/products")
@operation("getProductsByCategory", secured=roles.OPEN, params=SearchParams)
def get_products_by_category(baseSiteId: str, categoryId: str, params: dict):
    sc = site()
    return respond(dto.search_page_dto(catalog(), _search(params, categoryId), sc.lang, sc.curr))


class SuggestionParams(i.Params):
    term = i.TextParam(required=True, blank_is_missing=False)
    max = i.IntParam(default=10, minimum=1)


@bp.get("/<baseSiteId>/products/suggestions")
@operation("getSuggestions", secured=roles.OPEN, params=SuggestionParams)
def get_suggestions(baseSiteId: str, params: dict):
    sc = site()
    needle = params["term"].strip().lower()
    words: list[str] = []
    for product in sorted(catalog().products(), key=lambda p: p.code):
        for word in (localized(product.name, sc.lang) or "").lower().split():
            if needle and word.startswith(needle) and word not in words:
                words.append(word)
    return respond(dto.SUGGESTION_LIST(suggestions=[
        dto.SUGGESTION(value=w) for w in sorted(words)[:params["max"]]]))


class ReferenceParams(i.Params):
    referenceType = i.TextParam(default="")
    pageSize = i.IntParam(default=2147483647, minimum=1)


@bp.get(PRODUCT + "/references")
@operation("getProductReferences", secured=roles.OPEN, params=ReferenceParams)
def get_product_references(baseSiteId: str, productCode: str, params: dict):
    sc = site()
    cat = catalog()
    find_product(cat, productCode)
    kinds = {k.strip() for k in params["referenceType"].split(",") if k.strip()}
    refs = [r for r in cat.state.product_references.values()
            if r.source == productCode and r.active and (not kinds or r.referenceType in kinds)]
    result = []
    for ref in sorted(refs, key=lambda r: r.pk)[:params["pageSize"]]:
        target = cat.product(ref.target)
        if target is not None:
            result.append(dto.PRODUCT_REFERENCE(
                referenceType=ref.referenceType, description=ref.description,
                quantity=ref.quantity, preselected=ref.preselected,
                target=dto.product_dto(cat, target, sc.lang, sc.curr)))
    return respond(dto.PRODUCT_REFERENCE_LIST(references=result))


class ReviewListParams(i.Params):
    maxCount = i.IntParam(minimum=1)


@bp.get(PRODUCT + "/reviews")
@operation("getProductReviews", secured=roles.OPEN, params=ReviewListParams)
def get_product_reviews(baseSiteId: str, productCode: str, params: dict):
    state = runtime().db.state
    find_product(catalog(), productCode)
    reviews = approved_reviews(state, productCode)
    if params["maxCount"]:
        reviews = reviews[:params["maxCount"]]
    return respond(dto.REVIEW_LIST(reviews=[dto.review_dto(state, r) for r in reviews]))


@bp.post(PRODUCT + "/reviews")
@operation("createProductReview", secured=roles.OPEN, body=dto.ReviewBody, form=True)
def create_product_review(baseSiteId: str, productCode: str, body: dict):
    rt = runtime()
    find_product(catalog(), productCode)
    caller = ctx().caller
    review = add_review(rt.db, productCode, caller.user.uid if caller.user else None,
                        body, rt.clock.now())
    return respond(dto.review_dto(rt.db.state, review), 201)


@bp.get(PRODUCT + "/stock/<storeName>")
@operation("getStoreProductStock", secured=roles.OPEN)
def get_store_product_stock(baseSiteId: str, productCode: str, storeName: str):
    cat = catalog()
    find_product(cat, productCode)
    pos = cat.state.points_of_service.get(storeName)
    if pos is None:
        raise ApiError(400, "UnknownIdentifierError", f"Store with name '{storeName}' not found")
    info = cat.pos_stock(productCode, pos)
    return respond(dto.stock_dto(info.status, info.level))


class LocationStockParams(i.Paging):
    location = i.TextParam(default="", blank_is_missing=False)


@bp.get(PRODUCT + "/stock")
@operation("getLocationProductStock", secured=roles.OPEN, params=LocationStockParams)
def get_location_product_stock(baseSiteId: str, productCode: str, params: dict):
    sc = site()
    page, size = params["currentPage"], params["pageSize"]
    cat = catalog()
    product = find_product(cat, productCode)
    stores = pos_matches(cat, cat.stores_of_base_store(), params["location"])
    entries = []
    for pos in stores[page * size:(page + 1) * size]:
        info = cat.pos_stock(productCode, pos)
        entries.append(dto.pos_dto(cat, pos, sc.lang).retyped(
            dto.POINT_OF_SERVICE_STOCK, stockInfo=dto.stock_dto(info.status, info.level)))
    return respond(dto.STORE_FINDER_STOCK_SEARCH_PAGE(
        stores=entries, pagination=dto.pagination_dto(page, size, len(stores), "asc"), sorts=[],
        locationText=params["location"] or None,
        product=dto.product_dto(cat, product, sc.lang, sc.curr)))
