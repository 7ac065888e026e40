"""An example client test suite on fakesapcc's pytest plugin: no conftest, no setup — the
plugin's fixtures (``sapcc``, ``agent_token`` …) are there once fakesapcc is installed.

One line, the module's ``pytestmark``, makes every test here fail if an agent called an OCC
user endpoint as ``current`` (acting as itself): the forgotten-userId bug of ASM clients.

    pytest examples/
"""
import pytest

from client import LegacyOccClient, OccClient

pytestmark = pytest.mark.sapcc_no_agent_self

SITE = "powertools-spa"
B2B_CUSTOMER = "linda.wolf@rustic-hw.com"
PASSWORD = "pw4all"


@pytest.fixture
def client(sapcc):
    return OccClient(sapcc.oauth_url, sapcc.occ_url, SITE)


@pytest.fixture
def legacy_client(sapcc):
    return LegacyOccClient(sapcc.oauth_url, sapcc.occ_url, SITE)


def test_a_customer_reads_its_own_profile(client):
    client.login(B2B_CUSTOMER, PASSWORD)
    assert client.get_org_user()["uid"] == B2B_CUSTOMER


def test_an_agent_reads_the_emulated_customers_profile(client, sapcc):
    client.login("asagent", PASSWORD)
    client.emulate(B2B_CUSTOMER)
    assert client.get_org_user()["uid"] == B2B_CUSTOMER
    (call,) = sapcc.requests(operation_id="getOrgUser")
    assert call["principal"] == "asagent" and call["actingUser"] == B2B_CUSTOMER
    assert call["emulated"] is True


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="getOrgUser() forgets the userId: the emulation lint fails this test")
def test_the_lint_catches_a_forgotten_user_id(legacy_client):
    legacy_client.login("asagent", PASSWORD)
    legacy_client.emulate(B2B_CUSTOMER)
    profile = legacy_client.get_org_user()
    # SAP answers 200 with the agent's own profile (profile["uid"] is "asagent"): nothing
    # here fails. The plugin fails the test after its body, with "an agent (asagent) called
    # GET /occ/v2/powertools-spa/orgUsers/current as 'current' and acts as itself: did you
    # forget to pass the customer's userId?"
    assert profile


def test_the_warning_says_what_went_wrong(legacy_client, sapcc):
    legacy_client.login("asagent", PASSWORD)
    legacy_client.emulate(B2B_CUSTOMER)
    response = legacy_client.org_user_response()
    assert response.headers["X-Fakesapcc-Warning"].startswith("agent-acting-as-self; ")
    assert "did you forget to pass the customer's userId?" in response.headers["X-Fakesapcc-Warning"]
    with pytest.raises(AssertionError, match="orgUsers/current"):
        sapcc.assert_no_agent_self_calls()
    sapcc.clear_requests()  # seen and understood: let the module's check pass


def test_strict_emulation_makes_it_an_error(legacy_client, sapcc):
    sapcc.configure(strictEmulation=True)  # or: fakesapcc serve --strict-emulation
    legacy_client.login("asagent", PASSWORD)
    response = legacy_client.org_user_response()
    assert response.status_code == 400
    assert response.json()["errors"][0]["type"] == "AgentActingAsSelfError"
    sapcc.clear_requests()
