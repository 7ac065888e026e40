"""Site context WsDTOs: BaseSite, BaseStore, Language, Currency, Country, Region, City,
District, Title, CardType, and their lists."""
from __future__ import annotations

from ... import dto as d
from .... import models as m
from ....db import State
from ....models import localized

LANGUAGE = d.DtoType("Language", "isocode name nativeName active")
LANGUAGE_LIST = d.DtoType("LanguageList", "languages")
CURRENCY = d.DtoType("Currency", "isocode name active symbol")
CURRENCY_LIST = d.DtoType("CurrencyList", "currencies")
COUNTRY = d.DtoType("Country", "isocode name", BASIC="isocode", DEFAULT="isocode,name")
COUNTRY_LIST = d.DtoType("CountryList", "countries")
REGION = d.DtoType("Region", "isocode isocodeShort countryIso name", BASIC="isocode",
                   DEFAULT="BASIC,name")
REGION_LIST = d.DtoType("RegionList", "regions")
CITY = d.DtoType("City", "isocode name")
CITY_LIST = d.DtoType("CityList", "cities")
DISTRICT = d.DtoType("District", "isocode name")
DISTRICT_LIST = d.DtoType("DistrictList", "districts")
TITLE = d.DtoType("Title", "code name")
TITLE_LIST = d.DtoType("TitleList", "titles")
CARD_TYPE = d.DtoType("CardType", "code name")
CARD_TYPE_LIST = d.DtoType("CardTypeList", "cardTypes")
BASE_STORE = d.DtoType(
    "BaseStore", "name externalTaxEnabled paymentProvider createReturnProcessCode "
    "maxRadiusForPosSearch submitOrderProcessCode currencies defaultCurrency "
    "defaultDeliveryOrigin defaultLanguage deliveryCountries deliveryModes languages "
    "pointsOfService expressCheckoutEnabled serviceOrderConfiguration")
BASE_SITE = d.DtoType(
    "BaseSite", "uid name stores theme defaultLanguage locale channel urlEncodingAttributes "
    "urlPatterns defaultPreviewCatalogId defaultPreviewCategoryCode defaultPreviewProductCode "
    "isolated captchaConfig registrationEnabled requiresAuthentication")
BASE_SITE_LIST = d.DtoType("BaseSiteList", "baseSites")


def language_dto(lang: m.Language, in_lang: str) -> d.Dto:
    return LANGUAGE(isocode=lang.isocode, name=localized(lang.name, in_lang),
                    nativeName=localized(lang.name, lang.isocode), active=lang.active)


def currency_dto(cur: m.Currency, in_lang: str) -> d.Dto:
    return CURRENCY(isocode=cur.isocode, name=localized(cur.name, in_lang), active=cur.active,
                    symbol=cur.symbol)


def country_dto(country: m.Country, in_lang: str) -> d.Dto:
    return COUNTRY(isocode=country.isocode, name=localized(country.name, in_lang))


def region_dto(region: m.Region, in_lang: str) -> d.Dto:
    return REGION(isocode=region.isocode, isocodeShort=region.isocodeShort,
                  countryIso=region.country, name=localized(region.name, in_lang))


def title_dto(title: m.Title, in_lang: str) -> d.Dto:
    return TITLE(code=title.code, name=localized(title.name, in_lang))


def card_type_dto(card: m.CreditCardType, in_lang: str) -> d.Dto:
    return CARD_TYPE(code=card.code, name=localized(card.name, in_lang))


def _languages(state: State, codes: list[str], lang: str) -> list[d.Dto]:
    return [language_dto(state.languages[c], lang) for c in codes if c in state.languages]


def _currencies(state: State, codes: list[str], lang: str) -> list[d.Dto]:
    return [currency_dto(state.currencies[c], lang) for c in codes if c in state.currencies]


def base_store_dto(state: State, store: m.BaseStore, lang: str) -> d.Dto:
    default_currency = state.currencies.get(store.defaultCurrency or "")
    default_language = state.languages.get(store.defaultLanguage or "")
    return BASE_STORE(
        name=localized(store.name, lang), currencies=_currencies(state, store.currencies, lang),
        defaultCurrency=currency_dto(default_currency, lang) if default_currency else None,
        languages=_languages(state, store.languages, lang),
        defaultLanguage=language_dto(default_language, lang) if default_language else None,
        externalTaxEnabled=False, paymentProvider="Mockup", expressCheckoutEnabled=False)


def base_site_dto(state: State, site: m.BaseSite, lang: str) -> d.Dto:
    store = state.base_stores.get(site.stores[0]) if site.stores else None
    default_language = state.languages.get(site.defaultLanguage or "")
    return BASE_SITE(
        uid=site.uid, name=localized(site.name, lang), channel=site.channel, theme=site.theme,
        defaultLanguage=language_dto(default_language, lang) if default_language else None,
        urlPatterns=list(site.urlPatterns), requiresAuthentication=site.requiresAuthentication,
        isolated=site.isolated, urlEncodingAttributes=list(site.urlEncodingAttributes),
        stores=[base_store_dto(state, store, lang)] if store else [])
