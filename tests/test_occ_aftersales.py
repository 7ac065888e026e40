"""After sales as a storefront runs it, black box over HTTP and schema-checked against SAP's
document (tests/spec.py): save → list → restore a cart; place → fulfil → return → cancel the
return; place → cancel; forgotten password → outbox → reset → log in with the new password;
the order lifecycle on the control plane and on the server clock; consignment tracking."""
from __future__ import annotations

import pytest
import requests

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

SITE = "electronics-spa"
CUSTOMER = "mark.rivers@pronto-hw.com"
OTHER = "emily.chen@example.ca"
CARD = {"accountHolderName": "Mark Rivers", "cardNumber": "4111111111111111", "cardType": {"code": "visa"},
        "expiryMonth": "12", "expiryYear": "2031", "billingAddress": {
            "firstName": "Mark", "lastName": "Rivers", "line1": "Market Street 1", "town": "San Francisco",
            "postalCode": "94103", "country": {"isocode": "US"}}}
ORDER_FIELDS = "FULL"


@pytest.fixture
def occ(sapcc, sapcc_client):
    return spec.Client(sapcc_client, token=sapcc.customer_token(CUSTOMER))


def new_cart(occ, entries=(("300938", 2), ("1382080", 1))):
    code = occ.post("users/current/carts", json={}).get_json()["code"]
    for product, quantity in entries:
        added = occ.post(f"users/current/carts/{code}/entries",
                         json={"quantity": quantity, "product": {"code": product}})
        assert added.status_code == 200, added.get_data(as_text=True)
    return code


def place(occ, entries=(("300938", 2), ("1382080", 1))):
    code = new_cart(occ, entries)
    address = occ.get("users/current/addresses").get_json()["addresses"][0]["id"]
    occ.put(f"users/current/carts/{code}/addresses/delivery?addressId={address}")
    occ.put(f"users/current/carts/{code}/deliverymode?deliveryModeId=standard-gross")
    occ.post(f"users/current/carts/{code}/paymentdetails", json=CARD)
    order = occ.post(f"users/current/orders?cartId={code}&fields=FULL")
    assert order.status_code == 201, order.get_data(as_text=True)
    return order.get_json()


def order_of(occ, code):
    return occ.get(f"users/current/orders/{code}?fields={ORDER_FIELDS}").get_json()


# -- Save Cart -----------------------------------------------------------------------------------


def test_save_list_restore_a_cart(sapcc, occ):
    code = new_cart(occ)
    saved = occ.patch(f"users/current/carts/{code}/savedCart?fields=FULL",
                      json={"name": "For later", "description": "Birthday"})
    assert saved.status_code == 200
    data = saved.get_json()["savedCartData"]
    assert (data["code"], data["name"], data["description"]) == (code, "For later", "Birthday")
    assert data["saveTime"] and data["savedBy"]["uid"] == CUSTOMER
    assert data["expirationTime"] > data["saveTime"]
    listed = occ.get("users/current/carts?savedCartsOnly=true&fields=carts(code,name,saveTime)").get_json()
    assert [c["code"] for c in listed["carts"]] == [code]
    # a saved cart is not the current cart
    assert spec.error(occ.get("users/current/carts/current"), 400)["type"] == "CartError"
    read = occ.get(f"users/current/carts/{code}/savedcart").get_json()["savedCartData"]
    assert read["code"] == code and read["entries"]
    restored = occ.patch(f"users/current/carts/{code}/restoresavedcart?fields=FULL").get_json()
    assert restored["savedCartData"]["code"] == code and "saveTime" not in restored["savedCartData"]
    assert occ.get("users/current/carts/current").get_json()["code"] == code
    assert occ.get("users/current/carts?savedCartsOnly=true").get_json()["carts"] == []


