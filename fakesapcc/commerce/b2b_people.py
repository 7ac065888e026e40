"""The people of a B2B organization, as b2bcommerce's user and user-group facades manage
them: the branch's customers (their unit, roles, approvers, permissions, user groups, enabled
or disabled) and the organization's user groups (their members and permissions).

An organization's roles are the user groups ``models.b2b.B2B_ROLES``; a customer's unit and
user groups are among its groups too (SAP's PrincipalGroupRelation)."""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from .. import models as m
from ..clock import Clock
from ..db import Db, uid_key
from ..errors import ApiError
from ..models import b2b as mb
from .b2b_org import Organization, already_exists, invalid
from .customers import duplicate_uid


def unknown_role(role: str) -> ApiError:
    return ApiError(400, "RequestParameterError", f"Supplied parameter [{role}] is not valid")


class People(Organization):
    """The branch's customers and user groups, managed by one administrator."""

    def __init__(self, db: Db, clock: Clock, user: m.User | None) -> None:
        super().__init__(db, user)
        self.clock = clock

    # -- customers ---------------------------------------------------------------------------

    def customers(self) -> list[m.B2BCustomer]:
        found = {uid_key(c.uid): c for u in self.branch() for c in self.customers_of(u)}
        return [c for _, c in sorted(found.items())]

    def roles_of(self, customer: m.B2BCustomer) -> list[str]:
        return [r for r in mb.B2B_ROLES if self.has_role(customer, r)]

    def _set_unit(self, customer: m.B2BCustomer, unit: m.B2BUnit) -> None:
        others = {g for g in customer.groups if not isinstance(self.db.principal(g), m.B2BUnit)}
        customer.defaultB2BUnit = unit.uid
        self.db.set_groups(customer, others | {unit.uid})

    def _set_roles(self, customer: m.B2BCustomer, roles: list[str]) -> None:
        for role in roles:
            if role not in mb.B2B_ROLES:
                raise invalid("roles", f"Role [{role}] is not valid")
        keep = {g for g in customer.groups if uid_key(g) not in mb.B2B_ROLES}
        self.db.set_groups(customer, keep | set(roles))

    def create_customer(self, data: Mapping[str, Any]) -> m.B2BCustomer:
        email = data["email"].strip().lower()
        if self.db.principal(email) is not None:
            raise duplicate_uid(email)
        unit = self.unit(data["orgUnit"]["uid"])
        customer = m.B2BCustomer(
            uid=email, originalUid=email, email=email,
            name=f"{data['firstName'].strip()} {data['lastName'].strip()}",
            customerId=str(uuid.uuid4()), title=data.get("titleCode") or None,
            creationtime=self.clock.now(), sessionLanguage=None, sessionCurrency=None)
        self._set_roles(customer, list(data.get("roles") or ["b2bcustomergroup"]))
        customer.groups = customer.groups | {unit.uid}
        customer.defaultB2BUnit = unit.uid
        self.db.add_principal(customer)
        return customer

    def update_customer(self, customer: m.B2BCustomer, data: Mapping[str, Any]) -> None:
        """The sent properties over the customer: a new e-mail is a new login; ``active``
        enables or disables it (a disabled customer cannot log in)."""
        unit = self.unit(data["orgUnit"]["uid"]) if (data.get("orgUnit") or {}).get("uid") \
            else None
        roles = data.get("roles")
        if roles is not None:
            for role in roles:
                if role not in mb.B2B_ROLES:
                    raise invalid("roles", f"Role [{role}] is not valid")
        email = (data.get("email") or "").strip().lower()
        if email and email != customer.uid:
            if self.db.principal(email) is not None:
                raise duplicate_uid(email)
            customer.originalUid = customer.email = email
            self.db.rename_principal(customer, email)
        first, _, last = (customer.name or "").partition(" ")
        first = (data.get("firstName") or first).strip()
        last = (data.get("lastName") or last).strip()
        customer.name = f"{first} {last}".strip()
        if data.get("titleCode"):
            if data["titleCode"] not in self.state.titles:
                raise invalid("titleCode")
            customer.title = data["titleCode"]
        if unit is not None:
            self._set_unit(customer, unit)
        if roles is not None:
            self._set_roles(customer, list(roles))
        if data.get("password"):
            customer.password = data["password"]
        if data.get("active") is not None:
            customer.active = bool(data["active"])
            customer.loginDisabled = not customer.active
        self.db.changed("customers", customer)

    def add_role(self, customer: m.B2BCustomer, role: str, add: bool) -> list[str]:
        if role not in mb.B2B_ROLES:
            raise unknown_role(role)
        if add:
            self.db.add_to_group(customer, role)
        else:
            self.db.set_groups(customer, {g for g in customer.groups if uid_key(g) != role})
        return self.roles_of(customer)

    def approvers(self) -> list[m.B2BCustomer]:
        return [c for c in self.customers() if self.has_role(c, "b2bapprovergroup")]

    def customer_approvers(self, customer: m.B2BCustomer) -> list[m.B2BCustomer]:
        found = [self.db.principal(uid) for uid in customer.approvers]
        return [c for c in found if isinstance(c, m.B2BCustomer)]

    def set_approver(self, customer: m.B2BCustomer, approver_id: str, add: bool) -> m.B2BCustomer:
        approver = self.customer(approver_id)
        if add and not self.has_role(approver, "b2bapprovergroup"):
            raise invalid("approverId", f"Customer [{approver.uid}] is not an approver")
        customer.approvers = [a for a in customer.approvers if uid_key(a) != uid_key(approver.uid)]
        if add:
            customer.approvers.append(approver.uid)
        return approver

    def set_permission(self, holder: m.B2BCustomer | mb.B2BUserGroup, code: str,
                       add: bool) -> mb.B2BPermission:
        permission = self.permission(code)
        holder.permissions = [p for p in holder.permissions if p != permission.code]
        if add:
            holder.permissions.append(permission.code)
        return permission

    def groups_of(self, customer: m.B2BCustomer) -> set[str]:
        return {uid_key(g) for g in customer.groups}

    def set_user_group(self, customer: m.B2BCustomer, group: mb.B2BUserGroup, add: bool) -> None:
        rest = {g for g in customer.groups if uid_key(g) != uid_key(group.uid)}
        self.db.set_groups(customer, rest | ({group.uid} if add else set()))

    # -- user groups -------------------------------------------------------------------------

    def user_groups(self) -> list[mb.B2BUserGroup]:
        units = {uid_key(u.uid) for u in self.branch()}
        return sorted((p for p in self.state.principals.values()
                       if isinstance(p, mb.B2BUserGroup) and p.unit and uid_key(p.unit) in units),
                      key=lambda g: uid_key(g.uid))

    def user_group(self, uid: str) -> mb.B2BUserGroup:
        for group in self.user_groups():
            if uid_key(group.uid) == uid_key(uid):
                return group
        raise ApiError(404, "NotFoundError", f"User group with id [{uid}] was not found")

    def members(self, group: mb.B2BUserGroup) -> list[m.B2BCustomer]:
        return [p for p in self.db.members_of(group.uid) if isinstance(p, m.B2BCustomer)]

    def save_user_group(self, data: Mapping[str, Any],
                        group: mb.B2BUserGroup | None = None) -> mb.B2BUserGroup:
        uid = (data.get("uid") or "").strip() or (group.uid if group else "")
        if (group is None or uid_key(uid) != uid_key(group.uid)) \
                and self.db.principal(uid) is not None:
            raise already_exists("User group", "uid", uid)
        unit_uid = (data.get("orgUnit") or {}).get("uid")
        unit = self.unit(unit_uid).uid if unit_uid else group.unit  # type: ignore[union-attr]
        if group is None:
            group = mb.B2BUserGroup(uid=uid, unit=unit)
            self.db.add_principal(group)
        elif uid_key(uid) != uid_key(group.uid):
            self.db.rename_principal(group, uid)
        group.unit = unit
        if data.get("name") is not None:
            group.name = data["name"].strip()
            group.locname = {**group.locname, "en": group.name}
        return group

    def remove_user_group(self, group: mb.B2BUserGroup) -> None:
        self.db.remove_principal(group.uid)

    def remove_members(self, group: mb.B2BUserGroup) -> None:
        for member in self.members(group):
            self.set_user_group(member, group, False)
