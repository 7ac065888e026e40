"""CORS per web app and security headers (to be built: issue 7)."""
from __future__ import annotations

from flask import Flask


def install(app: Flask) -> None:
    """Hook CORS and the security headers into every response."""
