"""B2B organization management on ``powertools-spa`` over HTTP: units and their tree, addresses
and approvers; budgets, cost centers and their budgets; order approval permissions and their
types — the state each write leaves, the errors SAP answers, and the branch an administrator
is kept to. Every response is checked against SAP's document."""
from __future__ import annotations

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

SITE = "powertools-spa"
ADMIN = "linda.wolf@rustic-hw.com"  # Rustic: the whole tree
SERVICES_ADMIN = "carla.torres@rustic-hw.com"  # Rustic Services and below
APPROVER = "william.hunter@rustic-hw.com"
BUYER = "mark.rivers@rustic-hw.com"
ADDRESS = {"firstName": "Ann", "lastName": "Lee", "line1": "1 Dock Road", "town": "Boston",
           "postalCode": "02110", "country": {"isocode": "US"}, "region": {"isocode": "US-MA"}}
BUDGET = {"code": "Q_10K", "name": "Quarterly 10K", "budget": 10000, "currency": {"isocode": "USD"},
          "startDate": "2026-01-01T00:00:00+00:00", "endDate": "2026-12-31T23:59:59+00:00",
          "orgUnit": {"uid": "Custom Retail"}}


@pytest.fixture
def admin(as_user):
    return as_user(ADMIN)


def tree_ids(node: dict) -> list[str]:
    return [node["id"], *[i for c in node.get("children", []) for i in tree_ids(c)]]


# -- units ---------------------------------------------------------------------------------------


def test_root_node_tree_is_the_admins_branch(admin, as_user):
    tree = admin.get("users/current/orgUnitsRootNodeTree").get_json()
    assert tree["id"] == "Rustic" and tree["active"] is True and "parent" not in tree
    assert tree_ids(tree) == ["Rustic", "Rustic Retail", "Custom Retail",
                              "Custom Retail Outlets", "Rustic Services", "Services East",
                              "Services West"]
    services = as_user(SERVICES_ADMIN).get("users/current/orgUnitsRootNodeTree").get_json()
    assert tree_ids(services) == ["Rustic Services", "Services East", "Services West"]
    assert services["children"][0]["parent"] == "Rustic Services"
    nodes = as_user(SERVICES_ADMIN).get("users/current/availableOrgUnitNodes").get_json()
    assert [n["id"] for n in nodes["unitNodes"]] == tree_ids(services)


def test_get_org_unit(admin):
    unit = admin.get("users/current/orgUnits/Custom Retail?fields=FULL").get_json()
    assert unit["uid"] == "Custom Retail" and unit["parentOrgUnit"]["uid"] == "Rustic Retail"
    assert unit["approvalProcess"] == {"code": "accApproval",
                                       "name": "Escalation Approval with Merchant Check"}
    assert [c["uid"] for c in unit["customers"]] == ["gi.sun@rustic-hw.com", BUYER]
    assert [a["town"] for a in unit["addresses"]] == ["New York"]
    assert [c["code"] for c in unit["costCenters"]] == ["Custom_Retail"]
    rustic = admin.get("users/current/orgUnits/Rustic?fields=FULL").get_json()
    assert [a["uid"] for a in rustic["approvers"]] == [APPROVER]
    assert [a["uid"] for a in rustic["administrators"]] == [ADMIN]
    processes = admin.get("users/current/orgUnitsAvailableApprovalProcesses").get_json()
    assert [p["code"] for p in processes["approvalProcesses"]] == ["accApproval"]


def test_units_outside_the_branch_are_not_found(as_user):
    services = as_user(SERVICES_ADMIN)
    assert spec.error(services.get("users/current/orgUnits/Custom Retail"), 404) == {
        "type": "NotFoundError",
        "message": "Organizational unit with id [Custom Retail] was not found"}
    assert spec.error(services.get("users/current/orgUnits/Nowhere/addresses"), 404)[
        "type"] == "NotFoundError"
    body = {"uid": "Sneaky", "name": "Sneaky", "parentOrgUnit": {"uid": "Rustic Retail"}}
    assert spec.error(services.post("users/current/orgUnits", json=body), 404)[
        "type"] == "NotFoundError"


