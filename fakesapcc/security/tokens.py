"""Issuing, finding and revoking OAuth tokens.

Tokens are opaque random strings by default on the classic profile, as classic SAP issues
them; with ``token_format = jwt`` (the authorization-server profile's default) they are
RS256-signed JWTs whose public key is published as a JWKS. Their claims follow the profile:
classic ``sub``, ``client_id``, ``scope``, ``authorities``, ``iat``, ``exp``, ``jti``; Spring
Authorization Server's JwtGenerator ``iss``, ``sub``, ``aud``, ``nbf``, ``scope`` (a list),
``iat``, ``exp``, ``jti``, plus ``client_id`` (RFC 9068). Either way the server validates a token
by looking it up, so revocation works for both.
"""
from __future__ import annotations

import base64
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from .. import models as m
from ..clock import Clock
from ..config import AUTHORIZATION_SERVER, Config
from ..errors import ApiError
from ..db import Db


class TokenSigner:
    """An RSA key made at start-up, signing JWT access tokens."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa

        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex[:16]

    def sign(self, claims: dict[str, Any]) -> str:
        import jwt

        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    def jwks(self) -> dict[str, Any]:
        numbers = self._key.public_key().public_numbers()

        def b64(n: int) -> str:
            raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                          "n": b64(numbers.n), "e": b64(numbers.e)}]}

    def public_key_pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


class TokenService:
    def __init__(self, db: Db, clock: Clock, config: Config) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.signer = TokenSigner() if config.token_format == "jwt" else None

    # -- lifetimes ---------------------------------------------------------------------------

    def access_validity(self, client: m.OAuthClientDetails) -> int:
        return _bounded(client.accessTokenValiditySeconds or self.config.prop_int(
            "oauth2.accessTokenValiditySeconds", 43200))

    def refresh_validity(self, client: m.OAuthClientDetails) -> int:
        return _bounded(client.refreshTokenValiditySeconds or self.config.prop_int(
            "oauth2.refreshTokenValiditySeconds", 2592000))

    # -- issuing -----------------------------------------------------------------------------

    def issuer(self) -> str:
        """The issuer when no request names one: the authorization server's web app."""
        return f"{self.config.base_url}/authorizationserver"

    def issue(self, client: m.OAuthClientDetails, user: m.User | None, scope: list[str],
              authorities: list[str], grant_type: str, with_refresh: bool,
              issuer: str | None = None
              ) -> tuple[m.OAuthAccessToken, m.OAuthRefreshToken | None]:
        now = self.clock.now()
        refresh = None
        if with_refresh and user is not None:
            refresh = m.OAuthRefreshToken(
                value=str(uuid.uuid4()), clientId=client.clientId, userUid=user.uid,
                scope=scope, expiresAt=now + timedelta(seconds=self.refresh_validity(client)))
        expires = now + timedelta(seconds=self.access_validity(client))
        value = self._new_value(client, user, scope, authorities, now, expires,
                                issuer or self.issuer())
        access = m.OAuthAccessToken(
            value=value, clientId=client.clientId, userUid=user.uid if user else None,
            scope=scope, authorities=authorities, issuedAt=now, expiresAt=expires,
            refreshToken=refresh.value if refresh else None, grantType=grant_type)
        with self.db.locked() as state:
            state.access_tokens[access.value] = access
            if refresh:
                state.refresh_tokens[refresh.value] = refresh
        return access, refresh

    def _new_value(self, client: m.OAuthClientDetails, user: m.User | None, scope: list[str],
                   authorities: list[str], now: datetime, expires: datetime,
                   issuer: str) -> str:
        if self.signer is None:
            return str(uuid.uuid4())
        subject = user.uid if user else client.clientId
        if self.config.oauth_profile == AUTHORIZATION_SERVER:
            claims: dict[str, Any] = {"iss": issuer, "sub": subject, "aud": [client.clientId],
                                      "nbf": int(now.timestamp())}
            if scope:
                claims["scope"] = list(scope)
            claims.update({"iat": int(now.timestamp()), "exp": int(expires.timestamp()),
                           "jti": str(uuid.uuid4()), "client_id": client.clientId})
            return self.signer.sign(claims)
        return self.signer.sign({
            "sub": subject, "client_id": client.clientId,
            "scope": " ".join(scope), "authorities": authorities,
            "iat": int(now.timestamp()), "exp": int(expires.timestamp()),
            "jti": secrets.token_hex(8)})

    def expires_in(self, token: m.OAuthAccessToken) -> int:
        return max(round((token.expiresAt - self.clock.now()).total_seconds()), 0)

    # -- reading -----------------------------------------------------------------------------

    def authenticate(self, value: str) -> m.OAuthAccessToken:
        """The access token behind a bearer value, or SAP's 401 InvalidTokenError. Called under
        the request's lock, maybe a read: an expired token is removed on first use, as SAP's
        token store does, under the database's side lock."""
        token = self.db.state.access_tokens.get(value)
        if token is None:
            raise ApiError(401, "InvalidTokenError", f"Invalid access token: {value}",
                           headers=_www_authenticate("invalid_token",
                                                     f"Invalid access token: {value}"))
        if token.expiresAt <= self.clock.now():
            with self.db.side_lock:
                self.db.state.access_tokens.pop(value, None)
            raise ApiError(401, "InvalidTokenError", f"Access token expired: {value}",
                           headers=_www_authenticate("invalid_token",
                                                     f"Access token expired: {value}"))
        return token

    # -- refresh and revoke ------------------------------------------------------------------

    def take_refresh_token(self, value: str) -> m.OAuthRefreshToken | None:
        """Remove a refresh token and the access tokens issued with it (no reuse: SAP's
        ``reuseRefreshToken=false``); returns it, or None if unknown."""
        with self.db.locked() as state:
            refresh = state.refresh_tokens.pop(value, None)
            if refresh is not None:
                for key in [k for k, t in state.access_tokens.items() if t.refreshToken == value]:
                    del state.access_tokens[key]
            return refresh

    def revoke(self, value: str, hint: str | None = None) -> bool:
        """Revoke an access token (with its refresh token) or a refresh token (with its access
        tokens). Unknown values are ignored, as RFC 7009 asks."""
        with self.db.locked() as state:
            access = state.access_tokens.pop(value, None) if hint != "refresh_token" else None
            if access is not None:
                if access.refreshToken:
                    state.refresh_tokens.pop(access.refreshToken, None)
                return True
        return self.take_refresh_token(value) is not None or (
            hint == "refresh_token" and self.revoke(value, "access_token"))

    def revoke_user(self, uid: str) -> None:
        """Revoke every token of a user (a deactivated account)."""
        with self.db.locked() as state:
            for key in [k for k, t in state.access_tokens.items() if t.userUid == uid]:
                del state.access_tokens[key]
            for key in [k for k, t in state.refresh_tokens.items() if t.userUid == uid]:
                del state.refresh_tokens[key]


MAX_VALIDITY = 100 * 365 * 24 * 3600  # a lifetime beyond a century is taken as a century


def _bounded(seconds: int) -> int:
    """A token lifetime that keeps its expiry inside the calendar."""
    return max(min(seconds, MAX_VALIDITY), -MAX_VALIDITY)


def _www_authenticate(error: str, description: str) -> dict[str, str]:
    return {"WWW-Authenticate":
            f'Bearer realm="hybris", error="{error}", error_description="{description}"'}
