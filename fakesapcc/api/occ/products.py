"""OCC catalog: products, search, suggestions, references, reviews, stock, catalogs, stores."""
from __future__ import annotations

from flask import Response, request

from ... import models as m
from .. import runtime
from ...commerce.catalog import CatalogService
from ...commerce.search import ProductSearch, SearchError
from ...errors import ApiError, validation_error
from ...models import localized
from ..context import ctx
from ..fields import Dto
from ..operations import operation
from .base import bp, int_param, json_body, respond, site
from .catalog_dto import (pagination_dto, pos_dto, product_dto, review_dto,
                          search_page_dto, stock_dto)


def catalog() -> CatalogService:
    sc = site()
    return CatalogService(runtime().db, sc.store)


def find_product(cat: CatalogService, code: str) -> m.Product:
    product = cat.product(code)
    if product is None:
        raise ApiError(400, "UnknownIdentifierError", f"Product with code '{code}' not found!")
    return product


@bp.get("/<baseSiteId>/products/<productCode>")
@operation("getProduct")
def get_product(baseSiteId: str, productCode: str):
    sc = site()
    with runtime().db.atomic():
        cat = catalog()
        return respond(product_dto(cat, find_product(cat, productCode), sc.lang, sc.curr))


def _search(category_code: str | None = None):
    sc = site()
    cat = catalog()
    try:
        return ProductSearch(cat, sc.lang, sc.curr).search(
            request.args.get("query") or "", request.args.get("sort") or None,
            int_param("currentPage", 0), int_param("pageSize", 20, minimum=1), category_code)
    except SearchError as exc:
        message = str(exc)
        if message.startswith("Category"):
            raise ApiError(400, "UnknownIdentifierError", message) from None
        raise validation_error("query", message) from None


@bp.get("/<baseSiteId>/products/search")
@operation("getProducts", head="countProducts")
def get_products(baseSiteId: str):
    sc = site()
    with runtime().db.atomic():
        result = _search()
        if request.method == "HEAD":
            return Response(status=200, headers={"X-Total-Count": str(result.total)})
        return respond(search_page_dto(catalog(), result, sc.lang, sc.curr))


@bp.get("/<baseSiteId>/categories/<categoryId>/products")
@operation("getProductsByCategory")
def get_products_by_category(baseSiteId: str, categoryId: str):
    sc = site()
    with runtime().db.atomic():
        result = _search(categoryId)
        return respond(search_page_dto(catalog(), result, sc.lang, sc.curr))


@bp.get("/<baseSiteId>/products/suggestions")
@operation("getSuggestions")
def get_suggestions(baseSiteId: str):
    term = request.args.get("term")
    if term is None:
        raise ApiError(400, "MissingServletRequestParameterError",
                       "Required String parameter 'term' is not present")
    limit = int_param("max", 10, minimum=1)
    sc = site()
    words: list[str] = []
    with runtime().db.atomic():
        needle = term.strip().lower()
        for product in sorted(catalog().products(), key=lambda p: p.code):
            for word in (localized(product.name, sc.lang) or "").lower().split():
                if needle and word.startswith(needle) and word not in words:
                    words.append(word)
    return respond(Dto("SuggestionList", {"suggestions": [
        Dto("Suggestion", {"value": w}) for w in sorted(words)[:limit]]}))


@bp.get("/<baseSiteId>/products/<productCode>/references")
@operation("getProductReferences")
def get_product_references(baseSiteId: str, productCode: str):
    sc = site()
    kinds = {k.strip() for k in (request.args.get("referenceType") or "").split(",") if k.strip()}
    limit = int_param("pageSize", 2147483647, minimum=1)
    with runtime().db.atomic() as state:
        cat = catalog()
        find_product(cat, productCode)
        refs = [r for r in state.product_references.values()
                if r.source == productCode and r.active and (not kinds or r.referenceType in kinds)]
        result = []
        for ref in sorted(refs, key=lambda r: r.pk)[:limit]:
            target = cat.product(ref.target)
            if target is not None:
                result.append(Dto("ProductReference", {
                    "referenceType": ref.referenceType, "description": ref.description,
                    "quantity": ref.quantity, "preselected": ref.preselected,
                    "target": product_dto(cat, target, sc.lang, sc.curr)}))
        return respond(Dto("ProductReferenceList", {"references": result}))


