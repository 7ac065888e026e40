"""Catalog WsDTOs: Product and its parts (Price, Stock, Image, Category, Review, references),
catalogs and category hierarchies, product search pages, points of service and the store
finder; and the Review request body."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import marshmallow as ma

from ... import dto as d
from ... import inputs as i
from .... import models as m
from ....commerce.catalog import CatalogService
from ....commerce.money import format_amount, round_amount
from ....commerce.reviews import approved_reviews, average_rating
from ....commerce.search import SORTS, SearchResult
from ....db import CATALOG as CATALOG_DATA, REVIEWS, State
from ....models import localized
from .users import address_dto, principal_dto

PRICE = d.DtoType(
    "Price", "currencyIso value priceType formattedValue minQuantity maxQuantity",
    BASIC="value,currencyIso",
    DEFAULT="currencyIso,priceType,value,maxQuantity,minQuantity,formattedValue",
    FULL="currencyIso,priceType,value,maxQuantity,minQuantity,formattedValue")
PRICE_RANGE = d.DtoType("PriceRange", "maxPrice minPrice")
STOCK = d.DtoType("Stock", "stockLevelStatus stockLevel isValueRounded", BASIC="stockLevel",
                  DEFAULT="stockLevelStatus,stockLevel,isValueRounded",
                  FULL="stockLevelStatus,stockLevel,isValueRounded")
FUTURE_STOCK = d.DtoType("FutureStock", "stock date formattedDate",
                         BASIC="stock(BASIC),date,formattedDate",
                         DEFAULT="stock(DEFAULT),date,formattedDate",
                         FULL="stock(FULL),date,formattedDate")
IMAGE = d.DtoType("Image", "imageType format url altText galleryIndex", BASIC="url",
                  DEFAULT="url,format,imageType",
                  FULL="galleryIndex,imageType,format,altText,url")
CATEGORY = d.DtoType("Category", "code name url image", BASIC="code",
                     DEFAULT="image(DEFAULT),code,name", FULL="image(FULL),code,name,url")
REVIEW = d.DtoType("Review", "id headline comment rating date alias principal",
                   BASIC="id,headline,comment,rating,date,alias,principal")
REVIEW_LIST = d.DtoType("ReviewList", "reviews")
PRODUCT = d.DtoType(
    "Product", "code name url description purchasable stock futureStocks availableForPickup "
    "averageRating numberOfReviews summary manufacturer variantType price sapUnit baseProduct "
    "images categories reviews classifications potentialPromotions variantOptions baseOptions "
    "volumePricesFlag volumePrices productReferences variantMatrix priceRange multidimensional "
    "configuratorType configurable tags sapAddToCartDisabled sapAddToCartDisabledMessage "
    "firstVariantCode firstVariantImage bundleTemplates timedAccessPromotion productTypes",
    BASIC="purchasable,stock,name,baseProduct,availableForPickup,code,url,price",
    DEFAULT="summary,averageRating,purchasable,stock(DEFAULT),description,"
            "variantMatrix(DEFAULT),name,baseOptions(DEFAULT),baseProduct,availableForPickup,"
            "variantOptions(DEFAULT),code,url,price(DEFAULT),numberOfReviews,manufacturer,"
            "categories(BASIC,name),priceRange,multidimensional,configuratorType,configurable,"
            "tags")
PRODUCT_REFERENCE = d.DtoType("ProductReference",
                              "referenceType description quantity target preselected")
PRODUCT_REFERENCE_LIST = d.DtoType("ProductReferenceList", "references")
SUGGESTION = d.DtoType("Suggestion", "value")
SUGGESTION_LIST = d.DtoType("SuggestionList", "suggestions")
CATALOG = d.DtoType("Catalog", "id lastModified name url catalogVersions",
                    BASIC="id,name,catalogVersions", DEFAULT="id,name,url,catalogVersions(DEFAULT)")
CATALOG_LIST = d.DtoType("CatalogList", "catalogs")
CATALOG_VERSION = d.DtoType("CatalogVersion", "id lastModified name url categories",
                            BASIC="id,name", DEFAULT="id,name,url,categories(DEFAULT)")
CATEGORY_HIERARCHY = d.DtoType("CategoryHierarchy",
                               "id lastModified name url subcategories products",
                               BASIC="id,name,url", DEFAULT="id,name,url,subcategories(DEFAULT)")
PAGINATION = d.DtoType("deprecatedPagination",
                       "pageSize currentPage sort totalPages totalResults")
SORT = d.DtoType("Sort", "code name selected")
SEARCH_QUERY = d.DtoType("SearchQuery", "value")
SEARCH_STATE = d.DtoType("SearchState", "url query", BASIC="url,query", DEFAULT="url,query")
SPELLING_SUGGESTION = d.DtoType("SpellingSuggestion", "suggestion query")
BREADCRUMB = d.DtoType("Breadcrumb", "facetCode facetName facetValueCode facetValueName "
                       "removeQuery truncateQuery")
FACET_VALUE = d.DtoType("FacetValue", "name count query selected",
                        BASIC="name,count,query,selected", DEFAULT="name,count,query,selected")
FACET = d.DtoType("Facet", "name priority category multiSelect visible topValues values",
                  BASIC="multiSelect,category,values,visible,priority,name,topValues",
                  DEFAULT="multiSelect,category,values(DEFAULT),visible,priority,name,"
                          "topValues(DEFAULT)")
PRODUCT_SEARCH_PAGE = d.DtoType(
    "ProductSearchPage", "freeTextSearch categoryCode keywordRedirectUrl spellingSuggestion "
    "products sorts pagination currentQuery breadcrumbs facets",
    BASIC="freeTextSearch,keywordRedirectUrl,categoryCode,products,pagination",
    DEFAULT="freeTextSearch,keywordRedirectUrl,categoryCode,spellingSuggestion(DEFAULT),"
            "currentQuery(DEFAULT),breadcrumbs(DEFAULT),products(DEFAULT),pagination(DEFAULT),"
            "sorts(DEFAULT)")
GEO_POINT = d.DtoType("GeoPoint", "latitude longitude")
_POS = ("name displayName url description openingHours storeContent features geoPoint "
        "formattedDistance distanceKm mapIcon address storeImages pickUpInStoreInstructions "
        "warehouseCodes")
POINT_OF_SERVICE = d.DtoType("PointOfService", _POS, BASIC="name,displayName")
POINT_OF_SERVICE_STOCK = d.DtoType("PointOfServiceStock", _POS + " stockInfo",
                                   BASIC="name,displayName")
_STORE_FINDER = ("stores sorts pagination locationText sourceLatitude sourceLongitude "
                 "boundNorthLatitude boundEastLongitude boundSouthLatitude boundWestLongitude")
STORE_FINDER_SEARCH_PAGE = d.DtoType("StoreFinderSearchPage", _STORE_FINDER)
STORE_FINDER_STOCK_SEARCH_PAGE = d.DtoType("StoreFinderStockSearchPage",
                                           _STORE_FINDER + " product")


def price_dto(catalog: CatalogService, value: float | None, currency: str, lang: str,
              price_type: str = "BUY") -> d.Dto | None:
    cur = catalog.state.currencies.get(currency)
    if value is None or cur is None:
        return None
    value = round_amount(value, cur.digits)
    return PRICE(currencyIso=currency, value=value, priceType=price_type,
                 formattedValue=format_amount(value, cur, lang))


def stock_dto(status: str, level: int | None) -> d.Dto:
    return STOCK(stockLevelStatus=status, stockLevel=level,
                 isValueRounded=False if level is not None else None)


def category_dto(catalog: CatalogService, code: str, lang: str) -> d.Dto | None:
    category = catalog.category(code)
    if category is None:
        return None
    return CATEGORY(code=category.code, name=localized(category.name, lang),
                    url=f"/c/{category.code}")


def product_url(product: m.Product, lang: str) -> str:
    name = (localized(product.name, lang) or product.code).replace(" ", "-").replace("/", "-")
    return f"/{name}/p/{product.code}"


def review_dto(state: State, review: m.CustomerReview) -> d.Dto:
    user = state.principals.get(review.user.lower()) if review.user else None
    return REVIEW(id=str(review.pk), headline=review.headline, comment=review.comment,
                  rating=review.rating, alias=review.alias,
                  date=review.date.isoformat(timespec="seconds") if review.date else None,
                  principal=principal_dto(user.uid, user.name) if user else None)


def product_dto(catalog: CatalogService, product: m.Product, lang: str, currency: str) -> d.Kept:
    """SAP's Product; what costs a lookup is computed only if the ``fields`` ask for it. Its
    projection is kept until the catalog or the reviews change; stock and pickup availability,
    which orders change, are worked out on every request."""
    state = catalog.state
    code = product.code

    def build() -> d.Dto:
        return PRODUCT(
            code=code, name=localized(product.name, lang), url=product_url(product, lang),
            description=localized(product.description, lang), purchasable=product.purchasable,
            averageRating=d.Lazy(lambda: average_rating(state, code)),
            numberOfReviews=d.Lazy(lambda: len(approved_reviews(state, code))),
            summary=localized(product.summary, lang), manufacturer=product.manufacturerName,
            price=d.Lazy(lambda: price_dto(catalog, catalog.price(code, currency), currency, lang)),
            images=d.Lazy(lambda: [IMAGE(dict(image)) for image in catalog.images(product)]),
            categories=d.Lazy(lambda: [c for c in (category_dto(catalog, x, lang)
                                                   for x in product.supercategories) if c]),
            reviews=d.Lazy(lambda: [review_dto(state, r) for r in approved_reviews(state, code)]),
            classifications=[], potentialPromotions=[], variantOptions=[], baseOptions=[],
            volumePricesFlag=d.Lazy(lambda: bool(volume_prices(catalog, code, currency, lang))),
            volumePrices=d.Lazy(lambda: volume_prices(catalog, code, currency, lang)),
            variantMatrix=[], priceRange=PRICE_RANGE(), multidimensional=False,
            configurable=False, tags=[])

    def fresh() -> d.Dto:
        return PRODUCT(stock=d.Lazy(lambda: stock_dto(*_stock(catalog, code))),
                       availableForPickup=d.Lazy(lambda: catalog.available_for_pickup(code)),
                       futureStocks=d.Lazy(lambda: future_stocks_of(state, code)))

    store = catalog.base_store.uid if catalog.base_store else None
    return d.Kept(_kept_products(catalog), (store, product.catalogVersion, code, lang, currency),
                  build, fresh)


def volume_prices(catalog: CatalogService, code: str, currency: str, lang: str) -> list[d.Dto]:
    """SAP's volume prices: the product's price rows in the currency by minimum quantity, each
    up to the next one's (``maxQuantity``); none when the product has a single price."""
    rows = sorted((r for r in catalog.db.prices(code) if r.currency == currency),
                  key=lambda r: max(r.minqtd, 1))
    if len(rows) < 2:
        return []
    result = []
    for n, row in enumerate(rows):
        price = price_dto(catalog, row.price, currency, lang)
        if price is None:
            continue
        price.update(minQuantity=max(row.minqtd, 1),
                            maxQuantity=max(rows[n + 1].minqtd - 1, 1) if n + 1 < len(rows)
                            else None)
        result.append(price)
    return result