def test_the_deprecated_save_clone_and_copy(occ):
    code = new_cart(occ)
    saved = occ.patch(f"users/current/carts/{code}/save?saveCartName=Mine&fields=FULL").get_json()
    assert saved["savedCartData"]["name"] == "Mine"
    assert saved["savedCartData"]["description"] == "-"
    clone = occ.post(f"users/current/carts/{code}/clonesavedcart?name=Copy&fields=FULL").get_json()
    copied = occ.post(f"users/current/carts/{code}/copySavedCart?fields=FULL", json={}).get_json()
    assert clone["savedCartData"]["name"] == "Copy" and copied["savedCartData"]["name"] == "Mine"
    codes = {code, clone["savedCartData"]["code"], copied["savedCartData"]["code"]}
    assert len(codes) == 3
    assert len(clone["savedCartData"]["entries"]) == 2
    listed = occ.get("users/current/carts?savedCartsOnly=true").get_json()["carts"]
    assert {c["code"] for c in listed} == codes


def test_flag_for_deletion_makes_it_an_ordinary_cart(occ):
    code = new_cart(occ)
    occ.patch(f"users/current/carts/{code}/savedCart", json={"name": "x"})
    flagged = occ.patch(f"users/current/carts/{code}/flagForDeletion?fields=FULL").get_json()
    assert "saveTime" not in flagged["savedCartData"] and "name" not in flagged["savedCartData"]
    assert occ.get("users/current/carts?savedCartsOnly=true").get_json()["carts"] == []


def test_saved_carts_expire_on_the_server_clock(sapcc, occ):
    code = new_cart(occ)
    occ.patch(f"users/current/carts/{code}/savedCart", json={})
    sapcc.advance_clock(29 * 86400)
    occ.token = sapcc.customer_token(CUSTOMER)  # the old one expired meanwhile
    assert len(occ.get("users/current/carts?savedCartsOnly=true").get_json()["carts"]) == 1
    sapcc.advance_clock(2 * 86400)
    occ.token = sapcc.customer_token(CUSTOMER)
    assert occ.get("users/current/carts?savedCartsOnly=true").get_json()["carts"] == []
    assert spec.error(occ.get(f"users/current/carts/{code}/savedcart"), 400)["type"] == "CartError"
    other = new_cart(occ, (("300938", 1),))
    occ.patch(f"users/current/carts/{other}/savedCart", json={})  # a write purges the expired
    assert code not in sapcc.runtime.db.state.carts


def test_save_cart_errors(sapcc, sapcc_client, occ):
    assert spec.error(occ.patch("users/current/carts/99999999/savedCart", json={}), 400)["type"] == "CartError"
    guid = spec.Client(sapcc_client).post("users/anonymous/carts", json={}).get_json()["guid"]
    anonymous = spec.Client(sapcc_client)
    err = spec.error(anonymous.patch(f"users/anonymous/carts/{guid}/savedCart", json={}), 400)
    assert err == {"type": "CommerceSaveCartError", "message": f"Cannot find a cart for code [{guid}]"}
    assert spec.error(anonymous.get(f"users/anonymous/carts/{guid}/savedcart"), 400)["type"] == \
        "CommerceSaveCartError"
    code = new_cart(occ)
    assert spec.error(occ.patch(f"users/current/carts/{code}/savedCart", data="[",
                                content_type="application/json"), 400)["type"] == "HttpMessageNotReadableError"
    other = spec.Client(sapcc_client, token=sapcc.customer_token(OTHER))
    assert other.patch(f"users/{CUSTOMER}/carts/{code}/savedCart", json={}).status_code in (400, 403)
    assert sapcc.runtime.db.state.carts[code].saveTime is None


# -- cancellation ------------------------------------------------------------------------------