def test_create_a_sub_unit_and_move_it(admin):
    body = {"uid": "Retail Boston", "name": "Retail Boston",
            "parentOrgUnit": {"uid": "Custom Retail"}, "approvalProcess": {"code": "accApproval"}}
    created = admin.post("users/current/orgUnits", json=body)
    assert created.status_code == 201
    assert created.get_json()["parentOrgUnit"]["uid"] == "Custom Retail"
    assert spec.error(admin.post("users/current/orgUnits", json=body), 400) == {
        "type": "AlreadyExistsError",
        "message": "Organizational unit with uid [Retail Boston] already exists"}
    parents = admin.get("users/current/orgUnits/Rustic Retail/availableParents").get_json()
    assert [n["id"] for n in parents["unitNodes"]] == [
        "Rustic", "Rustic Services", "Services East", "Services West"]
    moved = admin.patch("users/current/orgUnits/Retail Boston",
                        json={"parentOrgUnit": {"uid": "Services East"}, "name": "Boston"})
    assert moved.status_code == 204
    unit = admin.get("users/current/orgUnits/Retail Boston").get_json()
    assert (unit["name"], unit["parentOrgUnit"]["uid"]) == ("Boston", "Services East")
    # not below itself
    error = spec.error(admin.patch("users/current/orgUnits/Rustic Services",
                                   json={"parentOrgUnit": {"uid": "Retail Boston"}}), 400)
    assert (error["type"], error["subject"]) == ("ValidationError", "parentOrgUnit.uid")


def test_create_unit_validation(admin):
    errors = spec.errors(admin.post("users/current/orgUnits", json={"name": " "}), 400)
    assert {(e["subject"], e["message"]) for e in errors} == {
        ("uid", "This field is required."), ("name", "This field is required.")}
    error = spec.error(admin.post("users/current/orgUnits", json={
        "uid": "X", "name": "X", "parentOrgUnit": {"uid": "Rustic"},
        "approvalProcess": {"code": "nope"}}), 400)
    assert error["subject"] == "approvalProcess.code"
    error = spec.error(admin.post("users/current/orgUnits", json={"uid": "X", "name": "X"}), 400)
    assert error["subject"] == "parentOrgUnit.uid"


def test_disabling_a_unit_disables_its_branch(admin):
    assert admin.patch("users/current/orgUnits/Rustic Retail",
                       json={"active": False}).status_code == 204
    nodes = {n["id"]: n["active"] for n in
             admin.get("users/current/availableOrgUnitNodes").get_json()["unitNodes"]}
    assert (nodes["Rustic Retail"], nodes["Custom Retail"], nodes["Custom Retail Outlets"],
            nodes["Rustic Services"]) == (False, False, False, True)
    admin.patch("users/current/orgUnits/Rustic Retail", json={"active": True})
    assert admin.get("users/current/orgUnits/Rustic Retail").get_json()["active"] is True
    assert admin.get("users/current/orgUnits/Custom Retail").get_json()["active"] is False


def test_unit_addresses(admin):
    path = "users/current/orgUnits/Services West/addresses"
    created = admin.post(path + "?fields=FULL", json=ADDRESS)
    assert created.status_code == 201
    address_id = created.get_json()["id"]
    assert created.get_json()["shippingAddress"] is True
    assert admin.patch(f"{path}/{address_id}", json={"town": "Cambridge"}).status_code == 204
    towns = [a["town"] for a in admin.get(path).get_json()["addresses"]]
    assert towns == ["San Francisco", "Cambridge"]
    errors = spec.errors(admin.patch(f"{path}/{address_id}", json={"town": ""}), 400)
    assert [e["subject"] for e in errors] == ["town"]
    assert spec.error(admin.patch(f"{path}/1", json={"town": "X"}), 404) == {
        "type": "NotFoundError", "message": "Address with id [1] is not found"}
    assert admin.delete(f"{path}/{address_id}").status_code == 200
    assert [a["town"] for a in admin.get(path).get_json()["addresses"]] == ["San Francisco"]
    assert spec.errors(admin.post(path, json={"town": "X"}), 400)[0]["subject"] == \
        "country.isocode"


def test_unit_approvers(admin):
    path = "users/current/orgUnits/Custom Retail"
    users = admin.get(f"{path}/availableUsers/b2bapprovergroup").get_json()
    assert [(u["uid"], u["selected"]) for u in users["users"]] == [
        ("anthony.lombardi@rustic-hw.com", False), (APPROVER, False)]
    assert users["pagination"]["totalResults"] == 2
    assert admin.post(f"{path}/orgCustomers/{APPROVER}/roles?roleId=b2bapprovergroup"
                      ).status_code == 201
    users = admin.get(f"{path}/availableUsers/b2bapprovergroup").get_json()["users"]
    assert [u["uid"] for u in users if u["selected"]] == [APPROVER]
    unit = admin.get(f"{path}?fields=FULL").get_json()
    assert [a["uid"] for a in unit["approvers"]] == [APPROVER]
    # a buyer is no approver
    error = spec.error(admin.post(f"{path}/orgCustomers/{BUYER}/roles?roleId=b2bapprovergroup"),
                       400)
    assert error["type"] == "ValidationError"
    assert spec.error(admin.post(f"{path}/orgCustomers/{APPROVER}/roles?roleId=admin"), 400) == {
        "type": "RequestParameterError", "message": "Supplied parameter [admin] is not valid"}
    assert admin.delete(f"{path}/orgCustomers/{APPROVER}/roles/b2bapprovergroup"
                        ).status_code == 200
    assert admin.get(f"{path}?fields=FULL").get_json()["approvers"] == []
    buyers = admin.get(f"{path}/availableUsers/b2bcustomergroup?pageSize=1").get_json()
    assert [u["uid"] for u in buyers["users"]] == ["gi.sun@rustic-hw.com"]
    assert (buyers["pagination"]["totalPages"], buyers["pagination"]["totalResults"]) == (2, 2)


