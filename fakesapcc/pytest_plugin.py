"""The pytest plugin (entry point ``pytest11``): one fakesapcc per test session (per xdist
worker), back to its seed before each test.

Fixtures: ``sapcc_server`` (the live server, with ``oauth_url``, ``occ_url``, ``asm_url``,
``admin_url``), ``sapcc`` (the same, reset for this test), ``sapcc_client`` (an in-process Flask
test client on the same state), ``customer_token``, ``agent_token``, ``client_token``.
Options: ``--sapcc-impex PATH`` (repeatable) loads extra ImpEx into the session's seed;
``@pytest.mark.sapcc_impex(path_or_text)`` loads ImpEx for one test.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from .testing import FakeSAPCC


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fakesapcc")
    group.addoption("--sapcc-impex", action="append", default=[], metavar="PATH",
                    help="ImpEx file or folder loaded after fakesapcc's default data")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sapcc_impex(path_or_text): load ImpEx for this test")


@pytest.fixture(scope="session")
def sapcc_server(request: pytest.FixtureRequest) -> Iterator[FakeSAPCC]:
    with FakeSAPCC(impex=request.config.getoption("--sapcc-impex")) as server:
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
def sapcc_client(sapcc: FakeSAPCC):
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