def future_stocks_of(state: State, code: str) -> list[d.Dto]:
    """The product's future stocks by date (b2bcommerce's FutureStock)."""
    found = sorted((fs for fs in state.future_stocks.values()
                    if fs.productCode == code and fs.date is not None),
                   key=lambda fs: fs.date)  # type: ignore[arg-type,return-value]
    return [future_stock_dto(fs) for fs in found]


def future_stock_dto(fs: Any) -> d.Dto:
    """A FutureStock: SAP's date, and the date formatted in the site's locale (en_GB,
    SHORT: 15/06/2050)."""
    return FUTURE_STOCK(stock=stock_dto("inStock", fs.quantity),
                        date=fs.date.isoformat(timespec="seconds") if fs.date else None,
                        formattedDate=fs.date.strftime("%d/%m/%Y") if fs.date else None)


def _kept_products(catalog: CatalogService) -> dict:
    return catalog.db.derived("product-dtos", (CATALOG_DATA, REVIEWS), lambda state: {})


def _stock(catalog: CatalogService, code: str) -> tuple[str, int | None]:
    """Status and level; with no stock system (a base store without warehouses) SAP's
    StockPopulator sets ``inStock`` and a level of 0."""
    info = catalog.stock(code)
    if not catalog.stock_system_enabled():
        return info.status, 0
    return info.status, info.level


