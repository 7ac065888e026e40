"""fakesapcc for test suites, outside pytest or inside it (see ``pytest_plugin``).

    with FakeSAPCC() as sap:                      # a live server on a free 127.0.0.1 port
        token = sap.customer_token("mark.rivers@pronto-hw.com")
        requests.get(f"{sap.occ_url}/electronics-spa/users/current",
                     headers={"Authorization": f"Bearer {token}"})
        sap.requests(path="/users/current")       # the journal: what the server saw
        sap.add_fault(path="/occ/v2/*/carts*", status=503, times=1)
        sap.advance_clock(43201)                  # every token issued so far has expired
        sap.assert_no_agent_self_calls()
        sap.reset()                               # back to start-up, in milliseconds

``FakeSAPCC(live=False)`` serves no socket: use ``sap.client`` (a Flask test client).
Everything here is also on the HTTP control plane (``sap.admin_url``, docs/testing.md).
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from .api import admin, admin_aftersales, harness
from .api.harness import Harness
from .api.journal import JournalFilter
from .security.emulation import AGENT_SELF
from .api import runtime
from .app import create_app
from .cli import ASM_PATH, OAUTH_PATH, OCC_PATH
from .config import Config, build_config
from .impex.loader import FileReport, LoadReport, load_paths, load_text
from .runtime import Runtime
from .snapshots import SnapshotError, dump_state, restore_state

DEFAULT_CLIENT = ("mobile_android", "secret")
TRUSTED_CLIENT = ("trusted_client", "secret")
CUSTOMER_PASSWORD = "Password123!"
AGENT_PASSWORD = "pw4all"


class ServerError(RuntimeError):
    """An exception raised inside the server while it handled a request."""


class ServerUrls:
    """The web apps' URLs of a server at ``base_url``: fakesapcc's, or a real SAP's (parity)."""

    base_url: str

    @property
    def oauth_url(self) -> str:
        return self.base_url + OAUTH_PATH

    @property
    def occ_url(self) -> str:
        return self.base_url + OCC_PATH

    @property
    def asm_url(self) -> str:
        return self.base_url + ASM_PATH


