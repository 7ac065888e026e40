"""The control plane's B2B routes: the merchant's side of organization user registration
(SAP: the B2B registration workflow in Backoffice) — the requests ``POST /{site}/orgUsers``
keeps (``GET /_fakesapcc/b2b/registrations``), approved into a unit
(``POST …/{code}/approve``: the new B2B customer is a buyer of that unit) or rejected
(``POST …/{code}/reject``)."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import jsonify
from marshmallow import fields as mf

from ..commerce.b2b_commerce import Registrations
from ..models import b2b as mb
from ..security import roles
from . import admin_schemas as s
from . import runtime
from .admin import bp
from .operations import operation
from .schemabase import Schema


class ApproveInput(s.ControlBody):
    unit = s.raw("string", "The B2BUnit uid the new customer joins")


class RejectInput(s.ControlBody):
    reason = s.raw("string", "Why the request was rejected")


class RegistrationState(Schema):
    code = mf.String()
    site = mf.String()
    email = mf.String()
    firstName = mf.String()
    lastName = mf.String()
    titleCode = mf.String()
    message = mf.String()
    status = mf.String(metadata={"description": "PENDING, APPROVED or REJECTED"})
    created = mf.DateTime()
    unit = mf.String()
    rejectionReason = mf.String()


class RegistrationList(Schema):
    registrations = mf.List(mf.Nested(RegistrationState))


def registration_json(r: mb.B2BRegistration) -> dict[str, Any]:
    return {"code": r.code, "site": r.site, "email": r.email, "firstName": r.firstName,
            "lastName": r.lastName, "titleCode": r.titleCode, "message": r.message,
            "status": r.status,
            "created": r.created.isoformat(timespec="milliseconds") if r.created else None,
            "unit": r.unit, "rejectionReason": r.rejectionReason}


def service() -> Registrations:
    rt = runtime()
    return Registrations(rt.db, rt.clock)


def _text(body: Any, name: str) -> str | None:
    value = (body or {}).get(name)
    return value.strip() or None if isinstance(value, str) else None


@bp.get("/b2b/registrations")
@operation("getB2BRegistrations", secured=roles.CONTROL_PLANE,
           summary="The organization user registration requests, oldest first",
           responses={200: ("The requests", RegistrationList)})
def get_registrations():
    items = sorted(runtime().db.state.b2b_registrations.values(), key=lambda r: r.code)
    return jsonify({"registrations": [registration_json(r) for r in items]})


@bp.post("/b2b/registrations/<code>/approve")
@operation("approveB2BRegistration", secured=roles.CONTROL_PLANE, body=ApproveInput,
           summary="Approve a registration request: its user becomes a buyer of the unit",
           responses={200: ("The request, approved", RegistrationState),
                      400: ("No such unit, or decided already (ValidationError), or the user "
                            "exists (AlreadyExistsError)", s.ErrorList),
                      404: ("No such request (NotFoundError)", s.ErrorList)})
def approve_registration(code: str, body: Any):
    with runtime().db.locked():
        registrations = service()
        request = registrations.get(code)
        registrations.decide(request, True, _text(body, "unit"))
        return jsonify(registration_json(request))


@bp.post("/b2b/registrations/<code>/reject")
@operation("rejectB2BRegistration", secured=roles.CONTROL_PLANE, body=RejectInput,
           body_required=False, summary="Reject a registration request, with a reason",
           responses={200: ("The request, rejected", RegistrationState),
                      400: ("Decided already (ValidationError)", s.ErrorList),
                      404: ("No such request (NotFoundError)", s.ErrorList)})
def reject_registration(code: str, body: Any):
    with runtime().db.locked():
        registrations = service()
        request = registrations.get(code)
        registrations.decide(request, False, reason=_text(body, "reason"))
        return jsonify(registration_json(request))
