"""Promotions, cart promotions and customer coupons over OCC: the seeded rules fire on carts
(totals, ``appliedOrderPromotions``, ``appliedProductPromotions``, ``potentialOrderPromotions``),
a customer claims a coupon, applies it and the order total reflects it; every body is checked
against SAP's schema. In process (``sapcc_client``)."""
from __future__ import annotations

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

CUSTOMER = "mark.rivers@pronto-hw.com"
OTHER = "yuki.tanaka@example.jp"
CAMERA = "300938"  # 114.12 USD, no promotion
SLR_KIT = "2053367"  # 1086.44 USD
EASYSHARE = "1978440"  # 132.00 USD, 15% off
POWERSHOT = "1934793"  # 99.85 USD, buy 2 get 1 free
WEBCAM = "479956"  # a webcam: 10% off its category
ADDRESS = {"titleCode": "mr", "firstName": "Mark", "lastName": "Rivers", "line1": "Folsom Street",
           "town": "San Francisco", "postalCode": "94105", "country": {"isocode": "US"}}
CARD = {"accountHolderName": "Mark Rivers", "cardNumber": "4111111111111111",
        "cardType": {"code": "visa"}, "expiryMonth": "12", "expiryYear": "2035",
        "billingAddress": ADDRESS}
FIELDS = "FULL"
TRUSTED = ("trusted_client", "secret")


@pytest.fixture
def occ(sapcc_client):
    return spec.Client(sapcc_client)


@pytest.fixture
def me(occ, customer_token):
    return spec.Client(occ.http, token=customer_token(CUSTOMER))


@pytest.fixture
def trusted(occ, client_token):
    return spec.Client(occ.http, token=client_token(TRUSTED))


def cart_with(client, *entries: tuple[str, int]) -> str:
    code = client.post("users/current/carts").get_json()["code"]
    for product, quantity in entries:
        assert client.post(f"users/current/carts/{code}/entries",
                           json={"product": {"code": product}, "quantity": quantity}).status_code == 200
    return code


def cart(client, code: str) -> dict:
    response = client.get(f"users/current/carts/{code}?fields={FIELDS}")
    assert response.status_code == 200
    return response.get_json()


def promotion_codes(results: list[dict]) -> list[str]:
    return [r["promotion"]["code"] for r in results]


# -- rules firing on carts ------------------------------------------------------------------------


def test_a_cart_without_promotions(me):
    body = cart(me, cart_with(me, (CAMERA, 1)))
    assert body["appliedOrderPromotions"] == [] and body["appliedProductPromotions"] == []
    assert body["subTotal"]["value"] == 114.12 and body["totalDiscounts"]["value"] == 0


def test_product_percentage_discount(me):
    body = cart(me, cart_with(me, (EASYSHARE, 2)))
    (fired,) = body["appliedProductPromotions"]
    assert fired["promotion"]["code"] == "easyshare_15_percent"
    assert fired["description"] == "15% off the EasyShare M381"
    assert fired["consumedEntries"] == [{"orderEntryNumber": 0, "quantity": 2,
                                         "adjustedUnitPrice": 112.2}]
    assert body["entries"][0]["totalPrice"]["value"] == 224.4  # 264.00 less 15%
    assert body["productDiscounts"]["value"] == 39.6
    assert body["subTotal"]["value"] == 224.4 and body["totalPrice"]["value"] == 224.4


def test_category_percentage_discount(me):
    body = cart(me, cart_with(me, (WEBCAM, 1), (CAMERA, 1)))
    assert promotion_codes(body["appliedProductPromotions"]) == ["webcams_10_percent"]
    assert body["appliedProductPromotions"][0]["consumedEntries"][0]["orderEntryNumber"] == 0
    assert body["entries"][1]["totalPrice"]["value"] == 114.12  # the camera is no webcam


def test_buy_two_get_one_free(me):
    code = cart_with(me, (POWERSHOT, 2))
    assert cart(me, code)["appliedProductPromotions"] == []
    assert me.patch(f"users/current/carts/{code}/entries/0", json={"quantity": 3}).status_code == 200
    body = cart(me, code)
    (fired,) = body["appliedProductPromotions"]
    assert fired["consumedEntries"] == [{"orderEntryNumber": 0, "quantity": 1, "adjustedUnitPrice": 0.0}]
    assert body["subTotal"]["value"] == 199.7  # 3 × 99.85, one free


