"""What every ASM request shares: an agent's token (ROLE_ASAGENTGROUP), SAP's endpoint
restrictions, the ``baseSite`` query parameter of the older endpoints, and the ASM web app's own
user matching for ``/{baseSiteId}/users/{userId}/…``."""
from __future__ import annotations

from flask import Blueprint, request

from ... import models as m
from .. import runtime
from ...commerce import sitecontext
from ...commerce.asm import AssistedService
from ...errors import ApiError
from ...security.policy import asm_customer, require_asm_agent
from ..context import authenticate, check_restrictions, ctx

bp = Blueprint("asm", __name__, url_prefix="/assistedservicewebservices")


@bp.before_request
def _agent_only() -> None:
    c = authenticate()
    require_asm_agent(c.caller)
    check_restrictions()


def required_param(name: str) -> str:
    """A required parameter, from the query string or a form body (``@RequestParam``)."""
    value = request.values.get(name)
    if value is None or value.strip() == "":
        raise ApiError(400, "MissingServletRequestParameterError",
                       f"Required String parameter '{name}' is not present")
    return value.strip()


def base_site(param: str | None = None) -> m.BaseSite:
    """The ``baseSite`` query parameter (required by the older ASM endpoints), or a site id
    from the path."""
    uid = param if param is not None else required_param("baseSite")
    return sitecontext.base_site(runtime().db.state, uid)


def site_context(site: m.BaseSite, default_curr: str | None = None) -> sitecontext.SiteContext:
    """The request's ``lang``/``curr`` for a site, checked against its store."""
    return sitecontext.site_context(runtime().db.state, site, request.args.get("lang"),
                                    request.args.get("curr"), default_curr)


def agent() -> m.User:
    return ctx().caller.user  # type: ignore[return-value]  (require_asm_agent guarantees it)


def asm_service() -> AssistedService:
    rt = runtime()
    return AssistedService(rt.db, rt.clock, rt.config)


def int_param(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
        if not -2 ** 31 <= value < 2 ** 31:  # a Java int
            raise ValueError(raw)
        return value
    except ValueError:
        raise ApiError(400, "RequestParameterError", f"Request parameter {name} must be a number",
                       reason="invalid", subject=name, subject_type="parameter") from None


def customer_by_id(user_id: str) -> m.Customer:
    return asm_customer(runtime().db, user_id)
