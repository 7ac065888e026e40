"""The dashboard's pages and forms over HTTP (in process): what each page shows, what each
button does, the control plane's access rules, and no external asset. The browser drives it
in tests/browser/test_dashboard_browser.py."""
import io
import json
import re

import pytest

from fakesapcc.testing import FakeSAPCC

UI = "/_fakesapcc/ui"
CUSTOMER = "mark.rivers@pronto-hw.com"


@pytest.fixture(scope="module")
def sap():
    return FakeSAPCC(live=False)


@pytest.fixture
def client(sap):
    sap.reset()
    return sap.client


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_the_overview_shows_profile_toggles_sites_and_stores(client):
    page = client.get(UI)
    assert page.status_code == 200 and page.mimetype == "text/html"
    body = text(page)
    for expected in ("SAP Commerce version 2211", "OAuth profile classic",
                     "toggle.customer360.enabled true", "strictEmulation false",
                     "electronics-spa", "powertools-spa", "USD, EUR, JPY", "no fault rule"):
        assert expected.lower() in body.lower(), expected


def test_nothing_is_loaded_from_elsewhere_and_the_script_carries_a_nonce(client):
    page = client.get(UI)
    html = page.get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    policy = page.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<script nonce="{nonce}">' in html and "default-src 'none'" in policy
    assert html.count("<script") == 1


def test_accounts_show_passwords_agents_stores_and_b2b_units(client):
    body = text(client.get(f"{UI}/accounts"))
    assert f"{CUSTOMER} Mark Rivers Password123!" in body
    assert re.search(r"asagent Customer Support Agent pw4all asagentgroup, customermanagergroup "
                     r"Nakano", body)
    assert "linda.wolf@rustic-hw.com Linda Wolf pw4all Rustic b2badmingroup" in body
    narrowed = text(client.get(f"{UI}/accounts?q=yuki"))
    assert "yuki.tanaka@example.jp" in narrowed and CUSTOMER not in narrowed


def test_carts_and_orders_per_customer_with_entries(sap, client):
    token = sap.customer_token(CUSTOMER)
    auth = {"Authorization": f"Bearer {token}"}
    cart = client.post("/occ/v2/electronics-spa/users/current/carts", headers=auth).get_json()
    client.post(f"/occ/v2/electronics-spa/users/current/carts/{cart['code']}/entries",
                headers=auth, json={"product": {"code": "300938"}, "quantity": 2})
    body = text(client.get(f"{UI}/carts?q=mark.rivers"))
    assert f"Cart {cart['code']}" in body and "300938 2" in body


def test_the_journal_rows_filter_by_user_and_path_and_flag_an_agent_acting_as_itself(sap, client):
    agent = sap.agent_token("asagent")
    client.get("/occ/v2/electronics-spa/users/current/carts",
               headers={"Authorization": f"Bearer {agent}"})
    client.get("/occ/v2/electronics-spa/products/300938")
    rows = client.get(f"{UI}/journal?user=ASAGENT").get_data(as_text=True)
    assert rows.count("<tr") == 1 and 'class="warning"' in rows
    assert "agent acting as itself" in rows
    rows = client.get(f"{UI}/journal?path=/products/").get_data(as_text=True)
    assert rows.count("<tr") == 1 and "300938" in rows and "warning" not in rows
    assert client.get(f"{UI}/journal?path=*.nothing").get_data(as_text=True).count("data-id") == 0


def test_the_buttons_reset_restore_and_download(sap, client):
    snapshot = client.get(f"{UI}/snapshot")
    assert snapshot.headers["Content-Disposition"].startswith("attachment; filename=")
    document = snapshot.get_json()
    sap.runtime.db.remove_principal(CUSTOMER)
    done = client.post(f"{UI}/restore", data={
        "snapshot": (io.BytesIO(json.dumps(document).encode()), "s.json")})
    assert done.status_code == 303 and done.headers["Location"].endswith("done=restored")
    assert sap.runtime.db.principal(CUSTOMER) is not None
    assert "The snapshot is restored" in text(client.get(done.headers["Location"]))
    bad = client.post(f"{UI}/restore", data={"snapshot": (io.BytesIO(b"{}"), "s.json")})
    assert bad.status_code == 400 and "Invalid snapshot" in text(bad)
    sap.runtime.db.remove_principal(CUSTOMER)
    assert client.post(f"{UI}/reset").status_code == 303
    assert sap.runtime.db.principal(CUSTOMER) is not None


