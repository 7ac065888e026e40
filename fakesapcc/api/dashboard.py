"""The dashboard at ``/_fakesapcc/ui``: a running instance, for a person. Server-rendered pages
(``api/templates/dashboard*.html``) with no external assets and no build step:

- the overview: the SAP version profile, the toggles and flags in force, sites and stores, the
  state file; the buttons (reset, snapshot download and restore, ImpEx upload with its per-line
  report, the clock, faults); and the request journal, refreshed in place every two seconds
  (its rows come from ``/_fakesapcc/ui/journal``, filtered by user and path), a call where an
  agent acted as itself highlighted;
- the accounts: customers, agents (their ASM groups and store) and B2B users, with the password
  each was given (the store keeps them in plain text, as the seed wrote them);
- carts and orders per customer, with their entries.

It is part of the control plane: the same guard (``admin._guard``: open on loopback, else the
admin token, sent as a bearer token or, for a browser, kept in a cookie by the token form at
``/_fakesapcc/ui/login``), never journalled or faulted. The buttons are plain HTML forms that
post here; each one calls what the control plane's own endpoint calls, and returns to the
overview (or shows the ImpEx report). A form refused for bad input shows the error where it was.
"""
from __future__ import annotations

import hmac
import secrets
from collections import defaultdict
from typing import Any

from flask import (Blueprint, Response, current_app, jsonify, make_response, redirect,
                   render_template, request, url_for)

from ..errors import ApiError, ApiErrors
from ..security import roles
from ..snapshots import dump_state, restore_state
from .. import models as m
from . import admin, harness as h, inputs as i, runtime
from .journal import JournalFilter
from .operations import operation

bp = Blueprint("dashboard", __name__, url_prefix="/_fakesapcc/ui")

ADMIN_COOKIE = admin.ADMIN_COOKIE
ROWS = 200  # accounts, carts, journal entries shown at once (a search narrows them)
DONE = {"reset": "The server is back at start-up: state, tokens, clock, journal, faults.",
        "restored": "The snapshot is restored.", "clock": "The clock changed.",
        "fault": "The fault rule is added.", "faults": "Every fault rule is removed.",
        "removed": "The fault rule is removed."}
B2B_ROLES = ("b2badmingroup", "b2bcustomergroup", "b2bmanagergroup", "b2bapprovergroup")


def page_policy(nonce: str) -> str:
    """Nothing loaded from elsewhere; the one inline script carries the page's nonce."""
    return (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
            "connect-src 'self'; form-action 'self'; img-src 'self' data:; base-uri 'none'; "
            "frame-ancestors 'none'")


def _page(template: str, status: int = 200, **context: Any) -> Response:
    nonce = secrets.token_urlsafe(16)
    html = render_template(template, nonce=nonce, nav=_nav(), **context)
    response = make_response(html, status)
    response.mimetype = "text/html"
    response.headers["Content-Security-Policy"] = page_policy(nonce)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"  # no-referrer would send Origin: null
    return response


def _nav() -> list[tuple[str, str, bool]]:
    here = request.endpoint
    return [(label, url_for(endpoint), here == endpoint) for label, endpoint in (
        ("Overview", "dashboard.overview"), ("Accounts", "dashboard.accounts"),
        ("Carts and orders", "dashboard.carts"))]


def _loc(value: dict[str, str] | None) -> str:
    if not value:
        return ""
    return value.get("en") or next(iter(value.values()), "")


# ----------------------------------------------------------------------------------- access


class LoginForm(i.Params):
    token = i.TextParam(default="", blank_is_missing=False)


@bp.get("/login")
@operation("dashboardLogin", secured=roles.CONTROL_PLANE,
           summary="The admin token form, when the control plane needs one")
def login_page():
    return _page("dashboard_login.html", message=None)


@bp.post("/login")
@operation("dashboardSignIn", secured=roles.CONTROL_PLANE, params=LoginForm,
           summary="Keep the admin token in a cookie for the dashboard")
def login(params: dict):
    expected = runtime().config.admin_token or ""
    if not expected or not hmac.compare_digest(params["token"].encode(), expected.encode()):
        return _page("dashboard_login.html", 401, message="That is not the admin token.")
    response = redirect(url_for("dashboard.overview"), 303)
    response.set_cookie(ADMIN_COOKIE, expected, path="/_fakesapcc", httponly=True,
                        secure=request.is_secure, samesite="Strict")
    return response


