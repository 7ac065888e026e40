"""Models → OCC WsDTOs, named and shaped as SAP's OpenAPI schemas. Each builder returns a whole
``Dto``; ``fields`` projection happens once, in ``base.respond``."""
from __future__ import annotations

from ... import models as m
from ...models import localized
from ...db import State
from ..fields import Dto


def language_dto(lang: m.Language, in_lang: str) -> Dto:
    return Dto("Language", {"isocode": lang.isocode, "name": localized(lang.name, in_lang),
                            "nativeName": localized(lang.name, lang.isocode),
                            "active": lang.active})


def currency_dto(cur: m.Currency, in_lang: str) -> Dto:
    return Dto("Currency", {"isocode": cur.isocode, "name": localized(cur.name, in_lang),
                            "active": cur.active, "symbol": cur.symbol})


def country_dto(country: m.Country, in_lang: str) -> Dto:
    return Dto("Country", {"isocode": country.isocode, "name": localized(country.name, in_lang)})


def region_dto(region: m.Region, in_lang: str) -> Dto:
    return Dto("Region", {"isocode": region.isocode, "isocodeShort": region.isocodeShort,
                          "countryIso": region.country, "name": localized(region.name, in_lang)})


def title_dto(title: m.Title, in_lang: str) -> Dto:
    return Dto("Title", {"code": title.code, "name": localized(title.name, in_lang)})


def address_dto(state: State, address: m.Address, in_lang: str,
                default_pk: int | None = None) -> Dto:
    country = state.countries.get(address.country or "")
    region = state.regions.get(address.region or "")
    title = state.titles.get(address.title or "")
    parts = [address.streetname, address.streetnumber, address.town,
             region.name.get(in_lang) if region else None, address.postalcode,
             localized(country.name, in_lang) if country else None]
    return Dto("Address", {
        "id": str(address.pk),
        "title": localized(title.name, in_lang) if title else None,
        "titleCode": address.title,
        "firstName": address.firstname,
        "lastName": address.lastname,
        "companyName": address.company,
        "line1": address.streetname,
        "line2": address.streetnumber,
        "town": address.town,
        "region": region_dto(region, in_lang) if region else None,
        "district": address.district,
        "postalCode": address.postalcode,
        "phone": address.phone1,
        "cellphone": address.cellphone,
        "email": address.email,
        "country": country_dto(country, in_lang) if country else None,
        "shippingAddress": address.shippingAddress,
        "defaultAddress": default_pk is not None and address.pk == default_pk,
        "visibleInAddressBook": address.visibleInAddressBook,
        "formattedAddress": ", ".join(p for p in parts if p),
    })


def user_dto(state: State, user: m.User, in_lang: str) -> Dto:
    """SAP's ``User`` WsDTO for a customer or an employee."""
    customer = user if isinstance(user, m.Customer) else None
    title = state.titles.get(customer.title or "") if customer else None
    address = state.addresses.get(user.defaultShipmentAddress or -1)
    language = state.languages.get(user.sessionLanguage or "")
    currency = state.currencies.get(user.sessionCurrency or "")
    name = user.name or user.uid
    first, _, last = name.partition(" ")
    return Dto("User", {
        "uid": user.uid,
        "name": name,
        "firstName": first or None,
        "lastName": last or None,
        "title": localized(title.name, in_lang) if title else None,
        "titleCode": customer.title if customer else None,
        "displayUid": (customer.originalUid or user.uid) if customer else user.uid,
        "customerId": customer.customerId if customer else None,
        "defaultAddress": address_dto(state, address, in_lang, address.pk) if address else None,
        "language": language_dto(language, in_lang) if language else None,
        "currency": currency_dto(currency, in_lang) if currency else None,
        "deactivationDate": user.deactivationDate.isoformat(timespec="seconds")
        if user.deactivationDate else None,
        "email": None,
        "active": None,
        "orgUnit": None,
        "roles": None,
    })
