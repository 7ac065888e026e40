"""The authorization endpoint (``/oauth/authorize``) and the login that completes it: the
authorization request's checks, the login session (SAP's ``JSESSIONID``), the login form, the
CSRF token, and the single-use, short-lived authorization codes it issues. No Flask: the HTTP
layer (``api.login``) turns the outcomes into redirects and pages.

The flow, as SAP's authorization server runs it (docs/fidelity.md, "OAuth profiles"):

1. ``GET /oauth/authorize?response_type=code&client_id=…&redirect_uri=…&code_challenge=…``:
   a bad request that cannot be trusted to go back (no or unknown client, a ``redirect_uri``
   not registered) gets an error page and is never redirected; other errors go back to the
   ``redirect_uri`` with ``error``; a valid one is kept in the session and the browser is sent
   to the login page — the client's custom login page (``loginPageUri``) on the
   authorization-server profile, else ``/authorizationserver/login``.
2. ``POST /login`` (``username``, ``password``, ``_csrf``): bad credentials go back to the login
   page with ``?error=bad_credentials`` (a disabled account ``?error=account_disabled``); good
   ones authenticate the session (a new session id and CSRF token) and send the browser back
   to ``/oauth/authorize?…&continue``;
3. which, the session now authenticated, redirects to ``redirect_uri?code=…&state=…``.
"""
from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

from .. import models as m
from ..clock import Clock
from ..config import Config
from ..db import Db, State
from ..errors import OAuthError
from .authserver import AuthorizationServer, default_scope, is_public, unknown_scopes
from .dialects import Dialect

CODE_VALIDITY = "fakesapcc.oauth.code.validity.seconds"  # Spring's authorizationCodeTimeToLive
SESSION_TIMEOUT = "fakesapcc.oauth.session.timeout.seconds"  # the servlet session's
PLAIN_PKCE = "fakesapcc.oauth.pkce.plain.enabled"
AUTHORIZATION_REQUEST = ("response_type", "client_id", "redirect_uri", "scope", "state",
                         "code_challenge", "code_challenge_method", "nonce")
CODE_ALPHABET = string.ascii_letters + string.digits  # spring-security-oauth2's codes
CSRF_PARAMETER = "_csrf"
CSRF_HEADER = "X-CSRF-TOKEN"
NO_LOGIN_PAGE = ("No OAuth client related to request or custom login page URI not configured")
LOGIN_PAGE_MISMATCH = "Login page configuration does not match the request"


@dataclass(frozen=True)
class Redirect:
    """Send the browser on; ``session`` is the login session to (re)set as its cookie."""

    location: str
    session: m.OAuthLoginSession | None = None


@dataclass(frozen=True)
class ErrorPage:
    """An error shown by the authorization server itself (never a redirect)."""

    error: OAuthError
    summary: str
    title: str
    session: m.OAuthLoginSession | None = None


@dataclass(frozen=True)
class LoginPage:
    """What the login page shows."""

    session: m.OAuthLoginSession
    client: m.OAuthClientDetails | None
    error: str | None = None  # bad_credentials | account_disabled | another code


@dataclass(frozen=True)
class Paths:
    """Where the authorization server's endpoints are, as the browser reaches them."""

    authorize: str
    login: str


