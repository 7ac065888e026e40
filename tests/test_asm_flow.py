"""The Spartacus ASM flow, black-box over HTTP: an agent logs in, opens its customer lists,
pages the in-store list, searches by part of a name, emulates a customer (userId = customerId),
fills a cart, binds an anonymous cart, reads Customer 360, and finds the customer in its recent
sessions. The customer, logging in, sees the carts the agent made."""
import requests

SITE = "electronics-spa"
CUSTOMER = "mark.rivers@pronto-hw.com"
C360_DEFAULT_QUERIES = [  # Spartacus' default Customer 360 tabs
    {"type": "c360Overview"}, {"type": "c360Cart"}, {"type": "c360SavedCart"},
    {"type": "c360CustomerProductInterestList"}, {"type": "c360CustomerProfile"},
    {"type": "c360ActivityList", "additionalRequestParameters": {"listSize": 10}},
    {"type": "c360TicketList", "additionalRequestParameters": {"listSize": 10}},
    {"type": "c360ReviewList", "additionalRequestParameters": {"listSize": 10}},
    {"type": "c360CouponList"}, {"type": "c360PromotionList"},
    {"type": "c360CustomerCouponList", "additionalRequestParameters": {"assignable": True}},
    {"type": "c360StoreLocation"},
]


def test_spartacus_asm_flow(sapcc):
    session = requests.Session()
    # agent login: password grant with the storefront's client
    token = session.post(f"{sapcc.oauth_url}/oauth/token", data={
        "grant_type": "password", "username": "asagent", "password": "pw4all",
        "client_id": "mobile_android", "client_secret": "secret"}, timeout=10).json()["access_token"]
    agent = {"Authorization": f"Bearer {token}"}
    asm, occ = sapcc.asm_url, f"{sapcc.occ_url}/{SITE}"

    lists = session.get(f"{asm}/customerlists", params={"baseSite": SITE}, headers=agent, timeout=10).json()
    assert [x["uid"] for x in lists["userGroups"]] == ["instoreCustomers", "bopisCustomers",
                                                         "myRecentCustomerSessions"]

    # the in-store list, five per page as Spartacus' dialog asks
    page0 = session.get(f"{asm}/customers/search", headers=agent, timeout=10, params={
        "baseSite": SITE, "customerListId": "instoreCustomers", "pageSize": 5, "currentPage": 0}).json()
    assert page0["pagination"] == {"currentPage": 0, "pageSize": 5, "sort": "byNameAsc",
                                   "totalPages": 1, "totalResults": 5}
    in_store = [e["uid"] for e in page0["entries"]]
    assert CUSTOMER in in_store
    assert "kenji.watanabe@example.jp" not in in_store  # login disabled
    assert "haruka.ito@example.jp" not in in_store  # deactivated
    names = [e["name"] for e in page0["entries"]]
    assert names == sorted(names, key=str.lower)
    page1 = session.get(f"{asm}/customers/search", headers=agent, timeout=10, params={
        "baseSite": SITE, "customerListId": "instoreCustomers", "pageSize": 2, "currentPage": 1,
        "sort": "byNameDesc"}).json()
    assert page1["pagination"]["totalPages"] == 3 and len(page1["entries"]) == 2
    assert [s["code"] for s in page1["sorts"] if s["selected"]] == ["byNameDesc"]

    # search by part of a name, as the customer selection box does
    found = session.get(f"{asm}/customers/search", headers=agent, timeout=10, params={
        "baseSite": SITE, "query": "river", "sort": "byNameAsc", "pageSize": 20}).json()
    mark = next(e for e in found["entries"] if e["uid"] == CUSTOMER)
    customer_id = mark["customerId"]
    assert mark["displayUid"] == CUSTOMER and mark["name"] == "Mark Rivers"

    # emulation: OCC calls with the agent's token and the customer's customerId
    user = session.get(f"{occ}/users/{customer_id}", headers=agent, timeout=10).json()
    assert user["uid"] == CUSTOMER
    cart = session.post(f"{occ}/users/{customer_id}/carts", params={"fields": "DEFAULT,user"}, json={},
                        headers=agent, timeout=10)
    assert cart.status_code == 201 and cart.json()["user"]["uid"] == CUSTOMER
    code = cart.json()["code"]
    added = session.post(f"{occ}/users/{customer_id}/carts/{code}/entries", headers=agent, timeout=10,
                         json={"quantity": 2, "product": {"code": "300938"}})
    assert added.status_code == 200 and added.json()["quantityAdded"] == 2

    # bind an anonymous cart to the customer (Spartacus: cartId and customerId in a form body)
    anonymous = session.post(f"{occ}/users/anonymous/carts", json={}, timeout=10).json()
    session.post(f"{occ}/users/anonymous/carts/{anonymous['guid']}/entries", timeout=10,
                 json={"quantity": 1, "product": {"code": "1382080"}})
    bound = session.post(f"{asm}/bind-cart", params={"baseSite": SITE}, headers=agent, timeout=10,
                         data={"cartId": anonymous["guid"], "customerId": customer_id})
    assert bound.status_code == 200 and bound.content == b""

    # Customer 360 with Spartacus' default query set: one fragment per query, in order
    c360 = session.post(f"{asm}/{SITE}/users/{customer_id}/customer360", headers=agent, timeout=10,
                        json={"customer360Queries": C360_DEFAULT_QUERIES})
    assert c360.status_code == 200
    values = c360.json()["value"]
    assert [v["type"] for v in values] == [q["type"] for q in C360_DEFAULT_QUERIES]
    by_type = {v["type"]: v for v in values}
    assert by_type["c360Overview"]["overview"]["name"] == "Mark Rivers"
    assert by_type["c360Cart"]["cart"]["entries"] and by_type["c360Cart"]["cart"]["code"] in (code, anonymous["code"])
    assert {a["associatedTypeId"] for a in by_type["c360ActivityList"]["activities"]} >= {code, anonymous["code"]}
    assert by_type["c360ReviewList"]["reviews"][0]["productCode"] == "300938"  # the seeded review
    assert by_type["c360StoreLocation"]["address"].startswith("Nakano")  # the agent's store
    assert by_type["c360CustomerProfile"]["profile"]["deliveryAddress"]["town"] == "San Francisco"

    # the recent-sessions list now holds the customer
    recent = session.get(f"{asm}/customers/search", headers=agent, timeout=10, params={
        "baseSite": SITE, "customerListId": "myRecentCustomerSessions"}).json()
    assert recent["entries"][0]["uid"] == CUSTOMER

    # the customer, logged in, sees both carts the agent made
    mine = sapcc.customer_token(CUSTOMER)
    carts = session.get(f"{occ}/users/current/carts", headers={"Authorization": f"Bearer {mine}"},
                        timeout=10).json()["carts"]
    assert {code, anonymous["code"]} <= {c["code"] for c in carts}


