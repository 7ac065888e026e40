"""The control plane under ``/_fakesapcc``: health and readiness, and what a test suite drives
(reset, snapshots, ImpEx, the request journal, faults, the clock, configuration, coverage),
described by ``/_fakesapcc/openapi.json``.

Protection: bound to loopback (127.0.0.1, localhost, ::1) the control plane is open; bound to
any other address it needs ``--admin-token`` as a bearer token, and without one it refuses every
call (403). ``--no-admin`` hides it (404). Health and readiness always answer, for container
health checks. Every error is SAP's envelope.
"""
from __future__ import annotations

import hmac
import ipaddress
import math
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, redirect, request

from ..errors import ApiError, ApiErrors, not_found_path, validation_error
from ..impex.report import FileReport
from ..security import roles
from ..snapshots import dump_state, restore_state
from . import admin_schemas as s
from . import harness as h
from . import runtime
from .context import bearer_token
from .journal import JournalFilter
from .operations import implemented, operation

bp = Blueprint("admin", __name__, url_prefix="/_fakesapcc")

ALWAYS_OPEN = frozenset({"/_fakesapcc/health", "/_fakesapcc/ready"})
DASHBOARD = "/_fakesapcc/ui"
#: the dashboard's admin token form (it checks the token itself), and the cookie it sets
DASHBOARD_LOGIN = "/_fakesapcc/ui/login"
ADMIN_COOKIE = "fakesapcc_admin"
IMPEX_TYPES = frozenset({"text/plain", "application/octet-stream"})
MAX_JOURNAL_SIZE = 100_000
REALM = {"WWW-Authenticate": 'Bearer realm="fakesapcc"'}


