"""OCC customer account: registration, profile, password, login, address book, saved payment
details, consents and product interests."""
from __future__ import annotations

import re
import uuid

from flask import request

from ... import models as m
from .. import runtime
from ...errors import ApiError, ApiErrors, validation_error
from ...models import localized
from ...security.policy import (ROLE_CLIENT, ROLE_CUSTOMERMANAGERGROUP, ROLE_TRUSTED_CLIENT,
                                require_roles)
from ...db import uid_key
from ..context import ctx
from ..fields import Dto
from ..operations import operation
from .base import bp, empty, int_param, json_body, required_param, respond, site
from .cart_dto import payment_dto
from .catalog_dto import product_dto
from .carts import carts_service
from .dto import address_dto, user_dto
from ...commerce.payments import address_from_body, payment_from_fields, reference_code, string_prop
from .users import acting_user

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIN_PASSWORD = 6


def _password_errors(password: object, subject: str = "password") -> list[ApiError]:
    if not isinstance(password, str) or not password:
        return [validation_error(subject, "This field is required.", "missing")]
    if len(password) < MIN_PASSWORD:
        return [validation_error(subject, f"Password must be at least {MIN_PASSWORD} characters long.")]
    return []


def merge_patch(current: dict, body: dict) -> dict:
    """A PATCH body over the resource as it is (its DTO, nulls left out)."""
    return {**{k: v for k, v in current.items() if v is not None}, **body}


def _revoke(user: m.User) -> None:
    runtime().tokens.revoke_user(user.uid)


# -- registration and profile -------------------------------------------------------------------


@bp.post("/<baseSiteId>/users")
@operation("createUser")
def create_user(baseSiteId: str):
    """Register a customer: a client token, ``uid`` (an e-mail, stored lower-cased),
    ``firstName``, ``lastName``, ``password``; 201 with ``Location``."""
    require_roles(ctx().caller, ROLE_CLIENT, ROLE_TRUSTED_CLIENT, ROLE_CUSTOMERMANAGERGROUP)
    body = json_body()
    errors: list[ApiError] = []
    uid = body.get("uid")
    if not isinstance(uid, str) or not uid.strip():
        errors.append(validation_error("uid", "This field is required.", "missing"))
    elif not EMAIL.fullmatch(uid.strip()):
        errors.append(validation_error("uid", "This field is not a valid email addresss."))
    for name in ("firstName", "lastName"):
        if not (isinstance(body.get(name), str) and body[name].strip()):
            errors.append(validation_error(name, "This field is required.", "missing"))
    errors += _password_errors(body.get("password"))
    rt = runtime()
    title = string_prop(body, "titleCode")
    if title and title not in rt.db.state.titles:
        errors.append(validation_error("titleCode", "This field is not valid."))
    if errors:
        raise ApiErrors(400, errors)
    uid = uid.strip().lower()
    sc = site()
    location = request.base_url.rstrip("/") + "/" + uid
    with rt.db.atomic():
        customer = m.Customer(
            uid=uid, name=f"{body['firstName'].strip()} {body['lastName'].strip()}",
            customerId=str(uuid.uuid4()), title=title or None, password=body["password"],
            originalUid=uid, groups={"customergroup"}, sessionLanguage=sc.lang,
            sessionCurrency=sc.curr, creationtime=rt.clock.now(),
            site=sc.site.uid if sc.site.isolated else None)
        if rt.db.principal(uid) is None:
            rt.db.add_principal(customer)
        # else: SAP answers a taken uid with dummy data (a fresh customerId, nothing stored),
        # so that registration cannot tell which e-mail addresses have an account
        return respond(user_dto(rt.db.state, customer, sc.lang), 201, {"Location": location})


