"""SAP's OCC errors, case by case (occ-api.md §2–4): status and the whole error body —
``type``, ``message``, ``reason``, ``subject``, ``subjectType`` — and every body checked against
the spec's error schema. In process (``sapcc_client``): no socket needed."""
from __future__ import annotations

import json

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

CUSTOMER = "mark.rivers@pronto-hw.com"
OTHER = "yuki.tanaka@example.jp"
CAMERA, SLR = "300938", "1382080"
OUT_OF_STOCK = "1641905"  # no free stock online, and in no store
NOT_IN_NAKANO = "358639"  # in stock online, none at the Nakano store
ADDRESS = {"titleCode": "mr", "firstName": "Mark", "lastName": "Rivers", "line1": "Folsom Street",
           "town": "San Francisco", "postalCode": "94105", "country": {"isocode": "US"}}
CARD = {"accountHolderName": "Mark Rivers", "cardNumber": "4111111111111111",
        "cardType": {"code": "visa"}, "expiryMonth": "12", "expiryYear": "2035",
        "billingAddress": ADDRESS}


@pytest.fixture
def occ(sapcc_client):
    return spec.Client(sapcc_client)


@pytest.fixture
def me(occ, customer_token):
    """The demo customer, logged in."""
    return spec.Client(occ.http, token=customer_token(CUSTOMER))


def anonymous_cart(occ, *codes: str) -> str:
    guid = occ.post("users/anonymous/carts").get_json()["guid"]
    for code in codes:
        assert occ.post(f"users/anonymous/carts/{guid}/entries",
                        json={"product": {"code": code}}).status_code == 200
    return guid


def user_cart(client, *codes: str) -> str:
    code = client.post("users/current/carts").get_json()["code"]
    for product in codes:
        assert client.post(f"users/current/carts/{code}/entries",
                           json={"product": {"code": product}}).status_code == 200
    return code


def form(**values: object) -> dict:
    return {"data": {k: str(v) for k, v in values.items()},
            "content_type": "application/x-www-form-urlencoded"}


# -- site context ------------------------------------------------------------------------------


def test_unknown_base_site(occ):
    assert spec.error(occ.get("/occ/v2/nosuchsite/products/300938"), 400) == {
        "type": "InvalidResourceError", "message": "Base site nosuchsite doesn't exist"}


def test_unsupported_language_and_currency(occ):
    assert spec.error(occ.get(f"products/{CAMERA}?lang=xx"), 400) == {
        "type": "UnsupportedLanguageError", "message": "Language  xx is not supported"}
    assert spec.error(occ.get(f"products/{CAMERA}?curr=GBP"), 400) == {
        "type": "UnsupportedCurrencyError", "message": "Currency GBP is not supported"}


def test_unknown_product(occ):
    assert spec.error(occ.get("products/nope"), 400) == {
        "type": "UnknownIdentifierError", "message": "Product with code 'nope' not found!"}


# -- cart lookup -------------------------------------------------------------------------------


def cart_not_found(cart_id: str) -> dict:
    return {"type": "CartError", "message": "Cart not found.", "reason": "notFound",
            "subject": cart_id, "subjectType": "cart"}


def test_unknown_cart(occ, me):
    assert spec.error(occ.get("users/anonymous/carts/nosuchguid"), 400) == cart_not_found("nosuchguid")
    assert spec.error(me.get("users/current/carts/99999999"), 400) == cart_not_found("99999999")


def test_another_users_cart_is_not_found(occ, me, customer_token):
    theirs = user_cart(spec.Client(occ.http, token=customer_token(OTHER)), CAMERA)
    assert spec.error(me.get(f"users/current/carts/{theirs}"), 400) == cart_not_found(theirs)


