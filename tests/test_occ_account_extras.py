"""Customer groups, vouchers, notification preferences and the login notification over OCC,
with their access rules and errors; every body checked against SAP's schema. In process."""
from __future__ import annotations

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

CUSTOMER = "mark.rivers@pronto-hw.com"
OTHER = "yuki.tanaka@example.jp"


@pytest.fixture
def occ(sapcc_client):
    return spec.Client(sapcc_client)


@pytest.fixture
def me(occ, customer_token):
    return spec.Client(occ.http, token=customer_token(CUSTOMER))


@pytest.fixture
def manager(occ, agent_token):
    """An agent: a member of customermanagergroup."""
    return spec.Client(occ.http, token=agent_token())


@pytest.fixture
def trusted(occ, client_token):
    return spec.Client(occ.http, token=client_token(("trusted_client", "secret")))


# -- customer groups ------------------------------------------------------------------------------


def test_customer_groups_lifecycle(manager, me):
    before = manager.get("customergroups?pageSize=100").get_json()
    assert "POS_NAKANO" in [g["uid"] for g in before["userGroups"]]
    created = manager.post("customergroups", json={"uid": "vipcustomers", "name": "VIP customers",
                                                   "members": [{"uid": CUSTOMER}]})
    assert created.status_code == 201 and created.headers["Location"].endswith("/customergroups/vipcustomers")
    group = manager.get("customergroups/vipcustomers").get_json()
    assert group["name"] == "VIP customers" and [m["uid"] for m in group["members"]] == [CUSTOMER]
    assert group["membersCount"] == 1
    assert manager.patch("customergroups/vipcustomers/members",
                         json={"members": [{"uid": OTHER}]}).status_code == 200
    assert sorted(m["uid"] for m in manager.get("customergroups/vipcustomers").get_json()["members"]) == [
        CUSTOMER, OTHER]
    assert manager.put("customergroups/vipcustomers/members",
                       json={"members": [{"uid": OTHER}]}).status_code == 200
    assert [m["uid"] for m in manager.get("customergroups/vipcustomers").get_json()["members"]] == [OTHER]
    assert manager.delete(f"customergroups/vipcustomers/members/{OTHER}").status_code == 200
    assert manager.get("customergroups/vipcustomers").get_json().get("members", []) == []
    after = manager.get("customergroups?pageSize=100").get_json()
    assert after["totalNumber"] == before["totalNumber"] + 1
    assert me.get("customergroups").status_code == 401  # customers are no customer managers


def test_customer_group_errors(manager):
    assert spec.error(manager.post("customergroups", json={}), 400)["subject"] == "uid"
    assert spec.error(manager.post("customergroups", json={"uid": "POS_NAKANO"}), 400)["subject"] == "uid"
    assert spec.error(manager.post("customergroups", json={"uid": "g1", "members": [{"uid": "nobody@x.y"}]}),
                      400)["type"] == "UnknownIdentifierError"
    assert spec.error(manager.get("customergroups/g1"), 400)["type"] == "UnknownIdentifierError"
    assert spec.error(manager.get("customergroups/asagentgroup"), 400)["type"] == "UnknownIdentifierError"
    assert spec.error(manager.patch("customergroups/POS_NAKANO/members", json={}), 400)["subject"] == "members"
    assert spec.error(manager.patch("customergroups/POS_NAKANO/members",
                                    json={"members": [{"uid": "nobody@x.y"}]}), 400)["type"] == "UnknownIdentifierError"
    assert spec.error(manager.get("customergroups?pageSize=0"), 400)["subject"] == "pageSize"


# -- vouchers -------------------------------------------------------------------------------------


def test_vouchers_for_a_trusted_client(trusted, me):
    body = trusted.get("vouchers/SUMMER10?fields=FULL").get_json()
    assert body["code"] == "SUMMER10" and body["value"] == 10 and body["valueFormatted"] == "10%"
    by_code = trusted.post("vouchers/code/search", json={"voucherCode": "WELCOME5"}).get_json()
    assert by_code["code"] == "WELCOME5" and by_code["currency"]["isocode"] == "USD"
    assert spec.error(trusted.get("vouchers/NOPE"), 400) == {
        "type": "VoucherOperationError", "message": "coupon.invalid.code.provided"}
    assert spec.error(trusted.post("vouchers/code/search", json={}), 400)["subject"] == "voucherCode"
    assert me.get("vouchers/SUMMER10").status_code == 401


