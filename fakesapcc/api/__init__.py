"""The HTTP layer: one blueprint per API family."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:
    from ..runtime import Runtime


def runtime(app: Flask | None = None) -> "Runtime":
    """The Runtime behind an app (the current one inside a request)."""
    return (app or current_app).extensions["fakesapcc"]