# ------------------------------------------------------------------------------------ pages


class OverviewParams(i.Params):
    done = i.TextParam(blank_is_missing=False)


@bp.get("")
@operation("dashboard", secured=roles.CONTROL_PLANE, params=OverviewParams,
           summary="The dashboard: profile, toggles, sites, actions, the live journal")
def overview(params: dict):
    return _overview(message=DONE.get(params["done"] or ""))


def _overview(message: str | None = None, error: str | None = None,
              status: int = 200) -> Response:
    rt = runtime()
    config = rt.config
    state = rt.db.state
    sites = [{"uid": s.uid, "name": _loc(s.name), "channel": s.channel, "active": s.active,
              "stores": ", ".join(s.stores), "isolated": s.isolated,
              "requiresAuthentication": s.requiresAuthentication}
             for s in sorted(state.base_sites.values(), key=lambda s: s.uid)]
    stores = [{"uid": s.uid, "name": _loc(s.name), "currencies": ", ".join(s.currencies),
               "languages": ", ".join(s.languages), "net": s.net,
               "pickup": s.pickupInStoreMode}
              for s in sorted(state.base_stores.values(), key=lambda s: s.uid)]
    persister = rt.persister
    return _page(
        "dashboard_overview.html", status, message=message, error=error,
        profile={"SAP Commerce version": config.sap_version,
                 "OAuth profile": config.oauth_profile, "token format": config.token_format,
                 "state file": (f"{persister.path} (written {persister.flushes} times, last "
                                f"in {persister.last_flush_ms:.0f} ms)") if persister
                 else "none (in memory only)"},
        toggles=config.flags(), flags=h.harness().flags(), sites=sites, stores=stores,
        clock=admin.clock_json(), faults=[r.to_json() for r in h.harness().faults.rules()],
        journal=_journal_rows(JournalFilter(), None), filters={"user": "", "path": ""})


class AccountParams(i.Params):
    q = i.TextParam(blank_is_missing=False)


@bp.get("/accounts")
@operation("dashboardAccounts", secured=roles.CONTROL_PLANE, params=AccountParams,
           summary="Customers, agents and B2B users, with their passwords")
def accounts(params: dict):
    query = (params["q"] or "").strip().lower()
    db = runtime().db
    state = db.state
    customers, agents, b2b = [], [], []
    counts = {"customers": 0, "agents": 0, "b2b": 0}
    for p in state.principals.values():
        if not isinstance(p, m.User):
            continue
        kind = "b2b" if isinstance(p, m.B2BCustomer) else "customers" \
            if isinstance(p, m.Customer) else "agents" if isinstance(p, m.Employee) else None
        if kind is None:
            continue
        counts[kind] += 1
        if query and query not in p.uid.lower() and query not in (p.name or "").lower():
            continue
        row = {"uid": p.uid, "name": p.name or "", "password": p.password,
               "disabled": p.loginDisabled, "groups": ", ".join(sorted(p.groups))}
        if kind == "customers" and len(customers) < ROWS:
            row.update(customerId=p.customerId or "", site=p.site or "", type=p.type)
            customers.append(row)
        elif kind == "agents" and len(agents) < ROWS:
            row.update(_agent(state, p))
            agents.append(row)
        elif kind == "b2b" and len(b2b) < ROWS:
            units = [g for g in p.groups
                     if isinstance(state.principals.get(g.lower()), m.B2BUnit)]
            row.update(units=", ".join(sorted(units)),
                       roles=", ".join(sorted(g for g in p.groups if g in B2B_ROLES)),
                       active=getattr(p, "active", True))
            b2b.append(row)
    for rows in (customers, agents, b2b):
        rows.sort(key=lambda r: r["uid"])
    return _page("dashboard_accounts.html", query=params["q"] or "", customers=customers,
                 agents=agents, b2b=b2b, counts=counts, limit=ROWS)


