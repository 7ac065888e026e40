"""The pytest plugin (entry point ``pytest11``, so nothing to enable): one fakesapcc per test
session — per worker under pytest-xdist — back to start-up before each test.

Fixtures:
    ``sapcc_server``   the live server (``oauth_url``, ``occ_url``, ``asm_url``, ``admin_url``)
    ``sapcc``          the same, reset for this test (state, tokens, clock, journal, faults,
                       properties and flags)
    ``sapcc_client``   an in-process Flask test client on the same state (no socket)
    ``customer_token`` ``agent_token`` ``client_token``   token helpers
Markers:
    ``@pytest.mark.sapcc_impex(path_or_text, …)``  load ImpEx for this test
    ``@pytest.mark.sapcc_no_agent_self``           fail the test if an agent called an OCC user
                                                   endpoint as ``current`` (module-wide:
                                                   ``pytestmark = pytest.mark.sapcc_no_agent_self``)
Options:
    ``--sapcc-impex PATH``       (repeatable) extra ImpEx in the session's seed
    ``--sapcc-no-agent-self``    the ``sapcc_no_agent_self`` check on every test
    ``--sapcc-oauth-profile P``  the session server's OAuth profile (``classic`` or
                                 ``authorization-server``; default: the SAP version's)
    ``--sapcc-target URL``       parity mode: the fixtures stand for a real SAP Commerce at URL
                                 (``fakesapcc.parity``); tests that need fakesapcc itself skip

An exception raised inside the server while it handled a test's requests fails that test.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from .testing import FakeSAPCC, ServerError

NO_AGENT_SELF = "sapcc_no_agent_self"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fakesapcc")
    group.addoption("--sapcc-impex", action="append", default=[], metavar="PATH",
                    help="ImpEx file or folder loaded after fakesapcc's default data")
    group.addoption("--sapcc-no-agent-self", action="store_true", default=False,
                    help="fail any test in which an agent called an OCC user endpoint as "
                         "'current' (the forgotten-userId check)")
    group.addoption("--sapcc-oauth-profile", default=None,
                    choices=("classic", "authorization-server"),
                    help="the OAuth profile of the session's fakesapcc (default: the SAP "
                         "version's: classic for 2211, authorization-server for 2211-jdk21)")
    group.addoption("--sapcc-target", default=None, metavar="URL",
                    help="parity mode: run the black-box HTTP tests against a real SAP Commerce "
                         "at URL (credentials from FAKESAPCC_TARGET_*; docs/testing.md); tests "
                         "that need fakesapcc itself are skipped")


def pytest_configure(config: pytest.Config) -> None:
    target = config.getoption("--sapcc-target", None)
    if target:
        from .parity import RemoteSAPCC, TargetUnreachable, skip_fakes

        try:
            RemoteSAPCC(target).probe()
        except TargetUnreachable as exc:
            raise pytest.UsageError(str(exc)) from None
        skip_fakes()
    config.addinivalue_line("markers", "sapcc_impex(path_or_text): load ImpEx for this test")
    config.addinivalue_line("markers", f"{NO_AGENT_SELF}: fail the test if an agent called an "
                            "OCC user endpoint as 'current', acting as itself")


@pytest.fixture(scope="session")
def sapcc_server(request: pytest.FixtureRequest) -> Iterator[FakeSAPCC]:
    """One live server per session; under pytest-xdist each worker process has its own. In
    parity mode (``--sapcc-target``), the real SAP Commerce instead."""
    target = request.config.getoption("--sapcc-target")
    if target:
        from .parity import RemoteSAPCC

        yield RemoteSAPCC(target)  # type: ignore[misc]
        return
    with FakeSAPCC(impex=request.config.getoption("--sapcc-impex"),
                   oauth_profile=request.config.getoption("--sapcc-oauth-profile")) as server:
        yield server


@pytest.fixture
def sapcc(sapcc_server: FakeSAPCC, request: pytest.FixtureRequest) -> Iterator[FakeSAPCC]:
    sapcc_server.reset()
    for marker in request.node.iter_markers("sapcc_impex"):
        for source in marker.args:
            report = sapcc_server.load_impex(source)
            if report.errors:
                pytest.fail("sapcc_impex: " + "; ".join(str(e) for e in report.errors))
    yield sapcc_server
    sapcc_server.raise_server_errors()


@pytest.fixture
def sapcc_client(sapcc: FakeSAPCC) -> FlaskClient:
    return sapcc.client


@pytest.fixture
def customer_token(sapcc: FakeSAPCC) -> Callable[..., str]:
    return sapcc.customer_token


@pytest.fixture
def agent_token(sapcc: FakeSAPCC) -> Callable[..., str]:
    return sapcc.agent_token


@pytest.fixture
def client_token(sapcc: FakeSAPCC) -> Callable[..., str]:
    return sapcc.client_token


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """After a test body that passed: the server's own errors, then the emulation lint, fail
    the test itself (not its teardown)."""
    __tracebackhide__ = True
    result = yield
    server = getattr(item, "funcargs", {}).get("sapcc")
    if isinstance(server, FakeSAPCC):
        _raise_server_errors(server)
        if item.get_closest_marker(NO_AGENT_SELF) or item.config.getoption(
                "--sapcc-no-agent-self"):
            server.assert_no_agent_self_calls()
    return result


def _raise_server_errors(server: FakeSAPCC) -> None:
    __tracebackhide__ = True
    if server.errors:
        first = server.errors[0]
        server.errors.clear()
        raise ServerError(f"the server failed: {first!r}") from first
