"""OCC users: the customer profile."""
from __future__ import annotations

from ...app import runtime
from ...security.policy import (ROLE_CUSTOMERGROUP, ROLE_CUSTOMERMANAGERGROUP,
                                ROLE_TRUSTED_CLIENT, require_roles)
from ..context import ctx
from .base import bp, respond, site
from .dto import user_dto

USER_ROLES = (ROLE_CUSTOMERGROUP, ROLE_TRUSTED_CLIENT, ROLE_CUSTOMERMANAGERGROUP)


@bp.get("/<baseSiteId>/users/<userId>")
def get_user(baseSiteId: str, userId: str):
    """getUser: the profile of the acting user."""
    c = ctx()
    require_roles(c.caller, *USER_ROLES)
    if c.acting.user is None:
        from ...security.policy import access_denied

        raise access_denied(401)
    with runtime().store.atomic() as state:
        return respond(user_dto(state, c.acting.user, site().lang))
