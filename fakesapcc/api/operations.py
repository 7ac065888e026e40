"""SAP operationIds on view functions: ``@operation("getUser")`` names the SAP operation a view
implements. The coverage list, the journal and SAP's endpoint restrictions
(``<webapp>.api.restrictions.disabled.endpoints``) all read it from here."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request

F = TypeVar("F", bound=Callable)

WEBAPPS = {"occ": "commercewebservices", "asm": "assistedservicewebservices",
           "oauth": "oauth2"}


def operation(operation_id: str, head: str | None = None) -> Callable[[F], F]:
    """Mark a view with its SAP operationId (and, for a GET that also answers HEAD with
    ``X-Total-Count``, the HEAD operation's id)."""
    def mark(view: F) -> F:
        view.operation_id = operation_id  # type: ignore[attr-defined]
        view.head_operation_id = head  # type: ignore[attr-defined]
        return view

    return mark


def operation_id(app: Flask | None = None, endpoint: str | None = None) -> str | None:
    """The operationId of a view (the current request's by default)."""
    app = app or current_app
    endpoint = endpoint or request.endpoint
    view = app.view_functions.get(endpoint or "")
    if request and request.method == "HEAD" and getattr(view, "head_operation_id", None):
        return view.head_operation_id  # type: ignore[union-attr]
    return getattr(view, "operation_id", None)


def webapp(endpoint: str | None) -> str | None:
    """The SAP web app (extension) an endpoint belongs to, by its blueprint."""
    blueprint = (endpoint or "").split(".", 1)[0]
    return WEBAPPS.get(blueprint)


def implemented(app: Flask) -> list[dict[str, str]]:
    """Every SAP operation the app implements: operationId, web app, method and path."""
    result = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        op = getattr(view, "operation_id", None)
        if op is None:
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<{arg}>", "{" + arg + "}")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            result.append({"operationId": op, "webapp": webapp(rule.endpoint) or "",
                           "method": method, "path": path})
        head = getattr(view, "head_operation_id", None)
        if head:
            result.append({"operationId": head, "webapp": webapp(rule.endpoint) or "",
                           "method": "HEAD", "path": path})
    return sorted(result, key=lambda x: (x["webapp"], x["path"], x["method"]))
