"""User and address WsDTOs (User, Address, Principal, B2BUnit) and the request bodies of the
account API (UserSignUp, User, Address, ReplacePasswordInput, ReplaceLoginIdInput)."""
from __future__ import annotations

from typing import Any

import marshmallow as ma

from ... import dto as d
from ... import inputs as i
from .... import models as m
from ....db import Db, State
from ....models import localized
from ....models.b2b import B2B_ROLES
from .sitecontext import country_dto, currency_dto, language_dto, region_dto

ADDRESS = d.DtoType(
    "Address", "id title titleCode firstName lastName companyName line1 line2 town region "
    "district postalCode phone cellphone email country shippingAddress defaultAddress "
    "visibleInAddressBook formattedAddress city cityDistrict",
    BASIC="id",
    DEFAULT="BASIC,firstName,lastName,titleCode,phone,cellphone,line1,line2,postalCode,"
            "country,region,district,town,defaultAddress")
ADDRESS_LIST = d.DtoType("AddressList", "addresses")
ADDRESS_VALIDATION = d.DtoType("AddressValidation", "errors decision suggestedAddresses")
ERROR_LIST = d.DtoType("errorList", "errors")
ERROR = d.DtoType("error", "type reason message subjectType subject errorCode language position "
                           "exceptionMessage")
USER = d.DtoType(
    "User", "uid name defaultAddress titleCode title firstName lastName currency language "
    "displayUid customerId deactivationDate defaultPointOfServiceName lastCartId hasOrder "
    "userAvatar orgUnit roles approvers selected active email mobileNumber emailLanguage",
    BASIC="uid,name,firstName,lastName,title,titleCode,displayUid,customerId,defaultAddress,"
          "language,currency,deactivationDate",
    DEFAULT="BASIC,defaultAddress(DEFAULT),language(DEFAULT),currency(DEFAULT),orgUnit,roles,"
            "email,active")
PRINCIPAL = d.DtoType("Principal", "uid name", BASIC="uid,name", DEFAULT="uid,name",
                      FULL="uid,name")
B2B_UNIT = d.DtoType(
    "B2BUnit", "active uid name parentOrgUnit approvalProcess addresses approvers managers "
    "administrators customers costCenters", BASIC="uid,name",
    DEFAULT="uid,name,active,parentOrgUnit(BASIC),approvalProcess(DEFAULT)",
    FULL="uid,name,active,parentOrgUnit(BASIC),approvalProcess(DEFAULT),addresses(DEFAULT),"
         "approvers(BASIC),managers(BASIC),administrators(BASIC),customers(BASIC),"
         "costCenters(DEFAULT)")


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def address_dto(state: State, address: m.Address, in_lang: str,
                default_pk: int | None = None) -> d.Dto:
    country = state.countries.get(address.country or "")
    region = state.regions.get(address.region or "")
    title = state.titles.get(address.title or "")
    parts = [address.streetname, address.streetnumber, address.town,
             region.name.get(in_lang) if region else None, address.postalcode,
             localized(country.name, in_lang) if country else None]
    return ADDRESS(
        id=str(address.pk), title=localized(title.name, in_lang) if title else None,
        titleCode=address.title, firstName=address.firstname, lastName=address.lastname,
        companyName=address.company, line1=address.streetname, line2=address.streetnumber,
        town=address.town, region=region_dto(region, in_lang) if region else None,
        district=address.district, postalCode=address.postalcode, phone=address.phone1,
        cellphone=address.cellphone, email=address.email,
        country=country_dto(country, in_lang) if country else None,
        shippingAddress=address.shippingAddress,
        defaultAddress=default_pk is not None and address.pk == default_pk,
        visibleInAddressBook=address.visibleInAddressBook,
        formattedAddress=", ".join(p for p in parts if p))


def principal_dto(uid: str, name: str | None) -> d.Dto:
    return PRINCIPAL(uid=uid, name=name)