def test_bopis_list_holds_customers_with_pickups_at_the_agents_store(sapcc):
    """A pickup order at Nakano puts its customer in the agent's pick-up list."""
    customer = "yuki.tanaka@example.jp"
    token = sapcc.customer_token(customer)
    headers = {"Authorization": f"Bearer {token}"}
    occ = f"{sapcc.occ_url}/{SITE}"
    code = requests.post(f"{occ}/users/current/carts", json={}, headers=headers, timeout=10).json()["code"]
    requests.post(f"{occ}/users/current/carts/{code}/entries", headers=headers, timeout=10,
                  json={"quantity": 1, "product": {"code": "1382080"}, "deliveryPointOfService": {"name": "Nakano"}})
    requests.put(f"{occ}/users/current/carts/{code}/deliverymode?deliveryModeId=pickup", headers=headers, timeout=10)
    payment = {"accountHolderName": "Yuki Tanaka", "cardNumber": "4111111111111111", "cardType": {"code": "visa"},
               "expiryMonth": "12", "expiryYear": "2031", "billingAddress": {
                   "firstName": "Yuki", "lastName": "Tanaka", "line1": "1-2-3 Nakano", "town": "Tokyo",
                   "postalCode": "164-0001", "country": {"isocode": "JP"}}}
    assert requests.post(f"{occ}/users/current/carts/{code}/paymentdetails", json=payment, headers=headers,
                         timeout=10).status_code == 201
    order = requests.post(f"{occ}/users/current/orders?cartId={code}&fields=FULL", headers=headers, timeout=10)
    assert order.status_code == 201, order.text
    assert [c["status"] for c in order.json()["consignments"]] == ["READY_FOR_PICKUP"]

    agent = {"Authorization": f"Bearer {sapcc.agent_token('asagent')}"}
    bopis = requests.get(f"{sapcc.asm_url}/customers/search", headers=agent, timeout=10,
                         params={"baseSite": SITE, "customerListId": "bopisCustomers"}).json()
    assert [e["uid"] for e in bopis["entries"]] == [customer]
    assert bopis["pagination"]["sort"] == "byOrderDateDesc"
    # the Ichikawa agent does not see a Nakano pickup
    other = {"Authorization": f"Bearer {sapcc.agent_token('asagent-ichikawa')}"}
    assert requests.get(f"{sapcc.asm_url}/customers/search", headers=other, timeout=10, params={
        "baseSite": SITE, "customerListId": "bopisCustomers"}).json()["entries"] == []
    # search by order id finds the customer
    by_order = requests.get(f"{sapcc.asm_url}/customers/search", headers=agent, timeout=10,
                            params={"baseSite": SITE, "orderId": order.json()["code"]}).json()
    assert [e["uid"] for e in by_order["entries"]] == [customer]
