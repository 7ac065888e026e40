"""What every OCC request shares: authentication, the base site, ``lang``/``curr``, the acting
user, and the one way a DTO becomes a response (``respond``)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from .. import runtime
from ...errors import ApiError
from ...commerce.sitecontext import SiteContext, base_site
from ...commerce.sitecontext import site_context as resolve_site
from ...security.policy import access_denied, act_as, act_by_header, check_site_channel
from ..context import authenticate, check_restrictions, ctx
from ..journal import check_acting
from ..fields import check_syntax, project

bp = Blueprint("occ", __name__, url_prefix="/occ/v2")

USER_ID_HEADER = "sap-commerce-cloud-user-id"


@bp.before_request
def _resolve() -> None:
    c = authenticate()
    args = request.view_args or {}
    site_id = args.get("baseSiteId")
    if site_id is not None:
        c.site = site_context(site_id)  # type: ignore[assignment]
        check_site_channel(c.caller, c.site.site)
    user_id = args.get("userId")
    store = runtime().db
    if user_id is not None:
        c.acting = act_as(store, c.caller, user_id)
        check_acting(c.acting)  # --strict-emulation: an agent acting as itself → 400 now
    elif site_id is not None:
        c.acting = act_by_header(store, c.caller, request.headers.get(USER_ID_HEADER))
    check_restrictions()
    if request.method in ("POST", "PUT", "PATCH") and request.args.get("fields"):
        # SAP projects the response after the write; a malformed expression is refused
        # before it, so that the 400 it gets changes nothing
        check_syntax(request.args["fields"])


def site_context(site_id: str) -> SiteContext:
    state = runtime().db.state
    return resolve_site(state, base_site(state, site_id), request.args.get("lang"),
                        request.args.get("curr"))


def site() -> SiteContext:
    return ctx().site  # type: ignore[return-value]


def require_b2c() -> None:
    """B2C-only endpoints on a B2B site answer 401 AccessDeniedError, as SAP does."""
    if site().site.channel == "B2B":
        raise access_denied(401)


def require_b2b() -> None:
    """B2B endpoints (``@SiteChannelRestriction`` to the B2B channels) on any other site answer
    401 AccessDeniedError."""
    if site().site.channel != "B2B":
        raise access_denied(401)


def respond(dto: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Project a DTO by the request's ``fields`` (default DEFAULT) and send it."""
    response = jsonify(project(dto, request.args.get("fields") or "DEFAULT"))
    response.status_code = status
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def empty(status: int = 200) -> Response:
    return Response(status=status)


INT_MIN, INT_MAX = -2 ** 31, 2 ** 31 - 1  # SAP's paging parameters are Java ints


def int_param(name: str, default: int, minimum: int = 0) -> int:
    """An integer query parameter; not a number (or beyond a Java int) or below ``minimum``
    → 400 ValidationError."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
        if not INT_MIN <= value <= INT_MAX:
            raise ValueError(raw)
    except ValueError:
        raise ApiError(400, "ValidationError", f"Invalid value '{raw}' for parameter '{name}'",
                       reason="invalid", subject=name, subject_type="parameter") from None
    if value < minimum:
        raise ApiError(400, "ValidationError",
                       f"Parameter '{name}' must be at least {minimum}", reason="invalid",
                       subject=name, subject_type="parameter")
    return value


def required_param(name: str) -> str:
    """A required query or form parameter (Spring's @RequestParam(required = true))."""
    value = request.values.get(name)
    if value is None or value == "":
        raise ApiError(400, "MissingServletRequestParameterError",
                       f"Required String parameter '{name}' is not present")
    return value


def is_json_request() -> bool:
    mimetype = request.mimetype or ""
    return mimetype == "application/json" or mimetype.endswith("+json")


def json_body() -> dict[str, Any]:
    """The request's JSON object: another content type → 415; missing or malformed → 400
    HttpMessageNotReadableError, as SAP answers."""
    if request.content_length and not is_json_request() and request.mimetype:
        raise ApiError(415, "HttpMediaTypeNotSupportedError",
                       f"Content type '{request.content_type}' not supported")
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "HttpMessageNotReadableError", "Request body is invalid or missing")
    return body
