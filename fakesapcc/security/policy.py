"""Who may act as whom: SAP's UserMatchingFilter and the ASM web app's user matching, in one
module. Every OCC and ASM request resolves once, here, to a ``Caller`` and an ``Acting``;
handlers and the request journal read those and re-implement none of these rules (the order in
which the filters and ``@Secured`` apply is ``security.access``).

The rules (occ-api.md §1.8–1.9, asm-api.md §3–4):

- ``anonymous`` as userId → the anonymous user, with no token, a client token or a trusted
  client token (not for a customer's token);
- ROLE_TRUSTED_CLIENT or ROLE_CUSTOMERMANAGERGROUP → any user named by uid or customerId;
  unknown → 400 UnknownIdentifierError "Cannot find user with propertyValue '<id>'";
  a ROLE_CUSTOMERMANAGERGROUP user calling with ``current`` acts as itself, which is legal and
  flagged ``agent_self`` (the classic client bug);
- ROLE_CUSTOMERGROUP → ``current`` or its own uid or customerId; anything else → 403
  ForbiddenError "Access is denied";
- no token where a user is needed → 401 UnauthorizedError "Full authentication is required to
  access this resource"; any other token → 403 ForbiddenError;
- ``@Secured`` role checks → 401 AccessDeniedError "Access is denied" (``security.access``);
- ``/assistedservicewebservices/**`` needs ROLE_ASAGENTGROUP → else 403 AccessDeniedError.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import models as m
from ..errors import ApiError
from ..db import Db, uid_key
from .roles import ACTS_FOR_OTHERS, CUSTOMERGROUP, CUSTOMERMANAGERGROUP, role_of_group

ANONYMOUS = "anonymous"
CURRENT = "current"

FULL_AUTHENTICATION = "Full authentication is required to access this resource"
ACCESS_DENIED = "Access is denied"


def user_authorities(db: Db, user: m.User) -> list[str]:
    """The authorities a user's token carries: one role per group, through nested groups;
    every customer carries ROLE_CUSTOMERGROUP."""
    roles = {role_of_group(g) for g in db.all_groups(user.uid)}
    if isinstance(user, m.Customer):
        roles.add(CUSTOMERGROUP)
    return sorted(roles)


@dataclass(frozen=True)
class Caller:
    """The authenticated principal of one request (or nobody)."""

    token: m.OAuthAccessToken | None = None
    user: m.User | None = None  # the token's user, None for client tokens and no token
    roles: frozenset[str] = frozenset()

    @property
    def authenticated(self) -> bool:
        return self.token is not None

    @property
    def client_id(self) -> str | None:
        return self.token.clientId if self.token else None

    @property
    def name(self) -> str:
        """How the journal names this caller: a user uid, ``client:<id>`` or ``anonymous``."""
        if self.user is not None:
            return self.user.uid
        if self.token is not None:
            return f"client:{self.token.clientId}"
        return ANONYMOUS

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)


@dataclass(frozen=True)
class Acting:
    """The user a request acts for."""

    uid: str  # "anonymous" for the anonymous user
    user: m.User | None
    emulated: bool = False  # an agent or a trusted client acting for another user
    agent_self: bool = False  # a customer manager acting as itself through "current"

    @property
    def anonymous(self) -> bool:
        return self.user is None


ANONYMOUS_ACTING = Acting(ANONYMOUS, None)


def caller_from_token(db: Db, token: m.OAuthAccessToken | None) -> Caller:
    if token is None:
        return Caller()
    user = db.principal(token.userUid) if token.userUid else None
    user = user if isinstance(user, m.User) else None
    return Caller(token=token, user=user, roles=frozenset(token.authorities))


def forbidden() -> ApiError:
    return ApiError(403, "ForbiddenError", ACCESS_DENIED)


def unauthorized() -> ApiError:
    return ApiError(401, "UnauthorizedError", FULL_AUTHENTICATION)


def access_denied(status: int = 401) -> ApiError:
    return ApiError(status, "AccessDeniedError", ACCESS_DENIED)


def _unknown_user(user_id: str) -> ApiError:
    return ApiError(400, "UnknownIdentifierError",
                    f"Cannot find user with propertyValue '{user_id}'")


def act_as(db: Db, caller: Caller, user_id: str) -> Acting:
    """Resolve the ``userId`` of a path (``/{site}/users/{userId}/…``) for this caller."""
    if user_id == ANONYMOUS and not caller.has(CUSTOMERGROUP):
        return ANONYMOUS_ACTING
    if caller.has(CUSTOMERMANAGERGROUP) and caller.user is not None and user_id == CURRENT:
        return Acting(caller.user.uid, caller.user, agent_self=True)
    if caller.has(*ACTS_FOR_OTHERS):
        user = db.user_by_id(user_id)
        if user is None:
            raise _unknown_user(user_id)
        me = caller.user
        return Acting(user.uid, user, emulated=me is None or uid_key(me.uid) != uid_key(user.uid))
    if caller.has(CUSTOMERGROUP) and caller.user is not None:
        me = caller.user
        if user_id == CURRENT:
            return Acting(me.uid, me)
        user = db.user_by_id(user_id)
        if user is not None and uid_key(user.uid) == uid_key(me.uid):
            return Acting(me.uid, me)
        raise forbidden()
    if not caller.authenticated:
        raise unauthorized()
    raise forbidden()


def asm_customer(db: Db, user_id: str) -> m.Customer:
    """The ASM web app's UserMatchingFilter (``/{site}/users/{userId}/customer360``): the path
    names a customer by uid or customerId; ROLE_ASAGENTGROUP is checked before, and no
    customer-manager role is needed."""
    user = db.user_by_id(user_id)
    if user is None:
        raise _unknown_user(user_id)
    if not isinstance(user, m.Customer):
        raise ApiError(400, "RequestParameterError",
                       "request path parameter userId must be a customer userId",
                       reason="invalid", subject="userId", subject_type="parameter")
    return user


def act_by_header(db: Db, caller: Caller, header_user_id: str | None) -> Acting:
    """The acting user of an endpoint without a userId in its path: a customer manager may
    name one in ``sap-commerce-cloud-user-id``; otherwise a customer or customer manager acts
    as itself and anyone else as anonymous."""
    if header_user_id and caller.has(CUSTOMERMANAGERGROUP) \
            and header_user_id not in (CURRENT, ANONYMOUS):
        return act_as(db, caller, header_user_id)
    if caller.user is not None and caller.has(CUSTOMERGROUP, CUSTOMERMANAGERGROUP):
        return Acting(caller.user.uid, caller.user)
    return ANONYMOUS_ACTING


B2C_ON_B2B = "A B2C customer cannot access API endpoints on a B2B site."


def check_site_channel(caller: Caller, site: m.BaseSite) -> None:
    """2211's UserMatchingFilter: a B2C customer's token on a B2B site that requires
    authentication → 403."""
    if site.channel == "B2B" and site.requiresAuthentication and caller.user is not None \
            and caller.has(CUSTOMERGROUP) and not isinstance(caller.user, m.B2BCustomer):
        raise ApiError(403, "ForbiddenError", B2C_ON_B2B)


def sets_password_without_old(caller: Caller) -> bool:
    """UsersController: a trusted client or a customer manager sets a user's password without
    the old one."""
    return caller.has(*ACTS_FOR_OTHERS)


# -- B2B: what an organization's administrator may see and manage ----------------------------
#
# b2bcommerce's branch restriction: a B2B customer sees the units of its branch — its own unit
# (``defaultB2BUnit``, else the first unit among its groups) and every unit below it — and the
# budgets, cost centers, permissions, user groups and customers of those units. Everything else
# is not found (404 NotFoundError: SAP's search restrictions hide it, they do not refuse it).
# Who reaches the organization endpoints at all is ``roles.ORG_ADMIN`` (``@Secured``: 401
# AccessDeniedError for a buyer, an approver, a manager or an agent).


def unit_of(db: Db, user: m.User | None) -> m.B2BUnit | None:
    """A B2B customer's own unit: ``defaultB2BUnit``, else the first unit among its groups."""
    if not isinstance(user, m.B2BCustomer):
        return None
    if user.defaultB2BUnit:
        unit = db.principal(user.defaultB2BUnit)
        if isinstance(unit, m.B2BUnit):
            return unit
    for g in sorted(user.groups):
        unit = db.principal(g)
        if isinstance(unit, m.B2BUnit):
            return unit
    return None


