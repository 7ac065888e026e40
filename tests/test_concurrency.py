"""The database's readers–writer lock: reads share it and never change the state, a write holds
it alone, and a slow read does not hold up other reads."""
from __future__ import annotations

from datetime import timedelta

import io

import pickle
import threading
import time

import pytest

from fakesapcc.locks import ReadOnlyViolation, RWLock
from fakesapcc.testing import FakeSAPCC

SITE = "electronics-spa"
CUSTOMER = "mark.rivers@pronto-hw.com"


def test_readers_share_the_lock():
    lock = RWLock()
    inside = threading.Barrier(3, timeout=5)

    def read():
        with lock.read():
            inside.wait()  # all three readers inside at once, or this times out

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert not any(t.is_alive() for t in threads)


def test_a_writer_waits_for_readers_and_new_readers_wait_for_it():
    lock = RWLock()
    order: list[str] = []
    lock.acquire_read()
    writer = threading.Thread(target=lambda: (lock.acquire_write(), order.append("write"),
                                              lock.release_write()))
    writer.start()
    time.sleep(0.05)
    late_reader = threading.Thread(target=lambda: (lock.acquire_read(), order.append("late read"),
                                                   lock.release_read()))
    late_reader.start()
    time.sleep(0.05)
    assert order == []  # the writer waits for the first reader; the late reader for the writer
    lock.release_read()
    writer.join(5)
    late_reader.join(5)
    assert order == ["write", "late read"]


def test_the_writer_may_nest_and_read_a_reader_may_not_write():
    lock = RWLock()
    with lock.write():
        with lock.write():
            with lock.read():
                pass
    with lock.read():
        with pytest.raises(ReadOnlyViolation):
            lock.acquire_write()
    with lock.write():  # and the lock is free again
        pass


@pytest.fixture(scope="module")
def sap():
    return FakeSAPCC(live=False)


def _state(sap) -> object:
    return pickle.loads(sap.runtime.db.snapshot())


