"""The authorization server: ``/authorizationserver/oauth/token``, ``/oauth/revoke`` and the
JWKS of JWT access tokens. Clients authenticate in the request itself (HTTP Basic or form
fields), so the routes are open to the security filters; ``security.authserver`` decides."""
from __future__ import annotations

import marshmallow as ma
from flask import Blueprint, jsonify, request

from ..errors import OAuthError, not_found_path
from ..security import roles
from . import inputs as i
from . import runtime
from .operations import operation

bp = Blueprint("oauth", __name__, url_prefix="/authorizationserver")


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

    class Meta:
        unknown = ma.INCLUDE


@bp.post("/oauth/token")
@operation("postToken", secured=roles.OPEN, params=TokenForm)
def token(params: dict):
    form = {k: v for k, v in params.items() if v is not None}
    body = runtime().authserver.token(form, request.headers.get("Authorization"))
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


class RevokeForm(i.Params):
    token = i.TextParam(default="", strip=True)
    token_type_hint = i.TextParam()


@bp.post("/oauth/revoke")
@operation("revokeToken", secured=roles.OPEN, params=RevokeForm)
def revoke(params: dict):
    if not params["token"]:
        raise OAuthError(400, "invalid_request", "Missing token")
    runtime().tokens.revoke(params["token"], params["token_type_hint"])
    return "", 200


@bp.get("/oauth2/jwks")
@operation("getJwks", secured=roles.OPEN)
def jwks():
    signer = runtime().tokens.signer
    if signer is None:
        raise not_found_path(request.path)
    return jsonify(signer.jwks())