def test_place_then_cancel_partly_then_wholly(sapcc, occ):
    order = place(occ)
    assert order["cancellable"] is True and order["returnable"] is False
    assert [e["cancellableQuantity"] for e in order["entries"]] == [2, 1]
    total = order["totalPriceWithTax"]["value"]
    cancel = occ.post(f"users/current/orders/{order['code']}/cancellation",
                      json={"cancellationRequestEntryInputs": [{"orderEntryNumber": 0, "quantity": 1}]})
    assert cancel.status_code == 200 and not cancel.data
    after = order_of(occ, order["code"])
    first = after["entries"][0]
    assert (first["quantity"], first["cancellableQuantity"], first["quantityCancelled"]) == (1, 1, 1)
    assert first["cancelledItemsPrice"]["value"] == first["basePrice"]["value"]
    assert after["totalPriceWithTax"]["value"] < total and after["status"] == "CREATED"
    rest = {"cancellationRequestEntryInputs": [{"orderEntryNumber": 0, "quantity": 1},
                                               {"orderEntryNumber": 1, "quantity": 1}],
            "cancelReason": "Plans changed"}
    assert occ.post(f"users/current/orders/{order['code']}/cancellation", json=rest).status_code == 200
    done = order_of(occ, order["code"])
    assert done["status"] == "CANCELLED" and done["cancellable"] is False
    assert {c["status"] for c in done["consignments"]} == {"CANCELLED"}
    assert done["totalPriceWithTax"]["value"] == 0
    history = occ.get("users/current/orders?statuses=CANCELLED").get_json()["orders"]
    assert [o["code"] for o in history] == [order["code"]]


def test_cancellation_errors(sapcc, sapcc_client, occ):
    order = place(occ)
    url = f"users/current/orders/{order['code']}/cancellation"
    errors = spec.errors(occ.post(url, json={"cancellationRequestEntryInputs": []}), 400)
    assert errors[0]["type"] == "ValidationError" and errors[0]["subject"] == "cancellationRequestEntryInputs"
    errors = spec.errors(occ.post(url, json={"cancellationRequestEntryInputs": [{"orderEntryNumber": 0,
                                                                                "quantity": 0}]}), 400)
    assert errors[0]["subject"] == "cancellationRequestEntryInputs[0].quantity"
    too_many = {"cancellationRequestEntryInputs": [{"orderEntryNumber": 0, "quantity": 3}]}
    assert spec.error(occ.post(url, json=too_many), 400)["type"] == "IllegalStateError"
    unknown = {"cancellationRequestEntryInputs": [{"orderEntryNumber": 7, "quantity": 1}]}
    assert spec.error(occ.post(url, json=unknown), 400)["type"] == "IllegalArgumentError"
    one = {"cancellationRequestEntryInputs": [{"orderEntryNumber": 0, "quantity": 1}]}
    other = spec.Client(sapcc_client, token=sapcc.customer_token(OTHER))
    assert spec.error(other.post(f"users/current/orders/{order['code']}/cancellation", json=one), 404) == \
        {"type": "NotFoundError", "message": "Resource not found"}
    assert order_of(occ, order["code"])["entries"][0]["quantity"] == 2  # nothing changed
    sapcc.fulfil_order(order["code"])
    assert spec.error(occ.post(url, json=one), 400)["type"] == "IllegalStateError"


# -- the lifecycle -----------------------------------------------------------------------------


def test_fulfil_moves_the_order_through_its_states(sapcc, occ):
    order = place(occ)
    code = order["code"]
    assert sapcc.fulfil_order(code, "READY")["status"] == "READY"
    assert order_of(occ, code)["cancellable"] is True
    shipped = sapcc.fulfil_order(code, "SHIPPED")  # its only consignment: the order completes
    assert {c["status"] for c in shipped["consignments"]} == {"SHIPPED"}
    assert shipped["status"] == "COMPLETED"
    view = order_of(occ, code)
    assert view["cancellable"] is False and view["returnable"] is True
    assert view["deliveryStatus"] == "SHIPPED"
    consignment = view["consignments"][0]
    assert consignment["trackingID"] and consignment["entries"][0]["shippedQuantity"] == 2
    tracking = occ.get(f"users/current/orders/{code}/consignments/{consignment['code']}/tracking").get_json()
    assert tracking["statusDisplay"] == "delivered" and tracking["trackingID"] == consignment["trackingID"]
    assert tracking["carrierDetails"]["code"] == "MockCarrier"
    assert [e["referenceCode"] for e in tracking["trackingEvents"]] == ["DELIVERED", "SHIPPED"]
    assert [e["returnableQuantity"] for e in view["entries"]] == [2, 1]
    other = place(occ, (("300938", 1),))
    done = requests.post(f"{sapcc.admin_url}/orders/{other['code']}/fulfil", timeout=10)
    assert done.status_code == 200 and done.json()["status"] == "COMPLETED"
    again = requests.post(f"{sapcc.admin_url}/orders/{code}/fulfil", json={"status": "CANCELLED"}, timeout=10)
    assert again.status_code == 409 and again.json()["errors"][0]["type"] == "IllegalStateError"