@bp.get("/<baseSiteId>/products/<productCode>/reviews")
@operation("getProductReviews")
def get_product_reviews(baseSiteId: str, productCode: str):
    from ...commerce.reviews import approved_reviews

    max_count = request.args.get("maxCount")
    with runtime().db.atomic() as state:
        find_product(catalog(), productCode)
        reviews = approved_reviews(state, productCode)
        if max_count:
            reviews = reviews[:int_param("maxCount", 0, minimum=1)]
        return respond(Dto("ReviewList", {"reviews": [review_dto(state, r) for r in reviews]}))


@bp.post("/<baseSiteId>/products/<productCode>/reviews")
@operation("createProductReview")
def create_product_review(baseSiteId: str, productCode: str):
    body = json_body()
    errors = []
    rating = body.get("rating")
    if rating is None:
        errors.append(validation_error("rating", "This field is required.", "missing"))
    elif not isinstance(rating, (int, float)) or isinstance(rating, bool) or not 1 <= rating <= 5:
        errors.append(validation_error("rating", "Value should be between 1 and 5"))
    for name in ("headline", "comment"):
        if not (isinstance(body.get(name), str) and body[name].strip()):
            errors.append(validation_error(name, "This field is required.", "missing"))
    if errors:
        from ...errors import ApiErrors

        raise ApiErrors(400, errors)
    rt = runtime()
    caller = ctx().caller
    with rt.db.atomic() as state:
        find_product(catalog(), productCode)
        review = m.CustomerReview(
            pk=rt.db.new_pk(), product=productCode,
            user=caller.user.uid if caller.user else None, rating=float(rating),
            headline=body["headline"].strip(), comment=body["comment"].strip(),
            alias=body.get("alias") if isinstance(body.get("alias"), str) else None,
            date=rt.clock.now(), approvalStatus="approved")
        state.reviews[review.pk] = review
        return respond(review_dto(state, review), 201)


@bp.get("/<baseSiteId>/products/<productCode>/stock/<storeName>")
@operation("getStoreProductStock")
def get_store_product_stock(baseSiteId: str, productCode: str, storeName: str):
    with runtime().db.atomic() as state:
        cat = catalog()
        find_product(cat, productCode)
        pos = state.points_of_service.get(storeName)
        if pos is None:
            raise ApiError(400, "UnknownIdentifierError",
                           f"Store with name '{storeName}' not found")
        info = cat.pos_stock(productCode, pos)
        return respond(stock_dto(info.status, info.level))


@bp.get("/<baseSiteId>/products/<productCode>/stock")
@operation("getLocationProductStock")
def get_location_product_stock(baseSiteId: str, productCode: str):
    sc = site()
    page, size = int_param("currentPage", 0), int_param("pageSize", 20, minimum=1)
    with runtime().db.atomic():
        cat = catalog()
        product = find_product(cat, productCode)
        stores = cat.stores_of_base_store()
        text = (request.args.get("location") or "").strip().lower()
        if text:
            stores = [p for p in stores if text in _pos_text(cat, p)]
        chunk = stores[page * size:(page + 1) * size]
        entries = []
        for pos in chunk:
            dto = pos_dto(cat, pos, sc.lang)
            info = cat.pos_stock(productCode, pos)
            dto.dto = "PointOfServiceStock"
            dto["stockInfo"] = stock_dto(info.status, info.level)
            entries.append(dto)
        return respond(Dto("StoreFinderStockSearchPage", {
            "stores": entries, "pagination": pagination_dto(page, size, len(stores), "asc"),
            "sorts": [], "locationText": request.args.get("location"),
            "product": product_dto(cat, product, sc.lang, sc.curr)}))


def _pos_text(cat: CatalogService, pos: m.PointOfService) -> str:
    address = cat.state.addresses.get(pos.address or -1)
    parts = [pos.name, pos.displayName or "", address.town or "" if address else "",
             address.postalcode or "" if address else ""]
    return " ".join(parts).lower()


@bp.get("/<baseSiteId>/stores")
@operation("getStoreLocations")
def get_store_locations(baseSiteId: str):
    sc = site()
    page, size = int_param("currentPage", 0), int_param("pageSize", 20, minimum=1)
    with runtime().db.atomic():
        cat = catalog()
        stores = cat.stores_of_base_store()
        text = (request.args.get("query") or "").strip().lower()
        if text:
            stores = [p for p in stores if text in _pos_text(cat, p)]
        chunk = stores[page * size:(page + 1) * size]
        return respond(Dto("StoreFinderSearchPage", {
            "stores": [pos_dto(cat, p, sc.lang) for p in chunk],
            "pagination": pagination_dto(page, size, len(stores), "asc"), "sorts": [],
            "locationText": request.args.get("query")}))


