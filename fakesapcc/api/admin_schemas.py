"""The control plane's request and response schemas: what its routes declare, what its OpenAPI
document (``api.openapi``, ``GET /_fakesapcc/openapi.json``) describes. The bodies are read
through these; their rules are the harness's own (``faults``, ``snapshots``, the clock and the
configuration), shared with ``FakeSAPCC``."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields as mf

from .schemabase import Schema


class ControlBody(Schema):
    """A control-plane JSON body: read whatever its content type (``curl -d`` sends a form
    type) and handed whole to the harness, which checks it with its own messages (the same
    checks ``FakeSAPCC`` runs); the fields document it."""

    any_content_type = True

    class Meta:
        unknown = ma.INCLUDE

    def load(self, data, **kwargs):  # type: ignore[override]
        return data


def _d(text: str, **more: object) -> dict:
    return {"description": text, **more}


def raw(kind: str, text: str = "", **more: object) -> mf.Raw:
    """A body property read as it comes (the harness checks it, with its own messages),
    documented as ``kind``."""
    return mf.Raw(metadata={"type": kind, "description": text, **more})


class Status(Schema):
    status = mf.String(metadata=_d("RESET, RESTORED, CLEARED, LOADED, UP, READY …"))


class Ready(Status):
    items = mf.Dict(keys=mf.String(), values=mf.Integer(), metadata=_d("Item counts by type"))


class ErrorEntry(Schema):
    type = mf.String()
    message = mf.String()
    reason = mf.String()
    subject = mf.String()
    subjectType = mf.String()


class ErrorList(Schema):
    errors = mf.List(mf.Nested(ErrorEntry))


class Snapshot(ControlBody):
    format = raw("string", "fakesapcc-snapshot")
    version = raw("integer", "1")
    state = raw("object", "One member per database collection")


class ImpexWarning(Schema):
    file = mf.String()
    line = mf.Integer()
    message = mf.String()
    column = mf.String(allow_none=True)


class ImpexReport(Status):
    file = mf.String()
    counts = mf.Dict(keys=mf.String(), values=mf.Integer())
    skipped = mf.Dict(keys=mf.String(), values=mf.Integer())
    warnings = mf.List(mf.Nested(ImpexWarning))


class JournalQuery(Schema):
    path = mf.String(metadata=_d("Substring of the path, or a glob if it holds * ? ["))
    principal = mf.String(metadata=_d("The caller: a uid, client:<clientId> or anonymous"))
    actingUser = mf.String(metadata=_d("The uid the call acted for"))
    method = mf.String(metadata=_d("HTTP method"))
    status = mf.String(metadata=_d("A status (404) or a class (4xx)"))
    operationId = mf.String(metadata=_d("SAP's operationId (getUser …)"))
    warning = mf.String(metadata=_d("A lint warning, e.g. agent-acting-as-self"))


class JournalEntry(Schema):
    id = mf.Integer()
    timestamp = mf.DateTime()
    method = mf.String()
    path = mf.String()
    query = mf.Dict(metadata=_d("Each parameter's value; a repeated one's values as a list"))
    status = mf.Integer(allow_none=True, metadata=_d("null when a fault dropped the connection"))
    operationId = mf.String(allow_none=True)
    principal = mf.String(allow_none=True)
    actingUser = mf.String(allow_none=True)
    emulated = mf.Boolean()
    durationMs = mf.Float()
    warnings = mf.List(mf.String())
    fault = mf.String(allow_none=True)


class RequestList(Schema):
    requests = mf.List(mf.Nested(JournalEntry))


class FaultRuleInput(ControlBody):
    method = raw("string", "Any method if absent or *")
    path = raw("string", "Glob over the path; * also matches /", default="*")
    operationId = raw("string", "SAP's operationId")
    delayMs = mf.Raw(metadata=_d("Milliseconds, or {\"min\": ms, \"max\": ms}"))
    status = raw("integer", "200 to 599")
    body = mf.Raw(metadata=_d("Default: SAP's error envelope for the status"))
    headers = raw("object", "Header names to values")
    drop = raw("boolean", "Close the connection unanswered")
    times = raw("integer", "At least 1")
    probability = raw("number", "0 to 1")
    seed = raw("integer", "Makes the draws repeatable")


class FaultRule(FaultRuleInput):
    id = mf.String()
    remaining = mf.Integer(allow_none=True)
    applied = mf.Integer()


class FaultList(Schema):
    faults = mf.List(mf.Nested(FaultRule))


class ClockAdvance(ControlBody):
    seconds = raw("number", "Seconds, 0 or more (or ?seconds=N)")


class ClockAdvanceQuery(Schema):
    seconds = mf.Float(metadata=_d("Seconds, 0 or more"))


class Clock(Schema):
    now = mf.DateTime()
    offsetSeconds = mf.Float(metadata=_d("How far the clock was moved: a whole number when it is one"))
    frozen = mf.Boolean(metadata=_d("Stopped by clock/freeze: moves only when advanced"))


class Flags(Schema):
    strictEmulation = mf.Boolean()
    strictImpex = mf.Boolean()
    journalSize = mf.Integer()


class Config(Schema):
    settings = mf.Dict()
    flags = mf.Nested(Flags)
    properties = mf.Dict(keys=mf.String(), values=mf.String())


class ConfigPatch(ControlBody):
    strictEmulation = raw("boolean")
    strictImpex = raw("boolean")
    journalSize = raw("integer", "1 to 100000")
    properties = raw("object", "SAP property keys to values; null removes one")


class ImpexQuery(Schema):
    file = mf.String(metadata=_d("The name diagnostics give the text (default <request>)"))
    strict = mf.Boolean(metadata=_d("Unresolved references are errors (default: --strict-impex)"))


class CoveredOperation(Schema):
    operationId = mf.String()
    webapp = mf.String()
    method = mf.String()
    path = mf.String()


class Coverage(Schema):
    count = mf.Integer()
    byWebapp = mf.Dict(keys=mf.String(), values=mf.Integer())
    operations = mf.List(mf.Nested(CoveredOperation))