def _get_urls(sap) -> list[tuple[str, dict]]:
    """A valid call of every GET operation, with what it needs in place."""
    customer = {"Authorization": f"Bearer {sap.customer_token(CUSTOMER)}"}
    agent = {"Authorization": f"Bearer {sap.agent_token()}"}
    trusted = {"Authorization": f"Bearer {sap.client_token(('trusted_client', 'secret'))}"}
    occ = f"/occ/v2/{SITE}"
    c = sap.client
    cart = c.post(f"{occ}/users/current/carts", headers=customer).json["code"]
    c.post(f"{occ}/users/current/carts/{cart}/entries", headers=customer,
           json={"product": {"code": "300938"}})
    address = c.post(f"{occ}/users/current/addresses", headers=customer, json={
        "firstName": "M", "lastName": "R", "line1": "1 Main", "town": "Town",
        "postalCode": "12345", "country": {"isocode": "US"}}).json["id"]
    c.put(f"{occ}/users/current/carts/{cart}/addresses/delivery?addressId={address}",
          headers=customer)
    c.put(f"{occ}/users/current/carts/{cart}/deliverymode?deliveryModeId=standard-gross",
          headers=customer)
    card = c.post(f"{occ}/users/current/carts/{cart}/paymentdetails", headers=customer, json={
        "accountHolderName": "M R", "cardNumber": "4111111111111111",
        "cardType": {"code": "visa"}, "expiryMonth": "12", "expiryYear": "2035",
        "billingAddress": {"firstName": "M", "lastName": "R", "line1": "1 Main", "town": "T",
                           "postalCode": "12345", "country": {"isocode": "US"}}}).json["id"]
    other_cart = c.post(f"{occ}/users/current/carts", headers=customer).json["code"]
    c.post(f"{occ}/users/current/carts/{other_cart}/entries", headers=customer,
           json={"product": {"code": "300938"}})
    c.put(f"{occ}/users/current/carts/{other_cart}/paymentdetails?paymentDetailsId={card}",
          headers=customer)
    order = c.post(f"{occ}/users/current/orders?cartId={cart}", headers=customer).json["code"]
    asm = "/assistedservicewebservices"
    user = f"{occ}/users/current"
    saved = c.post(f"{occ}/users/current/carts", headers=customer).json["code"]
    c.patch(f"{user}/carts/{saved}/savedCart", headers=customer, json={"name": "later"})
    sap.fulfil_order(order)
    returned = c.post(f"{user}/orderReturns", headers=customer, json={
        "orderCode": order, "returnRequestEntryInputs": [{"orderEntryNumber": 0, "quantity": 1}]})
    assert returned.status_code == 201, returned.json
    consignment = sap.runtime.db.state.orders[order].consignments[0]
    event = c.post(f"{user}/tickets/00000001/events", headers=customer,
                   json={"message": "m"}).json["code"]
    attachment = c.post(f"{user}/tickets/00000001/events/{event}/attachments", headers=customer,
                        data={"ticketEventAttachment": (io.BytesIO(b"x"), "a.txt")},
                        content_type="multipart/form-data").json["id"]
    conversation = c.post(f"{occ}/messagecenter/im/conversations", headers=customer,
                          json={"messages": [{"content": "Hello"}]}).json["id"]
    csagent = {"Authorization": f"Bearer {sap.agent_token('csagent')}"}
    im = f"{occ}/messagecenter/im/conversations"
    return [
        ("/occ/v2/basesites", {}), (f"{occ}/languages", {}), (f"{occ}/currencies", {}),
        (f"{occ}/countries", {}), (f"{occ}/countries/US/regions", {}), (f"{occ}/titles", {}),
        (f"{occ}/cardtypes", {}), (f"{occ}/catalogs", {}),
        (f"{occ}/catalogs/electronicsProductCatalog", {}),
        (f"{occ}/catalogs/electronicsProductCatalog/Online", {}),
        (f"{occ}/catalogs/electronicsProductCatalog/Online/categories/576", {}),
        (f"{occ}/products/300938?fields=FULL", {}), (f"{occ}/products/search?query=camera", {}),
        (f"{occ}/categories/576/products", {}), (f"{occ}/products/suggestions?term=cam", {}),
        (f"{occ}/products/300938/references", {}), (f"{occ}/products/300938/reviews", {}),
        (f"{occ}/products/300938/stock", {}), (f"{occ}/products/300938/stock/Nakano", {}),
        (f"{occ}/stores", {}), (f"{occ}/stores/Nakano", {}),
        (user, customer),
        ("/occ/v2/powertools-spa/orgUsers/current",
         {"Authorization": f"Bearer {sap.customer_token('linda.wolf@rustic-hw.com', 'pw4all')}"}),
        (f"{user}/addresses", customer), (f"{user}/addresses/{address}", customer),
        (f"{user}/paymentdetails", customer), (f"{user}/paymentdetails/{card}", customer),
        (f"{user}/consenttemplates", customer), (f"{user}/productinterests", customer),
        (f"{user}/consenttemplates/{sap.runtime.db.state.consent_templates[next(iter(sap.runtime.db.state.consent_templates))].id}", customer),
        (f"{user}/orders", customer), (f"{user}/orders/{order}?fields=FULL", customer),
        (f"{occ}/orders/{order}", trusted),
        (f"{user}/carts/{saved}/savedcart", customer),
        (f"{user}/orderReturns", customer),
        (f"{user}/orderReturns/{returned.json['code']}", customer),
        (f"{user}/orders/{order}/consignments/{consignment}/tracking", customer),
        (f"{user}/orders/{order}/attachments", customer),
        (f"{user}/orders/{order}/attachments/1/download", customer),
        (f"{user}/carts/{other_cart}/deliverymodes", customer),
        (f"{user}/carts/{other_cart}/deliverymode", customer),
        (f"{user}/carts/{other_cart}/payment/sop/response", customer),
        (f"{occ}/users/{CUSTOMER}", agent),
        (f"{asm}/customers/search?baseSite={SITE}&query=mark", agent),
        (f"{asm}/customers/autocomplete?baseSite={SITE}&customerQuery=mark", agent),
        (f"{asm}/customerlists?baseSite={SITE}", agent),
        (f"{asm}/customerlists/instoreCustomers?baseSite={SITE}", agent),
        (f"{asm}/agents/current/pointOfServices", agent),
        (f"{occ}/cms/pages", {}), (f"{occ}/cms/pages/cartPage", {}),
        (f"{occ}/cms/sitepages?currentPage=0", {}),
        (f"{occ}/cms/components?componentIds=SearchBox,MiniCart", {}),
        (f"{occ}/cms/components/SearchBox", {}),
        (f"{user}/cms/pages?pageType=ProductPage&code=300938", customer),
        (f"{user}/cms/pages/cartPage", customer), (f"{user}/cms/sitepages?currentPage=0", customer),
        (f"{user}/cms/components?componentIds=SearchBox", customer),
        (f"{user}/cms/components/SearchBox", customer),
        # promotions, customer coupons, cart promotions, tickets
        (f"{occ}/promotions?type=all", trusted), (f"{occ}/promotions/easyshare_15_percent", trusted),
        (f"{user}/customercoupons", customer),
        (f"{user}/carts/{other_cart}/promotions", customer),
        (f"{user}/carts/{other_cart}/promotions/vip_5_percent", customer),
        (f"{occ}/ticketCategories", {}), (f"{user}/ticketAssociatedObjects", customer),
        (f"{user}/tickets", customer), (f"{user}/tickets/00000001", customer),
        (f"{user}/tickets/00000001/events/{event}/attachments/{attachment}", customer),
        # stores, base stores, payment modes, customer groups, vouchers, notification preferences
        (f"{occ}/stores?latitude=35.7&longitude=139.7", {}), (f"{occ}/stores/storescounts", {}),
        (f"{occ}/stores/country/JP", {}), (f"{occ}/stores/country/JP/region/JP-13", {}),
        (f"{occ}/basestores/electronics", {}), (f"{occ}/paymentmodes", {}),
        (f"{occ}/customergroups", agent), (f"{occ}/customergroups/POS_NAKANO", agent),
        (f"{occ}/vouchers/SUMMER10", trusted), (f"{user}/notificationpreferences", customer),
        (f"{user}/notifications/sitemessages", customer),
        ("/occ/v2/electronics-spa/users/anonymous/consenttemplates", {}),
        # cities, the message center, one pickup store
        (f"{occ}/regions/CN-11/cities", {}), (f"{occ}/cities/CN-11-1/districts", {}),
        (f"{im}/customerconversations", customer),
        (f"{im}/agentconversations?status=unassigned", csagent),
        (f"{im}/{conversation}/messages", customer),
        (f"{user}/carts/{other_cart}/consolidate", customer),
        *_b2b_org_urls(sap),
        *_b2b_quote_urls(sap),
        *_b2b_buying_urls(sap),
    ]


