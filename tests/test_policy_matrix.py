"""The security policy as a table: for a representative endpoint of each family, every kind of
caller, with the exact status and error ``type`` (``200`` = allowed). Read it like the
reference (occ-api.md §1.8–1.9, asm-api.md §3–4). Issues that add endpoints add columns."""
from pathlib import Path

import pytest
import requests

import spec

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "impex"

CUSTOMER = "mark.rivers@pronto-hw.com"
OTHER = "yuki.tanaka@example.jp"

#  caller        userId in path | OCC GET users/{userId}      | ASM customerlists      | ASM customers/search   | ASM customer360
MATRIX = """
   none          customer       | 401 UnauthorizedError       | 401 UnauthorizedError  | 401 UnauthorizedError  | 401 UnauthorizedError
   none          anonymous      | 401 AccessDeniedError       | -                      | -                      | -
   client        customer       | 403 ForbiddenError          | 403 AccessDeniedError  | 403 AccessDeniedError  | 403 AccessDeniedError
   client        anonymous      | 401 AccessDeniedError       | -                      | -                      | -
   trusted       customer       | 200                         | 403 AccessDeniedError  | 403 AccessDeniedError  | 403 AccessDeniedError
   trusted       customerId     | 200                         | -                      | -                      | -
   trusted       current        | 400 UnknownIdentifierError  | -                      | -                      | -
   trusted       unknown        | 400 UnknownIdentifierError  | -                      | -                      | -
   customer      current        | 200                         | 403 AccessDeniedError  | 403 AccessDeniedError  | 403 AccessDeniedError
   customer      customer       | 200                         | -                      | -                      | -
   customer      customerId     | 200                         | -                      | -                      | -
   customer      other          | 403 ForbiddenError          | -                      | -                      | -
   customer      anonymous      | 403 ForbiddenError          | -                      | -                      | -
   agent         customerId     | 200                         | 200                    | 200                    | 200
   agent         customer       | 200                         | -                      | -                      | 200
   agent         current        | 200                         | -                      | -                      | 400 UnknownIdentifierError
   agent         unknown        | 400 UnknownIdentifierError  | -                      | -                      | 400 UnknownIdentifierError
   agent-nocm    customer       | 403 ForbiddenError          | 200                    | 200                    | 200
   agent-nocm    current        | 403 ForbiddenError          | -                      | -                      | -
   cm-no-asm     customer       | 200                         | 403 AccessDeniedError  | 403 AccessDeniedError  | 403 AccessDeniedError
   notasagent    customer       | 403 ForbiddenError          | 403 AccessDeniedError  | 403 AccessDeniedError  | 403 AccessDeniedError
   revoked       customer       | 401 InvalidTokenError       | 401 InvalidTokenError  | 401 InvalidTokenError  | 401 InvalidTokenError
   expired       customer       | 401 InvalidTokenError       | 401 InvalidTokenError  | 401 InvalidTokenError  | 401 InvalidTokenError
"""

COLUMNS = ["occ_user_read", "asm_customer_lists", "asm_customer_search", "asm_customer360"]

# OCC carts: POST users/{userId}/carts/{cartId}/entries on a cart of that user (the anonymous
# user's by guid), and GET users/anonymous/carts (no cart list for the anonymous user)
#  caller            userId in path  | OCC cart write (POST entries)   | OCC anonymous cart
CART_MATRIX = """
   none              customer        | 401 UnauthorizedError           | -
   none              anonymous       | 200                             | 401 AccessDeniedError
   client            customer        | 403 ForbiddenError              | -
   client            anonymous       | 200                             | 401 AccessDeniedError
   trusted           customer        | 200                             | -
   trusted           customerId      | 200                             | -
   trusted           current         | 400 UnknownIdentifierError      | -
   trusted           unknown         | 400 UnknownIdentifierError      | -
   trusted           anonymous       | 200                             | 401 AccessDeniedError
   customer          current         | 200                             | -
   customer          customer        | 200                             | -
   customer          customerId      | 200                             | -
   customer          other           | 403 ForbiddenError              | -
   customer          anonymous       | 403 ForbiddenError              | 403 ForbiddenError
   agent             customerId      | 200                             | -
   agent             customer        | 200                             | -
   agent             current         | 403 ForbiddenError              | -
   agent             unknown         | 400 UnknownIdentifierError      | -
   agent             anonymous       | 200                             | 401 AccessDeniedError
   agent-nocm        customer        | 403 ForbiddenError              | -
   agent-nocm        current         | 403 ForbiddenError              | -
   agent-nocm        anonymous       | 200                             | 401 AccessDeniedError
   cm-no-asm         customer        | 200                             | -
   cm-no-asm         anonymous       | 200                             | 401 AccessDeniedError
   notasagent        customer        | 403 ForbiddenError              | -
   notasagent        anonymous       | 200                             | 401 AccessDeniedError
   revoked           customer        | 401 InvalidTokenError           | -
   revoked           anonymous       | 401 InvalidTokenError           | 401 InvalidTokenError
   expired           customer        | 401 InvalidTokenError           | -
   expired           anonymous       | 401 InvalidTokenError           | 401 InvalidTokenError
"""

