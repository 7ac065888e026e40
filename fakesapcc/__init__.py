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


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name in ("Config", "build_config"):
        from . import config

        return getattr(config, name)
    if name == "Db":
        from .db import Db

        return Db
    raise AttributeError(f"module 'fakesapcc' has no attribute {name!r}")