#: reads that answer 404 whatever the state: fakesapcc keeps no order attachments (an ERP's)
NOT_FOUND_READS = {"getUserOrderAttachmentBinary": 404, "getQuoteAttachment": 404}


def _pending_approval(sap, b2b: str) -> str:
    """An order of gi.sun over her 1000 USD threshold: its approval's code."""
    c = sap.client
    buyer = {"Authorization": f"Bearer {sap.customer_token('gi.sun@rustic-hw.com', 'pw4all')}"}
    carts = f"{b2b}/users/current/carts"
    code = c.post(carts, headers=buyer).json["code"]
    c.post(f"{b2b}/orgUsers/current/carts/{code}/entries/", headers=buyer,
           json={"orderEntries": [{"product": {"code": "3881018"}, "quantity": 6}]})
    address = {"firstName": "G", "lastName": "S", "line1": "1 Main", "town": "T",
               "postalCode": "12345", "country": {"isocode": "US"}}
    pk = c.post(f"{b2b}/users/current/addresses", headers=buyer, json=address).json["id"]
    c.put(f"{b2b}/orgUsers/current/carts/{code}/addresses/delivery?addressId={pk}", headers=buyer)
    c.put(f"{carts}/{code}/deliverymode?deliveryModeId=standard-gross", headers=buyer)
    c.post(f"{carts}/{code}/paymentdetails", headers=buyer, json={
        "accountHolderName": "G S", "cardNumber": "4111111111111111",
        "cardType": {"code": "visa"}, "expiryMonth": "12", "expiryYear": "2035",
        "billingAddress": address})
    c.post(f"{b2b}/orgUsers/current/orders?cartId={code}&termsChecked=true", headers=buyer)
    return next(iter(sap.runtime.db.state.b2b_approvals))


