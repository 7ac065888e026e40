"""The authorization server (``/authorizationserver``): the token and revoke endpoints, the
JWKS of JWT access tokens and, on the authorization-server profile, the discovery metadata and
the CSRF endpoint of custom login pages. Clients authenticate in the request itself (HTTP Basic
or form fields), so the routes are open to the security filters; ``security.authserver``
decides. The authorization endpoint and its login page are in ``api.login``."""
from __future__ import annotations

import marshmallow as ma
from flask import Blueprint, jsonify, request

from ..config import AUTHORIZATION_SERVER
from ..errors import not_found_path
from ..security import roles
from ..security.authorize import PLAIN_PKCE
from . import inputs as i
from . import runtime
from .admin_schemas import ErrorList
from .operations import operation
from .schemabase import Schema

PREFIX = "/authorizationserver"
bp = Blueprint("oauth", __name__, url_prefix=PREFIX, template_folder="templates")


def issuer() -> str:
    """The issuer: under ``--public-url`` when one is configured (SAP's configured issuer);
    otherwise as Spring Authorization Server resolves it when none is: the request's scheme,
    host and port, and the web app's context path."""
    public = runtime().config.public_url
    return (public or _host_url()) + PREFIX


_HOST_URLS: dict[tuple[str, str, str], str] = {}  # werkzeug's host_url of recent hosts


def _host_url() -> str:
    """``request.host_url`` without its trailing slash, kept per scheme, host and script
    root (werkzeug builds it through an IRI conversion on every call)."""
    key = (request.scheme, request.host, request.root_path)
    url = _HOST_URLS.get(key)
    if url is None:
        if len(_HOST_URLS) >= 64:  # any Host header a client sends: bounded
            _HOST_URLS.clear()
        url = _HOST_URLS[key] = request.host_url.rstrip("/")
    return url


def modern() -> bool:
    return runtime().config.oauth_profile == AUTHORIZATION_SERVER


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


class TokenForm(i.Params):
    """The token request (form fields, or query parameters as Spring reads them too); the
    fields a grant does not know pass through to the grant."""

    grant_type = i.TextParam(blank_is_missing=False)
    client_id = i.TextParam(blank_is_missing=False)
    client_secret = i.TextParam(blank_is_missing=False)
    username = i.TextParam(blank_is_missing=False)
    password = i.TextParam(blank_is_missing=False)
    scope = i.TextParam(blank_is_missing=False)
    refresh_token = i.TextParam(blank_is_missing=False)
    code = i.TextParam(blank_is_missing=False)
    redirect_uri = i.TextParam(blank_is_missing=False)
    code_verifier = i.TextParam(blank_is_missing=False)

    class Meta:
        unknown = ma.INCLUDE


class TokenResponse(Schema):
    """The token endpoint's answer (occ-api.md §1.3; Spring Authorization Server's keys are the
    same, ``token_type`` ``Bearer``)."""

    access_token = ma.fields.String(required=True)
    token_type = ma.fields.String(required=True, metadata={"enum": ["bearer", "Bearer"]})
    refresh_token = ma.fields.String()
    expires_in = ma.fields.Integer(required=True)
    scope = ma.fields.String()


class OAuthErrorBody(Schema):
    """RFC 6749 §5.2 (spring-security-oauth2 adds a description to every error)."""

    error = ma.fields.String(required=True)
    error_description = ma.fields.String()
    error_uri = ma.fields.String()


OAUTH_ERRORS = {400: ("Invalid request, grant, scope", OAuthErrorBody),
                401: ("Client authentication failed", OAuthErrorBody)}


class Jwk(Schema):
    """RFC 7517 §4: the RSA public key that signs JWT access tokens."""

    kty = ma.fields.String(required=True)
    use = ma.fields.String()
    alg = ma.fields.String()
    kid = ma.fields.String()
    n = ma.fields.String()
    e = ma.fields.String()


class JwkSet(Schema):
    keys = ma.fields.List(ma.fields.Nested(Jwk), required=True)


