"""OCC stores (tags Stores, Base Stores, Payment Modes): the store finder by text or by
position with distances, its count, stores per country and region, store counts, one store;
the base store; its payment modes."""
from __future__ import annotations

from flask import Response, request

from ...commerce.storefinder import Found, StoreFinder, formatted_distance
from ...errors import ApiError
from ...models import localized
from ...security import roles
from .. import inputs as i
from ..operations import operation
from .base import bp, catalog, respond, site
from .dtos import catalog as dto
from .dtos import sitecontext as sc_dto
from .dtos.carts import DELIVERY_MODE, DELIVERY_MODE_LIST
from .dtos.stores import (PAYMENT_MODE, PAYMENT_MODE_LIST, POINT_OF_SERVICE_LIST, STORE_COUNT,
                          STORE_COUNT_LIST)

MAX_RADIUS = 100000.0


def pos_matches(cat, stores, text: str):
    """The stores of ``stores`` whose name, display name, town or postal code contain
    ``text`` (the product stock search by location uses it too)."""
    matching = {f.pos.name for f in StoreFinder(cat).by_text(text)}
    return [p for p in stores if p.name in matching]


class Double(i.Param):
    java_type = "Double"

    def convert(self, name: str, value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise self.style().not_a_number(name, value) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise self.style().not_a_number(name, value)
        return number


class StoreFinderParams(i.Paging):
    query = i.TextParam(default="")
    latitude = Double()
    longitude = Double()
    radius = Double(default=MAX_RADIUS)
    accuracy = Double(default=0.0)
    sort = i.TextParam(default="asc")



def search(params: dict) -> tuple[list[Found], bool]:
    """By position when both coordinates are given, else by text (every store for none)."""
    finder = StoreFinder(catalog())
    lat, lon = params["latitude"], params["longitude"]
    if (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        raise ApiError(400, "MissingServletRequestParameterError",
                       f"Required Double parameter '{missing}' is not present")
    if lat is not None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ApiError(400, "ValidationError", "Latitude or longitude is out of range",
                           reason="invalid", subject="latitude", subject_type="parameter")
        return finder.by_position(lat, lon, params["radius"] + params["accuracy"]), True
    return finder.by_text(params["query"]), False


def found_dto(found: Found, lang: str):
    pos = dto.pos_dto(catalog(), found.pos, lang)
    if found.distance_km is not None:
        pos.update(distanceKm=round(found.distance_km, 3),
                   formattedDistance=formatted_distance(found.distance_km))
    return pos


@bp.get("/<baseSiteId>/stores")
@operation("getStoreLocations", secured=roles.OPEN, head="countStoreLocations",
           params=StoreFinderParams)
def get_store_locations(baseSiteId: str, params: dict):
    """The store finder; HEAD answers the count of the stores found (``x-total-count``)."""
    stores, by_position = search(params)
    if request.method == "HEAD":
        return Response(status=200, headers={"x-total-count": str(len(stores))})
    lang = site().lang
    page, size = params["currentPage"], params["pageSize"]
    shown = stores[page * size:(page + 1) * size]
    points = [f.pos for f in shown if f.pos.latitude is not None]
    bounds = {}
    if points:
        bounds = dict(boundNorthLatitude=max(p.latitude for p in points),
                      boundSouthLatitude=min(p.latitude for p in points),
                      boundEastLongitude=max(p.longitude for p in points),
                      boundWestLongitude=min(p.longitude for p in points))
    return respond(dto.STORE_FINDER_SEARCH_PAGE(
        stores=[found_dto(f, lang) for f in shown],
        pagination=dto.pagination_dto(page, size, len(stores), params["sort"]), sorts=[],
        locationText=params["query"] or None,
        sourceLatitude=params["latitude"] if by_position else None,
        sourceLongitude=params["longitude"] if by_position else None, **bounds))


def _country(iso: str) -> None:
    if iso.upper() not in {c.upper() for c in catalog().state.countries}:
        raise ApiError(400, "UnknownIdentifierError", f"Country with isocode '{iso}' not found")


@bp.get("/<baseSiteId>/stores/country/<countryIso>")
@operation("getStoresByCountry", secured=roles.OPEN)
def get_stores_by_country(baseSiteId: str, countryIso: str):
    _country(countryIso)
    cat, lang = catalog(), site().lang
    return respond(POINT_OF_SERVICE_LIST(pointOfServices=[
        dto.pos_dto(cat, p, lang) for p in StoreFinder(cat).in_country(countryIso)]))


@bp.get("/<baseSiteId>/stores/country/<countryIso>/region/<regionIso>")
@operation("getStoresByCountryAndRegion", secured=roles.OPEN)
def get_stores_by_country_and_region(baseSiteId: str, countryIso: str, regionIso: str):
    _country(countryIso)
    cat, lang = catalog(), site().lang
    region = next((r for r in cat.state.regions.values() if r.isocode.upper() == regionIso.upper()
                   or (r.country or "").upper() == countryIso.upper()
                   and (r.isocodeShort or "").upper() == regionIso.upper()), None)
    if region is None:
        raise ApiError(400, "UnknownIdentifierError", f"Region with isocode '{regionIso}' not found")
    return respond(POINT_OF_SERVICE_LIST(pointOfServices=[
        dto.pos_dto(cat, p, lang) for p in StoreFinder(cat).in_country(countryIso, region.isocode)]))


@bp.get("/<baseSiteId>/stores/storescounts")
@operation("getLocationCounts", secured=roles.OPEN)
def get_location_counts(baseSiteId: str):
    cat, lang = catalog(), site().lang
    state = cat.state

    def name(items, iso):
        item = items.get(iso)
        return localized(item.name, lang) if item else iso

    return respond(STORE_COUNT_LIST(countriesAndRegionsStoreCount=[
        STORE_COUNT(type="COUNTRY", isoCode=country, name=name(state.countries, country),
                    count=count, storeCountDataList=[
                        STORE_COUNT(type="REGION", isoCode=region, name=name(state.regions, region),
                                    count=n, storeCountDataList=[])
                        for region, n in regions])
        for country, count, regions in StoreFinder(cat).counts()]))


@bp.get("/<baseSiteId>/stores/<storeId>")
@operation("getStoreLocation", secured=roles.OPEN)
def get_store_location(baseSiteId: str, storeId: str):
    cat = catalog()
    pos = cat.state.points_of_service.get(storeId)
    if pos is None:
        raise ApiError(400, "UnknownIdentifierError", f"Store with name '{storeId}' not found")
    return respond(dto.pos_dto(cat, pos, site().lang))


# -- base stores, payment modes ----------------------------------------------------------------


@bp.get("/<baseSiteId>/basestores/<baseStoreUid>")
@operation("getBaseStore", secured=roles.OPEN)
def get_base_store(baseSiteId: str, baseStoreUid: str):
    """A base store of the site, with its countries, delivery modes and stores."""
    sc = site()
    cat = catalog()
    state = cat.state
    store = state.base_stores.get(baseStoreUid)
    if store is None or baseStoreUid not in sc.site.stores:
        raise ApiError(400, "UnknownIdentifierError",
                       f"Base store with uid '{baseStoreUid}' not found")
    body = sc_dto.base_store_dto(state, store, sc.lang)
    modes = [state.delivery_modes[c] for c in store.deliveryModes if c in state.delivery_modes]
    body.update(
        deliveryCountries=[sc_dto.country_dto(state.countries[c], sc.lang)
                           for c in store.deliveryCountries if c in state.countries],
        deliveryModes=DELIVERY_MODE_LIST(deliveryModes=[
            DELIVERY_MODE(code=mode.code, name=localized(mode.name, sc.lang),
                          description=localized(mode.description, sc.lang)) for mode in modes]),
        pointsOfService=[dto.pos_dto(cat, p, sc.lang)
                         for p in sorted(state.points_of_service.values(), key=lambda p: p.name)
                         if p.basestore == store.uid],
        maxRadiusForPosSearch=MAX_RADIUS, submitOrderProcessCode="order-process",
        createReturnProcessCode="return-process")
    return respond(body)


@bp.get("/<baseSiteId>/paymentmodes")
@operation("getPaymentModes", secured=roles.OPEN)
def get_payment_modes(baseSiteId: str):
    lang = site().lang
    modes = sorted((p for p in catalog().state.payment_modes.values() if p.active),
                   key=lambda p: p.code)
    return respond(PAYMENT_MODE_LIST(paymentModes=[
        PAYMENT_MODE(code=p.code, name=localized(p.name, lang),
                     description=localized(p.description, lang)) for p in modes]))
