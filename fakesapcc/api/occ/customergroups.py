"""OCC customer groups (tag Customer Groups): a customer manager lists the subgroups of
``customergroup``, creates one, reads one with its members, and sets, adds and removes
members."""
from __future__ import annotations

from flask import request

from ...commerce.customer_groups import CustomerGroups
from ...models import localized
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..operations import operation
from .base import bp, empty, respond, site
from .dtos.groups import USER_GROUP, USER_GROUP_LIST, MemberListBody, UserGroupBody
from .dtos.users import principal_dto

GROUPS = "/<baseSiteId>/customergroups"


def groups() -> CustomerGroups:
    return CustomerGroups(runtime().db)


def group_dto(service: CustomerGroups, group, lang: str, full: bool = True):
    name = localized(group.locname, lang) or group.name
    if not full:
        return USER_GROUP(uid=group.uid, name=name)
    members = service.members(group)
    subgroups = [p for p in service.db.members_of(group.uid) if type(p) is type(group)]
    return USER_GROUP(uid=group.uid, name=name,
                      members=[principal_dto(p.uid, p.name or p.uid) for p in members],
                      subGroups=[group_dto(service, g, lang, full=False) for g in subgroups],
                      membersCount=len(members))


@bp.get(GROUPS)
@operation("getCustomerGroups", secured=roles.CUSTOMER_MANAGER, params=i.Paging)
def get_customer_groups(baseSiteId: str, params: dict):
    service = groups()
    found = service.subgroups()
    page, size = params["currentPage"], params["pageSize"]
    lang = site().lang
    return respond(USER_GROUP_LIST(
        userGroups=[group_dto(service, g, lang) for g in found[page * size:(page + 1) * size]],
        totalNumber=len(found), pageSize=size, currentPage=page,
        numberOfPages=(len(found) + size - 1) // size))


@bp.post(GROUPS)
@operation("createCustomerGroup", secured=roles.CUSTOMER_MANAGER, body=UserGroupBody)
def create_customer_group(baseSiteId: str, body: dict):
    group = groups().create(body["uid"], body.get("name"),
                            [m["uid"] for m in body.get("members") or []])
    response = empty(201)
    response.headers["Location"] = request.base_url.rstrip("/") + "/" + group.uid
    return response


@bp.get(GROUPS + "/<groupId>")
@operation("getCustomerGroup", secured=roles.CUSTOMER_MANAGER)
def get_customer_group(baseSiteId: str, groupId: str):
    service = groups()
    return respond(group_dto(service, service.group(groupId), site().lang))


@bp.put(GROUPS + "/<groupId>/members")
@operation("replaceUsersForCustomerGroup", secured=roles.CUSTOMER_MANAGER, body=MemberListBody)
def replace_customer_group_members(baseSiteId: str, groupId: str, body: dict):
    service = groups()
    service.replace(service.group(groupId), [m["uid"] for m in body["members"]])
    return empty()


@bp.patch(GROUPS + "/<groupId>/members")
@operation("updateCustomerGroupWithUsers", secured=roles.CUSTOMER_MANAGER, body=MemberListBody)
def add_customer_group_members(baseSiteId: str, groupId: str, body: dict):
    service = groups()
    service.add(service.group(groupId), [m["uid"] for m in body["members"]])
    return empty()


@bp.delete(GROUPS + "/<groupId>/members/<userId>")
@operation("removeUsersFromCustomerGroup", secured=roles.CUSTOMER_MANAGER)
def remove_customer_group_member(baseSiteId: str, groupId: str, userId: str):
    service = groups()
    service.remove(service.group(groupId), userId)
    return empty()