# -- budgets and cost centers --------------------------------------------------------------------


def test_budgets(admin, as_user):
    listed = admin.get("users/current/budgets").get_json()
    assert [b["code"] for b in listed["budgets"]] == [
        "Monthly_20K_USD", "Monthly_40K_USD", "Monthly_4K_USD", "Monthly_50K_USD",
        "Weekly_2_5K_USD"]
    created = admin.post("users/current/budgets", json=BUDGET)
    assert created.status_code == 201
    budget = created.get_json()
    assert (budget["budget"], budget["currency"]["isocode"], budget["orgUnit"]["uid"]) == (
        10000.0, "USD", "Custom Retail")
    assert budget["startDate"].startswith("2026-01-01T00:00:00")
    assert spec.error(admin.post("users/current/budgets", json=BUDGET), 400)[
        "type"] == "AlreadyExistsError"
    updated = admin.patch("users/current/budgets/Q_10K", json={"budget": 12000, "active": False})
    assert (updated.get_json()["budget"], updated.get_json()["active"]) == (12000.0, False)
    renamed = admin.patch("users/current/budgets/Q_10K", json={"code": "Q_12K"}).get_json()
    assert renamed["code"] == "Q_12K"
    assert spec.error(admin.get("users/current/budgets/Q_10K"), 404)["type"] == "NotFoundError"
    # another admin's branch does not reach it
    services = as_user(SERVICES_ADMIN)
    assert spec.error(services.get("users/current/budgets/Q_12K"), 404)["type"] == \
        "NotFoundError"
    assert [b["code"] for b in services.get("users/current/budgets").get_json()["budgets"]] == [
        "Monthly_40K_USD", "Monthly_4K_USD"]


def test_budget_validation(admin):
    errors = spec.errors(admin.post("users/current/budgets", json={"code": "B"}), 400)
    assert {e["subject"] for e in errors} == {"name", "budget", "currency.isocode", "startDate",
                                             "endDate", "orgUnit.uid"}
    bad = {**BUDGET, "code": "B", "endDate": "2025-01-01T00:00:00Z"}
    assert spec.error(admin.post("users/current/budgets", json=bad), 400)["subject"] == "endDate"
    bad = {**BUDGET, "code": "B", "currency": {"isocode": "XXX"}}
    assert spec.error(admin.post("users/current/budgets", json=bad), 400)["subject"] == \
        "currency.isocode"
    bad = {**BUDGET, "code": "B", "startDate": "soon"}
    assert spec.error(admin.post("users/current/budgets", json=bad), 400)["subject"] == \
        "startDate"
    assert "B" not in [b["code"] for b in admin.get("users/current/budgets?pageSize=100")
                       .get_json()["budgets"]]


