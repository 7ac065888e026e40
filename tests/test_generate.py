"""``fakesapcc generate``: the same bytes for the same seed, and a data set the loader users use
takes whole — customers who log in and whom an agent finds, products a search finds."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from fakesapcc.generate import generate
from fakesapcc.impex.loader import load_paths
from fakesapcc.testing import FakeSAPCC

ROOT = Path(__file__).resolve().parents[1]
SITE = "electronics-spa"


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def data_set(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    generate(folder, customers=300, products=60, orders=120, seed=7, progress=False)
    return folder


def test_the_same_seed_writes_the_same_bytes(data_set, tmp_path):
    again = tmp_path / "again"
    command = [sys.executable, "-m", "fakesapcc.cli", "generate", "--customers", "300",
               "--products", "60", "--orders", "120", "--seed", "7", "-o", str(again)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert digest(again) == digest(data_set)
    other = tmp_path / "other"
    generate(other, customers=300, products=60, orders=120, seed=8, progress=False)
    assert digest(other) != digest(data_set)


def test_it_loads_whole_on_the_default_seed(data_set):
    sap = FakeSAPCC(live=False)
    report = load_paths(sap.runtime.db, sorted(data_set.glob("*.impex")))
    assert report.ok and not report.errors
    assert [str(d) for f in report.files for d in f.diagnostics] == []
    counts = report.counts()
    assert counts["Customer"] >= 300 and counts["Product"] == 60 and counts["Address"] >= 300
    assert counts["Order"] == 120 and counts["Consignment"] == 120 and counts["OrderEntry"] >= 120


def test_generated_customers_log_in_and_an_agent_finds_them(data_set):
    with FakeSAPCC(impex=[str(data_set)]) as sap:
        customers = [p for p in sap.runtime.db.state.principals.values()
                     if p.uid.endswith("@example.com") and ".150@" in p.uid]
        assert len(customers) == 1
        customer = customers[0]
        token = sap.customer_token(customer.uid)
        me = requests.get(f"{sap.occ_url}/{SITE}/users/current", timeout=10,
                          headers={"Authorization": f"Bearer {token}"}).json()
        assert me["uid"] == customer.uid and me["defaultAddress"]["country"]["isocode"]
        agent = sap.agent_token()
        found = requests.get(f"{sap.base_url}/assistedservicewebservices/customers/search",
                             params={"baseSite": SITE, "query": customer.name.split()[-1]},
                             headers={"Authorization": f"Bearer {agent}"}, timeout=10).json()
        assert customer.uid in {e["uid"] for e in found["entries"]}
        code = next(p.code for p in sap.runtime.db.state.products.values()
                    if p.code.startswith("G"))
        search = requests.get(f"{sap.occ_url}/{SITE}/products/search",
                              params={"query": code}, timeout=10).json()
        assert [p["code"] for p in search["products"]] == [code]
        assert search["products"][0]["price"]["value"] > 0


def test_generated_orders_are_in_their_customers_history(data_set):
    with FakeSAPCC(impex=[str(data_set)]) as sap:
        state = sap.runtime.db.state
        order = state.orders["G00000007"]
        token = sap.customer_token(order.user)
        headers = {"Authorization": f"Bearer {token}"}
        history = requests.get(f"{sap.occ_url}/{SITE}/users/current/orders", headers=headers,
                               timeout=10).json()
        assert order.code in {o["code"] for o in history["orders"]}
        detail = requests.get(f"{sap.occ_url}/{SITE}/users/current/orders/{order.code}",
                              params={"fields": "FULL"}, headers=headers, timeout=10).json()
        entries = detail["entries"]
        assert detail["status"] == order.status and len(entries) == len(order.entries)
        assert detail["subTotal"]["value"] == round(sum(e["totalPrice"]["value"] for e in entries), 2)
        assert [c["code"] for c in detail["consignments"]] == [f"cons{order.code}_0"]