def _b2b_org_urls(sap) -> list[tuple[str, dict]]:
    """The B2B organization's reads, as the organization's administrator."""
    admin = {"Authorization":
             f"Bearer {sap.customer_token('linda.wolf@rustic-hw.com', 'pw4all')}"}
    b2b = "/occ/v2/powertools-spa"
    me = f"{b2b}/users/current"
    unit = f"{me}/orgUnits/Custom%20Retail"
    buyer = "mark.rivers@rustic-hw.com"
    approver = {"Authorization":
                f"Bearer {sap.customer_token('william.hunter@rustic-hw.com', 'pw4all')}"}
    approval = _pending_approval(sap, b2b)
    return [(f"{me}/orderapprovals", approver), (f"{me}/orderapprovals/{approval}", approver)] + [
        (f"{me}/{path}", admin) for path in (
        "orgUnitsRootNodeTree", "availableOrgUnitNodes", "orgUnitsAvailableApprovalProcesses",
        "budgets", "budgets/Monthly_50K_USD", "orderApprovalPermissions",
        "orderApprovalPermissions/Custom_1K_USD_ORDER")] + [
        (f"{unit}?fields=FULL", admin), (f"{unit}/addresses", admin),
        (f"{unit}/availableParents", admin), (f"{unit}/availableUsers/b2bapprovergroup", admin),
        (f"{b2b}/costcenters", admin), (f"{b2b}/costcenters/Custom_Retail?fields=FULL", admin),
        (f"{b2b}/costcentersall", admin), (f"{b2b}/costcenters/Custom_Retail/budgets", admin),
        (f"{b2b}/orderApprovalPermissionTypes", admin), (f"{b2b}/paymenttypes", admin)] + [
        (f"{me}/{path}", admin) for path in (
            "orgCustomers", f"orgCustomers/{buyer}", f"orgCustomers/{buyer}/approvers",
            f"orgCustomers/{buyer}/permissions", f"orgCustomers/{buyer}/orgUserGroups",
            "orgUnitUserGroups", "orgUnitUserGroups/limitedPermissions",
            "orgUnitUserGroups/limitedPermissions/availableOrderApprovalPermissions",
            "orgUnitUserGroups/limitedPermissions/availableOrgCustomers")]


def _b2b_quote_urls(sap) -> list[tuple[str, dict]]:
    """A buyer's replenishment order and quote, and their reads."""
    c = sap.client
    buyer = {"Authorization":
             f"Bearer {sap.customer_token('mark.rivers@rustic-hw.com', 'pw4all')}"}
    b2b = "/occ/v2/powertools-spa"
    carts = f"{b2b}/users/current/carts"
    codes = []
    for _ in range(2):
        code = c.post(carts, headers=buyer).json["code"]
        c.post(f"{b2b}/orgUsers/current/carts/{code}/entries/", headers=buyer,
               json={"orderEntries": [{"product": {"code": "3881018"}, "quantity": 1}]})
        codes.append(code)
    quote = c.post(f"{b2b}/users/current/quotes", headers=buyer,
                   json={"cartId": codes[0]}).json["code"]
    cart = f"{carts}/{codes[1]}"
    c.put(f"{cart}/paymenttype?paymentType=ACCOUNT", headers=buyer)
    c.put(f"{cart}/costcenter?costCenterId=Custom_Retail", headers=buyer)
    pk = next(pk for pk, a in sap.runtime.db.state.addresses.items() if a.owner == "Custom Retail")
    c.put(f"{b2b}/orgUsers/current/carts/{codes[1]}/addresses/delivery?addressId={pk}",
          headers=buyer)
    c.put(f"{cart}/deliverymode?deliveryModeId=standard-gross", headers=buyer)
    start = (sap.runtime.clock.now().date() + timedelta(days=1)).isoformat()
    replenishment = c.post(
        f"{b2b}/orgUsers/current/replenishmentOrders?cartId={codes[1]}&termsChecked=true",
        headers=buyer, json={"recurrencePeriod": "DAILY", "numberOfDays": "1",
                             "replenishmentStartDate": start}).json["replenishmentOrderCode"]
    me = f"{b2b}/users/current"
    return [(f"{me}/quotes", buyer), (f"{me}/quotes/{quote}?fields=FULL", buyer),
            (f"{me}/quotes/{quote}/attachments/a1", buyer),
            (f"{me}/replenishmentOrders", buyer),
            (f"{me}/replenishmentOrders/{replenishment}?fields=FULL", buyer),
            (f"{me}/replenishmentOrders/{replenishment}/orders", buyer)]