def test_fulfil_errors_and_a_warehouse_cancellation(sapcc, occ):
    assert requests.post(f"{sapcc.admin_url}/orders/nope/fulfil", timeout=10).status_code == 404
    order = place(occ)
    bad = requests.post(f"{sapcc.admin_url}/orders/{order['code']}/fulfil", json={"status": "LOST"}, timeout=10)
    assert bad.status_code == 400 and bad.json()["errors"][0]["subject"] == "status"
    assert sapcc.fulfil_order(order["code"], "CANCELLED")["status"] == "CANCELLED"
    assert order_of(occ, order["code"])["cancellable"] is False


def test_automatic_fulfilment_after_a_delay_on_the_server_clock(sapcc, occ):
    sapcc.configure({"fakesapcc.order.fulfilment.delay.seconds": "60"})
    order = place(occ)
    assert order_of(occ, order["code"])["status"] == "CREATED"
    sapcc.advance_clock(61)
    assert order_of(occ, order["code"])["status"] == "COMPLETED"
    assert occ.get("users/current/orders?statuses=COMPLETED").get_json()["orders"][0]["code"] == order["code"]


def test_tracking_errors(sapcc, occ):
    order = place(occ)
    consignment = order["consignments"][0]["code"]
    url = f"users/current/orders/{order['code']}/consignments"
    assert occ.get(f"{url}/{consignment}/tracking").get_json() == {"statusDisplay": "notShipped",
                                                                    "trackingEvents": []}
    assert spec.error(occ.get(f"{url}/nope/tracking"), 400)["type"] == "UnknownIdentifierError"
    assert spec.error(occ.get(f"users/current/orders/nope/consignments/{consignment}/tracking"), 400)["type"] == \
        "UnknownIdentifierError"


# -- return requests ---------------------------------------------------------------------------


