"""The acting-as policy as a unit: who may act as whom, decided in one module."""
from datetime import datetime, timedelta, timezone

import pytest

from fakesapcc import models as m
from fakesapcc.errors import ApiError
from fakesapcc.security import access, policy, roles
from fakesapcc.db import Db

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def store():
    store = Db()
    for uid, parents in (("customergroup", ()), ("customermanagergroup", ()), ("asagentgroup", ()),
                         ("asagentsalesgroup", ("asagentgroup",))):
        store.add_principal(m.UserGroup(uid=uid, groups=set(parents)))
    store.add_principal(m.Customer(uid="ann@x.com", customerId="c-ann", groups={"customergroup"}))
    store.add_principal(m.Customer(uid="bob@x.com", customerId="c-bob", groups={"customergroup"}))
    store.add_principal(m.Employee(uid="agent", groups={"asagentsalesgroup", "customermanagergroup"}))
    return store


def caller(store, uid=None, roles=(), client="mobile_android"):
    token = m.OAuthAccessToken("t", client, uid, ["basic"], list(roles), NOW, NOW + timedelta(hours=1))
    return policy.caller_from_token(store, token)


def test_roles_are_group_uids_upper_cased_through_nested_groups(store):
    assert policy.user_authorities(store, store.principal("agent")) == [
        "ROLE_ASAGENTGROUP", "ROLE_ASAGENTSALESGROUP", "ROLE_CUSTOMERMANAGERGROUP"]
    assert policy.user_authorities(store, store.principal("ann@x.com")) == ["ROLE_CUSTOMERGROUP"]


@pytest.mark.parametrize("who, roles, user_id, expected", [
    # (caller uid, roles, userId in the path, acting uid / emulated / agent_self, or error type)
    (None, (), "anonymous", ("anonymous", False, False)),
    (None, ("ROLE_CLIENT",), "anonymous", ("anonymous", False, False)),
    (None, (), "ann@x.com", "UnauthorizedError"),
    (None, ("ROLE_CLIENT",), "ann@x.com", "ForbiddenError"),
    (None, ("ROLE_TRUSTED_CLIENT",), "c-ann", ("ann@x.com", True, False)),
    (None, ("ROLE_TRUSTED_CLIENT",), "current", "UnknownIdentifierError"),
    ("ann@x.com", ("ROLE_CUSTOMERGROUP",), "current", ("ann@x.com", False, False)),
    ("ann@x.com", ("ROLE_CUSTOMERGROUP",), "ANN@x.com", ("ann@x.com", False, False)),
    ("ann@x.com", ("ROLE_CUSTOMERGROUP",), "c-ann", ("ann@x.com", False, False)),
    ("ann@x.com", ("ROLE_CUSTOMERGROUP",), "bob@x.com", "ForbiddenError"),
    ("ann@x.com", ("ROLE_CUSTOMERGROUP",), "anonymous", "ForbiddenError"),
    ("agent", ("ROLE_CUSTOMERMANAGERGROUP", "ROLE_ASAGENTGROUP"), "c-bob", ("bob@x.com", True, False)),
    ("agent", ("ROLE_CUSTOMERMANAGERGROUP", "ROLE_ASAGENTGROUP"), "current", ("agent", False, True)),
    ("agent", ("ROLE_CUSTOMERMANAGERGROUP",), "ghost", "UnknownIdentifierError"),
    ("agent", ("ROLE_ASAGENTGROUP",), "c-bob", "ForbiddenError"),
])
def test_act_as(store, who, roles, user_id, expected):
    c = caller(store, who, roles) if roles or who else policy.Caller()
    if isinstance(expected, str):
        with pytest.raises(ApiError) as raised:
            policy.act_as(store, c, user_id)
        assert raised.value.type == expected
    else:
        acting = policy.act_as(store, c, user_id)
        assert (acting.uid, acting.emulated, acting.agent_self) == expected


def test_header_names_the_user_only_for_customer_managers(store):
    agent = caller(store, "agent", ("ROLE_CUSTOMERMANAGERGROUP",))
    assert policy.act_by_header(store, agent, "c-bob").uid == "bob@x.com"
    assert policy.act_by_header(store, agent, None).uid == "agent"
    assert policy.act_by_header(store, agent, "current").uid == "agent"
    ann = caller(store, "ann@x.com", ("ROLE_CUSTOMERGROUP",))
    assert policy.act_by_header(store, ann, "c-bob").uid == "ann@x.com"
    assert policy.act_by_header(store, policy.Caller(), "c-bob").anonymous


def test_secured_and_asm_checks(store):
    with pytest.raises(ApiError) as raised:
        access.Access(roles.TRUSTED).check_roles(caller(store, None, ("ROLE_CLIENT",)))
    assert (raised.value.status, raised.value.type) == (401, "AccessDeniedError")
    access.Access(roles.OPEN).check_roles(policy.Caller())
    access.Access(roles.VOUCHER).check_roles(caller(store, None, ("ROLE_CLIENT",)))
    with pytest.raises(ApiError) as raised:
        access.require_asm_agent(caller(store, "ann@x.com", ("ROLE_CUSTOMERGROUP",)))
    assert (raised.value.status, raised.value.type) == (403, "AccessDeniedError")
    with pytest.raises(ApiError) as raised:
        access.require_asm_agent(policy.Caller())
    assert (raised.value.status, raised.value.type) == (401, "UnauthorizedError")
    access.require_asm_agent(caller(store, "agent", ("ROLE_ASAGENTGROUP",)))


def test_channel_and_real_user_checks():
    b2b, b2c = m.BaseSite("p", channel="B2B"), m.BaseSite("e")
    b2c_only = access.Access(roles.OPEN, channel=access.B2C)
    b2c_only.check_channel(b2c)
    with pytest.raises(ApiError) as raised:
        b2c_only.check_channel(b2b)
    assert (raised.value.status, raised.value.type) == (401, "AccessDeniedError")
    with pytest.raises(ApiError):
        access.Access(roles.OPEN, channel=access.B2B).check_channel(b2c)
    with pytest.raises(ApiError) as raised:
        access.Access(roles.OPEN, anonymous=False).check_user(policy.ANONYMOUS_ACTING)
    assert (raised.value.status, raised.value.type) == (401, "AccessDeniedError")
    access.Access(roles.OPEN).check_user(policy.ANONYMOUS_ACTING)


def test_a_guest_cart_lends_the_guest_role(store):
    guest = m.Customer("x|g@x.com", type="GUEST")
    anonymous = policy.Caller()
    assert roles.GUEST in access.with_guest_role(anonymous, guest).roles
    assert roles.GUEST not in access.with_guest_role(anonymous, m.Customer("ann@x.com")).roles
