"""Customer 360: ``POST /{baseSiteId}/users/{userId}/customer360``."""
from __future__ import annotations

from flask import jsonify, request

from .. import runtime
from ...commerce.carts import Carts
from ...commerce.customer360 import Customer360, validate
from ...errors import ApiError
from ..operations import operation
from .base import agent, asm_service, base_site, bp, customer_by_id, site_context
from .customers import ctx_token


@bp.post("/<baseSiteId>/users/<userId>/customer360")
@operation("searchCustomer360")
def search_customer360(baseSiteId: str, userId: str):
    site = base_site(baseSiteId)
    rt = runtime()
    if request.content_length and (request.mimetype or "") != "application/json":
        raise ApiError(415, "HttpMediaTypeNotSupportedError",
                       f"Content type '{request.content_type}' not supported")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "HttpMessageNotReadableError", "Request body is invalid or missing")
    with rt.db.atomic():
        customer = customer_by_id(userId)
        queries = validate(body, rt.config.prop_bool("toggle.customer360.enabled"))
        sc = site_context(site, default_curr=customer.sessionCurrency)
        lang = sc.lang
        carts = Carts(rt.db, rt.clock, rt.config, site, sc.store, sc.curr)
        asm = asm_service()
        asm.record_session(agent(), customer, ctx_token())
        return jsonify({"value": Customer360(asm, carts, customer, agent(), lang).fragments(queries)})
