"""OCC site context: base sites, languages, currencies, countries, regions, titles, card types."""
from __future__ import annotations

from ..operations import operation

from flask import request

from .. import runtime
from ...errors import ApiError
from ...models import localized
from ..fields import Dto
from .base import bp, respond, site
from .dto import country_dto, currency_dto, language_dto, region_dto, title_dto


@bp.get("/basesites")
@operation("getBaseSites")
def get_base_sites():
    lang = request.args.get("lang") or "en"
    with runtime().db.atomic() as state:
        sites = []
        for s in sorted(state.base_sites.values(), key=lambda x: x.uid):
            store = state.base_stores.get(s.stores[0]) if s.stores else None
            sites.append(Dto("BaseSite", {
                "uid": s.uid, "name": localized(s.name, lang), "channel": s.channel,
                "theme": s.theme, "defaultLanguage": language_dto(
                    state.languages[s.defaultLanguage], lang)
                if s.defaultLanguage in state.languages else None,
                "urlPatterns": list(s.urlPatterns), "requiresAuthentication": s.requiresAuthentication,
                "isolated": s.isolated, "urlEncodingAttributes": list(s.urlEncodingAttributes),
                "stores": [Dto("BaseStore", {"name": localized(store.name, lang),
                                             "currencies": [currency_dto(state.currencies[c], lang) for c in store.currencies if c in state.currencies],
                                             "defaultCurrency": currency_dto(state.currencies[store.defaultCurrency], lang) if store.defaultCurrency in state.currencies else None,
                                             "languages": [language_dto(state.languages[x], lang) for x in store.languages if x in state.languages],
                                             "defaultLanguage": language_dto(state.languages[store.defaultLanguage], lang) if store.defaultLanguage in state.languages else None,
                                             "externalTaxEnabled": False,
                                             "paymentProvider": "Mockup",
                                             "expressCheckoutEnabled": False})] if store else [],
            }))
        return respond(Dto("BaseSiteList", {"baseSites": sites}))


@bp.get("/<baseSiteId>/languages")
@operation("getLanguages")
def get_languages(baseSiteId: str):
    sc = site()
    with runtime().db.atomic() as state:
        codes = sc.store.languages if sc.store else list(state.languages)
        return respond(Dto("LanguageList", {"languages": [
            language_dto(state.languages[c], sc.lang) for c in codes if c in state.languages]}))


@bp.get("/<baseSiteId>/currencies")
@operation("getCurrencies")
def get_currencies(baseSiteId: str):
    sc = site()
    with runtime().db.atomic() as state:
        codes = sc.store.currencies if sc.store else list(state.currencies)
        return respond(Dto("CurrencyList", {"currencies": [
            currency_dto(state.currencies[c], sc.lang) for c in codes if c in state.currencies]}))


@bp.get("/<baseSiteId>/countries")
@operation("getCountries")
def get_countries(baseSiteId: str):
    sc = site()
    kind = (request.args.get("type") or "").upper()
    if kind not in ("", "SHIPPING", "BILLING"):
        raise ApiError(400, "ValidationError", f"Invalid type: {kind}", reason="invalid",
                       subject="type", subject_type="parameter")
    with runtime().db.atomic() as state:
        if sc.store and kind == "SHIPPING":
            codes = sc.store.deliveryCountries
        elif sc.store and kind == "BILLING":
            codes = sc.store.billingCountries
        else:
            codes = sorted(state.countries)
        countries = sorted((state.countries[c] for c in codes if c in state.countries),
                           key=lambda c: localized(c.name, sc.lang) or c.isocode)
        return respond(Dto("CountryList", {"countries": [country_dto(c, sc.lang) for c in countries]}))


@bp.get("/<baseSiteId>/countries/<countyIsoCode>/regions")
@operation("getCountryRegions")
def get_country_regions(baseSiteId: str, countyIsoCode: str):
    sc = site()
    with runtime().db.atomic() as state:
        if countyIsoCode not in state.countries:
            raise ApiError(400, "UnknownIdentifierError",
                           f"Country with isocode '{countyIsoCode}' not found")
        regions = sorted((r for r in state.regions.values() if r.country == countyIsoCode),
                         key=lambda r: r.isocode)
        return respond(Dto("RegionList", {"regions": [region_dto(r, sc.lang) for r in regions]}))


@bp.get("/<baseSiteId>/titles")
@operation("getTitles")
def get_titles(baseSiteId: str):
    sc = site()
    with runtime().db.atomic() as state:
        return respond(Dto("TitleList", {"titles": [title_dto(t, sc.lang) for t in state.titles.values()]}))


@bp.get("/<baseSiteId>/cardtypes")
@operation("getCardTypes")
def get_card_types(baseSiteId: str):
    sc = site()
    with runtime().db.atomic() as state:
        return respond(Dto("CardTypeList", {"cardTypes": [
            Dto("CardType", {"code": t.code, "name": localized(t.name, sc.lang)})
            for t in state.card_types.values()]}))