@dataclass
class AuthorizationEndpoint:
    db: Db
    clock: Clock
    config: Config
    authserver: AuthorizationServer

    @property
    def dialect(self) -> Dialect:
        return self.authserver.dialect

    @property
    def modern(self) -> bool:
        """The authorization-server profile (else classic)."""
        return self.authserver.modern

    # -- the authorization request -----------------------------------------------------------

    def authorize(self, query: Mapping[str, str | None], session_id: str | None,
                  paths: Paths) -> Redirect | ErrorPage:
        d = self.dialect
        request = {k: v for k, v in query.items() if v is not None and k != "continue"}
        response_type = request.get("response_type") or None
        if response_type != "code":
            return self._page(d.page_unsupported_response_type(response_type))
        client_id = request.get("client_id") or ""
        if not client_id:
            return self._page(d.page_missing_client())
        client = self.db.state.oauth_clients.get(client_id)
        if client is None:
            return self._page(d.page_unknown_client(client_id))
        grants = client.authorizedGrantTypes
        if not self.modern and not {"authorization_code", "implicit"} & set(grants):
            return self._page(d.page_no_redirect_grant())
        if not client.registeredRedirectUri:
            return self._page(d.page_no_registered_redirect())
        requested = request.get("redirect_uri") or None
        target = self.resolve_redirect(client, requested)
        if target is None:
            return self._page(d.page_bad_redirect(requested, client.registeredRedirectUri))
        # from here on the redirect URI is the client's: errors go back to it
        state = request.get("state") or None
        if "authorization_code" not in grants:
            return self._back(target, d.redirect_unauthorized_client(), state)
        scope = (request.get("scope") or "").split()
        bad = unknown_scopes(self.config, client, scope, "authorization_code")
        if bad:
            return self._back(target, d.redirect_invalid_scope(bad), state)
        challenge = request.get("code_challenge") or None
        method = request.get("code_challenge_method") or None
        if challenge is not None:
            method = method or (None if self.modern else "plain")  # RFC 7636 §4.3: plain
            allowed = ("S256", "plain") if self.config.prop_bool(PLAIN_PKCE) else ("S256",)
            if method not in allowed:
                return self._back(target, d.redirect_bad_challenge_method(method or ""), state)
        elif self.modern and is_public(client):
            return self._back(target, d.redirect_missing_challenge(), state)

        with self.db.locked() as db_state:
            session = self._live_session(db_state, session_id)
            user = self._session_user(session)
            if session is not None and user is not None:
                session.authorizationRequest = None
                code = self._issue_code(db_state, client, user, requested, target,
                                        scope or [default_scope(self.config, "password")],
                                        challenge, method)
                params = {"code": code.value}
                if state is not None:
                    params["state"] = state
                return Redirect(_with_query(target, params), session)
            session = session or self._new_session(db_state)
            session.authorizationRequest = dict(request)
            session.clientId = client.clientId
            return Redirect(self._login_page(client, paths), session)

    def resolve_redirect(self, client: m.OAuthClientDetails, requested: str | None) -> str | None:
        """The redirect URI the request may go back to, or None.

        - authorization-server (Spring Authorization Server, OAuth 2.1): the exact string of a
          registered URI; for a loopback IP literal (127.0.0.1, [::1]) any port; none sent is
          the client's only registered URI.
        - classic (spring-security-oauth2's DefaultRedirectResolver): same scheme, host (or a
          subdomain of it), port and path; the query is not compared; none sent is the only
          registered URI.
        """
        registered = client.registeredRedirectUri
        if requested is None:
            return registered[0] if len(registered) == 1 else None
        try:
            asked = urlsplit(requested)
            asked_port = asked.port
        except ValueError:
            return None
        if asked.fragment or not asked.scheme:
            return None
        for uri in registered:
            try:
                mine = urlsplit(uri)
                mine_port = mine.port
            except ValueError:
                continue
            if self.modern:
                if requested == uri:
                    return requested
                if _loopback(asked.hostname) and mine._replace(
                        netloc=_netloc(mine, asked_port)) == asked:
                    return requested
            elif (mine.scheme == asked.scheme and mine_port == asked_port
                  and _host_matches(mine.hostname or "", asked.hostname or "")
                  and mine.path == _clean_path(asked.path)):
                return requested
        return None

    def _issue_code(self, state: State, client: m.OAuthClientDetails, user: m.User,
                    requested: str | None, target: str, scope: list[str],
                    challenge: str | None, method: str | None) -> m.OAuthAuthorizationCode:
        now = self.clock.now()
        for key in [k for k, c in state.authorization_codes.items() if c.expiresAt <= now]:
            del state.authorization_codes[key]
        value = self._new_code_value(state)
        code = m.OAuthAuthorizationCode(
            value=value, clientId=client.clientId, userUid=user.uid, redirectUri=requested,
            resolvedRedirectUri=target, scope=list(scope), issuedAt=now,
            expiresAt=now + timedelta(seconds=self.config.prop_int(CODE_VALIDITY, 300)),
            codeChallenge=challenge, codeChallengeMethod=method if challenge else None)
        state.authorization_codes[value] = code
        return code

    def _new_code_value(self, state: State) -> str:
        """Spring Authorization Server: 96 random bytes, base64url; spring-security-oauth2's
        RandomValueStringGenerator: 6 letters and digits."""
        while True:
            value = (secrets.token_urlsafe(96) if self.modern
                     else "".join(secrets.choice(CODE_ALPHABET) for _ in range(6)))
            if value not in state.authorization_codes:
                return value

    def _login_page(self, client: m.OAuthClientDetails, paths: Paths) -> str:
        if self.modern and client.loginPageUri:
            return client.loginPageUri
        return paths.login

    # -- the login form ----------------------------------------------------------------------

    def login_page(self, session_id: str | None, error: str | None) -> LoginPage:
        """The built-in login page: its session (a new one if there is none yet, for the CSRF
        token) and the client it signs in to."""
        with self.db.locked() as state:
            session = self._live_session(state, session_id) or self._new_session(state)
            client = state.oauth_clients.get(session.clientId or "")
            return LoginPage(session, client, error or None)

    def login(self, session_id: str | None, username: str, password: str, csrf: str | None,
              paths: Paths) -> Redirect | ErrorPage:
        with self.db.locked() as state:
            # a refused login changes nothing, not even the session's last access
            session = self._live_session(state, session_id, touch=False)
            if session is None:
                return self._forbidden("Could not verify the provided CSRF token because no "
                                       "session was found.")
            if not csrf or not secrets.compare_digest(csrf.encode(), session.csrfToken.encode()):
                return self._forbidden(f"Invalid CSRF Token '{csrf or ''}' was found on the "
                                       f"request parameter '{CSRF_PARAMETER}' or header "
                                       f"'{CSRF_HEADER}'.")
            client = state.oauth_clients.get(session.clientId or "")
            page = self._login_page(client, paths) if client is not None else paths.login
            if session.authorizationRequest is None:
                return self._page(OAuthError(400, "invalid_request",
                                             "No authorization request is in progress: "
                                             "sign-in starts at /oauth/authorize"), session)
            session.lastAccessedAt = self.clock.now()
            try:
                user = self.authserver.verify_user(username, password)
            except LookupError:
                return Redirect(_with_query(page, {"error": "bad_credentials"}), session)
            except PermissionError:
                return Redirect(_with_query(page, {"error": "account_disabled"}), session)
            # an authenticated session gets a new id and CSRF token (session fixation)
            del state.oauth_sessions[session.id]
            session.id = _token()
            session.csrfToken = _token()
            session.userUid = user.uid
            state.oauth_sessions[session.id] = session
            query = urlencode(session.authorizationRequest)
            return Redirect(f"{paths.authorize}?{query}&continue", session)

    def csrf(self, session_id: str | None, referer: str | None) -> dict[str, str]:
        """``GET /authorizationserver/csrf``: the CSRF token a custom login page puts in its
        form; only for a session whose authorization request is from a client with a custom
        login page, asked from that page."""
        with self.db.reading() as state:
            session = self._live_session(state, session_id, touch=False)
            client = state.oauth_clients.get(session.clientId or "") if session else None
            if session is None or session.authorizationRequest is None or client is None \
                    or not client.loginPageUri:
                raise OAuthError(400, "bad_request", NO_LOGIN_PAGE)
            if _origin(referer) != _origin(client.loginPageUri):
                raise OAuthError(400, "bad_request", LOGIN_PAGE_MISMATCH)
            return {"parameterName": CSRF_PARAMETER, "headerName": CSRF_HEADER,
                    "token": session.csrfToken}

    # -- sessions ----------------------------------------------------------------------------

    def _live_session(self, state: State, session_id: str | None,
                      touch: bool = True) -> m.OAuthLoginSession | None:
        session = state.oauth_sessions.get(session_id or "")
        if session is None:
            return None
        now = self.clock.now()
        if session.lastAccessedAt + self._timeout() <= now:
            if touch:
                del state.oauth_sessions[session.id]
            return None
        if touch:
            session.lastAccessedAt = now
        return session

    def _new_session(self, state: State) -> m.OAuthLoginSession:
        now = self.clock.now()
        timeout = self._timeout()
        for key in [k for k, s in state.oauth_sessions.items() if s.lastAccessedAt + timeout <= now]:
            del state.oauth_sessions[key]
        session = m.OAuthLoginSession(id=_token(), csrfToken=_token(), createdAt=now,
                                      lastAccessedAt=now)
        state.oauth_sessions[session.id] = session
        return session

    def _timeout(self) -> timedelta:
        return timedelta(seconds=self.config.prop_int(SESSION_TIMEOUT, 1800))

    def _session_user(self, session: m.OAuthLoginSession | None) -> m.User | None:
        if session is None or session.userUid is None:
            return None
        user = self.db.principal(session.userUid)
        if isinstance(user, m.User) and user.is_active(self.clock.now()):
            return user
        return None

    # -- answers -----------------------------------------------------------------------------

    def _page(self, error: OAuthError, session: m.OAuthLoginSession | None = None) -> ErrorPage:
        d = self.dialect
        return ErrorPage(error, d.page_summary(error), d.error_page_title, session)

    def _forbidden(self, message: str) -> ErrorPage:
        return ErrorPage(OAuthError(403, "access_denied", message), message, "Forbidden")

    @staticmethod
    def _back(target: str, error: OAuthError, state: str | None) -> Redirect:
        """RFC 6749 §4.1.2.1: the error goes back to the client's redirect URI."""
        params = {"error": error.error}
        if error.description:
            params["error_description"] = error.description
        if error.uri:
            params["error_uri"] = error.uri
        if state is not None:
            params["state"] = state
        return Redirect(_with_query(target, params))