def _apply_profile(user: m.User, body: dict, replace: bool) -> None:
    state = runtime().db.state
    errors: list[ApiError] = []
    first, last = body.get("firstName"), body.get("lastName")
    current_first, _, current_last = (user.name or "").partition(" ")
    if replace:
        for name in ("firstName", "lastName"):
            if not (isinstance(body.get(name), str) and body[name].strip()):
                errors.append(validation_error(name, "This field is required.", "missing"))
    for name, value in (("firstName", first), ("lastName", last)):
        if value is not None and not (isinstance(value, str) and value.strip()):
            errors.append(validation_error(name, "This field is required.", "missing"))
    title = string_prop(body, "titleCode")
    if title and title not in state.titles:
        errors.append(validation_error("titleCode", "This field is not valid."))
    language = reference_code(body, "language")
    currency = reference_code(body, "currency")
    if language and language not in state.languages:
        errors.append(validation_error("language.isocode", "This field is not valid."))
    if currency and currency not in state.currencies:
        errors.append(validation_error("currency.isocode", "This field is not valid."))
    if errors:
        raise ApiErrors(400, errors)
    user.name = f"{(first or current_first).strip()} {(last or current_last).strip()}".strip()
    if isinstance(user, m.Customer) and (title or replace):
        user.title = title or None
    if language:
        user.sessionLanguage = language
    if currency:
        user.sessionCurrency = currency


@bp.patch("/<baseSiteId>/users/<userId>")
@operation("updateUser")
def update_user(baseSiteId: str, userId: str):
    body = json_body()
    with runtime().db.atomic():
        _apply_profile(acting_user(), body, replace=False)
    return empty()


@bp.put("/<baseSiteId>/users/<userId>")
@operation("replaceUser")
def replace_user(baseSiteId: str, userId: str):
    body = json_body()
    with runtime().db.atomic():
        _apply_profile(acting_user(), body, replace=True)
    return empty()


@bp.delete("/<baseSiteId>/users/<userId>")
@operation("removeUser")
def remove_user(baseSiteId: str, userId: str):
    """Close the account: the customer is deactivated now and its tokens die."""
    rt = runtime()
    with rt.db.atomic():
        user = acting_user()
        user.deactivationDate = rt.clock.now()
        _revoke(user)
    return empty()


def password_mismatch(user: m.User) -> ApiError:
    """SAP's PasswordMismatchException, which carries the user's uid as its message and, being
    no webservice exception, no reason or subject."""
    return ApiError(400, "PasswordMismatchError", user.uid)


def _change_password(user: m.User, old: object, new: object) -> None:
    """A customer changes its own password with the old one; a trusted client or a customer
    manager sets it without (UsersController.replaceUserPassword)."""
    errors = _password_errors(new, "new")
    if errors:
        raise ApiErrors(400, errors)
    if not ctx().caller.has(ROLE_TRUSTED_CLIENT, ROLE_CUSTOMERMANAGERGROUP):
        if not isinstance(old, str) or not old:
            raise ApiError(400, "ValidationError", "Request parameter 'old' is missing.",
                           reason="missing", subject="old", subject_type="parameter")
        if old != user.password:
            raise password_mismatch(user)
    user.password = new  # type: ignore[assignment]


@bp.put("/<baseSiteId>/users/<userId>/password")
@operation("replaceUserPassword")
def replace_user_password(baseSiteId: str, userId: str):
    new = required_param("new")
    with runtime().db.atomic():
        _change_password(acting_user(), request.values.get("old"), new)
    return empty(202)


@bp.post("/<baseSiteId>/users/<userId>/password")
@operation("changeUserPassword")
def change_user_password(baseSiteId: str, userId: str):
    body = json_body()
    if not body.get("newPassword"):
        raise validation_error("newPassword", "This field is required.", "missing")
    with runtime().db.atomic():
        _change_password(acting_user(), body.get("oldPassword"), body.get("newPassword"))
    return empty()


def _change_login(user: m.User, new_login: str, password: object) -> None:
    rt = runtime()
    if not EMAIL.fullmatch(new_login.strip()):
        raise validation_error("newLogin", f"Login [{new_login}] is not a valid e-mail address!")
    new_login = new_login.strip().lower()
    if not isinstance(password, str) or password != user.password:
        raise password_mismatch(user)
    if rt.db.principal(new_login) is not None:
        raise ApiError(400, "DuplicateUidError", new_login)
    old = user.uid
    rt.db.rename_principal(user, new_login)
    if isinstance(user, m.Customer):
        user.originalUid = new_login
    _revoke(m.User(uid=old))