def test_a_registered_cart_through_anonymous_is_not_found(occ, me):
    code = user_cart(me, CAMERA)
    guid = me.get(f"users/current/carts/{code}").get_json()["guid"]
    assert spec.error(occ.get(f"users/anonymous/carts/{guid}"), 400) == cart_not_found(guid)
    # a logged-in user's cart goes by its code, not its guid; an anonymous cart by its guid
    assert spec.error(me.get(f"users/current/carts/{guid}"), 400) == cart_not_found(guid)
    anonymous = occ.post("users/anonymous/carts").get_json()
    assert spec.error(occ.get(f"users/anonymous/carts/{anonymous['code']}"), 400) == \
        cart_not_found(anonymous["code"])


def test_current_cart_of_a_customer_without_one(me):
    assert spec.error(me.get("users/current/carts/current"), 400) == {
        "type": "CartError", "message": "No cart created yet.", "reason": "notFound",
        "subjectType": "cart"}


def test_current_cart_of_the_anonymous_user(occ, client_token):
    assert spec.error(occ.get("users/anonymous/carts/current"), 401) == {
        "type": "UnauthorizedError",
        "message": "Full authentication is required to access this resource"}
    assert spec.error(occ.get("users/anonymous/carts/current", token=client_token()), 403) == {
        "type": "ForbiddenError", "message": "Access is denied"}


def test_only_customers_own_carts(occ, agent_token):
    """An agent calling as ``current`` acts as itself, an employee: no cart for it."""
    agent = spec.Client(occ.http, token=agent_token())
    assert spec.error(agent.get("users/current/carts/current"), 403) == {
        "type": "ForbiddenError", "message": "Access is denied"}


def test_anonymous_user_may_not_list_carts(occ, client_token):
    denied = {"type": "AccessDeniedError", "message": "Access is denied"}
    assert spec.error(occ.get("users/anonymous/carts"), 401) == denied
    assert spec.error(occ.get("users/anonymous/carts", token=client_token()), 401) == denied


# -- merge and restore -------------------------------------------------------------------------


def test_merge_errors(occ, me):
    guid = anonymous_cart(occ, CAMERA)
    assert spec.error(occ.post(f"users/anonymous/carts?oldCartId={guid}"), 400) == {
        "type": "CartError", "message": "Anonymous user is not allowed to copy cart!",
        "subjectType": "cart"}
    mine = user_cart(me, SLR)
    my_guid = me.get(f"users/current/carts/{mine}").get_json()["guid"]
    assert spec.error(me.post(f"users/current/carts?oldCartId={my_guid}"), 400) == {
        "type": "CartError", "message": "Cart is not anonymous", "reason": "cannotRestore",
        "subject": my_guid, "subjectType": "cart"}
    assert spec.error(me.post(f"users/current/carts?oldCartId={guid}&toMergeCartGuid={guid}"),
                      400) == {
        "type": "CartError", "message": "Cart is not current user's cart",
        "reason": "cannotRestore", "subject": guid, "subjectType": "cart"}
    # nothing was merged: the anonymous cart is still there
    assert occ.get(f"users/anonymous/carts/{guid}").status_code == 200


# -- entries -----------------------------------------------------------------------------------


def test_entry_without_product_code(occ):
    guid = anonymous_cart(occ)
    assert spec.error(occ.post(f"users/anonymous/carts/{guid}/entries", json={"quantity": 1}),
                      400) == {
        "type": "ValidationError", "message": "This field is required.", "reason": "missing",
        "subject": "product.code", "subjectType": "parameter"}
    assert spec.error(occ.post(f"users/anonymous/carts/{guid}/entries", **form(qty=1)), 400) == {
        "type": "MissingServletRequestParameterError",
        "message": "Required String parameter 'code' is not present"}


@pytest.mark.parametrize("quantity", [0, -1])
def test_entry_quantity_must_be_positive(occ, quantity):
    guid = anonymous_cart(occ)
    url = f"users/anonymous/carts/{guid}/entries"
    assert spec.error(occ.post(url, json={"product": {"code": CAMERA}, "quantity": quantity}),
                      400) == {
        "type": "ValidationError", "message": "This field must be greater than 0.",
        "reason": "invalid", "subject": "quantity", "subjectType": "parameter"}
    assert spec.error(occ.post(url, **form(code=CAMERA, qty=quantity)), 400) == {
        "type": "CommerceCartModificationError", "message": "Quantity must not be less than one"}


