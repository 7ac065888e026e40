"""``GET /``: what this server is and where to go — the three web apps, the control plane (and
its dashboard, where one is served), the docs. SAP Commerce answers nothing useful at ``/``; a
person who opens the server's address in a browser gets this page instead of a 404. HTML for a
browser, JSON for anything else. Like the control plane, it is never journalled or faulted."""
from __future__ import annotations

from html import escape
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from ..version import __version__
from ..security import roles
from . import runtime
from .operations import operation

bp = Blueprint("home", __name__)

DOCS = {
    "README.md": "the commands, the settings, the seeded accounts, clients and products",
    "docs/testing.md": "the pytest plugin, FakeSAPCC and the control plane",
    "docs/browser.md": "a browser storefront: CORS, HTTPS",
    "docs/fidelity.md": "where fakesapcc differs from SAP Commerce Cloud",
}
DASHBOARD = "/_fakesapcc/ui"


def links() -> dict[str, Any]:
    base = runtime().config.public_base_url  # configuration, never the request's Host
    result: dict[str, Any] = {
        "oauth": f"{base}/authorizationserver/oauth/token",
        "occ": f"{base}/occ/v2",
        "asm": f"{base}/assistedservicewebservices",
        "health": f"{base}/_fakesapcc/health",
        "ready": f"{base}/_fakesapcc/ready",
    }
    if runtime().config.admin:
        result["controlPlane"] = f"{base}/_fakesapcc"
        result["controlPlaneOpenApi"] = f"{base}/_fakesapcc/openapi.json"
        if any(r.rule.rstrip("/") == DASHBOARD for r in current_app.url_map.iter_rules()):
            result["dashboard"] = f"{base}{DASHBOARD}"
    return result


@bp.get("/")
@operation("home", secured=roles.CONTROL_PLANE, summary="What this server is and where to go")
def home():
    body = {"name": "fakesapcc", "version": __version__,
            "description": "An emulator of SAP Commerce Cloud: OAuth, OCC v2, ASM",
            "links": links(), "docs": DOCS}
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        return current_app.response_class(_page(body), mimetype="text/html")
    return jsonify(body)


def _page(body: dict[str, Any]) -> str:
    items = "".join(f'<li>{escape(name)}: <a href="{escape(url)}">{escape(url)}</a></li>'
                    for name, url in body["links"].items())
    docs = "".join(f"<li><code>{escape(name)}</code>: {escape(text)}</li>"
                   for name, text in body["docs"].items())
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>fakesapcc</title>"
            f"<h1>fakesapcc {escape(body['version'])}</h1><p>{escape(body['description'])}. "
            f"This address serves the APIs; there is no storefront here.</p>"
            f"<h2>Where to go</h2><ul>{items}</ul>"
            f"<h2>Docs</h2><p>In the fakesapcc source:</p><ul>{docs}</ul></html>")
