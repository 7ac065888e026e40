"""The test harness's hooks on every request: fault injection before the endpoint, the
emulation lint and one journal entry after it; and the ``Harness`` that holds the journal, the
fault rules and the configuration the instance started with (``harness(app)``).

- ``before_request``: starts the timer and applies the first matching fault rule (a delay, an
  answer in the endpoint's place, or a dropped connection);
- ``after_request`` (registered first, so it runs last and sees the final response): the
  emulation lint (``security.emulation``), then one journal entry per call;
- ``teardown_request``: records a call that ended in an exception no handler rendered.

Calls to the control plane (``/_fakesapcc``) are neither journalled nor faulted.
"""
from __future__ import annotations

import copy
import errno
import functools
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, current_app, g, jsonify, request

from ..config import Config
from ..faults import Fault, FaultBook
from ..security.emulation import AGENT_SELF, AGENT_SELF_ERROR, agent_self_error, agent_self_message
from ..security.policy import Acting
from . import cors, runtime
from .errors import render_api_errors
from .journal import Journal, JournalEntry
from .operations import operation_id

CONTROL_PLANE = "/_fakesapcc"
HOME = "/"
WARNING_HEADER = "X-Fakesapcc-Warning"
FAULT_HEADER = "X-Fakesapcc-Fault"
DROP_FLAG = "fakesapcc.drop"
access_log = logging.getLogger("fakesapcc.access")  # DEBUG: one line per request
FLAGS = {"strictEmulation": "strict_emulation", "strictImpex": "strict_impex",
         "journalSize": "journal_size"}


@dataclass
class Harness:
    """What the control plane drives besides the store and the clock."""

    config: Config
    journal: Journal
    faults: FaultBook = field(default_factory=FaultBook)
    startup_properties: dict[str, str] = field(default_factory=dict)
    startup_flags: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_config(cls, config: Config) -> "Harness":
        return cls(config, Journal(config.journal_size),
                   startup_properties=copy.deepcopy(config.properties),
                   startup_flags={attr: getattr(config, attr) for attr in FLAGS.values()})

    def flags(self) -> dict[str, Any]:
        return {name: getattr(self.config, attr) for name, attr in FLAGS.items()}

    def reset(self) -> None:
        """Journal, faults, properties and flags back to start-up (a Runtime reset listener)."""
        self.faults.clear()
        self.restore_config()
        self.journal.clear(restart_ids=True)

    def restore_config(self) -> None:
        """Properties and flags back to start-up. The properties dict is swapped whole, never
        edited in place, so a concurrent request sees the old set or the new one."""
        self.config.properties = copy.deepcopy(self.startup_properties)
        for attr, value in self.startup_flags.items():
            setattr(self.config, attr, value)
        self.journal.resize(self.config.journal_size)


def harness(app: Flask | None = None) -> Harness:
    return (app or current_app).extensions["fakesapcc.harness"]


# ---------------------------------------------------------------------------- emulation lint


def _lint(response: Response) -> tuple[Response, list[str]]:
    """The lint's warnings for this call, and the response it gets (replaced by the strict
    400 if the endpoint already ran)."""
    c = g.get("ctx")
    acting: Acting | None = getattr(c, "acting", None)
    if acting is None or not acting.agent_self:
        return response, []
    if runtime().config.strict_emulation and not _is_agent_self_error(response):
        error = agent_self_error(acting, request.method, request.path)
        response = render_api_errors(error.status, [error])
    message = agent_self_message(acting, request.method, request.path)
    g.lint_message = message  # the access line repeats it
    response.headers[WARNING_HEADER] = _header_safe(f"{AGENT_SELF}; {message}")
    return response, [AGENT_SELF]


def _is_agent_self_error(response: Response) -> bool:
    if response.status_code != 400 or not response.is_json:
        return False
    body = response.get_json(silent=True) or {}
    return any(e.get("type") == AGENT_SELF_ERROR for e in body.get("errors", []))


def _header_safe(text: str) -> str:
    return quote(text, safe=" !\"#$&'()*+,/:;<=>?@[]^`{|}~")


# ------------------------------------------------------------------------------- the hooks


def is_control_plane(path: str) -> bool:
    return path == CONTROL_PLANE or path.startswith(CONTROL_PLANE + "/")


def is_own(path: str) -> bool:
    """fakesapcc's own pages (the control plane and ``/``): never journalled or faulted."""
    return path == HOME or is_control_plane(path)


def _before() -> Response | None:
    gg = g._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup each
    gg.request_start = time.perf_counter()
    req = request._get_current_object()  # type: ignore[attr-defined]
    if is_own(req.path):
        return None
    gg.journal_start = gg.request_start
    if cors.decide().answer is not None:  # SAP's CorsFilter answers first: nothing to fault
        return None
    faults = harness().faults
    if not faults:
        return None
    fault = faults.take(req.method, req.path, operation_id())
    if fault is None:
        return None
    gg.fault = fault
    if fault.delay_ms:
        time.sleep(fault.delay_ms / 1000)
    if fault.drop:
        req.environ[DROP_FLAG] = fault.rule.id
        return Response(status=503)
    if fault.status is not None:
        return _fault_response(fault)
    return None


