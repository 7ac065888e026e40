"""OpenAPI documents made from the routes: each route's ``@operation`` (its id, summary, request
schemas and responses) through apispec's marshmallow plugin, so that a document cannot drift
from what the server serves. The control plane's document is ``GET /_fakesapcc/openapi.json``.

apispec (marshmallow's own OpenAPI generator) writes the schemas' JSON form; doing that by
hand is what kept the control plane's document a 220-line dict before.
"""
from __future__ import annotations

import copy
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from . import inputs
from .operations import Operation, flask_path, operation_of

#: the OpenAPI types of api.inputs' fields (apispec knows marshmallow's own)
FIELD_TYPES = {inputs.Text: ("string", None), inputs.Long: ("integer", "int64"),
               inputs.Int: ("integer", "int32"), inputs.Double: ("number", "double"),
               inputs.Bool: ("boolean", None), inputs.TextMap: ("object", None),
               inputs.TextParam: ("string", None), inputs.IntParam: ("integer", "int32"),
               inputs.LongParam: ("integer", "int64"), inputs.BoolParam: ("boolean", None),
               inputs.ChoiceParam: ("string", None)}


def _spec(title: str, description: str, security: dict[str, Any] | None) -> APISpec:
    plugin = MarshmallowPlugin()
    spec = APISpec(title=title, version="1", openapi_version="3.0.3", plugins=[plugin],
                   info={"description": description}, servers=[{"url": "/"}])
    for field, (kind, fmt) in FIELD_TYPES.items():
        plugin.map_to_openapi_type(field, kind, fmt)
    if security:
        for name, scheme in security.items():
            spec.components.security_scheme(name, scheme)
    return spec


def _response(value: Any) -> dict[str, Any]:
    """``(description, schema)``, or a schema alone, or a description alone."""
    if isinstance(value, tuple):
        description, schema = value
    elif isinstance(value, str):
        description, schema = value, None
    else:
        description, schema = "OK", value
    response: dict[str, Any] = {"description": description}
    if schema is not None:
        # apispec resolves the marshmallow schemas inside a dict in place: each document
        # resolves its own copy (a second document must register the components again)
        schema = copy.deepcopy(schema) if isinstance(schema, dict) else schema
        response["content"] = {"application/json": {"schema": schema}}
    return response


def _operation(op: Operation, path_args: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"operationId": op.id, "summary": op.summary or op.id,
                             "responses": {str(status): _response(value) for status, value
                                           in (op.responses or {200: "OK"}).items()}}
    parameters: list[Any] = [{"name": arg, "in": "path", "required": True,
                              "schema": {"type": "string"}} for arg in path_args]
    if op.params is not None:
        parameters.append({"in": "query", "schema": op.params})
    if parameters:
        entry["parameters"] = parameters
    if op.body is not None:
        entry["requestBody"] = {"required": op.body_required,
                                "content": {"application/json": {"schema": op.body}}}
    entry.update(op.doc or {})
    return entry


def document(app: Flask, blueprint: str | tuple[str, ...], *, title: str, description: str,
             security: dict[str, Any] | None = None,
             default_security: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The OpenAPI document of one blueprint's routes (or several blueprints')."""
    blueprints = (blueprint,) if isinstance(blueprint, str) else blueprint
    spec = _spec(title, description, security)
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.split(".", 1)[0] not in blueprints:
            continue
        op = operation_of(app, rule.endpoint)
        if op is None:
            continue
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        item = paths.setdefault(flask_path(rule.rule, rule.arguments), {})
        for method in methods:
            item[method.lower()] = _operation(op, list(rule.arguments))
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    result = spec.to_dict()
    if default_security is not None:
        result["security"] = default_security
    return result
