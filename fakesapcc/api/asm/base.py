"""What every ASM request shares: an agent's token (ROLE_ASAGENTGROUP) and, for the older
endpoints, the required ``baseSite`` query parameter."""
from __future__ import annotations

from flask import Blueprint, request

from ...app import runtime
from ...errors import ApiError
from ...models import BaseSite
from ...security.policy import require_asm_agent
from ..context import authenticate

bp = Blueprint("asm", __name__, url_prefix="/assistedservicewebservices")


@bp.before_request
def _agent_only() -> None:
    require_asm_agent(authenticate().caller)


def required_param(name: str) -> str:
    value = request.args.get(name)
    if value is None or value == "":
        raise ApiError(400, "MissingServletRequestParameterError",
                       f"Required String parameter '{name}' is not present")
    return value


def base_site() -> BaseSite:
    """The ``baseSite`` query parameter, required by the older ASM endpoints."""
    uid = required_param("baseSite")
    site = runtime().store.state.base_sites.get(uid)
    if site is None:
        raise ApiError(400, "InvalidResourceError", f"Base site {uid} doesn't exist")
    return site
