"""Customer lists: the CustomerList groups the agent belongs to."""
from __future__ import annotations

from flask import jsonify

from ... import models as m
from .. import runtime
from ...models import localized
from ..operations import operation
from .base import agent, asm_service, base_site, bp


def list_name(customer_list: m.CustomerList) -> str:
    return localized(customer_list.locname, "en") or customer_list.name or customer_list.uid


@bp.get("/customerlists")
@operation("getCustomerLists")
def get_customer_lists():
    base_site()
    with runtime().db.atomic():
        lists = asm_service().customer_lists(agent())
        return jsonify({"userGroups": [{"uid": x.uid, "name": list_name(x)} for x in lists]})


@bp.get("/customerlists/<customerlist>")
@operation("getCustomerListDetails")
def get_customer_list_details(customerlist: str):
    base_site()
    with runtime().db.atomic():
        x = asm_service().customer_list(agent(), customerlist)
        return jsonify({"uid": x.uid, "name": list_name(x),
                        "searchBoxEnabled": x.searchBoxEnabled,
                        "additionalColumnsKeys": list(x.additionalColumnsKeys)})
