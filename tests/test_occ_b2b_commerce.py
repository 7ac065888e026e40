"""B2B buying beside the organization on ``powertools-spa`` over HTTP: the current cart, a
cart from a past order, the unit-level orders of one's branch (the right
``unitorderviewergroup``), a product with its volume prices, future stocks, order forms, and a
registration request the merchant approves. Schema-checked; and every operation of issue 15's
tags is implemented."""
from __future__ import annotations

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

SITE = "powertools-spa"
ADMIN = "linda.wolf@rustic-hw.com"
OTHER_ADMIN = "carla.torres@rustic-hw.com"
MANAGER = "hanna.schmidt@rustic-hw.com"  # Rustic Retail, with unitorderviewergroup
BUYER = "mark.rivers@rustic-hw.com"  # Custom Retail (under Rustic Retail)
OUTLET_BUYER = "ulf.becker@rustic-hw.com"  # Custom Retail Outlets (under Custom Retail)
EAST_BUYER = "akiro.nakamura@rustic-hw.com"  # Services East
DRILL = "3881018"  # 189.00, 179.00 from 10, 169.00 from 50
SANDER = "2226370"  # 4 in stock, restocked twice
ADDRESS = {"firstName": "Mark", "lastName": "Rivers", "line1": "Main Street 1", "town": "Boston",
           "postalCode": "02110", "country": {"isocode": "US"}}
CARD = {"accountHolderName": "Mark Rivers", "cardNumber": "4111111111111111",
        "cardType": {"code": "visa"}, "expiryMonth": "12", "expiryYear": "2035",
        "billingAddress": ADDRESS}


def place(buyer, entries: dict[str, int]) -> dict:
    code = buyer.post("users/current/carts").get_json()["code"]
    assert buyer.post(f"orgUsers/current/carts/{code}/entries/", json={"orderEntries": [
        {"product": {"code": p}, "quantity": q} for p, q in entries.items()]}).status_code == 200
    address = buyer.post("users/current/addresses", json=ADDRESS).get_json()["id"]
    buyer.put(f"orgUsers/current/carts/{code}/addresses/delivery?addressId={address}")
    buyer.put(f"users/current/carts/{code}/deliverymode?deliveryModeId=standard-gross")
    buyer.post(f"users/current/carts/{code}/paymentdetails", json=CARD)
    response = buyer.post(f"orgUsers/current/orders?cartId={code}&termsChecked=true")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


# -- every operation of the tags -----------------------------------------------------------------

#: issue 15's tags: organization management, B2B checkout and approvals, replenishment, quotes,
#: order forms, account summary and invoices
TAGS = ("Organizational Unit Management", "Organizational Unit Customer Management",
        "Organizational Unit User Groups", "Budget Management", "B2B Cost Centers",
        "Order Approval Permissions", "Order Approval Permission Types", "Order Approvals",
        "B2B Users", "Organizational Unit Account Summary", "Invoices", "B2B Carts",
        "B2B Orders", "B2B Products", "B2B Miscs", "B2B Categories", "Future Stocks",
        "Order Forms", "Replenishment Order", "Quotes")


def test_every_operation_of_the_b2b_tags_is_implemented(sapcc):
    from fakesapcc.api.operations import implemented

    served = {op["operationId"] for op in implemented(sapcc.app)}
    tags = {op["tag"] for op in spec.operations()}
    assert set(TAGS) <= tags, set(TAGS) - tags
    missing = sorted(f"{op['tag']}: {op['operationId']}" for op in spec.operations()
                     if op["tag"] in TAGS and op["operationId"] not in served)
    assert missing == [], "not implemented:\n" + "\n".join(missing)


# -- the current cart --------------------------------------------------------------------------


def test_the_current_cart(as_user, sapcc_client):
    buyer = as_user(BUYER)
    assert spec.error(buyer.get("users/current/carts/current"), 400)["type"] == "CartError"
    code = buyer.post("users/current/carts").get_json()["code"]
    assert buyer.get("users/current/carts/current").get_json()["code"] == code
    anonymous = spec.Client(sapcc_client, site="electronics-spa")
    assert spec.error(anonymous.get("users/anonymous/carts/current"), 401)[
        "type"] == "UnauthorizedError"