def user_dto(state: State, user: m.User, in_lang: str) -> d.Dto:
    """SAP's ``User`` WsDTO for a customer or an employee."""
    customer = user if isinstance(user, m.Customer) else None
    title = state.titles.get(customer.title or "") if customer else None
    address = state.addresses.get(user.defaultShipmentAddress or -1)
    language = state.languages.get(user.sessionLanguage or "")
    currency = state.currencies.get(user.sessionCurrency or "")
    name = user.name or user.uid
    first, _, last = name.partition(" ")
    return USER(
        uid=user.uid, name=name, firstName=first or None, lastName=last or None,
        title=localized(title.name, in_lang) if title else None,
        titleCode=customer.title if customer else None,
        displayUid=(customer.originalUid or user.uid) if customer else user.uid,
        customerId=customer.customerId if customer else None,
        defaultAddress=address_dto(state, address, in_lang, address.pk) if address else None,
        language=language_dto(language, in_lang) if language else None,
        currency=currency_dto(currency, in_lang) if currency else None,
        deactivationDate=_iso(user.deactivationDate))


def b2b_unit_dto(unit: m.B2BUnit, lang: str) -> d.Dto:
    return B2B_UNIT(uid=unit.uid, name=localized(unit.locname, lang) or unit.name or unit.uid,
                    active=unit.active)


def org_user_dto(db: Db, user: m.User, lang: str) -> d.Dto:
    """The B2B profile (``getOrgUser``): the User with the unit and the B2B roles."""
    dto = user_dto(db.state, user, lang)
    unit_uid = getattr(user, "defaultB2BUnit", None)
    unit = db.principal(unit_uid) if unit_uid else None
    groups = [p.uid for k in db.all_groups(user.uid) if (p := db.principal(k))]
    dto.update(
        orgUnit=b2b_unit_dto(unit, lang) if isinstance(unit, m.B2BUnit) else None,
        roles=sorted(g for g in groups if g.lower() in B2B_ROLES),
        email=getattr(user, "email", None) or (user.uid if "@" in user.uid else None),
        active=user.active if isinstance(user, m.B2BCustomer) else None)
    return dto


# -- request bodies ----------------------------------------------------------------------------


class IsoCode(i.Body):
    """A reference by isocode: ``{"isocode": "US"}`` (Country, Region, Language, Currency)."""

    isocode = i.Text()


MIN_PASSWORD = 6


def password_errors(password: Any) -> str | None:
    """fakesapcc's password rule for new passwords (SAP's passwordStrengthValidator wording is
    UNVERIFIED: docs/fidelity.md)."""
    if isinstance(password, str) and password and len(password) < MIN_PASSWORD:
        return f"Password must be at least {MIN_PASSWORD} characters long."
    return None


def _errors_at(errors: dict[str, list[str]], path: str, message: str) -> None:
    errors.setdefault(path, []).append(message)


def _blank(value: Any) -> bool:
    return not (isinstance(value, str) and value.strip())


def _rule(errors: dict, data: dict, path: str, max_length: int | None = None) -> None:
    """SAP's FieldNotEmptyValidator (no ``max_length``) or FieldNotEmptyOrTooLongValidator on
    a dotted path of the body."""
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if _blank(value) or (max_length is not None and len(value) > max_length):
        _errors_at(errors, path, i.required_and_not_too_long(max_length)
                   if max_length else i.REQUIRED)


def _references(errors: dict, data: dict, prefix: str = "") -> None:
    """What fakesapcc checks of an address's references (SAP's facades fail on them later):
    the country exists, the region is the country's, the title exists."""
    state = i.state()
    iso = (data.get("country") or {}).get("isocode")
    if iso and iso not in state.countries:
        _errors_at(errors, f"{prefix}country.isocode", i.NOT_VALID)
    region = (data.get("region") or {}).get("isocode")
    if region and (region not in state.regions or state.regions[region].country != iso):
        _errors_at(errors, f"{prefix}region.isocode", i.NOT_VALID)
    title = data.get("titleCode")
    if title and title not in state.titles:
        _errors_at(errors, f"{prefix}titleCode", i.NOT_VALID)


