"""ASM customers: search (GET and POST), autocomplete, suggestions, registration by an agent,
and bind-cart."""
from __future__ import annotations

import re
import uuid

from flask import Response, jsonify, request

from ... import models as m
from .. import runtime
from ...commerce.asm import CustomerPage
from ...commerce.carts import ANONYMOUS
from ...errors import ApiError, ApiErrors, validation_error
from ...models import localized
from ...db import uid_key
from ..fields import project
from ..occ.dto import user_dto
from ...commerce.payments import string_prop
from ..operations import operation
from .base import (agent, asm_service, base_site, bp, int_param, required_param,
                   site_context)

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SORT_NAMES = {"byUidAsc": "Sort by uid (ascending)", "byUidDesc": "Sort by uid (descending)",
              "byNameAsc": "Sort by name (ascending)", "byNameDesc": "Sort by name (descending)",
              "byOrderDateAsc": "Sort by order date (ascending)",
              "byOrderDateDesc": "Sort by order date (descending)",
              "byDateAsc": "Sort by date (ascending)", "byDateDesc": "Sort by date (descending)"}


def customer_entry(customer: m.Customer, site: m.BaseSite, lang: str = "en") -> dict:
    """An OCC User (DEFAULT) with the ASM extras, which only ``toggle.customerList.enabled``
    fills."""
    rt = runtime()
    state = rt.db.state
    dto = user_dto(state, customer, lang)
    fields = "DEFAULT"
    if rt.config.prop_bool("toggle.customerList.enabled"):
        asm = asm_service()
        cart = asm.latest_cart(customer, site)
        dto.update({"lastCartId": cart.code if cart else None,
                    "hasOrder": bool(asm.orders(customer, site)), "userAvatar": None})
        fields += ",lastCartId,hasOrder,userAvatar"
    unit = state.principals.get(uid_key(getattr(customer, "defaultB2BUnit", None) or "-"))
    body = project(dto, fields)
    if unit is not None:
        body["orgUnit"] = {"uid": unit.uid, "name": localized(unit.locname, lang) or unit.name or unit.uid}
    return body


def page_body(page: CustomerPage, site: m.BaseSite) -> dict:
    pages = max((page.total + page.page_size - 1) // page.page_size, 1) if page.page_size else 1
    lang = request.args.get("lang") or "en"
    return {
        "entries": [customer_entry(c, site, lang) for c in page.customers],
        "pagination": {"currentPage": page.current_page, "pageSize": page.page_size,
                       "sort": page.sort, "totalPages": pages, "totalResults": page.total},
        "sorts": [{"code": s, "name": SORT_NAMES.get(s), "selected": s == page.sort}
                  for s in page.sorts],
    }


@bp.get("/customers/search")
@operation("getPageableCustomers")
def get_pageable_customers():
    site = base_site()
    with runtime().db.atomic():
        page = asm_service().search(
            agent(), site, request.args.get("query"), request.args.get("orderId"),
            request.args.get("customerListId"), request.args.get("sort"),
            int_param("currentPage", 0), int_param("pageSize", 20))
        return jsonify(page_body(page, site))


@bp.post("/customers/search")
@operation("searchPageableCustomers")
def search_pageable_customers():
    site = base_site()
    body = request.get_json(silent=True) if request.content_length else {}
    if request.content_length and not isinstance(body, dict):
        raise ApiError(400, "HttpMessageNotReadableError", "Request body is invalid or missing")
    body = body or {}
    query, order_id, list_id = (string_prop(body, k)
                                for k in ("query", "orderId", "customerListId"))
    with runtime().db.atomic():
        page = asm_service().search(
            agent(), site, query, order_id, list_id,
            request.args.get("sort"), int_param("page", 0), int_param("pageSize", 20))
        return jsonify(page_body(page, site))


def _suggestions(query: str, site: m.BaseSite) -> list[dict]:
    minimum = runtime().config.prop_int(
        "assistedserviceswebservices.customer.suggestions.minimum.query.length", 3)
    if len(query.strip()) < minimum:
        raise ApiError(400, "BadRequestError",
                       f"Customer query length must not be less than {minimum}")
    asm = asm_service()
    state = runtime().db.state
    result = []
    for customer in sorted(asm.customers(site), key=lambda c: c.uid):
        if not asm.matches(customer, query):
            continue
        wallet = [p for p in state.payment_infos.values()
                  if uid_key(p.user) == uid_key(customer.uid) and p.saved and not p.deleted]
        card = next((p for p in wallet if p.defaultPayment), wallet[0] if wallet else None)
        carts = [c.code for c in state.carts.values() if uid_key(c.user) == uid_key(customer.uid)
                 and c.site == site.uid and c.saveTime is None]
        result.append({"email": customer.originalUid or customer.uid, "fullName": customer.name,
                       "date": customer.creationtime.strftime("%d/%m/%Y") if customer.creationtime else None,
                       "card": (card.cardNumber or "")[-4:] if card else "----", "carts": sorted(carts)})
    return result


@bp.get("/customers/autocomplete")
@operation("autoComplete")
def auto_complete():
    site = base_site()
    query = required_param("customerQuery")
    with runtime().db.atomic():
        return jsonify(_suggestions(query, site))


@bp.post("/customers/suggestions/search")
@operation("doCustomerAutoComplete")
def customer_suggestions():
    site = base_site()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("customerQuery"), str):
        raise ApiErrors(400, [validation_error("customerQuery", "This field is required.", "missing")])
    with runtime().db.atomic():
        return jsonify({"suggestions": _suggestions(body["customerQuery"], site)})


