"""fakesapcc: an emulator of SAP Commerce Cloud's OAuth server, OCC v2 and ASM web services,
with real state seeded from ImpEx.

The public surface: ``create_app`` (a WSGI app), ``Config``/``build_config``, ``Db``.
"""
__version__ = "0.1.0"  # the one place: pyproject.toml reads it, `fakesapcc --version` shows it

from .app import create_app  # noqa: E402
from .config import Config, build_config  # noqa: E402
from .db import Db  # noqa: E402

__all__ = ["create_app", "Config", "build_config", "Db", "__version__"]
