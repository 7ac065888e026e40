"""OCC B2B organization management (b2bocc; tags Organizational Unit Management, Budget
Management, B2B Cost Centers, Order Approval Permissions, Order Approval Permission Types):
an organization's administrator manages the units of its branch, their addresses and
approvers, budgets, cost centers and order approval permissions (``security.policy``: the
branch; ``roles.ORG_ADMIN``: who may)."""
from __future__ import annotations

from ...commerce.b2b_org import Organization
from ...errors import ApiErrors
from ...models import b2b as mb
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .addresses import merge_patch
from .base import bp, empty, respond, site
from .dtos import b2b as dto
from .dtos.users import ADDRESS_LIST, AddressBody, AddressPatchBody, address_dto

USER = "/<baseSiteId>/users/<userId>"
UNITS = USER + "/orgUnits"
UNIT = UNITS + "/<orgUnitId>"
BUDGETS = USER + "/budgets"
PERMISSIONS = USER + "/orderApprovalPermissions"
COST_CENTERS = "/<baseSiteId>/costcenters"


def org() -> Organization:
    """The organization as the acting user sees it (nobody's, for the anonymous user)."""
    return Organization(runtime().db, ctx().acting.user)


def lang() -> str:
    return site().lang


class ListParams(i.Paging):
    sort = i.TextParam()


class RoleParams(i.Params):
    roleId = i.TextParam(required=True)


class BudgetCodeParams(i.Params):
    budgetCode = i.TextParam(required=True)


# -- units -------------------------------------------------------------------------------------


@bp.get(USER + "/orgUnitsRootNodeTree")
@operation("getOrgUnitsRootNodeTree", secured=roles.ORG_ADMIN, anonymous=False)
def get_org_units_root_node_tree(baseSiteId: str, userId: str):
    o = org()
    return respond(dto.unit_tree_dto(o, o.root(), lang()))


@bp.get(USER + "/availableOrgUnitNodes")
@operation("getAvailableOrgUnitNodes", secured=roles.ORG_ADMIN, anonymous=False)
def get_available_org_unit_nodes(baseSiteId: str, userId: str):
    o = org()
    return respond(dto.B2B_UNIT_NODE_LIST(unitNodes=[
        dto.unit_node_dto(o.db, u, lang(), o.parent(u)) for u in o.branch()]))


@bp.get(USER + "/orgUnitsAvailableApprovalProcesses")
@operation("getOrgUnitsAvailableApprovalProcesses", secured=roles.ORG_ADMIN, anonymous=False)
def get_org_units_available_approval_processes(baseSiteId: str, userId: str):
    return respond(dto.APPROVAL_PROCESS_LIST(approvalProcesses=[
        dto.approval_process_dto(code) for code in mb.APPROVAL_PROCESSES]))


@bp.post(UNITS)
@operation("createOrgUnit", secured=roles.ORG_ADMIN, anonymous=False, body=dto.UnitBody)
def create_org_unit(baseSiteId: str, userId: str, body: dict):
    o = org()
    return respond(dto.unit_dto(o, o.create_unit(body), lang()), 201)


@bp.get(UNIT)
@operation("getOrgUnit", secured=roles.ORG_ADMIN, anonymous=False)
def get_org_unit(baseSiteId: str, userId: str, orgUnitId: str):
    o = org()
    return respond(dto.unit_dto(o, o.unit(orgUnitId), lang()))


@bp.patch(UNIT)
@operation("updateOrgUnit", secured=roles.ORG_ADMIN, anonymous=False, body=dto.UnitPatchBody)
def update_org_unit(baseSiteId: str, userId: str, orgUnitId: str, body: dict):
    o = org()
    o.update_unit(o.unit(orgUnitId), body)
    return empty(204)


@bp.get(UNIT + "/availableParents")
@operation("getAvailableParentUnits", secured=roles.ORG_ADMIN, anonymous=False)
def get_available_parent_units(baseSiteId: str, userId: str, orgUnitId: str):
    o = org()
    return respond(dto.B2B_UNIT_NODE_LIST(unitNodes=[
        dto.unit_node_dto(o.db, u, lang(), o.parent(u))
        for u in o.available_parents(o.unit(orgUnitId))]))


