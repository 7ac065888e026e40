"""B2B organization management, as b2bcommerce's facades do it: the units of a branch and
their addresses, budgets, cost centers and order approval permissions.

Every service works for one acting user and sees its branch only (``security.policy``: the
unit tree under the user's unit); what lies outside it is not found. Input arrives validated
(``api.occ.dtos.b2b``); the writes here keep the references true (a renamed unit is renamed in
every budget, cost center and permission that names it).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from .. import models as m
from ..db import Db, uid_key
from ..errors import ApiError
from ..models import b2b as mb
from ..security import policy
from .addressbook import address_from


def not_found(what: str, code: str) -> ApiError:
    return ApiError(404, "NotFoundError", f"{what} with code [{code}] was not found")


def already_exists(what: str, key: str, code: str) -> ApiError:
    return ApiError(400, "AlreadyExistsError", f"{what} with {key} [{code}] already exists")


def invalid(subject: str, message: str = "This field is not valid.") -> ApiError:
    return ApiError(400, "ValidationError", message, reason="invalid", subject=subject,
                    subject_type="parameter")


def _ref(data: Mapping[str, Any], name: str, key: str = "uid") -> str | None:
    nested = data.get(name)
    value = nested.get(key) if isinstance(nested, Mapping) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def parse_date(value: Any, subject: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        # SAP's own rendering: 2032-12-31T23:59:59+0000
        try:
            parsed = datetime.strptime(str(value).strip(), "%Y-%m-%dT%H:%M:%S%z")
        except ValueError:
            raise invalid(subject) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class Organization:
    """The organization as one user sees and manages it."""

    def __init__(self, db: Db, user: m.User | None) -> None:
        self.db = db
        self.state = db.state
        self.user = user

    # -- units -------------------------------------------------------------------------------

    def branch(self) -> list[m.B2BUnit]:
        return policy.branch(self.db, self.user)

    def root(self) -> m.B2BUnit:
        unit = policy.unit_of(self.db, self.user)
        if unit is None:
            raise ApiError(404, "NotFoundError", "No organizational unit found for the user")
        return unit

    def unit(self, unit_id: str) -> m.B2BUnit:
        return policy.branch_unit(self.db, self.user, unit_id)

    def parent(self, unit: m.B2BUnit) -> m.B2BUnit | None:
        return policy.parent_unit(self.db, unit)

    def children(self, unit: m.B2BUnit) -> list[m.B2BUnit]:
        return policy.child_units(self.db, unit)

    def available_parents(self, unit: m.B2BUnit) -> list[m.B2BUnit]:
        """The branch's units that may become the unit's parent: not itself nor below it."""
        below = {uid_key(u.uid) for u in policy.subtree(self.db, unit)}
        return [u for u in self.branch() if uid_key(u.uid) not in below]

    def _approval_process(self, data: Mapping[str, Any]) -> str | None:
        code = _ref(data, "approvalProcess", "code")
        if code is not None and code not in mb.APPROVAL_PROCESSES:
            raise invalid("approvalProcess.code")
        return code

    def create_unit(self, data: Mapping[str, Any]) -> m.B2BUnit:
        uid = data["uid"].strip()
        if self.db.principal(uid) is not None:
            raise already_exists("Organizational unit", "uid", uid)
        parent_uid = _ref(data, "parentOrgUnit")
        if parent_uid is None:
            raise ApiError(400, "ValidationError", "This field is required.", reason="missing",
                           subject="parentOrgUnit.uid", subject_type="parameter")
        parent = self.unit(parent_uid)
        process = self._approval_process(data) or parent.approvalProcessCode
        name = data["name"].strip()
        unit = m.B2BUnit(uid=uid, name=name, locname={"en": name}, groups={parent.uid},
                         active=data.get("active") is not False, approvalProcessCode=process)
        self.db.add_principal(unit)
        return unit

    def update_unit(self, unit: m.B2BUnit, data: Mapping[str, Any]) -> m.B2BUnit:
        """The sent properties over the unit; ``active: false`` disables the unit and the
        units below it (SAP's disableBranch), ``true`` enables the unit alone."""
        process = self._approval_process(data)
        parent_uid = _ref(data, "parentOrgUnit")
        parent = None
        if parent_uid is not None:
            parent = self.unit(parent_uid)
            if uid_key(parent.uid) in {uid_key(u.uid) for u in policy.subtree(self.db, unit)}:
                raise invalid("parentOrgUnit.uid")
        new_uid = (data.get("uid") or "").strip() or unit.uid
        if uid_key(new_uid) != uid_key(unit.uid):
            if self.db.principal(new_uid) is not None:
                raise already_exists("Organizational unit", "uid", new_uid)
            self._rename_unit(unit, new_uid)
        if data.get("name") is not None:
            if not data["name"].strip():
                raise ApiError(400, "ValidationError", "This field is required.",
                               reason="missing", subject="name", subject_type="parameter")
            unit.name = data["name"].strip()
            unit.locname = {**unit.locname, "en": unit.name}
        if process is not None:
            unit.approvalProcessCode = process
        if parent is not None and (self.parent(unit) is None
                                   or uid_key(self.parent(unit).uid) != uid_key(parent.uid)):
            others = {g for g in unit.groups if not isinstance(self.db.principal(g), m.B2BUnit)}
            self.db.set_groups(unit, others | {parent.uid})
        if data.get("active") is False:
            for u in policy.subtree(self.db, unit):
                u.active = False
        elif data.get("active") is True:
            unit.active = True
        self.db.changed("customers", unit)
        return unit

    def _rename_unit(self, unit: m.B2BUnit, new_uid: str) -> None:
        old = uid_key(unit.uid)
        self.db.rename_principal(unit, new_uid)
        for items in (self.state.b2b_budgets.values(), self.state.b2b_cost_centers.values(),
                      self.state.b2b_permissions.values()):
            for item in items:
                if uid_key(item.unit) == old:
                    item.unit = new_uid
        for p in self.state.principals.values():
            if isinstance(p, m.B2BCustomer) and p.defaultB2BUnit \
                    and uid_key(p.defaultB2BUnit) == old:
                p.defaultB2BUnit = new_uid
            if isinstance(p, mb.B2BUserGroup) and p.unit and uid_key(p.unit) == old:
                p.unit = new_uid
        for a in self.state.addresses.values():
            if a.ownerType == "User" and a.owner and uid_key(a.owner) == old:
                a.owner = new_uid

    # -- the unit's customers and approvers ---------------------------------------------------

    def customers_of(self, unit: m.B2BUnit) -> list[m.B2BCustomer]:
        return [p for p in self.db.members_of(unit.uid) if isinstance(p, m.B2BCustomer)]

    def has_role(self, customer: m.B2BCustomer, role: str) -> bool:
        return role in {uid_key(g) for g in customer.groups}

    def approvers_of(self, unit: m.B2BUnit) -> list[m.B2BCustomer]:
        found = [self.db.principal(uid) for uid in unit.approvers]
        return [c for c in found if isinstance(c, m.B2BCustomer)]

    def unit_users(self, unit: m.B2BUnit, role: str) -> list[tuple[m.B2BCustomer, bool]]:
        """``availableUsers/{roleId}``: for ``b2bapprovergroup`` every approver of the branch,
        selected if it approves for the unit; for another role the unit's customers, selected
        if they hold it."""
        if role not in mb.B2B_ROLES:
            raise ApiError(400, "RequestParameterError", f"Supplied parameter [{role}] is not valid")
        if role == "b2bapprovergroup":
            chosen = {uid_key(c.uid) for c in self.approvers_of(unit)}
            people = [c for u in self.branch() for c in self.customers_of(u)
                      if self.has_role(c, role)]
            unique = {uid_key(c.uid): c for c in people}
            return [(c, uid_key(c.uid) in chosen) for _, c in sorted(unique.items())]
        return [(c, self.has_role(c, role)) for c in self.customers_of(unit)]

    def customer(self, customer_id: str) -> m.B2BCustomer:
        """A B2B customer of the branch by uid or customerId (else 404)."""
        user = self.db.user_by_id(customer_id)
        if isinstance(user, m.B2BCustomer):
            unit = policy.unit_of(self.db, user)
            if unit is not None and policy.in_branch(self.db, self.user, unit.uid):
                return user
        raise ApiError(404, "NotFoundError", f"Customer with id [{customer_id}] was not found")

    def set_unit_approver(self, unit: m.B2BUnit, customer_id: str, role: str,
                          add: bool) -> m.B2BCustomer:
        """``orgUnits/{unit}/orgCustomers/{customer}/roles``: the unit-dependent role SAP
        knows, ``b2bapprovergroup`` (the unit's approvers)."""
        if role != "b2bapprovergroup":
            raise ApiError(400, "RequestParameterError", f"Supplied parameter [{role}] is not valid")
        customer = self.customer(customer_id)
        approvers = [a for a in unit.approvers if uid_key(a) != uid_key(customer.uid)]
        if add:
            if not self.has_role(customer, role):
                raise invalid("orgCustomerId", f"Customer [{customer.uid}] is not an approver")
            approvers.append(customer.uid)
        unit.approvers = approvers
        return customer

    # -- addresses ---------------------------------------------------------------------------

    def addresses(self, unit: m.B2BUnit) -> list[m.Address]:
        key = uid_key(unit.uid)
        return sorted((a for a in self.state.addresses.values()
                       if a.owner and a.ownerType == "User" and uid_key(a.owner) == key
                       and a.visibleInAddressBook), key=lambda a: a.pk)

    def address(self, unit: m.B2BUnit, address_id: str) -> m.Address:
        for a in self.addresses(unit):
            if str(a.pk) == address_id.strip():
                return a
        raise ApiError(404, "NotFoundError", f"Address with id [{address_id}] is not found")

    def add_address(self, unit: m.B2BUnit, data: Mapping[str, Any]) -> m.Address:
        address = address_from({**data, "shippingAddress": True}, unit.uid, self.db.new_pk)
        address.billingAddress = False
        self.state.addresses[address.pk] = address
        return address

    def replace_address(self, unit: m.B2BUnit, address: m.Address,
                        data: Mapping[str, Any]) -> m.Address:
        updated = address_from({**data, "shippingAddress": True}, unit.uid, address.pk)
        self.state.addresses[address.pk] = updated
        return updated

    def remove_address(self, unit: m.B2BUnit, address: m.Address) -> None:
        """Out of the unit; carts and orders that use it keep their copy of it."""
        address.visibleInAddressBook = False

    # -- budgets -----------------------------------------------------------------------------

    def _visible(self, items: Any) -> list[Any]:
        units = {uid_key(u.uid) for u in self.branch()}
        return [x for x in items if uid_key(x.unit) in units]

    def budgets(self) -> list[mb.B2BBudget]:
        return self._visible(self.state.b2b_budgets.values())

    def budget(self, code: str) -> mb.B2BBudget:
        found = self.state.b2b_budgets.get(code)
        if found is None or not self._visible([found]):
            raise not_found("Budget", code)
        return found

    def _currency(self, data: Mapping[str, Any], subject: str = "currency.isocode") -> str | None:
        iso = _ref(data, "currency", "isocode")
        if iso is not None and iso not in self.state.currencies:
            raise invalid(subject)
        return iso

    def save_budget(self, data: Mapping[str, Any],
                    budget: mb.B2BBudget | None = None) -> mb.B2BBudget:
        """A new budget (``budget`` None), or the sent properties over one."""
        code = (data.get("code") or "").strip() or (budget.code if budget else "")
        if (budget is None or code != budget.code) and code in self.state.b2b_budgets:
            raise already_exists("Budget", "code", code)
        unit_uid = _ref(data, "orgUnit")
        unit = self.unit(unit_uid).uid if unit_uid else budget.unit  # type: ignore[union-attr]
        currency = self._currency(data)
        start = parse_date(data["startDate"], "startDate") if data.get("startDate") else None
        end = parse_date(data["endDate"], "endDate") if data.get("endDate") else None
        item = budget or mb.B2BBudget(code=code, unit=unit)
        start, end = start or item.startDate, end or item.endDate
        if start and end and end < start:
            raise invalid("endDate")
        if budget is not None and code != budget.code:
            del self.state.b2b_budgets[budget.code]
            for cc in self.state.b2b_cost_centers.values():
                cc.budgets = [code if b == budget.code else b for b in cc.budgets]
        item.code, item.unit, item.startDate, item.endDate = code, unit, start, end
        if data.get("name") is not None:
            item.name = data["name"].strip()
        if data.get("budget") is not None:
            item.budget = float(data["budget"])
        if currency is not None:
            item.currency = currency
        if data.get("active") is not None:
            item.active = bool(data["active"])
        self.state.b2b_budgets[code] = item
        return item

    # -- cost centers ------------------------------------------------------------------------

    def cost_centers(self, active_only: bool = False) -> list[mb.B2BCostCenter]:
        return [c for c in self._visible(self.state.b2b_cost_centers.values())
                if c.active or not active_only]

    def cost_center(self, code: str, active_only: bool = False) -> mb.B2BCostCenter:
        found = self.state.b2b_cost_centers.get(code)
        if found is None or not self._visible([found]) or (active_only and not found.active):
            raise not_found("Cost center", code)
        return found

    def save_cost_center(self, data: Mapping[str, Any],
                         cost_center: mb.B2BCostCenter | None = None) -> mb.B2BCostCenter:
        code = (data.get("code") or "").strip() or (cost_center.code if cost_center else "")
        if (cost_center is None or code != cost_center.code) \
                and code in self.state.b2b_cost_centers:
            raise already_exists("Cost center", "code", code)
        unit_uid = _ref(data, "unit")
        unit = self.unit(unit_uid).uid if unit_uid else cost_center.unit  # type: ignore[union-attr]
        currency = self._currency(data)
        item = cost_center or mb.B2BCostCenter(code=code, unit=unit)
        if cost_center is not None and code != cost_center.code:
            del self.state.b2b_cost_centers[cost_center.code]
        item.code, item.unit = code, unit
        if data.get("name") is not None:
            item.name = data["name"].strip()
        if currency is not None:
            item.currency = currency
        active = data.get("activeFlag")
        if active is None and data.get("active") is not None:
            active = str(data["active"]).strip().lower() == "true"
        if active is not None:
            item.active = bool(active)
        self.state.b2b_cost_centers[code] = item
        return item

    def assign_budget(self, cost_center: mb.B2BCostCenter, budget_code: str,
                      add: bool) -> mb.B2BBudget:
        budget = self.budget(budget_code)
        cost_center.budgets = [b for b in cost_center.budgets if b != budget.code]
        if add:
            cost_center.budgets.append(budget.code)
        return budget

    def cost_centers_of(self, budget: mb.B2BBudget) -> list[mb.B2BCostCenter]:
        return [c for c in self.cost_centers() if budget.code in c.budgets]

    # -- order approval permissions ----------------------------------------------------------

    def permissions(self) -> list[mb.B2BPermission]:
        return self._visible(self.state.b2b_permissions.values())

    def permission(self, code: str) -> mb.B2BPermission:
        found = self.state.b2b_permissions.get(code)
        if found is None or not self._visible([found]):
            raise not_found("Order approval permission", code)
        return found

    def save_permission(self, data: Mapping[str, Any],
                        permission: mb.B2BPermission | None = None) -> mb.B2BPermission:
        code = (data.get("code") or "").strip() or (permission.code if permission else "")
        if (permission is None or code != permission.code) \
                and code in self.state.b2b_permissions:
            raise already_exists("Order approval permission", "code", code)
        type_code = _ref(data, "orderApprovalPermissionType", "code") \
            or (permission.typeCode if permission else None)
        if type_code not in mb.PERMISSION_TYPES:
            raise invalid("orderApprovalPermissionType.code")
        unit_uid = _ref(data, "orgUnit")
        unit = self.unit(unit_uid).uid if unit_uid else permission.unit  # type: ignore[union-attr]
        currency = self._currency(data) or (permission.currency if permission else None)
        threshold = data["threshold"] if data.get("threshold") is not None \
            else (permission.threshold if permission else None)
        period = data.get("periodRange") or (permission.range if permission else None)
        if type_code != "B2BBudgetExceededPermission":
            if threshold is None or threshold < 0:
                raise invalid("threshold")
            if currency is None:
                raise invalid("currency.isocode")
        if type_code == "B2BOrderThresholdTimespanPermission" \
                and (period or "").upper() not in mb.PERIOD_RANGES:
            raise invalid("periodRange")
        item = permission or mb.B2BPermission(code=code, unit=unit)
        if permission is not None and code != permission.code:
            del self.state.b2b_permissions[permission.code]
            for p in self.state.principals.values():
                if isinstance(p, (m.B2BCustomer, mb.B2BUserGroup)) and permission.code in p.permissions:
                    p.permissions = [code if x == permission.code else x for x in p.permissions]
        item.code, item.unit, item.typeCode = code, unit, type_code
        if type_code == "B2BBudgetExceededPermission":
            item.currency, item.threshold, item.range = None, None, None
        else:
            item.currency, item.threshold = currency, float(threshold)
            item.range = period.upper() if type_code == "B2BOrderThresholdTimespanPermission" \
                else None
        if data.get("active") is not None:
            item.active = bool(data["active"])
        self.state.b2b_permissions[code] = item
        return item