def test_impex_upload_reports_line_by_line(sap, client):
    good = client.post(f"{UI}/impex", data={"file": (io.BytesIO(
        b"INSERT_UPDATE Customer;uid[unique=true];name\n;new.one@example.com;New One\n"
        b"INSERT_UPDATE NoSuchType;code[unique=true]\n;x\n"), "mine.impex")})
    assert good.status_code == 200
    body = text(good)
    assert "mine.impex" in body and "Loaded." in body and "Customer 1" in body
    assert re.search(r"3 warning .*NoSuchType", body)
    assert sap.runtime.db.principal("new.one@example.com") is not None
    bad = client.post(f"{UI}/impex", data={"text": "INSERT_UPDATE Customer;uid[unique=true]\n"
                                                   ";\"unterminated\n"})
    assert bad.status_code == 400 and "Not loaded" in text(bad) and " error " in text(bad)
    assert client.post(f"{UI}/impex", data={"text": " "}).status_code == 400


def test_clock_and_fault_forms(sap, client):
    assert client.post(f"{UI}/clock", data={"action": "advance", "seconds": "60"}).status_code == 303
    assert sap.runtime.clock.offset_seconds == 60
    assert client.post(f"{UI}/clock", data={"action": "freeze"}).status_code == 303
    assert sap.runtime.clock.frozen
    refused = client.post(f"{UI}/clock", data={"action": "advance", "seconds": "-5"})
    assert refused.status_code == 400 and "only moves forward" in text(refused)
    added = client.post(f"{UI}/faults", data={"path": "/occ/v2/*/carts*", "status": "503",
                                              "times": "2", "method": "POST"})
    assert added.status_code == 303
    [rule] = sap.harness.faults.rules()
    assert (rule.status, rule.times, rule.method) == (503, 2, "POST")
    assert rule.id in text(client.get(UI))
    assert client.post(f"{UI}/faults", data={"status": "42"}).status_code == 400
    assert client.post(f"{UI}/faults/{rule.id}/remove").status_code == 303
    assert sap.harness.faults.rules() == []
    gone = client.post(f"{UI}/faults/{rule.id}/remove")
    assert gone.status_code == 404 and "No fault rule" in text(gone)


def test_beyond_loopback_the_dashboard_needs_the_admin_token():
    sap = FakeSAPCC(live=False, host="0.0.0.0", admin_token="s3cret")
    client = sap.client
    first = client.get(UI)
    assert first.status_code == 303 and first.headers["Location"].endswith("/_fakesapcc/ui/login")
    assert client.get(f"{UI}/login").status_code == 200
    assert client.post(f"{UI}/reset").status_code == 401  # JSON callers get the envelope
    assert client.post(f"{UI}/login", data={"token": "wrong"}).status_code == 401
    signed = client.post(f"{UI}/login", data={"token": "s3cret"})
    assert signed.status_code == 303
    cookie = signed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/_fakesapcc" in cookie
    assert client.get(UI).status_code == 200  # the cookie opens it, and the control plane
    assert client.post("/_fakesapcc/reset").status_code == 200
    assert client.post(f"{UI}/reset", headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.get(UI, headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_no_admin_hides_the_dashboard():
    sap = FakeSAPCC(live=False, admin=False)
    assert sap.client.get(UI).status_code == 404


def test_home_links_the_dashboard(client):
    assert client.get("/", headers={"Accept": "application/json"}).get_json()[
        "links"]["dashboard"].endswith("/_fakesapcc/ui")