@bp.get(UNIT + "/addresses")
@operation("getOrgUnitAddresses", secured=roles.ORG_ADMIN, anonymous=False)
def get_org_unit_addresses(baseSiteId: str, userId: str, orgUnitId: str):
    o = org()
    state = o.state
    return respond(ADDRESS_LIST(addresses=[address_dto(state, a, lang())
                                           for a in o.addresses(o.unit(orgUnitId))]))


@bp.post(UNIT + "/addresses")
@operation("createOrgUnitAddress", secured=roles.ORG_ADMIN, anonymous=False, body=AddressBody)
def create_org_unit_address(baseSiteId: str, userId: str, orgUnitId: str, body: dict):
    o = org()
    address = o.add_address(o.unit(orgUnitId), body)
    return respond(address_dto(o.state, address, lang()), 201)


@bp.patch(UNIT + "/addresses/<addressId>")
@operation("updateOrgUnitAddress", secured=roles.ORG_ADMIN, anonymous=False,
           body=AddressPatchBody)
def update_org_unit_address(baseSiteId: str, userId: str, orgUnitId: str, addressId: str,
                            body: dict):
    """The sent properties over the address as it is, validated whole."""
    o = org()
    unit = o.unit(orgUnitId)
    address = o.address(unit, addressId)
    rt = runtime()
    merged, invalid = i.load_data(AddressBody(),
                                  merge_patch(address_dto(o.state, address, lang()), body),
                                  {"state": rt.db.state, "now": rt.clock.now()})
    if invalid:
        raise ApiErrors(400, invalid)
    o.replace_address(unit, address, merged)
    return empty(204)


@bp.delete(UNIT + "/addresses/<addressId>")
@operation("removeOrgUnitAddress", secured=roles.ORG_ADMIN, anonymous=False)
def remove_org_unit_address(baseSiteId: str, userId: str, orgUnitId: str, addressId: str):
    o = org()
    unit = o.unit(orgUnitId)
    o.remove_address(unit, o.address(unit, addressId))
    return empty()


@bp.get(UNIT + "/availableUsers/<roleId>")
@operation("getOrgUnitUsers", secured=roles.ORG_ADMIN, anonymous=False, params=ListParams)
def get_org_unit_users(baseSiteId: str, userId: str, orgUnitId: str, roleId: str,
                       params: dict):
    o = org()
    found = o.unit_users(o.unit(orgUnitId), roleId)
    found = dto.sorted_by(found, params["sort"], lambda x: x[0].name, lambda x: x[0].uid)
    users, pagination = dto.page(found, params)
    return respond(dto.ORG_UNIT_USER_LIST(
        users=[dto.selected_user_dto(o.db, c, lang(), chosen) for c, chosen in users],
        sorts=dto.sorts(params["sort"]), pagination=pagination))


@bp.post(UNIT + "/orgCustomers/<orgCustomerId>/roles")
@operation("doAddOrgUnitRoleToOrgCustomer", secured=roles.ORG_ADMIN, anonymous=False,
           params=RoleParams)
def add_org_unit_role_to_org_customer(baseSiteId: str, userId: str, orgUnitId: str,
                                      orgCustomerId: str, params: dict):
    o = org()
    o.set_unit_approver(o.unit(orgUnitId), orgCustomerId, params["roleId"], True)
    return empty(201)


@bp.delete(UNIT + "/orgCustomers/<orgCustomerId>/roles/<roleId>")
@operation("removeOrgUnitRoleFromOrgCustomer", secured=roles.ORG_ADMIN, anonymous=False)
def remove_org_unit_role_from_org_customer(baseSiteId: str, userId: str, orgUnitId: str,
                                           orgCustomerId: str, roleId: str):
    o = org()
    o.set_unit_approver(o.unit(orgUnitId), orgCustomerId, roleId, False)
    return empty()


# -- budgets -----------------------------------------------------------------------------------


