"""The authorization server's token endpoint: its client authentication and grants, in the
dialect of the OAuth profile (``security.dialects``; occ-api.md §1, docs/fidelity.md "OAuth
profiles").

- ``classic`` (spring-security-oauth2): password, client_credentials, refresh_token and
  authorization_code; a client authenticates with HTTP Basic or form fields, a public client
  with its id alone.
- ``authorization-server`` (Spring Authorization Server): authorization_code (with PKCE),
  client_credentials and refresh_token; the password grant is refused as
  ``unsupported_grant_type``; a public client authenticates with its id and a
  ``code_verifier`` (and, as SAP's server lets it, refreshes with its id alone).

Authorization codes come from the authorization endpoint (``security.authorize``).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import models as m
from ..clock import Clock
from ..config import AUTHORIZATION_SERVER, Config
from ..db import Db
from .dialects import Dialect, dialect
from .policy import user_authorities
from .verification import VerificationTokens
from .tokens import TokenService

GRANTS = ("password", "client_credentials", "refresh_token", "authorization_code", "implicit")
#: what Spring Authorization Server answers at SAP's token endpoint
AUTHORIZATION_SERVER_GRANTS = ("authorization_code", "client_credentials", "refresh_token")
#: the grants a public client (no secret) may use on the authorization-server profile
PUBLIC_CLIENT_GRANTS = ("authorization_code", "refresh_token")


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str | None
    secret: str | None
    via_basic: bool


def client_credentials(form: Mapping[str, str], authorization: str | None,
                       dialect_: Dialect) -> ClientCredentials:
    """The client's id and secret from HTTP Basic, else from the form fields."""
    if authorization and authorization.lower().startswith("basic "):
        try:
            raw = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as exc:  # binascii.Error, or not ASCII
            raise dialect_.bad_client(True) from exc
        client_id, _, secret = raw.partition(":")
        return ClientCredentials(client_id, secret, True)
    return ClientCredentials(form.get("client_id"), form.get("client_secret"), False)


def pkce_matches(verifier: str | None, challenge: str, method: str | None) -> bool:
    """RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge (S256), or the
    verifier itself (plain)."""
    if not verifier:
        return False
    try:
        raw = verifier.encode("ascii")
    except UnicodeEncodeError:
        return False
    if method == "S256":
        digest = base64.urlsafe_b64encode(hashlib.sha256(raw).digest()).rstrip(b"=")
        return _same(digest.decode("ascii"), challenge)
    if method == "plain":
        return _same(verifier, challenge)
    return False


def default_scope(config: Config, grant: str) -> str:
    key = ("commercewebservices.oauth2.clientCredentials.scope" if grant == "client_credentials"
           else "commercewebservices.oauth2.password.scope")
    return config.prop(key) or ("extended" if grant == "client_credentials" else "basic")


def unknown_scopes(config: Config, client: m.OAuthClientDetails, requested: list[str],
                   grant: str) -> list[str]:
    """The requested scopes the client may not have (its own, and the default of the grant)."""
    allowed = set(client.scope) | {default_scope(config, grant)}
    return [s for s in requested if s not in allowed]


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def is_public(client: m.OAuthClientDetails) -> bool:
    return client.public or not client.clientSecret


