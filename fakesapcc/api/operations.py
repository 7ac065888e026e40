"""One declaration per SAP operation, on its view:

    @bp.post(CART + "/addresses/delivery")
    @operation("createCartDeliveryAddress", secured=roles.CHECKOUT, body=AddressBody)
    def create_cart_delivery_address(baseSiteId, userId, cartId, body): ...

names the operation (SAP's operationId: the coverage list, the journal and SAP's endpoint
restrictions read it from here), its access rule (``security.access.Access``: ``@Secured``,
whether it needs a real user, ``@SiteChannelRestriction``) and how its request is read
(``params``: ``@RequestParam``s; ``body``: the JSON ``@RequestBody``; ``api.inputs``); and,
for an operation that names its cart by a parameter (``cart_param``), that the cart is matched
as a path's cart is, before ``@Secured`` (a guest's cart lends ROLE_GUEST).

The view runs in SAP's order: the blueprint's filters have run (``before_request``); here the
channel restriction, then the parameters and the body are bound, then ``@Secured`` and the
real-user check, then the body's validation errors, then the view with ``params=`` and
``body=``. Every route has an operation: ``tests/test_architecture.py`` walks them.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import marshmallow as ma
from flask import Flask, current_app, g, request

from ..errors import ApiErrors
from ..security.access import Access
from ..security.roles import Secured
from . import inputs, runtime

F = TypeVar("F", bound=Callable)

WEBAPPS = {"occ": "commercewebservices", "asm": "assistedservicewebservices",
           "oauth": "oauth2"}


#: a schema class, or an instance (``UserBody(partial=True)``)
SchemaSpec = type[ma.Schema] | ma.Schema


@dataclass(frozen=True)
class Operation:
    """An operation's declaration. Its schemas are declared as classes (or instances) and made
    by their first use (``params``, ``body``, ``form``): a marshmallow schema's instance copies
    its fields, and the ~300 operations' schemas were a tenth of the server's start."""

    id: str
    access: Access
    head: str | None = None  # the HEAD operation a GET also answers (``X-Total-Count``)
    params_schema: SchemaSpec | None = None
    body_schema: SchemaSpec | None = None
    #: True: the body may also come form-encoded, read by the same schema; a Params schema: a
    #: request that is not JSON is SAP's form variant of the operation, read by that schema
    #: into the view's ``form=`` (``body=`` is then None, and the other way round)
    form_schema: bool | SchemaSpec = False
    body_required: bool = True
    cart_param: str | None = None  # a parameter naming the cart (placeOrder's ``cartId``)
    #: a GET that changes state (reading a cart reprices it in the session currency, as SAP
    #: recalculates it): the request takes the write lock, not the shared read lock
    writes: bool = False
    summary: str | None = None  # for the OpenAPI documents (``api.openapi``)
    responses: dict[int, Any] | None = None
    doc: dict[str, Any] | None = None  # more OpenAPI for what the view reads itself

    @functools.cached_property
    def params(self) -> ma.Schema | None:
        return _schema(self.params_schema)

    @functools.cached_property
    def body(self) -> ma.Schema | None:
        return _schema(self.body_schema)

    @functools.cached_property
    def form(self) -> bool | ma.Schema:
        return self.form_schema if isinstance(self.form_schema, bool) \
            else _schema(self.form_schema)  # type: ignore[return-value]


def operation(operation_id: str, *, secured: Secured, anonymous: bool = True,
              channel: str | None = None, head: str | None = None,
              params: SchemaSpec | None = None, body: SchemaSpec | None = None,
              form: bool | SchemaSpec = False, body_required: bool = True,
              cart_param: str | None = None, writes: bool = False,
              summary: str | None = None,
              responses: dict[int, Any] | None = None,
              doc: dict[str, Any] | None = None) -> Callable[[F], F]:
    """Declare the SAP operation a view implements (see the module's docstring)."""
    op = Operation(operation_id, Access(secured, anonymous, channel), head, params, body, form,
                   body_required, cart_param, writes, summary, responses, doc)

    def declare(view: F) -> F:
        @functools.wraps(view)
        def run(**path: Any) -> Any:
            c = g.get("ctx")
            if c is not None:
                op.access.check_channel(c.site.site if c.site else None)
            extra: dict[str, Any] = {}
            if op.params is not None:
                extra["params"] = inputs.load_params(op.params)
            invalid: list = []
            variant = isinstance(op.form, ma.Schema)
            if variant and not inputs.is_json():
                inputs.check_form()
                extra["body"], extra["form"] = None, inputs.load_params(op.form)
            elif op.body is not None:
                rt = runtime()
                extra["body"], invalid = inputs.load_body(
                    op.body, {"state": rt.db.state, "now": rt.clock.now(), "config": rt.config},
                    form=op.form is True, required=op.body_required)
                if variant:
                    extra["form"] = None
            if op.cart_param is not None:  # the CartMatchingFilter's rules on a parameter
                c.match_cart(extra["params"][op.cart_param])
            if c is not None:
                op.access.check_roles(c.caller)
                op.access.check_user(c.acting)
            if invalid:
                raise ApiErrors(400, invalid)
            return view(**path, **extra)

        run.operation = op  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return declare


def _schema(schema: SchemaSpec | None) -> ma.Schema | None:
    """A schema class or instance (``UserBody(partial=True)`` for a PATCH)."""
    return schema() if isinstance(schema, type) else schema


def operation_of(app: Flask, endpoint: str | None) -> Operation | None:
    view = app.view_functions.get(endpoint or "")
    return getattr(view, "operation", None)


def operation_id(app: Flask | None = None, endpoint: str | None = None) -> str | None:
    """The operationId of a view (the current request's by default)."""
    op = operation_of(app or current_app, endpoint or request.endpoint)
    if op is None:
        return None
    if op.head and request and request.method == "HEAD":
        return op.head
    return op.id


def webapp(endpoint: str | None) -> str | None:
    """The SAP web app (extension) an endpoint belongs to, by its blueprint."""
    blueprint = (endpoint or "").split(".", 1)[0]
    return WEBAPPS.get(blueprint)


def implemented(app: Flask) -> list[dict[str, str]]:
    """Every SAP operation the app implements: operationId, web app, method and path."""
    result = []
    for rule in app.url_map.iter_rules():
        op = operation_of(app, rule.endpoint)
        if op is None or webapp(rule.endpoint) is None:
            continue
        path = flask_path(rule.rule, rule.arguments)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            result.append({"operationId": op.id, "webapp": webapp(rule.endpoint) or "",
                           "method": method, "path": path})
        if op.head:
            result.append({"operationId": op.head, "webapp": webapp(rule.endpoint) or "",
                           "method": "HEAD", "path": path})
    return sorted(result, key=lambda x: (x["webapp"], x["path"], x["method"]))


def flask_path(rule: str, arguments: Any) -> str:
    """A Flask rule as an OpenAPI path (``<cartId>`` → ``{cartId}``)."""
    for arg in arguments:
        rule = rule.replace(f"<{arg}>", "{" + arg + "}")
    return rule
