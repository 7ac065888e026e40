"""SAP's OCC v2 OpenAPI document as a test oracle: every JSON response of an operation is
validated against the operation's 200/201 response schema.

The document is SAP's text (see ``../shared/specs/SOURCES.md``): it is read from
``../shared/specs`` beside the checkout and never copied into the repository.

The schemas are made strict for responses:

- ``additionalProperties: false`` on every object schema that lists its properties, so a
  field name the schema lacks fails;
- ``required`` is ignored, since ``fields`` legitimately drops properties;
- ``date-time`` strings must carry a time zone offset, as SAP renders them.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SPEC_PATH = (Path(__file__).resolve().parents[2] / "shared" / "specs"
             / "commercewebservices-occ-v2-openapi-2.2.9.json")
OCC_PREFIX = "/occ/v2"
METHODS = ("get", "post", "put", "patch", "delete", "head")

# Where SAP's wire format and the document disagree, the wire wins; each override says why.
ENTRY_MAP = {
    "type": "object",
    "properties": {"entry": {"type": "array", "items": {
        "type": "object", "properties": {"key": {"type": "string"}, "value": {"type": "string"}},
        "additionalProperties": False}}},
    "additionalProperties": False,
}
WIRE_FORMAT = {
    # PaymentRequest.parameters / mappingLabels are Java maps that SAP's JAXB-based JSON
    # mapping renders as {"entry":[{"key","value"}]}; Spartacus' OccCheckoutPaymentAdapter
    # reads exactly ``data.parameters.entry`` and ``data.mappingLabels.entry``. The document
    # declares plain string maps.
    "getSopPaymentRequestDetails": {"parameters": ENTRY_MAP, "mappingLabels": ENTRY_MAP},
}


# Operations SAP hides from the document (``@ApiOperation(hidden = true)``) that share a
# documented path; they are told apart by the request's content type.
HIDDEN = {
    # b2bocc's B2BCartsController.addCartEntry ("addOrgCartEntry"): POST
    # orgUsers/{userId}/carts/{cartId}/entries with the ``code`` and ``quantity`` parameters, what
    # Spartacus' B2B recipe calls; it answers one CartModification.
    "doAddOrgCartEntries": ("addOrgCartEntry", "CartModification"),
}


def available() -> bool:
    return SPEC_PATH.exists()


@cache
def document() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def operations() -> list[dict[str, Any]]:
    """Every operation of the document: operationId, method, path, tag."""
    result = []
    for path, item in document()["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                result.append({"operationId": op["operationId"], "method": method.upper(),
                               "path": path, "tag": (op.get("tags") or [""])[0]})
    return result


def loose(path: str) -> str:
    """A path with its ``{param}`` names erased, for comparing templates."""
    return re.sub(r"\{[^}]+\}", "{}", path)


@cache
def _templates() -> list[tuple[re.Pattern[str], int, str, str]]:
    found = []
    for op in operations():
        template = op["path"].rstrip("/")  # Spring matches with and without the slash
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "/?$"
        literal = sum(1 for part in op["path"].split("/") if part and not part.startswith("{"))
        found.append((re.compile(pattern), literal, op["method"], op["path"]))
    return found


def find_operation(method: str, path: str) -> dict[str, Any]:
    """The spec operation a concrete request path (with or without ``/occ/v2``) calls: of the
    templates that match, the one with the most literal segments, as Spring picks."""
    path = path.split("?", 1)[0].removeprefix(OCC_PREFIX)
    candidates = [(literal, template) for pattern, literal, m, template in _templates()
                  if m == method.upper() and pattern.match(path)]
    if not candidates:
        raise LookupError(f"no operation in the spec for {method} {path}")
    template = max(candidates)[1]
    return document()["paths"][template][method.lower()]


def _strict(schema: Any) -> Any:
    """A schema node made strict (see the module's docstring)."""
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("required", "example"):
            continue
        if key == "properties":
            result[key] = {name: _strict(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            result[key] = _strict(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            result[key] = [_strict(sub) for sub in value]
        else:
            result[key] = value
    if "properties" in schema and "additionalProperties" not in schema:
        result["additionalProperties"] = False
    return result


@cache
def _strict_schemas() -> dict[str, Any]:
    return {name: _strict(schema) for name, schema in document()["components"]["schemas"].items()}


def response_schema(operation: dict[str, Any], status: int) -> dict[str, Any] | None:
    """The JSON schema of an operation's response with this status (None: no body declared)."""
    response = operation.get("responses", {}).get(str(status))
    if response is None and status >= 400:
        return {"$ref": "#/components/schemas/errorList"}  # 405, 415…: SAP's error envelope
    if response is None:
        raise AssertionError(f"{operation['operationId']} declares no {status} response "
                             f"(it declares {sorted(operation.get('responses', {}))})")
    content = response.get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    return media.get("schema") if media else None


FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


class Binary(bytes):
    """A response body that is a file, not JSON: valid where SAP's document declares a string
    (``format: byte``), and nowhere else."""


def check(response: Any) -> Any:
    """Validate a ``requests`` or Flask test client response; returns its JSON body (or None)."""
    if hasattr(response, "get_json"):  # werkzeug's TestResponse
        method, path = response.request.method, response.request.path
        body = response.get_json(silent=True) if response.data else None
        if body is None and response.data and "json" not in (response.mimetype or ""):
            body = Binary(response.data)  # a file (SAP's byte[] responses)
        content_type = response.request.mimetype or ""
    else:
        method, path = response.request.method, response.request.path_url
        body = response.json() if response.content else None
        content_type = response.request.headers.get("Content-Type") or ""
    if method != "HEAD":
        validate(method, path, response.status_code, body,
                 json_request="json" in content_type.split(";")[0])
    return body


def validate(method: str, path: str, status: int, body: Any, json_request: bool = True) -> str:
    """Validate a response body against the spec; returns the operationId. Raises
    ``AssertionError`` with every violation."""
    operation = find_operation(method, path)
    op_id = operation["operationId"]
    schema = response_schema(operation, status)
    if op_id in HIDDEN and not json_request and status < 400:
        op_id, name = HIDDEN[op_id]
        schema = {"$ref": f"#/components/schemas/{name}"}
    if schema is None:
        assert body in (None, "", b""), f"{op_id} declares no body for {status}, got {body!r}"
        return op_id
    if isinstance(body, Binary):
        assert schema.get("type") == "string", f"{op_id} answers a file for {status}"
        return op_id
    schema = _strict(schema)
    overrides = WIRE_FORMAT.get(op_id)
    if overrides:
        target = _strict_schemas()[schema["$ref"].rsplit("/", 1)[1]]
        schema = {**target, "properties": {**target["properties"], **overrides}}
    root = {"components": {"schemas": _strict_schemas()}, **schema}
    validator = jsonschema.Draft4Validator(root, format_checker=FORMATS)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
                 for e in errors[:20]]
        raise AssertionError(f"{method} {path} ({op_id}, {status}) does not match the spec:\n"
                             + "\n".join(lines))
    return op_id


class Client:
    """The in-process test client for OCC: ``/occ/v2/<site>/`` prefixed, a bearer token if
    given, and every response checked against the spec."""

    def __init__(self, flask_client: Any, site: str = "electronics-spa",
                 token: str | None = None) -> None:
        self.http = flask_client
        self.site = site
        self.token = token

    def __call__(self, method: str, endpoint: str, token: str | None = None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        token = token or self.token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        url = endpoint if endpoint.startswith("/") else f"{OCC_PREFIX}/{self.site}/{endpoint}"
        response = self.http.open(url, method=method, headers=headers, **kwargs)
        check(response)
        return response

    def get(self, endpoint: str, **kwargs: Any) -> Any:
        return self("GET", endpoint, **kwargs)

    def post(self, endpoint: str, **kwargs: Any) -> Any:
        return self("POST", endpoint, **kwargs)

    def put(self, endpoint: str, **kwargs: Any) -> Any:
        return self("PUT", endpoint, **kwargs)

    def patch(self, endpoint: str, **kwargs: Any) -> Any:
        return self("PATCH", endpoint, **kwargs)

    def delete(self, endpoint: str, **kwargs: Any) -> Any:
        return self("DELETE", endpoint, **kwargs)


def errors(response: Any, status: int) -> list[dict[str, Any]]:
    """The error list of a response that must have this status."""
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()["errors"]


def error(response: Any, status: int) -> dict[str, Any]:
    """The one error of a response that must have this status."""
    found = errors(response, status)
    assert len(found) == 1, found
    return found[0]
