"""An agent's points of service: ``GET /agents/{agentId|current}/pointOfServices``."""
from __future__ import annotations

from flask import jsonify

from ... import models as m
from .. import runtime
from ...errors import ApiError
from ..operations import operation
from .base import agent, asm_service, bp


@bp.get("/agents/<agentId>/pointOfServices")
@operation("getPointOfServices")
def get_point_of_services(agentId: str):
    with runtime().db.atomic():
        who = agent() if agentId == "current" else runtime().db.principal(agentId)
        if not isinstance(who, m.Employee):
            raise ApiError(400, "UnknownIdentifierError", f"Cannot find agent with uid '{agentId}'")
        stores = asm_service().agent_stores(who)
        return jsonify({"pointOfServices": [{"id": p.name, "name": p.displayName or p.name}
                                            for p in stores]})