def _agent(state: Any, agent: m.Employee) -> dict[str, str]:
    """An agent's ASM groups (every group it is in, through nested ones) and its store."""
    stores, sites, asm = [], [], []
    todo, seen = list(agent.groups), set()
    while todo:
        uid = todo.pop()
        if uid.lower() in seen:
            continue
        seen.add(uid.lower())
        group = state.principals.get(uid.lower())
        if isinstance(group, m.StoreEmployeeGroup) and group.store:
            stores.append(group.store)
        if isinstance(group, m.SiteEmployeeGroup) and group.visibleSite:
            sites.append(group.visibleSite)
        if "agent" in uid.lower() or "customermanager" in uid.lower() \
                or isinstance(group, m.CsAgentGroup):
            asm.append(uid)
        if group is not None:
            todo.extend(group.groups)
    return {"asm": ", ".join(sorted(asm)), "store": ", ".join(sorted(stores)),
            "sites": ", ".join(sorted(sites))}


@bp.get("/carts")
@operation("dashboardCarts", secured=roles.CONTROL_PLANE, params=AccountParams,
           summary="Carts and orders per customer, with their entries")
def carts(params: dict):
    query = (params["q"] or "").strip().lower()
    state = runtime().db.state
    by_user: dict[str, dict[str, list]] = defaultdict(lambda: {"carts": [], "orders": []})
    for kind, items in (("carts", state.carts.values()), ("orders", state.orders.values())):
        for order in items:
            if query and query not in order.user.lower() and query not in order.code.lower():
                continue
            by_user[order.user][kind].append(_order(order))
    users = sorted(by_user)[:ROWS]
    return _page("dashboard_carts.html", query=params["q"] or "", limit=ROWS,
                 total=len(by_user), users=[(u, by_user[u]) for u in users])


def _order(order: m.AbstractOrder) -> dict[str, Any]:
    return {"code": order.code, "guid": order.guid, "site": order.site,
            "currency": order.currency, "status": getattr(order, "status", None),
            "name": order.name, "placedBy": order.placedBy,
            "saved": getattr(order, "saveTime", None) is not None,
            "modified": order.modified.isoformat(timespec="seconds") if order.modified else "",
            "total": round(sum(e.totalPrice for e in order.entries), 2),
            "entries": [{"number": e.entryNumber, "product": e.product,
                         "quantity": e.quantity, "basePrice": e.basePrice,
                         "totalPrice": e.totalPrice} for e in order.entries]}


# ---------------------------------------------------------------------------------- journal


class JournalParams(i.Params):
    user = i.TextParam(blank_is_missing=False)
    path = i.TextParam(blank_is_missing=False)


@bp.get("/journal")
@operation("dashboardJournal", secured=roles.CONTROL_PLANE, params=JournalParams,
           summary="The journal's rows, newest first, as HTML (the overview refreshes them)")
def journal(params: dict):
    user = (params["user"] or "").strip() or None
    path = (params["path"] or "").strip() or None
    html = render_template("dashboard_journal_rows.html",
                           journal=_journal_rows(JournalFilter(path=path), user))
    response = make_response(html)
    response.mimetype = "text/html"
    response.headers["Cache-Control"] = "no-store"
    return response


def _journal_rows(where: JournalFilter, user: str | None) -> dict[str, Any]:
    entries = h.harness().journal.entries(where)
    if user:
        wanted = user.lower()
        entries = [e for e in entries if wanted in ((e.acting_user or "").lower(),
                                                    (e.principal or "").lower())]
    newest = entries[::-1][:ROWS]
    return {"entries": [e.to_json() for e in newest], "total": len(entries), "limit": ROWS}


# ---------------------------------------------------------------------------------- actions


@bp.post("/reset")
@operation("dashboardReset", secured=roles.CONTROL_PLANE,
           summary="The reset button")
def reset():
    runtime().reset()
    return _done("reset")


@bp.get("/snapshot")
@operation("dashboardSnapshot", secured=roles.CONTROL_PLANE,
           summary="The snapshot, as a file to save")
def snapshot():
    response = jsonify(dump_state(runtime().db))
    stamp = runtime().clock.now().strftime("%Y%m%d-%H%M%S")
    response.headers["Content-Disposition"] = f'attachment; filename="fakesapcc-{stamp}.json"'
    return response


@bp.post("/restore")
@operation("dashboardRestore", secured=roles.CONTROL_PLANE,
           summary="The restore form: a snapshot file (multipart)")
def restore():
    data = _upload("snapshot")
    if data is None:
        return _overview(error="Choose a snapshot file (.json) to restore.", status=400)
    try:
        document = current_app.json.loads(data)
    except ValueError as exc:
        return _overview(error=f"The file is not JSON: {exc}", status=400)
    try:
        restore_state(runtime().db, document)
    except ApiError as exc:
        return _overview(error=exc.message, status=400)
    return _done("restored")


