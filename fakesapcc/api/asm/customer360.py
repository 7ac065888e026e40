"""Customer 360: ``POST /{baseSiteId}/users/{userId}/customer360``."""
from __future__ import annotations

from ...commerce.carts import Carts
from ...security import roles
from .. import runtime
from ..context import ctx
from ..operations import operation
from . import schemas as s
from .base import agent, asm_service, bp, respond, site_context
from .dtos import Customer360, Customer360QueryListBody


@bp.post("/<baseSiteId>/users/<userId>/customer360")
@operation("searchCustomer360", secured=roles.ASM_AGENT, body=Customer360QueryListBody,
           responses=s.answers(200, ("One fragment per query", s.CUSTOMER360_LIST)))
def search_customer360(baseSiteId: str, userId: str, body: dict):
    """The fragments the queries ask for; prices in the customer's session currency."""
    rt = runtime()
    c = ctx()
    customer = c.user
    sc = site_context(c.site.site, default_curr=customer.sessionCurrency)
    carts = Carts(rt.db, rt.clock, rt.config, sc.site, sc.store, sc.curr)
    return respond(Customer360(asm_service(), carts, customer, agent(), sc.lang).fragments(
        body["queries"]))
