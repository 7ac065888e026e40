"""Customer lists: the CustomerList groups the agent belongs to."""
from __future__ import annotations

from ..operations import operation

from flask import jsonify

from ... import models as m
from ...app import runtime
from ...errors import ApiError
from ...models import localized
from ...store import uid_key
from ..context import ctx
from .base import base_site, bp


def agent_customer_lists(agent: m.User) -> list[m.CustomerList]:
    """The lists an agent is a member of, directly or through its groups, by priority
    descending (SAP's getCustomerListsForEmployee)."""
    store = runtime().store
    groups = store.all_groups(agent.uid)
    lists = [g for k in groups if isinstance(g := store.state.principals.get(k), m.CustomerList)]
    return sorted(lists, key=lambda x: (-x.priority, x.uid))


def list_name(customer_list: m.CustomerList) -> str:
    return localized(customer_list.locname, "en") or customer_list.name or customer_list.uid


@bp.get("/customerlists")
@operation("getCustomerLists")
def get_customer_lists():
    """getCustomerLists"""
    base_site()
    agent = ctx().caller.user
    with runtime().store.atomic():
        lists = agent_customer_lists(agent)
        return jsonify({"userGroups": [{"uid": x.uid, "name": list_name(x)} for x in lists]})


@bp.get("/customerlists/<customerlist>")
@operation("getCustomerListDetails")
def get_customer_list_details(customerlist: str):
    """getCustomerListDetails"""
    base_site()
    agent = ctx().caller.user
    with runtime().store.atomic():
        found = [x for x in agent_customer_lists(agent) if uid_key(x.uid) == uid_key(customerlist)]
        if not found:
            raise ApiError(400, "UnknownIdentifierError",
                           f"Cannot find user group with uid '{customerlist}'")
        x = found[0]
        return jsonify({"uid": x.uid, "name": list_name(x),
                        "searchBoxEnabled": x.searchBoxEnabled,
                        "additionalColumnsKeys": list(x.additionalColumnsKeys)})
