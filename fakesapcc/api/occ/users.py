"""OCC users: the customer profile (B2C ``users``) and the B2B ``orgUsers`` profile."""
from __future__ import annotations

from ..operations import operation

from ... import models as m
from .. import runtime
from ...models import localized
from ...security.policy import (ROLE_CUSTOMERGROUP, ROLE_CUSTOMERMANAGERGROUP,
                                ROLE_TRUSTED_CLIENT, access_denied, require_roles)
from ..context import ctx
from ..fields import Dto
from .base import bp, require_b2c, respond, site
from .dto import user_dto

USER_ROLES = (ROLE_CUSTOMERGROUP, ROLE_TRUSTED_CLIENT, ROLE_CUSTOMERMANAGERGROUP)


def acting_user() -> m.User:
    """The user the request acts for, for endpoints that need a real user (@Secured)."""
    c = ctx()
    require_roles(c.caller, *USER_ROLES)
    if c.acting.user is None:
        raise access_denied(401)
    return c.acting.user


@bp.get("/<baseSiteId>/users/<userId>")
@operation("getUser")
def get_user(baseSiteId: str, userId: str):
    """getUser"""
    require_b2c()
    user = acting_user()
    with runtime().db.atomic() as state:
        return respond(user_dto(state, user, site().lang))


@bp.get("/<baseSiteId>/orgUsers/<userId>")
@operation("getOrgUser")
def get_org_user(baseSiteId: str, userId: str):
    """getOrgUser: the B2B profile, with the unit and the B2B roles."""
    user = acting_user()
    store = runtime().db
    with store.atomic() as state:
        dto = user_dto(state, user, site().lang)
        unit_uid = getattr(user, "defaultB2BUnit", None)
        unit = store.principal(unit_uid) if unit_uid else None
        unit = unit if isinstance(unit, m.B2BUnit) else None
        groups = [p.uid for k in store.all_groups(user.uid) if (p := store.principal(k))]
        roles = sorted(g for g in groups
                       if g.startswith("b2b") and g.endswith("group") and g != "b2bgroup")
        dto.update({
            "orgUnit": Dto("B2BUnit", {"uid": unit.uid, "name": localized(unit.locname, site().lang) or unit.name or unit.uid,
                                       "active": getattr(unit, "active", True)}) if unit else None,
            "roles": roles,
            "email": getattr(user, "email", None) or (user.uid if "@" in user.uid else None),
            "active": getattr(user, "active", None) if isinstance(user, m.B2BCustomer) else None,
        })
        return respond(dto)
