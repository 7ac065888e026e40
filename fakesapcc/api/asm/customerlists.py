"""Customer lists: the CustomerList groups the agent belongs to."""
from __future__ import annotations

from ...security import roles
from ..operations import operation
from . import schemas as s
from .base import SiteParams, agent, asm_service, base_site, bp, respond
from .dtos import customer_list_dto, customer_lists_dto


@bp.get("/customerlists")
@operation("getCustomerLists", secured=roles.ASM_AGENT, params=SiteParams,
           responses=s.answers(200, ("The agent's customer lists", s.UserGroupList)))
def get_customer_lists(params: dict):
    base_site(params["baseSite"])
    return respond(customer_lists_dto(asm_service().customer_lists(agent())))


@bp.get("/customerlists/<customerlist>")
@operation("getCustomerListDetails", secured=roles.ASM_AGENT, params=SiteParams,
           responses=s.answers(200, ("The list", s.CustomerList)))
def get_customer_list_details(customerlist: str, params: dict):
    base_site(params["baseSite"])
    return respond(customer_list_dto(asm_service().customer_list(agent(), customerlist)))
