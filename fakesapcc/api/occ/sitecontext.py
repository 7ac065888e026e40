"""OCC site context (tags Base Sites, Miscs, Countries, Cities): base sites, languages,
currencies, countries and their regions, the cities of a region and their districts, titles,
card types."""
from __future__ import annotations

from ...errors import ApiError
from ...models import localized
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..operations import operation
from .base import bp, respond, site
from .dtos import sitecontext as dto


class BaseSitesParams(i.Params):
    lang = i.TextParam(default="en")


@bp.get("/basesites")
@operation("getBaseSites", secured=roles.OPEN, params=BaseSitesParams)
def get_base_sites(params: dict):
    lang = params["lang"]
    state = runtime().db.state
    return respond(dto.BASE_SITE_LIST(baseSites=[
        dto.base_site_dto(state, s, lang) for s in sorted(state.base_sites.values(),
                                                          key=lambda x: x.uid)]))


@bp.get("/<baseSiteId>/languages")
@operation("getLanguages", secured=roles.OPEN)
def get_languages(baseSiteId: str):
    sc = site()
    state = runtime().db.state
    codes = sc.store.languages if sc.store else list(state.languages)
    return respond(dto.LANGUAGE_LIST(languages=[
        dto.language_dto(state.languages[c], sc.lang) for c in codes if c in state.languages]))


@bp.get("/<baseSiteId>/currencies")
@operation("getCurrencies", secured=roles.OPEN)
def get_currencies(baseSiteId: str):
    sc = site()
    state = runtime().db.state
    codes = sc.store.currencies if sc.store else list(state.currencies)
    return respond(dto.CURRENCY_LIST(currencies=[
        dto.currency_dto(state.currencies[c], sc.lang) for c in codes if c in state.currencies]))


class CountryParams(i.Params):
    type = i.ChoiceParam(("SHIPPING", "BILLING"), upper=True, message="Invalid type: {value}")


@bp.get("/<baseSiteId>/countries")
@operation("getCountries", secured=roles.OPEN, params=CountryParams)
def get_countries(baseSiteId: str, params: dict):
    sc = site()
    state = runtime().db.state
    kind = params["type"]
    if sc.store and kind == "SHIPPING":
        codes = sc.store.deliveryCountries
    elif sc.store and kind == "BILLING":
        codes = sc.store.billingCountries
    else:
        codes = sorted(state.countries)
    countries = sorted((state.countries[c] for c in codes if c in state.countries),
                       key=lambda c: localized(c.name, sc.lang) or c.isocode)
    return respond(dto.COUNTRY_LIST(countries=[dto.country_dto(c, sc.lang) for c in countries]))


@bp.get("/<baseSiteId>/countries/<countyIsoCode>/regions")
@operation("getCountryRegions", secured=roles.OPEN)
def get_country_regions(baseSiteId: str, countyIsoCode: str):
    sc = site()
    state = runtime().db.state
    if countyIsoCode not in state.countries:
        raise ApiError(400, "UnknownIdentifierError",
                       f"Country with isocode '{countyIsoCode}' not found")
    regions = sorted((r for r in state.regions.values() if r.country == countyIsoCode),
                     key=lambda r: r.isocode)
    return respond(dto.REGION_LIST(regions=[dto.region_dto(r, sc.lang) for r in regions]))


@bp.get("/<baseSiteId>/regions/<regionId>/cities")
@operation("getCities", secured=roles.OPEN)
def get_cities(baseSiteId: str, regionId: str):
    """An unknown region answers as an unknown country does (docs/fidelity.md, "Cities")."""
    state, lang = runtime().db.state, site().lang
    if regionId not in state.regions:
        raise ApiError(400, "UnknownIdentifierError", f"Region with isocode '{regionId}' not found")
    cities = sorted((c for c in state.cities.values() if c.region == regionId),
                    key=lambda c: c.isocode)
    return respond(dto.CITY_LIST(cities=[dto.CITY(isocode=c.isocode, name=localized(c.name, lang))
                                         for c in cities]))


@bp.get("/<baseSiteId>/cities/<cityId>/districts")
@operation("getDistricts", secured=roles.OPEN)
def get_districts(baseSiteId: str, cityId: str):
    state, lang = runtime().db.state, site().lang
    if cityId not in state.cities:
        raise ApiError(400, "UnknownIdentifierError", f"City with isocode '{cityId}' not found")
    districts = sorted((x for x in state.districts.values() if x.city == cityId),
                       key=lambda x: x.isocode)
    return respond(dto.DISTRICT_LIST(districts=[
        dto.DISTRICT(isocode=x.isocode, name=localized(x.name, lang)) for x in districts]))


@bp.get("/<baseSiteId>/titles")
@operation("getTitles", secured=roles.OPEN)
def get_titles(baseSiteId: str):
    sc = site()
    state = runtime().db.state
    return respond(dto.TITLE_LIST(titles=[dto.title_dto(t, sc.lang)
                                          for t in state.titles.values()]))


@bp.get("/<baseSiteId>/cardtypes")
@operation("getCardTypes", secured=roles.OPEN)
def get_card_types(baseSiteId: str):
    sc = site()
    state = runtime().db.state
    return respond(dto.CARD_TYPE_LIST(cardTypes=[dto.card_type_dto(t, sc.lang)
                                                 for t in state.card_types.values()]))