# -- reorder ---------------------------------------------------------------------------------


def test_a_cart_from_a_past_order(as_user, sapcc):
    buyer = as_user(BUYER)
    order = place(buyer, {DRILL: 2, SANDER: 3})
    # another buyer takes the sander's stock but one
    other = as_user("gi.sun@rustic-hw.com")
    place(other, {SANDER: 1})
    created = buyer.post(f"orgUsers/current/cartFromOrder?orderCode={order['code']}")
    assert created.status_code == 201 and created.headers["Location"] == "/current"
    [change] = created.get_json()["cartModifications"]
    assert (change["statusCode"], change["quantity"], change["quantityAdded"]) == (
        "noStock", 3, 0)
    cart = buyer.get("users/current/carts/current").get_json()
    assert [(e["product"]["code"], e["quantity"]) for e in cart["entries"]] == [(DRILL, 2)]
    # only one's own orders
    assert spec.error(other.post(f"orgUsers/current/cartFromOrder?orderCode={order['code']}"),
                      400)["type"] == "UnknownIdentifierError"
    assert spec.error(buyer.post("orgUsers/current/cartFromOrder"), 400)[
        "type"] == "MissingServletRequestParameterError"


def test_a_reordered_cart_keeps_the_account_and_cost_center(as_user, sapcc):
    buyer = as_user(OUTLET_BUYER)
    code = buyer.post("users/current/carts").get_json()["code"]
    buyer.post(f"orgUsers/current/carts/{code}/entries/",
               json={"orderEntries": [{"product": {"code": DRILL}, "quantity": 1}]})
    buyer.put(f"users/current/carts/{code}/paymenttype?paymentType=ACCOUNT"
              "&purchaseOrderNumber=PO-77")
    buyer.put(f"users/current/carts/{code}/costcenter?costCenterId=Retail_Outlets")
    unit_address = next(pk for pk, a in sapcc.runtime.db.state.addresses.items()
                        if a.owner == "Custom Retail Outlets")
    buyer.put(f"orgUsers/current/carts/{code}/addresses/delivery?addressId={unit_address}")
    buyer.put(f"users/current/carts/{code}/deliverymode?deliveryModeId=standard-gross")
    order = buyer.post(f"orgUsers/current/orders?cartId={code}&termsChecked=true").get_json()
    assert buyer.post(f"orgUsers/current/cartFromOrder?orderCode={order['code']}"
                      ).get_json() == {"cartModifications": []}
    cart = buyer.get("users/current/carts/current?fields=FULL").get_json()
    assert cart["code"] != code
    assert (cart["paymentType"]["code"], cart["purchaseOrderNumber"],
            cart["costCenter"]["code"]) == ("ACCOUNT", "PO-77", "Retail_Outlets")


# -- the branch's orders ---------------------------------------------------------------------


def test_the_orders_of_the_branch(as_user):
    mine = place(as_user(MANAGER), {DRILL: 1})
    below = place(as_user(BUYER), {DRILL: 1})
    deeper = place(as_user(OUTLET_BUYER), {DRILL: 1})
    elsewhere = place(as_user(EAST_BUYER), {DRILL: 1})
    manager = as_user(MANAGER)
    response = manager.get("orgUsers/current/orgUnits/orders?fields=FULL")
    history = response.get_json()
    codes = [o["code"] for o in history["orders"]]
    assert set(codes) == {mine["code"], below["code"], deeper["code"]}
    assert elsewhere["code"] not in codes
    assert response.headers["X-Total-Count"] == "3"
    assert history["pagination"]["totalResults"] == 3
    by_user = manager.get(f"orgUsers/current/orgUnits/orders?filters=::user:{OUTLET_BUYER}")
    assert [o["code"] for o in by_user.get_json()["orders"]] == [deeper["code"]]
    by_unit = manager.get("orgUsers/current/orgUnits/orders?filters=::unit:Custom%25")
    assert {o["code"] for o in by_unit.get_json()["orders"]} == {below["code"], deeper["code"]}
    detail = manager.get(f"orgUsers/current/orgUnits/orders/{deeper['code']}").get_json()
    assert detail["code"] == deeper["code"]
    assert spec.error(manager.get(f"orgUsers/current/orgUnits/orders/{elsewhere['code']}"),
                      400)["type"] == "UnknownIdentifierError"
    assert spec.error(manager.get("orgUsers/current/orgUnits/orders?statuses=NOPE"), 400)[
        "type"] == "ValidationError"
    assert spec.error(manager.get("orgUsers/current/orgUnits/orders?filters=::color:red"), 400)[
        "type"] == "ValidationError"
    # the right, not the role: a buyer, an approver, even the administrator without it → 401
    for uid in (BUYER, "william.hunter@rustic-hw.com", ADMIN):
        assert spec.error(as_user(uid).get("orgUsers/current/orgUnits/orders"), 401)[
            "type"] == "AccessDeniedError"


