"""Order history is history: later edits of the address book, the wallet or the login do not
rewrite a placed order, and a login change carries the customer's data along."""
import requests

SITE = "electronics-spa"
CUSTOMER = "mark.rivers@pronto-hw.com"
CARD = {"accountHolderName": "Mark Rivers", "cardNumber": "4111111111111111", "cardType": {"code": "visa"},
        "expiryMonth": "12", "expiryYear": "2031", "billingAddress": {
            "firstName": "Mark", "lastName": "Rivers", "line1": "Market Street 1", "town": "San Francisco",
            "postalCode": "94103", "country": {"isocode": "US"}}}


def place_order(sapcc, headers):
    occ = f"{sapcc.occ_url}/{SITE}/users/current"
    code = requests.post(f"{occ}/carts", json={}, headers=headers, timeout=10).json()["code"]
    requests.post(f"{occ}/carts/{code}/entries", json={"quantity": 1, "product": {"code": "300938"}},
                  headers=headers, timeout=10)
    address = requests.get(f"{occ}/addresses", headers=headers, timeout=10).json()["addresses"][0]["id"]
    requests.put(f"{occ}/carts/{code}/addresses/delivery?addressId={address}", headers=headers, timeout=10)
    requests.put(f"{occ}/carts/{code}/deliverymode?deliveryModeId=standard-gross", headers=headers, timeout=10)
    requests.post(f"{occ}/carts/{code}/paymentdetails", json=CARD, headers=headers, timeout=10)
    order = requests.post(f"{occ}/orders?cartId={code}&fields=FULL", headers=headers, timeout=10)
    assert order.status_code == 201, order.text
    return order.json(), address


def test_editing_the_address_book_and_wallet_leaves_placed_orders_alone(sapcc):
    headers = {"Authorization": f"Bearer {sapcc.customer_token(CUSTOMER)}"}
    occ = f"{sapcc.occ_url}/{SITE}/users/current"
    order, address = place_order(sapcc, headers)
    before = order["deliveryAddress"]["line1"]
    assert requests.patch(f"{occ}/addresses/{address}", json={"line1": "Changed Street"},
                          headers=headers, timeout=10).status_code == 200
    wallet = requests.get(f"{occ}/paymentdetails", headers=headers, timeout=10).json()["payments"]
    assert [p["cardNumber"] for p in wallet] == ["************1111"]  # the order's copy is not in it
    requests.delete(f"{occ}/paymentdetails/{wallet[0]['id']}", headers=headers, timeout=10)
    again = requests.get(f"{occ}/orders/{order['code']}?fields=FULL", headers=headers, timeout=10).json()
    assert again["deliveryAddress"]["line1"] == before
    assert again["paymentInfo"]["cardNumber"] == "************1111"


def test_a_login_change_carries_the_customers_data(sapcc):
    headers = {"Authorization": f"Bearer {sapcc.customer_token(CUSTOMER)}"}
    occ = f"{sapcc.occ_url}/{SITE}/users/current"
    order, _ = place_order(sapcc, headers)
    requests.post(f"{occ}/productinterests?productCode=300938&notificationType=BACK_IN_STOCK",
                  headers=headers, timeout=10)
    requests.post(f"{occ}/consents?consentTemplateId=MARKETING_NEWSLETTER&consentTemplateVersion=0",
                  headers=headers, timeout=10)
    changed = requests.put(f"{occ}/login", params={"newLogin": "mark.new@pronto-hw.com", "password": "Password123!"},
                           headers=headers, timeout=10)
    assert changed.status_code == 200
    new = {"Authorization": f"Bearer {sapcc.customer_token('mark.new@pronto-hw.com')}"}
    assert [o["code"] for o in requests.get(f"{occ}/orders", headers=new, timeout=10).json()["orders"]] == [order["code"]]
    interests = requests.get(f"{occ}/productinterests", headers=new, timeout=10).json()
    assert [r["product"]["code"] for r in interests["results"]] == ["300938"]
    templates = requests.get(f"{occ}/consenttemplates", headers=new, timeout=10).json()["consentTemplates"]
    assert any(t.get("currentConsent") for t in templates if t["id"] == "MARKETING_NEWSLETTER")
    reviews = sapcc.runtime.db.state.reviews.values()
    assert any(r.user == "mark.new@pronto-hw.com" for r in reviews)  # the seeded review moved too


def test_sop_response_endpoints_keep_the_checkout_roles(sapcc):
    occ = f"{sapcc.occ_url}/{SITE}/users/anonymous/carts"
    guid = requests.post(occ, json={}, timeout=10).json()["guid"]
    for method in ("GET", "DELETE"):
        response = requests.request(method, f"{occ}/{guid}/payment/sop/response", timeout=10)
        assert response.status_code == 401 and response.json()["errors"][0]["type"] == "AccessDeniedError"


def test_replacing_a_cards_billing_address_leaves_no_orphan(sapcc):
    headers = {"Authorization": f"Bearer {sapcc.customer_token(CUSTOMER)}"}
    occ = f"{sapcc.occ_url}/{SITE}/users/current"
    code = requests.post(f"{occ}/carts", json={}, headers=headers, timeout=10).json()["code"]
    card = requests.post(f"{occ}/carts/{code}/paymentdetails", json=CARD, headers=headers, timeout=10).json()
    addresses = len(sapcc.runtime.db.state.addresses)
    moved = {**CARD["billingAddress"], "line1": "Howard Street 9"}
    assert requests.patch(f"{occ}/paymentdetails/{card['id']}", json={"billingAddress": moved},
                          headers=headers, timeout=10).status_code == 200
    assert len(sapcc.runtime.db.state.addresses) == addresses
    again = requests.get(f"{occ}/paymentdetails/{card['id']}", headers=headers, timeout=10).json()
    assert again["billingAddress"]["line1"] == "Howard Street 9"


def test_validate_reduces_or_removes_what_stock_no_longer_covers(sapcc):
    headers = {"Authorization": f"Bearer {sapcc.customer_token(CUSTOMER)}"}
    occ = f"{sapcc.occ_url}/{SITE}/users/current/carts"
    code = requests.post(occ, json={}, headers=headers, timeout=10).json()["code"]
    for product, quantity in (("300938", 5), ("1382080", 2)):
        requests.post(f"{occ}/{code}/entries", json={"quantity": quantity, "product": {"code": product}},
                      headers=headers, timeout=10)
    report = sapcc.load_impex("UPDATE StockLevel;productCode[unique=true];warehouse(code)[unique=true];available\n"
                              ";300938;warehouse_e;3\n;1382080;warehouse_e;0\n")
    assert not report.errors
    mods = requests.post(f"{occ}/{code}/validate", headers=headers, timeout=10).json()["cartModifications"]
    assert [(x["statusCode"], x["quantity"], x["quantityAdded"]) for x in mods] == [("lowStock", 3, -2),
                                                                                  ("noStock", 0, -2)]
    entries = requests.get(f"{occ}/{code}/entries", headers=headers, timeout=10).json()["orderEntries"]
    assert [(e["entryNumber"], e["product"]["code"], e["quantity"]) for e in entries] == [(0, "300938", 3)]
