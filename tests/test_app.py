"""The app factory, health and readiness, and the error module's SAP envelope."""
import logging

import pytest

from fakesapcc import create_app
from fakesapcc.api import runtime
from fakesapcc.config import build_config


@pytest.fixture(scope="module")
def app():
    app = create_app(build_config({}, env={}))

    @app.get("/_test/boom")
    def boom():
        raise RuntimeError("secret detail")

    return app


@pytest.fixture
def client(app):
    return app.test_client()


def test_health_answers_before_the_seed_and_ready_after():
    app = create_app(build_config({}, env={}), load_seed=False)
    client = app.test_client()
    assert client.get("/_fakesapcc/health").status_code == 200
    loading = client.get("/_fakesapcc/ready")
    assert loading.status_code == 503 and loading.json == {"status": "LOADING"}
    runtime(app).load_seed()
    ready = client.get("/_fakesapcc/ready")
    assert ready.status_code == 200 and ready.json["items"]["Customer"] >= 30


def test_unknown_path_is_sap_unknown_resource_error(client):
    response = client.get("/occ/v2/nothing/here")
    assert response.status_code == 404
    assert response.json == {"errors": [{"message": "There is no resource for path /occ/v2/nothing/here",
                                         "type": "UnknownResourceError"}]}


def test_wrong_method_is_405_in_sap_shape(client):
    response = client.delete("/_fakesapcc/health")
    assert response.status_code == 405
    assert response.json["errors"][0]["type"] == "HttpRequestMethodNotSupportedError"
    assert response.json["errors"][0]["message"] == "Request method 'DELETE' not supported"


def test_unexpected_exception_is_unknown_error_with_one_log_line(client, caplog):
    with caplog.at_level(logging.ERROR, logger="fakesapcc"):
        response = client.get("/_test/boom")
    assert response.status_code == 500
    assert response.json == {"errors": [{"message": "Unknown server error", "type": "UnknownError"}]}
    assert "secret detail" not in response.get_data(as_text=True)
    assert any("RuntimeError" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_seed_state_is_isolated_per_app():
    a = create_app(build_config({}, env={}))
    b = create_app(build_config({}, env={}))
    runtime(a).db.remove_principal("asagent")
    assert runtime(a).db.principal("asagent") is None
    assert runtime(b).db.principal("asagent") is not None


def test_reset_returns_to_the_seed(app):
    rt = runtime(app)
    rt.db.remove_principal("asagent")
    rt.clock.advance(3600)
    rt.reset()
    assert rt.db.principal("asagent") is not None
    assert rt.clock.offset_seconds == 0


def test_one_reset_covers_every_layer(app):
    """The Runtime owns the one reset: journal, faults and runtime properties go back too."""
    client = app.test_client()
    client.post("/_fakesapcc/faults", json={"path": "/occ/*", "status": 503})
    client.patch("/_fakesapcc/config", json={"properties": {"toggle.customer360.enabled": "false"}})
    client.get("/occ/v2/electronics-spa/titles")
    runtime(app).reset()
    assert client.get("/_fakesapcc/faults").json["faults"] == []
    assert client.get("/_fakesapcc/requests").json["requests"] == []
    assert runtime(app).config.prop_bool("toggle.customer360.enabled") is True
