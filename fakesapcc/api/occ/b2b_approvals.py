"""OCC B2B order approvals (b2bocc; tag Order Approvals): the approvals an approver is
assigned, one of them with its order and history, and the decision (``commerce.b2b_approvals``)."""
from __future__ import annotations

from ...commerce.b2b_approvals import Approvals
from ...security import roles
from .. import runtime
from ..context import ctx
from ..operations import operation
from .b2b_org import ListParams, USER
from .base import bp, carts_service, respond, site
from .dtos import b2b as dto
from .dtos.carts import order_dto

APPROVALS = USER + "/orderapprovals"


def approvals() -> Approvals:
    rt = runtime()
    return Approvals(rt.db, rt.clock, ctx().user)


def approval_dto(a, code: str | None = None):
    state = runtime().db.state
    order = state.orders.get(a.order)
    return dto.order_approval_dto(
        state, a, order_dto(carts_service(order.currency), order, site().lang) if order else None,
        ctx().user.uid, site().lang)


@bp.get(APPROVALS)
@operation("getOrderApprovals", secured=roles.ORDER_APPROVER, anonymous=False,
           params=ListParams)
def get_order_approvals(baseSiteId: str, userId: str, params: dict):
    items, pagination = dto.page(approvals().assigned(), params)
    return respond(dto.ORDER_APPROVAL_LIST(
        orderApprovals=[approval_dto(a) for a in items],
        sorts=dto.sort_dtos({"byDate": "Date", "byOrderNumber": "Order Number"},
                            params["sort"] or "byDate"), pagination=pagination))


@bp.get(APPROVALS + "/<orderApprovalCode>")
@operation("getOrderApproval", secured=roles.ORDER_APPROVER, anonymous=False)
def get_order_approval(baseSiteId: str, userId: str, orderApprovalCode: str):
    return respond(approval_dto(approvals().approval(orderApprovalCode)))


@bp.post(APPROVALS + "/<orderApprovalCode>/decision")
@operation("doMakeOrderApprovalDecision", secured=roles.ORDER_APPROVER, anonymous=False,
           body=dto.DecisionBody)
def make_order_approval_decision(baseSiteId: str, userId: str, orderApprovalCode: str,
                                 body: dict):
    a = approvals()
    a.decide(a.approval(orderApprovalCode), body["decision"], body.get("comment"))
    return respond(dto.ORDER_APPROVAL_DECISION(decision=body["decision"].strip().upper(),
                                               comment=body.get("comment")))
