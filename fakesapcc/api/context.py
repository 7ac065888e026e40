"""The per-request value every handler reads: who calls (``Caller``) and for whom the request
acts (``Acting``), resolved once per request by the policy module."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, request

from ..app import runtime
from ..security.policy import ANONYMOUS_ACTING, Acting, Caller, caller_from_token


@dataclass
class RequestContext:
    caller: Caller
    acting: Acting = ANONYMOUS_ACTING
    site: str | None = None


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def authenticate() -> RequestContext:
    """Read the bearer token (401 InvalidTokenError if unknown, revoked or expired) and store
    the request context on ``flask.g``."""
    rt = runtime()
    value = bearer_token()
    token = rt.tokens.authenticate(value) if value else None
    ctx = RequestContext(caller=caller_from_token(rt.store, token))
    g.ctx = ctx
    return ctx


def ctx() -> RequestContext:
    return g.ctx
