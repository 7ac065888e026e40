"""User group WsDTOs (UserGroup, UserGroupList, MemberList) and their request bodies, shared by
OCC's customer groups and the ASM customer lists."""
from __future__ import annotations

from ... import dto as d
from ... import inputs as i

USER_GROUP = d.DtoType("UserGroup", "uid name members subGroups membersCount")
USER_GROUP_LIST = d.DtoType("UserGroupList",
                            "userGroups totalNumber pageSize numberOfPages currentPage")
MEMBER_LIST = d.DtoType("MemberList", "members")


class PrincipalBody(i.Body):
    uid = i.Text(required=True)
    name = i.Text()


class UserGroupBody(i.Body):
    """A new customer group: its uid (required), its name, and members to add."""

    uid = i.Text(required=True)
    name = i.Text()
    members = i.Objects(PrincipalBody)
    subGroups = i.Objects(PrincipalBody)
    membersCount = i.Int()


class MemberListBody(i.Body):
    members = i.Objects(PrincipalBody, required=True)
