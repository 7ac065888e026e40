"""Every endpoint's access rule, and the one place it is enforced, in SAP's order:

1. the security filters, before anything of the request is read (``filters``): the bearer
   token (``api.context``), 2211's B2C-customer-on-a-B2B-site rule, the UserMatchingFilter
   (``policy.act_as``), fakesapcc's strict-emulation rule (``emulation``), the
   CartMatchingFilter (``match_cart``) and the GuestRoleFilter (``with_guest_role``);
2. the handler interceptors: SAP's endpoint restrictions (``disabled``: 404) and
   ``@SiteChannelRestriction`` (``Access.check_channel``: 401 AccessDeniedError);
3. Spring binds the parameters and the body (``api.inputs``: 400 for what cannot be bound);
4. ``@Secured`` (``Access.check_roles``: 401 AccessDeniedError), and the controller's own check
   that it acts for a real user (``Access.check_user``);
5. the controller validates the body (400 ValidationError) and does its work.

Each route declares its ``Access`` on its ``@operation`` (``api.operations``); this module holds
no Flask, only the rules.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .. import models as m
from ..db import Db
from ..errors import not_found_path
from . import roles
from .policy import (ANONYMOUS, CURRENT, Acting, Caller, access_denied, act_as, act_by_header,
                     check_site_channel, forbidden, unauthorized)
from .roles import Secured

B2C = "B2C"
B2B = "B2B"


@dataclass(frozen=True)
class Access:
    """An endpoint's access rule as SAP declares it on the controller method."""

    secured: Secured
    #: False: the endpoint acts for a real user; the anonymous user gets 401 AccessDeniedError
    #: (SAP's controllers check ``userFacade.isAnonymousUser()``)
    anonymous: bool = True
    #: ``@SiteChannelRestriction``: the site's channel the endpoint serves (B2C or B2B)
    channel: str | None = None

    def check_channel(self, site: m.BaseSite | None) -> None:
        if self.channel and site is not None and (site.channel == B2B) != (self.channel == B2B):
            raise access_denied(401)

    def check_roles(self, caller: Caller) -> None:
        if not self.secured.allows(caller.roles):
            raise access_denied(401)

    def check_user(self, acting: Acting) -> None:
        if not self.anonymous and acting.user is None:
            raise access_denied(401)


def filters(db: Db, caller: Caller, site: m.BaseSite | None, user_id: str | None,
            header_user_id: str | None) -> Acting:
    """The OCC web app's security filters: who the request acts for (then
    ``emulation.check_emulation``, once the acting user is known to the journal)."""
    if site is not None:
        check_site_channel(caller, site)
    if user_id is not None:
        return act_as(db, caller, user_id)
    if site is not None:
        return act_by_header(db, caller, header_user_id)
    return Acting(ANONYMOUS, None)


def match_cart(caller: Caller, acting: Acting, cart_id: str,
               find: Callable[[m.User | None, str], m.Cart]) -> m.Cart:
    """SAP's CartMatchingFilter: only customers own carts, and ``current`` needs a logged-in
    one; both are security denials (no token → 401 UnauthorizedError, else 403
    ForbiddenError). Then the cart loader's rules (``find``: 400 CartError)."""
    user = acting.user
    if (user is None and cart_id == CURRENT) or (user is not None
                                                 and not isinstance(user, m.Customer)):
        raise unauthorized() if not caller.authenticated else forbidden()
    return find(user, cart_id)


def with_guest_role(caller: Caller, cart_owner: m.Principal | None) -> Caller:
    """SAP's GuestRoleFilter: on a guest customer's cart the caller also holds ROLE_GUEST."""
    if isinstance(cart_owner, m.Customer) and cart_owner.guest:
        return dataclasses.replace(caller, roles=caller.roles | {roles.GUEST})
    return caller


def disabled(operation_id: str | None, disabled_ids: Iterable[str], path: str) -> None:
    """``<webapp>.api.restrictions.disabled.endpoints``: the listed operationIds answer 404, as
    SAP's endpoint restriction interceptor does."""
    if operation_id and operation_id in disabled_ids:
        raise not_found_path(path)


def require_asm_agent(caller: Caller) -> None:
    """The ASM web app's session filter: an agent is a user with ROLE_ASAGENTGROUP (no token →
    401 UnauthorizedError; any other caller → 403 AccessDeniedError)."""
    if not caller.authenticated:
        raise unauthorized()
    if caller.user is None or not caller.has(roles.ASAGENTGROUP):
        raise access_denied(403)

