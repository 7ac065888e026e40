"""OCC B2B organization's people (b2bocc; tags Organizational Unit Customer Management and
Organizational Unit User Groups): the branch's customers — created, edited, enabled or
disabled, their roles, approvers, permissions and user groups — and the organization's user
groups with their members and permissions (``security.policy``: the branch;
``roles.ORG_ADMIN``: who may)."""
from __future__ import annotations

from ...commerce.b2b_people import People
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .b2b_org import ListParams, RoleParams, USER
from .base import bp, empty, respond, site
from .dtos import b2b as dto

CUSTOMERS = USER + "/orgCustomers"
CUSTOMER = CUSTOMERS + "/<orgCustomerId>"
GROUPS = USER + "/orgUnitUserGroups"
GROUP = GROUPS + "/<orgUnitUserGroupId>"


def people() -> People:
    rt = runtime()
    return People(rt.db, rt.clock, ctx().user)


def lang() -> str:
    return site().lang


class PermissionCodeParams(i.Params):
    orderApprovalPermissionCode = i.TextParam(required=True)


class OrgCustomerIdParams(i.Params):
    orgCustomerId = i.TextParam(required=True)


def _users(p: People, found: list, params: dict):
    found = dto.sorted_by(found, params["sort"], lambda x: x[0].name, lambda x: x[0].uid)
    items, pagination = dto.page(found, params)
    return respond(dto.ORG_UNIT_USER_LIST(
        users=[dto.selected_user_dto(p.db, c, lang(), chosen) for c, chosen in items],
        sorts=dto.sorts(params["sort"]), pagination=pagination))


def _permissions(p: People, chosen: list[str], params: dict):
    found = dto.sorted_by(p.permissions(), params["sort"], lambda x: x.code, lambda x: x.code,
                          lambda x: x.unit)
    items, pagination = dto.page(found, params)
    return respond(dto.PERMISSION_LIST(
        orderApprovalPermissions=[dto.permission_dto(p, x, lang(), x.code in chosen)
                                  for x in items],
        sorts=dto.sorts(params["sort"]), pagination=pagination))


def _groups(p: People, chosen: set[str] | None, params: dict):
    found = dto.sorted_by(p.user_groups(), params["sort"], lambda g: g.name, lambda g: g.uid,
                          lambda g: g.unit)
    items, pagination = dto.page(found, params)
    return respond(dto.USER_GROUP_LIST(
        orgUnitUserGroups=[dto.user_group_dto(p, g, lang(), None if chosen is None
                                              else g.uid.lower() in chosen) for g in items],
        sorts=dto.sorts(params["sort"]), pagination=pagination))


# -- customers ---------------------------------------------------------------------------------


@bp.get(CUSTOMERS)
@operation("getOrgCustomers", secured=roles.ORG_ADMIN, anonymous=False, params=ListParams)
def get_org_customers(baseSiteId: str, userId: str, params: dict):
    p = people()
    return _users(p, [(c, True) for c in p.customers()], params)


@bp.post(CUSTOMERS)
@operation("createOrgCustomer", secured=roles.ORG_ADMIN, anonymous=False,
           body=dto.OrgCustomerBody)
def create_org_customer(baseSiteId: str, userId: str, body: dict):
    p = people()
    return respond(dto.org_user_dto(p.db, p.create_customer(body), lang()), 201)


@bp.get(CUSTOMER)
@operation("getOrgCustomer", secured=roles.ORG_ADMIN, anonymous=False)
def get_org_customer(baseSiteId: str, userId: str, orgCustomerId: str):
    p = people()
    return respond(dto.org_user_dto(p.db, p.customer(orgCustomerId), lang()))


@bp.patch(CUSTOMER)
@operation("updateOrgCustomer", secured=roles.ORG_ADMIN, anonymous=False,
           body=dto.OrgCustomerPatchBody)
def update_org_customer(baseSiteId: str, userId: str, orgCustomerId: str, body: dict):
    p = people()
    customer = p.customer(orgCustomerId)
    old = customer.uid
    p.update_customer(customer, body)
    if body.get("active") is False or customer.uid != old or body.get("password"):
        runtime().tokens.revoke_user(old)
    return empty(204)


@bp.post(CUSTOMER + "/roles")
@operation("doAddRoleToOrgCustomer", secured=roles.ORG_ADMIN, anonymous=False,
           params=RoleParams)
def add_role_to_org_customer(baseSiteId: str, userId: str, orgCustomerId: str, params: dict):
    p = people()
    customer = p.customer(orgCustomerId)
    held = p.add_role(customer, params["roleId"], True)
    return respond(dto.selection_dto(params["roleId"], True, customer.active, held), 201)


@bp.delete(CUSTOMER + "/roles/<roleId>")
@operation("removeRoleFromOrgCustomer", secured=roles.ORG_ADMIN, anonymous=False)
def remove_role_from_org_customer(baseSiteId: str, userId: str, orgCustomerId: str,
                                  roleId: str):
    p = people()
    customer = p.customer(orgCustomerId)
    held = p.add_role(customer, roleId, False)
    return respond(dto.selection_dto(roleId, False, customer.active, held))