# -- URIs ------------------------------------------------------------------------------------


def _token() -> str:
    return secrets.token_urlsafe(24)


def _with_query(uri: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(uri)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


def _origin(uri: str | None) -> str | None:
    if not uri:
        return None
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}.get(parts.scheme)
    shown = f":{port}" if port is not None and port != default else ""
    return f"{parts.scheme}://{parts.hostname}{shown}".lower()


def _loopback(host: str | None) -> bool:
    """A loopback IP literal (Spring Authorization Server's isLoopbackAddress): 127.x.y.z or
    ::1 — not the name ``localhost``."""
    if host in ("::1", "0:0:0:0:0:0:0:1"):
        return True
    octets = (host or "").split(".")
    return len(octets) == 4 and all(o.isdigit() and int(o) <= 255 for o in octets) \
        and octets[0] == "127" and int(octets[3]) >= 1


def _netloc(parts, port: int | None) -> str:
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    return (f"{userinfo}@" if userinfo else "") + host + (f":{port}" if port is not None else "")


def _host_matches(registered: str, requested: str) -> bool:
    return registered == requested or requested.endswith("." + registered)


def _clean_path(path: str) -> str:
    """Spring's StringUtils.cleanPath, enough for a redirect URI: ``.`` and ``..`` resolved."""
    if not path:
        return path
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            if parts and parts[-1] not in ("", ".."):
                parts.pop()
            else:
                parts.append(piece)
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)