def test_the_administrator_grants_the_right_to_view_unit_level_orders(as_user):
    order = place(as_user(OUTLET_BUYER), {DRILL: 1})
    admin = as_user(ADMIN)
    granted = admin.patch(f"users/current/orgCustomers/{BUYER}",
                          json={"roles": ["b2bcustomergroup", "unitorderviewergroup"]})
    assert granted.status_code == 204, granted.get_data(as_text=True)
    buyer = as_user(BUYER)
    orders = buyer.get("orgUsers/current/orgUnits/orders").get_json()["orders"]
    assert [o["code"] for o in orders] == [order["code"]]
    assert buyer.get("orgUsers/current").get_json()["roles"] == [
        "b2bcustomergroup", "unitorderviewergroup"]


def test_a_disabled_unit_hides_its_orders_from_all_but_the_administrators(as_user, sapcc):
    order = place(as_user(OUTLET_BUYER), {DRILL: 1})
    manager = as_user(MANAGER)
    codes = lambda: {o["code"] for o in manager.get(  # noqa: E731
        "orgUsers/current/orgUnits/orders").get_json()["orders"]}
    assert order["code"] in codes()
    assert as_user(ADMIN).patch("users/current/orgUnits/Custom Retail Outlets",
                                json={"active": False}).status_code == 204
    assert order["code"] not in codes()


# -- a product with its volume prices -------------------------------------------------------------


def test_the_org_product_has_volume_prices(as_user):
    buyer = as_user(BUYER)
    product = buyer.get(f"orgProducts/{DRILL}?fields=price(DEFAULT),volumePrices(FULL),"
                        "volumePricesFlag").get_json()
    assert product["volumePricesFlag"] is True
    assert [(p["value"], p["minQuantity"], p.get("maxQuantity"))
            for p in product["volumePrices"]] == [(189.0, 1, 9), (179.0, 10, 49), (169.0, 50, None)]
    assert product["price"]["value"] == 189.0
    single = buyer.get("orgProducts/1128763?fields=volumePrices(FULL),volumePricesFlag").get_json()
    assert single == {"volumePricesFlag": False, "volumePrices": []} or \
        single == {"volumePricesFlag": False}
    assert spec.error(buyer.get("orgProducts/nothing"), 400)["type"] == "UnknownIdentifierError"


def test_org_products_are_the_b2b_sites(sapcc_client):
    b2c = spec.Client(sapcc_client)
    assert spec.error(b2c.get("orgProducts/300938"), 401)["type"] == "AccessDeniedError"


# -- future stocks ---------------------------------------------------------------------------


