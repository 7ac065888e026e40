"""ASM customers: search (GET and POST), autocomplete, suggestions, registration by an agent,
and bind-cart."""
from __future__ import annotations

from flask import Response

from ...commerce.customers import Customers, duplicate_uid
from ...errors import ApiError
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..occ.dtos.users import user_dto
from ..operations import operation
from . import schemas as s
from .base import SiteParams, agent, asm_service, base_site, bp, respond, site_context, token_value
from .dtos import (ENTRY_FIELDS, SUGGESTION_LIST, CustomerRegistrationBody, CustomerSearchBody,
                   SuggestionSearchBody, customer_page_dto, suggestion_dto)


def _page(site_uid: str, query: str | None, order_id: str | None, list_id: str | None,
          sort: str | None, page: int, size: int, lang: str | None):
    rt = runtime()
    site = base_site(site_uid)
    asm = asm_service()
    found = asm.search(agent(), site, query, order_id, list_id, sort, page, size)
    return respond(customer_page_dto(asm, rt.db.state, found, site, lang or "en",
                                     rt.config.prop_bool("toggle.customerList.enabled")),
                   fields=ENTRY_FIELDS)


class SearchParams(SiteParams):
    query = i.TextParam()
    orderId = i.TextParam()
    customerListId = i.TextParam()
    sort = i.TextParam()
    currentPage = i.IntParam(default=0)
    pageSize = i.IntParam(default=20)
    lang = i.TextParam()


@bp.get("/customers/search")
@operation("getPageableCustomers", secured=roles.ASM_AGENT, params=SearchParams,
           responses=s.answers(200, ("A page of customers", s.CustomerSearchPage)))
def get_pageable_customers(params: dict):
    return _page(params["baseSite"], params["query"], params["orderId"],
                 params["customerListId"], params["sort"], params["currentPage"],
                 params["pageSize"], params["lang"])


class PostSearchParams(SiteParams):
    sort = i.TextParam()
    page = i.IntParam(default=0)
    pageSize = i.IntParam(default=20)
    lang = i.TextParam()


@bp.post("/customers/search")
@operation("searchPageableCustomers", secured=roles.ASM_AGENT, params=PostSearchParams,
           body=CustomerSearchBody, body_required=False,
           responses=s.answers(200, ("A page of customers", s.CustomerSearchPage)))
def search_pageable_customers(params: dict, body: dict):
    return _page(params["baseSite"], body.get("query"), body.get("orderId"),
                 body.get("customerListId"), params["sort"], params["page"],
                 params["pageSize"], params["lang"])


def _suggestions(query: str, site_uid: str) -> list:
    site = base_site(site_uid)
    minimum = runtime().config.prop_int(
        "assistedserviceswebservices.customer.suggestions.minimum.query.length", 3)
    if len(query.strip()) < minimum:
        raise ApiError(400, "BadRequestError",
                       f"Customer query length must not be less than {minimum}")
    asm = asm_service()
    state = runtime().db.state
    return [suggestion_dto(state, c, site) for c in asm.customers(site, query)]


class AutocompleteParams(SiteParams):
    customerQuery = i.TextParam(required=True, strip=True)


@bp.get("/customers/autocomplete")
@operation("autoComplete", secured=roles.ASM_AGENT, params=AutocompleteParams,
           responses=s.answers(200, ("The suggestions", s.CustomerSuggestion(many=True))))
def auto_complete(params: dict):
    return respond(_suggestions(params["customerQuery"], params["baseSite"]))


@bp.post("/customers/suggestions/search")
@operation("doCustomerAutoComplete", secured=roles.ASM_AGENT, params=SiteParams,
           body=SuggestionSearchBody,
           responses=s.answers(200, ("The suggestions", s.CustomerSuggestionList)))
def customer_suggestions(params: dict, body: dict):
    return respond(SUGGESTION_LIST(suggestions=_suggestions(body["customerQuery"],
                                                            params["baseSite"])))


@bp.post("/customers")
@operation("createCustomer", secured=roles.ASM_AGENT, params=SiteParams,
           body=CustomerRegistrationBody,
           responses=s.answers(201, ("The new customer", s.User)))
def create_customer(params: dict, body: dict):
    """An agent registers a customer by first name, last name and e-mail (no password: the
    customer sets one through the forgotten-password flow)."""
    uid = params["baseSite"]
    rt = runtime()
    if uid not in rt.db.state.base_sites:  # this endpoint's own text, from SAP's tests
        raise ApiError(400, "InvalidResourceError", f"The requested BaseSite: {uid} doesn't exist")
    site = base_site(uid)
    sc = site_context(site)
    service = Customers(rt.db, rt.clock)
    customer = service.new(body["emailAddress"], body["firstName"], body["lastName"],
                           site=site, lang=sc.lang, curr=sc.curr)
    if not service.register(customer):
        raise duplicate_uid(customer.uid)
    return respond(user_dto(rt.db.state, customer, sc.lang), 201, fields="DEFAULT")


class BindCartParams(SiteParams):
    customerId = i.TextParam(default="", strip=True)
    cartId = i.TextParam(default="", strip=True)


@bp.post("/bind-cart")
@operation("bindCart", secured=roles.ASM_AGENT, params=BindCartParams,
           responses=s.answers(200, "Bound: no body"))
def bind_cart(params: dict):
    """Give an anonymous cart to a customer (``customerId``: uid or customerId)."""
    site = base_site(params["baseSite"])
    asm_service().bind_cart(agent(), site, params["customerId"], params["cartId"], token_value())
    return Response(status=200)
