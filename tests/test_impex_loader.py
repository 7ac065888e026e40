"""The ImpEx loader: SAP's modes and references, on small texts and on SAP's own sample files."""
from pathlib import Path

import pytest

from fakesapcc import models as m
from fakesapcc.impex.loader import load_paths, load_text
from fakesapcc.runtime import default_data_dir
from fakesapcc.db import Db
from fakesapcc.testing import FakeSAPCC

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "impex-samples"


def load(store, text, **kw):
    report = load_text(store, text, "t.impex", **kw)
    assert report.loaded, [str(d) for d in report.diagnostics]
    return report


@pytest.fixture(scope="module")
def seeded_snapshot():
    store = Db()
    report = load_paths(store, [default_data_dir()])
    assert report.ok, [str(d) for d in report.errors]
    return store.snapshot()


@pytest.fixture
def seeded(seeded_snapshot):
    store = Db()
    store.restore(seeded_snapshot)
    return store


@pytest.fixture(scope="module")
def with_samples(seeded_snapshot):
    """The default seed plus every SAP sample file, in name order."""
    store = Db()
    store.restore(seeded_snapshot)
    report = load_paths(store, [SAMPLES], stop_on_error=False)
    assert report.ok, [str(d) for d in report.errors]
    assert all(f.loaded for f in report.files)
    return store


# -- the samples ------------------------------------------------------------------------------


def test_sample_agent_gets_store_groups_from_principal_group_relations(with_samples):
    groups = with_samples.principal("asagent").groups
    assert {"chicagostoreemployees", "sanfranciscostoreemployees"} <= groups
    assert "ROLE" not in "".join(groups)
    assert "asagentgroup" in with_samples.all_groups("customer.support@chicago.com")


def test_sample_customer_lists_keep_their_implementation_type(with_samples):
    instore = with_samples.principal("instoreCustomers")
    assert isinstance(instore, m.CustomerList)
    assert instore.implementationType == "IN_STORE"  # written "IN_STORE" in quotes in the file
    assert instore.locname["en"] == "Current In-Store Customers"  # UPDATE CustomerList (telco)
    assert with_samples.principal("bopisCustomers").implementationType == "BOPIS"
    members = {p.uid for p in with_samples.members_of("instoreCustomers")}
    assert {"asagent-all", "asagent-powertools-spa-standalone", "asagent"} <= members


def test_sample_point_of_service_address_defined_later_in_the_file(with_samples):
    state = with_samples.state
    pos = [p for p in state.points_of_service.values() if p.name == "Nakano"]
    assert pos and pos[0].address is not None
    address = state.addresses[pos[0].address]
    assert address.town and address.country == "JP"


def test_sample_macro_built_from_macros_reaches_the_store(with_samples):
    store = with_samples.state.base_stores["electronics-spa-standalone"]
    # $deliveryCountries=$unitedKingdom,$europeNotUK,$asianCountries,US,CA
    assert {"GB", "DE", "JP", "US", "CA"} <= set(store.deliveryCountries)
    assert store.pickupInStoreMode == "BUY_AND_COLLECT"
    assert store.defaultCurrency == "USD"


def test_sample_composite_default_shipment_address(with_samples):
    mark = with_samples.principal("mark.johnson.customer@hybris.com")
    address = with_samples.state.addresses[mark.defaultShipmentAddress]
    assert (address.owner, address.streetname, address.postalcode) == (
        "mark.johnson.customer@hybris.com", "115th Street & King Drive", "60628")


def test_sample_b2b_uid_with_pipe_and_oauth_public_client(with_samples):
    telly = with_samples.principal("telly.becker@rustic-hw.com|powertools-spa-standalone")
    assert isinstance(telly, m.B2BCustomer) and telly.customerId == "4ec07c4d-3e32-4151-82b0-bd4b66641821"
    assert telly.loginDisabled is True  # [default=true]
    client = with_samples.state.oauth_clients["asm_client"]
    assert client.public is True and client.authorizedGrantTypes == ["authorization_code", "refresh_token"]


def test_sample_group_chain_is_transitive(with_samples):
    assert "asagentgroup" in with_samples.all_groups("asagent-all")


# -- modes and semantics ----------------------------------------------------------------------


def test_insert_update_then_update_then_remove():
    store = Db()
    load(store, "INSERT_UPDATE Title;code[unique=true];name[lang=en];name[lang=de]\n;capt;Captain;Kapitän\n")
    assert store.state.titles["capt"].name == {"en": "Captain", "de": "Kapitän"}
    load(store, "UPDATE Title;code[unique=true];name[lang=en]\n;capt;Skipper\n")
    assert store.state.titles["capt"].name == {"en": "Skipper", "de": "Kapitän"}
    load(store, "REMOVE Title;code[unique=true]\n;capt\n")
    assert "capt" not in store.state.titles


