"""B2B organization's people on ``powertools-spa`` over HTTP: an administrator creates, edits,
disables and re-enables the branch's customers, gives them roles, approvers, permissions and
user groups, and manages the user groups with their members and permissions — the state each
write leaves, the errors SAP answers, schema-checked."""
from __future__ import annotations

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

SITE = "powertools-spa"
ADMIN = "linda.wolf@rustic-hw.com"
SERVICES_ADMIN = "carla.torres@rustic-hw.com"
APPROVER = "william.hunter@rustic-hw.com"
BUYER = "mark.rivers@rustic-hw.com"
NEW = {"email": "Nora.Field@rustic-hw.com", "firstName": "Nora", "lastName": "Field",
       "titleCode": "ms", "orgUnit": {"uid": "Services West"}, "roles": ["b2bcustomergroup"]}


@pytest.fixture
def admin(as_user):
    return as_user(ADMIN)


def test_list_and_read_customers(admin, as_user):
    users = admin.get("users/current/orgCustomers?pageSize=100").get_json()
    assert len(users["users"]) == 10 and users["pagination"]["totalResults"] == 10
    services = as_user(SERVICES_ADMIN).get("users/current/orgCustomers").get_json()["users"]
    assert {u["uid"] for u in services} == {
        "akiro.nakamura@rustic-hw.com", "alejandro.navarro@rustic-hw.com",
        "anthony.lombardi@rustic-hw.com", SERVICES_ADMIN}
    buyer = admin.get(f"users/current/orgCustomers/{BUYER}").get_json()
    assert (buyer["orgUnit"]["uid"], buyer["roles"]) == ("Custom Retail", ["b2bcustomergroup"])
    assert spec.error(as_user(SERVICES_ADMIN).get(f"users/current/orgCustomers/{BUYER}"),
                      404)["type"] == "NotFoundError"


def test_create_a_customer_who_then_logs_in(admin, sapcc):
    created = admin.post("users/current/orgCustomers", json=NEW)
    assert created.status_code == 201
    user = created.get_json()
    assert (user["uid"], user["orgUnit"]["uid"], user["roles"], user["firstName"]) == (
        "nora.field@rustic-hw.com", "Services West", ["b2bcustomergroup"], "Nora")
    assert spec.error(admin.post("users/current/orgCustomers", json=NEW), 400) == {
        "type": "DuplicateUidError", "message": "nora.field@rustic-hw.com"}
    # the admin sets a password; the new buyer logs in and reads its own profile
    assert admin.patch("users/current/orgCustomers/nora.field@rustic-hw.com",
                       json={"password": "Secret123!"}).status_code == 204
    nora = spec.Client(sapcc.client, site=SITE,
                       token=sapcc.customer_token("nora.field@rustic-hw.com", "Secret123!"))
    assert nora.get("orgUsers/current").get_json()["orgUnit"]["uid"] == "Services West"


def test_create_customer_validation(admin):
    errors = spec.errors(admin.post("users/current/orgCustomers", json={"email": "nope"}), 400)
    assert {e["subject"] for e in errors} == {"email", "firstName", "lastName", "orgUnit.uid"}
    bad = {**NEW, "roles": ["superuser"]}
    assert spec.error(admin.post("users/current/orgCustomers", json=bad), 400)["subject"] == \
        "roles"
    outside = {**NEW, "orgUnit": {"uid": "Pronto"}}
    assert spec.error(admin.post("users/current/orgCustomers", json=outside), 404)["type"] == \
        "NotFoundError"


def test_edit_disable_and_enable_a_customer(admin, sapcc):
    path = f"users/current/orgCustomers/{BUYER}"
    assert admin.patch(path, json={"orgUnit": {"uid": "Services East"}, "lastName": "Stone",
                                   "roles": ["b2bcustomergroup", "b2bmanagergroup"]}
                       ).status_code == 204
    buyer = admin.get(path).get_json()
    assert (buyer["orgUnit"]["uid"], buyer["name"], buyer["roles"]) == (
        "Services East", "Mark Stone", ["b2bcustomergroup", "b2bmanagergroup"])
    token = sapcc.customer_token(BUYER, "pw4all")
    assert admin.patch(path, json={"active": False}).status_code == 204
    assert admin.get(path).get_json()["active"] is False
    # disabled: the token is gone and the password no longer logs in
    me = spec.Client(sapcc.client, site=SITE, token=token)
    assert me.get("orgUsers/current").status_code == 401
    with pytest.raises(Exception):
        sapcc.customer_token(BUYER, "pw4all")
    assert admin.patch(path, json={"active": True}).status_code == 204
    assert sapcc.customer_token(BUYER, "pw4all")


def test_roles(admin):
    path = f"users/current/orgCustomers/{BUYER}/roles"
    added = admin.post(f"{path}?roleId=b2bapprovergroup")
    assert added.status_code == 201
    assert added.get_json()["roles"] == ["b2bcustomergroup", "b2bapprovergroup"]
    removed = admin.delete(f"{path}/b2bapprovergroup").get_json()
    assert (removed["selected"], removed["roles"]) == (False, ["b2bcustomergroup"])
    assert spec.error(admin.post(f"{path}?roleId=root"), 400) == {
        "type": "RequestParameterError", "message": "Supplied parameter [root] is not valid"}
    assert spec.error(admin.post(path), 400)["type"] == "MissingServletRequestParameterError"