def _b2b_buying_urls(sap) -> list[tuple[str, dict]]:
    """B2B buying and the account: as a buyer with an order shipped (its invoice), the
    manager who views the branch's orders, the administrator who reads the account."""
    def token(uid: str) -> dict:
        return {"Authorization": f"Bearer {sap.customer_token(uid, 'pw4all')}"}
    b2b = "/occ/v2/powertools-spa"
    buyer, manager = token("gi.sun@rustic-hw.com"), token("hanna.schmidt@rustic-hw.com")
    admin = token("linda.wolf@rustic-hw.com")
    approval = sap.runtime.db.state.b2b_approvals[_pending_approval(sap, b2b)]
    sap.client.post(f"{b2b}/orgUsers/current/cartFromOrder?orderCode={approval.order}",
                    headers=buyer)  # a current cart
    order = sap.runtime.db.state.orders[approval.order]
    order.status = "CREATED"  # approved, then shipped
    sap.fulfil_order(order.code, "SHIPPED")
    sap.client.post(f"{b2b}/orderforms", headers=buyer, json={
        "code": "f1", "currency": {"isocode": "USD"},
        "entries": [{"sku": "3881018", "quantity": 1}]})
    unit = f"{b2b}/users/current/orgUnits/Custom%20Retail"
    return [(f"{b2b}/users/current/carts/current", buyer),
            (f"{b2b}/orgUsers/current/orgUnits/orders", manager),
            (f"{b2b}/orgUsers/current/orgUnits/orders/{order.code}", manager),
            (f"{b2b}/orgProducts/3881018?fields=FULL", buyer),
            (f"{b2b}/users/current/futureStocks?productCodes=2226370,3881018", buyer),
            (f"{b2b}/users/current/futureStocks/2226370", buyer),
            (f"{b2b}/orderforms", buyer), (f"{b2b}/orderforms/f1", buyer),
            (f"{b2b}/users/current/orders/{order.code}/invoices", buyer),
            (f"{b2b}/users/current/orders/{order.code}/invoices/9{order.code}/download", buyer),
            (f"{unit}/accountSummary", admin), (f"{unit}/orgDocuments?status=all", admin),
            (f"{unit}/orgDocuments/INPG-00100001/attachments/INPG-00100001", admin)]


def test_every_read_changes_nothing(sap):
    """A GET or HEAD holds only the shared read lock, so it must not change the state (the
    operations that must, cart reads that reprice, declare ``writes=True``)."""
    from fakesapcc.api.operations import operation_of

    calls = _get_urls(sap)
    covered = set()
    for url, headers in calls:
        before = _state(sap)
        response = sap.client.get(url, headers=headers)
        endpoint = sap.app.url_map.bind("").match(url.split("?")[0], method="GET")[0]
        op = operation_of(sap.app, endpoint)
        assert response.status_code == NOT_FOUND_READS.get(op.id, 200), (url, response.json)
        covered.add(op.id)
        if not op.writes:
            after = _state(sap)
            after.agent_sessions = before.agent_sessions  # the sessions log a read may start
            assert after == before, f"{url} ({op.id}) changed the state"
    declared = {operation_of(sap.app, r.endpoint).id for r in sap.app.url_map.iter_rules()
                if "GET" in (r.methods or ()) and r.endpoint.split(".")[0] in ("occ", "asm")
                and not operation_of(sap.app, r.endpoint).writes}
    assert declared <= covered, f"reads not checked: {sorted(declared - covered)}"


def test_the_authorization_servers_reads_change_nothing():
    """The authorization server's GETs on the authorization-server profile: discovery, the
    JWKS and the CSRF token only read; the authorization endpoint and the login page keep the
    login session (and codes), and declare ``writes=True``."""
    from fakesapcc.api.operations import operation_of

    sap = FakeSAPCC(live=False, oauth_profile="authorization-server")
    browser = sap.app.test_client()
    browser.get("/authorizationserver/oauth/authorize", query_string={
        "response_type": "code", "client_id": "mobile_android_public",
        "redirect_uri": "http://localhost:4200", "code_challenge": "x" * 43,
        "code_challenge_method": "S256"})
    reads = ["/authorizationserver/.well-known/openid-configuration",
             "/authorizationserver/.well-known/oauth-authorization-server",
             "/authorizationserver/oauth2/jwks", "/authorizationserver/csrf"]
    for url in reads:
        before = _state(sap)
        response = browser.get(url, headers={"Referer": "http://localhost:4200/login"})
        assert response.status_code == 200, (url, response.json)
        assert _state(sap) == before, url
    for endpoint in ("oauth.authorize", "oauth.login_page"):
        assert operation_of(sap.app, endpoint).writes, endpoint


def test_a_slow_search_does_not_hold_up_a_product_read(monkeypatch):
    from fakesapcc.commerce import search

    with FakeSAPCC() as live:
        import requests

        original = search.ProductSearch.search

        def slow(self, *args, **kwargs):
            time.sleep(1.5)  # holding the read lock all along
            return original(self, *args, **kwargs)

        monkeypatch.setattr(search.ProductSearch, "search", slow)
        occ = f"{live.occ_url}/{SITE}"
        searching = threading.Thread(
            target=lambda: requests.get(f"{occ}/products/search?query=camera", timeout=10))
        searching.start()
        time.sleep(0.2)  # the search is inside, holding its lock
        start = time.perf_counter()
        assert requests.get(f"{occ}/products/300938", timeout=10).status_code == 200
        waited = time.perf_counter() - start
        searching.join(10)
        assert waited < 1.0, f"the product read waited {waited:.2f} s for the search"