@bp.get("/<baseSiteId>/stores/<storeId>")
@operation("getStoreLocation")
def get_store_location(baseSiteId: str, storeId: str):
    sc = site()
    with runtime().db.atomic() as state:
        pos = state.points_of_service.get(storeId)
        if pos is None:
            raise ApiError(400, "UnknownIdentifierError", f"Store with name '{storeId}' not found")
        return respond(pos_dto(catalog(), pos, sc.lang))


# -- catalogs ----------------------------------------------------------------------------------


def _category_hierarchy(cat: CatalogService, category: m.Category, lang: str, depth: int = 0) -> Dto:
    return Dto("CategoryHierarchy", {
        "id": category.code, "name": localized(category.name, lang),
        "url": f"/{category.catalogVersion[0]}/{category.catalogVersion[1]}/categories/{category.code}",
        "lastModified": None,
        "subcategories": [_category_hierarchy(cat, sub, lang, depth + 1)
                          for sub in cat.subcategories(category.code)] if depth < 10 else []})


def _catalog_version_dto(cat: CatalogService, catalog_id: str, version: str, lang: str) -> Dto:
    roots = sorted((c for c in cat.categories()
                    if c.catalogVersion == (catalog_id, version) and not c.supercategories),
                   key=lambda c: c.code)
    return Dto("CatalogVersion", {
        "id": version, "name": version, "url": f"/{catalog_id}/{version}", "lastModified": None,
        "categories": [_category_hierarchy(cat, c, lang) for c in roots]})


def _catalog_dto(cat: CatalogService, catalog_obj: m.Catalog, lang: str) -> Dto:
    versions = [v for c, v in cat.versions if c == catalog_obj.id]
    return Dto("Catalog", {
        "id": catalog_obj.id, "name": localized(catalog_obj.name, lang) or catalog_obj.id,
        "url": f"/{catalog_obj.id}", "lastModified": None,
        "catalogVersions": [_catalog_version_dto(cat, catalog_obj.id, v, lang) for v in versions]})


def _catalog_or_error(cat: CatalogService, catalog_id: str) -> m.Catalog:
    found = cat.state.catalogs.get(catalog_id)
    if found is None or catalog_id not in {c for c, _ in cat.versions}:
        raise ApiError(400, "UnknownIdentifierError",
                       f"Catalog with id '{catalog_id}' not found")
    return found


def _version_or_error(cat: CatalogService, catalog_id: str, version: str) -> None:
    _catalog_or_error(cat, catalog_id)
    if (catalog_id, version) not in cat.versions:
        raise ApiError(400, "UnknownIdentifierError",
                       f"Catalog version with id '{version}' of catalog '{catalog_id}' not found")


@bp.get("/<baseSiteId>/catalogs")
@operation("getCatalogs")
def get_catalogs(baseSiteId: str):
    sc = site()
    with runtime().db.atomic() as state:
        cat = catalog()
        ids = sorted({c for c, _ in cat.versions})
        return respond(Dto("CatalogList", {"catalogs": [
            _catalog_dto(cat, state.catalogs[i], sc.lang) for i in ids if i in state.catalogs]}))


@bp.get("/<baseSiteId>/catalogs/<catalogId>")
@operation("getCatalog")
def get_catalog(baseSiteId: str, catalogId: str):
    sc = site()
    with runtime().db.atomic():
        cat = catalog()
        return respond(_catalog_dto(cat, _catalog_or_error(cat, catalogId), sc.lang))


@bp.get("/<baseSiteId>/catalogs/<catalogId>/<catalogVersionId>")
@operation("getCatalogVersion")
def get_catalog_version(baseSiteId: str, catalogId: str, catalogVersionId: str):
    sc = site()
    with runtime().db.atomic():
        cat = catalog()
        _version_or_error(cat, catalogId, catalogVersionId)
        return respond(_catalog_version_dto(cat, catalogId, catalogVersionId, sc.lang))


@bp.get("/<baseSiteId>/catalogs/<catalogId>/<catalogVersionId>/categories/<categoryId>")
@operation("getCategories")
def get_categories(baseSiteId: str, catalogId: str, catalogVersionId: str, categoryId: str):
    sc = site()
    with runtime().db.atomic() as state:
        cat = catalog()
        _version_or_error(cat, catalogId, catalogVersionId)
        category = state.categories.get((catalogId, catalogVersionId, categoryId))
        if category is None:
            raise ApiError(400, "UnknownIdentifierError",
                           f"Category with code '{categoryId}' not found")
        dto = _category_hierarchy(cat, category, sc.lang)
        products = [p for p in cat.products() if categoryId in p.supercategories]
        dto["products"] = [product_dto(cat, p, sc.lang, sc.curr) for p in products]
        return respond(dto)
