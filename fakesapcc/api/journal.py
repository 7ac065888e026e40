"""The request journal and the emulation lint (to be built: issue 6)."""
from __future__ import annotations

from flask import Flask


def install(app: Flask) -> None:
    """Hook the journal into every request."""