def pagination_dto(current_page: int, page_size: int, total: int, sort: str | None) -> d.Dto:
    pages = (total + page_size - 1) // page_size if page_size else 0
    return PAGINATION(currentPage=current_page, pageSize=page_size, sort=sort,
                      totalPages=pages, totalResults=total)


def sort_dtos(codes: dict[str, str], selected: str) -> list[d.Dto]:
    return [SORT(code=code, name=name, selected=code == selected)
            for code, name in codes.items()]


def search_state(query: str, base: str = "/search") -> d.Dto:
    return SEARCH_STATE(url=f"{base}?q={quote(query, safe=':')}",
                        query=SEARCH_QUERY(value=query))


def search_page_dto(catalog: CatalogService, result: SearchResult, lang: str,
                    currency: str) -> d.Kept:
    """SAP's ProductSearchPage: facets, breadcrumbs, sorts and paging kept with the search
    result they show; the products are each a kept product."""
    base = f"/c/{result.category_code}" if result.category_code else "/search"

    def build() -> d.Dto:
        facets = []
        for facet in result.facets:
            values = [FACET_VALUE(name=v.name, count=v.count, selected=v.selected,
                                  query=search_state(v.query, base)) for v in facet.values]
            facets.append(FACET(name=facet.name, priority=facet.priority, category=facet.category,
                                multiSelect=facet.multi_select, visible=True,
                                topValues=values[:5] if len(values) > 5 else None, values=values))
        breadcrumbs = [BREADCRUMB(b, removeQuery=search_state(b["removeQuery"], base),
                                  truncateQuery=search_state(b["truncateQuery"], base))
                       for b in result.breadcrumbs]
        return PRODUCT_SEARCH_PAGE(
            freeTextSearch=result.free_text, categoryCode=result.category_code,
            sorts=sort_dtos(SORTS, result.sort),
            pagination=pagination_dto(result.current_page, result.page_size, result.total,
                                      result.sort),
            currentQuery=search_state(result.query, base), breadcrumbs=breadcrumbs, facets=facets)

    def fresh() -> d.Dto:
        return PRODUCT_SEARCH_PAGE(
            products=[product_dto(catalog, p, lang, currency) for p in result.products])

    store = catalog.base_store.uid if catalog.base_store else None
    key = ("search-page", store, lang, currency, result.query, result.sort, result.current_page,
           result.page_size, result.category_code)
    return d.Kept(_kept_products(catalog), key, build, fresh)