def test_buy_two_get_one_free_is_potential_until_the_group_is_whole(me):
    code = cart_with(me, (POWERSHOT, 2))
    body = cart(me, code)
    (potential,) = body["potentialProductPromotions"]
    assert potential["promotion"]["code"] == "powershot_buy_2_get_1"
    assert potential["description"] == "Add 1 more PowerShot A480 to get one free"
    assert potential["consumedEntries"] == [
        {"orderEntryNumber": 0, "quantity": 2, "adjustedUnitPrice": 99.85}]
    assert me.patch(f"users/current/carts/{code}/entries/0", json={"quantity": 3}).status_code == 200
    body = cart(me, code)
    assert body["potentialProductPromotions"] == [] and body["appliedProductPromotions"]
    assert me.patch(f"users/current/carts/{code}/entries/0", json={"quantity": 4}).status_code == 200
    (potential,) = cart(me, code)["potentialProductPromotions"]
    assert potential["description"] == "Add 2 more PowerShot A480 to get one free"
    assert potential["consumedEntries"][0]["quantity"] == 1


def test_order_threshold_potential_then_applied(me):
    code = cart_with(me, (SLR_KIT, 4))  # 4345.76: above 4000, below 5000
    body = cart(me, code)
    (potential,) = body["potentialOrderPromotions"]
    assert potential["promotion"]["code"] == "order_over_5000_200_off"
    assert potential["description"] == "Spend $654.24 more and get $200 off your order"
    assert body["appliedOrderPromotions"] == []
    assert me.patch(f"users/current/carts/{code}/entries/0", json={"quantity": 5}).status_code == 200
    body = cart(me, code)
    assert body["potentialOrderPromotions"] == []
    assert promotion_codes(body["appliedOrderPromotions"]) == ["order_over_5000_200_off"]
    assert body["orderDiscounts"]["value"] == 200 and body["totalPrice"]["value"] == 5232.2
    assert promotion_codes(me.get(f"users/current/carts/{code}/promotions").get_json()["promotions"]) == [
        "order_over_5000_200_off"]
    one = me.get(f"users/current/carts/{code}/promotions/order_over_5000_200_off").get_json()
    assert len(one["promotions"]) == 1
    assert me.get(f"users/current/carts/{code}/promotions/webcams_10_percent").get_json() == {"promotions": []}


def test_promotions_in_the_cart_currency(me):
    code = cart_with(me, (SLR_KIT, 4))
    body = me.get(f"users/current/carts/{code}?fields={FIELDS}&curr=EUR").get_json()
    assert body["totalPrice"]["currencyIso"] == "EUR"
    assert all("€" in p["description"] or "EUR" in p["description"]
               for p in body["potentialOrderPromotions"])


# -- customer coupons -----------------------------------------------------------------------------


def coupon_ids(client) -> list[str]:
    response = client.get("users/current/customercoupons")
    assert response.status_code == 200
    return [c["couponId"] for c in response.get_json()["coupons"]]


def test_claim_list_subscribe_discard(me):
    assert coupon_ids(me) == ["FREESHIPPING"]
    claimed = me.post("users/current/customercoupons/claim", json={"couponCode": "SPRING20"})
    assert claimed.status_code == 201
    body = claimed.get_json()
    assert body["coupon"]["couponId"] == "SPRING20" and body["coupon"]["status"] == "Effective"
    assert body["coupon"]["allProductsApplicable"] is True
    assert body["customer"]["uid"] == CUSTOMER
    assert sorted(coupon_ids(me)) == ["FREESHIPPING", "SPRING20"]
    assert spec.error(me.post("users/current/customercoupons/SPRING20/claim"), 400) == {
        "type": "ValidationError", "message": "You have already claimed this coupon.",
        "reason": "invalid", "subject": "customerCoupon_claimed", "subjectType": "parameter"}
    note = me.post("users/current/customercoupons/subscribeNotifications",
                   json={"couponCode": "SPRING20"})
    assert note.status_code == 201 and note.get_json()["coupon"]["notificationOn"] is True
    assert spec.error(me.post("users/current/customercoupons/SPRING20/notification"), 400)[
        "subject"] == "customerCoupon_subscribed"
    assert me.delete("users/current/customercoupons/SPRING20/notification").status_code == 200
    assert me.post("users/current/customercoupons/SPRING20/notification").status_code == 201
    assert me.post("users/current/customercoupons/unsubscribeNotifications",
                   json={"couponCode": "SPRING20"}).status_code == 200
    assert me.post("users/current/customercoupons/discard", json={"couponCode": "SPRING20"}).status_code == 200
    assert coupon_ids(me) == ["FREESHIPPING"]
    assert spec.error(me.delete("users/current/customercoupons/SPRING20/claim"), 400) == {
        "type": "ValidationError", "message": "This coupon does not belong to you.",
        "reason": "invalid", "subject": "customerCoupon_notown", "subjectType": "parameter"}
    assert me.post("users/current/customercoupons/CAMERAS50/claim").status_code == 201
    assert me.delete("users/current/customercoupons/CAMERAS50/claim").status_code == 200


