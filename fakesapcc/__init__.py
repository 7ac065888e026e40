"""fakesapcc: an emulator of SAP Commerce Cloud's OAuth server, OCC v2 and ASM web services,
with real state seeded from ImpEx.

The public surface: ``create_app`` (a WSGI app), ``Config``/``build_config``, ``Db``. They are
imported when first asked for, so that importing a part of fakesapcc (``fakesapcc.cli`` for
``fakesapcc health``, ``fakesapcc.config``) does not import the whole app.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .app import create_app
    from .config import Config, build_config
    from .db import Db

__all__ = ["create_app", "Config", "build_config", "Db", "__version__"]
_WHERE = {"create_app": "app", "Config": "config", "build_config": "config", "Db": "db"}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