@bp.put("/<baseSiteId>/users/<userId>/login")
@operation("replaceUserLogin")
def replace_user_login(baseSiteId: str, userId: str):
    new_login = required_param("newLogin")
    with runtime().db.atomic():
        _change_login(acting_user(), new_login, request.values.get("password"))
    return empty()


@bp.post("/<baseSiteId>/users/<userId>/login")
@operation("changeUserLoginId")
def change_user_login(baseSiteId: str, userId: str):
    body = json_body()
    if not body.get("newLoginId"):
        raise validation_error("newLoginId", "This field is required.", "missing")
    with runtime().db.atomic():
        _change_login(acting_user(), str(body["newLoginId"]), body.get("password"))
    return empty()


# -- address book -------------------------------------------------------------------------------


def _own_address(user: m.User, address_id: str) -> m.Address:
    state = runtime().db.state
    try:
        address = state.addresses.get(int(address_id))
    except ValueError:
        address = None
    if address is None or not address.owner or uid_key(address.owner) != uid_key(user.uid):
        raise ApiError(400, "UnknownIdentifierError",
                       f"Address with given id: '{address_id}' doesn't exist or belong to another user")
    return address


def _address_book(user: m.User) -> list[m.Address]:
    state = runtime().db.state
    return sorted((a for a in state.addresses.values() if a.owner and a.ownerType == "User"
                   and uid_key(a.owner) == uid_key(user.uid) and a.visibleInAddressBook),
                  key=lambda a: a.pk)


@bp.get("/<baseSiteId>/users/<userId>/addresses")
@operation("getAddresses")
def get_addresses(baseSiteId: str, userId: str):
    with runtime().db.atomic() as state:
        user = acting_user()
        return respond(Dto("AddressList", {"addresses": [
            address_dto(state, a, site().lang, user.defaultShipmentAddress) for a in _address_book(user)]}))


@bp.post("/<baseSiteId>/users/<userId>/addresses")
@operation("createAddress")
def create_address(baseSiteId: str, userId: str):
    body = json_body()
    rt = runtime()
    with rt.db.atomic() as state:
        user = acting_user()
        address = address_from_body(state, body, owner=user.uid, pk=rt.db.new_pk)
        state.addresses[address.pk] = address
        if body.get("defaultAddress") or user.defaultShipmentAddress is None:
            user.defaultShipmentAddress = address.pk
        return respond(address_dto(state, address, site().lang, user.defaultShipmentAddress), 201)


@bp.get("/<baseSiteId>/users/<userId>/addresses/<addressId>")
@operation("getAddress")
def get_address(baseSiteId: str, userId: str, addressId: str):
    with runtime().db.atomic() as state:
        user = acting_user()
        return respond(address_dto(state, _own_address(user, addressId), site().lang,
                                   user.defaultShipmentAddress))


def _update_address(address_id: str, replace: bool):
    body = json_body()
    with runtime().db.atomic() as state:
        user = acting_user()
        address = _own_address(user, address_id)
        if replace:
            merged = body
        else:
            merged = merge_patch(address_dto(state, address, site().lang), body)
        updated = address_from_body(state, merged, owner=user.uid, pk=address.pk)
        updated.ownerType = address.ownerType
        state.addresses[address.pk] = updated
        if body.get("defaultAddress"):
            user.defaultShipmentAddress = address.pk
    return empty()


@bp.put("/<baseSiteId>/users/<userId>/addresses/<addressId>")
@operation("replaceAddress")
def replace_address(baseSiteId: str, userId: str, addressId: str):
    return _update_address(addressId, replace=True)


@bp.patch("/<baseSiteId>/users/<userId>/addresses/<addressId>")
@operation("updateAddress")
def update_address(baseSiteId: str, userId: str, addressId: str):
    return _update_address(addressId, replace=False)