def test_coupon_errors(me, occ):
    for code in ("NOPE", "EXPIRED2020"):
        assert spec.error(me.post(f"users/current/customercoupons/{code}/claim"), 400) == {
            "type": "ValidationError",
            "message": "This customer coupon does not exist, or has expired, or is inactive.",
            "reason": "invalid", "subject": "customerCoupon_invalid", "subjectType": "parameter"}
    assert spec.error(me.post("users/current/customercoupons/claim", json={}), 400)["subject"] == "couponCode"
    assert spec.error(me.post("users/current/customercoupons/unsubscribeNotifications",
                              json={"couponCode": "SPRING20"}), 400)["subject"] == "customerCoupon_notown"
    assert occ.get("users/anonymous/customercoupons").status_code in (401, 403)
    assert spec.error(me.get("users/current/customercoupons?pageSize=0"), 400)["subject"] == "pageSize"


def test_coupon_list_paging_and_sort(me):
    for code in ("SPRING20", "CAMERAS50"):
        assert me.post(f"users/current/customercoupons/{code}/claim").status_code == 201
    body = me.get("users/current/customercoupons?pageSize=2&sort=couponId:desc").get_json()
    assert [c["couponId"] for c in body["coupons"]] == ["SPRING20", "FREESHIPPING"]
    assert body["pagination"]["totalCount"] == 3 and body["pagination"]["totalPages"] == 2
    assert body["sorts"] == [{"code": "couponId", "asc": False}]
    body = me.get("users/current/customercoupons?currentPage=1&pageSize=2&needsTotal=false").get_json()
    assert len(body["coupons"]) == 1 and "totalCount" not in body["pagination"]


def place(client, code: str) -> dict:
    assert client.post(f"users/current/carts/{code}/addresses/delivery", json=ADDRESS).status_code == 201
    assert client.put(f"users/current/carts/{code}/deliverymode?deliveryModeId=standard-gross").status_code == 200
    assert client.post(f"users/current/carts/{code}/paymentdetails", json=CARD).status_code == 201
    response = client.post(f"users/current/orders?cartId={code}&fields=FULL")
    assert response.status_code == 201
    return response.get_json()


def test_story_claim_a_coupon_apply_it_and_the_order_total_reflects_it(me):
    """As Spartacus' My Coupons page and cart coupon box run it."""
    code = cart_with(me, (SLR_KIT, 1))  # 1086.44
    url = f"users/current/carts/{code}/vouchers"
    assert spec.error(me.post(f"{url}?voucherId=SPRING20"), 400) == {
        "type": "VoucherOperationError", "message": "coupon.already.redeemed"}  # not claimed yet
    assert me.post("users/current/customercoupons/claim", json={"couponCode": "SPRING20"}).status_code == 201
    assert me.post(f"users/current/carts/{code}/applyVoucher", json={"voucherId": "SPRING20"}).status_code == 204
    assert spec.error(me.post(f"{url}?voucherId=SPRING20"), 400)["message"] == "coupon.already.exists.cart"
    body = cart(me, code)
    assert [v["code"] for v in body["appliedVouchers"]] == ["SPRING20"]
    assert promotion_codes(body["appliedOrderPromotions"]) == ["coupon_spring_20_percent"]
    assert body["orderDiscounts"]["value"] == 217.29 and body["totalPrice"]["value"] == 869.15
    assert [v["code"] for v in me.get(url).get_json()["vouchers"]] == ["SPRING20"]
    order = place(me, code)
    assert promotion_codes(order["appliedOrderPromotions"]) == ["coupon_spring_20_percent"]
    assert order["totalDiscounts"]["value"] == 217.29
    assert order["totalPriceWithTax"]["value"] == round(869.15 + 9.99, 2)
    assert "SPRING20" not in coupon_ids(me)  # redeemed: once per customer
    again = cart_with(me, (CAMERA, 1))
    assert spec.error(me.post(f"users/current/carts/{again}/vouchers?voucherId=SPRING20"), 400)[
        "message"] == "coupon.already.redeemed"


