"""The default seed holds what the README promises."""
import re
from pathlib import Path

import pytest

from fakesapcc import models as m
from fakesapcc.errors import OAuthError

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


@pytest.fixture
def state(sapcc):
    return sapcc.runtime.db.state


def test_electronics_catalog_has_priced_pictured_stocked_products(sapcc, state):
    products = [p for p in state.products.values() if p.catalogVersion == ("electronicsProductCatalog", "Online")]
    assert len(products) >= 50
    store = sapcc.runtime.db
    for p in products:
        assert {r.currency for r in store.prices(p.code)} >= {"USD", "EUR"}, p.code
        assert p.picture and p.galleryImages and p.supercategories, p.code
    online = {p.code: sum(s.available for s in store.stock_levels(p.code) if s.warehouse == "warehouse_e")
              for p in products}
    assert sum(1 for v in online.values() if v == 0) >= 4
    assert sum(1 for v in online.values() if 0 < v < 5) >= 4


def test_sites_stores_and_context(state):
    site = state.base_sites["electronics-spa"]
    assert site.channel == "B2C" and site.stores == ["electronics"]
    store = state.base_stores["electronics"]
    assert store.defaultCurrency == "USD" and len(store.currencies) >= 2 and len(store.languages) >= 2
    assert state.base_sites["powertools-spa"].channel == "B2B"
    assert {"standard-gross", "premium-gross", "pickup"} <= set(store.deliveryModes)
    assert state.card_types and state.titles and state.regions


def test_customers_and_points_of_service(sapcc, state):
    store = sapcc.runtime.db
    customers = [p for p in state.principals.values() if type(p) is m.Customer]
    assert len(customers) >= 30 and all(c.customerId for c in customers)
    assert any(c.loginDisabled for c in customers)
    for group, pos in (("POS_NAKANO", "Nakano"), ("POS_ICHIKAWA", "Ichikawa")):
        assert store.members_of(group)
        assert state.points_of_service[pos].address in state.addresses
    assert store.principal("nakanostoreemployees").store == "Nakano"
    assert store.principal("ichikawastoreemployees").store == "Ichikawa"


def test_agents_have_the_groups_the_readme_says(sapcc):
    store = sapcc.runtime.db
    assert {"asagentgroup", "customermanagergroup", "nakanostoreemployees"} <= store.all_groups("asagent")
    assert "customermanagergroup" not in store.all_groups("asagent-nocm")
    assert "asagentgroup" in store.all_groups("asagent-nocm")
    assert not {g for g in store.all_groups("asagent-nostore") if g.endswith("storeemployees")}
    assert not store.all_groups("notasagent") & {"asagentgroup", "customermanagergroup"}
    lists = {g for g in store.all_groups("asagent") if isinstance(store.principal(g), m.CustomerList)}
    assert lists == {"instorecustomers", "bopiscustomers", "myrecentcustomersessions"}
    assert store.principal("instoreCustomers").implementationType == "IN_STORE"
    assert store.principal("bopisCustomers").implementationType == "BOPIS"


def test_b2b_units_and_customers(sapcc):
    store = sapcc.runtime.db
    gi = store.principal("gi.sun@rustic-hw.com")
    assert isinstance(gi, m.B2BCustomer) and gi.defaultB2BUnit == "Custom Retail"
    assert "rustic" in store.all_groups(gi.uid)


def readme_accounts():
    """Every account of the README's seed tables (customers, agents and employees, B2B users),
    with the password its row or its table's heading gives."""
    section = README.split("<!-- seed-tables:start -->", 1)[1].split("<!-- seed-tables:end -->")[0]
    for part in section.split("\n**")[1:]:
        heading, _, table = part.partition("\n\n")
        password = re.search(r"password `([^`]+)`", heading)
        lines = table.splitlines()
        columns = [c.strip() for c in lines[0].strip().strip("|").split("|")] if lines else []
        if password is None and "password" not in columns:
            continue
        for line in table.splitlines()[2:]:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) > 1 and "another password" not in line:
                yield cells[0].strip("`"), (password.group(1) if password else
                                            cells[columns.index("password")].strip("`"))


def test_the_readme_lists_every_account(state):
    listed = {uid for uid, _ in readme_accounts()}
    accounts = {p.uid for p in state.principals.values()
                if type(p) in (m.Customer, m.Employee, m.B2BCustomer) and p.uid != "anonymous"}
    assert listed == accounts


@pytest.mark.parametrize("uid, password", list(readme_accounts()))
def test_every_readme_account_logs_in(sapcc, uid, password):
    user = sapcc.runtime.db.principal(uid)
    assert user is not None, uid
    form = {"grant_type": "password", "username": uid, "password": password,
            "client_id": "mobile_android", "client_secret": "secret"}
    if not user.is_active(sapcc.runtime.clock.now()):  # login-disabled or deactivated on purpose
        with pytest.raises(OAuthError) as refused:
            sapcc.runtime.authserver.token(form, None)
        assert (refused.value.status, refused.value.error, refused.value.description) == (
            400, "invalid_grant", "User is disabled")
        return
    assert sapcc.runtime.authserver.token(form, None)["access_token"]


def test_readme_oauth_clients_exist(state):
    for client_id in ("mobile_android", "trusted_client", "asm_client", "client-side", "mobile_android_public"):
        assert client_id in state.oauth_clients
    assert state.oauth_clients["trusted_client"].authorities == ["ROLE_TRUSTED_CLIENT"]