def test_future_stocks(as_user, sapcc):
    buyer = as_user(BUYER)
    one = buyer.get(f"users/current/futureStocks/{SANDER}").get_json()
    assert one["productCode"] == SANDER
    assert [(f["stock"]["stockLevel"], f["formattedDate"]) for f in one["futureStocks"]] == [
        (50, "15/03/2050"), (85, "15/06/2050")]
    assert one["futureStocks"][0]["date"].startswith("2050-03-15T00:00:00")
    many = buyer.get(f"users/current/futureStocks?productCodes={DRILL},{SANDER},1128763"
                     ).get_json()["productFutureStocks"]
    assert [(p["productCode"], len(p["futureStocks"])) for p in many] == [
        (DRILL, 1), (SANDER, 2), ("1128763", 0)]
    assert spec.error(buyer.get("users/current/futureStocks/999999"), 400) == {
        "type": "UnknownIdentifierError", "message": "Product with code '999999' not found!"}
    assert spec.error(buyer.get(f"users/current/futureStocks?productCodes={DRILL},999999"),
                      400)["message"] == "Product with code '999999' not found!"
    assert spec.error(buyer.get("users/current/futureStocks"), 400)[
        "type"] == "MissingServletRequestParameterError"
    full = buyer.get(f"orgProducts/{SANDER}?fields=futureStocks(FULL)").get_json()
    assert [f["stock"]["stockLevel"] for f in full["futureStocks"]] == [50, 85]


def test_future_stocks_need_a_customer(sapcc_client, sapcc):
    occ = spec.Client(sapcc_client)
    assert spec.error(occ.get("users/current/futureStocks/300938"), 401)[
        "type"] == "UnauthorizedError"
    assert spec.error(occ.get("users/anonymous/futureStocks/300938"), 401)[
        "type"] == "AccessDeniedError"
    trusted = sapcc.client_token(("trusted_client", "secret"))
    assert occ.get("users/anonymous/futureStocks/300938", token=trusted).get_json() == {
        "productCode": "300938", "futureStocks": []}


# -- order forms -------------------------------------------------------------------------------


FORM = {"code": "weekly-tools", "description": "Weekly tools", "currency": {"isocode": "USD"},
        "entries": [{"sku": DRILL, "quantity": 2}, {"sku": SANDER, "quantity": 1}]}


def test_order_forms(as_user):
    buyer = as_user(BUYER)
    assert buyer.get("orderforms").get_json() == {"orderForms": []} or \
        buyer.get("orderforms").get_json() == {}
    created = buyer.post("orderforms", json=FORM)
    assert created.status_code == 201 and created.get_data() == b""
    form = buyer.get("orderforms/weekly-tools").get_json()
    assert (form["code"], form["description"], form["currency"]["isocode"],
            form["user"]["uid"], form["entries"]) == (
        "weekly-tools", "Weekly tools", "USD", BUYER, FORM["entries"])
    assert spec.error(buyer.post("orderforms", json=FORM), 400)["type"] == "AlreadyExistsError"
    # a form is its owner's
    assert spec.error(as_user("gi.sun@rustic-hw.com").get("orderforms/weekly-tools"), 404)[
        "type"] == "NotFoundError"
    # PUT without entries keeps them; with entries replaces them
    kept = buyer.put("orderforms/weekly-tools", json={"description": "Every week"}).get_json()
    assert (kept["description"], len(kept["entries"])) == ("Every week", 2)
    replaced = buyer.put("orderforms/weekly-tools",
                         json={"entries": [{"sku": DRILL, "quantity": 5}]}).get_json()
    assert replaced["entries"] == [{"sku": DRILL, "quantity": 5}]
    # into the current cart: quantities add up
    code = buyer.post("users/current/carts").get_json()["code"]
    buyer.post(f"orgUsers/current/carts/{code}/entries/",
               json={"orderEntries": [{"product": {"code": DRILL}, "quantity": 1}]})
    assert buyer.post("orderforms/weekly-tools/cart").status_code == 204
    cart = buyer.get(f"users/current/carts/{code}").get_json()
    assert [(e["product"]["code"], e["quantity"]) for e in cart["entries"]] == [(DRILL, 6)]
    assert [f["code"] for f in buyer.get("orderforms").get_json()["orderForms"]] == [
        "weekly-tools"]
    assert buyer.delete("orderforms/weekly-tools").status_code == 204
    assert spec.error(buyer.get("orderforms/weekly-tools"), 404)["type"] == "NotFoundError"
    assert spec.error(buyer.delete("orderforms/weekly-tools"), 404)["type"] == "NotFoundError"


