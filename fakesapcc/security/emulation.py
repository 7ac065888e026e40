"""The classic ASM client bug made visible: an agent calling an OCC user endpoint as
``current`` acts as itself, not for the customer it emulates. SAP allows it (a customer manager
may act as itself); fakesapcc flags it on every such call (``X-Fakesapcc-Warning``, the request
journal) and, under ``--strict-emulation``, refuses it with 400 AgentActingAsSelfError."""
from __future__ import annotations

from ..errors import ApiError
from .policy import Acting

AGENT_SELF = "agent-acting-as-self"
AGENT_SELF_ERROR = "AgentActingAsSelfError"


def agent_self_message(acting: Acting, method: str, path: str) -> str:
    return (f"an agent ({acting.uid}) called {method} {path} as 'current' and acts as itself: "
            "did you forget to pass the customer's userId?")


def agent_self_error(acting: Acting, method: str, path: str) -> ApiError:
    return ApiError(400, AGENT_SELF_ERROR, agent_self_message(acting, method, path))


def check_emulation(acting: Acting, strict: bool, method: str, path: str) -> None:
    """Under strict emulation, an agent acting as itself through ``current`` is refused before
    the endpoint runs."""
    if strict and acting.agent_self:
        raise agent_self_error(acting, method, path)