class AuthorizationServerMetadata(Schema):
    """RFC 8414 §2 (and OpenID Connect Discovery 1.0 §3 for the OpenID document), as Spring
    Authorization Server publishes it, limited to what fakesapcc serves."""

    issuer = ma.fields.String(required=True)
    authorization_endpoint = ma.fields.String()
    token_endpoint = ma.fields.String()
    token_endpoint_auth_methods_supported = ma.fields.List(ma.fields.String())
    jwks_uri = ma.fields.String()
    response_types_supported = ma.fields.List(ma.fields.String())
    grant_types_supported = ma.fields.List(ma.fields.String())
    revocation_endpoint = ma.fields.String()
    revocation_endpoint_auth_methods_supported = ma.fields.List(ma.fields.String())
    code_challenge_methods_supported = ma.fields.List(ma.fields.String())
    subject_types_supported = ma.fields.List(ma.fields.String())
    id_token_signing_alg_values_supported = ma.fields.List(ma.fields.String())
    scopes_supported = ma.fields.List(ma.fields.String())


class CsrfToken(Schema):
    """Spring Security's ``CsrfToken`` as JSON."""

    parameterName = ma.fields.String(required=True)
    headerName = ma.fields.String(required=True)
    token = ma.fields.String(required=True)


def _not_served(what: str) -> dict:
    return {404: (f"Not served: {what} (SAP's envelope, UnknownResourceError)", ErrorList)}


@bp.post("/oauth/token")
@operation("postToken", secured=roles.OPEN, params=TokenForm,
           summary="Issue tokens (password, client_credentials, refresh_token, "
                   "authorization_code)",
           responses={200: ("Tokens", TokenResponse), **OAUTH_ERRORS})
def token(params: dict):
    form = {k: v for k, v in params.items() if v is not None}
    body = runtime().authserver.token(form, request.environ.get("HTTP_AUTHORIZATION"), issuer())
    return no_store(jsonify(body))


class RevokeForm(i.Params):
    token = i.TextParam(default="", strip=True)
    token_type_hint = i.TextParam()
    client_id = i.TextParam(blank_is_missing=False)
    client_secret = i.TextParam(blank_is_missing=False)


@bp.post("/oauth/revoke")
@operation("revokeToken", secured=roles.OPEN, params=RevokeForm,
           summary="Revoke a token issued to the authenticated client (RFC 7009)",
           responses={200: "Revoked (or unknown): no body", **OAUTH_ERRORS})
def revoke(params: dict):
    """RFC 7009: the client authenticates and may revoke only its own tokens."""
    form = {k: v for k, v in params.items() if v is not None}
    runtime().authserver.revoke(form, request.headers.get("Authorization"))
    return "", 200


@bp.get("/oauth2/jwks")
@operation("getJwks", secured=roles.OPEN,
           responses={200: ("The signing keys", JwkSet), **_not_served("no JWT access tokens")})
def jwks():
    signer = runtime().tokens.signer
    if signer is None:
        raise not_found_path(request.path)
    return jsonify(signer.jwks())


# -- discovery (Spring Authorization Server; the classic server has none) ---------------------


def _metadata(openid: bool) -> dict:
    """What the metadata endpoints of Spring Authorization Server publish, limited to what
    fakesapcc serves (SAP keeps its ``/oauth/…`` endpoint paths)."""
    rt = runtime()
    base = issuer()
    methods = ["client_secret_basic", "client_secret_post", "none"]
    body = {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "token_endpoint_auth_methods_supported": methods,
    }
    if rt.tokens.signer is not None:
        body["jwks_uri"] = f"{base}/oauth2/jwks"
    body.update({
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "revocation_endpoint": f"{base}/oauth/revoke",
        "revocation_endpoint_auth_methods_supported": methods,
        "code_challenge_methods_supported":
            ["S256", "plain"] if rt.config.prop_bool(PLAIN_PKCE) else ["S256"],
    })
    if openid:
        scopes = sorted({s for c in rt.db.state.oauth_clients.values() for s in c.scope})
        body.update({"subject_types_supported": ["public"],
                     "id_token_signing_alg_values_supported": ["RS256"],
                     "scopes_supported": scopes})
    return body


@bp.get("/.well-known/openid-configuration")
@operation("getOpenIdConfiguration", secured=roles.OPEN,
           responses={200: ("OpenID provider metadata", AuthorizationServerMetadata),
                      **_not_served("the classic profile")})
def openid_configuration():
    if not modern():
        raise not_found_path(request.path)
    return jsonify(_metadata(openid=True))


@bp.get("/.well-known/oauth-authorization-server")
@operation("getAuthorizationServerMetadata", secured=roles.OPEN,
           responses={200: ("Authorization server metadata", AuthorizationServerMetadata),
                      **_not_served("the classic profile")})
def authorization_server_metadata():
    if not modern():
        raise not_found_path(request.path)
    return jsonify(_metadata(openid=False))