CART_COLUMNS = ["occ_cart_write", "occ_anonymous_cart"]


def rows(matrix=MATRIX, columns=COLUMNS):
    for line in matrix.strip().splitlines():
        who, *cells = [part.strip() for part in line.split("|")]
        caller, user = who.split()
        for column, cell in zip(columns, cells):
            if cell != "-":
                status, _, error = cell.partition(" ")
                yield pytest.param(caller, user, column, int(status), error or None,
                                   id=f"{caller}-{user}-{column}")


def token_for(sapcc, caller):
    if caller == "none":
        return None
    if caller == "client":
        return sapcc.client_token()
    if caller == "trusted":
        return sapcc.client_token(("trusted_client", "secret"))
    if caller == "customer":
        return sapcc.customer_token(CUSTOMER)
    if caller in ("revoked", "expired"):
        token = sapcc.customer_token(CUSTOMER)
        if caller == "revoked":
            sapcc.runtime.tokens.revoke(token)
        else:
            sapcc.advance_clock(43201)
        return token
    uid = {"agent": "asagent", "agent-nocm": "asagent-nocm", "cm-no-asm": "cmonly"}.get(caller, caller)
    return sapcc.agent_token(uid)


def user_id(sapcc, user):
    return {"customer": CUSTOMER, "other": OTHER, "unknown": "nobody@nowhere.example",
            "customerId": sapcc.runtime.db.principal(CUSTOMER).customerId}.get(user, user)


def call(sapcc, column, token, uid):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if column == "occ_user_read":
        return requests.get(f"{sapcc.occ_url}/electronics-spa/users/{uid}", headers=headers, timeout=10)
    if column == "asm_customer_lists":
        return requests.get(f"{sapcc.asm_url}/customerlists?baseSite=electronics-spa", headers=headers, timeout=10)
    if column == "asm_customer_search":
        return requests.get(f"{sapcc.asm_url}/customers/search?baseSite=electronics-spa&query=rivers",
                            headers=headers, timeout=10)
    return requests.post(f"{sapcc.asm_url}/electronics-spa/users/{uid}/customer360", headers=headers,
                         json={"customer360Queries": [{"type": "c360Overview"}]}, timeout=10)


@pytest.mark.sapcc_impex(FIXTURES / "policy-principals.impex")
@pytest.mark.parametrize("caller, user, column, status, error", list(rows()))
def test_policy_matrix(sapcc, caller, user, column, status, error):
    response = call(sapcc, column, token_for(sapcc, caller), user_id(sapcc, user))
    assert response.status_code == status, response.text
    if error:
        assert response.json()["errors"][0]["type"] == error
    elif column == "occ_user_read" and user != "current":
        assert response.json()["uid"] == user_id(sapcc, user) or response.json()["customerId"] == user_id(sapcc, user)