@bp.delete("/<baseSiteId>/users/<userId>/addresses/<addressId>")
@operation("removeAddress")
def remove_address(baseSiteId: str, userId: str, addressId: str):
    """Out of the address book; carts and orders that use it keep their copy of it."""
    with runtime().db.atomic():
        user = acting_user()
        address = _own_address(user, addressId)
        address.visibleInAddressBook = False
        if user.defaultShipmentAddress == address.pk:
            book = _address_book(user)
            user.defaultShipmentAddress = book[0].pk if book else None
    return empty()


# -- saved payment details ----------------------------------------------------------------------


def _wallet(user: m.User, saved_only: bool = False) -> list[m.PaymentInfo]:
    state = runtime().db.state
    return sorted((p for p in state.payment_infos.values() if uid_key(p.user) == uid_key(user.uid)
                   and not p.deleted and (p.saved or not saved_only)), key=lambda p: int(p.id))


def _own_payment(user: m.User, payment_id: str) -> m.PaymentInfo:
    info = runtime().db.state.payment_infos.get(payment_id)
    if info is None or info.deleted or uid_key(info.user) != uid_key(user.uid):
        raise ApiError(400, "UnknownIdentifierError", f"Payment details [{payment_id}] not found.")
    return info


@bp.get("/<baseSiteId>/users/<userId>/paymentdetails")
@operation("getPaymentDetailsList")
def get_payment_details_list(baseSiteId: str, userId: str):
    saved = (request.args.get("saved") or "false").lower() == "true"
    with runtime().db.atomic():
        user = acting_user()
        carts = carts_service()
        return respond(Dto("PaymentDetailsList", {"payments": [
            payment_dto(carts, p, site().lang) for p in _wallet(user, saved)]}))


@bp.get("/<baseSiteId>/users/<userId>/paymentdetails/<paymentDetailsId>")
@operation("getPaymentDetails")
def get_payment_details(baseSiteId: str, userId: str, paymentDetailsId: str):
    with runtime().db.atomic():
        info = _own_payment(acting_user(), paymentDetailsId)
        return respond(payment_dto(carts_service(), info, site().lang))


@bp.delete("/<baseSiteId>/users/<userId>/paymentdetails/<paymentDetailsId>")
@operation("removePaymentDetails")
def remove_payment_details(baseSiteId: str, userId: str, paymentDetailsId: str):
    with runtime().db.atomic():
        user = acting_user()
        info = _own_payment(user, paymentDetailsId)
        info.deleted = True
        if info.defaultPayment:
            info.defaultPayment = False
            rest = _wallet(user, saved_only=True)
            if rest:
                rest[0].defaultPayment = True
    return empty()


def _update_payment(payment_id: str, replace: bool):
    body = json_body()
    rt = runtime()
    with rt.db.atomic() as state:
        user = acting_user()
        info = _own_payment(user, payment_id)
        if not replace:
            body = merge_patch(payment_dto(carts_service(), info, site().lang), body)
        updated, address = payment_from_fields(state, body, owner=user.uid, pk=rt.db.new_pk,
                                               today=rt.clock.now().date())
        updated.id = info.id
        if address is not None:
            state.addresses[address.pk] = address
            old = info.billingAddress  # replaced: the wallet's own copy goes (orders keep theirs)
            if old is not None and not any(p.billingAddress == old for p in state.payment_infos.values()
                                           if p is not info):
                state.addresses.pop(old, None)
        if updated.defaultPayment:
            for other in _wallet(user):
                other.defaultPayment = False
        state.payment_infos[info.id] = updated
    return empty()


@bp.put("/<baseSiteId>/users/<userId>/paymentdetails/<paymentDetailsId>")
@operation("replacePaymentDetails")
def replace_payment_details(baseSiteId: str, userId: str, paymentDetailsId: str):
    return _update_payment(paymentDetailsId, replace=True)