# -- notification preferences, login notification ------------------------------------------------


def test_notification_preferences(me):
    prefs = me.get("users/current/notificationpreferences").get_json()["preferences"]
    by_channel = {p["channel"]: p for p in prefs}
    assert by_channel["EMAIL"] == {"channel": "EMAIL", "value": CUSTOMER, "enabled": False, "visible": True}
    assert by_channel["SMS"]["visible"] is False  # no mobile number in the address book
    assert me.patch("users/current/notificationpreferences",
                    json={"preferences": [{"channel": "EMAIL", "enabled": True}]}).status_code == 200
    prefs = me.get("users/current/notificationpreferences").get_json()["preferences"]
    assert {p["channel"]: p["enabled"] for p in prefs}["EMAIL"] is True
    assert spec.error(me.patch("users/current/notificationpreferences",
                               json={"preferences": [{"channel": "SMS", "enabled": True}]}), 400)[
        "subject"] == "preferences[0].channel"
    errors = spec.errors(me.patch("users/current/notificationpreferences",
                                  json={"preferences": [{"channel": "FAX", "enabled": True},
                                                        {"channel": "PIGEON", "enabled": True}]}), 400)
    assert len(errors) == 2
    assert spec.error(me.patch("users/current/notificationpreferences", json={}), 400)["subject"] == "preferences"
    assert spec.error(me.patch("users/current/notificationpreferences",
                               json={"preferences": [{"channel": "EMAIL"}]}), 400)["subject"] == "preferences[0].enabled"


def test_login_notification(me, occ, sapcc):
    assert me.post("users/current/loginnotification").status_code == 202
    user = sapcc.runtime.db.state.principals[CUSTOMER]
    assert user.extra["lastLoginNotification"] is not None
    assert occ.post("users/anonymous/loginnotification").status_code in (401, 403)


# -- anonymous consent templates --------------------------------------------------------------


def test_anonymous_consent_templates_need_no_token(occ, me, customer_token):
    """Spartacus' anonymous consents read the templates on start-up, before any token."""
    body = occ.get("users/anonymous/consenttemplates").get_json()
    ids = [t["id"] for t in body["consentTemplates"]]
    assert "MARKETING_NEWSLETTER" in ids
    assert all("currentConsent" not in t for t in body["consentTemplates"])
    one = occ.get("users/anonymous/consenttemplates/MARKETING_NEWSLETTER").get_json()
    assert one["id"] == "MARKETING_NEWSLETTER"
    assert spec.error(occ.get("users/anonymous/consenttemplates/NOPE"), 400)["type"] == "UnknownIdentifierError"
    assert occ.get("users/current/consenttemplates").status_code == 401
    other = spec.Client(occ.http, token=customer_token(OTHER))
    assert other.get(f"users/{CUSTOMER}/consenttemplates").status_code == 403
    assert me.get("users/current/consenttemplates").status_code == 200


# -- site messages ----------------------------------------------------------------------------


def test_a_coupon_notification_becomes_a_site_message(me):
    url = "users/current/notifications/sitemessages"
    assert me.get(url).get_json()["messages"] == []
    assert me.post("users/current/customercoupons/FREESHIPPING/notification").status_code == 201
    (message,) = me.get(url).get_json()["messages"]
    assert message["notificationType"] == "COUPON_EFFECTIVE"
    assert message["subject"] == "Your coupon FREESHIPPING is effective"
    # with the site-message channel off, no message
    assert me.patch("users/current/notificationpreferences",
                    json={"preferences": [{"channel": "SITE_MESSAGE", "enabled": False}]}).status_code == 200
    assert me.post("users/current/customercoupons/claim", json={"couponCode": "SPRING20"}).status_code == 201
    assert me.post("users/current/customercoupons/SPRING20/notification").status_code == 201
    body = me.get(f"{url}?pageSize=5&sort=byDateAsc&needsTotal=false").get_json()
    assert len(body["messages"]) == 1 and "totalCount" not in body["pagination"]
    assert spec.error(me.get(f"{url}?pageSize=x"), 400)["subject"] == "pageSize"
    assert spec.error(me.get(f"{url}?sort=nope"), 400)["subject"] == "sort"
