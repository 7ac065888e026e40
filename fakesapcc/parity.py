"""Parity mode: the suite's black-box HTTP tests against a real SAP Commerce instead of fakesapcc
(``pytest --sapcc-target=https://…``; docs/testing.md, "Parity mode").

``RemoteSAPCC`` stands where ``FakeSAPCC`` stands in the pytest fixtures: the same URLs and
token helpers, over HTTP against the target. What only fakesapcc has — the control plane, the
clock, the journal, faults, the in-process client and state — skips the test that asks for it,
and so does every ``FakeSAPCC`` a test builds itself. Credentials come from the environment:

    FAKESAPCC_TARGET_CLIENT     client_id:client_secret of the client the tests log in with
                                (default: the one each test names, mobile_android:secret)
    FAKESAPCC_TARGET_PASSWORD   the customers' password (default: the one each test names)
    FAKESAPCC_TARGET_AGENT      agent_uid:password (default: the one each test names)
    FAKESAPCC_TARGET_VERIFY     false: do not verify the target's TLS certificate
"""
from __future__ import annotations

import os
from typing import Any, NoReturn

import requests

from .testing import ServerUrls

FAKE_ONLY = "needs fakesapcc itself (its control plane, clock or state), not a real SAP"


class TargetUnreachable(RuntimeError):
    """The target of ``--sapcc-target`` did not answer."""


def _pair(name: str) -> tuple[str, str] | None:
    value = os.environ.get(name)
    if not value or ":" not in value:
        return None
    first, _, second = value.partition(":")
    return first, second


class RemoteSAPCC(ServerUrls):
    """A real SAP Commerce behind the fixtures' interface."""

    live = True

    def __init__(self, target: str, timeout: float = 5.0) -> None:
        self.base_url = target.rstrip("/")
        self.timeout = timeout
        self.verify = os.environ.get("FAKESAPCC_TARGET_VERIFY", "true").lower() != "false"
        self.errors: list[BaseException] = []

    def probe(self) -> None:
        """Fail fast: the target must answer HTTP at all (any status) within the timeout."""
        url = f"{self.occ_url}/basesites"
        try:
            requests.get(url, timeout=self.timeout, verify=self.verify)
        except requests.RequestException as exc:
            raise TargetUnreachable(f"--sapcc-target {self.base_url}: {url} did not answer "
                                    f"within {self.timeout:g} s ({type(exc).__name__}: {exc})") \
                from None

    # -- tokens, over HTTP -------------------------------------------------------------------

    def _token(self, form: dict[str, str], client: tuple[str, str]) -> str:
        client = _pair("FAKESAPCC_TARGET_CLIENT") or client
        response = requests.post(f"{self.oauth_url}/oauth/token", timeout=self.timeout,
                                 verify=self.verify,
                                 data={"client_id": client[0], "client_secret": client[1], **form})
        if response.status_code != 200:
            raise AssertionError(f"the target refused a token ({response.status_code}): "
                                 f"{response.text[:300]}")
        return response.json()["access_token"]

    def customer_token(self, uid: str, password: str = "Password123!",
                       client: tuple[str, str] = ("mobile_android", "secret")) -> str:
        password = os.environ.get("FAKESAPCC_TARGET_PASSWORD", password)
        return self._token({"grant_type": "password", "username": uid, "password": password},
                           client)

    def agent_token(self, uid: str = "asagent", password: str = "pw4all",
                    client: tuple[str, str] = ("mobile_android", "secret")) -> str:
        agent = _pair("FAKESAPCC_TARGET_AGENT")
        if agent:
            uid, password = agent
        return self._token({"grant_type": "password", "username": uid, "password": password},
                           client)

    def client_token(self, client: tuple[str, str] = ("mobile_android", "secret")) -> str:
        return self._token({"grant_type": "client_credentials"}, client)

    # -- what a real SAP cannot do ---------------------------------------------------------------

    def reset(self) -> None:
        """A real SAP keeps its state: tests run against it as it is."""

    def raise_server_errors(self) -> None:
        """A real SAP's own failures show as 5xx answers, which the tests assert on."""

    def __getattr__(self, name: str) -> NoReturn:
        import pytest

        pytest.skip(f"{FAKE_ONLY} (it uses sapcc.{name})")


def skip_fakes() -> None:
    """In parity mode, a test that builds its own FakeSAPCC is skipped."""
    import pytest

    from . import testing

    def refuse(self: Any, *args: Any, **kwargs: Any) -> None:
        pytest.skip(f"{FAKE_ONLY} (it builds a FakeSAPCC)")

    testing.FakeSAPCC.__init__ = refuse  # type: ignore[method-assign]
