"""The per-request value every handler reads: who calls (``Caller``), for whom the request acts
(``Acting``), the site context and the cart the path names, resolved once per request by the
blueprints' filters through ``security.access``; SAP's endpoint restrictions; and the agent
sessions that emulation starts."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request

from .. import models as m
from ..commerce.aftersales import AfterSales
from ..commerce.asm import AssistedService
from ..commerce.b2b_replenishment import Replenishments
from ..commerce.quotes import QuoteExpiry
from ..security import access
from ..security.policy import ANONYMOUS_ACTING, Acting, Caller, caller_from_token
from ..security.roles import ASAGENTGROUP
from . import runtime
from .operations import operation_id, operation_of, webapp


@dataclass
class RequestContext:
    caller: Caller
    acting: Acting = ANONYMOUS_ACTING
    site: Any = None  # commerce.sitecontext.SiteContext of the path's baseSiteId
    cart: m.Cart | None = None  # the cart the path names (CartMatchingFilter)
    #: the blueprint's cart loader (OCC: ``Carts.find`` of the request's site)
    find_cart: Callable[[m.User | None, str], m.Cart] | None = None

    def match_cart(self, cart_id: str) -> m.Cart:
        """SAP's CartMatchingFilter on ``cart_id`` and its GuestRoleFilter: the cart becomes the
        request's cart, and a guest's cart lends the caller ROLE_GUEST."""
        assert self.find_cart is not None, "no cart loader on this web app"
        self.cart = access.match_cart(self.caller, self.acting, cart_id, self.find_cart)
        self.caller = access.with_guest_role(self.caller, runtime().db.principal(self.cart.user))
        return self.cart

    @property
    def user(self) -> m.User:
        """The user the request acts for, on endpoints whose access rule refuses the anonymous
        user (``anonymous=False``)."""
        assert self.acting.user is not None, "declare anonymous=False on this operation"
        return self.acting.user

    @property
    def agent(self) -> m.User | None:
        """The agent behind an emulated request, recorded on what it creates."""
        return self.caller.user if self.acting.emulated and self.caller.user else None


def bearer_token() -> str | None:
    header = request.environ.get("HTTP_AUTHORIZATION", "")  # the header, as headers.get reads it
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def authenticate() -> RequestContext:
    """Take the database's lock for the rest of the request — shared for a read (GET, HEAD,
    unless the operation declares ``writes=True``), alone for a write — read the bearer token
    (401 InvalidTokenError if unknown, revoked or expired) and store the request context on
    ``flask.g``.

    One lock from here to the end of the request: who calls, for whom it acts and what the
    handler reads and writes all come from one state — a reset, a restore or a failed ImpEx load
    from another thread can never slip in between and leave a write on a detached object. Reads
    do not wait for each other. Fault delays run before this point and so never hold it."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # one lookup each
    req = request._get_current_object()  # type: ignore[attr-defined]
    gg = g._get_current_object()  # type: ignore[attr-defined]
    rt = runtime(app)
    op = operation_of(app, req.endpoint)
    write = req.method not in ("GET", "HEAD") or bool(op and op.writes)
    _run_jobs(rt)
    rt.db.acquire(write)
    gg.db_locked = (rt.db, write)
    value = bearer_token()
    token = rt.tokens.authenticate(value) if value else None
    ctx = RequestContext(caller=caller_from_token(rt.db, token))
    gg.ctx = ctx
    return ctx


def _run_jobs(rt: Any) -> None:
    """The background work due by now on the server clock — the fulfilment system's automatic
    fulfilment of orders, the replenishments' triggers (the orders they place) and the quotes'
    expiry — runs before the request, alone, as SAP's background processes and cron jobs
    would have: the request then sees what they did."""
    state = rt.db.state
    if not state.fulfilment_queue and not state.b2b_replenishments and not state.quotes:
        return

    def jobs() -> list[Any]:  # made under the lock: a reset may have replaced the state
        return [AfterSales(rt.db, rt.clock, rt.config),
                Replenishments(rt.db, rt.clock, rt.config), QuoteExpiry(rt.db, rt.clock)]

    rt.db.acquire(False)
    try:
        due = any(job.due() for job in jobs())
    finally:
        rt.db.release(False)
    if due:
        rt.db.acquire(True)
        try:
            for job in jobs():
                job.catch_up()
        finally:
            rt.db.release(True)


def check_restrictions() -> None:
    """``<webapp>.api.restrictions.disabled.endpoints``, after the security filters."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    req = request._get_current_object()  # type: ignore[attr-defined]
    app_name = webapp(req.endpoint)
    if not app_name:
        return
    key = f"{app_name}.api.restrictions.disabled.endpoints"
    if not runtime(app).config.properties.get(key):
        return  # none disabled (the usual case): nothing to parse
    access.disabled(operation_id(app, req.endpoint), runtime(app).config.prop_list(key),
                    req.path)


def ctx() -> RequestContext:
    return g.ctx


def install(app: Flask) -> None:
    @app.teardown_request
    def _release(exc: BaseException | None) -> None:
        held = g.pop("db_locked", None)
        if held is not None:
            db, write = held
            db.release(write)

    @app.after_request
    def _record_agent_session(response: Response) -> Response:
        """An agent acting for a customer starts an assisted service session (once per token):
        the agent's recent-sessions list reads them."""
        c = getattr(g, "ctx", None)
        if c is not None and response.status_code < 400 and c.acting.emulated \
                and c.caller.user is not None and c.caller.has(ASAGENTGROUP) \
                and c.acting.user is not None:
            rt = runtime()
            AssistedService(rt.db, rt.clock, rt.config).record_session(
                c.caller.user, c.acting.user, c.caller.token.value if c.caller.token else None)
        return response