def test_place_fulfil_return_then_cancel_the_return(sapcc, occ):
    order = place(occ)
    code = order["code"]
    sapcc.fulfil_order(code)
    body = {"orderCode": code, "returnRequestEntryInputs": [{"orderEntryNumber": 0, "quantity": 1}]}
    created = occ.post("users/current/orderReturns?fields=FULL", json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    rr = created.get_json()
    assert rr["rma"] == rr["code"] and rr["status"] == "APPROVAL_PENDING" and rr["cancellable"] is True
    entry = rr["returnEntries"][0]
    assert entry["expectedQuantity"] == 1 and entry["orderEntry"]["entryNumber"] == 0
    assert entry["refundAmount"]["value"] == order["entries"][0]["basePrice"]["value"]
    assert rr["order"]["code"] == code
    assert order_of(occ, code)["entries"][0]["returnableQuantity"] == 1
    listed = occ.get("users/current/orderReturns").get_json()
    assert [r["code"] for r in listed["returnRequests"]] == [rr["code"]]
    assert listed["pagination"]["totalResults"] == 1
    assert occ.get(f"users/current/orderReturns/{rr['code']}").get_json()["code"] == rr["code"]
    cancelled = occ.patch(f"users/current/orderReturns/{rr['code']}", json={"status": "CANCELLING"})
    assert cancelled.status_code == 200 and not cancelled.data
    read = occ.get(f"users/current/orderReturns/{rr['code']}").get_json()
    assert read["status"] == "CANCELLING" and read["cancellable"] is False
    assert order_of(occ, code)["entries"][0]["returnableQuantity"] == 2
    assert spec.error(occ.patch(f"users/current/orderReturns/{rr['code']}", json={"status": "CANCELLING"}),
                      400)["type"] == "IllegalArgumentError"
    assert sapcc.process_return(rr["code"])["status"] == "CANCELED"


def test_a_completed_return_refunds_the_order(sapcc, occ):
    order = place(occ)
    sapcc.fulfil_order(order["code"])
    body = {"orderCode": order["code"], "returnRequestEntryInputs": [{"orderEntryNumber": 1, "quantity": 1}]}
    rr = occ.post("users/current/orderReturns", json=body).get_json()
    processed = requests.post(f"{sapcc.admin_url}/returns/{rr['code']}/process", json={"status": "WAIT"},
                              timeout=10)
    assert processed.json()["status"] == "WAIT"
    assert sapcc.process_return(rr["code"])["status"] == "COMPLETED"
    entry = order_of(occ, order["code"])["entries"][1]
    assert entry["quantityReturned"] == 1 and entry["returnableQuantity"] == 0
    assert entry["returnedItemsPrice"]["value"] == entry["basePrice"]["value"]
    assert order_of(occ, order["code"])["returnable"] is True  # entry 0 still
    conflict = requests.post(f"{sapcc.admin_url}/returns/{rr['code']}/process", timeout=10)
    assert conflict.status_code == 409


def test_return_request_errors(sapcc, sapcc_client, occ):
    order = place(occ)
    code = order["code"]
    one = {"orderCode": code, "returnRequestEntryInputs": [{"orderEntryNumber": 0, "quantity": 1}]}
    assert spec.error(occ.post("users/current/orderReturns", json=one), 400)["type"] == "IllegalArgumentError"
    sapcc.fulfil_order(code)
    errors = spec.errors(occ.post("users/current/orderReturns", json={"returnRequestEntryInputs": []}), 400)
    assert {e["subject"] for e in errors} == {"orderCode", "returnRequestEntryInputs"}
    too_many = {"orderCode": code, "returnRequestEntryInputs": [{"orderEntryNumber": 0, "quantity": 5}]}
    assert spec.error(occ.post("users/current/orderReturns", json=too_many), 400)["type"] == "IllegalArgumentError"
    other = spec.Client(sapcc_client, token=sapcc.customer_token(OTHER))
    assert spec.error(other.post("users/current/orderReturns", json=one), 404)["message"] == "Resource not found"
    rr = occ.post("users/current/orderReturns", json=one).get_json()
    assert spec.error(other.get(f"users/current/orderReturns/{rr['code']}"), 404)["type"] == "NotFoundError"
    assert spec.error(occ.get("users/current/orderReturns/nope"), 404)["type"] == "NotFoundError"
    assert spec.error(occ.patch(f"users/current/orderReturns/{rr['code']}", json={"status": "COMPLETED"}),
                      400)["type"] == "HttpMessageNotReadableError"
    assert occ.patch(f"users/current/orderReturns/{rr['code']}", json={}).status_code == 200
    assert occ.get(f"users/current/orderReturns/{rr['code']}").get_json()["status"] == "APPROVAL_PENDING"
    anonymous = spec.Client(sapcc_client, token=sapcc.client_token())
    assert anonymous.get("users/anonymous/orderReturns").status_code == 401


# -- forgotten passwords -----------------------------------------------------------------------


def test_forgotten_password_outbox_reset_login(sapcc, sapcc_client):
    client = spec.Client(sapcc_client, token=sapcc.client_token())
    sent = client.post("passwordRestoreToken", json={"loginId": CUSTOMER.upper()})
    assert sent.status_code == 201 and not sent.data
    mails = requests.get(f"{sapcc.admin_url}/outbox", params={"to": CUSTOMER}, timeout=10).json()["mails"]
    assert len(mails) == 1 and mails[0]["kind"] == "ForgottenPassword"
    token = mails[0]["data"]["token"]
    assert token in mails[0]["body"] or mails[0]["data"]["link"] in mails[0]["body"]
    reset = client.post("resetpassword", json={"token": token, "newPassword": "NewPassw0rd!"})
    assert reset.status_code == 202
    assert sapcc.customer_token(CUSTOMER, "NewPassw0rd!")
    again = client.post("resetpassword", json={"token": token, "newPassword": "Other0ne!"})
    assert spec.error(again, 400)["type"] == "TokenInvalidatedError"


def test_forgotten_password_token_expiry_and_errors(sapcc, sapcc_client):
    client = spec.Client(sapcc_client, token=sapcc.client_token())
    assert client.post(f"forgottenpasswordtokens?userId={CUSTOMER}").status_code == 202
    assert client.post("forgottenpasswordtokens?userId=nobody@example.com").status_code == 202
    assert [m["to"] for m in sapcc.outbox()] == [CUSTOMER]
    token = sapcc.outbox()[0]["data"]["token"]
    sapcc.advance_clock(1801)
    err = spec.error(client.post("resetpassword", json={"token": token, "newPassword": "NewPassw0rd!"}), 400)
    assert err == {"type": "IllegalArgumentError", "message": "token expired"}
    assert spec.error(client.post("resetpassword", json={"token": token}), 400)["message"] == \
        "The field [newPassword] cannot be empty"
    errors = spec.errors(client.post("passwordRestoreToken", json={}), 400)
    assert errors[0]["type"] == "ValidationError" and errors[0]["subject"] == "loginId"
    missing = spec.error(client.post("forgottenpasswordtokens"), 400)
    assert missing["type"] == "MissingServletRequestParameterError"
    customer = spec.Client(sapcc_client, token=sapcc.customer_token(CUSTOMER))
    assert spec.error(customer.post("passwordRestoreToken", json={"loginId": CUSTOMER}), 401)["type"] == \
        "AccessDeniedError"
    assert requests.delete(f"{sapcc.admin_url}/outbox", timeout=10).status_code == 200
    assert sapcc.outbox() == []


# -- orders: the rest of the tag ---------------------------------------------------------------


def test_attachments_and_the_payment_authorized_placement(sapcc, occ):
    order = place(occ)
    listed = occ.get(f"users/current/orders/{order['code']}/attachments").get_json()
    assert listed["sapAttachments"] == [] and listed["pagination"]["totalCount"] == 0
    assert spec.error(occ.get(f"users/current/orders/{order['code']}/attachments/1/download"), 404)["type"] == \
        "NotFoundError"
    code = new_cart(occ, (("300938", 1),))
    address = occ.get("users/current/addresses").get_json()["addresses"][0]["id"]
    occ.put(f"users/current/carts/{code}/addresses/delivery?addressId={address}")
    occ.put(f"users/current/carts/{code}/deliverymode?deliveryModeId=standard-gross")
    occ.post(f"users/current/carts/{code}/paymentdetails", json=CARD)
    placed = occ.post(f"users/current/orders/paymentAuthorizedOrderPlacement?cartId={code}")
    assert placed.status_code == 201 and placed.get_json()["code"] == code


def test_an_agent_sees_the_fulfilled_order_in_customer_360(sapcc, occ):
    order = place(occ)
    sapcc.fulfil_order(order["code"])
    agent = sapcc.agent_token()
    response = requests.post(
        f"{sapcc.asm_url}/{SITE}/users/{CUSTOMER}/customer360",
        json={"customer360Queries": [{"type": "c360ActivityList"}, {"type": "c360Overview"}]},
        headers={"Authorization": f"Bearer {agent}"}, timeout=10)
    assert response.status_code == 200, response.text
    fragments = {f["type"]: f for f in response.json()["value"]}
    activities = fragments["c360ActivityList"]["activities"]
    assert {"ORDER": "COMPLETED"}.items() <= {a["type"]["code"]: a["status"]["code"] for a in activities}.items()
    assert fragments["c360Overview"]["overview"]["latestOrderCode"] == order["code"]


# -- every operation of the tags -----------------------------------------------------------------

# the tags of the B2C account and after-sales API, and the operations it names of other tags
TAGS = ("Save Cart", "Orders", "Return Requests", "Forgotten Passwords", "Customer Coupons",
        "Promotions", "Cart Promotions", "Notification Preference", "Customer Groups", "Tickets",
        "Stores", "Base Stores", "Cities", "Carts", "Cart Addresses", "Cart Payments",
        "Cart Entries", "Vouchers", "Payment Modes", "Consignment Tracking", "Site Messages",
        "Message Center", "Verification Token", "Login Notification")
OPERATIONS = ("validateAddress", "getConsentTemplates", "getConsentTemplate")


def test_every_operation_of_the_b2c_account_tags_is_implemented(sapcc):
    from fakesapcc.api.operations import implemented

    served = {op["operationId"] for op in implemented(sapcc.app)}
    tags = {op["tag"] for op in spec.operations()}
    assert set(TAGS) <= tags, f"not tags of SAP's document: {set(TAGS) - tags}"
    missing = sorted(f"{op['tag']}: {op['operationId']}" for op in spec.operations()
                     if (op["tag"] in TAGS or op["operationId"] in OPERATIONS)
                     and op["operationId"] not in served)
    assert missing == [], "not implemented:\n" + "\n".join(missing)


# -- the seed ------------------------------------------------------------------------------------


def test_the_seed_has_saved_carts_and_completed_returnable_orders(sapcc, sapcc_client):
    giulia = spec.Client(sapcc_client, token=sapcc.customer_token("giulia.rossi@example.it"))
    saved = giulia.get("users/current/carts?savedCartsOnly=true&fields=carts(name,saveTime)").get_json()
    assert [c["name"] for c in saved["carts"]] == ["Holiday photo kit", "Office"]
    [order] = giulia.get("users/current/orders").get_json()["orders"]
    full = giulia.get(f"users/current/orders/{order['code']}?fields=FULL").get_json()
    assert full["status"] == "COMPLETED" and full["returnable"] is True
    david = spec.Client(sapcc_client, token=sapcc.customer_token("david.wilson@example.com"))
    [pending] = david.get("users/current/orderReturns").get_json()["returnRequests"]
    assert (pending["rma"], pending["status"]) == ("00000001", "APPROVAL_PENDING")
    statuses = {o["status"]: o["code"] for o in david.get("users/current/orders").get_json()["orders"]}
    assert david.get(f"users/current/orders/{statuses['CREATED']}").get_json()["cancellable"] is True


def test_an_agent_acts_on_a_customers_after_sales(sapcc, sapcc_client):
    agent = spec.Client(sapcc_client, token=sapcc.agent_token())
    david = "users/david.wilson@example.com"
    assert len(agent.get(f"{david}/orderReturns").get_json()["returnRequests"]) == 1
    created = [o["code"] for o in agent.get(f"{david}/orders").get_json()["orders"] if o["status"] == "CREATED"][0]
    cancel = {"cancellationRequestEntryInputs": [{"orderEntryNumber": 0, "quantity": 1}]}
    assert agent.post(f"{david}/orders/{created}/cancellation", json=cancel).status_code == 200
    assert agent.get(f"{david}/orders/{created}").get_json()["status"] == "CANCELLED"
    response = requests.post(
        f"{sapcc.asm_url}/{SITE}/users/giulia.rossi@example.it/customer360",
        json={"customer360Queries": [{"type": "c360SavedCart"}]},
        headers={"Authorization": f"Bearer {agent.token}"}, timeout=10)
    assert response.json()["value"][0]["savedCart"]["code"]


def test_a_snapshot_keeps_the_after_sales_state(sapcc, sapcc_client):
    sapcc.configure({"fakesapcc.order.fulfilment.delay.seconds": "3600"})
    occ = spec.Client(sapcc_client, token=sapcc.customer_token(CUSTOMER))
    order = place(occ, (("300938", 1),))
    client = spec.Client(sapcc_client, token=sapcc.client_token())
    client.post("passwordRestoreToken", json={"loginId": CUSTOMER})
    snapshot = sapcc.snapshot()
    sapcc.reset()
    sapcc.restore(snapshot)
    assert [m["to"] for m in sapcc.outbox()] == [CUSTOMER]
    sapcc.advance_clock(3601)
    occ.token = sapcc.customer_token(CUSTOMER)
    assert order_of(occ, order["code"])["status"] == "COMPLETED"  # the queue came back too
