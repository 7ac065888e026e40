"""The Python API (``FakeSAPCC``) and the pytest plugin as a client's test suite uses them."""
import os
import re
import subprocess
import sys

import pytest
import requests

from fakesapcc.errors import ApiError
from fakesapcc.testing import FakeSAPCC

CUSTOMER = "mark.rivers@pronto-hw.com"


# -- FakeSAPCC ---------------------------------------------------------------------------------


def test_reset_clears_journal_and_faults(sapcc):
    sapcc.add_fault("/occ/v2/*", status=500)
    requests.get(f"{sapcc.occ_url}/electronics-spa/languages", timeout=10)
    assert sapcc.requests() and sapcc.faults()
    sapcc.reset()
    assert sapcc.requests() == [] and sapcc.faults() == []
    assert requests.get(f"{sapcc.occ_url}/electronics-spa/languages", timeout=10).ok


def test_add_fault_returns_the_id_and_checks_its_input(sapcc):
    rule_id = sapcc.add_fault("/occ/v2/*/languages", "get", delay_ms=(1, 2), times=1, seed=5)
    (rule,) = sapcc.faults()
    assert rule["id"] == rule_id and rule["method"] == "GET"
    assert rule["delayMs"] == {"min": 1, "max": 2} and rule["remaining"] == 1
    with pytest.raises(ApiError, match="probability"):
        sapcc.add_fault(status=500, probability=2)
    assert sapcc.remove_fault(rule_id) and not sapcc.remove_fault(rule_id)
    sapcc.add_fault(status=500)
    sapcc.clear_faults()
    assert sapcc.faults() == []


def test_snapshot_and_restore_in_python(sapcc):
    saved = sapcc.snapshot()
    sapcc.runtime.db.remove_principal(CUSTOMER)
    sapcc.restore(saved)
    assert sapcc.runtime.db.principal(CUSTOMER).uid == CUSTOMER
    with pytest.raises(ApiError) as bad:
        sapcc.restore({"format": "fakesapcc-snapshot", "version": 1, "state": {"principals": 3}})
    assert bad.value.status == 400 and bad.value.subject == "state.principals"
    with pytest.raises(ApiError, match="not valid JSON"):
        sapcc.restore("{oops")
    assert sapcc.runtime.db.principal(CUSTOMER) is not None


def test_snapshot_keeps_every_kind_of_value(sapcc):
    from datetime import datetime, timezone

    from fakesapcc import models as m

    store = sapcc.runtime.db
    when = datetime(2026, 3, 1, 10, 30, tzinfo=timezone.utc)
    store.add_cart(m.Cart(code="00009999", guid="g-1", user=CUSTOMER, site="electronics-spa",
                          store="electronics", currency="USD", created=when,
                          entries=[m.OrderEntry(0, "1934793", 2, 99.5)]))
    customer = store.principal(CUSTOMER)
    customer.extra = {"at": when, "pair": ("a", 1), "tags": {"x", "y"},
                      "nested": {"list": [1, 2.5, None, True]}, "$odd": 1}
    before = store.state
    document = requests.get(f"{sapcc.admin_url}/snapshot", timeout=10).json()
    assert requests.post(f"{sapcc.admin_url}/restore", json=document, timeout=10).ok
    assert store.state is not before and store.state == before
    assert store.cart("g-1").entries[0].basePrice == 99.5


def test_configure_and_advance_clock_check_their_input(sapcc):
    sapcc.configure(properties={"toggle.customerList.enabled": "false"}, strictEmulation=True)
    assert sapcc.runtime.config.strict_emulation is True
    with pytest.raises(ApiError, match="Unknown configuration key"):
        sapcc.configure(strict=True)
    with pytest.raises(ApiError, match="only moves forward"):
        sapcc.advance_clock(-1)


def test_in_process_client_shares_the_journal():
    sap = FakeSAPCC(live=False)
    sap.client.get("/occ/v2/electronics-spa/languages")
    (entry,) = sap.requests(operation_id="getLanguages")
    assert entry["status"] == 200
    sap.reset()
    assert sap.requests() == []


def test_journal_size_setting_bounds_the_journal():
    sap = FakeSAPCC(live=False, journal_size=2)
    for _ in range(3):
        sap.client.get("/occ/v2/electronics-spa/languages")
    assert [e["id"] for e in sap.requests()] == [2, 3]


