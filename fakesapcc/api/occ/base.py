"""What every OCC request shares: the security filters (token, base site, ``lang``/``curr``, the
acting user, the cart the path names), SAP's endpoint restrictions, the cart and catalog
services of the request's site, and the one way a DTO becomes a response (``respond``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...commerce.carts import Carts
from ...commerce.catalog import CatalogService
from ...commerce.sitecontext import SiteContext, base_site
from ...commerce.sitecontext import site_context as resolve_site
from ...security import access
from ...security.emulation import check_emulation
from .. import arg, runtime
from ..context import authenticate, check_restrictions, ctx
from ..fields import check_syntax, project

bp = Blueprint("occ", __name__, url_prefix="/occ/v2")

USER_ID_HEADER = "sap-commerce-cloud-user-id"
USER_ID_ENVIRON = "HTTP_SAP_COMMERCE_CLOUD_USER_ID"  # the header in the WSGI environ


@bp.before_request
def _filters() -> None:
    c = authenticate()
    rt = runtime()
    req = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup
    args = req.view_args or {}
    site_id = args.get("baseSiteId")
    if site_id is not None:
        c.site = site_context(site_id)
    c.acting = access.filters(rt.db, c.caller, c.site.site if c.site else None,
                              args.get("userId"), req.environ.get(USER_ID_ENVIRON))
    check_emulation(c.acting, rt.config.strict_emulation, req.method, req.path)
    if c.site is not None:
        c.find_cart = carts_service().find
        if args.get("cartId") is not None:
            c.match_cart(args["cartId"])
    check_restrictions()
    if req.method in ("POST", "PUT", "PATCH", "DELETE") and arg("fields"):
        # SAP projects the response after the write; a malformed expression is refused
        # before it, so that the 400 it gets changes nothing
        check_syntax(req.args["fields"])


def site_context(site_id: str) -> SiteContext:
    state = runtime().db.state
    return resolve_site(state, base_site(state, site_id), arg("lang"), arg("curr"))


def site() -> SiteContext:
    return ctx().site  # type: ignore[return-value]


def carts_service(currency: str | None = None) -> Carts:
    """The cart service of the request's site, in its session currency (or ``currency``: an
    order's own)."""
    sc = site()
    rt = runtime()
    return Carts(rt.db, rt.clock, rt.config, sc.site, sc.store, currency or sc.curr)


def catalog() -> CatalogService:
    return CatalogService(runtime().db, site().store)


def respond(dto: Any, status: int = 200, headers: dict[str, str] | None = None,
            adapt: Callable[[Any], Any] | None = None) -> Response:
    """Project a DTO by the request's ``fields`` (default DEFAULT) and send it (through
    ``adapt``: how SAP's adapters write some DTOs out, CMS pages and components)."""
    projected = project(dto, arg("fields") or "DEFAULT")
    response = jsonify(adapt(projected) if adapt else projected)
    response.status_code = status
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def empty(status: int = 200) -> Response:
    return Response(status=status)