def test_entry_validation_reports_every_field(occ):
    guid = anonymous_cart(occ)
    found = spec.errors(occ.post(f"users/anonymous/carts/{guid}/entries", json={
        "quantity": -2, "deliveryPointOfService": {"name": "Atlantis"}}), 400)
    assert [(e["type"], e["subject"]) for e in found] == [
        ("ValidationError", "product.code"), ("ValidationError", "quantity"),
        ("ValidationError", "entry")]


def test_entry_with_unknown_product(occ):
    guid = anonymous_cart(occ)
    assert spec.error(occ.post(f"users/anonymous/carts/{guid}/entries",
                               json={"product": {"code": "notExistingProduct"}}), 400) == {
        "type": "UnknownIdentifierError",
        "message": "Product with code 'notExistingProduct' not found!"}


def test_unknown_entry_number(occ):
    guid = anonymous_cart(occ, CAMERA)
    expected = {"type": "CartEntryError", "message": "Entry not found", "reason": "notFound",
                "subject": "1", "subjectType": "entry"}
    url = f"users/anonymous/carts/{guid}/entries/1"
    assert spec.error(occ.get(url), 400) == expected
    assert spec.error(occ.patch(url, json={"quantity": 3}), 400) == expected
    assert spec.error(occ.put(url, json={"quantity": 3}), 400) == expected
    assert spec.error(occ.delete(url), 400) == expected


def test_entry_with_unknown_pickup_store(occ):
    guid = anonymous_cart(occ)
    url = f"users/anonymous/carts/{guid}/entries"
    store_error = {"type": "ValidationError", "message": "Store with given name doesn't exist",
                   "reason": "invalid", "subjectType": "parameter"}
    assert spec.error(occ.post(url, json={"product": {"code": CAMERA}, "quantity": 1,
                                          "deliveryPointOfService": {"name": "Atlantis"}}),
                      400) == {**store_error, "subject": "entry"}
    assert spec.error(occ.post(url, **form(code=CAMERA, qty=1, pickupStore="Atlantis")), 400) == \
        {**store_error, "subject": "pickupStore"}


def test_out_of_stock_online_and_in_the_store(occ):
    guid = anonymous_cart(occ)
    url = f"users/anonymous/carts/{guid}/entries"
    assert spec.error(occ.post(url, json={"product": {"code": OUT_OF_STOCK}}), 400) == {
        "type": "InsufficientStockError", "reason": "noStock", "subject": OUT_OF_STOCK,
        "subjectType": "product",
        "message": f"Product [{OUT_OF_STOCK}] cannot be shipped - out of stock online"}
    assert spec.error(occ.post(url, json={"product": {"code": NOT_IN_NAKANO},
                                          "deliveryPointOfService": {"name": "Nakano"}}), 400) == {
        "type": "InsufficientStockError", "reason": "noStock", "subject": NOT_IN_NAKANO,
        "subjectType": "product", "message": f"Product [{NOT_IN_NAKANO}] is currently out of stock"}


def test_stock_caps_are_modifications_not_errors(occ):
    """Less stock than asked for: SAP adds what there is (``lowStock``), then nothing
    (``noStock``) — 200 both times."""
    guid = anonymous_cart(occ)
    url = f"users/anonymous/carts/{guid}/entries"
    low = occ.post(url, json={"product": {"code": "553637"}, "quantity": 5}).get_json()
    assert (low["statusCode"], low["quantityAdded"], low["quantity"]) == ("lowStock", 2, 5)
    assert low["entry"]["quantity"] == 2
    none = occ.post(url, json={"product": {"code": "553637"}, "quantity": 1}).get_json()
    assert (none["statusCode"], none["quantityAdded"], none["entry"]["quantity"]) == ("noStock", 0, 2)


