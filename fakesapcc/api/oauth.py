"""The authorization server: ``/authorizationserver/oauth/token``, ``/oauth/revoke`` and the
JWKS of JWT access tokens."""
from __future__ import annotations

from .operations import operation

from flask import Blueprint, jsonify, request

from . import runtime
from ..errors import OAuthError, not_found_path

bp = Blueprint("oauth", __name__, url_prefix="/authorizationserver")


def _form() -> dict[str, str]:
    # the token endpoint reads form fields, and query parameters as Spring does
    return {**request.args.to_dict(), **request.form.to_dict()}


@bp.post("/oauth/token")
@operation("postToken")
def token():
    body = runtime().authserver.token(_form(), request.headers.get("Authorization"))
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.post("/oauth/revoke")
@operation("revokeToken")
def revoke():
    form = _form()
    value = (form.get("token") or "").strip()
    if not value:
        raise OAuthError(400, "invalid_request", "Missing token")
    runtime().tokens.revoke(value, form.get("token_type_hint"))
    return "", 200


@bp.get("/oauth2/jwks")
def jwks():
    signer = runtime().tokens.signer
    if signer is None:
        raise not_found_path(request.path)
    return jsonify(signer.jwks())