def test_order_form_validation_changes_nothing(as_user):
    buyer = as_user(BUYER)
    missing = spec.errors(buyer.post("orderforms", json={"description": "x"}), 400)
    assert {e["subject"] for e in missing} >= {"code", "entries"}
    assert spec.error(buyer.post("orderforms", json={**FORM, "entries": [
        {"sku": "nothing", "quantity": 1}]}), 400)["type"] == "UnknownIdentifierError"
    assert spec.error(buyer.post("orderforms", json={**FORM, "currency": {"isocode": "XXX"}}),
                      400)["subject"] == "currency.isocode"
    assert spec.errors(buyer.post("orderforms", json={**FORM, "entries": [
        {"sku": DRILL, "quantity": 0}]}), 400)[0]["type"] == "ValidationError"
    assert buyer.post("orderforms", json=FORM).status_code == 201
    bad = buyer.put("orderforms/weekly-tools", json={"description": "changed", "entries": [
        {"sku": "nothing", "quantity": 1}]})
    assert spec.error(bad, 400)["type"] == "UnknownIdentifierError"
    assert buyer.get("orderforms/weekly-tools").get_json()["description"] == "Weekly tools"


def test_order_forms_need_a_user(sapcc_client, sapcc):
    occ = spec.Client(sapcc_client, site=SITE)
    assert spec.error(occ.get("orderforms", token=sapcc.client_token()), 401)[
        "type"] == "AccessDeniedError"


# -- registration requests -------------------------------------------------------------------


REGISTRATION = {"titleCode": "mr", "firstName": "Oscar", "lastName": "Nilsson",
                "email": "oscar.nilsson@rustic-hw.com",
                "message": "Please create an account for me. Department: Retail."}


def test_a_registration_request_waits_for_the_merchant(sapcc, sapcc_client):
    occ = spec.Client(sapcc_client, site=SITE, token=sapcc.client_token())
    created = occ.post("orgUsers", json=REGISTRATION)
    assert created.status_code == 201 and created.get_data() == b""
    assert spec.error(occ.post("orgUsers", json=REGISTRATION), 400)["type"] == "AlreadyExistsError"
    assert spec.error(occ.post("orgUsers", json={**REGISTRATION, "email": BUYER}), 400)[
        "type"] == "AlreadyExistsError"
    invalid = spec.errors(occ.post("orgUsers", json={"email": "not-an-email", "titleCode": "x"}),
                          400)
    assert {e["subject"] for e in invalid} == {"email", "firstName", "lastName", "titleCode"}
    assert spec.error(spec.Client(sapcc_client, site=SITE).post("orgUsers", json=REGISTRATION),
                      401)["type"] == "AccessDeniedError"
    # the merchant's side: the control plane lists the requests and decides
    [request] = sapcc.client.get("/_fakesapcc/b2b/registrations").get_json()["registrations"]
    assert (request["email"], request["status"], request["message"]) == (
        REGISTRATION["email"], "PENDING", REGISTRATION["message"])
    approved = sapcc.client.post(f"/_fakesapcc/b2b/registrations/{request['code']}/approve",
                                 json={"unit": "Custom Retail"})
    assert approved.status_code == 200, approved.get_data(as_text=True)
    assert approved.get_json()["status"] == "APPROVED"
    admin = spec.Client(sapcc_client, site=SITE,
                        token=sapcc.customer_token(ADMIN, "pw4all"))
    user = admin.get(f"users/current/orgCustomers/{REGISTRATION['email']}").get_json()
    assert (user["orgUnit"]["uid"], user["roles"], user["name"]) == (
        "Custom Retail", ["b2bcustomergroup"], "Oscar Nilsson")
    again = sapcc.client.post(f"/_fakesapcc/b2b/registrations/{request['code']}/reject",
                              json={"reason": "late"})
    assert again.status_code == 400


# -- invoices ----------------------------------------------------------------------------------


