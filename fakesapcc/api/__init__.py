"""The HTTP layer: one blueprint per API family."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app, request

from . import schemabase  # noqa: F401  (before any module of the HTTP layer imports marshmallow)

if TYPE_CHECKING:
    from ..runtime import Runtime


def runtime(app: Flask | None = None) -> "Runtime":
    """The Runtime behind an app (the current one inside a request)."""
    return (app or current_app).extensions["fakesapcc"]


def arg(name: str) -> str | None:
    """A query parameter (its first value), or None. Werkzeug's ``args.get`` raises and
    catches an exception for a name that is not there, which most calls are."""
    req = request._get_current_object()  # type: ignore[attr-defined]
    if not req.query_string:  # no query: the args are not parsed at all
        return None
    args = req.args
    return args.get(name) if name in args else None
