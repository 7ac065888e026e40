"""The control plane's after-sales routes: move an order on as a fulfilment system would
(``POST /_fakesapcc/orders/{code}/fulfil``), a return request as the warehouse and the payment
provider would (``POST /_fakesapcc/returns/{code}/process``), and the outbox of the mails SAP
would send (``GET``/``DELETE /_fakesapcc/outbox``)."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import jsonify, request
from marshmallow import fields as mf

from .. import models as m
from ..commerce.aftersales import FULFIL_STATUSES, RETURN_STEPS, AfterSales, consignments_of
from ..errors import ApiError, validation_error
from ..security import roles
from . import admin_schemas as s
from . import runtime
from .admin import bp
from .operations import operation
from .schemabase import Schema


class StatusInput(s.ControlBody):
    status = s.raw("string", "The state to move to; none: the whole way")


class ConsignmentState(Schema):
    code = mf.String()
    status = mf.String()
    trackingID = mf.String()


class OrderState(Schema):
    code = mf.String()
    status = mf.String()
    consignments = mf.List(mf.Nested(ConsignmentState))


class ReturnState(Schema):
    code = mf.String()
    rma = mf.String()
    status = mf.String()
    order = mf.String()


class Mail(Schema):
    id = mf.Integer()
    to = mf.String()
    kind = mf.String(metadata={"description": "ForgottenPassword"})
    site = mf.String()
    subject = mf.String()
    body = mf.String()
    sent = mf.DateTime()
    data = mf.Dict(keys=mf.String(), values=mf.String(),
                   metadata={"description": "token, link, uid"})


class Outbox(Schema):
    mails = mf.List(mf.Nested(Mail))


class OutboxQuery(Schema):
    to = mf.String(metadata={"description": "Only the mails to this address (case-insensitive)"})
    kind = mf.String(metadata={"description": "Only the mails of this kind"})


def service() -> AfterSales:
    rt = runtime()
    return AfterSales(rt.db, rt.clock, rt.config)


def status_of(body: Any, allowed: tuple[str, ...]) -> str | None:
    if body is None:
        return None
    if not isinstance(body, dict):
        raise validation_error("body", 'The body is {"status": "…"} or nothing')
    status = body.get("status")
    if status is not None and (not isinstance(status, str) or status not in allowed):
        raise validation_error("status", f"status must be one of {', '.join(allowed)}, "
                               f"not {status!r}")
    return status


def order_json(order: m.Order) -> dict[str, Any]:
    return {"code": order.code, "status": order.status,
            "consignments": [{"code": c.code, "status": c.status, "trackingID": c.trackingID}
                             for c in consignments_of(runtime().db.state, order)]}


def return_json(r: m.ReturnRequest) -> dict[str, Any]:
    return {"code": r.code, "rma": r.rma, "status": r.status, "order": r.order}


def mail_json(mail: m.OutboxMail) -> dict[str, Any]:
    return {"id": mail.id, "to": mail.to, "kind": mail.kind, "site": mail.site,
            "subject": mail.subject, "body": mail.body,
            "sent": mail.sent.isoformat(timespec="milliseconds"), "data": dict(mail.data)}


@bp.post("/orders/<code>/fulfil")
@operation("fulfilOrder", secured=roles.CONTROL_PLANE, body=StatusInput, body_required=False,
           summary="Move an order on: READY, SHIPPED, PICKUP_COMPLETE, COMPLETED (the default: "
                   "every consignment delivered) or CANCELLED",
           responses={200: ("The order's new state", OrderState),
                      400: ("Not a status (ValidationError)", s.ErrorList),
                      404: ("No such order (UnknownIdentifierError)", s.ErrorList),
                      409: ("Completed or cancelled already (IllegalStateError)", s.ErrorList)})
def fulfil_order(code: str, body: Any):
    return jsonify(fulfil(code, status_of(body, FULFIL_STATUSES)))


def fulfil(code: str, status: str | None = None) -> dict[str, Any]:
    """Fulfil an order (``FakeSAPCC.fulfil_order``); its new state."""
    with runtime().db.locked():
        order = runtime().db.order(code)
        if order is None:
            raise ApiError(404, "UnknownIdentifierError", f"No order with code or guid '{code}'")
        service().fulfil(order, status)
        return order_json(order)


@bp.post("/returns/<code>/process")
@operation("processReturn", secured=roles.CONTROL_PLANE, body=StatusInput, body_required=False,
           summary="Move a return request on: WAIT (approved), RECEIVED, COMPLETED (refunded: "
                   "the default) or CANCELED (the default after CANCELLING)",
           responses={200: ("The return request's new state", ReturnState),
                      400: ("Not a status (ValidationError)", s.ErrorList),
                      404: ("No such return request (UnknownIdentifierError)", s.ErrorList),
                      409: ("Finished already (IllegalStateError)", s.ErrorList)})
def process_return(code: str, body: Any):
    return jsonify(process(code, status_of(body, RETURN_STEPS)))


def process(code: str, status: str | None = None) -> dict[str, Any]:
    """Move a return request on (``FakeSAPCC.process_return``); its new state."""
    with runtime().db.locked():
        found = runtime().db.state.return_requests.get(code)
        if found is None:
            raise ApiError(404, "UnknownIdentifierError", f"No return request with code '{code}'")
        service().process_return(found, status)
        return return_json(found)


def outbox(to: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """The outbox's mails as JSON, oldest first (``FakeSAPCC.outbox``)."""
    with runtime().db.reading() as state:
        return [mail_json(mail) for mail in state.outbox
                if (not to or mail.to.lower() == to.strip().lower())
                and (not kind or mail.kind == kind)]


@bp.get("/outbox")
@operation("getOutbox", secured=roles.CONTROL_PLANE,
           summary="The mails SAP would have sent (forgotten-password tokens), oldest first",
           responses={200: ("The mails", Outbox)},
           doc={"parameters": [{"in": "query", "schema": OutboxQuery}]})
def get_outbox():
    return jsonify({"mails": outbox(request.args.get("to"), request.args.get("kind"))})


@bp.delete("/outbox")
@operation("clearOutbox", secured=roles.CONTROL_PLANE, summary="Empty the outbox",
           responses={200: ("Cleared", s.Status)})
def clear_outbox():
    with runtime().db.locked() as state:
        state.outbox.clear()
    return jsonify({"status": "CLEARED"})