def place_on_account(sapcc, buyer, drills: int = 1, po: str = "PO-9") -> dict:
    code = buyer.post("users/current/carts").get_json()["code"]
    buyer.post(f"orgUsers/current/carts/{code}/entries/",
               json={"orderEntries": [{"product": {"code": DRILL}, "quantity": drills}]})
    buyer.put(f"users/current/carts/{code}/paymenttype?paymentType=ACCOUNT"
              f"&purchaseOrderNumber={po}")
    buyer.put(f"users/current/carts/{code}/costcenter?costCenterId=Custom_Retail")
    unit_address = next(pk for pk, a in sapcc.runtime.db.state.addresses.items()
                        if a.owner == "Custom Retail")
    buyer.put(f"orgUsers/current/carts/{code}/addresses/delivery?addressId={unit_address}")
    buyer.put(f"users/current/carts/{code}/deliverymode?deliveryModeId=standard-gross")
    order = buyer.post(f"orgUsers/current/orders?cartId={code}&termsChecked=true&fields=FULL")
    assert order.status_code == 200, order.get_data(as_text=True)
    return order.get_json()


def test_an_order_is_invoiced_when_it_ships(as_user, sapcc):
    buyer = as_user(BUYER)
    order = place_on_account(sapcc, buyer)
    invoices = f"users/current/orders/{order['code']}/invoices"
    empty = buyer.get(invoices).get_json()
    assert empty.get("invoices", []) == [] and empty["pagination"]["totalCount"] == 0
    sapcc.fulfil_order(order["code"], "SHIPPED")
    [invoice] = buyer.get(invoices).get_json()["invoices"]
    assert (invoice["invoiceId"], invoice["externalSystemId"], invoice["totalAmount"]["value"]) \
        == (f"9{order['code']}", "S4SALES", order["totalPriceWithTax"]["value"])
    assert invoice["netAmount"]["value"] == round(
        order["totalPriceWithTax"]["value"] - order["totalTax"]["value"], 2)
    pdf = buyer.get(f"{invoices}/{invoice['invoiceId']}/download")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"] == f'attachment; filename="{invoice["invoiceId"]}.pdf"'
    assert spec.error(buyer.get(f"{invoices}/nothing/download"), 404)["type"] == "NotFoundError"
    assert spec.error(buyer.get(f"{invoices}/{invoice['invoiceId']}/download"
                                "?externalSystemId=ERP2"), 404)["type"] == "NotFoundError"
    assert spec.error(buyer.get(f"{invoices}?sort=byColour"), 400)["type"] == "ValidationError"
    other = as_user("gi.sun@rustic-hw.com")
    assert spec.error(other.get(invoices), 400)[
        "type"] == "UnknownIdentifierError"


# -- the account summary -----------------------------------------------------------------------

SUMMARY = "users/current/orgUnits/Custom Retail/accountSummary"
DOCUMENTS = "users/current/orgUnits/Custom Retail/orgDocuments"


def test_the_account_summary_of_a_unit(as_user, sapcc):
    admin = as_user(ADMIN)
    summary = admin.get(SUMMARY).get_json()
    assert (summary["orgUnit"], summary["creditLimit"], summary["accountManagerName"],
            summary["accountManagerEmail"]) == (
        {"uid": "Custom Retail", "name": "Custom Retail"}, "$15,000.00", "Elke Vogel",
        "elke.vogel@rustic-hw.com")
    # open: 400 (past due since 2020) - 150 (credit note) + 75 (debit note, due 2050)
    balance = summary["amountBalance"]
    assert (balance["openBalance"], balance["pastDueBalance"], balance["currentBalance"]) == (
        "$325.00", "$400.00", "-$75.00")
    assert [(r["dayRange"].get("minBoundary"), r["dayRange"].get("maxBoundary"), r["amount"])
            for r in balance["dueBalances"]] == [
        (1, 30, "$0.00"), (31, 60, "$0.00"), (61, 90, "$0.00"), (91, None, "$400.00")]
    # an order on account, shipped: a new open invoice, past due after thirty days
    order = place_on_account(sapcc, as_user(BUYER), drills=2)
    sapcc.fulfil_order(order["code"], "SHIPPED")
    total = order["totalPriceWithTax"]["value"]
    sapcc.advance_clock(45 * 86400)
    later = as_user(ADMIN).get(SUMMARY).get_json()["amountBalance"]  # a new day, a new token
    assert later["dueBalances"][0]["amount"] == f"${total:,.2f}"
    assert later["pastDueBalance"] == f"${400 + total:,.2f}"