def test_moving_an_entry_to_a_store_without_stock(occ):
    guid = anonymous_cart(occ, CAMERA, NOT_IN_NAKANO)
    assert spec.error(occ.patch(f"users/anonymous/carts/{guid}/entries/1", json={
        "deliveryPointOfService": {"name": "Nakano"}}), 400) == {
        "type": "InsufficientStockError", "reason": "noStock", "subject": "1",
        "subjectType": "entry", "message": f"Product [{NOT_IN_NAKANO}] is currently out of stock"}


@pytest.mark.sapcc_impex("""
UPDATE StockLevel; productCode[unique=true]; warehouse(code)[unique=true]; available
                 ; 300938                  ; warehouse_e                 ; 0
""")
def test_replacing_a_pickup_entry_with_shipping_when_out_of_stock_online(occ):
    guid = occ.post("users/anonymous/carts").get_json()["guid"]
    assert occ.post(f"users/anonymous/carts/{guid}/entries", json={
        "product": {"code": CAMERA}, "deliveryPointOfService": {"name": "Nakano"}}).status_code == 200
    assert spec.error(occ.put(f"users/anonymous/carts/{guid}/entries/0", json={"quantity": 1}),
                      400) == {
        "type": "InsufficientStockError", "reason": "noStock", "subject": "0",
        "subjectType": "entry",
        "message": f"Product [{CAMERA}] cannot be shipped - out of stock online"}


def test_entry_replace_and_update_checks(occ):
    guid = anonymous_cart(occ, CAMERA)
    url = f"users/anonymous/carts/{guid}/entries/0"
    mismatch = {"type": "ValidationError", "reason": "invalid", "subject": "entry",
                "subjectType": "parameter",
                "message": "Product code from request body object doesn't match to product code "
                           "from updated entry (product code cannot be changed)"}
    assert spec.error(occ.put(url, json={"product": {"code": SLR}, "quantity": 3}), 400) == mismatch
    assert spec.error(occ.patch(url, json={"product": {"code": SLR}}), 400) == mismatch
    assert spec.error(occ.put(url, json={"deliveryPointOfService": {"name": "Nakano"}}), 400) == {
        "type": "ValidationError", "message": "This field is required.", "reason": "missing",
        "subject": "quantity", "subjectType": "parameter"}
    assert spec.error(occ.put(url, **form(pickupStore="Nakano")), 400) == {
        "type": "MissingServletRequestParameterError",
        "message": "Required Long parameter 'qty' is not present"}
    assert spec.error(occ.put(url, **form(qty=-1)), 400) == {
        "type": "CommerceCartModificationError",
        "message": "New quantity must not be less than zero"}
    assert spec.error(occ.patch(url, **form(qty=-1)), 400)["message"] == \
        "This field must be greater than 0."
    assert spec.error(occ.patch(url, **form()), 400) == {
        "type": "ValidationError", "message": "At least one parameter (qty,pickupStore) should be set!",
        "reason": "missing", "subjectType": "parameter"}
    # a quantity as a JSON string is read as a number, as Jackson does
    updated = occ.patch(url, json={"quantity": "3"})
    assert updated.status_code == 200
    assert (updated.get_json()["quantity"], updated.get_json()["quantityAdded"]) == (3, 2)


# -- delivery ----------------------------------------------------------------------------------


def test_delivery_address_of_another_user(sapcc, me):
    code = user_cart(me, CAMERA)
    theirs = next(str(a.pk) for a in sapcc.runtime.db.state.addresses.values()
                  if a.owner == OTHER)
    assert spec.error(me.put(f"users/current/carts/{code}/addresses/delivery?addressId={theirs}"),
                      400) == {
        "type": "CartAddressError", "message": f"Address given by id {theirs} is not valid",
        "reason": "notValid", "subject": theirs, "subjectType": "address"}
    assert spec.error(me.put(f"users/current/carts/{code}/addresses/delivery"), 400) == {
        "type": "MissingServletRequestParameterError",
        "message": "Required String parameter 'addressId' is not present"}


