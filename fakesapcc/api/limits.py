"""Request limits, checked before a request is routed or its body read.

- The header block (every field's name and value) is bounded by ``max_header_size`` (8 KiB,
  Tomcat's default ``maxHttpHeaderSize``): beyond it 400, as Tomcat refuses it before SAP's
  code runs (the answer is SAP's envelope all the same, so that clients read one shape).
- A request body on SAP's web apps is bounded by ``max_body_size`` (4 MiB): a declared
  ``Content-Length`` beyond it is refused at once with 413, and a body without one (chunked)
  is cut at the limit by Werkzeug, which answers the same 413 before anything is parsed. The
  control plane (loopback only, ImpEx uploads, snapshots) has no body limit.

docs/fidelity.md ("Request limits") records the choices.
"""
from __future__ import annotations

from flask import Flask, request

from ..errors import ApiError, OAuthError
from . import runtime
from .errors import too_large
from .harness import is_control_plane

OAUTH_PREFIX = "/authorizationserver/"


def header_size(environ: dict) -> int:
    """The bytes of the request's header fields as they came (``Name: value\\r\\n``)."""
    size = 0
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            size += len(key) - 5 + len(str(value)) + 4
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            size += len(key) + len(str(value)) + 4
    return size


def _check() -> None:
    config = runtime().config
    req = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup
    size = header_size(req.environ)
    if size > config.max_header_size:
        message = f"Request header is too large ({size} bytes; the limit is " \
                  f"{config.max_header_size})"
        if req.path.startswith(OAUTH_PREFIX):
            raise OAuthError(400, "invalid_request", message)
        raise ApiError(400, "RequestHeaderTooLargeError", message)
    if is_control_plane(req.path):
        req.max_content_length = None
        return
    limit = config.max_body_size
    req.max_content_length = limit
    length = req.content_length
    if length is not None and length > limit:
        if req.path.startswith(OAUTH_PREFIX):
            raise OAuthError(413, "invalid_request", too_large(length, limit).message)
        raise too_large(length, limit)


def install(app: Flask) -> None:
    app.before_request(_check)
