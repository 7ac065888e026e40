"""What every ASM request shares: an agent's token (the web app's session filter), SAP's
endpoint restrictions, the ``baseSite`` parameter of the older endpoints, the ASM web app's own
user matching for ``/{baseSiteId}/users/{userId}/…``, and the response (no ``fields`` here:
every ASM DTO renders whole)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ... import models as m
from ...commerce import sitecontext
from ...commerce.asm import AssistedService
from ...errors import ApiError
from ...security import access
from ...security.policy import Acting, asm_customer
from .. import inputs as i
from .. import arg, runtime
from ..context import authenticate, check_restrictions, ctx
from ..fields import project

bp = Blueprint("asm", __name__, url_prefix="/assistedservicewebservices")


@bp.before_request
def _agent_only() -> None:
    """The session filter (an agent), then the web app's UserMatchingFilter on
    ``/{baseSiteId}/users/{userId}/…``: the path names a customer, whom the agent acts for."""
    c = authenticate()
    access.require_asm_agent(c.caller)
    args = request.view_args or {}
    if "baseSiteId" in args:
        c.site = site_context(base_site(args["baseSiteId"]))
    if "userId" in args:
        customer = asm_customer(runtime().db, args["userId"])
        c.acting = Acting(customer.uid, customer, emulated=True)
    check_restrictions()


class SiteParams(i.AsmParams):
    """The ``baseSite`` of the older ASM endpoints (required)."""

    baseSite = i.TextParam(required=True, strip=True)


def base_site(uid: str) -> m.BaseSite:
    return sitecontext.base_site(runtime().db.state, uid)


def site_context(site: m.BaseSite, default_curr: str | None = None) -> sitecontext.SiteContext:
    """The request's ``lang``/``curr`` for a site, checked against its store."""
    return sitecontext.site_context(runtime().db.state, site, arg("lang"),
                                    arg("curr"), default_curr)


def agent() -> m.User:
    return ctx().caller.user  # type: ignore[return-value]  (the session filter guarantees it)


def token_value() -> str | None:
    token = ctx().caller.token
    return token.value if token else None


def asm_service() -> AssistedService:
    rt = runtime()
    return AssistedService(rt.db, rt.clock, rt.config)


def respond(dto: Any, status: int = 200, fields: str = "FULL") -> Response:
    response = jsonify(project(dto, fields))
    response.status_code = status
    return response


def unknown_agent(agent_id: str) -> ApiError:
    return ApiError(400, "UnknownIdentifierError", f"Cannot find agent with uid '{agent_id}'")
