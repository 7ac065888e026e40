"""fakesapcc for test suites, outside pytest or inside it (see ``pytest_plugin``).

    with FakeSAPCC() as sap:                      # a live server on a free 127.0.0.1 port
        token = sap.customer_token("mark.rivers@pronto-hw.com")
        requests.get(f"{sap.occ_url}/electronics-spa/users/current",
                     headers={"Authorization": f"Bearer {token}"})
        sap.reset()                               # back to the seed, in milliseconds

``FakeSAPCC(live=False)`` serves no socket: use ``sap.client`` (a Flask test client).
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from .app import create_app, runtime
from .cli import ASM_PATH, OAUTH_PATH, OCC_PATH
from .config import Config, build_config
from .impex.loader import FileReport, load_text
from .runtime import Runtime

DEFAULT_CLIENT = ("mobile_android", "secret")
TRUSTED_CLIENT = ("trusted_client", "secret")
CUSTOMER_PASSWORD = "Password123!"
AGENT_PASSWORD = "pw4all"


class ServerError(RuntimeError):
    """An exception raised inside the server while it handled a request."""


class FakeSAPCC:
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

            self._server = make_server(self.app, "127.0.0.1", 0, 8)
            self.base_url = f"http://127.0.0.1:{self._server.effective_port}"
            self.config.port = int(self._server.effective_port)
            self._thread = threading.Thread(target=self._server.run, name="fakesapcc",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            if self._thread:
                self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> "FakeSAPCC":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- URLs --------------------------------------------------------------------------------

    @property
    def oauth_url(self) -> str:
        return self.base_url + OAUTH_PATH

    @property
    def occ_url(self) -> str:
        return self.base_url + OCC_PATH

    @property
    def asm_url(self) -> str:
        return self.base_url + ASM_PATH

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

    def reset(self) -> None:
        """Back to the seed: state, tokens and clock."""
        self.runtime.reset()
        self.errors.clear()

    def raise_server_errors(self) -> None:
        """Re-raise the first exception the server hit since the last reset."""
        if self.errors:
            raise ServerError(f"the server failed: {self.errors[0]!r}") from self.errors[0]

    def load_impex(self, text_or_path: str | Path, *, strict: bool = False) -> FileReport:
        """Load ImpEx text or a file into the running store; the file loads whole or not at
        all (see ``FileReport.errors``)."""
        path = Path(text_or_path) if not str(text_or_path).lstrip().startswith(
            ("INSERT", "UPDATE", "REMOVE", "$", "#", "insert", "update", "remove")) else None
        if path is not None and path.exists():
            return load_text(self.runtime.store, path.read_text(encoding="utf-8"), str(path),
                             config=self.config.properties, strict=strict)
        return load_text(self.runtime.store, str(text_or_path), "<impex>",
                         config=self.config.properties, strict=strict)

    def advance_clock(self, seconds: float) -> None:
        self.runtime.clock.advance(seconds)

    # -- tokens ------------------------------------------------------------------------------

    def _token(self, form: dict[str, str], client: tuple[str, str]) -> str:
        body = self.runtime.authserver.token(
            {"client_id": client[0], "client_secret": client[1], **form}, None)
        return body["access_token"]

    def customer_token(self, uid: str, password: str = CUSTOMER_PASSWORD,
                       client: tuple[str, str] = DEFAULT_CLIENT) -> str:
        """A password-grant token, as a storefront logs a customer in."""
        return self._token({"grant_type": "password", "username": uid, "password": password},
                           client)

    def agent_token(self, uid: str = "asagent", password: str = AGENT_PASSWORD,
                    client: tuple[str, str] = DEFAULT_CLIENT) -> str:
        """A password-grant token for an employee, as Spartacus logs an agent in."""
        return self._token({"grant_type": "password", "username": uid, "password": password},
                           client)

    def client_token(self, client: tuple[str, str] = DEFAULT_CLIENT) -> str:
        """A client_credentials token."""
        return self._token({"grant_type": "client_credentials"}, client)