@bp.patch("/<baseSiteId>/users/<userId>/paymentdetails/<paymentDetailsId>")
@operation("updatePaymentDetails")
def update_payment_details(baseSiteId: str, userId: str, paymentDetailsId: str):
    return _update_payment(paymentDetailsId, replace=False)


# -- consents -----------------------------------------------------------------------------------


def _templates() -> list[m.ConsentTemplate]:
    """The newest version of each template of this site."""
    newest: dict[str, m.ConsentTemplate] = {}
    for t in runtime().db.state.consent_templates.values():
        if t.baseSite in (None, site().site.uid) and (t.id not in newest or t.version > newest[t.id].version):
            newest[t.id] = t
    return sorted(newest.values(), key=lambda t: t.id)


def _template_dto(template: m.ConsentTemplate, user: m.User) -> Dto:
    consents = [c for c in runtime().db.state.consents.values()
                if c.template == template.id and uid_key(c.user) == uid_key(user.uid)]
    current = max(consents, key=lambda c: c.consentGivenDate or 0, default=None) if consents else None
    lang = site().lang
    return Dto("ConsentTemplate", {
        "id": template.id, "name": localized(template.name, lang),
        "description": localized(template.description, lang), "version": template.version,
        "currentConsent": Dto("Consent", {
            "code": current.code,
            "consentGivenDate": current.consentGivenDate.isoformat(timespec="seconds")
            if current.consentGivenDate else None,
            "consentWithdrawnDate": current.consentWithdrawnDate.isoformat(timespec="seconds")
            if current.consentWithdrawnDate else None}) if current else None})


@bp.get("/<baseSiteId>/users/<userId>/consenttemplates")
@operation("getConsentTemplates")
def get_consent_templates(baseSiteId: str, userId: str):
    with runtime().db.atomic():
        user = acting_user()
        return respond(Dto("ConsentTemplateList", {"consentTemplates": [
            _template_dto(t, user) for t in _templates()]}))


def _template(template_id: str) -> m.ConsentTemplate:
    found = [t for t in _templates() if t.id == template_id]
    if not found:
        raise ApiError(400, "UnknownIdentifierError",
                       f"No ConsentTemplate with id [{template_id}] found for the current BaseSite")
    return found[0]


@bp.get("/<baseSiteId>/users/<userId>/consenttemplates/<consentTemplateId>")
@operation("getConsentTemplate")
def get_consent_template(baseSiteId: str, userId: str, consentTemplateId: str):
    with runtime().db.atomic():
        return respond(_template_dto(_template(consentTemplateId), acting_user()))


@bp.post("/<baseSiteId>/users/<userId>/consents")
@operation("doGiveConsent")
def give_consent(baseSiteId: str, userId: str):
    template_id = required_param("consentTemplateId")
    version = required_param("consentTemplateVersion")
    rt = runtime()
    with rt.db.atomic() as state:
        user = acting_user()
        template = _template(template_id)
        if version != str(template.version):
            raise validation_error("consentTemplateVersion", "Consent template version is not valid.")
        consent = m.Consent(code=str(rt.db.new_pk()), template=template.id,
                            templateVersion=template.version, user=user.uid,
                            consentGivenDate=rt.clock.now())
        state.consents[consent.code] = consent
        return respond(_template_dto(template, user), 201)


@bp.delete("/<baseSiteId>/users/<userId>/consents/<consentCode>")
@operation("removeConsent")
def remove_consent(baseSiteId: str, userId: str, consentCode: str):
    rt = runtime()
    with rt.db.atomic() as state:
        user = acting_user()
        consent = state.consents.get(consentCode)
        if consent is None or uid_key(consent.user) != uid_key(user.uid):
            raise ApiError(400, "UnknownIdentifierError", f"Consent with code [{consentCode}] not found")
        if consent.consentWithdrawnDate is None:
            consent.consentWithdrawnDate = rt.clock.now()
    return empty()


# -- product interests --------------------------------------------------------------------------

NOTIFICATION_TYPES = ("BACK_IN_STOCK", "PRICE_REDUCTION")


