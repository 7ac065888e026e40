"""The db: indexes, snapshots and safety under threads."""
import threading
import time

from fakesapcc import models as m
from fakesapcc.db import Db


def _customer(uid, customer_id=None, groups=()):
    return m.Customer(uid=uid, name="Ann Lee", customerId=customer_id, groups=set(groups))


def test_customer_uid_is_stored_lower_cased_and_found_case_insensitively():
    store = Db()
    store.add_principal(_customer("Ann.Lee@Example.com", "c-1"))
    assert store.principal("ANN.LEE@example.COM").uid == "ann.lee@example.com"
    assert store.user_by_id("c-1").uid == "ann.lee@example.com"
    assert store.user_by_id("nobody") is None


def test_group_membership_index_follows_set_groups_and_removal():
    store = Db()
    store.add_principal(m.UserGroup(uid="POS_NAKANO"))
    ann = store.add_principal(_customer("ann@x.com", groups={"POS_NAKANO"}))
    assert [p.uid for p in store.members_of("pos_nakano")] == ["ann@x.com"]
    store.set_groups(ann, set())
    assert store.members_of("POS_NAKANO") == []
    store.add_to_group(ann, "POS_NAKANO")
    store.remove_principal("POS_NAKANO")
    assert ann.groups == set()


def test_all_groups_is_transitive_and_survives_cycles():
    store = Db()
    store.add_principal(m.UserGroup(uid="asagentgroup", groups={"asagentsalesmanagergroup"}))
    store.add_principal(m.UserGroup(uid="asagentsalesgroup", groups={"asagentgroup"}))
    store.add_principal(m.UserGroup(uid="asagentsalesmanagergroup", groups={"asagentsalesgroup"}))
    store.add_principal(m.Employee(uid="agent", groups={"asagentsalesmanagergroup"}))
    assert store.all_groups("agent") == {"asagentgroup", "asagentsalesgroup", "asagentsalesmanagergroup"}


def test_rename_keeps_memberships_and_customer_id():
    store = Db()
    store.add_principal(m.UserGroup(uid="g"))
    ann = store.add_principal(_customer("ann@x.com", "c-1", groups={"g"}))
    store.rename_principal(ann, "Ann.New@x.com")
    assert store.principal("ann@x.com") is None
    assert store.user_by_id("c-1").uid == "ann.new@x.com"
    assert [p.uid for p in store.members_of("g")] == ["ann.new@x.com"]


def test_cart_found_by_code_and_guid():
    store = Db()
    store.add_cart(m.Cart(code="00001000", guid="abc", user="anonymous", site="s", store="s", currency="USD"))
    assert store.cart("00001000") is store.cart("abc")
    store.remove_cart("00001000")
    assert store.cart("abc") is None


def test_snapshot_restore_round_trips_and_isolates():
    store = Db()
    ann = store.add_principal(_customer("ann@x.com", "c-1"))
    snap = store.snapshot()
    ann.name = "Changed"
    store.add_principal(_customer("bob@x.com"))
    store.restore(snap)
    assert store.principal("ann@x.com").name == "Ann Lee"
    assert store.principal("bob@x.com") is None
    store.principal("ann@x.com").name = "Again"
    store.restore(snap)  # a snapshot can be restored many times
    assert store.principal("ann@x.com").name == "Ann Lee"


def test_transaction_rolls_back_on_error():
    store = Db()
    store.add_principal(_customer("ann@x.com"))
    try:
        with store.transaction():
            store.add_principal(_customer("bob@x.com"))
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert store.principal("bob@x.com") is None
    assert store.principal("ann@x.com") is not None


def test_eight_threads_times_500_mutations_lose_no_update():
    store = Db()
    store.add_principal(m.UserGroup(uid="counter", extra={"n": 0}))
    store.add_cart(m.Cart(code="c", guid="g", user="u", site="s", store="s", currency="USD"))
    barrier = threading.Barrier(8)

    def work(t):
        barrier.wait()
        for i in range(500):
            with store.locked():
                group = store.principal("counter")
                n = group.extra["n"]
                if i % 50 == 0:
                    time.sleep(0)  # invite a thread switch inside the read-modify-write
                group.extra["n"] = n + 1
                cart = store.cart("g")
                cart.entries.append(m.OrderEntry(len(cart.entries), f"p{t}", 1, 1.0))
            code = store.next_code("cart", 1000)
            assert code

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.principal("counter").extra["n"] == 4000
    entries = store.cart("c").entries
    assert len(entries) == 4000
    assert [e.entryNumber for e in entries] == list(range(4000))  # no torn read of len()
    assert store.state.counters["cart"] == 1000 + 4000


def test_a_failed_load_rolls_back_tables_written_by_columns(monkeypatch):
    """A load's rollback snapshot is the state's pickle (``pickling.dumps``): with its big
    tables written by columns, a failed file still leaves the store as it was."""
    from fakesapcc import pickling
    from fakesapcc.impex.loader import load_text

    monkeypatch.setattr(pickling, "TABLE_ROWS", 1)
    db = Db()
    load_text(db, "INSERT_UPDATE Customer;uid[unique=true];name\n;a@example.com;Ann\n"
                  ";b@example.com;Bob\nINSERT Address;owner(Customer.uid);town\n"
                  ";a@example.com;Rome\n")
    def view():
        return ({k: (p.name, p.loginDisabled) for k, p in db.state.principals.items()},
                {k: (a.owner, a.town) for k, a in db.state.addresses.items()})
    before = view()
    assert "principals" in pickling._tables(db.state)  # the rollback writes it by columns
    report = load_text(db, "INSERT_UPDATE Customer;uid[unique=true];name\n;a@example.com;Changed\n"
                           ";c@example.com;Cid\nINSERT_UPDATE Customer;uid[unique=true];"
                           "loginDisabled\n;b@example.com;maybe\n")
    assert not report.loaded
    assert view() == before
    assert db.state.principals["a@example.com"].name == "Ann"
