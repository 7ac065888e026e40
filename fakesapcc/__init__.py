"""fakesapcc: an emulator of SAP Commerce Cloud's OAuth server, OCC v2 and ASM web services,
with real state seeded from ImpEx.

The public surface: ``create_app`` (a WSGI app), ``Config``/``build_config``, ``Db``.
"""
from .app import create_app
from .config import Config, build_config
from .db import Db
from .version import __version__

__all__ = ["create_app", "Config", "build_config", "Db", "__version__"]