@bp.get(BUDGETS)
@operation("getBudgets", secured=roles.ORG_ADMIN, anonymous=False, params=ListParams)
def get_budgets(baseSiteId: str, userId: str, params: dict):
    o = org()
    found = dto.sorted_by(o.budgets(), params["sort"], lambda b: b.name, lambda b: b.code,
                          lambda b: b.unit)
    budgets, pagination = dto.page(found, params)
    return respond(dto.BUDGET_LIST(budgets=[dto.budget_dto(o, b, lang()) for b in budgets],
                                   sorts=dto.sorts(params["sort"]), pagination=pagination))


@bp.post(BUDGETS)
@operation("createBudget", secured=roles.ORG_ADMIN, anonymous=False, body=dto.BudgetBody)
def create_budget(baseSiteId: str, userId: str, body: dict):
    o = org()
    return respond(dto.budget_dto(o, o.save_budget(body), lang()), 201)


@bp.get(BUDGETS + "/<budgetCode>")
@operation("getBudget", secured=roles.ORG_ADMIN, anonymous=False)
def get_budget(baseSiteId: str, userId: str, budgetCode: str):
    o = org()
    return respond(dto.budget_dto(o, o.budget(budgetCode), lang()))


@bp.patch(BUDGETS + "/<budgetCode>")
@operation("updateBudget", secured=roles.ORG_ADMIN, anonymous=False, body=dto.BudgetPatchBody)
def update_budget(baseSiteId: str, userId: str, budgetCode: str, body: dict):
    o = org()
    return respond(dto.budget_dto(o, o.save_budget(body, o.budget(budgetCode)), lang()))


# -- cost centers ------------------------------------------------------------------------------


@bp.get(COST_CENTERS)
@operation("getActiveCostCenters", secured=roles.COST_CENTERS)
def get_active_cost_centers(baseSiteId: str):
    """The active cost centers of the caller's branch (the B2B checkout's choice)."""
    o = org()
    found = dto.sorted_by(o.cost_centers(active_only=True), None, lambda c: c.name,
                          lambda c: c.code)
    return respond(dto.COST_CENTER_LIST(costCenters=[dto.cost_center_dto(o, c, lang())
                                                     for c in found]))


@bp.get(COST_CENTERS + "/<costCenterCode>")
@operation("getCostCenter", secured=roles.COST_CENTERS)
def get_cost_center(baseSiteId: str, costCenterCode: str):
    o = org()
    return respond(dto.cost_center_dto(o, o.cost_center(costCenterCode), lang()))


@bp.get("/<baseSiteId>/costcentersall")
@operation("getCostCenters", secured=roles.ORG_ADMIN, params=ListParams)
def get_cost_centers(baseSiteId: str, params: dict):
    o = org()
    found = dto.sorted_by(o.cost_centers(), params["sort"], lambda c: c.name, lambda c: c.code,
                          lambda c: c.unit)
    items, pagination = dto.page(found, params)
    return respond(dto.COST_CENTER_LIST(costCenters=[dto.cost_center_dto(o, c, lang())
                                                     for c in items],
                                        sorts=dto.sorts(params["sort"]), pagination=pagination))


@bp.post(COST_CENTERS)
@operation("createCostCenter", secured=roles.ORG_ADMIN, body=dto.CostCenterBody)
def create_cost_center(baseSiteId: str, body: dict):
    o = org()
    return respond(dto.cost_center_dto(o, o.save_cost_center(body), lang()), 201)


@bp.patch(COST_CENTERS + "/<costCenterCode>")
@operation("updateCostCenter", secured=roles.ORG_ADMIN, body=dto.CostCenterPatchBody)
def update_cost_center(baseSiteId: str, costCenterCode: str, body: dict):
    o = org()
    cc = o.save_cost_center(body, o.cost_center(costCenterCode))
    return respond(dto.cost_center_dto(o, cc, lang()))