def test_agent_acting_for_a_customer_reads_the_customer(sapcc):
    token = sapcc.agent_token("asagent")
    customer_id = sapcc.runtime.db.principal(CUSTOMER).customerId
    body = requests.get(f"{sapcc.occ_url}/electronics-spa/users/{customer_id}",
                        headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert body["uid"] == CUSTOMER and body["customerId"] == customer_id


def test_agent_current_is_the_agent_itself(sapcc):
    token = sapcc.agent_token("asagent")
    body = requests.get(f"{sapcc.occ_url}/electronics-spa/users/current",
                        headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert body["uid"] == "asagent"


def test_exact_bodies_of_the_three_denials(sapcc):
    no_token = requests.get(f"{sapcc.occ_url}/electronics-spa/users/{CUSTOMER}", timeout=10)
    assert no_token.json() == {"errors": [{"message": "Full authentication is required to access this resource",
                                           "type": "UnauthorizedError"}]}
    forbidden = requests.get(f"{sapcc.occ_url}/electronics-spa/users/{OTHER}", timeout=10,
                             headers={"Authorization": f"Bearer {sapcc.customer_token(CUSTOMER)}"})
    assert forbidden.json() == {"errors": [{"message": "Access is denied", "type": "ForbiddenError"}]}
    asm = requests.get(f"{sapcc.asm_url}/customerlists?baseSite=electronics-spa", timeout=10,
                       headers={"Authorization": f"Bearer {sapcc.agent_token('notasagent')}"})
    assert asm.status_code == 403
    assert asm.json() == {"errors": [{"message": "Access is denied", "type": "AccessDeniedError"}]}


def test_unknown_user_message(sapcc):
    response = requests.get(f"{sapcc.occ_url}/electronics-spa/users/ghost", timeout=10,
                            headers={"Authorization": f"Bearer {sapcc.agent_token()}"})
    assert response.json() == {"errors": [{"message": "Cannot find user with propertyValue 'ghost'",
                                           "type": "UnknownIdentifierError"}]}


def cart_of(occ, sapcc, user):
    """A cart of the path's user, made beforehand by a trusted client (the anonymous user's
    by itself): its code, or guid for the anonymous user."""
    if user == "anonymous":
        return occ.post("users/anonymous/carts").get_json()["guid"]
    owner = {"customer": CUSTOMER, "customerId": CUSTOMER, "other": OTHER}.get(user)
    if owner is None:  # current (the caller's own, if it is a customer) or unknown
        owner = CUSTOMER
    trusted = sapcc.client_token(("trusted_client", "secret"))
    return occ.post(f"users/{owner}/carts", token=trusted).get_json()["code"]


@pytest.mark.sapcc_impex(FIXTURES / "policy-principals.impex")
@pytest.mark.parametrize("caller, user, column, status, error", list(rows(CART_MATRIX, CART_COLUMNS)))
def test_occ_cart_policy(sapcc, caller, user, column, status, error):
    occ = spec.Client(sapcc.client)
    if column == "occ_cart_write":
        cart = cart_of(occ, sapcc, user)
        response = occ.post(f"users/{user_id(sapcc, user)}/carts/{cart}/entries",
                            token=token_for(sapcc, caller),
                            json={"product": {"code": "300938"}, "quantity": 1})
    else:
        response = occ.get("users/anonymous/carts", token=token_for(sapcc, caller))
    assert response.status_code == status, response.get_data(as_text=True)
    if error:
        assert response.get_json()["errors"][0]["type"] == error
    else:
        assert response.get_json()["statusCode"] == "success"
        owner = sapcc.runtime.db.cart(cart).user
        assert owner == ("anonymous" if user == "anonymous" else CUSTOMER)


def test_vouchers_need_a_token(sapcc):
    """@Secured(CLIENT, CUSTOMERGROUP, CUSTOMERMANAGERGROUP, TRUSTED_CLIENT, GUEST) on vouchers."""
    occ = f"{sapcc.occ_url}/electronics-spa/users/anonymous/carts"
    guid = requests.post(occ, json={}, timeout=10).json()["guid"]
    bare = requests.post(f"{occ}/{guid}/vouchers?voucherId=SUMMER10", timeout=10)
    assert bare.status_code == 401 and bare.json()["errors"][0]["type"] == "AccessDeniedError"
    client = {"Authorization": f"Bearer {sapcc.client_token()}"}
    assert requests.post(f"{occ}/{guid}/vouchers?voucherId=SUMMER10", headers=client, timeout=10).status_code == 200


def test_a_b2c_customer_is_refused_on_a_b2b_site_that_requires_authentication(sapcc):
    b2c = {"Authorization": f"Bearer {sapcc.customer_token(CUSTOMER)}"}
    response = requests.get(f"{sapcc.occ_url}/powertools-spa/orgUsers/current", headers=b2c, timeout=10)
    assert response.status_code == 403
    assert response.json() == {"errors": [{"message": "A B2C customer cannot access API endpoints on a B2B site.",
                                           "type": "ForbiddenError"}]}
    b2b = {"Authorization": f"Bearer {sapcc.customer_token('gi.sun@rustic-hw.com', 'pw4all')}"}
    assert requests.get(f"{sapcc.occ_url}/powertools-spa/orgUsers/current", headers=b2b, timeout=10).status_code == 200


# B2B organization management on powertools-spa: the organization's administrator manages the
# units of its branch (Rustic: the whole tree); an administrator of another branch (Rustic
# Services) finds nothing outside it; approvers, buyers and agents hold no ROLE_B2BADMINGROUP
# (@Secured: 401), and any B2B customer reads the active cost centers of its branch. The cost
# center endpoints have no userId: a trusted client there acts for nobody (no branch), an agent
# for the customer it names in sap-commerce-cloud-user-id.
# The path's unit is Custom Retail, the budget Weekly_2_5K_USD, the cost center Custom_Retail.
#  caller          userId in path | unit read              | unit write             | budget read            | cost center budgets    | active cost centers
B2B_MATRIX = """
   none            current        | 401 UnauthorizedError  | 401 UnauthorizedError  | 401 UnauthorizedError  | 401 AccessDeniedError  | 401 AccessDeniedError
   b2b-admin       current        | 200                    | 204                    | 200                    | 200                    | 200
   b2b-admin       admin          | 200                    | 204                    | 200                    | -                      | -
   b2b-admin       buyer          | 403 ForbiddenError     | 403 ForbiddenError     | 403 ForbiddenError     | -                      | -
   b2b-other-admin current        | 404 NotFoundError      | 404 NotFoundError      | 404 NotFoundError      | 404 NotFoundError      | 200
   b2b-approver    current        | 401 AccessDeniedError  | 401 AccessDeniedError  | 401 AccessDeniedError  | 401 AccessDeniedError  | 200
   b2b-buyer       current        | 401 AccessDeniedError  | 401 AccessDeniedError  | 401 AccessDeniedError  | 401 AccessDeniedError  | 200
   agent           buyer          | 401 AccessDeniedError  | 401 AccessDeniedError  | 401 AccessDeniedError  | 401 AccessDeniedError  | 200
   trusted         admin          | 200                    | 204                    | 200                    | 404 NotFoundError      | 200
   trusted         other-admin    | 404 NotFoundError      | 404 NotFoundError      | 404 NotFoundError      | 404 NotFoundError      | 200
"""
B2B_COLUMNS = ["b2b_unit_read", "b2b_unit_write", "b2b_budget_read", "b2b_cost_center_budgets",
               "b2b_active_cost_centers"]
B2B_USERS = {"admin": "linda.wolf@rustic-hw.com", "other-admin": "carla.torres@rustic-hw.com",
             "approver": "william.hunter@rustic-hw.com", "buyer": "mark.rivers@rustic-hw.com"}


def b2b_token(sapcc, caller):
    if caller.startswith("b2b-"):
        return sapcc.customer_token(B2B_USERS[caller[4:]], "pw4all")
    return token_for(sapcc, caller)


@pytest.mark.parametrize("caller, user, column, status, error",
                         list(rows(B2B_MATRIX, B2B_COLUMNS)))
def test_b2b_organization_policy(sapcc, caller, user, column, status, error):
    occ = spec.Client(sapcc.client, site="powertools-spa", token=b2b_token(sapcc, caller))
    uid = B2B_USERS.get(user, user)
    unit = f"users/{uid}/orgUnits/Custom Retail"
    # the endpoints without a userId act for the user the path would name (an agent or a
    # trusted client names it in sap-commerce-cloud-user-id)
    on_behalf = {"sap-commerce-cloud-user-id": uid} if uid != "current" else {}
    response = {
        "b2b_unit_read": lambda: occ.get(unit),
        "b2b_unit_write": lambda: occ.patch(unit, json={"name": "Custom Retail"}),
        "b2b_budget_read": lambda: occ.get(f"users/{uid}/budgets/Weekly_2_5K_USD"),
        "b2b_cost_center_budgets": lambda: occ.get("costcenters/Custom_Retail/budgets",
                                                   headers=on_behalf),
        "b2b_active_cost_centers": lambda: occ.get("costcenters", headers=on_behalf),
    }[column]()
    assert response.status_code == status, response.get_data(as_text=True)
    if error:
        assert response.get_json()["errors"][0]["type"] == error
    elif column == "b2b_active_cost_centers":
        codes = [c["code"] for c in response.get_json()["costCenters"]]
        expected = {"b2b-admin": ["Rustic_Global"], "b2b-other-admin": ["Rustic_Services"],
                    "trusted": []}.get(caller, ["Custom_Retail"])
        assert set(expected) <= set(codes) and (expected or not codes)


# Quotes and replenishment orders on powertools-spa, for the buyer mark.rivers: QuoteController
# admits a customer or a customer manager (@Secured), then the quote user type decides — the
# B2B customer is the buyer, an agent emulating it the seller (salesemployeegroup) or the seller
# approver (salesapprovergroup), any other agent none (403); the discount needs the customer
# manager role. The replenishment orders admit a customer, guest, customer manager or trusted
# client, for the user the path names. The discount is asked on an unknown quote.
#  caller          userId in path | quotes                 | quote discount         | replenishment orders
QUOTE_MATRIX = """
   none            buyer          | 401 UnauthorizedError  | 401 UnauthorizedError  | 401 UnauthorizedError
   b2b-buyer       current        | 200                    | 401 AccessDeniedError  | 200
   b2b-approver    buyer          | 403 ForbiddenError     | 403 ForbiddenError     | 403 ForbiddenError
   salesrep        buyer          | 200                    | 400 QuoteError         | 200
   salesapprover   buyer          | 200                    | 400 QuoteError         | 200
   agent           buyer          | 403 ForbiddenError     | 403 ForbiddenError     | 200
   trusted         buyer          | 401 AccessDeniedError  | 401 AccessDeniedError  | 200
"""
QUOTE_COLUMNS = ["quotes", "quote_discount", "replenishment_orders"]


def quote_token(sapcc, caller):
    if caller in ("salesrep", "salesapprover"):
        return sapcc.agent_token(f"powertools-{caller}", "pw4all")
    return b2b_token(sapcc, caller)


@pytest.mark.parametrize("caller, user, column, status, error",
                         list(rows(QUOTE_MATRIX, QUOTE_COLUMNS)))
def test_quote_and_replenishment_policy(sapcc, caller, user, column, status, error):
    occ = spec.Client(sapcc.client, site="powertools-spa", token=quote_token(sapcc, caller))
    uid = B2B_USERS.get(user, user)
    response = {
        "quotes": lambda: occ.get(f"users/{uid}/quotes"),
        "quote_discount": lambda: occ.post(f"users/{uid}/quotes/nope/discounts",
                                           json={"discountType": "PERCENT", "discountRate": 5}),
        "replenishment_orders": lambda: occ.get(f"users/{uid}/replenishmentOrders"),
    }[column]()
    assert response.status_code == status, response.get_data(as_text=True)
    if error:
        assert response.get_json()["errors"][0]["type"] == error


# B2B buying, approvals and the account on powertools-spa: who reads the approvals of an
# approver and decides one (ROLE_B2BAPPROVERGROUP or a trusted client: an approver of another
# branch is not assigned it), the unit-level orders of a branch (the right
# unitorderviewergroup, which the manager of Rustic Retail holds, or a trusted client), the
# account summary of Custom Retail (ROLE_B2BADMINGROUP only), future stocks (any customer, a
# customer manager, a trusted client) and order forms (no userId: an agent names its customer
# in sap-commerce-cloud-user-id; a trusted client acts for nobody). The pending approval is of
# an order of gi.sun over her threshold, assigned to william.hunter.
#  caller             userId in path | approvals              | approval decision         | branch orders          | account summary        | future stocks          | order forms
B2B_BUYING_MATRIX = """
   none               current        | 401 UnauthorizedError  | 401 UnauthorizedError     | 401 UnauthorizedError  | 401 UnauthorizedError  | 401 UnauthorizedError  | 401 AccessDeniedError
   b2b-admin          current        | 401 AccessDeniedError  | 401 AccessDeniedError     | 401 AccessDeniedError  | 200                    | 200                    | 200
   b2b-admin          buyer          | 403 ForbiddenError     | 403 ForbiddenError        | 403 ForbiddenError     | 403 ForbiddenError     | 403 ForbiddenError     | -
   b2b-other-admin    current        | 401 AccessDeniedError  | 401 AccessDeniedError     | 401 AccessDeniedError  | 404 NotFoundError      | 200                    | 200
   b2b-approver       current        | 200                    | 200                       | 401 AccessDeniedError  | 401 AccessDeniedError  | 200                    | 200
   b2b-other-approver current        | 200                    | 400 UnknownIdentifierError | 401 AccessDeniedError | 401 AccessDeniedError  | 200                    | 200
   b2b-viewer         current        | 401 AccessDeniedError  | 401 AccessDeniedError     | 200                    | 401 AccessDeniedError  | 200                    | 200
   b2b-buyer          current        | 401 AccessDeniedError  | 401 AccessDeniedError     | 401 AccessDeniedError  | 401 AccessDeniedError  | 200                    | 200
   agent              buyer          | 401 AccessDeniedError  | 401 AccessDeniedError     | 401 AccessDeniedError  | 401 AccessDeniedError  | 200                    | 200
   trusted            approver       | 200                    | 200                       | 200                    | 401 AccessDeniedError  | 200                    | 401 AccessDeniedError
   trusted            viewer         | 200                    | 400 UnknownIdentifierError | 200                   | 401 AccessDeniedError  | 200                    | -
"""
B2B_BUYING_COLUMNS = ["b2b_approvals", "b2b_approval_decision", "b2b_branch_orders",
                      "b2b_account_summary", "b2b_future_stocks", "b2b_order_forms"]
B2B_BUYING_USERS = {**B2B_USERS, "other-approver": "anthony.lombardi@rustic-hw.com",
                    "viewer": "hanna.schmidt@rustic-hw.com"}


def pending_approval(sapcc) -> str:
    """An order of gi.sun (threshold 1000 USD) for six drills: its approval's code."""
    buyer = spec.Client(sapcc.client, site="powertools-spa",
                        token=sapcc.customer_token("gi.sun@rustic-hw.com", "pw4all"))
    code = buyer.post("users/current/carts").get_json()["code"]
    buyer.post(f"orgUsers/current/carts/{code}/entries/",
               json={"orderEntries": [{"product": {"code": "3881018"}, "quantity": 6}]})
    address = {"firstName": "Gi", "lastName": "Sun", "line1": "1 Main", "town": "Boston",
               "postalCode": "02110", "country": {"isocode": "US"}}
    pk = buyer.post("users/current/addresses", json=address).get_json()["id"]
    buyer.put(f"orgUsers/current/carts/{code}/addresses/delivery?addressId={pk}")
    buyer.put(f"users/current/carts/{code}/deliverymode?deliveryModeId=standard-gross")
    buyer.post(f"users/current/carts/{code}/paymentdetails", json={
        "accountHolderName": "Gi Sun", "cardNumber": "4111111111111111",
        "cardType": {"code": "visa"}, "expiryMonth": "12", "expiryYear": "2035",
        "billingAddress": address})
    order = buyer.post(f"orgUsers/current/orders?cartId={code}&termsChecked=true").get_json()
    assert order["status"] == "PENDING_APPROVAL", order
    return next(a.code for a in sapcc.runtime.db.state.b2b_approvals.values()
                if a.order == order["code"])


@pytest.mark.parametrize("caller, user, column, status, error",
                         list(rows(B2B_BUYING_MATRIX, B2B_BUYING_COLUMNS)))
def test_b2b_buying_policy(sapcc, caller, user, column, status, error):
    token = sapcc.customer_token(B2B_BUYING_USERS[caller[4:]], "pw4all") \
        if caller.startswith("b2b-") else token_for(sapcc, caller)
    occ = spec.Client(sapcc.client, site="powertools-spa", token=token)
    uid = B2B_BUYING_USERS.get(user, user)
    on_behalf = {"sap-commerce-cloud-user-id": uid} if uid != "current" else {}
    approvals = f"users/{uid}/orderapprovals"

    def decide():
        code = pending_approval(sapcc)
        return occ.post(f"{approvals}/{code}/decision",
                        json={"decision": "APPROVE", "comment": "fine"})
    response = {
        "b2b_approvals": lambda: occ.get(approvals),
        "b2b_approval_decision": decide,
        "b2b_branch_orders": lambda: occ.get(f"orgUsers/{uid}/orgUnits/orders"),
        "b2b_account_summary": lambda: occ.get(f"users/{uid}/orgUnits/Custom Retail/"
                                               "accountSummary"),
        "b2b_future_stocks": lambda: occ.get(f"users/{uid}/futureStocks/2226370"),
        "b2b_order_forms": lambda: occ.get("orderforms", headers=on_behalf),
    }[column]()
    assert response.status_code == status, response.get_data(as_text=True)
    if error:
        assert response.get_json()["errors"][0]["type"] == error
    elif column == "b2b_approval_decision":
        assert response.get_json()["decision"] == "APPROVE"
    elif column == "b2b_future_stocks":
        assert len(response.get_json()["futureStocks"]) == 2
