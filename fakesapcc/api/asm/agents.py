"""An agent's points of service: ``GET /agents/{agentId|current}/pointOfServices``."""
from __future__ import annotations

from ... import models as m
from ...security import roles
from .. import runtime
from ..operations import operation
from . import schemas as s
from .base import agent, asm_service, bp, respond, unknown_agent
from .dtos import points_of_service_dto


@bp.get("/agents/<agentId>/pointOfServices")
@operation("getPointOfServices", secured=roles.ASM_AGENT,
           responses=s.answers(200, ("The agent's stores", s.ASMPointOfServiceList)))
def get_point_of_services(agentId: str):
    who = agent() if agentId == "current" else runtime().db.principal(agentId)
    if not isinstance(who, m.Employee):
        raise unknown_agent(agentId)
    return respond(points_of_service_dto(asm_service().agent_stores(who)))
