"""fakesapcc's own OpenAPI documents of the SAP web apps that publish none (ASM, OAuth:
``/_fakesapcc/openapi/{asm,oauth}.json``) as a test oracle, as ``tests/spec.py`` makes SAP's OCC
document one: every JSON answer of those web apps that the suite gets is validated against the
operation's schema for its status (``tests/conftest.py`` hooks every request of every app).

- The documents are made from the routes (``api.openapi``); the ASM document's components that
  stand for SAP's OCC schemas (``api.asm.schemas.OCC_SCHEMAS``) are replaced here by SAP's own,
  read from ``../shared/specs`` (when it is not there, they stay open objects).
- Strict as for OCC: ``additionalProperties: false`` on every object schema that lists its
  properties (SAP's too); ``date-time`` strings carry a zone.
- A status the operation does not declare: an error (4xx, 5xx) must be SAP's envelope (the
  OAuth endpoints may answer RFC 6749's body instead); a 2xx is a violation; a redirect is not
  checked.
"""
from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

import jsonschema

import spec
from fakesapcc.api.asm.schemas import OCC_SCHEMAS

PREFIXES = {"asm": "/assistedservicewebservices/", "oauth": "/authorizationserver/"}
ERROR_LIST = {"$ref": "#/components/schemas/ErrorList"}
OAUTH_ERROR = {"$ref": "#/components/schemas/OAuthErrorBody"}


def _strict(schema: Any) -> Any:
    if isinstance(schema, dict):
        result = {k: _strict(v) for k, v in schema.items() if k not in ("example",)}
        if "properties" in schema and schema.get("type", "object") == "object":
            result.setdefault("additionalProperties", False)
        return result
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


def _to_sap(node: Any) -> Any:
    """SAP's schemas with their references moved under ``#/sap/`` (their own namespace), and
    without their ``required`` lists, as the OCC check reads them (``spec.py``): SAP's document
    requires what a request must send (an address's ``titleCode``), not what every answer has."""
    if isinstance(node, dict):
        return {k: (v.replace("#/components/schemas/", "#/sap/") if k == "$ref" else _to_sap(v))
                for k, v in node.items() if not (k == "required" and isinstance(v, list))}
    if isinstance(node, list):
        return [_to_sap(v) for v in node]
    return node


@cache
def document(name: str) -> dict[str, Any]:
    """The document as fakesapcc serves it (made from the routes of a seedless app)."""
    from fakesapcc.api import admin, openapi
    from fakesapcc.app import create_app
    from fakesapcc.config import build_config

    app = create_app(build_config({}, env={}), load_seed=False)
    with app.test_request_context():
        blueprint, title, description = admin.DESCRIBED[name]
        return openapi.document(app, blueprint, title=title, description=description)


@cache
def _root(name: str) -> dict[str, Any]:
    components = copy.deepcopy(document(name).get("components", {}))
    schemas = components.setdefault("schemas", {})
    root: dict[str, Any] = {}
    if spec.available():
        root["sap"] = _strict(_to_sap(spec.document()["components"]["schemas"]))
        for occ in OCC_SCHEMAS:
            if occ in schemas:
                schemas[occ] = {"$ref": f"#/sap/{occ}"}
    if "OAuthErrorBody" not in schemas:
        schemas["OAuthErrorBody"] = {"type": "object", "properties": {
            "error": {"type": "string"}, "error_description": {"type": "string"}},
            "required": ["error"]}
    root["components"] = _strict(components)
    return root


@cache
def _templates(name: str) -> list[tuple[re.Pattern[str], int, str]]:
    found = []
    for path in document(name)["paths"]:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path.rstrip("/"))) + "/?$"
        literal = sum(1 for part in path.split("/") if part and not part.startswith("{"))
        found.append((re.compile(pattern), literal, path))
    return found


def webapp(path: str) -> str | None:
    return next((name for name, prefix in PREFIXES.items() if path.startswith(prefix)), None)


def find_operation(name: str, method: str, path: str) -> dict[str, Any] | None:
    candidates = [(literal, template) for pattern, literal, template in _templates(name)
                  if pattern.match(path)
                  and method.lower() in document(name)["paths"][template]]
    if not candidates:
        return None
    return document(name)["paths"][max(candidates)[1]][method.lower()]


def _schema(name: str, operation: dict[str, Any] | None, status: int) -> tuple[bool, Any]:
    """(declared, schema): the schema of the answer, None when no body is declared."""
    response = (operation or {}).get("responses", {}).get(str(status))
    if response is None:
        if status >= 400:
            return False, {"anyOf": [ERROR_LIST, OAUTH_ERROR]} if name == "oauth" else ERROR_LIST
        return False, None
    media = (response.get("content") or {}).get("application/json")
    return True, media.get("schema") if media else None


def violations(method: str, path: str, status: int, body: Any, is_json: bool,
               empty: bool) -> list[str]:
    """What is wrong with one answer (nothing for a path outside ASM and OAuth)."""
    name = webapp(path)
    if name is None or method in ("HEAD", "OPTIONS") or 300 <= status < 400:
        return []
    operation = find_operation(name, method, path)
    if operation is None and status < 400:
        return [f"{method} {path}: {status} from no operation of the {name} document"]
    declared, schema = _schema(name, operation, status)
    where = f"{method} {path} ({(operation or {}).get('operationId')}, {status})"
    if not declared and status < 400:
        return [f"{where}: the status is not declared"]
    if schema is None:
        return [] if empty or not is_json else [f"{where}: a body where none is declared"]
    if not is_json:
        return [] if status >= 400 and not declared else [f"{where}: not JSON"]
    validator = jsonschema.Draft4Validator({**_root(name), **schema},
                                           format_checker=spec.FORMATS)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    return [f"{where} at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"[:400]
            for e in errors[:10]]


def check_flask_response(request: Any, response: Any) -> list[str]:
    """``violations`` of a Flask response to this request."""
    if response.direct_passthrough or response.is_streamed:
        return []
    data = response.get_data()
    body = response.get_json(silent=True) if response.is_json and data else None
    return violations(request.method, request.path, response.status_code, body,
                      response.is_json and body is not None, not data)


def fuzz_document(name: str) -> dict[str, Any]:
    """The document for schemathesis: self-contained, SAP's OCC schemas in place of the
    stand-ins (their references resolve among SAP's components)."""
    document_ = copy.deepcopy(document(name))
    schemas = document_.setdefault("components", {}).setdefault("schemas", {})
    if spec.available():
        own = {k: v for k, v in schemas.items() if k not in OCC_SCHEMAS}
        document_["components"]["schemas"] = {
            **copy.deepcopy(spec.document()["components"]["schemas"]), **own}
    return document_


def operation_ids(name: str) -> list[str]:
    return sorted(op["operationId"] for item in document(name)["paths"].values()
                  for op in item.values() if isinstance(op, dict) and "operationId" in op)
