"""The request journal and the emulation lint, black-box over HTTP."""
import pytest
import requests

CUSTOMER = "mark.rivers@pronto-hw.com"
B2B_CUSTOMER = "linda.wolf@rustic-hw.com"
LINT_SENTENCE = "did you forget to pass the customer's userId?"


def occ(sapcc, path, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{sapcc.occ_url}{path}", headers=headers, timeout=10, **kwargs)


def journal(sapcc, **params):
    response = requests.get(f"{sapcc.admin_url}/requests", params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["requests"]


# -- entries -----------------------------------------------------------------------------------


def test_an_entry_tells_who_called_what(sapcc):
    token = sapcc.customer_token(CUSTOMER)
    occ(sapcc, "/electronics-spa/users/current", token, params={"fields": "FULL"})
    (entry,) = journal(sapcc)
    assert entry["method"] == "GET" and entry["path"] == "/occ/v2/electronics-spa/users/current"
    assert entry["query"] == {"fields": "FULL"}
    assert entry["status"] == 200 and entry["operationId"] == "getUser"
    assert entry["principal"] == CUSTOMER and entry["actingUser"] == CUSTOMER
    assert entry["emulated"] is False and entry["warnings"] == [] and entry["fault"] is None
    assert entry["durationMs"] >= 0 and entry["timestamp"][:4].isdigit()
    assert set(entry) >= {"method", "path", "query", "status", "principal", "actingUser",
                          "emulated", "durationMs", "warnings", "operationId", "timestamp"}


def test_an_agent_acting_for_a_customer_is_emulated(sapcc):
    occ(sapcc, f"/electronics-spa/users/{CUSTOMER}", sapcc.agent_token())
    (entry,) = journal(sapcc)
    assert entry["principal"] == "asagent" and entry["actingUser"] == CUSTOMER
    assert entry["emulated"] is True and entry["warnings"] == []


def test_client_tokens_anonymous_calls_failures_and_repeated_parameters(sapcc):
    occ(sapcc, "/electronics-spa/languages", sapcc.client_token())
    occ(sapcc, "/electronics-spa/languages", params=[("lang", "en"), ("lang", "de")])
    occ(sapcc, "/electronics-spa/users/current", "not-a-token")
    occ(sapcc, "/nowhere")
    client, anonymous, bad_token, unknown = journal(sapcc)
    assert client["principal"] == "client:mobile_android" and client["operationId"] == "getLanguages"
    assert anonymous["principal"] == "anonymous" and anonymous["query"] == {"lang": ["en", "de"]}
    assert bad_token["status"] == 401 and bad_token["principal"] is None
    assert unknown["status"] == 404 and unknown["operationId"] is None


def test_oauth_calls_are_journalled_and_the_control_plane_is_not(sapcc):
    requests.post(f"{sapcc.oauth_url}/oauth/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": "mobile_android", "client_secret": "secret"})
    requests.get(f"{sapcc.admin_url}/clock", timeout=10)
    requests.get(f"{sapcc.admin_url}/requests", timeout=10)
    entries = journal(sapcc)
    assert [(e["method"], e["path"], e["operationId"]) for e in entries] == [
        ("POST", "/authorizationserver/oauth/token", "postToken")]


def test_delete_clears_the_journal(sapcc):
    occ(sapcc, "/electronics-spa/languages")
    response = requests.delete(f"{sapcc.admin_url}/requests", timeout=10)
    assert response.status_code == 200 and journal(sapcc) == []


def test_ids_increase_and_entries_are_oldest_first(sapcc):
    for path in ("/electronics-spa/languages", "/electronics-spa/currencies"):
        occ(sapcc, path)
    first, second = journal(sapcc)
    assert first["path"].endswith("languages") and second["id"] > first["id"]


# -- filters -----------------------------------------------------------------------------------


@pytest.fixture
def busy(sapcc):
    customer = sapcc.customer_token(CUSTOMER)
    agent = sapcc.agent_token()
    occ(sapcc, "/electronics-spa/users/current", customer)
    occ(sapcc, f"/electronics-spa/users/{CUSTOMER}", agent)
    occ(sapcc, "/electronics-spa/languages")
    occ(sapcc, "/electronics-spa/users/someone-else", customer)
    requests.post(f"{sapcc.occ_url}/electronics-spa/languages", timeout=10)
    return sapcc


@pytest.mark.parametrize("params, expected", [
    ({"path": "/users/"}, 3),
    ({"path": "/occ/v2/*/users/current"}, 1),
    ({"path": "*languages"}, 2),
    ({"principal": CUSTOMER}, 2),
    ({"principal": "ASAGENT"}, 1),
    ({"actingUser": CUSTOMER}, 2),
    ({"method": "post"}, 1),
    ({"status": "200"}, 3),
    ({"status": "4xx"}, 2),
    ({"status": "403"}, 1),
    ({"operationId": "getUser"}, 3),
    ({"principal": CUSTOMER, "status": "200"}, 1),
])
def test_filters(busy, params, expected):
    assert len(journal(busy, **params)) == expected


@pytest.mark.parametrize("params, subject", [
    ({"user": "x"}, "user"),
    ({"status": "teapot"}, "status"),
    ({"status": "2000"}, "status"),
])
def test_bad_filters_are_400(sapcc, params, subject):
    response = requests.get(f"{sapcc.admin_url}/requests", params=params, timeout=10)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["type"] == "ValidationError" and error["subject"] == subject


def test_python_api_filters_like_the_endpoint(busy):
    assert len(busy.requests(path="/users/", status="4xx")) == 1
    assert busy.requests(operation_id="getLanguages", method="GET")[0]["status"] == 200
    busy.clear_requests()
    assert busy.requests() == []


# -- bound -------------------------------------------------------------------------------------


def test_the_journal_is_bounded_and_drops_the_oldest(sapcc):
    response = requests.patch(f"{sapcc.admin_url}/config", json={"journalSize": 3}, timeout=10)
    assert response.json()["flags"]["journalSize"] == 3
    for i in range(5):
        occ(sapcc, f"/electronics-spa/languages?n={i}")
    entries = journal(sapcc)
    assert [e["query"]["n"] for e in entries] == ["2", "3", "4"]


# -- the emulation lint ------------------------------------------------------------------------


@pytest.mark.parametrize("path, operation", [
    ("/powertools-spa/orgUsers/current", "getOrgUser"),
    ("/electronics-spa/users/current", "getUser"),
])
def test_agent_as_current_is_flagged(sapcc, path, operation):
    response = occ(sapcc, path, sapcc.agent_token())
    assert response.status_code == 200 and response.json()["uid"] == "asagent"
    code, _, sentence = response.headers["X-Fakesapcc-Warning"].partition("; ")
    assert code == "agent-acting-as-self"
    assert sentence == (f"an agent (asagent) called GET /occ/v2{path} as 'current' and acts as "
                        f"itself: {LINT_SENTENCE}")
    (entry,) = journal(sapcc, warning="agent-acting-as-self")
    assert entry["operationId"] == operation and entry["warnings"] == ["agent-acting-as-self"]
    assert entry["principal"] == entry["actingUser"] == "asagent" and not entry["emulated"]


@pytest.mark.parametrize("caller, user", [
    ("customer", "current"), ("agent", B2B_CUSTOMER), ("agent-nocm", "current")])
def test_no_warning_otherwise(sapcc, caller, user):
    token = (sapcc.customer_token(B2B_CUSTOMER, "pw4all") if caller == "customer"
             else sapcc.agent_token("asagent" if caller == "agent" else "asagent-nocm"))
    response = occ(sapcc, f"/powertools-spa/orgUsers/{user}", token)
    assert "X-Fakesapcc-Warning" not in response.headers
    assert journal(sapcc)[0]["warnings"] == []
    sapcc.assert_no_agent_self_calls()


def test_strict_emulation_answers_400_instead(sapcc):
    requests.patch(f"{sapcc.admin_url}/config", json={"strictEmulation": True}, timeout=10)
    response = occ(sapcc, "/powertools-spa/orgUsers/current", sapcc.agent_token())
    assert response.status_code == 400
    assert response.json() == {"errors": [{
        "message": "an agent (asagent) called GET /occ/v2/powertools-spa/orgUsers/current as "
                   f"'current' and acts as itself: {LINT_SENTENCE}",
        "type": "AgentActingAsSelfError"}]}
    assert response.headers["X-Fakesapcc-Warning"].startswith("agent-acting-as-self; ")
    (entry,) = journal(sapcc)
    assert entry["status"] == 400 and entry["warnings"] == ["agent-acting-as-self"]
    emulating = occ(sapcc, f"/powertools-spa/orgUsers/{B2B_CUSTOMER}", sapcc.agent_token())
    assert emulating.status_code == 200


def test_assert_no_agent_self_calls_lists_the_offending_calls(sapcc):
    occ(sapcc, "/powertools-spa/orgUsers/current", sapcc.agent_token())
    occ(sapcc, "/electronics-spa/users/current", sapcc.agent_token("asagent-ichikawa"))
    with pytest.raises(AssertionError) as failure:
        sapcc.assert_no_agent_self_calls()
    message = str(failure.value)
    assert "2 call(s)" in message and LINT_SENTENCE in message
    assert "GET /occ/v2/powertools-spa/orgUsers/current -> 200 (principal asagent)" in message
    assert "(principal asagent-ichikawa)" in message
    sapcc.clear_requests()
    sapcc.assert_no_agent_self_calls()
