"""The authorization endpoint and its login (``security.authorize`` decides, this module
answers): ``GET /authorizationserver/oauth/authorize``, the login page (``GET /login``), the login
form (``POST /login``) and, for custom login pages on the authorization-server profile, the CSRF
token (``GET /csrf``). The pages are server-rendered templates (``api/templates``) with no
external assets; the login session is SAP's ``JSESSIONID`` cookie."""
from __future__ import annotations

from flask import Response, jsonify, make_response, redirect, render_template, request, url_for

from ..errors import not_found_path
from ..security import roles
from ..security.authorize import CSRF_PARAMETER, ErrorPage, LoginPage, Paths, Redirect
from . import inputs as i
from . import runtime
from .admin_schemas import ErrorList
from .oauth import PREFIX, CsrfToken, OAuthErrorBody, bp, modern, no_store
from .operations import operation

SESSION_COOKIE = "JSESSIONID"
#: the pages' own policy: inline styles only, nothing loaded, no framing from elsewhere
PAGE_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
               "frame-ancestors 'self'")
MESSAGES = {
    "bad_credentials": "The email address or password is not correct. Check them and try again.",
    "account_disabled": "This account is disabled. Contact customer support.",
}


class AuthorizeParams(i.Params):
    """The authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3)."""

    response_type = i.TextParam(blank_is_missing=False)
    client_id = i.TextParam(blank_is_missing=False)
    redirect_uri = i.TextParam(blank_is_missing=False)
    scope = i.TextParam(blank_is_missing=False)
    state = i.TextParam(blank_is_missing=False)
    code_challenge = i.TextParam(blank_is_missing=False)
    code_challenge_method = i.TextParam(blank_is_missing=False)
    nonce = i.TextParam(blank_is_missing=False)


class LoginPageParams(i.Params):
    #: ``?error=bad_credentials`` after a refused login (``?error`` alone: a failure)
    error = i.TextParam(blank_is_missing=False)


class LoginForm(i.Params):
    """The login form, as Spring Security's form login reads it."""

    username = i.TextParam(default="", blank_is_missing=False)
    password = i.TextParam(default="", blank_is_missing=False)
    csrf = i.TextParam(data_key=CSRF_PARAMETER, blank_is_missing=False)


def _paths() -> Paths:
    return Paths(authorize=url_for("oauth.authorize", _external=True),
                 login=url_for("oauth.login_page", _external=True))


def _session_id() -> str | None:
    return request.cookies.get(SESSION_COOKIE)


def _answer(outcome: Redirect | ErrorPage) -> Response:
    if isinstance(outcome, Redirect):
        response = redirect(outcome.location, 302)
    else:
        response = _page(render_template(
            "oauth_error.html", title=outcome.title, summary=outcome.summary,
            error=outcome.error.error, description=outcome.error.description),
            outcome.error.status)
    _set_session(response, outcome.session)
    return no_store(response)


def _set_session(response: Response, session) -> None:
    """The login session's cookie, when it is new or changed (a login gets a new id). Over
    HTTPS it is ``SameSite=None; Secure`` so that a storefront on another site keeps it, as
    SAP's is; over HTTP browsers refuse that, so it is ``Lax`` (same site: any port)."""
    if session is not None and session.id != _session_id():
        secure = request.is_secure
        response.set_cookie(SESSION_COOKIE, session.id, path=PREFIX, httponly=True,
                            secure=secure, samesite="None" if secure else "Lax")


def _page(html: str, status: int = 200) -> Response:
    response = make_response(html, status)
    response.mimetype = "text/html"
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/oauth/authorize")
@operation("authorize", secured=roles.OPEN, params=AuthorizeParams, writes=True)
def authorize(params: dict):
    return _answer(runtime().authorization.authorize(params, _session_id(), _paths()))


@bp.get("/login")
@operation("getLoginPage", secured=roles.OPEN, params=LoginPageParams, writes=True)
def login_page(params: dict):
    page: LoginPage = runtime().authorization.login_page(_session_id(), params["error"])
    message = None
    if page.error is not None or params["error"] == "":
        message = MESSAGES.get(page.error or "", "The sign-in did not succeed. Try again.")
    response = _page(render_template(
        "login.html", action=url_for("oauth.login"), csrf=page.session.csrfToken,
        csrf_parameter=CSRF_PARAMETER, client_id=page.client.clientId if page.client else None,
        message=message))
    _set_session(response, page.session)
    return no_store(response)


@bp.post("/login")
@operation("login", secured=roles.OPEN, params=LoginForm)
def login(params: dict):
    return _answer(runtime().authorization.login(
        _session_id(), params["username"], params["password"], params["csrf"], _paths()))


@bp.get("/csrf")
@operation("getCsrfToken", secured=roles.OPEN,
           responses={200: ("The login session's CSRF token", CsrfToken),
                      400: ("No custom login page, or asked from elsewhere", OAuthErrorBody),
                      404: ("Not served on the classic profile", ErrorList)})
def csrf():
    if not modern():
        raise not_found_path(request.path)
    body = runtime().authorization.csrf(_session_id(), request.headers.get("Referer"))
    return no_store(jsonify(body))