@bp.get(CUSTOMER + "/approvers")
@operation("getOrgCustomerApprovers", secured=roles.ORG_ADMIN, anonymous=False,
           params=ListParams)
def get_org_customer_approvers(baseSiteId: str, userId: str, orgCustomerId: str,
                               params: dict):
    """Every approver of the branch, ``selected`` if it approves for the customer."""
    p = people()
    customer = p.customer(orgCustomerId)
    chosen = {a.lower() for a in customer.approvers}
    return _users(p, [(a, a.uid.lower() in chosen) for a in p.approvers()], params)


@bp.post(CUSTOMER + "/approvers/<approverId>")
@operation("doAddApproverToOrgCustomer", secured=roles.ORG_ADMIN, anonymous=False)
def add_approver_to_org_customer(baseSiteId: str, userId: str, orgCustomerId: str,
                                 approverId: str):
    p = people()
    approver = p.set_approver(p.customer(orgCustomerId), approverId, True)
    return respond(dto.selection_dto(approver.uid, True, approver.active))


@bp.delete(CUSTOMER + "/approvers/<approverId>")
@operation("removeApproverFromOrgCustomer", secured=roles.ORG_ADMIN, anonymous=False)
def remove_approver_from_org_customer(baseSiteId: str, userId: str, orgCustomerId: str,
                                      approverId: str):
    p = people()
    approver = p.set_approver(p.customer(orgCustomerId), approverId, False)
    return respond(dto.selection_dto(approver.uid, False, approver.active))


@bp.get(CUSTOMER + "/permissions")
@operation("getOrgCustomerPermissions", secured=roles.ORG_ADMIN, anonymous=False,
           params=ListParams)
def get_org_customer_permissions(baseSiteId: str, userId: str, orgCustomerId: str,
                                 params: dict):
    """Every permission of the branch, ``selected`` if the customer holds it."""
    p = people()
    return _permissions(p, p.customer(orgCustomerId).permissions, params)


@bp.post(CUSTOMER + "/permissions/<permissionId>")
@operation("doAddPermissionToOrgCustomer", secured=roles.ORG_ADMIN, anonymous=False)
def add_permission_to_org_customer(baseSiteId: str, userId: str, orgCustomerId: str,
                                   permissionId: str):
    p = people()
    permission = p.set_permission(p.customer(orgCustomerId), permissionId, True)
    return respond(dto.selection_dto(permission.code, True, permission.active))


@bp.delete(CUSTOMER + "/permissions/<permissionId>")
@operation("removePermissionFromOrgCustomer", secured=roles.ORG_ADMIN, anonymous=False)
def remove_permission_from_org_customer(baseSiteId: str, userId: str, orgCustomerId: str,
                                        permissionId: str):
    p = people()
    permission = p.set_permission(p.customer(orgCustomerId), permissionId, False)
    return respond(dto.selection_dto(permission.code, False, permission.active))


@bp.get(CUSTOMER + "/orgUserGroups")
@operation("getOrgCustomerOrgUserGroups", secured=roles.ORG_ADMIN, anonymous=False,
           params=ListParams)
def get_org_customer_org_user_groups(baseSiteId: str, userId: str, orgCustomerId: str,
                                     params: dict):
    """Every user group of the branch, ``selected`` if the customer is a member."""
    p = people()
    return _groups(p, p.groups_of(p.customer(orgCustomerId)), params)


@bp.post(CUSTOMER + "/orgUserGroups/<userGroupId>")
@operation("doAddOrgUserGroupToOrgCustomer", secured=roles.ORG_ADMIN, anonymous=False)
def add_org_user_group_to_org_customer(baseSiteId: str, userId: str, orgCustomerId: str,
                                       userGroupId: str):
    p = people()
    group = p.user_group(userGroupId)
    p.set_user_group(p.customer(orgCustomerId), group, True)
    return respond(dto.selection_dto(group.uid, True))


@bp.delete(CUSTOMER + "/orgUserGroups/<userGroupId>")
@operation("removeOrgUserGroupFromOrgCustomer", secured=roles.ORG_ADMIN, anonymous=False)
def remove_org_user_group_from_org_customer(baseSiteId: str, userId: str, orgCustomerId: str,
                                            userGroupId: str):
    p = people()
    p.set_user_group(p.customer(orgCustomerId), p.user_group(userGroupId), False)
    return empty()


# -- user groups -------------------------------------------------------------------------------


@bp.get(GROUPS)
@operation("getOrgUnitUserGroups", secured=roles.ORG_ADMIN, anonymous=False, params=ListParams)
def get_org_unit_user_groups(baseSiteId: str, userId: str, params: dict):
    return _groups(people(), None, params)


@bp.post(GROUPS)
@operation("createOrgUnitUserGroup", secured=roles.ORG_ADMIN, anonymous=False,
           body=dto.UserGroupBody)
