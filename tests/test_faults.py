"""Fault rules, black-box over HTTP: delays, status and body overrides, dropped connections,
counts, probabilities with a seed."""
import time

import pytest
import requests

from fakesapcc.api.harness import ConnectionDropped

LANGUAGES = "/occ/v2/electronics-spa/languages"


def add_fault(sapcc, **rule):
    response = requests.post(f"{sapcc.admin_url}/faults", json=rule, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def call(sapcc, path=LANGUAGES, method="GET", **kwargs):
    return requests.request(method, f"{sapcc.base_url}{path}", timeout=10, **kwargs)


def faults(sapcc):
    return requests.get(f"{sapcc.admin_url}/faults", timeout=10).json()["faults"]


# -- delays ------------------------------------------------------------------------------------


def test_fixed_delay(sapcc):
    rule = add_fault(sapcc, path=LANGUAGES, delayMs=150)
    assert rule["delayMs"] == 150 and rule["id"] == "fault-1"
    start = time.perf_counter()
    response = call(sapcc)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200 and response.json()["languages"]
    assert 0.14 <= elapsed < 2
    (entry,) = sapcc.requests()
    assert entry["durationMs"] >= 140 and entry["fault"] == "fault-1"


def test_random_delay_stays_within_bounds(sapcc):
    add_fault(sapcc, path=LANGUAGES, delayMs={"min": 10, "max": 40}, seed=3)
    for _ in range(6):
        call(sapcc)
    durations = [e["durationMs"] for e in sapcc.requests()]
    assert all(10 <= d < 40 + 250 for d in durations), durations
    assert len({round(d) for d in durations}) > 1


def test_a_delay_only_rule_lets_the_endpoint_and_the_lint_run(sapcc):
    add_fault(sapcc, path="/occ/v2/*/users/current", delayMs=1)
    token = sapcc.agent_token()
    response = call(sapcc, "/occ/v2/electronics-spa/users/current",
                    headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["uid"] == "asagent"
    assert response.headers["X-Fakesapcc-Warning"].startswith("agent-acting-as-self")
    (entry,) = sapcc.requests()
    assert entry["fault"] == "fault-1" and entry["warnings"] == ["agent-acting-as-self"]


# -- status and body ---------------------------------------------------------------------------


def test_status_override_answers_sap_envelope_and_skips_the_endpoint(sapcc):
    add_fault(sapcc, method="POST", path="/authorizationserver/oauth/token", status=503)
    tokens_before = len(sapcc.runtime.db.state.access_tokens)
    response = requests.post(f"{sapcc.oauth_url}/oauth/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": "mobile_android", "client_secret": "secret"})
    assert response.status_code == 503
    assert response.json() == {"errors": [{"message": "Service Unavailable", "type": "UnknownError"}]}
    assert response.headers["X-Fakesapcc-Fault"] == "fault-1"
    assert len(sapcc.runtime.db.state.access_tokens) == tokens_before


@pytest.mark.parametrize("status, error_type", [
    (500, "UnknownError"), (401, "UnauthorizedError"), (404, "UnknownResourceError")])
def test_default_bodies_follow_sap(sapcc, status, error_type):
    add_fault(sapcc, path=LANGUAGES, status=status)
    response = call(sapcc)
    assert response.status_code == status
    assert response.json()["errors"][0]["type"] == error_type


def test_custom_body_and_headers(sapcc):
    body = {"errors": [{"type": "SystemError", "message": "maintenance"}]}
    add_fault(sapcc, path="/occ/v2/*/languages", status=502, body=body,
              headers={"Retry-After": "30"})
    response = call(sapcc)
    assert (response.status_code, response.json()) == (502, body)
    assert response.headers["Retry-After"] == "30"
    text = add_fault(sapcc, path="/occ/v2/*/currencies", status=504, body="gateway timeout")
    response = call(sapcc, "/occ/v2/electronics-spa/currencies")
    assert response.status_code == 504 and response.text == "gateway timeout"
    assert text["body"] == "gateway timeout"


def test_method_and_operation_id_narrow_a_rule(sapcc):
    add_fault(sapcc, method="POST", path=LANGUAGES, status=500)
    add_fault(sapcc, operationId="getCurrencies", status=418)
    assert call(sapcc).status_code == 200
    assert call(sapcc, method="POST").status_code == 500
    assert call(sapcc, "/occ/v2/electronics-spa/currencies").status_code == 418
    assert call(sapcc, "/occ/v2/powertools-spa/currencies").status_code == 418


# -- dropped connections -----------------------------------------------------------------------


def test_drop_closes_the_connection_without_a_response(sapcc):
    add_fault(sapcc, path=LANGUAGES, drop=True, times=1)
    with pytest.raises(requests.ConnectionError):
        call(sapcc)
    assert call(sapcc).status_code == 200
    dropped, answered = sapcc.requests()
    assert dropped["status"] is None and dropped["fault"] == "fault-1"
    assert answered["status"] == 200


def test_drop_in_process_raises_connection_dropped(sapcc):
    sapcc.add_fault(LANGUAGES, drop=True)
    with pytest.raises(ConnectionDropped):
        sapcc.client.get(LANGUAGES)


# -- counts and probability --------------------------------------------------------------------


def test_times_limits_the_rule_and_get_shows_what_remains(sapcc):
    add_fault(sapcc, path=LANGUAGES, status=500, times=2)
    assert faults(sapcc)[0]["remaining"] == 2
    statuses = [call(sapcc).status_code for _ in range(4)]
    assert statuses == [500, 500, 200, 200]
    (rule,) = faults(sapcc)
    assert rule["remaining"] == 0 and rule["applied"] == 2 and rule["times"] == 2


def sequence(sapcc, **rule):
    requests.delete(f"{sapcc.admin_url}/faults", timeout=10)
    add_fault(sapcc, path=LANGUAGES, status=503, **rule)
    return [call(sapcc).status_code for _ in range(24)]


def test_probability_with_a_seed_repeats(sapcc):
    first = sequence(sapcc, probability=0.5, seed=42)
    second = sequence(sapcc, probability=0.5, seed=42)
    assert first == second
    assert set(first) == {200, 503}
    assert sequence(sapcc, probability=0.5, seed=7) != first


def test_probability_counts_only_applied_calls(sapcc):
    add_fault(sapcc, path=LANGUAGES, status=503, probability=0.5, seed=1, times=3)
    statuses = [call(sapcc).status_code for _ in range(30)]
    assert statuses.count(503) == 3


def test_first_matching_rule_wins(sapcc):
    add_fault(sapcc, path=LANGUAGES, status=500, times=1)
    add_fault(sapcc, path="/occ/*", status=502)
    assert [call(sapcc).status_code for _ in range(2)] == [500, 502]


# -- managing rules ----------------------------------------------------------------------------


def test_the_control_plane_is_never_faulted(sapcc):
    add_fault(sapcc, path="*", drop=True)
    assert requests.get(f"{sapcc.admin_url}/faults", timeout=10).status_code == 200
    assert requests.get(f"{sapcc.admin_url}/health", timeout=10).status_code == 200


def test_remove_one_rule_and_clear(sapcc):
    first = add_fault(sapcc, path=LANGUAGES, status=500)
    second = add_fault(sapcc, path="/occ/*", status=502)
    removed = requests.delete(f"{sapcc.admin_url}/faults/{first['id']}", timeout=10)
    assert removed.status_code == 200
    assert [r["id"] for r in faults(sapcc)] == [second["id"]]
    missing = requests.delete(f"{sapcc.admin_url}/faults/{first['id']}", timeout=10)
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["type"] == "UnknownIdentifierError"
    assert requests.delete(f"{sapcc.admin_url}/faults", timeout=10).status_code == 200
    assert faults(sapcc) == [] and call(sapcc).status_code == 200


@pytest.mark.parametrize("rule, subject", [
    ({}, "body"),
    ({"path": LANGUAGES}, "body"),
    ({"status": 503, "colour": "red"}, "colour"),
    ({"status": 99}, "status"),
    ({"status": "503"}, "status"),
    ({"status": 503, "method": "FETCH"}, "method"),
    ({"status": 503, "path": ""}, "path"),
    ({"status": 503, "path": "users/current"}, "path"),
    ({"delayMs": -1}, "delayMs"),
    ({"delayMs": {"min": 50, "max": 10}}, "delayMs"),
    ({"delayMs": {"low": 1}}, "delayMs"),
    ({"delayMs": 10 ** 9}, "delayMs"),
    ({"status": 503, "times": 0}, "times"),
    ({"status": 503, "probability": 1.5}, "probability"),
    ({"status": 503, "seed": "abc"}, "seed"),
    ({"drop": "yes"}, "drop"),
    ({"drop": True, "status": 500}, "drop"),
    ({"body": {"a": 1}}, "status"),
    ({"status": 500, "headers": {"X": 1}}, "headers"),
])
def test_bad_rules_are_400(sapcc, rule, subject):
    response = requests.post(f"{sapcc.admin_url}/faults", json=rule, timeout=10)
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["type"] == "ValidationError" and error["subject"] == subject
    assert faults(sapcc) == []


def test_a_body_that_is_not_json_is_400(sapcc):
    response = requests.post(f"{sapcc.admin_url}/faults", data="{status: 500",
                             headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 400
    assert response.json()["errors"][0]["type"] == "ValidationError"