def test_delivery_mode_not_supported(me):
    code = user_cart(me, CAMERA)
    url = f"users/current/carts/{code}/deliverymode"
    expected = {"type": "UnsupportedDeliveryModeError",
                "message": "Delivery Mode [standard-gross] is not supported for the current cart"}
    assert spec.error(me.put(f"{url}?deliveryModeId=standard-gross"), 400) == expected  # no address
    assert me.post(f"users/current/carts/{code}/addresses/delivery", json=ADDRESS).status_code == 201
    assert spec.error(me.put(f"{url}?deliveryModeId=pickup"), 400)["message"] == \
        "Delivery Mode [pickup] is not supported for the current cart"


def test_checkout_endpoints_need_a_checkout_role(occ):
    guid = anonymous_cart(occ, CAMERA)
    denied = {"type": "AccessDeniedError", "message": "Access is denied"}
    for method, path in (("GET", "deliverymodes"), ("GET", "deliverymode"),
                         ("PUT", "deliverymode?deliveryModeId=standard-gross"),
                         ("PUT", "addresses/delivery?addressId=1")):
        assert spec.error(occ(method, f"users/anonymous/carts/{guid}/{path}"), 401) == denied


def test_delivery_address_validation(me):
    code = user_cart(me, CAMERA)
    found = spec.errors(me.post(f"users/current/carts/{code}/addresses/delivery", json={
        "firstName": "Mark", "country": {"isocode": "XX"}}), 400)
    assert {(e["subject"], e["reason"]) for e in found} == {
        ("lastName", "missing"), ("line1", "missing"), ("town", "missing"),
        ("postalCode", "missing"), ("country.isocode", "invalid")}
    assert all(e["type"] == "ValidationError" and e["subjectType"] == "parameter" for e in found)


# -- placing an order --------------------------------------------------------------------------


def test_place_order_reports_every_missing_step(me):
    code = user_cart(me, CAMERA)
    found = spec.errors(me.post(f"users/current/orders?cartId={code}&termsChecked=true"), 400)
    assert found == [
        {"type": "ValidationError", "message": "Delivery mode is not set", "reason": "invalid",
         "subject": "sessionCart", "subjectType": "parameter"},
        {"type": "ValidationError", "message": "Payment info is not set", "reason": "invalid",
         "subject": "sessionCart", "subjectType": "parameter"}]
    assert me.post(f"users/current/carts/{code}/addresses/delivery", json=ADDRESS).status_code == 201
    assert me.put(f"users/current/carts/{code}/deliverymode?deliveryModeId=standard-gross").status_code == 200
    assert [e["message"] for e in spec.errors(
        me.post(f"users/current/orders?cartId={code}"), 400)] == ["Payment info is not set"]
    assert spec.error(me.post("users/current/orders"), 400) == {
        "type": "MissingServletRequestParameterError",
        "message": "Required String parameter 'cartId' is not present"}


@pytest.mark.sapcc_impex("""
UPDATE StockLevel; productCode[unique=true]; warehouse(code)[unique=true]; available
                 ; 1382080                 ; warehouse_e                 ; 1
""")
def test_place_order_when_stock_ran_out(sapcc, me):
    code = user_cart(me, SLR)
    assert me.post(f"users/current/carts/{code}/addresses/delivery", json=ADDRESS).status_code == 201
    assert me.put(f"users/current/carts/{code}/deliverymode?deliveryModeId=standard-gross").status_code == 200
    assert me.post(f"users/current/carts/{code}/paymentdetails", json=CARD).status_code == 201
    sapcc.load_impex("UPDATE StockLevel; productCode[unique=true]; warehouse(code)[unique=true]; available\n"
                     "; 1382080 ; warehouse_e ; 0")
    error = spec.error(me.post(f"users/current/orders?cartId={code}"), 400)
    assert (error["type"], error["reason"], error["subject"], error["subjectType"]) == (
        "InsufficientStockError", "noStock", "0", "entry")


# -- vouchers ----------------------------------------------------------------------------------