@bp.post("/customers")
@operation("createCustomer")
def create_customer():
    """An agent registers a customer by first name, last name and e-mail (no password: the
    customer sets one through the forgotten-password flow)."""
    uid = required_param("baseSite")
    if uid not in runtime().db.state.base_sites:  # this endpoint's own text, from SAP's tests
        raise ApiError(400, "InvalidResourceError", f"The requested BaseSite: {uid} doesn't exist")
    site = base_site()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "HttpMessageNotReadableError", "Request body is invalid or missing")
    errors = []
    for name in ("firstName", "lastName"):
        if not (isinstance(body.get(name), str) and body[name].strip()):
            errors.append(validation_error(name, "This field is required.", "missing"))
    email = body.get("emailAddress")
    if not (isinstance(email, str) and email.strip()):
        errors.append(validation_error("emailAddress", "This field is required.", "missing"))
    elif not EMAIL.fullmatch(email.strip()):
        errors.append(validation_error("emailAddress", "This field is not a valid email addresss."))
    if errors:
        raise ApiErrors(400, errors)
    rt = runtime()
    state = rt.db.state
    sc = site_context(site)
    lang, curr = sc.lang, sc.curr
    uid = email.strip().lower()
    with rt.db.atomic():
        if rt.db.principal(uid) is not None:
            raise ApiError(400, "DuplicateUidError", uid)
        customer = m.Customer(
            uid=uid, originalUid=uid, name=f"{body['firstName'].strip()} {body['lastName'].strip()}",
            customerId=str(uuid.uuid4()), groups={"customergroup"}, sessionLanguage=lang,
            sessionCurrency=curr, creationtime=rt.clock.now(),
            site=site.uid if site.isolated else None)
        rt.db.add_principal(customer)
        response = jsonify(project(user_dto(state, customer, lang), "DEFAULT"))
        response.status_code = 201
        return response


@bp.post("/bind-cart")
@operation("bindCart")
def bind_cart():
    """Give an anonymous cart to a customer (``customerId``: uid or customerId)."""
    site = base_site()
    customer_id = (request.values.get("customerId") or "").strip()
    cart_id = (request.values.get("cartId") or "").strip()
    if not customer_id:
        raise _bind_error("Missing customer id")
    if not cart_id:
        raise _bind_error("Missing cart id")
    rt = runtime()
    with rt.db.atomic():
        customer = rt.db.user_by_id(customer_id)
        if not isinstance(customer, m.Customer):
            raise _bind_error(f"Customer with id {customer_id} not found")
        cart = rt.db.cart(cart_id)
        if cart is None or cart.site != site.uid or cart.user != ANONYMOUS:
            raise _bind_error(f"Cart with id {cart_id} not found or not anonymous")
        cart.user = customer.uid
        cart.placedBy = agent().uid
        cart.modified = rt.clock.now()
        asm_service().record_session(agent(), customer, ctx_token())
    return Response(status=200)


def ctx_token() -> str | None:
    from ..context import ctx

    token = ctx().caller.token
    return token.value if token else None


def _bind_error(message: str) -> ApiError:
    return ApiError(400, "AssistedServiceCartBindError", message)