def test_strict_emulation_setting():
    sap = FakeSAPCC(live=False, strict_emulation=True)
    token = sap.agent_token()
    response = sap.client.get("/occ/v2/electronics-spa/users/current",
                              headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert response.json["errors"][0]["type"] == "AgentActingAsSelfError"
    sap.reset()
    assert sap.runtime.config.strict_emulation is True  # start-up flags survive a reset


# -- the pytest plugin, run as a client's suite runs it ----------------------------------------

SUITE = '''
import os
import pytest
import requests

def agent_self_call(sapcc):
    token = sapcc.agent_token()
    return requests.get(f"{sapcc.occ_url}/electronics-spa/users/current",
                        headers={"Authorization": f"Bearer {token}"}, timeout=10)

def test_fixtures(sapcc, sapcc_client, customer_token, agent_token, client_token):
    assert sapcc_client.get("/_fakesapcc/ready").status_code == 200
    for url in (sapcc.oauth_url, sapcc.occ_url, sapcc.asm_url, sapcc.admin_url):
        assert url.startswith("http://127.0.0.1:")
    assert customer_token("mark.rivers@pronto-hw.com") and agent_token() and client_token()

@pytest.mark.sapcc_no_agent_self
def test_marked_agent_self(sapcc):
    assert agent_self_call(sapcc).status_code == 200

def test_agent_self_under_the_option(sapcc):
    assert agent_self_call(sapcc).status_code == 200

def test_server_error(sapcc, monkeypatch):
    def boom(*args):
        raise RuntimeError("boom inside the server")
    monkeypatch.setattr(sapcc.runtime.authserver, "token", boom)
    assert requests.post(f"{sapcc.oauth_url}/oauth/token", timeout=10).status_code == 500

@pytest.mark.sapcc_impex("INSERT_UPDATE Customer;uid[unique=true];name\\n;marker@example.com;Marker")
def test_impex_marker(sapcc):
    assert sapcc.runtime.db.principal("marker@example.com") is not None

@pytest.mark.parametrize("n", range(8))
def test_worker_server(sapcc, n):
    assert sapcc.runtime.db.principal("marker@example.com") is None
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(os.environ["SAPCC_PORTS"], "a") as ports:
        ports.write(f"{worker} {sapcc.base_url}\\n")
'''


def test_plugin_under_xdist_with_the_no_agent_self_option(tmp_path):
    """Loaded by its entry point (no -p), one server per xdist worker, the lint marker and
    option, server errors, the ImpEx marker."""
    (tmp_path / "test_suite.py").write_text(SUITE)
    ports = tmp_path / "ports.txt"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_XDIST", "PYTEST_CURRENT_TEST", "PYTEST_ADDOPTS"))}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA",
                          "-n", "2", "--sapcc-no-agent-self"], cwd=tmp_path,
                         env={**env, "SAPCC_PORTS": str(ports)}, capture_output=True,
                         text=True, timeout=120)
    output = run.stdout + run.stderr
    found = dict((name, status) for status, name in re.findall(
        r"^(PASSED|FAILED|ERROR) test_suite\.py::(\w+)", run.stdout, re.M))
    assert found == {"test_fixtures": "PASSED", "test_marked_agent_self": "FAILED",
                     "test_agent_self_under_the_option": "FAILED",
                     "test_server_error": "FAILED", "test_impex_marker": "PASSED",
                     "test_worker_server": "PASSED"}, output
    assert "did you forget to pass the customer's userId?" in output
    assert "boom inside the server" in output
    # every worker runs the worker test (--dist each), so both must show their own server
    ports.unlink()
    each = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "2",
                           "--dist", "each", "-k", "test_worker_server"], cwd=tmp_path,
                          env={**env, "SAPCC_PORTS": str(ports)}, capture_output=True, text=True,
                          timeout=120)
    assert each.returncode == 0, each.stdout + each.stderr
    servers = {}
    for line in ports.read_text().splitlines():
        worker, url = line.split()
        servers.setdefault(worker, set()).add(url)
    assert len(servers) == 2 and all(len(urls) == 1 for urls in servers.values()), servers
    assert len(set.union(*servers.values())) == 2


def test_load_impex_takes_text_a_file_or_a_folder(tmp_path):
    sap = FakeSAPCC(live=False)
    (tmp_path / "a.impex").write_text("INSERT_UPDATE Title;code[unique=true]\n;capt\n")
    (tmp_path / "b.impex").write_text("INSERT_UPDATE Title;code[unique=true]\n;sir\n")
    assert not sap.load_impex(tmp_path).errors
    assert {"capt", "sir"} <= set(sap.runtime.db.state.titles)
    assert not sap.load_impex(tmp_path / "a.impex").errors
    assert not sap.load_impex("INSERT_UPDATE Title;code[unique=true]\n;dame\n").errors
    with pytest.raises(FileNotFoundError):
        sap.load_impex(tmp_path / "missing.impex")


def test_the_plugin_option_picks_the_oauth_profile(tmp_path):
    (tmp_path / "test_profile.py").write_text(
        "def test_profile(sapcc, customer_token):\n"
        "    assert sapcc.config.oauth_profile == 'authorization-server'\n"
        "    assert sapcc.config.token_format == 'jwt'\n"
        "    assert customer_token('mark.rivers@pronto-hw.com').count('.') == 2\n")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_XDIST", "PYTEST_CURRENT_TEST", "PYTEST_ADDOPTS"))}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                          "--sapcc-oauth-profile", "authorization-server"], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