def create_org_unit_user_group(baseSiteId: str, userId: str, body: dict):
    p = people()
    return respond(dto.user_group_dto(p, p.save_user_group(body), lang()), 201)


@bp.get(GROUP)
@operation("getOrgUnitUserGroup", secured=roles.ORG_ADMIN, anonymous=False)
def get_org_unit_user_group(baseSiteId: str, userId: str, orgUnitUserGroupId: str):
    p = people()
    return respond(dto.user_group_dto(p, p.user_group(orgUnitUserGroupId), lang()))


@bp.patch(GROUP)
@operation("updateOrgUnitUserGroup", secured=roles.ORG_ADMIN, anonymous=False,
           body=dto.UserGroupPatchBody)
def update_org_unit_user_group(baseSiteId: str, userId: str, orgUnitUserGroupId: str,
                               body: dict):
    p = people()
    p.save_user_group(body, p.user_group(orgUnitUserGroupId))
    return empty(204)


@bp.delete(GROUP)
@operation("removeOrgUnitUserGroup", secured=roles.ORG_ADMIN, anonymous=False)
def remove_org_unit_user_group(baseSiteId: str, userId: str, orgUnitUserGroupId: str):
    p = people()
    p.remove_user_group(p.user_group(orgUnitUserGroupId))
    return empty()


@bp.get(GROUP + "/availableOrderApprovalPermissions")
@operation("getOrderApprovalPermissionsForOrgUnitUserGroup", secured=roles.ORG_ADMIN,
           anonymous=False, params=ListParams)
def get_order_approval_permissions_for_org_unit_user_group(
        baseSiteId: str, userId: str, orgUnitUserGroupId: str, params: dict):
    p = people()
    return _permissions(p, p.user_group(orgUnitUserGroupId).permissions, params)


@bp.post(GROUP + "/orderApprovalPermissions")
@operation("doAddOrderApprovalPermissionToOrgUnitUserGroup", secured=roles.ORG_ADMIN,
           anonymous=False, params=PermissionCodeParams)
def add_order_approval_permission_to_org_unit_user_group(
        baseSiteId: str, userId: str, orgUnitUserGroupId: str, params: dict):
    p = people()
    permission = p.set_permission(p.user_group(orgUnitUserGroupId),
                                  params["orderApprovalPermissionCode"], True)
    return respond(dto.selection_dto(permission.code, True, permission.active), 201)


@bp.delete(GROUP + "/orderApprovalPermissions/<orderApprovalPermissionCode>")
@operation("removeOrderApprovalPermissionFromOrgUnitUserGroup", secured=roles.ORG_ADMIN,
           anonymous=False)
def remove_order_approval_permission_from_org_unit_user_group(
        baseSiteId: str, userId: str, orgUnitUserGroupId: str,
        orderApprovalPermissionCode: str):
    p = people()
    permission = p.set_permission(p.user_group(orgUnitUserGroupId),
                                  orderApprovalPermissionCode, False)
    return respond(dto.selection_dto(permission.code, False, permission.active))


@bp.get(GROUP + "/availableOrgCustomers")
@operation("getAvailableOrgCustomersForUserGroup", secured=roles.ORG_ADMIN, anonymous=False,
           params=ListParams)
def get_available_org_customers_for_user_group(baseSiteId: str, userId: str,
                                               orgUnitUserGroupId: str, params: dict):
    """Every customer of the branch, ``selected`` if a member."""
    p = people()
    members = {c.uid for c in p.members(p.user_group(orgUnitUserGroupId))}
    return _users(p, [(c, c.uid in members) for c in p.customers()], params)


@bp.post(GROUP + "/members")
@operation("doAddOrgCustomerToOrgUnitUserGroupMembers", secured=roles.ORG_ADMIN,
           anonymous=False, params=OrgCustomerIdParams)
def add_org_customer_to_org_unit_user_group_members(baseSiteId: str, userId: str,
                                                    orgUnitUserGroupId: str, params: dict):
    p = people()
    p.set_user_group(p.customer(params["orgCustomerId"]), p.user_group(orgUnitUserGroupId), True)
    return empty(201)


@bp.delete(GROUP + "/members")
@operation("removeOrgUnitUserGroupMembers", secured=roles.ORG_ADMIN, anonymous=False)
def remove_org_unit_user_group_members(baseSiteId: str, userId: str, orgUnitUserGroupId: str):
    p = people()
    p.remove_members(p.user_group(orgUnitUserGroupId))
    return empty()


@bp.delete(GROUP + "/members/<orgCustomerId>")
@operation("removeOrgCustomerFromOrgUnitUserGroupMembers", secured=roles.ORG_ADMIN,
           anonymous=False)
def remove_org_customer_from_org_unit_user_group_members(
        baseSiteId: str, userId: str, orgUnitUserGroupId: str, orgCustomerId: str):
    p = people()
    p.set_user_group(p.customer(orgCustomerId), p.user_group(orgUnitUserGroupId), False)
    return empty()