# ------------------------------------------------------------------------------- protection


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """The name of a ``Host`` value: ``localhost:9001`` → ``localhost``, ``[::1]:9001`` →
    ``::1``."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def host_allowed(host_header: str, config: Any) -> bool:
    """Whether the control plane answers to this ``Host``: a loopback name, the address it is
    bound to, or one of ``--allowed-host`` (``*`` allows every name). A page whose own name
    was made to resolve to 127.0.0.1 (DNS rebinding) sends its own name, and is refused."""
    name = host_name(host_header)
    if not name:
        return False
    allowed = {h.strip().lower().strip("[]") for h in config.allowed_hosts or []}
    if "*" in allowed or name in allowed or is_loopback(name):
        return True
    bound = config.host.strip().lower().strip("[]")
    return bound not in ("", "0.0.0.0", "::") and name == bound


@bp.before_app_request
def _guard() -> Any:
    """Every control-plane call but health and readiness passes here first (also unknown
    paths and wrong methods, so that a closed control plane tells nothing): the Host, the
    Origin, then the admin token — a bearer token or, from the dashboard's browser, its
    cookie; a dashboard page asked without it sends the browser to the token form."""
    path = request.path
    if not h.is_control_plane(path) or path in ALWAYS_OPEN:
        return
    config = runtime().config
    if not config.admin:
        raise not_found_path(path)
    host = request.headers.get("Host", "")
    if not host_allowed(host, config):
        raise ApiError(403, "ForbiddenError", f"The control plane answers only to loopback "
                       f"Host names and those of --allowed-host, not '{host_name(host)[:100]}'")
    origin = request.headers.get("Origin")
    if origin and origin != request.host_url.rstrip("/") and origin not in (config.cors_origins or []):
        raise ApiError(403, "ForbiddenError", f"Cross-origin calls to the control plane are refused "
                       f"(origin {origin}); allow a page with --cors-origin")
    if is_loopback(config.host):
        return
    if not config.admin_token:
        raise ApiError(403, "ForbiddenError", f"The control plane is closed: fakesapcc is bound "
                       f"to {config.host}, beyond loopback, and has no admin token. Start it "
                       "with --admin-token TOKEN (or FAKESAPCC_ADMIN_TOKEN) and send "
                       "'Authorization: Bearer TOKEN'")
    if path == DASHBOARD_LOGIN:
        return None
    token = bearer_token() or request.cookies.get(ADMIN_COOKIE)
    if token is None and request.method == "GET" and (
            path == DASHBOARD or path.startswith(DASHBOARD + "/")):
        return redirect(DASHBOARD_LOGIN, 303)
    if token is None:
        raise ApiError(401, "UnauthorizedError", "The control plane needs the admin token: send "
                       "'Authorization: Bearer <--admin-token>'", headers=REALM)
    if not hmac.compare_digest(token.encode(), config.admin_token.encode()):
        raise ApiError(401, "InvalidTokenError", "Invalid admin token", headers=REALM)


# ---------------------------------------------------------------------------------- health


@bp.get("/health")
@operation("health", secured=roles.CONTROL_PLANE, summary="Liveness: 200 once the process serves",
           responses={200: ("Up", s.Status)})
def health():
    """200 as soon as the process serves requests."""
    return jsonify({"status": "UP"})


@bp.get("/ready")
@operation("ready", secured=roles.CONTROL_PLANE,
           summary="Readiness: 503 until the seed has loaded",
           responses={200: ("Ready, with the item counts by type", s.Ready),
                      503: ("Still loading", s.Status)})
def ready():
    """503 until every seed file has loaded, then 200 with the counts by type."""
    rt = runtime()
    if not rt.ready.is_set():
        return jsonify({"status": "LOADING"}), 503
    counts = rt.item_counts()
    return jsonify({"status": "READY", "items": dict(sorted(counts.items()))})


@bp.get("/openapi.json")
@operation("openapi", secured=roles.CONTROL_PLANE, summary="This document",
           responses={200: "OpenAPI 3 document"})
def openapi():
    from . import openapi as docs  # apispec, imported by the first document asked for

    return jsonify(docs.document(
        current_app, ("admin", "dashboard"), title="fakesapcc control plane",
        description="Drive a fakesapcc instance from a test suite: reset, snapshots, ImpEx, the "
                    "request journal, faults, the clock, configuration; and the dashboard's "
                    "HTML pages and forms under /ui. Open on loopback; "
                    "elsewhere send the --admin-token as a bearer token. Errors use SAP's "
                    "envelope.",
        security={"adminToken": {"type": "http", "scheme": "bearer",
                                 "description": "The --admin-token value"}},
        default_security=[{}, {"adminToken": []}]))


DESCRIBED = {
    "oauth": ("oauth", "fakesapcc OAuth (the authorization server)",
              "SAP's /authorizationserver as fakesapcc serves it (occ-api.md §1): the token "
              "endpoint's grants and its answers, revocation, the JWKS and discovery. SAP "
              "publishes no document for it."),
    "asm": ("asm", "fakesapcc Assisted Service Module",
            "SAP's /assistedservicewebservices as fakesapcc serves it (asm-api.md): customer "
            "search and lists, bind-cart, registration, Customer 360, agent stores. SAP "
            "publishes no open document for it."),
}


@bp.get("/openapi/<name>.json")
@operation("getWebAppOpenApi", secured=roles.CONTROL_PLANE,
           summary="The OpenAPI document fakesapcc writes for one of SAP's web apps that has "
                   "no public document: oauth or asm",
           responses={200: "OpenAPI 3 document", 404: ("No such document", s.ErrorList)})
def webapp_openapi(name: str):
    if name not in DESCRIBED:
        raise not_found_path(request.path)
    blueprint, title, description = DESCRIBED[name]
    from . import openapi as docs

    return jsonify(docs.document(current_app, blueprint, title=title, description=description))


# ------------------------------------------------------------------------------------ state


@bp.post("/reset")
@operation("reset", secured=roles.CONTROL_PLANE,
           summary="State, tokens, clock, journal, faults, properties and flags back to start-up",
           responses={200: ("Reset", s.Status)})
def reset():
    runtime().reset()
    return jsonify({"status": "RESET"})


@bp.get("/snapshot")
@operation("getSnapshot", secured=roles.CONTROL_PLANE, summary="The whole state as JSON",
           responses={200: ("The snapshot", s.Snapshot)})
def snapshot():
    return jsonify(dump_state(runtime().db))


@bp.post("/restore")
@operation("restoreSnapshot", secured=roles.CONTROL_PLANE, body=s.Snapshot,
           summary="Put a snapshot back; a bad one changes nothing",
           responses={200: ("Restored", s.Status), 400: ("Not a snapshot", s.ErrorList)})
def restore(body: dict):
    restore_state(runtime().db, body)
    return jsonify({"status": "RESTORED"})


@bp.post("/impex")
@operation("loadImpex", secured=roles.CONTROL_PLANE,
           summary="Load ImpEx text: all of it, or nothing if it has an error",
           responses={200: ("Loaded", s.ImpexReport),
                      400: ("Errors with file:line (ImpExError); nothing loaded", s.ErrorList),
                      415: ("Not text/plain or application/octet-stream", s.ErrorList)},
           doc={"parameters": [{"in": "query", "schema": s.ImpexQuery}],
                "requestBody": {"required": True, "content": {
                    "text/plain": {"schema": {"type": "string"}},
                    "application/octet-stream": {"schema": {"type": "string",
                                                            "format": "binary"}}}}})
def impex():
    from ..impex.loader import load_text  # the ImpEx engine, imported by its first use

    text = _impex_text()
    strict = _bool_arg("strict", runtime().config.strict_impex)
    report = load_text(runtime().db, text, request.args.get("file") or "<request>",
                       config=runtime().config.properties, strict=strict)
    if report.errors:
        raise _impex_errors(report)
    return jsonify(impex_json(report))


def _impex_text() -> str:
    if request.mimetype and request.mimetype not in IMPEX_TYPES:
        raise ApiError(415, "HttpMediaTypeNotSupportedError",
                       f"Content type '{request.mimetype}' not supported: send ImpEx as "
                       "text/plain or application/octet-stream")
    try:
        text = request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise validation_error("body", "ImpEx must be UTF-8 text") from None
    if not text.strip():
        raise validation_error("body", "The request has no ImpEx to load", "missing")
    return text


def impex_json(report: FileReport) -> dict[str, Any]:
    return {"status": "LOADED", "file": report.file,
            "counts": dict(sorted(report.counts.items())),
            "skipped": dict(sorted(report.skipped.items())),
            "warnings": [_diagnostic(d) for d in report.diagnostics if d.level == "warning"]}


def _diagnostic(d: Any) -> dict[str, Any]:
    return {"file": d.file, "line": d.line, "message": d.message, "column": d.column}


def _impex_errors(report: FileReport) -> ApiErrors:
    return ApiErrors(400, [ApiError(400, "ImpExError", f"{d.file}:{d.line}: {d.message}"
                                    + (f" [column {d.column}]" if d.column else ""),
                                    reason="invalid", subject=f"{d.file}:{d.line}",
                                    subject_type="impexLine")
                           for d in report.errors])


# ---------------------------------------------------------------------------------- journal


@bp.get("/requests")
@operation("getRequests", secured=roles.CONTROL_PLANE, summary="The request journal, oldest first",
           responses={200: ("Matching calls", s.RequestList), 400: ("Unknown filter", s.ErrorList)},
           doc={"parameters": [{"in": "query", "schema": s.JournalQuery}]})
def list_requests():
    where = JournalFilter.from_query(request.args.to_dict())
    entries = h.harness().journal.entries(where)
    return jsonify({"requests": [e.to_json() for e in entries]})


@bp.delete("/requests")
@operation("clearRequests", secured=roles.CONTROL_PLANE, summary="Empty the journal",
           responses={200: ("Cleared", s.Status)})
def clear_requests():
    h.harness().journal.clear()
    return jsonify({"status": "CLEARED"})


# ----------------------------------------------------------------------------------- faults


@bp.post("/faults")
@operation("addFault", secured=roles.CONTROL_PLANE, body=s.FaultRuleInput, summary="Add a fault rule",
           responses={201: ("The rule, with its id", s.FaultRule), 400: ("Not a rule", s.ErrorList)})
def add_fault(body: dict):
    rule = h.harness().faults.add(body)
    return jsonify(rule.to_json()), 201


@bp.get("/faults")
@operation("getFaults", secured=roles.CONTROL_PLANE,
           summary="The rules, with their remaining counts", responses={200: ("Rules", s.FaultList)})
def list_faults():
    return jsonify({"faults": [r.to_json() for r in h.harness().faults.rules()]})


@bp.delete("/faults")
@operation("clearFaults", secured=roles.CONTROL_PLANE, summary="Remove every rule",
           responses={200: ("Cleared", s.Status)})
def clear_faults():
    h.harness().faults.clear()
    return jsonify({"status": "CLEARED"})


@bp.delete("/faults/<faultId>")
@operation("removeFault", secured=roles.CONTROL_PLANE, summary="Remove one rule",
           responses={200: ("Removed", s.Status),
                      404: ("No such rule (UnknownIdentifierError)", s.ErrorList)})
def remove_fault(faultId: str):
    if not h.harness().faults.remove(faultId):
        raise ApiError(404, "UnknownIdentifierError", f"No fault rule with id '{faultId}'")
    return jsonify({"status": "REMOVED", "id": faultId})


# ------------------------------------------------------------------------------------ clock


@bp.get("/clock")
@operation("getClock", secured=roles.CONTROL_PLANE, summary="The server's time",
           responses={200: ("Now", s.Clock)})
def clock():
    return jsonify(clock_json())


@bp.post("/clock/advance")
@operation("advanceClock", secured=roles.CONTROL_PLANE, body=s.ClockAdvance, body_required=False,
           summary="Move the clock forward: tokens expire, timestamps follow",
           responses={200: ("The new time", s.Clock), 400: ("Not a number of seconds", s.ErrorList)},
           doc={"parameters": [{"in": "query", "schema": s.ClockAdvanceQuery}]})
def advance_clock(body: Any):
    raw = request.args.get("seconds")
    if raw is None:
        raw = body.get("seconds") if isinstance(body, dict) else None
    seconds = seconds_arg(raw)
    try:
        runtime().clock.advance(seconds)
    except ValueError as exc:
        raise validation_error("seconds", str(exc)) from None
    return jsonify(clock_json())


@bp.post("/clock/freeze")
@operation("freezeClock", secured=roles.CONTROL_PLANE,
           summary="Stop the clock: it moves only when advanced, until unfrozen or reset",
           responses={200: ("The time, frozen", s.Clock)})
def freeze_clock():
    runtime().clock.freeze()
    return jsonify(clock_json())


@bp.post("/clock/unfreeze")
@operation("unfreezeClock", secured=roles.CONTROL_PLANE, summary="Let the clock run again",
           responses={200: ("The time, running", s.Clock)})
def unfreeze_clock():
    runtime().clock.unfreeze()
    return jsonify(clock_json())


def clock_json() -> dict[str, Any]:
    clock = runtime().clock
    offset = clock.offset_seconds  # whole seconds read back as written: 43201, not 43201.0
    return {"now": clock.now().isoformat(timespec="milliseconds"),
            "offsetSeconds": int(offset) if offset.is_integer() else offset,
            "frozen": clock.frozen}


def seconds_arg(raw: Any) -> float:
    """A number of seconds to move the clock forward: finite, not negative."""
    if raw is None:
        raise validation_error("seconds", "seconds is required: ?seconds=N or {\"seconds\": N}",
                               "missing")
    try:
        seconds = float(raw) if not isinstance(raw, bool) else math.nan
    except (TypeError, ValueError, OverflowError):
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise validation_error("seconds", f"seconds must be a number of seconds, 0 or more, "
                               f"not {raw!r}: the clock only moves forward")
    return seconds


# ----------------------------------------------------------------------------------- config


@bp.get("/config")
@operation("getConfig", secured=roles.CONTROL_PLANE,
           summary="Effective settings, flags and SAP properties", responses={200: ("Configuration", s.Config)})
def get_config():
    return jsonify(config_json())


@bp.patch("/config")
@operation("patchConfig", secured=roles.CONTROL_PLANE, body=s.ConfigPatch,
           summary="Change SAP properties and flags at runtime",
           responses={200: ("The configuration now", s.Config), 400: ("Not a configuration", s.ErrorList)})
def patch_config(body: Any):
    apply_config_patch(body)
    return jsonify(config_json())


def config_json(app: Flask | None = None) -> dict[str, Any]:
    """Effective settings, the flags PATCH may change, and the SAP properties."""
    config = runtime(app).config
    settings = {_camel(k): v for k, v in config.to_dict().items() if k != "properties"}
    settings["adminToken"] = "***" if config.admin_token else None
    return {"settings": settings, "flags": h.harness(app).flags(),
            "properties": dict(sorted(config.properties.items()))}


def apply_config_patch(body: Any, app: Flask | None = None) -> None:
    """Change SAP properties (a null value removes one) and flags at runtime; all checked
    before any applies. ``reset`` puts them back as they were at start-up."""
    if not isinstance(body, dict):
        raise validation_error("body", "Send a JSON object such as "
                               "{\"properties\": {\"toggle.customer360.enabled\": \"false\"}}")
    allowed = ("properties", *h.FLAGS)
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise validation_error(unknown[0], f"Unknown configuration key '{unknown[0]}'; "
                               f"PATCH takes {', '.join(allowed)}", "unknown")
    properties = _properties(body.get("properties", {}))
    flags = {name: _flag(name, body[name]) for name in h.FLAGS if name in body}
    harness = h.harness(app)
    config = runtime(app).config
    updated = dict(config.properties)  # swapped whole: readers see the old set or the new one
    for key, value in properties.items():
        if value is None:
            updated.pop(key, None)
        else:
            updated[key] = value
    config.properties = updated
    for name, value in flags.items():
        setattr(config, h.FLAGS[name], value)
    if "journalSize" in flags:
        harness.journal.resize(config.journal_size)


def _properties(value: Any) -> dict[str, str | None]:
    if not isinstance(value, dict):
        raise validation_error("properties", "properties must be an object of SAP property "
                               "keys to values")
    result: dict[str, str | None] = {}
    for key, raw in value.items():
        if not key.strip():
            raise validation_error("properties", "A property key must not be empty")
        if raw is None or isinstance(raw, str):
            result[key] = raw
        elif isinstance(raw, bool):
            result[key] = "true" if raw else "false"
        elif isinstance(raw, (int, float)):
            result[key] = str(raw)
        else:
            raise validation_error(f"properties.{key}", "A property value is a string, a "
                                   "number, a boolean, or null to remove it")
    return result


def _flag(name: str, value: Any) -> Any:
    if name == "journalSize":
        if isinstance(value, bool) or not isinstance(value, int) \
                or not 1 <= value <= MAX_JOURNAL_SIZE:
            raise validation_error(name, f"journalSize must be a whole number from 1 to "
                                   f"{MAX_JOURNAL_SIZE}")
        return value
    if not isinstance(value, bool):
        raise validation_error(name, f"{name} must be true or false")
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


# --------------------------------------------------------------------------------- coverage


@bp.get("/coverage")
@operation("getCoverage", secured=roles.CONTROL_PLANE, summary="The SAP operations implemented",
           responses={200: ("Operations", s.Coverage)})
def coverage():
    operations = implemented(current_app)
    by_webapp: dict[str, int] = {}
    for op in operations:
        by_webapp[op["webapp"]] = by_webapp.get(op["webapp"], 0) + 1
    return jsonify({"count": len(operations), "byWebapp": by_webapp, "operations": operations})


# ---------------------------------------------------------------------------------- helpers


def _bool_arg(name: str, default: bool) -> bool:
    raw = request.args.get(name)
    if raw is None:
        return default
    if raw.lower() not in ("true", "false"):
        raise validation_error(name, f"{name} must be true or false, not '{raw}'")
    return raw.lower() == "true"
