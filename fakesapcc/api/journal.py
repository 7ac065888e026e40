"""The request journal, fault injection and the emulation lint: the one pair of hooks every
request and response passes through.

- ``before_request``: starts the timer and applies the first matching fault rule (a delay, an
  answer in the endpoint's place, or a dropped connection);
- ``after_request`` (registered first, so it runs last and sees the final response): the
  emulation lint, then one journal entry per call;
- ``teardown_request``: records a call that ended in an exception no handler rendered.

Calls to the control plane (``/_fakesapcc``) are neither journalled nor faulted.

The journal and the fault rules live on the app, in a ``Harness`` (``harness(app)``), with the
configuration the instance started with; ``reset(app)`` puts all of it, the store and the clock
back to start-up.
"""
from __future__ import annotations

import copy
import errno
import fnmatch
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, current_app, g, jsonify, request

from ..config import Config
from ..errors import ApiError, validation_error
from ..faults import Fault, FaultBook
from ..security.policy import Acting
from .errors import render_api_errors
from . import cors, runtime
from .operations import operation_id

CONTROL_PLANE = "/_fakesapcc"
AGENT_SELF = "agent-acting-as-self"
AGENT_SELF_ERROR = "AgentActingAsSelfError"
WARNING_HEADER = "X-Fakesapcc-Warning"
FAULT_HEADER = "X-Fakesapcc-Fault"
DROP_FLAG = "fakesapcc.drop"
FILTERS = ("path", "principal", "actingUser", "method", "status", "operationId", "warning")
FLAGS = {"strictEmulation": "strict_emulation", "strictImpex": "strict_impex",
         "journalSize": "journal_size"}


# ---------------------------------------------------------------------------------- journal


@dataclass
class JournalEntry:
    """One call as the server saw it."""

    id: int
    timestamp: str
    method: str
    path: str
    query: dict[str, Any]
    status: int | None  # None: the connection was dropped
    operation_id: str | None
    principal: str | None
    acting_user: str | None
    emulated: bool
    duration_ms: float
    warnings: list[str] = field(default_factory=list)
    fault: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "timestamp": self.timestamp, "method": self.method,
                "path": self.path, "query": self.query, "status": self.status,
                "operationId": self.operation_id, "principal": self.principal,
                "actingUser": self.acting_user, "emulated": self.emulated,
                "durationMs": self.duration_ms, "warnings": list(self.warnings),
                "fault": self.fault}


@dataclass(frozen=True)
class JournalFilter:
    """Which entries a query asks for: ``path`` is a substring, or a glob if it holds ``*``,
    ``?`` or ``[``; ``status`` a code (``404``) or a class (``4xx``); the rest match exactly
    (``principal``, ``actingUser`` and ``method`` ignoring case)."""

    path: str | None = None
    principal: str | None = None
    acting_user: str | None = None
    method: str | None = None
    status: str | None = None
    operation_id: str | None = None
    warning: str | None = None

    @classmethod
    def from_query(cls, args: dict[str, str]) -> "JournalFilter":
        unknown = sorted(set(args) - set(FILTERS))
        if unknown:
            raise validation_error(unknown[0], f"Unknown filter '{unknown[0]}'; the filters "
                                   f"are {', '.join(FILTERS)}", "unknown")
        status = args.get("status")
        if status is not None and not _status_pattern(status):
            raise validation_error("status", "status must be a code such as 404 or a class "
                                   "such as 4xx")
        return cls(path=args.get("path"), principal=args.get("principal"),
                   acting_user=args.get("actingUser"), method=args.get("method"),
                   status=status, operation_id=args.get("operationId"),
                   warning=args.get("warning"))

    def __call__(self, e: JournalEntry) -> bool:
        return (self._path(e.path) and _same(self.principal, e.principal)
                and _same(self.acting_user, e.acting_user) and _same(self.method, e.method)
                and self._status(e.status)
                and (self.operation_id is None or self.operation_id == e.operation_id)
                and (self.warning is None or self.warning in e.warnings))

    def _path(self, path: str) -> bool:
        if self.path is None:
            return True
        if any(c in self.path for c in "*?["):
            return fnmatch.fnmatchcase(path, self.path)
        return self.path in path

    def _status(self, status: int | None) -> bool:
        if self.status is None:
            return True
        if status is None:
            return False
        if self.status.lower().endswith("xx"):
            return str(status)[0] == self.status[0]
        return str(status) == self.status


def _status_pattern(value: str) -> bool:
    return (value.isdigit() and len(value) == 3) or (
        len(value) == 3 and value[0] in "12345" and value[1:].lower() == "xx")


def _same(wanted: str | None, value: str | None) -> bool:
    return wanted is None or (value is not None and wanted.lower() == value.lower())


class Journal:
    """The last ``size`` calls, oldest first (thread-safe)."""

    def __init__(self, size: int) -> None:
        self._lock = threading.Lock()
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self._ids = 0

    def next_id(self) -> int:
        with self._lock:
            self._ids += 1
            return self._ids

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self, where: JournalFilter = JournalFilter()) -> list[JournalEntry]:
        with self._lock:
            return [e for e in self._entries if where(e)]

    def clear(self, restart_ids: bool = False) -> None:
        """Forget the entries; ``restart_ids`` (a reset) numbers the next call 1 again."""
        with self._lock:
            self._entries.clear()
            if restart_ids:
                self._ids = 0

    def resize(self, size: int) -> None:
        """Keep at most ``size`` entries from now on (the newest, when it shrinks)."""
        with self._lock:
            self._entries = deque(self._entries, maxlen=size)


