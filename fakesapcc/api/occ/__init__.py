"""OCC v2 (``/occ/v2``): one blueprint; its modules add routes by resource."""
from .base import bp
from . import account, carts, orders, products, sitecontext, users  # noqa: F401,E402  (routes)

__all__ = ["bp"]