def pos_dto(catalog: CatalogService, pos: m.PointOfService, lang: str) -> d.Dto:
    address = catalog.state.addresses.get(pos.address or -1)
    return POINT_OF_SERVICE(
        name=pos.name, displayName=pos.displayName or pos.name, url=f"/store/{pos.name}",
        description=pos.description,
        geoPoint=GEO_POINT(latitude=pos.latitude, longitude=pos.longitude)
        if pos.latitude is not None else None,
        address=address_dto(catalog.state, address, lang) if address else None,
        storeImages=[], warehouseCodes=list(pos.warehouses))


def category_hierarchy_dto(catalog: CatalogService, category: m.Category, lang: str,
                           depth: int = 0) -> d.Dto:
    return CATEGORY_HIERARCHY(
        id=category.code, name=localized(category.name, lang),
        url=f"/{category.catalogVersion[0]}/{category.catalogVersion[1]}/categories/"
            f"{category.code}",
        subcategories=[category_hierarchy_dto(catalog, sub, lang, depth + 1)
                       for sub in catalog.subcategories(category.code)] if depth < 10 else [])


def catalog_version_dto(catalog: CatalogService, catalog_id: str, version: str,
                        lang: str) -> d.Dto:
    roots = sorted((c for c in catalog.categories()
                    if c.catalogVersion == (catalog_id, version) and not c.supercategories),
                   key=lambda c: c.code)
    return CATALOG_VERSION(id=version, name=version, url=f"/{catalog_id}/{version}",
                           categories=[category_hierarchy_dto(catalog, c, lang) for c in roots])


def catalog_dto(catalog: CatalogService, catalog_obj: m.Catalog, lang: str) -> d.Dto:
    versions = [v for c, v in catalog.versions if c == catalog_obj.id]
    return CATALOG(id=catalog_obj.id, name=localized(catalog_obj.name, lang) or catalog_obj.id,
                   url=f"/{catalog_obj.id}",
                   catalogVersions=[catalog_version_dto(catalog, catalog_obj.id, v, lang)
                                    for v in versions])


# -- request bodies ----------------------------------------------------------------------------


class ReviewBody(i.Body):
    """A product review (``reviewDTOValidator``): headline and comment required, a rating from
    1 to 5. Spartacus posts it as a form, which SAP's controller also takes."""

    headline = i.Text(required=True)
    comment = i.Text(required=True)
    rating = i.Double(required=True)
    alias = i.Text()

    @ma.validates("rating")
    def _rating(self, value: float, **kwargs: object) -> None:
        if not 1 <= value <= 5:
            raise ma.ValidationError("Value should be between 1 and 5")