def test_update_of_a_missing_item_is_a_warning_or_a_strict_error():
    store = Db()
    report = load_text(store, "UPDATE Title;code[unique=true];name[lang=en]\n;nope;x\n", "t.impex")
    assert report.loaded and "no item matches" in report.diagnostics[0].message
    strict = load_text(store, "UPDATE Title;code[unique=true];name[lang=en]\n;nope;x\n", "t.impex", strict=True)
    assert not strict.loaded and strict.errors[0].line == 2


def test_ignore_keeps_and_empty_clears_on_update():
    store = Db()
    load(store, "INSERT_UPDATE Employee;uid[unique=true];name;description\n;bob;Bob;first\n")
    load(store, "INSERT_UPDATE Employee;uid[unique=true];name;description\n;bob;<ignore>;\n")
    bob = store.principal("bob")
    assert bob.name == "Bob" and bob.description is None


def test_collection_modes_append_replace_remove_and_prefixes():
    store = Db()
    load(store, "INSERT_UPDATE UserGroup;uid[unique=true]\n;a\n;b\n;c\n")
    load(store, "INSERT_UPDATE Employee;uid[unique=true];groups(uid)\n;bob;a, b\n")
    load(store, "INSERT_UPDATE Employee;uid[unique=true];groups(uid)[mode=append]\n;bob;c\n")
    assert store.principal("bob").groups == {"a", "b", "c"}
    load(store, "INSERT_UPDATE Employee;uid[unique=true];groups(uid)[mode=remove]\n;bob;a\n")
    assert store.principal("bob").groups == {"b", "c"}
    load(store, "INSERT_UPDATE Employee;uid[unique=true];groups(uid)\n;bob;(+)a,(-)c\n")
    assert store.principal("bob").groups == {"a", "b"}
    load(store, "INSERT_UPDATE Employee;uid[unique=true];groups(uid)\n;bob;c\n")
    assert store.principal("bob").groups == {"c"}
    load(store, "INSERT_UPDATE Employee;uid[unique=true];groups(uid)\n;bob;\n")  # empty: ignored
    assert store.principal("bob").groups == {"c"}
    load(store, "INSERT_UPDATE Employee;uid[unique=true];groups[ignorenull=false,default=]\n;bob;\n")
    assert store.principal("bob").groups == set()
    assert store.members_of("c") == []


def test_forward_reference_by_unique_key_is_retried_after_the_file():
    store = Db()
    load(store, "INSERT_UPDATE Employee;uid[unique=true];groups(uid)\n;bob;later\n"
                "INSERT_UPDATE UserGroup;uid[unique=true]\n;later\n")
    assert store.principal("bob").groups == {"later"}


def test_subtype_in_first_cell():
    store = Db()
    load(store, "INSERT User;uid[unique=true];name\nCustomer;ann@x.com;Ann Lee\nEmployee;emp;Emp\n")
    assert isinstance(store.principal("ann@x.com"), m.Customer)
    assert isinstance(store.principal("emp"), m.Employee)


def test_bad_value_is_an_error_and_the_file_loads_not_at_all():
    store = Db()
    report = load_text(store, "INSERT_UPDATE Title;code[unique=true]\n;ok\n"
                              "INSERT_UPDATE Currency;isocode[unique=true];digits\n;XXX;two\n", "f.impex")
    assert not report.loaded
    assert report.errors[0].line == 4 and "not a number" in report.errors[0].message
    assert store.state.titles == {} and store.state.currencies == {}


def test_failed_load_leaves_the_running_store_unchanged(seeded):
    before = seeded.snapshot()
    report = load_text(seeded, "INSERT_UPDATE Title;code[unique=true]\n;newtitle\n"
                               "REMOVE Customer;uid[unique=true]\n;mark.rivers@pronto-hw.com\n"
                               'INSERT_UPDATE Title;code[unique=true];name[lang=en]\n;x;"open\n', "f.impex")
    assert not report.loaded
    assert seeded.snapshot() == before


def test_catalog_aware_product_price_and_stock():
    store = Db()
    load(store, """
$catalogVersion=catalogversion(catalog(id[default=cat]),version[default='Online'])[unique=true,default=cat:Online]
INSERT_UPDATE Currency;isocode[unique=true];symbol
;USD;$
INSERT_UPDATE Catalog;id[unique=true]
;cat
INSERT_UPDATE CatalogVersion;catalog(id)[unique=true];version[unique=true];active
;cat;Online;true
INSERT_UPDATE Category;code[unique=true];$catalogVersion;name[lang=en]
;cams;;Cameras
INSERT_UPDATE Product;code[unique=true];$catalogVersion;name[lang=en];supercategories(code,$catalogVersion);approvalStatus(code)
;p1;;Camera One;cams;approved
INSERT_UPDATE PriceRow;product(code,$catalogVersion)[unique=true];currency(isocode)[unique=true];price;net
;p1;USD;12,5;false
INSERT_UPDATE Warehouse;code[unique=true]
;w1
INSERT_UPDATE StockLevel;productCode[unique=true];warehouse(code)[unique=true];available
;p1;w1;7
""".replace("12,5", "12.5"))
    product = store.state.products[("cat", "Online", "p1")]
    assert product.supercategories == ["cams"] and product.name["en"] == "Camera One"
    assert [(r.currency, r.price) for r in store.prices("p1")] == [("USD", 12.5)]
    assert [(s.warehouse, s.available) for s in store.stock_levels("p1")] == [("w1", 7)]
    load(store, "INSERT_UPDATE StockLevel;productCode[unique=true];warehouse(code)[unique=true];available\n;p1;w1;3\n")
    assert [s.available for s in store.stock_levels("p1")] == [3]  # updated, not duplicated