def _fault_response(fault: Fault) -> Response:
    body = fault.body(request.path)
    if body is None:
        response = Response(status=fault.status)
    elif isinstance(body, str):
        response = Response(body, status=fault.status, mimetype="text/plain")
    else:
        response = jsonify(body)
        response.status_code = fault.status  # type: ignore[assignment]
    for name, value in fault.rule.headers.items():
        response.headers[name] = value
    response.headers[FAULT_HEADER] = fault.rule.id
    return response


def _after(response: Response) -> Response:
    gg = g._get_current_object()  # type: ignore[attr-defined]
    if "journal_start" not in gg:
        if "request_start" in gg and access_log.isEnabledFor(logging.DEBUG):
            _log_access(_entry(response.status_code, [], journalled=False))
        return response
    response, warnings = _lint(response)  # a fault's own answer has no acting user
    dropped = DROP_FLAG in request.environ
    _record(None if dropped else response.status_code, warnings)
    return response


def _teardown(exc: BaseException | None) -> None:
    if exc is not None and "journal_start" in g and not g.get("journal_recorded"):
        _record(500, [])


def _record(status: int | None, warnings: list[str]) -> None:
    """One journal entry for this call, and its access line (at DEBUG)."""
    g.journal_recorded = True
    entry = _entry(status, warnings)
    harness().journal.record(entry)
    if access_log.isEnabledFor(logging.DEBUG):
        _log_access(entry)


def _log_access(entry: JournalEntry) -> None:
    access_log.debug("%s", entry.access_line(g.get("lint_message")))


def _entry(status: int | None, warnings: list[str], journalled: bool = True) -> JournalEntry:
    # one lookup of each context proxy: this runs on every call
    req = request._get_current_object()  # type: ignore[attr-defined]
    gg = g._get_current_object()  # type: ignore[attr-defined]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    c = gg.get("ctx")
    caller = getattr(c, "caller", None)
    acting: Acting | None = getattr(c, "acting", None)
    fault: Fault | None = gg.get("fault")
    start = gg.get("journal_start", gg.get("request_start"))
    return JournalEntry(
        id=harness(app).journal.next_id() if journalled else 0,
        at=runtime(app).clock.now(),
        method=req.method,
        path=req.path,
        query=_query(req.args.lists()) if req.query_string else {},
        status=status,
        operation_id=operation_id(app, req.endpoint) if req.url_rule else None,
        principal=caller.name if caller is not None else None,
        acting_user=_acting_user(acting, req.blueprint),
        emulated=bool(acting and acting.emulated),
        duration_ms=round((time.perf_counter() - start) * 1000, 3),
        warnings=warnings,
        fault=fault.rule.id if fault else None,
    )


def _acting_user(acting: Acting | None, blueprint: str | None) -> str | None:
    """The acting user's uid; "anonymous" only where the OCC blueprint resolved it so."""
    if acting is None or (acting.anonymous and blueprint != "occ"):
        return None
    return acting.uid


def _query(pairs: Iterable[tuple[str, list[str]]]) -> dict[str, Any]:
    return {k: v[0] if len(v) == 1 else v for k, v in pairs}


# -------------------------------------------------------------------- dropped connections


DROPPED = "connection dropped by fault rule"


class ConnectionDropped(ConnectionResetError):
    """A call a fault rule dropped. Raised through the WSGI server, it makes the server close
    the connection without a response; in-process (Flask's test client) it reaches the caller."""

    def __init__(self, rule_id: str) -> None:
        super().__init__(errno.ECONNRESET, f"{DROPPED} {rule_id}")


@functools.cache
def _drop_exception() -> type[ConnectionDropped]:
    """What the servers answer by closing the socket unanswered: waitress (HTTP) closes on its
    ``ClientDisconnected``, cheroot (HTTPS) on a connection reset. Made by the first drop:
    under granian waitress is never imported otherwise."""
    try:
        from waitress.channel import ClientDisconnected
    except ImportError:  # pragma: no cover - waitress is a dependency
        return ConnectionDropped

    class Dropped(ConnectionDropped, ClientDisconnected):
        pass

    return Dropped


class DropConnections:
    """WSGI middleware: holds back the status line of every response and, for a call a fault
    rule drops, raises instead of answering. Granian answers an exception from the app with a
    500, so there the answer is a sized body that fails before its first byte: granian then
    closes the connection before the status line, and the client gets no reply at all."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        held: list[tuple[Any, ...]] = []

        def hold(status: str, headers: list, exc_info: Any = None) -> Any:
            held.append((status, headers, exc_info))
            return lambda data: None

        body = self.app(environ, hold)
        rule_id = environ.get(DROP_FLAG)
        if rule_id:
            if hasattr(body, "close"):
                body.close()
            if environ.get("SERVER_SOFTWARE") == "Granian":
                start_response("200 OK", [("Content-Length", "1")])
                return _failing(_drop_exception()(rule_id))
            raise _drop_exception()(rule_id)
        if held:
            start_response(*held[0])
        return body


def _failing(error: Exception) -> Iterator[bytes]:
    raise error
    yield b""  # a generator: granian streams it, and the stream fails


def install(app: Flask) -> None:
    """Hook the journal, the faults and the emulation lint into every request."""
    h = app.extensions["fakesapcc.harness"] = Harness.for_config(runtime(app).config)
    runtime(app).reset_listeners.append(h.reset)
    app.before_request(_before)
    app.after_request(_after)
    app.teardown_request(_teardown)
    app.wsgi_app = DropConnections(app.wsgi_app)  # type: ignore[method-assign]
