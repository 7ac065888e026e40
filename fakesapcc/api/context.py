"""The per-request value every handler reads: who calls (``Caller``) and for whom the request
acts (``Acting``), resolved once per request by the policy module; SAP's endpoint restrictions;
and the agent sessions that emulation starts."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, g, request

from . import runtime
from ..errors import not_found_path
from ..security.policy import ANONYMOUS_ACTING, ROLE_ASAGENTGROUP, Acting, Caller, caller_from_token
from .operations import operation_id, webapp


@dataclass
class RequestContext:
    caller: Caller
    acting: Acting = ANONYMOUS_ACTING
    site: Any = None


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def authenticate() -> RequestContext:
    """Take the store's lock for the rest of the request, read the bearer token (401
    InvalidTokenError if unknown, revoked or expired) and store the request context on
    ``flask.g``.

    One lock from here to the end of the request: who calls, for whom it acts and what the
    handler reads and writes all come from one state — a reset, a restore or a failed ImpEx load
    from another thread can never slip in between and leave a write on a detached object. Fault
    delays run before this point and so never hold the lock."""
    rt = runtime()
    rt.db.acquire()
    g.store_locked = rt.db
    value = bearer_token()
    token = rt.tokens.authenticate(value) if value else None
    ctx = RequestContext(caller=caller_from_token(rt.db, token))
    g.ctx = ctx
    return ctx


def check_restrictions() -> None:
    """``<webapp>.api.restrictions.disabled.endpoints``: a comma-separated list of operationIds
    that answer 404, as SAP's endpoint restriction interceptor does — after the security
    filters, so the blueprints call this once the caller and the acting user are known."""
    app_name = webapp(request.endpoint)
    op = operation_id()
    if app_name and op:
        disabled = runtime().config.prop_list(f"{app_name}.api.restrictions.disabled.endpoints")
        if op in disabled:
            raise not_found_path(request.path)


def ctx() -> RequestContext:
    return g.ctx


def install(app: Flask) -> None:
    @app.teardown_request
    def _release(exc: BaseException | None) -> None:
        store = g.pop("store_locked", None)
        if store is not None:
            store.release()

    @app.after_request
    def _record_agent_session(response: Response) -> Response:
        """An agent acting for a customer starts an assisted service session (once per token):
        the agent's recent-sessions list reads them."""
        c = getattr(g, "ctx", None)
        if c is not None and response.status_code < 400 and c.acting.emulated \
                and c.caller.user is not None and c.caller.has(ROLE_ASAGENTGROUP) \
                and c.acting.user is not None:
            from ..commerce.asm import AssistedService

            rt = runtime()
            with rt.db.atomic():
                AssistedService(rt.db, rt.clock, rt.config).record_session(
                    c.caller.user, c.acting.user, c.caller.token.value if c.caller.token else None)
        return response