class FakeSAPCC(ServerUrls):
    def __init__(self, *, impex: Iterable[str | Path] = (), default_data: bool = True,
                 properties: Mapping[str, str] | None = None, live: bool = True,
                 config: Config | None = None, **settings: Any) -> None:
        cli = {"impex": [str(p) for p in impex], "default_data": default_data, "port": 0,
               "host": "127.0.0.1", "properties": dict(properties or {}), **settings}
        self.config = config or build_config(cli, env={})
        self.app: Flask = create_app(self.config)
        self.app.config["PROPAGATE_EXCEPTIONS"] = False
        self.live = live
        self.errors: list[BaseException] = []
        self.runtime.error_listeners.append(self.errors.append)
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "FakeSAPCC":
        if self.live and self._server is None:
            from .server import make_server
            from .tls import tls_from_config

            self._server = make_server(self.app, "127.0.0.1", 0, 8,
                                       tls=tls_from_config(self.config))
            self.config.port = int(self._server.effective_port)
            self.base_url = self.config.base_url
            self._thread = threading.Thread(target=self._server.run, name="fakesapcc",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; with ``state_file``, write what the file still lacks."""
        if self._server is not None:
            self._server.close()
            if self._thread:
                self._thread.join(timeout=5)
            self._server = None
        self.runtime.close()

    def __enter__(self) -> "FakeSAPCC":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- URLs (and ServerUrls') ---------------------------------------------------------------

    @property
    def admin_url(self) -> str:
        return self.base_url + "/_fakesapcc"

    # -- state -------------------------------------------------------------------------------

    @property
    def runtime(self) -> Runtime:
        return runtime(self.app)

    @property
    def client(self) -> FlaskClient:
        """An in-process client: no socket, same app and state."""
        return self.app.test_client()

    @property
    def harness(self) -> Harness:
        """The journal, the fault rules and the start-up configuration."""
        return harness.harness(self.app)

    def reset(self) -> None:
        """Back to start-up: state, tokens, clock, journal, faults, properties and flags."""
        self.runtime.reset()
        self.errors.clear()

    def snapshot(self) -> dict[str, Any]:
        """The whole state as a JSON-ready document (what ``GET /_fakesapcc/snapshot``
        returns)."""
        return dump_state(self.runtime.db)

    def restore(self, snapshot: Mapping[str, Any] | str) -> None:
        """Put a snapshot back (a document or its JSON text); a bad one raises ``ApiError``
        and changes nothing."""
        try:
            document = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
        except json.JSONDecodeError as exc:
            raise SnapshotError("$", f"not valid JSON ({exc})") from None
        restore_state(self.runtime.db, document)

    def configure(self, properties: Mapping[str, str | None] | None = None,
                  **flags: Any) -> None:
        """Change SAP properties (None removes one) and flags (``strictEmulation``,
        ``strictImpex``, ``journalSize``) until the next reset."""
        body: dict[str, Any] = dict(flags)
        if properties is not None:
            body["properties"] = dict(properties)
        admin.apply_config_patch(body, self.app)

    def raise_server_errors(self) -> None:
        """Re-raise the first exception the server hit since the last reset."""
        if self.errors:
            raise ServerError(f"the server failed: {self.errors[0]!r}") from self.errors[0]

    def load_impex(self, text_or_path: str | Path, *,
                   strict: bool | None = None) -> FileReport | LoadReport:
        """Load ImpEx into the running store: text, a file, or a folder (its ``*.impex`` files in
        name order). Each file loads whole or not at all; see ``.errors`` of the report.
        ``strict`` defaults to the server's ``strict_impex``."""
        strict = self.config.strict_impex if strict is None else strict
        text = str(text_or_path)
        if isinstance(text_or_path, Path) or ("\n" not in text and not text.lstrip().upper().startswith(
                ("INSERT", "UPDATE", "REMOVE", "$", "#"))):
            path = Path(text_or_path)
            if not path.exists():
                raise FileNotFoundError(f"no ImpEx file or folder at {path}")
            return load_paths(self.runtime.db, [path], config=self.config.properties,
                              strict=strict)
        return load_text(self.runtime.db, text, "<impex>", config=self.config.properties,
                         strict=strict)

    def advance_clock(self, seconds: float) -> None:
        """Move the server's clock forward (tokens expire, timestamps follow)."""
        self.runtime.clock.advance(admin.seconds_arg(seconds))

    def freeze_clock(self) -> None:
        """Stop the server's clock until the next reset (or ``unfreeze_clock``): time then
        moves only by ``advance_clock``."""
        self.runtime.clock.freeze()

    def unfreeze_clock(self) -> None:
        self.runtime.clock.unfreeze()

    # -- after sales: the fulfilment system and the outbox ----------------------------------

    def fulfil_order(self, code: str, status: str | None = None) -> dict[str, Any]:
        """Move an order on as a fulfilment system would (``POST
        /_fakesapcc/orders/{code}/fulfil``): ``READY``, ``SHIPPED``, ``PICKUP_COMPLETE``,
        ``COMPLETED`` (the default: every consignment delivered, the order returnable) or
        ``CANCELLED``. Returns ``{"code", "status", "consignments"}``."""
        with self.app.app_context():
            return admin_aftersales.fulfil(
                code, admin_aftersales.status_of({"status": status}, admin_aftersales.FULFIL_STATUSES))

    def process_return(self, code: str, status: str | None = None) -> dict[str, Any]:
        """Move a return request on (``POST /_fakesapcc/returns/{code}/process``): ``WAIT``,
        ``RECEIVED``, ``COMPLETED`` (refunded; the default) or ``CANCELED`` (the default after
        the customer's ``CANCELLING``)."""
        with self.app.app_context():
            return admin_aftersales.process(
                code, admin_aftersales.status_of({"status": status}, admin_aftersales.RETURN_STEPS))

    def outbox(self, to: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        """The mails SAP would have sent, oldest first (``GET /_fakesapcc/outbox``); each
        has ``to``, ``kind``, ``subject``, ``body`` and ``data`` (the forgotten-password mail's
        ``token`` and ``link``)."""
        with self.app.app_context():
            return admin_aftersales.outbox(to, kind)

    # -- the journal and the emulation lint --------------------------------------------------

    def requests(self, *, path: str | None = None, principal: str | None = None,
                 acting_user: str | None = None, method: str | None = None,
                 status: int | str | None = None, operation_id: str | None = None,
                 warning: str | None = None) -> list[dict[str, Any]]:
        """The calls the server saw since the last reset, oldest first, as
        ``GET /_fakesapcc/requests`` lists them; ``path`` is a substring or a glob,
        ``status`` a code or a class (``"4xx"``)."""
        where = JournalFilter(path=path, principal=principal, acting_user=acting_user,
                              method=method, status=None if status is None else str(status),
                              operation_id=operation_id, warning=warning)
        return [e.to_json() for e in self.harness.journal.entries(where)]

    def clear_requests(self) -> None:
        self.harness.journal.clear()

    def assert_no_agent_self_calls(self) -> None:
        """Fail if an agent called an OCC user endpoint as ``current`` (acting as itself)
        since the last reset: the forgotten-userId bug of ASM clients."""
        __tracebackhide__ = True
        calls = self.requests(warning=AGENT_SELF)
        if calls:
            lines = "\n".join(f"  {c['method']} {c['path']} -> {c['status']} "
                               f"(principal {c['principal']})" for c in calls)
            raise AssertionError(
                f"{len(calls)} call(s) by an agent as 'current', acting as itself: did you "
                f"forget to pass the customer's userId?\n{lines}")

    # -- faults ------------------------------------------------------------------------------

    def add_fault(self, path: str = "*", method: str | None = None, *,
                  operation_id: str | None = None,
                  delay_ms: float | tuple[float, float] | None = None,
                  status: int | None = None, body: Any = None,
                  headers: Mapping[str, str] | None = None, drop: bool = False,
                  times: int | None = None, probability: float | None = None,
                  seed: int | None = None) -> str:
        """Add a fault rule (see ``fakesapcc.faults``) and return its id. ``delay_ms`` is a
        fixed delay or a ``(min, max)`` range."""
        rule: dict[str, Any] = {"path": path, "method": method, "operationId": operation_id,
                                "status": status, "body": body, "drop": drop, "times": times,
                                "probability": probability, "seed": seed}
        if isinstance(delay_ms, tuple):
            rule["delayMs"] = {"min": delay_ms[0], "max": delay_ms[1]}
        elif delay_ms is not None:
            rule["delayMs"] = delay_ms
        if headers:
            rule["headers"] = dict(headers)
        return self.harness.faults.add({k: v for k, v in rule.items() if v is not None}).id

    def faults(self) -> list[dict[str, Any]]:
        """The fault rules, with their remaining and applied counts."""
        return [r.to_json() for r in self.harness.faults.rules()]

    def remove_fault(self, rule_id: str) -> bool:
        return self.harness.faults.remove(rule_id)

    def clear_faults(self) -> None:
        self.harness.faults.clear()

    # -- tokens ------------------------------------------------------------------------------

    def _token(self, form: dict[str, str], client: tuple[str, str]) -> str:
        body = self.runtime.authserver.token(
            {"client_id": client[0], "client_secret": client[1], **form}, None)
        return body["access_token"]

    def customer_token(self, uid: str, password: str = CUSTOMER_PASSWORD,
                       client: tuple[str, str] = DEFAULT_CLIENT) -> str:
        """A customer's token, as a storefront logs a customer in: the password grant on the
        classic OAuth profile, what the authorization code flow ends in on the
        authorization-server profile (which has no password grant)."""
        return self.runtime.authserver.sign_in(*client, uid, password)["access_token"]

    def agent_token(self, uid: str = "asagent", password: str = AGENT_PASSWORD,
                    client: tuple[str, str] = DEFAULT_CLIENT) -> str:
        """An employee's token, as Spartacus logs an agent in (see ``customer_token``)."""
        return self.runtime.authserver.sign_in(*client, uid, password)["access_token"]

    def client_token(self, client: tuple[str, str] = DEFAULT_CLIENT) -> str:
        """A client_credentials token."""
        return self._token({"grant_type": "client_credentials"}, client)
