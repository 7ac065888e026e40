"""The authorization server's grants: password, client_credentials and refresh_token, with the
bodies and errors of SAP's classic (spring-security-oauth2) server (occ-api.md §1)."""
from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import models as m
from ..clock import Clock
from ..config import Config
from ..errors import OAuthError
from ..db import Db
from .policy import user_authorities
from .tokens import TokenService

GRANTS = ("password", "client_credentials", "refresh_token", "authorization_code", "implicit")


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str | None
    secret: str | None
    via_basic: bool


def client_credentials(form: Mapping[str, str], authorization: str | None) -> ClientCredentials:
    """The client's id and secret from HTTP Basic, else from the form fields."""
    if authorization and authorization.lower().startswith("basic "):
        try:
            raw = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as exc:  # binascii.Error, or not ASCII
            raise _bad_basic() from exc
        client_id, _, secret = raw.partition(":")
        return ClientCredentials(client_id, secret, True)
    return ClientCredentials(form.get("client_id"), form.get("client_secret"), False)


def _bad_basic() -> OAuthError:
    return OAuthError(401, "unauthorized", "Bad credentials",
                      {"WWW-Authenticate": 'Basic realm="hybris"'})


class AuthorizationServer:
    def __init__(self, db: Db, clock: Clock, config: Config, tokens: TokenService) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.tokens = tokens

    # -- clients -----------------------------------------------------------------------------

    def authenticate_client(self, creds: ClientCredentials) -> m.OAuthClientDetails:
        client = self.db.state.oauth_clients.get(creds.client_id or "")
        if client is None or not self._secret_ok(client, creds.secret):
            if creds.via_basic:
                raise _bad_basic()
            raise OAuthError(401, "invalid_client", "Bad client credentials")
        return client

    @staticmethod
    def _secret_ok(client: m.OAuthClientDetails, secret: str | None) -> bool:
        if client.public or not client.clientSecret:
            return not secret or secret == (client.clientSecret or "")
        return secret == client.clientSecret

    # -- the token endpoint ------------------------------------------------------------------

    def token(self, form: Mapping[str, str], authorization: str | None) -> dict[str, Any]:
        client = self.authenticate_client(client_credentials(form, authorization))
        grant = (form.get("grant_type") or "").strip()
        if not grant:
            raise OAuthError(400, "invalid_request", "Missing grant type")
        if grant not in GRANTS:
            raise OAuthError(400, "unsupported_grant_type", f"Unsupported grant type: {grant}")
        if grant not in client.authorizedGrantTypes:
            raise OAuthError(401, "invalid_client", f"Unauthorized grant type: {grant}")
        if grant == "password":
            return self._password(client, form)
        if grant == "client_credentials":
            return self._client_credentials(client, form)
        if grant == "refresh_token":
            return self._refresh(client, form)
        # authorization_code and implicit need the login page, which this server does not have
        raise OAuthError(400, "unsupported_grant_type", f"Unsupported grant type: {grant}")

    def _scope(self, client: m.OAuthClientDetails, form: Mapping[str, str], grant: str) -> list[str]:
        requested = (form.get("scope") or "").split()
        if requested:
            allowed = set(client.scope) | {self._default_scope(grant)}
            bad = [s for s in requested if s not in allowed]
            if bad:
                raise OAuthError(400, "invalid_scope", f"Invalid scope: {' '.join(bad)}")
            return requested
        return [self._default_scope(grant)]

    def _default_scope(self, grant: str) -> str:
        key = ("commercewebservices.oauth2.clientCredentials.scope" if grant == "client_credentials"
               else "commercewebservices.oauth2.password.scope")
        return self.config.prop(key) or ("extended" if grant == "client_credentials" else "basic")

    def _password(self, client: m.OAuthClientDetails, form: Mapping[str, str]) -> dict[str, Any]:
        username = (form.get("username") or "").strip()
        password = form.get("password") or ""
        user = self.db.principal(username) if username else None
        if not isinstance(user, m.User) or user.password is None or user.password != password:
            raise OAuthError(400, "invalid_grant", "Bad credentials")
        if not user.is_active(self.clock.now()):
            raise OAuthError(400, "invalid_grant", "User is disabled")
        scope = self._scope(client, form, "password")
        access, refresh = self.tokens.issue(client, user, scope, user_authorities(self.db, user),
                                            "password", with_refresh=True)
        return self._body(access, refresh)

    def _client_credentials(self, client: m.OAuthClientDetails,
                            form: Mapping[str, str]) -> dict[str, Any]:
        scope = self._scope(client, form, "client_credentials")
        access, _ = self.tokens.issue(client, None, scope, list(client.authorities),
                                      "client_credentials", with_refresh=False)
        return self._body(access, None)

    def _refresh(self, client: m.OAuthClientDetails, form: Mapping[str, str]) -> dict[str, Any]:
        """Spring's order: the token must exist, its user still log in and its client be the
        caller; only then are the old tokens removed (an expired one too, with its error) and
        new ones issued. A refused refresh changes nothing."""
        value = (form.get("refresh_token") or "").strip()
        with self.db.locked() as state:
            refresh = state.refresh_tokens.get(value) if value else None
            if refresh is None:
                raise OAuthError(400, "invalid_grant", f"Invalid refresh token: {value}")
            user = self.db.principal(refresh.userUid)
            if not isinstance(user, m.User):
                raise OAuthError(400, "invalid_grant", f"Invalid refresh token: {value}")
            if not user.is_active(self.clock.now()):
                raise OAuthError(400, "invalid_grant", "User is disabled")
            if refresh.clientId != client.clientId:
                raise OAuthError(400, "invalid_grant", f"Wrong client for this refresh token: {value}")
            self.tokens.take_refresh_token(value)
            if refresh.expiresAt <= self.clock.now():
                raise OAuthError(401, "invalid_token", f"Invalid refresh token (expired): {value}")
            access, new_refresh = self.tokens.issue(
                client, user, refresh.scope, user_authorities(self.db, user), "refresh_token",
                with_refresh=True)
        return self._body(access, new_refresh)

    def _body(self, access: m.OAuthAccessToken, refresh: m.OAuthRefreshToken | None) -> dict[str, Any]:
        body: dict[str, Any] = {"access_token": access.value, "token_type": "bearer"}
        if refresh is not None:
            body["refresh_token"] = refresh.value
        body["expires_in"] = self.tokens.expires_in(access)
        body["scope"] = " ".join(access.scope)
        return body