@bp.get(COST_CENTERS + "/<costCenterCode>/budgets")
@operation("getBudgetsForCostCenter", secured=roles.ORG_ADMIN, params=ListParams)
def get_budgets_for_cost_center(baseSiteId: str, costCenterCode: str, params: dict):
    """Every budget of the branch, ``selected`` if the cost center has it."""
    o = org()
    cc = o.cost_center(costCenterCode)
    found = dto.sorted_by(o.budgets(), params["sort"], lambda b: b.name, lambda b: b.code,
                          lambda b: b.unit)
    budgets, pagination = dto.page(found, params)
    return respond(dto.BUDGET_LIST(
        budgets=[dto.budget_dto(o, b, lang(), b.code in cc.budgets) for b in budgets],
        sorts=dto.sorts(params["sort"]), pagination=pagination))


@bp.post(COST_CENTERS + "/<costCenterCode>/budgets")
@operation("doAddBudgetToCostCenter", secured=roles.ORG_ADMIN, params=BudgetCodeParams)
def add_budget_to_cost_center(baseSiteId: str, costCenterCode: str, params: dict):
    o = org()
    budget = o.assign_budget(o.cost_center(costCenterCode), params["budgetCode"], True)
    return respond(dto.selection_dto(budget.code, True, budget.active))


@bp.delete(COST_CENTERS + "/<costCenterCode>/budgets/<budgetCode>")
@operation("removeBudgetFromCostCenter", secured=roles.ORG_ADMIN)
def remove_budget_from_cost_center(baseSiteId: str, costCenterCode: str, budgetCode: str):
    o = org()
    budget = o.assign_budget(o.cost_center(costCenterCode), budgetCode, False)
    return respond(dto.selection_dto(budget.code, False, budget.active))


# -- order approval permissions ----------------------------------------------------------------


@bp.get("/<baseSiteId>/orderApprovalPermissionTypes")
@operation("getOrderApprovalPermissionTypes", secured=roles.ORG_ADMIN)
def get_order_approval_permission_types(baseSiteId: str):
    return respond(dto.PERMISSION_TYPE_LIST(orderApprovalPermissionTypes=[
        dto.permission_type_dto(code) for code in mb.PERMISSION_TYPES]))


@bp.get(PERMISSIONS)
@operation("getOrderApprovalPermissions", secured=roles.ORG_ADMIN, anonymous=False,
           params=ListParams)
def get_order_approval_permissions(baseSiteId: str, userId: str, params: dict):
    o = org()
    found = dto.sorted_by(o.permissions(), params["sort"], lambda p: p.code, lambda p: p.code,
                          lambda p: p.unit)
    items, pagination = dto.page(found, params)
    return respond(dto.PERMISSION_LIST(
        orderApprovalPermissions=[dto.permission_dto(o, p, lang()) for p in items],
        sorts=dto.sorts(params["sort"]), pagination=pagination))


@bp.post(PERMISSIONS)
@operation("createOrderApprovalPermission", secured=roles.ORG_ADMIN, anonymous=False,
           body=dto.PermissionBody)
def create_order_approval_permission(baseSiteId: str, userId: str, body: dict):
    o = org()
    return respond(dto.permission_dto(o, o.save_permission(body), lang()), 201)


@bp.get(PERMISSIONS + "/<orderApprovalPermissionCode>")
@operation("getOrderApprovalPermission", secured=roles.ORG_ADMIN, anonymous=False)
def get_order_approval_permission(baseSiteId: str, userId: str,
                                  orderApprovalPermissionCode: str):
    o = org()
    return respond(dto.permission_dto(o, o.permission(orderApprovalPermissionCode), lang()))


@bp.patch(PERMISSIONS + "/<orderApprovalPermissionCode>")
@operation("updateOrderApprovalPermission", secured=roles.ORG_ADMIN, anonymous=False,
           body=dto.PermissionPatchBody)
def update_order_approval_permission(baseSiteId: str, userId: str,
                                     orderApprovalPermissionCode: str, body: dict):
    o = org()
    p = o.save_permission(body, o.permission(orderApprovalPermissionCode))
    return respond(dto.permission_dto(o, p, lang()))