class AddressBody(i.Body):
    """SAP's Address WsDTO as a request, validated as ``addressDTOValidator``
    (CountryAwareAddressDTOValidator) validates it: ``country.isocode`` first (required, at
    most 2 characters; alone if wrong), then firstName, lastName, line1, town (required, ≤ 255)
    and postalCode (required, ≤ 10); Japan also line2 (≤ 255) and region.isocode (≤ 7), China
    region.isocode (≤ 7)."""

    id = i.Text()
    titleCode = i.Text()
    firstName = i.Text()
    lastName = i.Text()
    companyName = i.Text()
    line1 = i.Text()
    line2 = i.Text()
    town = i.Text()
    district = i.Text()
    postalCode = i.Text()
    phone = i.Text()
    cellphone = i.Text()
    email = i.Text()
    region = i.Object(IsoCode)
    country = i.Object(IsoCode)
    shippingAddress = i.Bool()
    defaultAddress = i.Bool()
    visibleInAddressBook = i.Bool()

    COMMON = (("firstName", 255), ("lastName", 255), ("line1", 255), ("town", 255),
              ("postalCode", 10))
    BY_COUNTRY = {"JP": (("line2", 255), ("region.isocode", 7)),
                  "CN": (("region.isocode", 7),)}

    @ma.validates_schema
    def _sap_rules(self, data: dict, **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        iso = (data.get("country") or {}).get("isocode")
        if iso is None or len(iso) > 2:
            raise ma.ValidationError({"country.isocode": [i.required_and_not_too_long(2)]})
        for path, length in self.COMMON + self.BY_COUNTRY.get(iso, ()):
            _rule(errors, data, path, length)
        _references(errors, data)
        if errors:
            raise ma.ValidationError(errors)


class AddressPatchBody(AddressBody):
    """A PATCH of an address: only bound here; the merged address is validated whole."""

    def _sap_rules(self, data: dict, **kwargs: Any) -> None:  # not a hook here
        return None


class BillingAddressBody(AddressBody):
    """A card's billing address, validated as ``paymentAddressValidator``: firstName,
    lastName, line1, town required; postalCode (≤ 10) and country.isocode (≤ 2) required and
    not too long."""

    @ma.validates_schema
    def _sap_rules(self, data: dict, **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        for path in ("firstName", "lastName", "line1", "town"):
            _rule(errors, data, path)
        _rule(errors, data, "postalCode", 10)
        _rule(errors, data, "country.isocode", 2)
        _references(errors, data)
        if errors:
            raise ma.ValidationError(errors)


class UserSignUpBody(i.Body):
    """Registration (``userSignUpDTOValidator``): uid (an e-mail), firstName, lastName and
    password are required; titleCode must exist."""

    uid = i.Text(required=True, validate=i.email())
    firstName = i.Text(required=True)
    lastName = i.Text(required=True)
    password = i.Text(required=True)
    titleCode = i.Text(validate=i.reference("titles"))
    verificationTokenId = i.Text()
    verificationTokenCode = i.Text()

    @ma.validates("password")
    def _password(self, value: Any, **kwargs: Any) -> None:
        problem = password_errors(value)
        if problem:
            raise ma.ValidationError(problem)


class UserBody(i.Body):
    """A profile change (``PUT``: ``putUserDTOValidator`` needs firstName and lastName;
    ``PATCH`` loads partially: what is sent must not be blank)."""

    firstName = i.Text(required=True)
    lastName = i.Text(required=True)
    titleCode = i.Text(validate=i.reference("titles"))
    language = i.Object(IsoCode)
    currency = i.Object(IsoCode)

    @ma.validates_schema
    def _references(self, data: dict, **kwargs: Any) -> None:
        state = i.state()
        errors: dict[str, list[str]] = {}
        language = (data.get("language") or {}).get("isocode")
        currency = (data.get("currency") or {}).get("isocode")
        if language and language not in state.languages:
            errors["language.isocode"] = [i.NOT_VALID]
        if currency and currency not in state.currencies:
            errors["currency.isocode"] = [i.NOT_VALID]
        if errors:
            raise ma.ValidationError(errors)


class ReplacePasswordBody(i.Body):
    """``POST …/password``: the new password (and the old one, unless a trusted client or a
    customer manager sets it)."""

    oldPassword = i.Text()
    newPassword = i.Text(required=True)

    @ma.validates("newPassword")
    def _password(self, value: Any, **kwargs: Any) -> None:
        problem = password_errors(value)
        if problem:
            raise ma.ValidationError(problem)


class ReplaceLoginIdBody(i.Body):
    newLoginId = i.Text(required=True)
    password = i.Text()