def test_voucher_errors(occ, me):
    code = user_cart(me, CAMERA)
    url = f"users/current/carts/{code}/vouchers"
    assert spec.error(me.post(f"{url}?voucherId=NOPE"), 400) == {
        "type": "VoucherOperationError", "message": "coupon.invalid.code.provided"}
    assert me.post(f"{url}?voucherId=SUMMER10").status_code == 200
    assert spec.error(me.post(f"{url}?voucherId=SUMMER10"), 400) == {
        "type": "VoucherOperationError", "message": "coupon.already.exists.cart"}
    assert spec.error(me.post(url), 400) == {
        "type": "MissingServletRequestParameterError",
        "message": "Required String parameter 'voucherId' is not present"}
    assert spec.error(me.post(f"users/current/carts/{code}/applyVoucher", json={}), 400) == {
        "type": "ValidationError", "message": "This field is required.", "reason": "missing",
        "subject": "voucherId", "subjectType": "parameter"}
    assert me.delete(f"{url}/SUMMER10").status_code == 204
    assert me.delete(f"{url}/SUMMER10").status_code == 204  # releasing twice changes nothing
    assert spec.error(me.delete(f"{url}/NOPE"), 400)["message"] == "coupon.invalid.code.provided"


def test_voucher_redeemed_up_to_its_limit_per_customer(me):
    """WELCOME5 may be redeemed once per customer."""
    code = user_cart(me, CAMERA)
    assert me.post(f"users/current/carts/{code}/vouchers?voucherId=WELCOME5").status_code == 200
    assert me.post(f"users/current/carts/{code}/addresses/delivery", json=ADDRESS).status_code == 201
    assert me.put(f"users/current/carts/{code}/deliverymode?deliveryModeId=standard-gross").status_code == 200
    assert me.post(f"users/current/carts/{code}/paymentdetails", json=CARD).status_code == 201
    assert me.post(f"users/current/orders?cartId={code}").status_code == 201
    again = user_cart(me, SLR)
    assert spec.error(me.post(f"users/current/carts/{again}/vouchers?voucherId=WELCOME5"), 400) == {
        "type": "VoucherOperationError", "message": "coupon.already.redeemed"}


# -- guest checkout ----------------------------------------------------------------------------


def test_guest_email(occ, client_token):
    guid = anonymous_cart(occ, CAMERA)
    url = f"users/anonymous/carts/{guid}/email"
    assert spec.error(occ.put(f"{url}?email=not-an-email", token=client_token()), 400) == {
        "type": "ValidationError", "message": "Email [not-an-email] is not a valid e-mail address!",
        "reason": "invalid", "subject": "login", "subjectType": "parameter"}
    assert spec.error(occ.put(f"{url}?email=guest@example.com"), 401) == {
        "type": "AccessDeniedError", "message": "Access is denied"}
    assert spec.error(occ.put(url, token=client_token()), 400)["type"] == \
        "MissingServletRequestParameterError"


def test_guest_checkout_keeps_the_cart_reachable_by_guid(occ, client_token):
    """After the e-mail the cart is the guest's, still addressed as ``anonymous`` by its guid,
    and the guest may check out (SAP's GuestRoleFilter grants ROLE_GUEST)."""
    guid = anonymous_cart(occ, CAMERA)
    token = client_token()
    assert occ.put(f"users/anonymous/carts/{guid}/email", token=token,
                   **form(email="Guest@Example.com")).status_code == 200
    cart = f"users/anonymous/carts/{guid}"
    assert occ.get(cart).get_json()["guid"] == guid
    assert occ.post(f"{cart}/addresses/delivery", json=ADDRESS).status_code == 201
    assert occ.put(f"{cart}/deliverymode?deliveryModeId=standard-gross").status_code == 200
    assert occ.post(f"{cart}/paymentdetails", json=CARD).status_code == 201
    order = occ.post(f"users/anonymous/orders?cartId={guid}&fields=FULL", token=token)
    assert order.status_code == 201
    body = order.get_json()
    assert body["guestCustomer"] is True and body["user"]["uid"].endswith("|guest@example.com")
    # getUserOrders is @Secured with ROLE_CLIENT among others: the guest's order by its guid
    # with a client token; without a token SAP refuses it
    assert occ.get(f"users/anonymous/orders/{body['guid']}", token=token).get_json()["code"] \
        == body["code"]
    assert spec.error(occ.get(f"users/anonymous/orders/{body['guid']}"), 401)["type"] == \
        "AccessDeniedError"