def test_german_locale_numbers():
    store = Db()
    load(store, '#% impex.setLocale(Locale.GERMAN);\nINSERT_UPDATE Currency;isocode[unique=true];conversion\n;EUR;1,38\n')
    assert store.state.currencies["EUR"].conversion == 1.38


def test_a_null_uid_is_an_error_not_a_crash():
    store = Db()
    report = load_text(store, "INSERT_UPDATE Employee;uid[unique=true];name\n;bob;Bob\n"
                              "UPDATE Employee;name[unique=true];uid\n;Bob;<null>\n", "f.impex")
    assert not report.loaded and "uid cannot be emptied" in report.errors[0].message
    assert store.principal("bob") is None  # nothing of the file applied


def test_an_unforeseen_loader_failure_refuses_the_file_whole(monkeypatch):
    from fakesapcc.impex import loader

    store = Db()
    monkeypatch.setattr(loader._FileLoader, "relation", lambda *a, **k: 1 / 0)
    report = load_text(store, "INSERT_UPDATE UserGroup;uid[unique=true]\n;g\n"
                              "INSERT_UPDATE PrincipalGroupRelation;source(uid)[unique=true];target(uid)[unique=true]\n;g;g\n",
                       "f.impex")
    assert not report.loaded and "ZeroDivisionError" in report.errors[0].message
    assert store.principal("g") is None


# -- the README's error classes (issue 18) ------------------------------------------------------

PRICE = ("INSERT_UPDATE PriceRow;product(code,catalogVersion(catalog(id),version))[unique=true];"
         "currency(isocode)[unique=true];price\n")


@pytest.mark.parametrize("product", ["300938", "nosuch"])
def test_a_price_that_does_not_convert_is_an_error(seeded, product):
    report = load_text(seeded, PRICE + f";{product}:electronicsProductCatalog:Online;USD;abc\n",
                       "t.impex")
    assert not report.loaded
    assert [str(d) for d in report.errors] == [
        "t.impex:2: error: 'abc' is not a number (column price) [column price]"]


@pytest.mark.parametrize("text", [
    "UPDATE Currency;isocode[unique=true];active\n;XYZ;maybe\n",
    "REMOVE Currency;isocode[unique=true];digits\n;USD;two\n",
])
def test_a_value_that_does_not_convert_is_an_error_where_nothing_is_written(seeded, text):
    report = load_text(seeded, text, "t.impex")
    assert not report.loaded and len(report.errors) == 1, [str(d) for d in report.diagnostics]
    assert "is not a" in report.errors[0].message
    assert "USD" in seeded.state.currencies


def test_orders_with_entries_and_consignments_load_and_settle():
    """An order as a data set writes it: its totals as the columns give them, the rest summed
    from its entries; its consignments listed on it."""
    sap = FakeSAPCC(live=False)
    report = sap.load_impex("""INSERT_UPDATE Order;code[unique=true];user(uid);currency(isocode);site(uid);store(uid);status(code);deliveryCost
;X1;mark.rivers@pronto-hw.com;USD;electronics-spa;electronics;COMPLETED;5
;X2;mark.rivers@pronto-hw.com;USD;electronics-spa;electronics;CREATED;
INSERT_UPDATE OrderEntry;order(code)[unique=true];entryNumber[unique=true];product(code,catalogVersion(catalog(id),version));quantity;basePrice
;X1;0;300938:electronicsProductCatalog:Online;2;10.5
;X1;1;358639:electronicsProductCatalog:Online;1;4
;X2;0;300938:electronicsProductCatalog:Online;1;10.5
INSERT_UPDATE Consignment;code[unique=true];order(code);status(code);warehouse(code);entries
;cX1;X1;SHIPPED;warehouse_e;0,1
""")
    assert not report.errors, [str(d) for d in report.diagnostics]
    state = sap.runtime.db.state
    x1, x2 = state.orders["X1"], state.orders["X2"]
    assert [e.totalPrice for e in x1.entries] == [21.0, 4.0]
    assert x1.totals["subTotal"] == 25.0 and x1.totals["totalPrice"] == 30.0
    assert x1.totals["totalUnitCount"] == 3 and x2.totals["totalPrice"] == 10.5
    assert x1.consignments == ["cX1"] and state.consignments["cX1"].entries == [0, 1]
    assert x1.guid and state.order_guids[x1.guid] == "X1"
    sap.load_impex("INSERT_UPDATE OrderEntry;order(code)[unique=true];entryNumber[unique=true];quantity\n;X1;0;3\n")
    assert [e.quantity for e in x1.entries] == [3, 1] and x1.totals["subTotal"] == 35.5