def test_the_documents_of_a_unit(as_user, sapcc):
    admin = as_user(ADMIN)
    listed = admin.get(DOCUMENTS).get_json()
    assert [d["id"] for d in listed["orgDocuments"]] == [
        "INPG-00100001", "CRNC-00100001", "DBNT-00100001", "POCR-00100001"]
    first = listed["orgDocuments"][0]
    assert (first["orgDocumentType"], first["status"], first["createdAtDate"],
            first["dueAtDate"], first["formattedAmount"], first["openAmount"],
            first["attachments"]) == (
        {"code": "INVOICE", "name": "Invoice"}, "open", "2020-03-01", "2020-03-31",
        "$1,200.00", 400.0, [{"id": "INPG-00100001"}])
    assert {t["code"] for t in listed["orgDocumentTypes"]} >= {"INVOICE", "CREDIT_NOTE"}
    assert listed["pagination"]["totalResults"] == 4
    everything = admin.get(f"{DOCUMENTS}?status=all&sort=byOriginalAmountDesc").get_json()
    assert [d["id"] for d in everything["orgDocuments"]][:2] == ["POCR-00100001",
                                                                 "INPG-00100001"]
    closed = admin.get(f"{DOCUMENTS}?status=closed").get_json()["orgDocuments"]
    assert [d["id"] for d in closed] == ["INPG-00100002"]
    by_type = admin.get(f"{DOCUMENTS}?status=all&filterByKey=orgDocumentType"
                        "&filterByValue=INVOICE").get_json()["orgDocuments"]
    assert [d["id"] for d in by_type] == ["INPG-00100001", "INPG-00100002"]
    by_amount = admin.get(f"{DOCUMENTS}?filterByKey=amountRange&startRange=100&endRange=1500"
                          ).get_json()["orgDocuments"]
    assert [d["id"] for d in by_amount] == ["INPG-00100001", "CRNC-00100001"]
    in_2020 = admin.get(f"{DOCUMENTS}?status=all&filterByKey=createdAtDateRange"
                        "&startRange=04/01/2020&endRange=12/31/2020").get_json()["orgDocuments"]
    assert [d["id"] for d in in_2020] == ["INPG-00100002", "CRNC-00100001"]
    paged = admin.get(f"{DOCUMENTS}?pageSize=3&page=1").get_json()
    assert [d["id"] for d in paged["orgDocuments"]] == ["POCR-00100001"]
    for bad in ("status=pending", "sort=byColour", "filterByKey=colour",
                "filterByKey=dueAtDateRange&startRange=2020-01-01"):
        assert spec.error(admin.get(f"{DOCUMENTS}?{bad}"), 400)["type"] == "ValidationError", bad
    pdf = admin.get(f"{DOCUMENTS}/INPG-00100001/attachments/INPG-00100001")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert spec.error(admin.get(f"{DOCUMENTS}/INPG-00100001/attachments/other"), 404)[
        "type"] == "NotFoundError"
    assert spec.error(admin.get(f"{DOCUMENTS}/NOPE/attachments/NOPE"), 404)[
        "type"] == "NotFoundError"


def test_only_the_units_administrator_reads_its_account(as_user, sapcc, sapcc_client):
    assert spec.error(as_user(OTHER_ADMIN).get(SUMMARY), 404)["type"] == "NotFoundError"
    for uid in (BUYER, MANAGER, "william.hunter@rustic-hw.com"):
        assert spec.error(as_user(uid).get(SUMMARY), 401)["type"] == "AccessDeniedError"
    trusted = spec.Client(sapcc_client, site=SITE,
                          token=sapcc.client_token(("trusted_client", "secret")))
    assert spec.error(trusted.get(SUMMARY.replace("current", ADMIN)), 401)[
        "type"] == "AccessDeniedError"