# -- registration and profile ------------------------------------------------------------------


def test_registration_errors(occ, client_token, customer_token):
    token = client_token()
    found = spec.errors(occ.post("users", json={}, token=token), 400)
    assert {(e["type"], e["subject"], e["reason"]) for e in found} == {
        ("ValidationError", "uid", "missing"), ("ValidationError", "firstName", "missing"),
        ("ValidationError", "lastName", "missing"), ("ValidationError", "password", "missing")}
    user = {"uid": "not-an-email", "firstName": "Ann", "lastName": "Lee", "password": "Secret123!"}
    assert spec.error(occ.post("users", json=user, token=token), 400) == {
        "type": "ValidationError", "message": "This field is not a valid email addresss.",
        "reason": "invalid", "subject": "uid", "subjectType": "parameter"}
    denied = {"type": "AccessDeniedError", "message": "Access is denied"}
    user["uid"] = "ann.lee@example.com"
    assert spec.error(occ.post("users", json=user), 401) == denied
    assert spec.error(occ.post("users", json=user, token=customer_token(CUSTOMER)), 401) == denied


def test_registration_with_a_taken_uid_answers_dummy_data(sapcc, occ, client_token):
    """SAP does not tell whether an e-mail address has an account: 201 with a made-up
    customerId, and the account stays as it was."""
    existing = sapcc.runtime.db.principal(CUSTOMER)
    response = occ.post("users", token=client_token(), json={
        "uid": CUSTOMER.upper(), "firstName": "Eve", "lastName": "Intruder", "password": "Evil123!"})
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/users/{CUSTOMER}")
    body = response.get_json()
    assert body["uid"] == CUSTOMER and body["name"] == "Eve Intruder"
    assert body["customerId"] != existing.customerId
    assert sapcc.runtime.db.principal(CUSTOMER) is existing
    assert existing.name == "Mark Rivers" and existing.password == "Password123!"


def test_password_change_errors(me, occ, agent_token):
    url = "users/current/password"
    assert spec.error(me.put(url, **form(old="wrong", new="Newpass123!")), 400) == {
        "type": "PasswordMismatchError", "message": CUSTOMER}
    assert spec.error(me.put(url, **form(new="Newpass123!")), 400) == {
        "type": "ValidationError", "message": "Request parameter 'old' is missing.",
        "reason": "missing", "subject": "old", "subjectType": "parameter"}
    assert spec.error(me.post(url, json={"oldPassword": "wrong", "newPassword": "Newpass123!"}),
                      400) == {"type": "PasswordMismatchError", "message": CUSTOMER}
    # a customer manager sets it without the old one
    agent = spec.Client(occ.http, token=agent_token())
    assert agent.put(f"users/{CUSTOMER}/password", **form(new="Newpass123!")).status_code == 202


def test_login_change_errors(me):
    url = "users/current/login"
    assert spec.error(me.put(url, **form(newLogin="nope", password="Password123!")), 400) == {
        "type": "ValidationError", "message": "Login [nope] is not a valid e-mail address!",
        "reason": "invalid", "subject": "newLogin", "subjectType": "parameter"}
    assert spec.error(me.put(url, **form(newLogin="mark@example.com", password="wrong")), 400) == {
        "type": "PasswordMismatchError", "message": CUSTOMER}