class ImpexForm(i.Params):
    text = i.TextParam(default="", blank_is_missing=False)


@bp.post("/impex")
@operation("dashboardImpex", secured=roles.CONTROL_PLANE, params=ImpexForm,
           summary="The ImpEx form: a file (multipart) or text; the report as HTML")
def impex(params: dict):
    """Load an uploaded ImpEx file (or the text area): the report, line by line."""
    upload = request.files.get("file")
    name = upload.filename if upload is not None and upload.filename else "<dashboard>"
    data = _upload("file")
    text = data if data is not None else params["text"].encode()
    if not text.strip():
        return _overview(error="Choose an ImpEx file, or paste ImpEx, to load.", status=400)
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        return _overview(error="ImpEx must be UTF-8 text.", status=400)
    from ..impex.loader import load_text  # the ImpEx engine, imported by its first use

    rt = runtime()
    report = load_text(rt.db, decoded, name, config=rt.config.properties,
                       strict=rt.config.strict_impex)
    lines = [{"level": d.level, "line": d.line, "column": d.column, "message": d.message}
             for d in report.diagnostics]
    return _page("dashboard_impex.html", 400 if report.errors else 200, file=report.file,
                 loaded=not report.errors, counts=sorted(report.counts.items()),
                 skipped=sorted(report.skipped.items()), lines=lines)


class ClockForm(i.Params):
    action = i.TextParam(default="advance", blank_is_missing=False)
    seconds = i.TextParam(blank_is_missing=False)


@bp.post("/clock")
@operation("dashboardClock", secured=roles.CONTROL_PLANE, params=ClockForm,
           summary="The clock forms: advance, freeze, unfreeze")
def clock(params: dict):
    rt = runtime()
    action = params["action"]
    try:
        if action == "freeze":
            rt.clock.freeze()
        elif action == "unfreeze":
            rt.clock.unfreeze()
        elif action == "advance":
            rt.clock.advance(admin.seconds_arg(params["seconds"] or None))
        else:
            return _overview(error=f"Unknown clock action '{action}'.", status=400)
    except (ApiError, ValueError) as exc:
        return _overview(error=getattr(exc, "message", str(exc)), status=400)
    return _done("clock")


class FaultForm(i.Params):
    path = i.TextParam(default="*", blank_is_missing=False)
    method = i.TextParam(blank_is_missing=False)
    status = i.TextParam(blank_is_missing=False)
    delayMs = i.TextParam(blank_is_missing=False)
    times = i.TextParam(blank_is_missing=False)
    drop = i.TextParam(blank_is_missing=False)


@bp.post("/faults")
@operation("dashboardAddFault", secured=roles.CONTROL_PLANE, params=FaultForm,
           summary="The fault form")
def add_fault(params: dict):
    rule: dict[str, Any] = {"path": params["path"].strip() or "*"}
    if params["method"]:
        rule["method"] = params["method"]
    try:
        for name in ("status", "delayMs", "times"):
            if (params[name] or "").strip():
                rule[name] = int(params[name])
    except ValueError:
        return _overview(error="Status, delay and times are whole numbers.", status=400)
    if params["drop"]:
        rule["drop"] = True
    try:
        h.harness().faults.add(rule)
    except (ApiError, ApiErrors) as exc:
        message = exc.message if isinstance(exc, ApiError) else str(exc)
        return _overview(error=message, status=400)
    return _done("fault")


@bp.post("/faults/clear")
@operation("dashboardClearFaults", secured=roles.CONTROL_PLANE,
           summary="Remove every fault rule")
def clear_faults():
    h.harness().faults.clear()
    return _done("faults")


@bp.post("/faults/<faultId>/remove")
@operation("dashboardRemoveFault", secured=roles.CONTROL_PLANE,
           summary="Remove one fault rule")
def remove_fault(faultId: str):
    if not h.harness().faults.remove(faultId):
        return _overview(error=f"No fault rule with id '{faultId}'.", status=404)
    return _done("removed")


def _done(what: str) -> Response:
    return redirect(url_for("dashboard.overview", done=what), 303)


def _upload(field: str) -> bytes | None:
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return None
    return upload.read()
