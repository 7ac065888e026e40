"""Customer groups (SAP's CustomerGroupFacade): the user groups under ``customergroup``, created
by a customer manager, and their members set, added and removed."""
from __future__ import annotations

from .. import models as m
from ..db import Db, uid_key
from ..errors import ApiError, validation_error

ROOT = "customergroup"


def group_not_found(uid: str) -> ApiError:
    return ApiError(400, "UnknownIdentifierError", f"Cannot find user group with uid '{uid}'")


class CustomerGroups:
    def __init__(self, db: Db) -> None:
        self.db = db
        self.state = db.state

    def is_customer_group(self, group: m.Principal) -> bool:
        return type(group) is m.UserGroup and (
            uid_key(group.uid) == ROOT or ROOT in self.db.all_groups(group.uid))

    def subgroups(self) -> list[m.UserGroup]:
        """The direct subgroups of ``customergroup``, by uid."""
        return [p for p in self.db.members_of(ROOT) if type(p) is m.UserGroup]

    def group(self, uid: str) -> m.UserGroup:
        group = self.state.principals.get(uid_key(uid))
        if group is None or not self.is_customer_group(group):
            raise group_not_found(uid)
        return group  # type: ignore[return-value]

    def members(self, group: m.UserGroup) -> list[m.Principal]:
        return [p for p in self.db.members_of(group.uid) if isinstance(p, m.User)]

    def create(self, uid: str, name: str | None, members: list[str]) -> m.UserGroup:
        if self.state.principals.get(uid_key(uid)) is not None:
            raise validation_error("uid", f"User group with uid '{uid}' already exists")
        users = [self.user(u) for u in members]
        group = m.UserGroup(uid=uid, name=name, locname={"en": name} if name else {},
                            groups={ROOT})
        self.db.add_principal(group)
        for user in users:
            self.db.add_to_group(user, group.uid)
        return group

    def user(self, uid: str) -> m.User:
        user = self.state.principals.get(uid_key(uid or ""))
        if not isinstance(user, m.User):
            raise ApiError(400, "UnknownIdentifierError", f"Cannot find user with uid '{uid}'")
        return user

    def add(self, group: m.UserGroup, uids: list[str]) -> None:
        users = [self.user(u) for u in uids]  # every uid checked before any change
        for user in users:
            self.db.add_to_group(user, group.uid)

    def replace(self, group: m.UserGroup, uids: list[str]) -> None:
        users = [self.user(u) for u in uids]
        for member in self.members(group):
            self.remove(group, member.uid)
        for user in users:
            self.db.add_to_group(user, group.uid)

    def remove(self, group: m.UserGroup, uid: str) -> None:
        user = self.user(uid)
        self.db.set_groups(user, {g for g in user.groups if uid_key(g) != uid_key(group.uid)})
