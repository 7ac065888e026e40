"""B2B organization WsDTOs (B2BUnit in full, B2BUnitNode, Budget, B2BCostCenter,
OrderApprovalPermission, OrgUnitUserGroup, B2BSelectionData and their lists) and the request
bodies of the organization API (B2BUnit, Budget, B2BCostCenter, OrderApprovalPermission,
OrgCustomerCreation, OrgCustomerModification, OrgUnitUserGroup)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import marshmallow as ma

from ... import dto as d
from ... import inputs as i
from .... import models as m
from ....commerce.b2b_org import Organization
from ....security.policy import unit_of
from ....db import Db
from ....models import b2b as mb
from ....models import localized
from .catalog import pagination_dto, sort_dtos
from .sitecontext import currency_dto
from .users import B2B_UNIT, IsoCode, address_dto, org_user_dto, principal_dto

B2B_UNIT_NODE = d.DtoType("B2BUnitNode", "id name parent active children",
                          BASIC="id,name,parent,active",
                          DEFAULT="id,name,parent,active,children(DEFAULT)")
B2B_UNIT_NODE_LIST = d.DtoType("B2BUnitNodeList", "unitNodes")
APPROVAL_PROCESS = d.DtoType("B2BApprovalProcess", "code name")
APPROVAL_PROCESS_LIST = d.DtoType("B2BApprovalProcessList", "approvalProcesses")
SELECTION = d.DtoType("B2BSelectionData", "id selected active roles displayRoles normalizedCode")
ORG_UNIT_USER_LIST = d.DtoType("OrgUnitUserList", "users sorts pagination",
                               DEFAULT="users(DEFAULT,selected),sorts,pagination")
_BUDGET = "active budget code name currency startDate endDate selected"
BUDGET = d.DtoType("Budget", _BUDGET + " orgUnit costCenters",
                   BASIC="code,name,active,selected",
                   DEFAULT="BASIC,budget,currency(DEFAULT),startDate,endDate,orgUnit(BASIC),"
                           "costCenters(BASIC)")
BUDGET_SHALLOW = d.DtoType("BudgetShallow", _BUDGET, BASIC="code,name,active,selected",
                           DEFAULT="BASIC,budget,currency(DEFAULT),startDate,endDate")
BUDGET_LIST = d.DtoType("BudgetList", "budgets sorts pagination",
                        DEFAULT="budgets(DEFAULT),sorts,pagination")
_COST_CENTER = "originalCode name active activeFlag code currency"
COST_CENTER = d.DtoType("B2BCostCenter", _COST_CENTER + " unit assignedBudgets",
                        BASIC="code,name,active,activeFlag",
                        DEFAULT="BASIC,originalCode,currency(DEFAULT),unit(BASIC),"
                                "assignedBudgets(BASIC)")
COST_CENTER_SHALLOW = d.DtoType("B2BCostCenterShallow", _COST_CENTER,
                                BASIC="code,name,active,activeFlag",
                                DEFAULT="BASIC,originalCode,currency(DEFAULT)")
COST_CENTER_LIST = d.DtoType("B2BCostCenterList", "costCenters sorts pagination",
                             DEFAULT="costCenters(DEFAULT),sorts,pagination")
PERMISSION_TYPE = d.DtoType("OrderApprovalPermissionType", "code name")
PERMISSION_TYPE_LIST = d.DtoType("OrderApprovalPermissionTypeList",
                                 "orderApprovalPermissionTypes")
PERMISSION = d.DtoType(
    "OrderApprovalPermission", "active orderApprovalPermissionType code currency periodRange "
    "orgUnit threshold selected", BASIC="code,active,selected",
    DEFAULT="BASIC,orderApprovalPermissionType(DEFAULT),currency(DEFAULT),periodRange,"
            "orgUnit(BASIC),threshold")
PERMISSION_LIST = d.DtoType("OrderApprovalPermissionList",
                            "orderApprovalPermissions sorts pagination",
                            DEFAULT="orderApprovalPermissions(DEFAULT),sorts,pagination")
USER_GROUP = d.DtoType(
    "OrgUnitUserGroup", "uid name members subGroups membersCount orgUnit permissions roles "
    "selected", BASIC="uid,name,selected",
    DEFAULT="BASIC,orgUnit(BASIC),membersCount,roles")
USER_GROUP_LIST = d.DtoType("OrgUnitUserGroupList", "orgUnitUserGroups sorts pagination",
                            DEFAULT="orgUnitUserGroups(DEFAULT),sorts,pagination")


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _name(unit: m.B2BUnit, lang: str) -> str:
    return localized(unit.locname, lang) or unit.name or unit.uid


def selection_dto(item_id: str, selected: bool, active: bool | None = None,
                  roles: Sequence[str] | None = None) -> d.Dto:
    return SELECTION(id=item_id, selected=selected, active=active,
                     roles=list(roles) if roles is not None else None,
                     displayRoles=list(roles) if roles is not None else None,
                     normalizedCode=item_id.replace(" ", "_"))


def selected_user_dto(db: Db, customer: m.B2BCustomer, lang: str, selected: bool) -> d.Dto:
    user = org_user_dto(db, customer, lang)
    user["selected"] = selected
    return user


def page(items: Sequence[Any], params: dict) -> tuple[list[Any], d.Dto]:
    """One page of a list (``currentPage`` from 0, ``pageSize``) and its pagination."""
    current, size = params["currentPage"], params["pageSize"]
    return (list(items[current * size:(current + 1) * size]),
            pagination_dto(current, size, len(items), params.get("sort")))


SORTS = {"byName": "Name", "byCode": "Code", "byUnitName": "Unit name"}


def sorted_by(items: Iterable[Any], sort: str | None, name: Any, code: Any,
              unit: Any = None) -> list[Any]:
    key = {"byCode": code, "byUnitName": unit or name}.get(sort or "", name)
    return sorted(items, key=lambda x: ((key(x) or "").lower(), (code(x) or "").lower()))


def sorts(selected: str | None) -> list[d.Dto]:
    return sort_dtos(SORTS, selected or "byName")


def unit_node_dto(db: Db, unit: m.B2BUnit, lang: str, parent: m.B2BUnit | None,
                  children: list[d.Dto] | None = None) -> d.Dto:
    return B2B_UNIT_NODE(id=unit.uid, name=_name(unit, lang),
                         parent=parent.uid if parent else None, active=unit.active,
                         children=children)


def unit_tree_dto(org: Any, unit: m.B2BUnit, lang: str) -> d.Dto:
    return unit_node_dto(org.db, unit, lang, org.parent(unit),
                         [unit_tree_dto(org, c, lang) for c in org.children(unit)])


def approval_process_dto(code: str | None) -> d.Dto | None:
    if not code:
        return None
    return APPROVAL_PROCESS(code=code, name=mb.APPROVAL_PROCESSES.get(code, code))


def short_unit_dto(unit: m.B2BUnit | None, lang: str) -> d.Dto | None:
    if unit is None:
        return None
    return B2B_UNIT(uid=unit.uid, name=_name(unit, lang), active=unit.active)


def unit_dto(org: Any, unit: m.B2BUnit, lang: str) -> d.Dto:
    """The B2BUnit with its parent, approval process, addresses, people and cost centers."""
    db = org.db
    state = db.state
    people = org.customers_of(unit)

    def with_role(role: str) -> list[d.Dto]:
        return [org_user_dto(db, c, lang) for c in people if org.has_role(c, role)]

    return B2B_UNIT(
        uid=unit.uid, name=_name(unit, lang), active=unit.active,
        parentOrgUnit=short_unit_dto(org.parent(unit), lang),
        approvalProcess=approval_process_dto(unit.approvalProcessCode),
        addresses=d.Lazy(lambda: [address_dto(state, a, lang) for a in org.addresses(unit)]),
        approvers=d.Lazy(lambda: [org_user_dto(db, c, lang) for c in org.approvers_of(unit)]),
        managers=d.Lazy(lambda: with_role("b2bmanagergroup")),
        administrators=d.Lazy(lambda: with_role("b2badmingroup")),
        customers=d.Lazy(lambda: with_role("b2bcustomergroup")),
        costCenters=d.Lazy(lambda: [cost_center_shallow_dto(state, c, lang)
                                    for c in org.cost_centers()
                                    if c.unit.lower() == unit.uid.lower()]))


def _currency(state: Any, iso: str | None, lang: str) -> d.Dto | None:
    cur = state.currencies.get(iso or "")
    return currency_dto(cur, lang) if cur else None


def budget_dto(org: Any, budget: mb.B2BBudget, lang: str, selected: bool | None = None,
               shallow: bool = False) -> d.Dto:
    state = org.state
    values = dict(code=budget.code, name=budget.name, active=budget.active, budget=budget.budget,
                  currency=_currency(state, budget.currency, lang),
                  startDate=_iso(budget.startDate), endDate=_iso(budget.endDate),
                  selected=selected)
    if shallow:
        return BUDGET_SHALLOW(values)
    unit = org.db.principal(budget.unit)
    return BUDGET(values, orgUnit=short_unit_dto(unit, lang),
                  costCenters=d.Lazy(lambda: [cost_center_dto(org, c, lang)
                                              for c in org.cost_centers_of(budget)]))


def cost_center_shallow_dto(state: Any, cc: mb.B2BCostCenter, lang: str) -> d.Dto:
    return COST_CENTER_SHALLOW(code=cc.code, originalCode=cc.code, name=cc.name,
                               active=str(cc.active).lower(), activeFlag=cc.active,
                               currency=_currency(state, cc.currency, lang))


def cost_center_dto(org: Any, cc: mb.B2BCostCenter, lang: str) -> d.Dto:
    state = org.state
    unit = org.db.principal(cc.unit)
    return cost_center_shallow_dto(state, cc, lang).retyped(
        COST_CENTER, unit=short_unit_dto(unit, lang),
        assignedBudgets=d.Lazy(lambda: [budget_dto(org, state.b2b_budgets[b], lang, True, True)
                                        for b in cc.budgets if b in state.b2b_budgets]))


def permission_type_dto(code: str) -> d.Dto:
    return PERMISSION_TYPE(code=code, name=mb.PERMISSION_TYPES.get(code, code))


def permission_dto(org: Any, p: mb.B2BPermission, lang: str,
                   selected: bool | None = None) -> d.Dto:
    unit = org.db.principal(p.unit)
    return PERMISSION(code=p.code, active=p.active, selected=selected,
                      orderApprovalPermissionType=permission_type_dto(p.typeCode),
                      currency=_currency(org.state, p.currency, lang), periodRange=p.range,
                      orgUnit=short_unit_dto(unit, lang), threshold=p.threshold)


# -- request bodies ----------------------------------------------------------------------------


class UidRef(i.Body):
    uid = i.Text()
    name = i.Text()


class CodeRef(i.Body):
    code = i.Text()
    name = i.Text()


def _required(errors: dict, data: dict, *paths: str) -> None:
    for path in paths:
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.setdefault(path, []).append(i.REQUIRED)


class RequiredBody(i.Body):
    """A body whose SAP validator names required paths (``REQUIRED``, dotted for nested
    objects); ``more_rules`` adds a body's own checks to the same envelope."""

    REQUIRED: tuple[str, ...] = ()

    def more_rules(self, data: dict, errors: dict[str, list[str]]) -> None:
        """Further checks of a body (none by default)."""

    @ma.validates_schema
    def _sap_rules(self, data: dict, **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        _required(errors, data, *self.REQUIRED)
        self.more_rules(data, errors)
        if errors:
            raise ma.ValidationError(errors)


class UnitBody(RequiredBody):
    """A B2BUnit as b2BUnitWsDTOValidator reads it: ``uid`` and ``name`` required."""

    uid = i.Text()
    name = i.Text()
    active = i.Bool()
    parentOrgUnit = i.Object(UidRef)
    approvalProcess = i.Object(CodeRef)

    REQUIRED = ("uid", "name")


class UnitPatchBody(UnitBody):
    REQUIRED = ()


class BudgetBody(RequiredBody):
    """A Budget: code, name, budget, currency, startDate, endDate and orgUnit required."""

    code = i.Text()
    name = i.Text()
    budget = i.Double()
    currency = i.Object(IsoCode)
    startDate = i.Text()
    endDate = i.Text()
    orgUnit = i.Object(UidRef)
    active = i.Bool()

    REQUIRED = ("code", "name", "budget", "currency.isocode", "startDate", "endDate",
                "orgUnit.uid")

    def more_rules(self, data: dict, errors: dict[str, list[str]]) -> None:
        if isinstance(data.get("budget"), float) and data["budget"] < 0:
            errors.setdefault("budget", []).append(i.NOT_VALID)


class BudgetPatchBody(BudgetBody):
    REQUIRED = ()


class CostCenterBody(RequiredBody):
    """A B2BCostCenter: code, name, currency and unit required."""

    code = i.Text()
    originalCode = i.Text()
    name = i.Text()
    active = i.Text()
    activeFlag = i.Bool()
    currency = i.Object(IsoCode)
    unit = i.Object(UidRef)

    REQUIRED = ("code", "name", "currency.isocode", "unit.uid")


class CostCenterPatchBody(CostCenterBody):
    REQUIRED = ()


class PermissionBody(RequiredBody):
    """An OrderApprovalPermission: code, its type and orgUnit required; the threshold types
    also a threshold and a currency, the timespan type a periodRange."""

    code = i.Text()
    orderApprovalPermissionType = i.Object(CodeRef)
    currency = i.Object(IsoCode)
    periodRange = i.Text()
    orgUnit = i.Object(UidRef)
    threshold = i.Double()
    active = i.Bool()

    REQUIRED = ("code", "orderApprovalPermissionType.code", "orgUnit.uid")


class PermissionPatchBody(PermissionBody):
    REQUIRED = ()


def user_group_dto(people: Any, group: mb.B2BUserGroup, lang: str,
                   selected: bool | None = None) -> d.Dto:
    state = people.state
    unit = people.db.principal(group.unit) if group.unit else None
    members = people.members(group)
    return USER_GROUP(
        uid=group.uid, name=localized(group.locname, lang) or group.name or group.uid,
        orgUnit=short_unit_dto(unit, lang), membersCount=len(members), selected=selected,
        members=d.Lazy(lambda: [principal_dto(c.uid, c.name) for c in members]),
        permissions=d.Lazy(lambda: [permission_dto(people, state.b2b_permissions[p], lang)
                                    for p in group.permissions if p in state.b2b_permissions]))


class OrgCustomerBody(RequiredBody):
    """OrgCustomerCreation: email (an e-mail address), firstName, lastName and orgUnit.uid
    required; the roles are SAP's B2B roles."""

    email = i.Text()
    firstName = i.Text()
    lastName = i.Text()
    titleCode = i.Text()
    orgUnit = i.Object(UidRef)
    roles = i.Texts()

    REQUIRED = ("email", "firstName", "lastName", "orgUnit.uid")

    def more_rules(self, data: dict, errors: dict[str, list[str]]) -> None:
        email = data.get("email")
        if isinstance(email, str) and email.strip() and not i.EMAIL.fullmatch(email.strip()):
            errors.setdefault("email", []).append(i.INVALID_EMAIL)
        title = data.get("titleCode")
        if title and title not in i.state().titles:
            errors.setdefault("titleCode", []).append(i.NOT_VALID)


class OrgCustomerPatchBody(OrgCustomerBody):
    """OrgCustomerModification: the creation's properties, ``active`` and ``password``."""

    active = i.Bool()
    password = i.Text()
    REQUIRED = ()


class UserGroupBody(RequiredBody):
    """An OrgUnitUserGroup: uid, name and orgUnit.uid required."""

    uid = i.Text()
    name = i.Text()
    orgUnit = i.Object(UidRef)

    REQUIRED = ("uid", "name", "orgUnit.uid")


class UserGroupPatchBody(UserGroupBody):
    REQUIRED = ()


# -- B2B checkout ------------------------------------------------------------------------------

PAYMENT_TYPE = d.DtoType("B2BPaymentType", "code displayName")
PAYMENT_TYPE_LIST = d.DtoType("B2BPaymentTypeList", "paymentTypes")


def payment_type_dto(code: str, names: dict[str, str]) -> d.Dto:
    return PAYMENT_TYPE(code=code, displayName=names.get(code, code))


def b2b_order_fields(db: Db, order: m.AbstractOrder, lang: str,
                     names: dict[str, str]) -> dict[str, Any]:
    """What a B2B cart or order adds to the AbstractOrder WsDTO: the payment type, the
    purchase order number and the cost center (null for a B2C one)."""
    if order.paymentType is None and order.costCenter is None:
        return {}
    cc = db.state.b2b_cost_centers.get(order.costCenter or "")
    return {"paymentType": payment_type_dto(order.paymentType, names)
            if order.paymentType else None,
            "purchaseOrderNumber": order.purchaseOrderNumber,
            "costCenter": cost_center_dto(Organization(db, None), cc, lang) if cc else None}


def b2b_placed_fields(db: Db, order: m.Order, lang: str) -> dict[str, Any]:
    """What a B2B order adds to Order and OrderHistory: its unit and its buyer."""
    owner = db.principal(order.user)
    if not isinstance(owner, m.B2BCustomer):
        return {}
    unit = db.principal(order.unit) if order.unit else unit_of(db, owner)
    return {"orgUnit": short_unit_dto(unit if isinstance(unit, m.B2BUnit) else None, lang),
            "orgCustomer": org_user_dto(db, owner, lang)}


# -- order approvals ---------------------------------------------------------------------------

ORDER_APPROVAL = d.DtoType(
    "OrderApproval", "code order approvalDecisionRequired customerOrderApprovalRecords "
    "merchantOrderApprovalRecords trigger", BASIC="code,approvalDecisionRequired",
    DEFAULT="BASIC,order(DEFAULT),customerOrderApprovalRecords(DEFAULT)")
ORDER_APPROVAL_LIST = d.DtoType("OrderApprovalList", "orderApprovals sorts pagination",
                                DEFAULT="orderApprovals(DEFAULT),sorts,pagination")
ORDER_APPROVAL_RECORD = d.DtoType("OrderApprovalRecord",
                                  "permissionTypes approver statusDisplay comments")
ORDER_APPROVAL_DECISION = d.DtoType("OrderApprovalDecision", "decision comment")
PERMISSION_RESULT = d.DtoType("OrderApprovalPermissionResult",
                              "approverName approverNotes permissionType statusDisplay")


def _status_display(status: str) -> str:
    return status.lower().replace("_", " ")


def approval_record_dto(state: Any, record: mb.ApprovalRecord) -> d.Dto:
    approver = state.principals.get(record.approver.lower())
    return ORDER_APPROVAL_RECORD(
        permissionTypes=[permission_type_dto(t) for t in record.permissionTypes],
        approver=principal_dto(record.approver, approver.name if approver else None),
        statusDisplay=_status_display(record.status), comments=record.comments)


def order_approval_dto(state: Any, approval: mb.OrderApproval, order: d.Dto | None,
                       me: str, lang: str) -> d.Dto:
    mine = me.lower() in {a.lower() for a in approval.approvers}
    return ORDER_APPROVAL(
        code=approval.code, order=order,
        approvalDecisionRequired=approval.status == "PENDING" and mine,
        customerOrderApprovalRecords=[approval_record_dto(state, r) for r in approval.records],
        merchantOrderApprovalRecords=[])


def permission_results(state: Any, approval: mb.OrderApproval | None) -> list[d.Dto] | None:
    """An order's ``permissionResults``: one per approver and permission type it waits for
    or was decided on."""
    if approval is None:
        return None
    results = []
    for r in approval.records:
        approver = state.principals.get(r.approver.lower())
        for t in r.permissionTypes:
            results.append(PERMISSION_RESULT(
                approverName=approver.name if approver else r.approver,
                approverNotes=r.comments, permissionType=permission_type_dto(t),
                statusDisplay=_status_display(r.status)))
    return results


class DecisionBody(i.Body):
    """OrderApprovalDecision: ``decision`` (APPROVE or REJECT) required; a rejection's comment
    is checked by the approval."""

    decision = i.Text(required=True)
    comment = i.Text()
