"""The one place failures become responses: SAP's error envelope for OCC and ASM, the OAuth
shape for the authorization server, and SAP's bodies for what Flask itself raises (unknown path,
wrong method, unreadable body, unexpected exceptions)."""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from ..errors import ApiError, ApiErrors, OAuthError, not_found_path
from . import runtime

log = logging.getLogger("fakesapcc")

# the token and revoke endpoints answer every error in the OAuth shape
OAUTH_ENDPOINTS = ("/authorizationserver/oauth/token", "/authorizationserver/oauth/revoke")


def render_api_errors(status: int, errors: list[ApiError],
                      headers: dict[str, str] | None = None) -> Response:
    response = jsonify({"errors": [e.to_dict() for e in errors]})
    response.status_code = status
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def render_oauth_error(exc: OAuthError) -> Response:
    response = jsonify(exc.to_dict())
    response.status_code = exc.status
    for k, v in exc.headers.items():
        response.headers[k] = v
    return response


def too_large(length: int | None, limit: int) -> ApiError:
    what = "Request body" if length is None else f"Request body of {length} bytes"
    return ApiError(413, "PayloadTooLargeError", f"{what} is larger than the limit of {limit} bytes",
                    reason="tooLarge", subject="body", subject_type="request")


def _http_error(exc: HTTPException) -> ApiError:
    code = exc.code or 500
    if code == 404:
        return not_found_path(request.path)
    if code == 405:
        return ApiError(405, "HttpRequestMethodNotSupportedError",
                        f"Request method '{request.method}' not supported")
    if code == 415:
        return ApiError(415, "HttpMediaTypeNotSupportedError",
                        f"Content type '{request.content_type or ''}' not supported")
    if code == 400:
        return ApiError(400, "HttpMessageNotReadableError", "Request body is invalid or missing")
    if code == 413:
        return too_large(None, request.max_content_length or 0)
    if code == 406:
        return ApiError(406, "HttpMediaTypeNotAcceptableError", "Could not find acceptable representation")
    return ApiError(code, "UnknownError", exc.description or exc.name)


def install(app: Flask) -> None:
    """Register the handlers that turn every exception into SAP's body."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return render_api_errors(exc.status, [exc], exc.headers)

    @app.errorhandler(ApiErrors)
    def _api_errors(exc: ApiErrors) -> Response:
        return render_api_errors(exc.status, exc.errors)

    @app.errorhandler(OAuthError)
    def _oauth_error(exc: OAuthError) -> Response:
        return render_oauth_error(exc)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        error = _http_error(exc)
        headers = {}
        if exc.code == 405 and exc.response is None:
            allow = getattr(exc, "valid_methods", None)
            if allow:
                headers["Allow"] = ", ".join(allow)
        if request.path in OAUTH_ENDPOINTS:
            # spring-security-oauth2's endpoints translate these into an OAuth2Exception
            kind = "method_not_allowed" if error.status == 405 else "invalid_request"
            return render_oauth_error(OAuthError(error.status, kind, error.message, headers))
        return render_api_errors(error.status, [error], headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        for listener in runtime().error_listeners:
            listener(exc)
        return render_api_errors(500, [ApiError(500, "UnknownError", "Unknown server error")])
