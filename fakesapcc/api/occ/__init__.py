"""OCC v2 (``/occ/v2``): one blueprint; its modules add routes by resource."""
from .base import bp
from . import sitecontext, users  # noqa: F401,E402  (route registration)

__all__ = ["bp"]