class AuthorizationServer:
    def __init__(self, db: Db, clock: Clock, config: Config, tokens: TokenService) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.tokens = tokens

    @property
    def dialect(self) -> Dialect:
        return dialect(self.config.oauth_profile)

    @property
    def modern(self) -> bool:
        return self.config.oauth_profile == AUTHORIZATION_SERVER

    # -- clients -----------------------------------------------------------------------------

    def authenticate_client(self, creds: ClientCredentials,
                            form: Mapping[str, str]) -> m.OAuthClientDetails:
        client = self.db.state.oauth_clients.get(creds.client_id or "")
        if client is None or not self._secret_ok(client, creds, form):
            raise self.dialect.bad_client(creds.via_basic)
        return client

    def _secret_ok(self, client: m.OAuthClientDetails, creds: ClientCredentials,
                   form: Mapping[str, str]) -> bool:
        secret = creds.secret
        if not self.modern:
            if is_public(client):
                return not secret or secret == (client.clientSecret or "")
            return secret == client.clientSecret
        # Spring Authorization Server: client_secret_basic / client_secret_post for a client
        # with a secret; "none" (its id, no secret) for a public client, on the grants SAP
        # lets it use
        if is_public(client):
            grant = form.get("grant_type") or ""
            return not secret and not creds.via_basic and grant in PUBLIC_CLIENT_GRANTS \
                and (grant != "authorization_code" or bool(form.get("code_verifier")))
        return bool(secret) and _same(secret, client.clientSecret or "")

    # -- the token endpoint ------------------------------------------------------------------

    def token(self, form: Mapping[str, str], authorization: str | None,
              issuer: str | None = None) -> dict[str, Any]:
        d = self.dialect
        client = self.authenticate_client(client_credentials(form, authorization, d), form)
        grant = (form.get("grant_type") or "").strip()
        if not grant:
            raise d.missing_grant()
        if grant not in (AUTHORIZATION_SERVER_GRANTS if self.modern else GRANTS):
            raise d.unsupported_grant(grant)
        if grant not in client.authorizedGrantTypes:
            raise d.unauthorized_grant(grant)
        if grant == "password":
            return self._password(client, form, issuer)
        if grant == "client_credentials":
            return self._client_credentials(client, form, issuer)
        if grant == "refresh_token":
            return self._refresh(client, form, issuer)
        if grant == "authorization_code":
            return self._authorization_code(client, form, issuer)
        # implicit is answered by the authorization endpoint, never here
        raise d.unsupported_grant(grant)

    def _scope(self, client: m.OAuthClientDetails, form: Mapping[str, str], grant: str) -> list[str]:
        requested = (form.get("scope") or "").split()
        if requested:
            bad = unknown_scopes(self.config, client, requested, grant)
            if bad:
                raise self.dialect.invalid_scope(bad)
            return requested
        return [default_scope(self.config, grant)]

    def verify_user(self, username: str, password: str) -> m.User:
        """A user's credentials, as the password grant and the login form check them: an
        unknown user and a wrong password are both ``bad_credentials`` (LookupError), a
        disabled account ``user_disabled`` (PermissionError)."""
        user = self.db.principal(username.strip()) if username.strip() else None
        if not isinstance(user, m.User) or user.password is None \
                or not _same(user.password, password):
            raise LookupError(username)
        if not user.is_active(self.clock.now()):
            raise PermissionError(username)
        return user

    def _password(self, client: m.OAuthClientDetails, form: Mapping[str, str],
                  issuer: str | None) -> dict[str, Any]:
        try:
            user = self._one_time(form) or self.verify_user(form.get("username") or "",
                                                            form.get("password") or "")
        except LookupError:
            raise self.dialect.bad_credentials() from None
        except PermissionError:
            raise self.dialect.user_disabled() from None
        scope = self._scope(client, form, "password")
        access, refresh = self.tokens.issue(client, user, scope, user_authorities(self.db, user),
                                            "password", with_refresh=True, issuer=issuer,
                                            reuse=True)
        return self._body(access, refresh)

    def _one_time(self, form: Mapping[str, str]) -> m.User | None:
        """A one-time login: a verification token's id as ``username``, its code as
        ``password`` (security.verification); None when the username is no token's id."""
        username = form.get("username") or ""
        tokens = VerificationTokens(self.db, self.clock, self.config)
        if not tokens.is_token_id(username):
            return None
        login = tokens.redeem(username, form.get("password") or "", "LOGIN")
        user = self.db.principal(login) if login else None
        if not isinstance(user, m.User):
            raise LookupError(username)
        if not user.is_active(self.clock.now()):
            raise PermissionError(username)
        return user

    def _client_credentials(self, client: m.OAuthClientDetails, form: Mapping[str, str],
                            issuer: str | None) -> dict[str, Any]:
        scope = self._scope(client, form, "client_credentials")
        access, _ = self.tokens.issue(client, None, scope, list(client.authorities),
                                      "client_credentials", with_refresh=False, issuer=issuer,
                                      reuse=True)
        return self._body(access, None)

    def _refresh(self, client: m.OAuthClientDetails, form: Mapping[str, str],
                 issuer: str | None) -> dict[str, Any]:
        """Spring's order: the token must exist, its user still log in and its client be the
        caller; only then are the old tokens removed (an expired one too, with its error) and
        new ones issued. A refused refresh changes nothing."""
        d = self.dialect
        value = (form.get("refresh_token") or "").strip()
        with self.db.locked() as state:
            refresh = state.refresh_tokens.get(value) if value else None
            if refresh is None:
                raise d.invalid_refresh(value)
            user = self.db.principal(refresh.userUid)
            if not isinstance(user, m.User):
                raise d.invalid_refresh(value)
            if not user.is_active(self.clock.now()):
                raise d.user_disabled()
            if refresh.clientId != client.clientId:
                raise d.refresh_of_other_client(value)
            self.tokens.take_refresh_token(value)
            if refresh.expiresAt <= self.clock.now():
                raise d.expired_refresh(value)
            access, new_refresh = self.tokens.issue(
                client, user, refresh.scope, user_authorities(self.db, user), "refresh_token",
                with_refresh=True, issuer=issuer)
        return self._body(access, new_refresh)

    def _authorization_code(self, client: m.OAuthClientDetails, form: Mapping[str, str],
                            issuer: str | None) -> dict[str, Any]:
        """Redeem a code from the authorization endpoint. Classic (spring-security-oauth2 and
        its PKCE extensions) consumes the code first, then checks it; Spring Authorization
        Server checks the code_verifier while it authenticates the client (a wrong one leaves
        the code usable), then the client, the redirect URI, and whether the code was used
        (then the tokens issued for it are revoked) or expired."""
        d = self.dialect
        value = form.get("code") or ""
        if not value:
            raise d.missing_code()
        now = self.clock.now()
        with self.db.locked() as state:
            code = state.authorization_codes.get(value)
            if not self.modern:
                if code is None or code.used or code.expiresAt <= now:
                    raise d.invalid_code(value)
                code.used = True  # consumed, whatever follows
            elif code is None:
                raise d.invalid_code(value)
            verifier = form.get("code_verifier")
            if code.codeChallenge is not None:
                if not pkce_matches(verifier, code.codeChallenge, code.codeChallengeMethod):
                    raise d.invalid_verifier(value)
            elif self.modern and (verifier or is_public(client)):
                raise d.invalid_verifier(value)
            if code.clientId != client.clientId:
                code.used = True
                raise d.code_of_other_client()
            redirect = form.get("redirect_uri")
            if (code.redirectUri is not None or (not self.modern and redirect is not None)) \
                    and redirect != (code.redirectUri or code.resolvedRedirectUri):
                raise d.redirect_mismatch()
            if self.modern and code.used:
                for token in (code.accessToken, code.refreshToken):
                    if token:
                        self.tokens.revoke(token)
                raise d.invalid_code(value)
            if code.expiresAt <= now:
                raise d.invalid_code(value)
            user = self.db.principal(code.userUid)
            if not isinstance(user, m.User) or not user.is_active(now):
                raise d.invalid_code(value)
            code.used = True
            access, refresh = self.tokens.issue(
                client, user, code.scope, user_authorities(self.db, user), "authorization_code",
                with_refresh="refresh_token" in client.authorizedGrantTypes, issuer=issuer,
                reuse=True)
            code.accessToken = access.value
            code.refreshToken = refresh.value if refresh else None
        return self._body(access, refresh)

    def _body(self, access: m.OAuthAccessToken, refresh: m.OAuthRefreshToken | None) -> dict[str, Any]:
        expires_in = self.tokens.expires_in(access)
        scope = " ".join(access.scope)
        if self.modern:  # OAuth2AccessTokenResponseHttpMessageConverter
            body: dict[str, Any] = {"access_token": access.value}
            if refresh is not None:
                body["refresh_token"] = refresh.value
            if scope:
                body["scope"] = scope
            body["token_type"] = self.dialect.token_type
            body["expires_in"] = expires_in
            return body
        body = {"access_token": access.value, "token_type": self.dialect.token_type}
        if refresh is not None:
            body["refresh_token"] = refresh.value
        body["expires_in"] = expires_in
        body["scope"] = scope
        return body

    # -- revocation (RFC 7009) ---------------------------------------------------------------

    def revoke(self, form: Mapping[str, str], authorization: str | None) -> None:
        """RFC 7009 §2.1: the client authenticates as at the token endpoint (HTTP Basic or
        form fields; a public client with its id alone), then the token must have been issued
        to it: another client's token is refused (400 ``invalid_client``, Spring
        Authorization Server's answer) and stays alive. An unknown token is revoked
        silently (200), as the RFC asks. A Bearer ``Authorization`` (what Spartacus adds to
        its revoke call) is no client authentication: the form's client fields count."""
        d = self.dialect
        creds = client_credentials(form, authorization, d)
        client = self.db.state.oauth_clients.get(creds.client_id or "")
        if client is None or not self._revoke_secret_ok(client, creds):
            raise d.bad_client(creds.via_basic)
        value = (form.get("token") or "").strip()
        if not value:
            raise d.missing_token()
        hint = form.get("token_type_hint")
        with self.db.locked() as state:
            owner = state.access_tokens.get(value) or state.refresh_tokens.get(value)
            if owner is not None and owner.clientId != client.clientId:
                raise d.revoke_of_other_client()
            self.tokens.revoke(value, hint)

    def _revoke_secret_ok(self, client: m.OAuthClientDetails, creds: ClientCredentials) -> bool:
        if is_public(client):
            return not creds.secret or (not self.modern and
                                        creds.secret == (client.clientSecret or ""))
        return bool(creds.secret) and _same(creds.secret or "", client.clientSecret or "")

    # -- for test harnesses ------------------------------------------------------------------

    def sign_in(self, client_id: str, secret: str | None, username: str,
                password: str) -> dict[str, Any]:
        """Tokens for a user, as the client's login gives them: the password grant on the
        classic profile; on the authorization-server profile (no password grant) what the
        authorization code flow ends in, without the browser."""
        if not self.modern:
            return self.token({"grant_type": "password", "client_id": client_id,
                               "client_secret": secret or "", "username": username,
                               "password": password}, None)
        client = self.db.state.oauth_clients.get(client_id)
        if client is None or (not is_public(client) and not _same(secret or "",
                                                                  client.clientSecret or "")):
            raise self.dialect.bad_client(False)
        try:
            user = self.verify_user(username, password)
        except LookupError:
            raise self.dialect.bad_credentials() from None
        except PermissionError:
            raise self.dialect.user_disabled() from None
        access, refresh = self.tokens.issue(
            client, user, [default_scope(self.config, "authorization_code")],
            user_authorities(self.db, user), "authorization_code",
            with_refresh="refresh_token" in client.authorizedGrantTypes)
        return self._body(access, refresh)