def test_cost_centers_and_their_budgets(admin, as_user):
    body = {"code": "Boston_Ops", "name": "Boston Ops", "currency": {"isocode": "USD"},
            "unit": {"uid": "Custom Retail"}}
    created = admin.post("costcenters", json=body)
    assert created.status_code == 201
    cc = created.get_json()
    assert (cc["active"], cc["activeFlag"], cc["unit"]["uid"]) == ("true", True, "Custom Retail")
    assert spec.error(admin.post("costcenters", json=body), 400)["type"] == "AlreadyExistsError"
    added = admin.post("costcenters/Boston_Ops/budgets?budgetCode=Weekly_2_5K_USD").get_json()
    assert added == {"id": "Weekly_2_5K_USD", "selected": True, "active": True,
                     "normalizedCode": "Weekly_2_5K_USD"}
    budgets = admin.get("costcenters/Boston_Ops/budgets").get_json()["budgets"]
    assert [b["code"] for b in budgets if b["selected"]] == ["Weekly_2_5K_USD"]
    assert [b["code"] for b in admin.get("costcenters/Boston_Ops").get_json()[
        "assignedBudgets"]] == ["Weekly_2_5K_USD"]
    removed = admin.delete("costcenters/Boston_Ops/budgets/Weekly_2_5K_USD").get_json()
    assert removed["selected"] is False
    assert spec.error(admin.post("costcenters/Boston_Ops/budgets?budgetCode=nope"), 404)[
        "type"] == "NotFoundError"
    # the buyer's checkout sees the active cost centers of its own unit and below
    buyer = as_user(BUYER)
    assert [c["code"] for c in buyer.get("costcenters").get_json()["costCenters"]] == [
        "Boston_Ops", "Custom_Retail", "Retail_Outlets"]
    disabled = admin.patch("costcenters/Boston_Ops", json={"activeFlag": False}).get_json()
    assert disabled["active"] == "false"
    assert [c["code"] for c in buyer.get("costcenters").get_json()["costCenters"]] == [
        "Custom_Retail", "Retail_Outlets"]
    assert spec.error(buyer.get("costcentersall"), 401)["type"] == "AccessDeniedError"
    all_ = admin.get("costcentersall?pageSize=2").get_json()
    assert all_["pagination"]["totalResults"] == 7 and len(all_["costCenters"]) == 2
    errors = spec.errors(admin.post("costcenters", json={"code": "Y"}), 400)
    assert {e["subject"] for e in errors} == {"name", "currency.isocode", "unit.uid"}


# -- permissions ---------------------------------------------------------------------------------


def test_permission_types(admin):
    types = admin.get("orderApprovalPermissionTypes").get_json()["orderApprovalPermissionTypes"]
    assert [t["code"] for t in types] == ["B2BBudgetExceededPermission",
                                          "B2BOrderThresholdPermission",
                                          "B2BOrderThresholdTimespanPermission"]


def test_order_approval_permissions(admin):
    listed = admin.get("users/current/orderApprovalPermissions").get_json()
    assert len(listed["orderApprovalPermissions"]) == 6
    body = {"code": "Retail_2K_WEEK", "orgUnit": {"uid": "Rustic Retail"},
            "orderApprovalPermissionType": {"code": "B2BOrderThresholdTimespanPermission"},
            "threshold": 2000, "currency": {"isocode": "USD"}, "periodRange": "WEEK"}
    created = admin.post("users/current/orderApprovalPermissions", json=body)
    assert created.status_code == 201
    p = created.get_json()
    assert (p["threshold"], p["periodRange"], p["orderApprovalPermissionType"]["name"]) == (
        2000.0, "WEEK", "Allowed Order Threshold (per timespan)")
    updated = admin.patch("users/current/orderApprovalPermissions/Retail_2K_WEEK",
                          json={"threshold": 2500, "periodRange": "MONTH"}).get_json()
    assert (updated["threshold"], updated["periodRange"]) == (2500.0, "MONTH")
    error = spec.error(admin.post("users/current/orderApprovalPermissions",
                                  json={**body, "code": "Z", "periodRange": "DECADE"}), 400)
    assert error["subject"] == "periodRange"
    error = spec.error(admin.post("users/current/orderApprovalPermissions",
                                  json={**body, "code": "Z", "orderApprovalPermissionType": {
                                      "code": "B2BOrderThresholdPermission"},
                                      "threshold": None}), 400)
    assert error["subject"] == "threshold"
    budget = admin.post("users/current/orderApprovalPermissions", json={
        "code": "Retail_BUDGET", "orgUnit": {"uid": "Rustic Retail"},
        "orderApprovalPermissionType": {"code": "B2BBudgetExceededPermission"}}).get_json()
    assert "threshold" not in budget and budget["orderApprovalPermissionType"]["code"] == \
        "B2BBudgetExceededPermission"
    assert spec.error(admin.get("users/current/orderApprovalPermissions/nope"), 404)[
        "type"] == "NotFoundError"


# -- who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize("uid", [BUYER, APPROVER, "hanna.schmidt@rustic-hw.com"])
def test_only_administrators_manage(as_user, uid):
    other = as_user(uid)
    for method, path in [("get", "users/current/orgUnitsRootNodeTree"),
                         ("get", "users/current/budgets"),
                         ("post", "costcenters"),
                         ("get", "users/current/orderApprovalPermissions")]:
        response = getattr(other, method)(path, json={} if method == "post" else None)
        assert spec.error(response, 401) == {"type": "AccessDeniedError",
                                             "message": "Access is denied"}


def test_admin_acts_for_itself_only(admin, sapcc_client):
    assert spec.error(admin.get(f"users/{BUYER}/budgets"), 403)["type"] == "ForbiddenError"
    anonymous = spec.Client(sapcc_client, site=SITE)
    assert spec.error(anonymous.get("users/current/budgets"), 401)["type"] == \
        "UnauthorizedError"