def parent_unit(db: Db, unit: m.B2BUnit) -> m.B2BUnit | None:
    for g in sorted(unit.groups):
        parent = db.principal(g)
        if isinstance(parent, m.B2BUnit):
            return parent
    return None


def child_units(db: Db, unit: m.B2BUnit) -> list[m.B2BUnit]:
    return sorted((p for p in db.members_of(unit.uid) if isinstance(p, m.B2BUnit)),
                  key=lambda u: uid_key(u.uid))


def subtree(db: Db, unit: m.B2BUnit) -> list[m.B2BUnit]:
    """A unit and every unit below it, depth first."""
    result, todo, seen = [], [unit], set()
    while todo:
        u = todo.pop()
        if uid_key(u.uid) in seen:
            continue
        seen.add(uid_key(u.uid))
        result.append(u)
        todo.extend(reversed(child_units(db, u)))
    return result


def branch(db: Db, user: m.User | None) -> list[m.B2BUnit]:
    """The units a user's organization rights reach (empty for anyone but a B2B customer)."""
    unit = unit_of(db, user)
    return subtree(db, unit) if unit is not None else []


def in_branch(db: Db, user: m.User | None, unit_uid: str | None) -> bool:
    return unit_uid is not None and any(uid_key(u.uid) == uid_key(unit_uid)
                                        for u in branch(db, user))


def unit_not_found(unit_id: str) -> ApiError:
    return ApiError(404, "NotFoundError", f"Organizational unit with id [{unit_id}] was not found")


def branch_unit(db: Db, user: m.User | None, unit_id: str) -> m.B2BUnit:
    """A unit of the user's branch by uid, else 404 NotFoundError."""
    for unit in branch(db, user):
        if uid_key(unit.uid) == uid_key(unit_id):
            return unit
    raise unit_not_found(unit_id)