def test_approvers(admin):
    path = "users/current/orgCustomers/gi.sun@rustic-hw.com/approvers"
    listed = admin.get(path).get_json()["users"]
    assert [(u["uid"], u["selected"]) for u in listed] == [
        ("anthony.lombardi@rustic-hw.com", False), (APPROVER, True)]
    added = admin.post(f"{path}/anthony.lombardi@rustic-hw.com").get_json()
    assert (added["id"], added["selected"]) == ("anthony.lombardi@rustic-hw.com", True)
    assert admin.delete(f"{path}/{APPROVER}").get_json()["selected"] is False
    assert [u["uid"] for u in admin.get(path).get_json()["users"] if u["selected"]] == [
        "anthony.lombardi@rustic-hw.com"]
    assert spec.error(admin.post(f"{path}/{BUYER}"), 400)["subject"] == "approverId"


def test_permissions(admin):
    path = f"users/current/orgCustomers/{BUYER}/permissions"
    chosen = [p["code"] for p in admin.get(path).get_json()["orderApprovalPermissions"]
              if p["selected"]]
    assert chosen == ["Custom_1K_USD_ORDER", "Custom_5K_USD_WEEK", "Rustic_BUDGET_CHECK"]
    assert admin.post(f"{path}/Rustic_5K_USD_ORDER").get_json()["selected"] is True
    assert admin.delete(f"{path}/Custom_1K_USD_ORDER").get_json()["selected"] is False
    chosen = [p["code"] for p in admin.get(path).get_json()["orderApprovalPermissions"]
              if p["selected"]]
    assert chosen == ["Custom_5K_USD_WEEK", "Rustic_5K_USD_ORDER", "Rustic_BUDGET_CHECK"]
    assert spec.error(admin.post(f"{path}/nope"), 404)["type"] == "NotFoundError"


def test_customer_user_groups(admin):
    path = f"users/current/orgCustomers/{BUYER}/orgUserGroups"
    assert not any(g["selected"] for g in admin.get(path).get_json()["orgUnitUserGroups"])
    assert admin.post(f"{path}/limitedPermissions").get_json()["selected"] is True
    chosen = [g["uid"] for g in admin.get(path).get_json()["orgUnitUserGroups"] if g["selected"]]
    assert chosen == ["limitedPermissions"]
    assert admin.delete(f"{path}/limitedPermissions").status_code == 200
    assert spec.error(admin.post(f"{path}/customergroup"), 404)["type"] == "NotFoundError"


def test_user_groups(admin, as_user):
    base = "users/current/orgUnitUserGroups"
    assert [g["uid"] for g in admin.get(base).get_json()["orgUnitUserGroups"]] == [
        "limitedPermissions", "premiumPermissions", "servicesBuyers"]
    body = {"uid": "retailBuyers", "name": "Retail Buyers", "orgUnit": {"uid": "Rustic Retail"}}
    created = admin.post(base, json=body)
    assert created.status_code == 201 and created.get_json()["membersCount"] == 0
    assert spec.error(admin.post(base, json=body), 400)["type"] == "AlreadyExistsError"
    assert spec.errors(admin.post(base, json={}), 400)[0]["type"] == "ValidationError"
    group = f"{base}/retailBuyers"
    assert admin.post(f"{group}/members?orgCustomerId={BUYER}").status_code == 201
    assert admin.post(f"{group}/members?orgCustomerId=gi.sun@rustic-hw.com").status_code == 201
    members = admin.get(f"{group}/availableOrgCustomers?pageSize=100").get_json()["users"]
    assert sorted(u["uid"] for u in members if u["selected"]) == ["gi.sun@rustic-hw.com", BUYER]
    assert admin.delete(f"{group}/members/{BUYER}").status_code == 200
    assert admin.get(group).get_json()["membersCount"] == 1
    assert admin.delete(f"{group}/members").status_code == 200
    assert admin.get(group).get_json()["membersCount"] == 0
    added = admin.post(f"{group}/orderApprovalPermissions"
                       "?orderApprovalPermissionCode=Rustic_5K_USD_ORDER")
    assert added.status_code == 201
    perms = admin.get(f"{group}/availableOrderApprovalPermissions").get_json()
    assert [p["code"] for p in perms["orderApprovalPermissions"] if p["selected"]] == [
        "Rustic_5K_USD_ORDER"]
    assert admin.delete(f"{group}/orderApprovalPermissions/Rustic_5K_USD_ORDER"
                        ).get_json()["selected"] is False
    assert admin.patch(group, json={"name": "Retail Team", "uid": "retailTeam"}).status_code == 204
    assert admin.get(f"{base}/retailTeam").get_json()["name"] == "Retail Team"
    assert spec.error(as_user(SERVICES_ADMIN).get(f"{base}/retailTeam"), 404)["type"] == \
        "NotFoundError"
    assert admin.delete(f"{base}/retailTeam").status_code == 200
    assert spec.error(admin.get(f"{base}/retailTeam"), 404)["type"] == "NotFoundError"


def test_only_administrators_manage_people(as_user):
    buyer = as_user(BUYER)
    for path in ("users/current/orgCustomers", "users/current/orgUnitUserGroups"):
        assert spec.error(buyer.get(path), 401)["type"] == "AccessDeniedError"
