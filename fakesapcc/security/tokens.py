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
        self._last_sweep: datetime | None = None

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
              issuer: str | None = None, reuse: bool = False
              ) -> tuple[m.OAuthAccessToken, m.OAuthRefreshToken | None]:
        """New tokens; with ``reuse`` on the classic profile, the still-valid access token
        (and its refresh token) of the same user, client and scope if there is one, as
        spring-security-oauth2's ``DefaultTokenServices.createAccessToken`` hands it back (an
        expired one is removed with its refresh token, and new ones minted). Spring
        Authorization Server always mints new tokens."""
        now = self.clock.now()
        if reuse and self.config.oauth_profile != AUTHORIZATION_SERVER:
            existing = self._existing(client, user, scope, authorities, now)
            if existing is not None:
                return existing
        # a refresh token outlives its access token (the client refreshes with it): only the
        # expired ones go
        self.evict_expired(now)
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
            self._by_authentication()[authentication_key(access)] = access.value
        return access, refresh

    # -- reuse and eviction (DefaultTokenServices, the token store's clean-up) ----------------

    def _by_authentication(self) -> dict[tuple, str]:
        """The newest access token value of each authentication (user, client, scope): what
        the token store's ``getAccessToken(authentication)`` finds by its authentication key.
        Derived from the state (a reset or restore rebuilds it); ``issue`` keeps it current,
        and an entry whose token is gone or different is ignored."""
        def build(state: Any) -> dict[tuple, str]:
            index: dict[tuple, str] = {}
            for token in sorted(state.access_tokens.values(), key=lambda t: t.issuedAt):
                index[authentication_key(token)] = token.value
            return index

        return self.db.derived(TOKEN_INDEX, (TOKENS,), build)

    def _existing(self, client: m.OAuthClientDetails, user: m.User | None, scope: list[str],
                  authorities: list[str], now: datetime
                  ) -> tuple[m.OAuthAccessToken, m.OAuthRefreshToken | None] | None:
        key = (user.uid if user else None, client.clientId, tuple(sorted(scope)))
        with self.db.locked() as state:
            value = self._by_authentication().get(key)
            token = state.access_tokens.get(value) if value else None
            if token is None or authentication_key(token) != key:
                return None
            if token.expiresAt <= now:
                del state.access_tokens[token.value]
                if token.refreshToken:
                    state.refresh_tokens.pop(token.refreshToken, None)
                return None
            # storeAccessToken(existing, authentication): the new login's authorities
            token.authorities = list(authorities)
            refresh = state.refresh_tokens.get(token.refreshToken or "")
            return token, refresh

    def evict_expired(self, now: datetime | None = None, *, force: bool = False) -> int:
        """Remove the access and refresh tokens expired by the server's clock; at most once a
        minute of that clock unless ``force``. Returns how many went."""
        now = now or self.clock.now()
        last = self._last_sweep
        if not force and last is not None and last <= now < last + SWEEP_INTERVAL:
            return 0  # swept within the minute (a clock put back, by a reset, sweeps again)
        with self.db.locked() as state:
            self._last_sweep = now
            gone = [k for k, t in state.access_tokens.items() if t.expiresAt <= now]
            for key in gone:
                del state.access_tokens[key]
            stale = [k for k, t in state.refresh_tokens.items() if t.expiresAt <= now]
            for key in stale:
                del state.refresh_tokens[key]
            return len(gone) + len(stale)

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
                           headers=_www_authenticate("invalid_token", "Invalid access token"))
        if token.expiresAt <= self.clock.now():
            with self.db.side_lock:
                self.db.state.access_tokens.pop(value, None)
            raise ApiError(401, "InvalidTokenError", f"Access token expired: {value}",
                           headers=_www_authenticate("invalid_token", "Access token expired"))
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


TOKEN_INDEX = "tokens-by-authentication"
TOKENS = "tokens"
SWEEP_INTERVAL = timedelta(seconds=60)


def authentication_key(token: m.OAuthAccessToken) -> tuple:
    """What spring-security-oauth2's DefaultAuthenticationKeyGenerator hashes: the user (none
    for a client's own token), the client and the scope."""
    return (token.userUid, token.clientId, tuple(sorted(token.scope)))


MAX_VALIDITY = 100 * 365 * 24 * 3600  # a lifetime beyond a century is taken as a century


def _bounded(seconds: int) -> int:
    """A token lifetime that keeps its expiry inside the calendar."""
    return max(min(seconds, MAX_VALIDITY), -MAX_VALIDITY)


def _www_authenticate(error: str, description: str) -> dict[str, str]:
    """The challenge of a refused bearer token. Spring's entry point puts the exception's
    message there, token value and all; fakesapcc never echoes the value into a header (a
    long one made a header line clients cannot read), the body's message keeps it."""
    return {"WWW-Authenticate":
            f'Bearer realm="hybris", error="{error}", error_description="{description}"'}