def test_address_not_found(sapcc, me):
    theirs = next(str(a.pk) for a in sapcc.runtime.db.state.addresses.values()
                  if a.owner == OTHER)
    for address_id in ("999999", theirs):
        expected = {"type": "UnknownIdentifierError",
                    "message": f"Address with given id: '{address_id}' doesn't exist or belong "
                               "to another user"}
        assert spec.error(me.get(f"users/current/addresses/{address_id}"), 400) == expected
        assert spec.error(me.patch(f"users/current/addresses/{address_id}", json={"town": "X"}),
                          400) == expected
        assert spec.error(me.delete(f"users/current/addresses/{address_id}"), 400) == expected


# -- fields, bodies, content types -------------------------------------------------------------


@pytest.mark.parametrize("fields, message", [
    ("code,foo", "Incorrect field:'foo'"),
    ("code,price(foo)", "Incorrect field:'foo'"),
    ("code,price(value", "Incorrect configuration : Missing ')'"),
    ("code,", "Incorrect configuration"),
    ("code,baseProduct(name,)", "Incorrect configuration"),  # checked even when it is null
    ("code,name(FULL)", "Incorrect configuration : field 'name' don't need configuration"),
])
def test_fields_errors(occ, fields, message):
    assert spec.error(occ.get(f"products/{CAMERA}?fields={fields}"), 400) == {
        "type": "ConversionError", "message": message}


def test_malformed_json_body(occ):
    guid = anonymous_cart(occ)
    for body in ("{not json", "[1, 2]", ""):
        assert spec.error(occ.post(f"users/anonymous/carts/{guid}/entries", data=body,
                                   content_type="application/json"), 400) == {
            "type": "HttpMessageNotReadableError", "message": "Request body is invalid or missing"}
    assert spec.error(occ.post(f"users/anonymous/carts/{guid}/entries", json={
        "product": {"code": CAMERA}, "quantity": "many"}), 400)["type"] == "HttpMessageNotReadableError"


def test_unsupported_content_type(occ, client_token):
    guid = anonymous_cart(occ)
    assert spec.error(occ.post(f"users/anonymous/carts/{guid}/entries", data="code=300938",
                               content_type="text/plain"), 415) == {
        "type": "HttpMediaTypeNotSupportedError", "message": "Content type 'text/plain' not supported"}
    assert spec.error(occ.post("users", data=json.dumps({"uid": "a@b.cd"}),
                               content_type="text/xml", token=client_token()), 415)["type"] == \
        "HttpMediaTypeNotSupportedError"


# -- B2C endpoints on the B2B site -------------------------------------------------------------


def test_b2c_endpoints_on_a_b2b_site(occ, customer_token):
    b2b = spec.Client(occ.http, site="powertools-spa",
                      token=customer_token("mark.rivers@rustic-hw.com", "pw4all"))
    denied = {"type": "AccessDeniedError", "message": "Access is denied"}
    assert spec.error(b2b.get("users/current"), 401) == denied
    code = b2b.post("users/current/carts").get_json()["code"]
    for method, path, kwargs in (
            ("POST", f"users/current/carts/{code}/entries", {"json": {"product": {"code": "3881074"}}}),
            ("PUT", f"users/current/carts/{code}/addresses/delivery?addressId=1", {}),
            ("POST", f"users/current/orders?cartId={code}", {})):
        assert spec.error(b2b(method, path, **kwargs), 401) == denied


# -- odd input is a client error, never a server error -----------------------------------------


@pytest.mark.parametrize("body", [
    {"titleCode": {"code": "mr"}}, {"titleCode": ["mr"]}, {"country": "US"},
    {"country": {"isocode": {"x": 1}}}, {"region": {"isocode": []}}])
def test_objects_where_sap_binds_strings(me, body):
    address = {**ADDRESS, **body}
    assert spec.error(me.post("users/current/addresses", json=address), 400) == {
        "type": "HttpMessageNotReadableError", "message": "Request body is invalid or missing"}


def test_a_price_filter_that_is_no_range(occ):
    page = occ.get("products/search?query=:relevance:price:cheap&fields=FULL").get_json()
    assert page["pagination"]["totalResults"] == 0
    assert page["breadcrumbs"][0]["facetValueName"] == "cheap"