# ---------------------------------------------------------------------------------- harness


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


def agent_self_message(acting: Acting, method: str, path: str) -> str:
    return (f"an agent ({acting.uid}) called {method} {path} as 'current' and acts as itself: "
            "did you forget to pass the customer's userId?")


def agent_self_error(acting: Acting) -> ApiError:
    return ApiError(400, AGENT_SELF_ERROR,
                    agent_self_message(acting, request.method, request.path))


def check_acting(acting: Acting) -> None:
    """Under ``strict_emulation``, refuse an agent acting as itself through ``current``
    (400 AgentActingAsSelfError) before the endpoint runs. The OCC blueprint calls this right
    after it resolves the acting user."""
    if acting.agent_self and runtime().config.strict_emulation:
        raise agent_self_error(acting)


def _lint(response: Response) -> tuple[Response, list[str]]:
    """The lint's warnings for this call, and the response it gets (replaced by the strict
    400 if the endpoint already ran)."""
    c = g.get("ctx")
    acting: Acting | None = getattr(c, "acting", None)
    if acting is None or not acting.agent_self:
        return response, []
    if runtime().config.strict_emulation and not _is_agent_self_error(response):
        error = agent_self_error(acting)
        response = render_api_errors(error.status, [error])
    message = agent_self_message(acting, request.method, request.path)
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


def _before() -> Response | None:
    if is_control_plane(request.path):
        return None
    g.journal_start = time.perf_counter()
    if cors.decide().answer is not None:  # SAP's CorsFilter answers first: nothing to fault
        return None
    fault = harness().faults.take(request.method, request.path, operation_id())
    if fault is None:
        return None
    g.fault = fault
    if fault.delay_ms:
        time.sleep(fault.delay_ms / 1000)
    if fault.drop:
        request.environ[DROP_FLAG] = fault.rule.id
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
    if "journal_start" not in g:
        return response
    response, warnings = _lint(response)  # a fault's own answer has no acting user
    dropped = DROP_FLAG in request.environ
    _record(None if dropped else response.status_code, warnings)
    return response


def _teardown(exc: BaseException | None) -> None:
    if exc is not None and "journal_start" in g and not g.get("journal_recorded"):
        _record(500, [])


def _record(status: int | None, warnings: list[str]) -> None:
    g.journal_recorded = True
    rt = runtime()
    h = harness()
    c = g.get("ctx")
    caller = getattr(c, "caller", None)
    acting: Acting | None = getattr(c, "acting", None)
    fault: Fault | None = g.get("fault")
    h.journal.record(JournalEntry(
        id=h.journal.next_id(),
        timestamp=rt.clock.now().isoformat(timespec="milliseconds"),
        method=request.method,
        path=request.path,
        query=_query(request.args.lists()),
        status=status,
        operation_id=operation_id() if request.url_rule else None,
        principal=caller.name if caller is not None else None,
        acting_user=_acting_user(acting),
        emulated=bool(acting and acting.emulated),
        duration_ms=round((time.perf_counter() - g.journal_start) * 1000, 3),
        warnings=warnings,
        fault=fault.rule.id if fault else None,
    ))


def _acting_user(acting: Acting | None) -> str | None:
    """The acting user's uid; "anonymous" only where the OCC blueprint resolved it so."""
    if acting is None or (acting.anonymous and request.blueprint != "occ"):
        return None
    return acting.uid


def _query(pairs: Iterable[tuple[str, list[str]]]) -> dict[str, Any]:
    return {k: v[0] if len(v) == 1 else v for k, v in pairs}


# -------------------------------------------------------------------- dropped connections


class ConnectionDropped(ConnectionResetError):
    """A call a fault rule dropped. Raised through the WSGI server, it makes the server close
    the connection without a response; in-process (Flask's test client) it reaches the caller."""

    def __init__(self, rule_id: str) -> None:
        super().__init__(errno.ECONNRESET, f"connection dropped by fault rule {rule_id}")


def _drop_exception() -> type[ConnectionDropped]:
    """What the servers answer by closing the socket unanswered: waitress (HTTP) closes on its
    ``ClientDisconnected``, cheroot (HTTPS) on a connection reset."""
    try:
        from waitress.channel import ClientDisconnected
    except ImportError:  # pragma: no cover - waitress is a dependency
        return ConnectionDropped

    class Dropped(ConnectionDropped, ClientDisconnected):
        pass

    return Dropped


class DropConnections:
    """WSGI middleware: holds back the status line of every response and, for a call a fault
    rule drops, raises instead of answering."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.dropped = _drop_exception()

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
            raise self.dropped(rule_id)
        if held:
            start_response(*held[0])
        return body


def install(app: Flask) -> None:
    """Hook the journal, the faults and the emulation lint into every request."""
    h = app.extensions["fakesapcc.harness"] = Harness.for_config(runtime(app).config)
    runtime(app).reset_listeners.append(h.reset)
    app.before_request(_before)
    app.after_request(_after)
    app.teardown_request(_teardown)
    app.wsgi_app = DropConnections(app.wsgi_app)  # type: ignore[method-assign]
