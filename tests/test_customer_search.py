"""The ASM customer search index (commerce/customer_search): the same answers as matching every
customer one by one, through adds, renames, profile changes, removals and rebuilds."""
from __future__ import annotations

import random

import pytest

from fakesapcc import models as m
from fakesapcc.commerce import customer_search as cs
from fakesapcc.commerce.customers import Customers
from fakesapcc.clock import Clock
from fakesapcc.db import Db


def customer(uid: str, name: str, site: str | None = None, kind: str = "REGISTERED") -> m.Customer:
    return m.Customer(uid=uid, name=name, customerId=f"id-{uid}", site=site, type=kind,
                      originalUid=uid)


def linear(db: Db, query: str | None, site: str | None) -> list[str]:
    """What the search must answer: every principal checked one by one, in uid order."""
    return sorted(p.uid for p in db.state.principals.values()
                  if cs.searchable(p, site) and cs.matches(p, query))


def found(db: Db, query: str | None, site: str | None = None) -> list[str]:
    return [c.uid for c in cs.customer_index(db, site).search(query)]


@pytest.fixture
def db() -> Db:
    db = Db()
    for uid, name, site in [("mark.rivers@x.com", "Mark Rivers", None),
                            ("anna.mark@y.org", "Anna Markov", None),
                            ("zed@z.com", "Zed Zulu", "isolated"),
                            ("bob@x.com", "Bob Smith", None)]:
        db.add_principal(customer(uid, name, site))
    db.add_principal(customer("guid|guest@x.com", "guest", kind="GUEST"))
    db.add_principal(m.Employee(uid="asagent", name="Mark Agent"))
    return db


def test_contains_on_uid_and_name_in_uid_order_without_guests_or_employees(db):
    assert found(db, "mark") == ["anna.mark@y.org", "mark.rivers@x.com"]
    assert found(db, "  MARK ") == ["anna.mark@y.org", "mark.rivers@x.com"]
    assert found(db, "x.com") == ["bob@x.com", "mark.rivers@x.com"]
    assert found(db, "k r") == ["mark.rivers@x.com"]  # across first and last name
    assert found(db, "") == ["anna.mark@y.org", "bob@x.com", "mark.rivers@x.com", "zed@z.com"]
    assert found(db, "nobody") == []


def test_an_isolated_site_sees_its_own_customers_and_the_shared_ones(db):
    assert found(db, "z", site="isolated") == ["zed@z.com"]
    assert found(db, "zed") == ["zed@z.com"]  # no site given: every customer
    assert found(db, "zed", site="other") == []


def test_a_query_spanning_two_customers_matches_neither(db):
    assert found(db, "rivers\nzed") == []


def test_writes_reach_the_search_without_a_rebuild(db):
    index = cs.customer_index(db, None)
    text = index.view.text
    db.add_principal(customer("carl@x.com", "Carl Mark"))
    Customers(db, Clock()).update_profile(db.principal("bob@x.com"),
                                          {"firstName": "Bob", "lastName": "Marks"}, False)
    db.remove_principal("anna.mark@y.org")
    assert found(db, "mark") == ["bob@x.com", "carl@x.com", "mark.rivers@x.com"]
    assert cs.customer_index(db, None) is index and index.view.text == text  # the overlay


def test_a_login_change_is_seen_under_the_new_uid(db):
    db.rename_principal(db.principal("bob@x.com"), "robert@x.com")
    assert found(db, "x.com") == ["mark.rivers@x.com", "robert@x.com"]


def test_the_overlay_is_folded_into_the_text_past_its_limit(db, monkeypatch):
    monkeypatch.setattr(cs, "OVERLAY_LIMIT", 3)
    index = cs.customer_index(db, None)
    for n in range(5):
        db.add_principal(customer(f"new{n}@x.com", f"New {n}"))
    assert len(index.view.overlay) == 5
    assert found(db, "new") == [f"new{n}@x.com" for n in range(5)]
    assert index.view.overlay == {} and "new4@x.com" in index.view.text


def test_a_restored_state_drops_the_index(db):
    snapshot = db.snapshot()
    before = cs.customer_index(db, None)
    db.add_principal(customer("late@x.com", "Late Mark"))
    db.restore(snapshot)
    assert cs.customer_index(db, None) is not before
    assert "late@x.com" not in found(db, "")


@pytest.mark.parametrize("seed", range(5))
def test_random_writes_and_queries_agree_with_matching_one_by_one(seed, monkeypatch):
    monkeypatch.setattr(cs, "OVERLAY_LIMIT", 7)
    rng = random.Random(seed)
    words = ["mark", "anna", "rivers", "smith", "zed", "x.com", "y.org", "ma", "a", "k s", "1", "u1", "n"]
    db = Db()
    customers = Customers(db, Clock())
    for n in range(40):
        db.add_principal(customer(f"u{n}@{rng.choice('xy')}.com", " ".join(rng.sample(words[:5], 2)),
                                  rng.choice([None, None, "isolated"])))
    for _ in range(300):
        uids = sorted(db.state.principals)
        action = rng.random()
        if action < 0.2:
            db.add_principal(customer(f"n{rng.randrange(10**6)}@x.com", rng.choice(words)))
        elif action < 0.35 and uids:
            db.remove_principal(rng.choice(uids))
        elif action < 0.5 and uids:
            customers.update_profile(db.principal(rng.choice(uids)),
                                     {"firstName": rng.choice(words), "lastName": rng.choice(words)},
                                     False)
        elif action < 0.55 and uids:
            target = rng.choice(uids)
            new = f"r{rng.randrange(10**6)}@y.org"
            db.rename_principal(db.principal(target), new)
        query = rng.choice(words + ["", None])
        site = rng.choice([None, "isolated", "other"])
        assert found(db, query, site) == linear(db, query, site), (query, site)