def test_free_delivery_coupon_and_its_removal(me):
    code = cart_with(me, (CAMERA, 1))
    assert me.post(f"users/current/carts/{code}/addresses/delivery", json=ADDRESS).status_code == 201
    assert me.put(f"users/current/carts/{code}/deliverymode?deliveryModeId=standard-gross").status_code == 200
    assert cart(me, code)["deliveryCost"]["value"] == 9.99
    assert me.post(f"users/current/carts/{code}/vouchers?voucherId=FREESHIPPING").status_code == 200
    body = cart(me, code)
    assert body["deliveryCost"]["value"] == 0 and promotion_codes(body["appliedOrderPromotions"]) == [
        "coupon_free_delivery"]
    assert me.post(f"users/current/carts/{code}/removeVoucher", json={"voucherId": "FREESHIPPING"}).status_code == 204
    assert cart(me, code)["deliveryCost"]["value"] == 9.99
    assert spec.error(me.post(f"users/current/carts/{code}/removeVoucher", json={}), 400)["subject"] == "voucherId"


def test_a_threshold_coupon_is_potential_below_its_threshold(me):
    assert me.post("users/current/customercoupons/CAMERAS50/claim").status_code == 201
    code = cart_with(me, (CAMERA, 1))
    assert me.post(f"users/current/carts/{code}/vouchers?voucherId=CAMERAS50").status_code == 200
    body = cart(me, code)
    assert body["appliedOrderPromotions"] == [] and body["potentialOrderPromotions"] == []
    assert me.patch(f"users/current/carts/{code}/entries/0", json={"quantity": 3}).status_code == 200
    body = cart(me, code)
    assert body["orderDiscounts"]["value"] == 50


def test_a_coupon_is_another_customers_to_apply_only_once_claimed(occ, customer_token, client_token):
    other = spec.Client(occ.http, token=customer_token(OTHER))
    code = cart_with(other, (CAMERA, 1))
    assert spec.error(other.post(f"users/current/carts/{code}/vouchers?voucherId=FREESHIPPING"), 400)[
        "message"] == "coupon.already.redeemed"
    anonymous = occ.post("users/anonymous/carts").get_json()["guid"]
    client = spec.Client(occ.http, token=client_token())
    assert spec.error(client.post(f"users/anonymous/carts/{anonymous}/vouchers?voucherId=FREESHIPPING"), 400)[
        "message"] == "coupon.already.redeemed"


# -- promotions for a trusted client ----------------------------------------------------------


def test_promotions_list_and_detail(trusted, me):
    every = trusted.get("promotions?type=all").get_json()["promotions"]
    assert {p["code"] for p in every} >= {"order_over_5000_200_off", "easyshare_15_percent",
                                          "vip_5_percent"}
    orders = {p["code"] for p in trusted.get("promotions?type=order").get_json()["promotions"]}
    products = {p["code"] for p in trusted.get("promotions?type=product").get_json()["promotions"]}
    assert "powershot_buy_2_get_1" in products and "powershot_buy_2_get_1" not in orders
    assert trusted.get("promotions?type=all&promotionGroup=nope").get_json() == {"promotions": []}
    one = trusted.get("promotions/easyshare_15_percent?fields=FULL").get_json()
    assert one["title"] == "15% off the EasyShare M381" and one["promotionType"] == "Rule Based Promotion"
    assert one["enabled"] is True and one["promotionGroup"] == "electronicsPromoGrp"
    assert spec.error(trusted.get("promotions/nope"), 400)["type"] == "UnknownIdentifierError"
    assert spec.error(trusted.get("promotions"), 400)["type"] == "MissingServletRequestParameterError"
    assert spec.error(trusted.get("promotions?type=some"), 400)["subject"] == "type"
    assert me.get("promotions?type=all").status_code == 401


def test_a_trusted_client_enables_an_order_restricted_promotion(trusted, me):
    code = cart_with(me, (CAMERA, 1))
    url = f"users/{CUSTOMER}/carts/{code}/promotions"
    assert cart(me, code)["appliedOrderPromotions"] == []
    assert trusted.post(f"{url}?promotionId=vip_5_percent").status_code == 200
    body = cart(me, code)
    assert promotion_codes(body["appliedOrderPromotions"]) == ["vip_5_percent"]
    assert body["orderDiscounts"]["value"] == 5.71
    assert spec.error(trusted.post(f"{url}?promotionId=easyshare_15_percent"), 400)[
        "type"] == "CommercePromotionRestrictionError"
    assert spec.error(trusted.post(f"{url}?promotionId=nope"), 400)["type"] == "UnknownIdentifierError"
    assert spec.error(trusted.post(url), 400)["type"] == "MissingServletRequestParameterError"
    assert me.post(f"users/current/carts/{code}/promotions?promotionId=vip_5_percent").status_code == 401
    assert trusted.delete(f"{url}/vip_5_percent").status_code == 200
    assert cart(me, code)["appliedOrderPromotions"] == []