@bp.get("/<baseSiteId>/users/<userId>/productinterests")
@operation("getProductInterests")
def get_product_interests(baseSiteId: str, userId: str):
    page, size = int_param("currentPage", 0), int_param("pageSize", 20, minimum=1)
    kind = request.args.get("notificationType")
    code = request.args.get("productCode")
    sc = site()
    with runtime().db.atomic() as state:
        user = acting_user()
        carts = carts_service()
        interests = sorted((i for i in state.product_interests.values()
                            if uid_key(i.user) == uid_key(user.uid) and i.site == sc.site.uid
                            and (not kind or i.notificationType == kind)
                            and (not code or i.product == code)), key=lambda i: i.pk)
        by_product: dict[str, list[m.ProductInterest]] = {}
        for i in interests:
            by_product.setdefault(i.product, []).append(i)
        items = list(by_product.items())
        chunk = items[page * size:(page + 1) * size]
        results = []
        for product_code, entries in chunk:
            product = carts.catalog.product(product_code)
            if product is None:
                continue
            results.append(Dto("productInterestRelation", {
                "product": product_dto(carts.catalog, product, sc.lang, sc.curr),
                "productInterestEntry": [Dto("productInterestEntry", {
                    "interestType": e.notificationType,
                    "dateAdded": e.creationtime.isoformat(timespec="seconds") if e.creationtime else None,
                    "expirationDate": None}) for e in entries]}))
        pages = (len(items) + size - 1) // size
        return respond(Dto("customerInterestsSearchPage", {
            "results": results, "sorts": [],
            "pagination": Dto("pagination", {"count": len(results), "totalCount": len(items),
                                             "page": page, "totalPages": pages,
                                             "hasNext": page + 1 < pages, "hasPrevious": page > 0})}))


def _interest_params() -> tuple[str, str]:
    code = required_param("productCode")
    kind = required_param("notificationType")
    if kind not in NOTIFICATION_TYPES:
        raise validation_error("notificationType", f"Invalid notification type: {kind}")
    return code, kind


@bp.post("/<baseSiteId>/users/<userId>/productinterests")
@operation("createProductInterest")
def create_product_interest(baseSiteId: str, userId: str):
    code, kind = _interest_params()
    rt = runtime()
    with rt.db.atomic() as state:
        user = acting_user()
        carts = carts_service()
        product = carts.catalog.product(code)
        if product is None:
            raise ApiError(400, "UnknownIdentifierError", f"Product with code '{code}' not found!")
        exists = any(i for i in state.product_interests.values() if uid_key(i.user) == uid_key(user.uid)
                     and i.product == code and i.notificationType == kind and i.site == site().site.uid)
        if not exists:
            interest = m.ProductInterest(rt.db.new_pk(), user.uid, code, kind, site().site.uid,
                                         rt.clock.now())
            state.product_interests[interest.pk] = interest
        entries = [i for i in state.product_interests.values() if uid_key(i.user) == uid_key(user.uid)
                   and i.product == code and i.site == site().site.uid]
        return respond(Dto("productInterestRelation", {
            "product": product_dto(carts.catalog, product, site().lang, site().curr),
            "productInterestEntry": [Dto("productInterestEntry", {
                "interestType": e.notificationType,
                "dateAdded": e.creationtime.isoformat(timespec="seconds") if e.creationtime else None,
                "expirationDate": None}) for e in entries]}))


@bp.delete("/<baseSiteId>/users/<userId>/productinterests")
@operation("removeProductInterest")
def remove_product_interest(baseSiteId: str, userId: str):
    code, kind = _interest_params()
    with runtime().db.atomic() as state:
        user = acting_user()
        found = [pk for pk, i in state.product_interests.items() if uid_key(i.user) == uid_key(user.uid)
                 and i.product == code and i.notificationType == kind]
        if not found:
            raise ApiError(400, "UnknownIdentifierError",
                           f"Product interest for product '{code}' and type '{kind}' not found")
        for pk in found:
            del state.product_interests[pk]
    return empty()
